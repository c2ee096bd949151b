package wizard

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/sgwiz/sgwiz/model"
)

// startStep offers a new plan, a saved plan file, or an existing group.
type startStep struct {
	cursor    int
	opening   bool // typing a plan file's path
	importing bool // typing an existing group's id
	path      textinput.Model
	err       string
	reading   string // what is being read from AWS, while it is
	// audit is the region's audit, a group a line, once asked for.
	audit *auditView
}

// auditView lists the region's groups by their worst finding.
type auditView struct {
	rows   []auditRow
	cursor int
	inv    model.Inventory
	note   string // what could not be read, or how many groups are clean
}

type auditRow struct {
	group    model.Group
	findings []model.Finding
	worst    model.Severity
}

var startChoices = []string{
	"New security group(s) from a use case",
	"Open a saved plan file",
	"Edit an existing group in AWS",
	"Audit this account's groups in the region",
}

func newStart() *startStep {
	ti := textinput.New()
	ti.CharLimit = 4096
	return &startStep{path: ti}
}

func (m *startStep) enter(s *session, f focus) tea.Cmd { return nil }

// replacing carries out do, asking first when answers would be lost.
func (s *session) replacing(text string, do func() (nav, tea.Cmd)) tea.Cmd {
	if !s.unsaved() {
		_, cmd := do()
		return cmd
	}
	s.ask(text+" Your answers are not saved.", false, do)
	return nil
}

func (m *startStep) update(s *session, msg tea.Msg) (nav, tea.Cmd) {
	switch msg := msg.(type) {
	case auditedMsg:
		m.reading = ""
		if msg.err != nil {
			m.err = firstLine(msg.err.Error())
			return stay(), nil
		}
		m.audit = newAuditView(msg.inv, s.now())
		return stay(), nil
	case planLoadedMsg:
		m.reading = "" // the work is done, whatever its outcome
		if msg.err != nil {
			// The path is in the field above: say what is wrong in it.
			err := msg.err
			var es model.Errors
			if errors.As(err, &es) {
				err = es
			}
			m.err = strings.ReplaceAll(err.Error(), "\n", "; ")
			return stay(), nil
		}
		s.openPlan(msg.plan)
		m.opening, m.importing, m.err, m.reading, m.audit = false, false, "", "", nil
		if len(msg.warnings) > 0 {
			s.status = "note: " + strings.Join(msg.warnings, "; ")
		}
		if msg.fixOf != "" {
			s.dirty, s.saved = true, false // the fix is not in AWS yet
			s.status = "The fix of " + msg.fixOf + ": review it, then apply it."
		}
		return goTo(stepReview), nil
	case tea.KeyPressMsg:
		if m.audit != nil {
			return m.auditKey(s, msg)
		}
		if m.opening || m.importing {
			switch msg.String() {
			case "esc":
				m.opening, m.importing, m.err = false, false, ""
				m.path.Blur()
				return stay(), nil
			case "ctrl+o":
				if picks := importPicks(s); m.importing && len(picks) > 0 {
					m.path.SetValue(pickNext(picks, strings.TrimSpace(m.path.Value())))
					m.path.CursorEnd()
					m.err = ""
				}
				return stay(), nil
			case "enter":
				v := strings.TrimSpace(m.path.Value())
				switch {
				case v == "" && m.importing:
					m.err = "type the id of an existing group, sg-…"
				case v == "":
					m.err = "type the path of a plan file written by sgwiz plan or the wizard"
				case m.importing:
					m.err = ""
					return stay(), s.replacing("Edit "+v+" instead?", func() (nav, tea.Cmd) {
						m.reading = "reading " + v + " and the groups it references from AWS…"
						return stay(), importGroups(s.cloud, strings.Fields(v)...)
					})
				default:
					return stay(), s.replacing("Open "+v+" instead?", func() (nav, tea.Cmd) { return stay(), loadPlan(v, s.book) })
				}
				return stay(), nil
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
				return next(), nil
			case 1:
				m.opening, m.err = true, ""
				m.path.Prompt, m.path.Placeholder = "Plan file: ", "e.g. plan.yaml"
				m.path.SetValue("")
				return stay(), m.path.Focus()
			case 3:
				if s.cloud == nil {
					s.status = "An audit needs AWS: configure a profile, or try the sandbox (sgwiz --sandbox)."
					return stay(), nil
				}
				m.err, m.reading = "", "reading the region's groups, network interfaces and launch templates…"
				return stay(), runAudit(s.cloud)
			case 2:
				if s.cloud == nil {
					s.status = "Editing an existing group needs AWS: configure a profile, or try the sandbox (sgwiz --sandbox)."
					return stay(), nil
				}
				m.importing, m.err = true, ""
				m.path.Prompt, m.path.Placeholder = "Group id: ", "e.g. sg-0123456789abcdef0 (several: separate with spaces)"
				m.path.SetValue("")
				return stay(), m.path.Focus()
			}
		}
	}
	return stay(), nil
}

func (m *startStep) view(s *session, width, height int) string {
	st := s.styles
	var b strings.Builder
	b.WriteString("\nWhat would you like to do?\n\n")
	if m.audit != nil {
		return m.auditBody(s, width, height)
	}
	for i, c := range startChoices {
		note := ""
		if i >= 2 && s.cloud == nil {
			note = st.Muted.Render("  (needs AWS)")
		}
		line := "  " + c + note
		if i == m.cursor {
			line = st.Cursor.Render("▸ ") + st.Selected.Render(c) + note
		}
		b.WriteString(line + "\n")
	}
	if m.reading != "" && !m.opening && !m.importing {
		b.WriteString("\n" + st.Muted.Render(m.reading) + "\n")
	}
	if m.err != "" && !m.opening && !m.importing {
		b.WriteString(st.Error.Render("✗ "+m.err) + "\n")
	}
	if m.opening || m.importing {
		m.path.SetWidth(max(10, width-14))
		s.styled(&m.path)
		b.WriteString("\n" + m.path.View() + "\n")
		if picks := importPicks(s); m.importing && len(picks) > 0 {
			b.WriteString(st.Muted.Render("ctrl+o: pick one of the region's groups") + "\n")
			b.WriteString(strings.Join(pickerView(st, picks, strings.TrimSpace(m.path.Value()), "", width, 5), "\n") + "\n")
		}
		if m.reading != "" {
			b.WriteString(st.Muted.Render(m.reading) + "\n")
		}
		if m.err != "" {
			b.WriteString(st.Error.Render("✗ "+m.err) + "\n")
		}
	}
	fmt.Fprintf(&b, "\n%s %s\n", st.Subtitle.Render("AWS:"), st.Muted.Width(max(10, width-6)).Render(s.awsLine()))
	return b.String()
}

// importPicks are the region's groups, to edit one: id, name, VPC and
// rule count.
func importPicks(s *session) []pick {
	out := make([]pick, len(s.groups))
	for i, g := range s.groups {
		out[i] = pick{g.ID, fmt.Sprintf("%s  %s · %s · %d rule%s", g.ID, g.Name, g.VPC, g.Rules, plural(g.Rules))}
	}
	return out
}

func (m *startStep) bindings() []key.Binding {
	if m.audit != nil {
		return []key.Binding{keyUp, keyFix, keyBack}
	}
	if m.opening || m.importing {
		return []key.Binding{keyNext, keyBack}
	}
	return []key.Binding{keyUp, keySelect}
}
