package wizard

import (
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
	m.cursor = 0
	for i, e := range choices(s) {
		if e == s.egressChoice() {
			m.cursor = i
		}
	}
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
		if e != s.egressChoice() {
			// Custom starts from the current outbound rules, to edit them
			// as services in the next steps; the choice already made (or
			// read from an imported plan) changes nothing.
			if err := s.draft.SetEgress(e); err != nil {
				s.status = s.styles.Error.Render("✗ " + inWords(err))
				return stay(), nil
			}
			s.edited()
		}
		if e == model.EgressCustom {
			s.group = 0
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
		label := s.useCase.EgressAbout(e)
		if e == s.useCase.DefaultEgress {
			label += st.Muted.Render("  (recommended)")
		}
		mark := "( )"
		if e == s.egressChoice() {
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
