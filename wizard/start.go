package wizard

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// startStep offers a new plan, a saved plan file, or an existing group.
type startStep struct {
	cursor  int
	offline string
	opening bool // typing a plan file's path
	path    textinput.Model
	err     string
}

var startChoices = []string{
	"New security group(s) from a use case",
	"Open a saved plan file",
	"Edit an existing group in AWS",
}

func newStart(offline string) *startStep {
	ti := textinput.New()
	ti.Prompt = "Plan file: "
	ti.Placeholder = "plan.yaml"
	ti.CharLimit = 4096
	if offline == "" {
		offline = "no AWS connection: the wizard, exports and plan files work without one"
	}
	return &startStep{offline: offline, path: ti}
}

func (m *startStep) enter(s *session, f focus) tea.Cmd { return nil }

func (m *startStep) update(s *session, msg tea.Msg) (nav, tea.Cmd) {
	switch msg := msg.(type) {
	case planLoadedMsg:
		if msg.err != nil {
			m.err = strings.ReplaceAll(msg.err.Error(), "\n", "; ")
			return stay(), nil
		}
		s.openPlan(msg.plan)
		m.opening, m.err = false, ""
		if len(msg.warnings) > 0 {
			s.status = "note: " + strings.Join(msg.warnings, "; ")
		}
		return goTo(stepReview), nil
	case tea.KeyPressMsg:
		if m.opening {
			switch msg.String() {
			case "esc":
				m.opening, m.err = false, ""
				m.path.Blur()
				return stay(), nil
			case "enter":
				path := strings.TrimSpace(m.path.Value())
				if path == "" {
					m.err = "type the path of a plan file written by sgwiz plan or the wizard"
					return stay(), nil
				}
				return stay(), loadPlan(path)
			}
			var cmd tea.Cmd
			m.path, cmd = m.path.Update(msg)
			return stay(), cmd
		}
		switch {
		case key.Matches(msg, keyUp, keyDown):
			m.cursor = moveCursor(msg.String(), m.cursor, len(startChoices))
		case key.Matches(msg, keySelect):
			switch m.cursor {
			case 0:
				return goTo(stepUseCase), nil
			case 1:
				m.opening = true
				return stay(), m.path.Focus()
			case 2:
				s.status = "Editing an existing group needs AWS access, which comes with apply in the next release. Meanwhile: start from a use case."
			}
		}
	}
	return stay(), nil
}

func (m *startStep) view(s *session, width, height int) string {
	st := s.styles
	var b strings.Builder
	b.WriteString("\nWhat would you like to do?\n\n")
	for i, c := range startChoices {
		line := "  " + c
		if i == 2 {
			line += st.Muted.Render("  (needs AWS)")
		}
		if i == m.cursor {
			line = st.Cursor.Render("▸ ") + st.Selected.Render(c)
			if i == 2 {
				line += st.Muted.Render("  (needs AWS)")
			}
		}
		b.WriteString(line + "\n")
	}
	if m.opening {
		m.path.SetWidth(max(10, width-14))
		b.WriteString("\n" + m.path.View() + "\n")
		if m.err != "" {
			b.WriteString(st.Error.Render("✗ "+m.err) + "\n")
		}
	}
	fmt.Fprintf(&b, "\n%s %s\n", st.Subtitle.Render("AWS:"), st.Muted.Render(m.offline))
	return b.String()
}

func (m *startStep) bindings() []key.Binding {
	if m.opening {
		return []key.Binding{keyNext, keyBack}
	}
	return []key.Binding{keyUp, keySelect}
}
