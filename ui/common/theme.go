package common

import (
	"io"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/postsale/postsale/config"
)

// StylesFor builds the styles of a theme (config.ThemeDefault, ThemeHighContrast, ThemeMono)
// with r. Unknown names get the default. Like DefaultStyles, nothing is shared between sessions.
//
// Colours are lipgloss.AdaptiveColor pairs, picked by the renderer's idea of the background;
// no theme asks the terminal anything more than the default one does.
func StylesFor(r *lipgloss.Renderer, theme string) *Styles {
	switch theme {
	case config.ThemeHighContrast:
		return highContrastStyles(r)
	case config.ThemeMono:
		return monoStyles(r)
	}
	return DefaultStyles(r)
}

// highContrastStyles: pure black or white text on the terminal's background, saturated
// signal colours, and bold or underline wherever the default relies on a hue alone.
func highContrastStyles(r *lipgloss.Renderer) *Styles {
	fg := lipgloss.AdaptiveColor{Light: "#000000", Dark: "#FFFFFF"}
	accent := lipgloss.AdaptiveColor{Light: "#0000CC", Dark: "#FFFF00"}
	red := lipgloss.AdaptiveColor{Light: "#B00000", Dark: "#FF5555"}
	green := lipgloss.AdaptiveColor{Light: "#006400", Dark: "#55FF55"}
	blue := lipgloss.AdaptiveColor{Light: "#00008B", Dark: "#87CEFF"}
	return &Styles{
		App:        r.NewStyle(),
		Header:     r.NewStyle().Bold(true).Foreground(accent),
		Title:      r.NewStyle().Bold(true).Foreground(fg),
		Subtle:     r.NewStyle().Foreground(fg),
		Faint:      r.NewStyle().Foreground(fg).Italic(true),
		Error:      r.NewStyle().Foreground(red).Bold(true).Underline(true),
		Warning:    r.NewStyle().Foreground(accent).Bold(true),
		Success:    r.NewStyle().Foreground(green).Bold(true),
		Badge:      r.NewStyle().Bold(true).Reverse(true),
		Selected:   r.NewStyle().Bold(true).Underline(true).Foreground(accent),
		StatusBar:  r.NewStyle().Foreground(fg),
		Banner:     r.NewStyle().Bold(true).Reverse(true).Foreground(red),
		Buyer:      r.NewStyle().Foreground(fg),
		Seller:     r.NewStyle().Foreground(blue),
		BuyerName:  r.NewStyle().Bold(true).Foreground(fg),
		SellerName: r.NewStyle().Bold(true).Underline(true).Foreground(blue),
		Highlight:  r.NewStyle().Reverse(true).Bold(true),
		Border:     r.NewStyle().Foreground(fg),
	}
}

// monoStyles: no colour at all, only bold, faint, underline and reverse, so the focused field,
// the selected row, the cursor and errors stay visible (NO_COLOR).
func monoStyles(r *lipgloss.Renderer) *Styles {
	return &Styles{
		App:        r.NewStyle(),
		Header:     r.NewStyle().Bold(true),
		Title:      r.NewStyle().Bold(true),
		Subtle:     r.NewStyle().Faint(true),
		Faint:      r.NewStyle().Faint(true),
		Error:      r.NewStyle().Bold(true).Underline(true),
		Warning:    r.NewStyle().Bold(true),
		Success:    r.NewStyle(),
		Badge:      r.NewStyle().Reverse(true),
		Selected:   r.NewStyle().Bold(true).Underline(true),
		StatusBar:  r.NewStyle().Faint(true),
		Banner:     r.NewStyle().Bold(true).Reverse(true),
		Buyer:      r.NewStyle(),
		Seller:     r.NewStyle(),
		BuyerName:  r.NewStyle().Bold(true),
		SellerName: r.NewStyle().Bold(true).Underline(true),
		Highlight:  r.NewStyle().Reverse(true),
		Border:     r.NewStyle().Faint(true),
	}
}

// NoColorRenderer is what NO_COLOR gets: a renderer for w that keeps bold, underline and reverse
// (NO_COLOR forbids colour, not emphasis: without them the cursor and the focus would vanish),
// to be used with the mono theme. A w that is not a terminal still gets plain text. It reads only
// environment variables, never the terminal.
func NoColorRenderer(w io.Writer) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(w)
	if termenv.NewOutput(w).ColorProfile() != termenv.Ascii {
		r.SetColorProfile(termenv.ANSI)
	}
	return r
}
