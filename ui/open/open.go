// Package open opens links and files for the seller: in a browser or the system viewer when
// postsale runs on the seller's own machine, and by showing the URL or path (and copying the URL
// to the seller's own clipboard with OSC 52) in an SSH session, where launching a browser would
// open it on the server.
package open

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/pkg/browser"

	"github.com/postsale/postsale/api/sanitize"
)

// Mode is the `open` setting.
type Mode string

// Modes: detect, always launch, always print.
const (
	Auto    Mode = "auto"
	Browser Mode = "browser"
	Print   Mode = "print"
)

// ParseMode reads the `open` setting; "" means auto.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case "", Auto:
		return Auto, nil
	case Browser, Print:
		return m, nil
	}
	return "", fmt.Errorf("open = %q is not a choice: use auto, browser or print", s)
}

// ErrNotOpenable is a link postsale refuses to open or copy (javascript:, data:, ...).
var ErrNotOpenable = errors.New("only http, https and mailto links can be opened")

// maxURLLen bounds what is launched or copied; longer links are shown only.
const maxURLLen = 4096

// Launcher opens a URL (http, https, mailto or file://) with the desktop.
type Launcher func(url string) error

// Opener opens links and files for one seller's session. It holds that session's terminal
// output (for OSC 52 and OSC 8) and environment, so several sessions never share one.
type Opener struct {
	mode       Mode
	out        io.Writer
	getenv     func(string) string
	launch     Launcher
	goos       string
	hyperlinks bool
}

// Option configures an Opener.
type Option func(*Opener)

// WithEnv sets how environment variables are read (tests set SSH_CONNECTION; an SSH server
// passes the session's environment).
func WithEnv(getenv func(string) string) Option { return func(o *Opener) { o.getenv = getenv } }

// WithLauncher replaces the desktop launcher (tests never start a real browser).
func WithLauncher(l Launcher) Option { return func(o *Opener) { o.launch = l } }

// WithHyperlinks turns on OSC 8 hyperlinks (off by default: not every terminal handles them).
func WithHyperlinks(on bool) Option { return func(o *Opener) { o.hyperlinks = on } }

// WithGOOS sets the operating system the display detection assumes (tests).
func WithGOOS(goos string) Option { return func(o *Opener) { o.goos = goos } }

// New returns an Opener writing terminal sequences to out (the program's output: the terminal,
// or the SSH session). out may be nil: nothing is then copied.
func New(mode Mode, out io.Writer, opts ...Option) *Opener {
	if mode == "" {
		mode = Auto
	}
	o := &Opener{mode: mode, out: out, getenv: os.Getenv, launch: launchDesktop, goos: runtime.GOOS}
	for _, opt := range opts {
		opt(o)
	}
	return o
}

// Mode returns the configured mode.
func (o *Opener) Mode() Mode { return o.mode }

// ShouldPrint reports whether links and files are shown rather than launched, and why.
func (o *Opener) ShouldPrint() (bool, string) {
	switch o.mode {
	case Print:
		return true, "open = print"
	case Browser:
		return false, ""
	}
	if o.getenv("SSH_CONNECTION") != "" || o.getenv("SSH_TTY") != "" || o.getenv("SSH_CLIENT") != "" {
		return true, "this is an SSH session"
	}
	if o.needsDisplay() && o.getenv("DISPLAY") == "" && o.getenv("WAYLAND_DISPLAY") == "" {
		return true, "there is no graphical display"
	}
	return false, ""
}

// needsDisplay: on these systems a browser needs X11 or Wayland; without one, pkg/browser would
// fall back to a text browser that fights postsale for the terminal.
func (o *Opener) needsDisplay() bool {
	switch o.goos {
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly", "solaris", "illumos":
		return true
	}
	return false
}

// Result is what opening did, for the status bar.
type Result struct {
	Target   string // the URL or path, sanitised
	IsFile   bool
	Launched bool   // a browser or viewer was started
	Copied   bool   // the URL went to the clipboard (OSC 52)
	Reason   string // why it was shown instead of launched
}

// Sentence tells the seller what happened and what to do next.
func (r Result) Sentence() string {
	switch {
	case r.Launched && r.IsFile:
		return "Opened " + r.Target + " with your system viewer."
	case r.Launched:
		return "Opened " + r.Target + " in your browser."
	case r.IsFile:
		return "Not opened (" + r.Reason + "); the file is at " + r.Target
	case r.Copied:
		return "Link sent to your terminal's clipboard (" + r.Reason + "): " + r.Target
	}
	return "Link (" + r.Reason + "; copy it): " + r.Target
}

// URL opens a link: launched in a browser, or shown and copied to the seller's clipboard when
// printing (SSH, open = print, or the launch failed). Links that are not http, https or mailto
// return ErrNotOpenable and are neither launched nor copied.
func (o *Opener) URL(raw string) (Result, error) {
	u, err := normalise(raw)
	if err != nil {
		return Result{Target: sanitize.Line(raw)}, err
	}
	res := Result{Target: u}
	if print, why := o.ShouldPrint(); print {
		res.Reason = why
		res.Copied = o.Copy(u) == nil
		return res, nil
	}
	if err := o.launch(u); err != nil {
		res.Reason = "the browser could not be started: " + sanitize.Line(err.Error())
		res.Copied = o.Copy(u) == nil
		return res, nil
	}
	res.Launched = true
	return res, nil
}

// File opens a local file with the system viewer, or shows its path when printing. The path is
// not copied: over SSH it names a file on the server, not on the seller's machine.
func (o *Opener) File(path string) (Result, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Result{Target: sanitize.Line(path), IsFile: true}, fmt.Errorf("open %s: %w", path, err)
	}
	res := Result{Target: sanitize.Line(abs), IsFile: true}
	if why := notViewable(abs); why != "" {
		res.Reason = why
		return res, nil
	}
	if print, why := o.ShouldPrint(); print {
		res.Reason = why
		return res, nil
	}
	// Built with net/url so spaces, "#" and "%" in names survive (browser.OpenFile concatenates).
	if err := o.launch((&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()); err != nil {
		res.Reason = "the viewer could not be started: " + sanitize.Line(err.Error())
		return res, nil
	}
	res.Launched = true
	return res, nil
}

// Openable reports whether raw is a link postsale may launch or copy.
func Openable(raw string) bool {
	_, err := normalise(raw)
	return err == nil
}

// normalise checks a link and returns it as it will be launched.
func normalise(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" || len(s) > maxURLLen || s != sanitize.Line(s) || strings.ContainsAny(s, " \t\n") {
		return "", ErrNotOpenable
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", ErrNotOpenable
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" || u.User != nil {
			return "", ErrNotOpenable // "https://bank.com@evil.example" hides where it goes
		}
	case "mailto":
		if u.Opaque == "" {
			return "", ErrNotOpenable
		}
	default:
		return "", ErrNotOpenable
	}
	return s, nil
}

// launchDesktop opens target with the desktop's handler through github.com/pkg/browser.
func launchDesktop(target string) error {
	return browser.OpenURL(target)
}

// The launched helper (xdg-open, open) must never write into the full-screen interface.
func init() {
	browser.Stdout = io.Discard
	browser.Stderr = io.Discard
}
