// Package ui holds the look of sgwiz's screens: styles named for what they
// mean, and renderings shared by several screens (rule tables, findings,
// plain-words readouts). It knows the model, not the wizard.
//
//	st := ui.NewStyles(isDark)
//	fmt.Println(st.Title.Render("Review"))
package ui

import (
	"image/color"

	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
	"github.com/sgwiz/sgwiz/model"
)

// Styles are the wizard's styles for a light or dark background. Colours
// are downsampled (or dropped with NO_COLOR) when the program renders.
type Styles struct {
	Title, Subtitle, Muted lipgloss.Style
	// Selected marks the row under the cursor; Checked a chosen item.
	Selected, Checked, Cursor lipgloss.Style
	// Warning, Error and OK carry meaning in text as well as colour.
	Warning, Error, OK lipgloss.Style
	// Header is a table's header row; Explainer sets off the newcomers'
	// paragraph.
	Header, Explainer lipgloss.Style
	// Input styles text fields: the prompt in the text's own colour, the
	// cursor in the accent, placeholders muted and in italics.
	Input    textinput.Styles
	severity map[model.Severity]lipgloss.Style
}

// NewStyles returns the styles for the background.
func NewStyles(isDark bool) Styles {
	c := lipgloss.LightDark(isDark)
	accent := c(lipgloss.Color("#5A3FD9"), lipgloss.Color("#B7A6FF"))
	muted := c(lipgloss.Color("#6B6B6B"), lipgloss.Color("#9A9A9A"))
	warn := c(lipgloss.Color("#9A6700"), lipgloss.Color("#F2C14E"))
	bad := c(lipgloss.Color("#C62828"), lipgloss.Color("#FF6B6B"))
	good := c(lipgloss.Color("#1B7F3B"), lipgloss.Color("#6BD68A"))
	selBg := c(lipgloss.Color("#E6E0FF"), lipgloss.Color("#3A3358"))
	return Styles{
		Title:     lipgloss.NewStyle().Bold(true).Foreground(accent),
		Subtitle:  lipgloss.NewStyle().Bold(true),
		Muted:     lipgloss.NewStyle().Foreground(muted),
		Selected:  lipgloss.NewStyle().Background(selBg).Bold(true),
		Checked:   lipgloss.NewStyle().Foreground(good),
		Cursor:    lipgloss.NewStyle().Foreground(accent).Bold(true),
		Warning:   lipgloss.NewStyle().Foreground(warn).Bold(true),
		Error:     lipgloss.NewStyle().Foreground(bad).Bold(true),
		OK:        lipgloss.NewStyle().Foreground(good),
		Header:    lipgloss.NewStyle().Bold(true),
		Explainer: lipgloss.NewStyle().Border(lipgloss.NormalBorder(), false, false, false, true).BorderForeground(accent).PaddingLeft(1),
		Input:     inputStyles(accent, muted),
		severity: map[model.Severity]lipgloss.Style{
			model.Critical: lipgloss.NewStyle().Bold(true).Foreground(bad).Reverse(true),
			model.High:     lipgloss.NewStyle().Bold(true).Foreground(bad),
			model.Medium:   lipgloss.NewStyle().Bold(true).Foreground(warn),
			model.Low:      lipgloss.NewStyle().Foreground(accent),
			model.Info:     lipgloss.NewStyle().Foreground(muted),
		},
	}
}

// inputStyles are text fields' styles for the background: bubbles' own
// draw the prompt and the cursor in white, which a light background hides.
func inputStyles(accent, muted color.Color) textinput.Styles {
	st := textinput.DefaultStyles(true)
	for _, state := range []*textinput.StyleState{&st.Focused, &st.Blurred} {
		state.Prompt = lipgloss.NewStyle()
		state.Text = lipgloss.NewStyle()
		state.Placeholder = lipgloss.NewStyle().Foreground(muted).Italic(true)
	}
	st.Blurred.Prompt = lipgloss.NewStyle().Foreground(muted)
	st.Cursor.Color = accent
	return st
}

// Severity styles a severity's name; the word carries the meaning without colour.
func (s Styles) Severity(sev model.Severity) lipgloss.Style { return s.severity[sev] }
