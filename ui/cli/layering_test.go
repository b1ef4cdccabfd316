package cli

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLayering holds the project's layering with `go list -deps` (imports of non-test code,
// direct or not): api/... never reaches ui/... or config/..., no view reaches the sandbox (only
// this composition root does), and config/... does not reach Bubble Tea.
func TestLayering(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	out, err := exec.Command(goBin, "list", "-f", "{{.ImportPath}}\t{{join .Deps \" \"}}", "github.com/postsale/postsale/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const mod = "github.com/postsale/postsale/"
	var checked int
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, deps, _ := strings.Cut(line, "\t")
		rel := strings.TrimPrefix(pkg, mod)
		for _, dep := range strings.Fields(deps) {
			d := strings.TrimPrefix(dep, mod)
			switch {
			case under(rel, "api") && (under(d, "ui") || under(d, "config")):
				t.Errorf("%s depends on %s: nothing under api/ may use ui/ or config/", rel, d)
			case under(rel, "ui") && !under(rel, "ui/cli") && !under(rel, "ui/uitest") && under(d, "api/sandbox"):
				t.Errorf("%s depends on %s: only the composition root (ui/cli) knows the sandbox", rel, d)
			case under(rel, "config") && strings.HasPrefix(dep, "github.com/charmbracelet/bubbletea"):
				t.Errorf("%s depends on %s: config/ does not use Bubble Tea", rel, dep)
			}
		}
		checked++
	}
	if checked < 20 {
		t.Fatalf("go list gave %d packages; the check saw too little:\n%s", checked, out)
	}
}

// under reports whether the module-relative path p is dir or inside it.
func under(p, dir string) bool { return p == dir || strings.HasPrefix(p, dir+"/") }
