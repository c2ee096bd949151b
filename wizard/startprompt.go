package wizard

import (
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// startPrompt asks, under the start menu, for a plan file's path or the
// ids of existing groups in AWS; enter opens or reads them.
type startPrompt struct {
	kind promptKind // what is asked for: promptClosed while nothing is
	path textinput.Model
}

// promptKind is what the start screen's prompt asks for.
type promptKind uint8

const (
	promptClosed   promptKind = iota
	promptPlanFile            // a plan file's path
	promptGroupID             // existing groups' ids, sg-…
)

// asking reports whether the prompt is open.
func (p *startPrompt) asking() bool { return p.kind != promptClosed }

// open empties the field and asks for k in it.
func (p *startPrompt) open(k promptKind) tea.Cmd {
	p.kind = k
	switch k {
	case promptPlanFile:
		p.path.Prompt, p.path.Placeholder = "Plan file: ", "e.g. plan.yaml"
	case promptGroupID:
		p.path.Prompt, p.path.Placeholder = "Group id: ", "e.g. sg-0123456789abcdef0 (several: separate with spaces)"
	}
	p.path.SetValue("")
	return p.path.Focus()
}

// update handles a key while the prompt is open; n is what the start
// screen says under it.
func (p *startPrompt) update(s *session, n *startNote, k tea.KeyPressMsg) tea.Cmd {
	switch k.String() {
	case "esc":
		p.kind, n.err = promptClosed, ""
		p.path.Blur()
		return nil
	case "ctrl+o":
		if picks := importPicks(s); p.kind == promptGroupID && len(picks) > 0 {
			p.path.SetValue(pickNext(picks, strings.TrimSpace(p.path.Value())))
			p.path.CursorEnd()
			n.err = ""
		}
		return nil
	case "enter":
		return p.submit(s, n)
	}
	var cmd tea.Cmd
	p.path, cmd = p.path.Update(k)
	return cmd
}

// submit opens the typed plan file, or reads the typed groups from AWS,
// asking first when answers would be lost.
func (p *startPrompt) submit(s *session, n *startNote) tea.Cmd {
	v := strings.TrimSpace(p.path.Value())
	switch {
	case v == "" && p.kind == promptGroupID:
		n.err = "type the id of an existing group, sg-…"
	case v == "":
		n.err = "type the path of a plan file written by sgwiz plan or the wizard"
	case p.kind == promptGroupID:
		n.err = ""
		return s.replacing("Edit "+v+" instead?", func() (nav, tea.Cmd) {
			n.reading = "reading " + v + " and the groups it references from AWS…"
			return stay(), importGroups(s.cloud, strings.Fields(v)...)
		})
	default:
		return s.replacing("Open "+v+" instead?", func() (nav, tea.Cmd) { return stay(), loadPlan(v, s.book) })
	}
	return nil
}

// view is the field under the menu, with the region's groups to pick
// from when it asks for one, then what is being read and what is wrong.
func (p *startPrompt) view(s *session, n startNote, width int) string {
	st := s.styles
	var b strings.Builder
	p.path.SetWidth(max(10, width-14))
	s.styled(&p.path)
	b.WriteString("\n" + p.path.View() + "\n")
	if picks := importPicks(s); p.kind == promptGroupID && len(picks) > 0 {
		b.WriteString(st.Muted.Render("ctrl+o: pick one of the region's groups") + "\n")
		b.WriteString(strings.Join(pickerView(st, picks, strings.TrimSpace(p.path.Value()), "", width, 5), "\n") + "\n")
	}
	if n.reading != "" {
		b.WriteString(st.Muted.Render(n.reading) + "\n")
	}
	if n.err != "" {
		b.WriteString(st.Error.Render("✗ "+n.err) + "\n")
	}
	return b.String()
}
