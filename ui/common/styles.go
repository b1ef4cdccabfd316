package common

import "github.com/charmbracelet/lipgloss"

// Styles are built from the program's renderer, so each terminal (each SSH session) gets the
// colours its own profile supports.
type Styles struct {
	App        lipgloss.Style
	Header     lipgloss.Style
	Title      lipgloss.Style
	Subtle     lipgloss.Style
	Faint      lipgloss.Style
	Error      lipgloss.Style
	Warning    lipgloss.Style
	Success    lipgloss.Style
	Badge      lipgloss.Style
	Selected   lipgloss.Style
	StatusBar  lipgloss.Style
	Banner     lipgloss.Style
	Buyer      lipgloss.Style
	Seller     lipgloss.Style
	BuyerName  lipgloss.Style
	SellerName lipgloss.Style
	Highlight  lipgloss.Style
	Border     lipgloss.Style
}

// DefaultStyles builds postsale's styles with r.
func DefaultStyles(r *lipgloss.Renderer) *Styles {
	accent := lipgloss.AdaptiveColor{Light: "#5A3FC0", Dark: "#9D8CFF"}
	subtle := lipgloss.AdaptiveColor{Light: "#7A7A7A", Dark: "#8A8A8A"}
	red := lipgloss.AdaptiveColor{Light: "#C0362C", Dark: "#FF6B5E"}
	yellow := lipgloss.AdaptiveColor{Light: "#9A6700", Dark: "#F2C94C"}
	green := lipgloss.AdaptiveColor{Light: "#1A7F37", Dark: "#56D364"}
	blue := lipgloss.AdaptiveColor{Light: "#0B5CAD", Dark: "#79B8FF"}
	return &Styles{
		App:        r.NewStyle(),
		Header:     r.NewStyle().Bold(true).Foreground(accent),
		Title:      r.NewStyle().Bold(true),
		Subtle:     r.NewStyle().Foreground(subtle),
		Faint:      r.NewStyle().Faint(true),
		Error:      r.NewStyle().Foreground(red).Bold(true),
		Warning:    r.NewStyle().Foreground(yellow).Bold(true),
		Success:    r.NewStyle().Foreground(green),
		Badge:      r.NewStyle().Bold(true).Foreground(lipgloss.Color("#FFFFFF")).Background(accent),
		Selected:   r.NewStyle().Bold(true).Foreground(accent),
		StatusBar:  r.NewStyle().Foreground(subtle),
		Banner:     r.NewStyle().Bold(true).Foreground(red),
		Buyer:      r.NewStyle(),
		Seller:     r.NewStyle().Foreground(blue),
		BuyerName:  r.NewStyle().Bold(true),
		SellerName: r.NewStyle().Bold(true).Foreground(blue),
		Highlight:  r.NewStyle().Reverse(true).Foreground(red),
		Border:     r.NewStyle().Foreground(subtle),
	}
}
