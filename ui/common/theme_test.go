package common

import (
	"bytes"
	"regexp"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/postsale/postsale/config"
)

// colourSGR matches any foreground or background colour parameter (16, 256 or true colour).
var colourSGR = regexp.MustCompile(`\x1b\[[0-9;]*(3[0-9]|4[0-9]|9[0-7]|10[0-7])(;[0-9;]*)?m`)

func renderer(p termenv.Profile, dark bool) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(&bytes.Buffer{})
	r.SetColorProfile(p)
	r.SetHasDarkBackground(dark) // never ask a terminal in tests
	return r
}

func TestMonoHasEmphasisButNoColour(t *testing.T) {
	st := StylesFor(renderer(termenv.TrueColor, true), config.ThemeMono)
	for name, s := range map[string]lipgloss.Style{"selected": st.Selected, "error": st.Error, "highlight": st.Highlight, "header": st.Header, "subtle": st.Subtle} {
		out := s.Render("x")
		if colourSGR.MatchString(out) {
			t.Errorf("mono %s has a colour: %q", name, out)
		}
		if out == "x" {
			t.Errorf("mono %s is invisible without colour: %q", name, out)
		}
	}
	if st.Selected.Render("x") == st.Subtle.Render("x") {
		t.Error("focused and blurred look the same in mono")
	}
}

func TestThemesAdaptToTheBackground(t *testing.T) {
	for _, theme := range []string{config.ThemeDefault, config.ThemeHighContrast} {
		dark := StylesFor(renderer(termenv.TrueColor, true), theme).Header.Render("x")
		light := StylesFor(renderer(termenv.TrueColor, false), theme).Header.Render("x")
		if dark == light || !colourSGR.MatchString(dark) {
			t.Errorf("%s: the header does not adapt: dark %q light %q", theme, dark, light)
		}
	}
	if StylesFor(renderer(termenv.TrueColor, true), "neon").Header.Render("x") != DefaultStyles(renderer(termenv.TrueColor, true)).Header.Render("x") {
		t.Error("an unknown theme is not the default")
	}
	hc := StylesFor(renderer(termenv.TrueColor, true), config.ThemeHighContrast)
	if hc.Selected.Render("x") == hc.Title.Render("x") {
		t.Error("high-contrast selection indistinguishable from a title")
	}
}

func TestNoColorRendererKeepsPlainTextForPipes(t *testing.T) {
	var buf bytes.Buffer // not a terminal
	r := NoColorRenderer(&buf)
	if got := StylesFor(r, config.ThemeMono).Selected.Render("x"); got != "x" {
		t.Errorf("piped output got escapes: %q", got)
	}
}
