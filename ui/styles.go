// Package ui holds the look of sgwiz's screens: styles named for what they
// mean, and renderings shared by several screens (rule tables, findings,
// plain-words readouts). It knows the model, not the wizard.
//
//	st := ui.NewStyles(isDark)
//	fmt.Println(st.Title.Render("Review"))
package ui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/list"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
	"github.com/sgwiz/sgwiz/model"
)

// Styles are the wizard's styles for a light or dark background. Colours
// are downsampled (or dropped with NO_COLOR) when the program renders, so
// no state is told by colour alone: the screens mark it in text as well
// (▸ the cursor, [x] a chosen item, [name] the current group, ● the page
// shown, ✗ ⚠ ✓, a severity's name). Every text colour reaches WCAG AA
// (4.5:1) on its background: see contrast_test.go.
type Styles struct {
	Title, Subtitle, Muted lipgloss.Style
	// Selected marks the row under the cursor; Checked a chosen item.
	Selected, Checked, Cursor lipgloss.Style
	// Warning, Error and OK carry meaning in text as well as colour.
	Warning, Error, OK lipgloss.Style
	// Page is the dot of the page shown, OtherPage the others' (● ○).
	Page, OtherPage lipgloss.Style
	// Item styles a list's entries: the one under the cursor has a bar at
	// its left as well as the accent.
	Item list.DefaultItemStyles
	// Help is the key help: keys, what they do, the dots between them.
	Help help.Styles
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
	// The text on selBg, and the keys of the key help.
	selFg := c(lipgloss.Color("#1A1A1A"), lipgloss.Color("#F0F0F0"))
	keys := c(lipgloss.Color("#3A3A3A"), lipgloss.Color("#C8C8C8"))
	return Styles{
		Title:     lipgloss.NewStyle().Bold(true).Foreground(accent),
		Subtitle:  lipgloss.NewStyle().Bold(true),
		Muted:     lipgloss.NewStyle().Foreground(muted),
		Selected:  lipgloss.NewStyle().Background(selBg).Foreground(selFg).Bold(true),
		Checked:   lipgloss.NewStyle().Foreground(good),
		Cursor:    lipgloss.NewStyle().Foreground(accent).Bold(true),
		Warning:   lipgloss.NewStyle().Foreground(warn).Bold(true),
		Error:     lipgloss.NewStyle().Foreground(bad).Bold(true),
		OK:        lipgloss.NewStyle().Foreground(good),
		Header:    lipgloss.NewStyle().Bold(true),
		Explainer: lipgloss.NewStyle().Border(lipgloss.NormalBorder(), false, false, false, true).BorderForeground(accent).PaddingLeft(1),
		Page:      lipgloss.NewStyle().Foreground(accent).SetString("●"),
		OtherPage: lipgloss.NewStyle().Foreground(muted).SetString("○"),
		Item:      itemStyles(accent, muted),
		Help:      helpStyles(keys, muted),
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
		state.Suggestion = lipgloss.NewStyle().Foreground(muted)
	}
	st.Blurred.Prompt = lipgloss.NewStyle().Foreground(muted)
	st.Cursor.Color = accent
	return st
}

// itemStyles are a list's entries: bubbles' own draw the one under the
// cursor in pink, which a light background washes out (2:1 on white).
func itemStyles(accent, muted color.Color) list.DefaultItemStyles {
	var st list.DefaultItemStyles
	st.NormalTitle = lipgloss.NewStyle().PaddingLeft(2)
	st.NormalDesc = st.NormalTitle.Foreground(muted)
	st.SelectedTitle = lipgloss.NewStyle().Border(lipgloss.NormalBorder(), false, false, false, true).
		BorderForeground(accent).Foreground(accent).Bold(true).PaddingLeft(1)
	st.SelectedDesc = st.SelectedTitle.Bold(false)
	st.DimmedTitle = st.NormalTitle.Foreground(muted)
	st.DimmedDesc = st.DimmedTitle
	st.FilterMatch = lipgloss.NewStyle().Underline(true)
	return st
}

// helpStyles are the key help's: bubbles' own are about 2:1 on either
// background.
func helpStyles(keys, muted color.Color) help.Styles {
	key := lipgloss.NewStyle().Foreground(keys)
	desc := lipgloss.NewStyle().Foreground(muted)
	return help.Styles{
		ShortKey: key, ShortDesc: desc, ShortSeparator: desc, Ellipsis: desc,
		FullKey: key, FullDesc: desc, FullSeparator: desc,
	}
}

// Severity styles a severity's name; the word carries the meaning without colour.
func (s Styles) Severity(sev model.Severity) lipgloss.Style { return s.severity[sev] }
