package wizard

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// startPrompt asks, under the start menu, for a plan file's path or the
// ids of existing groups in AWS; enter opens or reads them.
type startPrompt struct {
	kind promptKind // what is asked for: promptClosed while nothing is
	path textinput.Model
	pick *picker // ctrl+o's list of the region's groups, while it is open
	// partial is set while the picker filters by the field's last word,
	// which the pick then takes the place of.
	partial bool
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
	if p.pick != nil {
		return p.pickKey(k)
	}
	switch {
	case key.Matches(k, keyBack):
		p.kind, n.err = promptClosed, ""
		p.path.Blur()
		return nil
	case key.Matches(k, keyOpenPick):
		if picks := importPicks(s); p.kind == promptGroupID && len(picks) > 0 {
			// Filtered by the id being typed, if one is.
			typed := ""
			if ids := strings.Fields(p.path.Value()); len(ids) > 0 && !slices.ContainsFunc(picks, func(pk pick) bool { return pk.value == ids[len(ids)-1] }) {
				typed = ids[len(ids)-1]
			}
			var cmd tea.Cmd
			p.pick, cmd = newPicker(picks, typed)
			p.partial = typed != "" && len(p.pick.filter.Value()) > 0
			p.path.Blur()
			n.err = ""
			return cmd
		}
		return nil
	case key.Matches(k, keyNext):
		return p.submit(s, n)
	}
	var cmd tea.Cmd
	p.path, cmd = p.path.Update(k)
	return cmd
}

// pickKey gives k to the open picker; the group it picks joins the ids
// in the field (in place of a part typed), for enter to read them.
func (p *startPrompt) pickKey(k tea.KeyPressMsg) tea.Cmd {
	value, done, cmd := p.pick.update(k)
	if !done {
		return cmd
	}
	p.pick = nil
	if value != "" {
		ids := strings.Fields(p.path.Value())
		if p.partial {
			ids = ids[:len(ids)-1]
		}
		if !slices.Contains(ids, value) {
			ids = append(ids, value)
		}
		p.path.SetValue(strings.Join(ids, " "))
		p.path.CursorEnd()
	}
	return p.path.Focus()
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
	switch picks := importPicks(s); {
	case p.pick != nil:
		b.WriteString(strings.Join(p.pick.view(s, "", width), "\n") + "\n")
	case p.kind == promptGroupID && len(picks) > 0:
		b.WriteString(st.Muted.Render(fmt.Sprintf("ctrl+o: pick one of the region's %d groups", len(picks))) + "\n")
	}
	if n.reading != "" {
		b.WriteString(strings.Join(wrapped("", n.reading, width, st.Muted), "\n") + "\n")
	}
	if n.err != "" {
		b.WriteString(wrapLines(st.Error.Render("✗ "+n.err), width) + "\n")
	}
	return b.String()
}
