package wizard

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/sgwiz/sgwiz/model"
	"github.com/sgwiz/sgwiz/ui"
)

// egressStep picks the outbound policy of the use case.
type egressStep struct {
	cursor int
}

func newEgress() *egressStep { return &egressStep{} }

// choices are the use case's policies and custom.
func choices(s *session) []model.EgressPolicy {
	return append(append([]model.EgressPolicy(nil), s.useCase.Egresses...), model.EgressCustom)
}

func (m *egressStep) enter(s *session, f focus) tea.Cmd {
	s.dir = model.Ingress
	m.cursor = 0
	for i, e := range choices(s) {
		if e == s.egressPolicy() {
			m.cursor = i
		}
	}
	return nil
}

// egressPolicy is the policy the answers hold (the use case's default
// until one is chosen).
func (s *session) egressPolicy() model.EgressPolicy {
	if s.inputs.Egress != "" {
		return s.inputs.Egress
	}
	return s.useCase.DefaultEgress
}

// setEgress rebuilds every group's outbound selections for policy e,
// keeping the groups' current names.
func (s *session) setEgress(e model.EgressPolicy) error {
	in := s.inputs
	in.Egress = e
	fresh, err := s.useCase.Draft(in)
	if err != nil {
		return err
	}
	if len(fresh.Groups) != len(s.draft.Groups) {
		return fmt.Errorf("this plan's groups do not come from the %s use case: edit its outbound rules in the plan file", s.useCase.ID)
	}
	for i := range fresh.Groups {
		s.draft.Groups[i].Egress = fresh.Groups[i].Egress
	}
	// The fresh egress names the preset's groups: follow any renames.
	for i := range fresh.Groups {
		if old, cur := fresh.Groups[i].Name, s.draft.Groups[i].Name; old != cur {
			s.draft.RenameGroup(old, cur)
		}
	}
	s.inputs.Egress = e
	s.dirty, s.saved = true, false
	return nil
}

func (m *egressStep) update(s *session, msg tea.Msg) (nav, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return stay(), nil
	}
	switch {
	case key.Matches(k, keyBack):
		return back(), nil
	case key.Matches(k, keyUp, keyDown):
		m.cursor = moveCursor(k.String(), m.cursor, len(choices(s)))
	case key.Matches(k, keySelect):
		e := choices(s)[m.cursor]
		if e == model.EgressCustom {
			// Start from the current outbound rules; edit them as services.
			s.inputs.Egress, s.dir, s.group = model.EgressCustom, model.Egress, 0
			s.dirty, s.saved = true, false
			return next(), nil
		}
		if e != s.egressPolicy() {
			if err := s.setEgress(e); err != nil {
				s.status = s.styles.Error.Render("✗ " + err.Error())
				return stay(), nil
			}
		}
		return next(), nil
	}
	return stay(), nil
}

func (m *egressStep) view(s *session, width, height int) string {
	st := s.styles
	var b strings.Builder
	b.WriteString("\nWhere may the instances open connections to?\n")
	b.WriteString(st.Muted.Width(width).Render("Replies to allowed inbound traffic always flow back: security groups are stateful.") + "\n\n")
	for i, e := range choices(s) {
		label := e.About()
		if e == s.useCase.DefaultEgress {
			label += st.Muted.Render("  (recommended)")
		}
		mark := "( )"
		if e == s.egressPolicy() {
			mark = st.Checked.Render("(•)")
		}
		line := mark + " " + label
		if i == m.cursor {
			b.WriteString(st.Cursor.Render("▸ ") + line + "\n")
		} else {
			b.WriteString("  " + line + "\n")
		}
	}
	if p, err := s.plan(); err == nil && len(p.Groups) > 0 {
		g := p.Groups[min(s.group, len(p.Groups)-1)]
		b.WriteString("\n" + st.Subtitle.Render("Outbound now, "+g.Name+":") + "\n")
		b.WriteString(ui.RuleTable(st, model.Egress, g.Egress, width, -1))
	}
	return b.String()
}

func (m *egressStep) bindings() []key.Binding { return []key.Binding{keyUp, keySelect, keyBack} }
