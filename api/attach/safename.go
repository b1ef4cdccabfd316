package attach

import (
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/postsale/postsale/api/sanitize"
)

// MaxNameBytes caps a local name, leaving room under the usual 255-byte limit for a " (99)"
// suffix and the temporary name used while downloading.
const MaxNameBytes = 180

// maxExtBytes is the longest suffix treated as an extension worth keeping.
const maxExtBytes = 16

// fallbackName is used when nothing usable is left of the server's name.
const fallbackName = "attachment"

// SafeName derives a local file name from a name the server sent (original_filename or the
// stored filename). The result is one path element: no separators, no control characters or
// escape sequences, not "." or "..", not hidden, not an option ("-x"), not a Windows device
// name, at most MaxNameBytes bytes of valid UTF-8 with the extension kept.
func SafeName(serverName string) string {
	s := sanitize.Line(serverName) // drops escape sequences, controls (NUL), bidi tricks
	s = strings.Map(func(r rune) rune {
		switch r {
		case '/', '\\', ':', '*', '?', '"', '<', '>', '|', '#', '%', utf8.RuneError:
			return '_' // separators, Windows-reserved, and what breaks file:// URLs
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	s = strings.TrimLeft(s, ".- ") // no "..", no hidden files, no "-option"
	s = strings.TrimRight(s, ". ") // Windows drops trailing dots and spaces
	if s == "" {
		return fallbackName
	}
	stem, ext := splitExt(s)
	if stem == "" {
		stem = fallbackName
	}
	if reservedWindowsName(stem) {
		stem = "_" + stem
	}
	if len(stem)+len(ext) > MaxNameBytes {
		stem = truncateUTF8(stem, MaxNameBytes-len(ext))
		stem = strings.TrimRight(stem, ". ")
		if stem == "" {
			stem = fallbackName
		}
	}
	return stem + ext
}

// splitExt separates a short alphanumeric extension (".pdf") from the stem; anything else is
// part of the stem.
func splitExt(s string) (stem, ext string) {
	ext = filepath.Ext(s)
	if ext == s || len(ext) < 2 || len(ext) > maxExtBytes {
		return s, ""
	}
	for _, r := range ext[1:] {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return s, ""
		}
	}
	return strings.TrimRight(s[:len(s)-len(ext)], ". "), ext
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// reservedWindowsName reports device names Windows refuses as file names (with any extension).
func reservedWindowsName(stem string) bool {
	u := strings.ToUpper(strings.TrimSpace(stem))
	switch u {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if len(u) == 4 && (strings.HasPrefix(u, "COM") || strings.HasPrefix(u, "LPT")) && u[3] >= '0' && u[3] <= '9' {
		return true
	}
	return false
}
