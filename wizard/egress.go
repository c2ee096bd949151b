package wizard

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/sgwiz/sgwiz/model"
	"github.com/sgwiz/sgwiz/ui"
)

// egressStep picks the outbound policy of the use case.
type egressStep struct {
	cursor int
	// onEngine is set while the cursor is on the web-db policy, whose
	// engine ←/→ changes.
	onEngine bool
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
	m.onEngine = choices(s)[m.cursor] == model.EgressWebDB
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
		m.onEngine = choices(s)[m.cursor] == model.EgressWebDB
	case choices(s)[m.cursor] == model.EgressWebDB && (k.String() == "left" || k.String() == "right"):
		return stay(), m.cycleEngine(s, k.String() == "left")
	case key.Matches(k, keyMark):
		// Space marks the policy and stays, to read its rules below.
		m.choose(s)
	case key.Matches(k, keySelect):
		if !m.choose(s) {
			return stay(), nil
		}
		if choices(s)[m.cursor] == model.EgressCustom {
			s.group = 0
		}
		return next(), nil
	}
	return stay(), nil
}

// keyMark marks the policy under the cursor without going on.
var keyMark = key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "choose"))

// keyChooseNext chooses the policy under the cursor and goes on.
var keyChooseNext = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose and go on"))

// choose makes the policy under the cursor the plan's; false when it
// cannot be (said in the status line).
func (m *egressStep) choose(s *session) bool {
	e := choices(s)[m.cursor]
	if e == s.egressChoice() {
		// Custom starts from the current outbound rules, to edit them as
		// services in the next steps; the choice already made (or read
		// from an imported plan) changes nothing.
		return true
	}
	if err := s.draft.SetEgress(e); err != nil {
		s.status = s.styles.Error.Render("✗ " + inWords(err))
		return false
	}
	s.edited()
	return true
}

func (m *egressStep) view(s *session, width, height int) string {
	st := s.styles
	var b strings.Builder
	b.WriteString("\nWhere may the instances open connections to?\n")
	b.WriteString(st.Muted.Width(width).Render("Replies to allowed inbound traffic always flow back: security groups are stateful.") + "\n\n")
	for i, e := range choices(s) {
		mark := "( )"
		if e == s.egressChoice() {
			mark = st.Checked.Render("(•)")
		}
		lead := "  "
		if i == m.cursor {
			lead = st.Cursor.Render("▸ ")
		}
		// Wrapped under the label, so that everything a policy opens is read.
		lines := wrapped("      ", s.useCase.EgressAbout(e), width, lipgloss.NewStyle())
		lines[0] = lead + mark + " " + strings.TrimPrefix(lines[0], "      ")
		if rec := st.Muted.Render("  (recommended)"); e == s.useCase.DefaultEgress {
			if last := lines[len(lines)-1]; lipgloss.Width(last+rec) <= width {
				lines[len(lines)-1] += rec
			} else {
				lines = append(lines, "    "+rec) // not cut at the edge
			}
		}
		if e == model.EgressWebDB && (i == m.cursor || e == s.egressChoice()) {
			lines = append(lines, "      "+st.Subtitle.Render("Engine: ◂ "+engineTitle(s)+" ▸")+st.Muted.Render("  ←/→ changes it"))
		}
		b.WriteString(strings.Join(lines, "\n") + "\n")
	}
	if p, err := s.plan(); err == nil && len(p.Groups) > 0 {
		g := p.Groups[min(s.group, len(p.Groups)-1)]
		b.WriteString("\n" + st.Subtitle.Render("Outbound now, "+g.Name+":") + "\n")
		b.WriteString(ui.RuleTable(st, model.Egress, g.Egress, width, -1))
	}
	return b.String()
}

func (m *egressStep) bindings() []key.Binding {
	if m.onEngine {
		return []key.Binding{keyUp, keyEngine, keyMark, keyChooseNext, keyBack}
	}
	return []key.Binding{keyUp, keyMark, keyChooseNext, keyBack}
}

// engineTitle is the database engine the web-db policy sends to.
func engineTitle(s *session) string {
	id := s.draft.Engine
	if id == "" {
		id = "mysql"
	}
	svc, _ := model.LookupService(id)
	return svc.Title + " (" + svc.PortsText() + ")"
}

// cycleEngine chooses the web-db policy, then the next (or previous)
// database engine; the database's destinations stay.
func (m *egressStep) cycleEngine(s *session, back bool) tea.Cmd {
	if s.egressChoice() != model.EgressWebDB {
		if err := s.draft.SetEgress(model.EgressWebDB); err != nil {
			s.status = s.styles.Error.Render("✗ " + inWords(err))
			return nil
		}
		if !back {
			s.edited()
			return nil // the first press shows the policy's engine
		}
	}
	i := slices.Index(model.Engines, s.draft.Engine)
	if back {
		i = (i - 1 + len(model.Engines)) % len(model.Engines)
	} else {
		i = (i + 1) % len(model.Engines)
	}
	if err := s.draft.SetEngine(model.Engines[i]); err != nil {
		s.status = s.styles.Error.Render("✗ " + inWords(err))
		return nil
	}
	s.edited()
	return nil
}
