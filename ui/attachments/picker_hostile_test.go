package attachments

import (
	"bytes"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"github.com/postsale/postsale/ui/uitest"
)

// hostileNames are file names that would drive the terminal if drawn raw.
var hostileNames = []string{
	"title\x1b]0;pwned\x07.txt",
	"clip\x1b]52;c;ZXZpbA==\x07.pdf",
	"csi\x1b[2J\x1b[H.txt",
	"c1\u009d0;x\u009c.txt",
	"\u202eevil\u202c.txt",
	"bell\x07tab\tcr\r.txt",
}

// The picker sanitises every name it shows: nothing of a hostile name reaches the terminal as
// a sequence or control character, and the files are still listed.
func TestPickerSanitisesNames(t *testing.T) {
	_, c := newCommon(t)
	files := map[string]string{"notas.txt": "hola"}
	for _, n := range hostileNames {
		files[n] = "x"
	}
	dir := uitest.Files(t, files)
	p := NewPicker(c, dir)
	p.SetSize(70, 14)
	tm := teatest.NewTestModel(t, &pickerHost{p: p}, teatest.WithInitialTermSize(70, 16))
	var out []byte
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		out = append(out, b...)
		return bytes.Contains(out, []byte("notas.txt")) && bytes.Contains(out, []byte("title")) && bytes.Contains(out, []byte("evil"))
	}, teatest.WithDuration(20*time.Second))
	for _, bad := range []string{"\x1b]", "\x07", "\u009d", "\u009c", "\u202e", "\x1b[2J"} {
		if bytes.Contains(out, []byte(bad)) {
			t.Errorf("the picker drew %q raw:\n%q", bad, out)
		}
	}
	tm.Send(uitest.Key("esc"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

func FuzzSanitizeStyled(f *testing.F) {
	for _, n := range hostileNames {
		f.Add("\x1b[38;5;141m  " + n + "\x1b[0m")
		f.Add(n)
	}
	f.Add("\x1b[1m\x1b[38;2;1;2;3m> x.png\x1b[0m \x1b")
	f.Fuzz(func(t *testing.T, line string) {
		got := sanitizeStyled(line)
		for i := 0; i < len(got); i++ {
			if got[i] == 0x1b {
				if j := sgrEnd(got, i); j == i {
					t.Fatalf("an escape other than colour survived: %q → %q", line, got)
				}
			}
		}
		if bytes.ContainsAny([]byte(got), "\x07\r\x00") || bytes.Contains([]byte(got), []byte("\u009b")) || bytes.Contains([]byte(got), []byte("\u009d")) {
			t.Fatalf("a control character survived: %q → %q", line, got)
		}
	})
}
