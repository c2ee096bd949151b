package wizard

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/sgwiz/sgwiz/ui"
)

// picker is a short list to choose one of the region's groups or prefix
// lists from, opened with ctrl+o under a field: ↑/↓ move both ways,
// typing filters (every word must be in the id or the name), enter picks,
// esc closes.
type picker struct {
	all    []pick
	filter textinput.Model
	shown  []pick // all, filtered
	cursor int    // on shown
}

// pickerRows is how many picks the list shows at once.
const pickerRows = 5

var (
	keyPick      = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "pick"))
	keyPickClose = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close the list"))
	keyOpenPick  = key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", "pick existing"))
)

// newPicker opens a picker on picks, filtered by what the field holds.
func newPicker(picks []pick, typed string) (*picker, tea.Cmd) {
	f := newInput("Filter: ", "", 128)
	f.Placeholder = "type part of an id or a name"
	f.SetValue(strings.TrimSpace(typed))
	p := &picker{all: picks, filter: f}
	p.refilter()
	if len(p.shown) == 0 {
		// What the field held matches nothing: show everything.
		p.filter.SetValue("")
		p.refilter()
	}
	return p, p.filter.Focus()
}

// refilter keeps the picks whose label holds every word of the filter,
// and keeps the cursor on the list.
func (p *picker) refilter() {
	words := strings.Fields(strings.ToLower(p.filter.Value()))
	p.shown = p.shown[:0]
	for _, pk := range p.all {
		label := strings.ToLower(pk.label)
		match := true
		for _, w := range words {
			if !strings.Contains(label, w) {
				match = false
				break
			}
		}
		if match {
			p.shown = append(p.shown, pk)
		}
	}
	p.cursor = min(p.cursor, max(0, len(p.shown)-1))
}

// update takes a key while the picker is open: done once it closes, with
// the picked value (none when esc closed it).
func (p *picker) update(k tea.KeyPressMsg) (value string, done bool, cmd tea.Cmd) {
	switch {
	case key.Matches(k, keyPickClose):
		return "", true, nil
	case key.Matches(k, keyPick):
		if len(p.shown) == 0 {
			return "", false, nil
		}
		return p.shown[p.cursor].value, true, nil
	case key.Matches(k, keyUp, keyDown):
		p.cursor = moveCursor(k.String(), p.cursor, len(p.shown))
		return "", false, nil
	}
	before := p.filter.Value()
	p.filter, cmd = p.filter.Update(k)
	if p.filter.Value() != before {
		p.cursor = 0
		p.refilter()
	}
	return "", false, cmd
}

// view is the filter, then the picks around the cursor, with how many
// more there are above and below, so that nothing is hidden silently.
func (p *picker) view(s *session, indent string, width int) []string {
	st := s.styles
	s.styled(&p.filter)
	p.filter.SetWidth(max(10, width-len(indent)-12))
	lines := []string{indent + p.filter.View()}
	if len(p.shown) == 0 {
		return append(lines, indent+st.Muted.Render(fmt.Sprintf("  nothing of %d matches: backspace widens it", len(p.all))))
	}
	first := max(0, min(p.cursor-pickerRows/2, len(p.shown)-pickerRows))
	last := min(len(p.shown), first+pickerRows)
	if first > 0 {
		lines = append(lines, indent+st.Muted.Render(fmt.Sprintf("  … %d more above", first)))
	}
	for i := first; i < last; i++ {
		mark := "  "
		label := ui.Fit(p.shown[i].label, width-len(indent)-2)
		if i == p.cursor {
			mark = st.Cursor.Render("▸ ")
			label = st.Selected.Render(label)
		}
		lines = append(lines, indent+mark+label)
	}
	if rest := len(p.shown) - last; rest > 0 {
		lines = append(lines, indent+st.Muted.Render(fmt.Sprintf("  … %d more below", rest)))
	}
	return lines
}

// pickerBindings are the keys of an open picker.
func pickerBindings() []key.Binding { return []key.Binding{keyUp, keyPick, keyPickClose} }
