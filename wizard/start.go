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
	cursor int // on startMenu
	// startPrompt asks for a plan file's path or a group's id, once an
	// entry wants one. Embedded: its text field is the screen's path.
	startPrompt
	note startNote
	// audit is the region's audit, a group a line, once asked for.
	audit *auditView
}

// startNote is what the start screen says under its menu or prompt.
type startNote struct {
	err     string
	reading string // what is being read from AWS, while it is
}

// startEntry names an entry of the start menu.
type startEntry uint8

const (
	startNew   startEntry = iota // a new plan from a use case
	startOpen                    // a saved plan file
	startEdit                    // an existing group in AWS
	startAudit                   // the region's groups, by their findings
)

// startMenu is the start menu, in its order on the screen.
var startMenu = []struct {
	id       startEntry
	label    string
	needsAWS bool
}{
	{startNew, "New security group(s) from a use case", false},
	{startOpen, "Open a saved plan file", false},
	{startEdit, "Edit an existing group in AWS", true},
	{startAudit, "Audit this account's groups in the region", true},
}

func newStart() *startStep {
	ti := textinput.New()
	ti.CharLimit = 4096
	return &startStep{startPrompt: startPrompt{path: ti}}
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
		m.note.reading = ""
		if msg.err != nil {
			m.note.err = firstLine(msg.err.Error())
			return stay(), nil
		}
		m.audit = newAuditView(msg.inv, s.now())
	case planLoadedMsg:
		return m.loaded(s, msg)
	case tea.KeyPressMsg:
		switch {
		case m.audit != nil:
			n, cmd := m.audit.update(s, msg)
			if n.kind == navBack {
				m.audit = nil
			}
			return stay(), cmd
		case m.asking():
			return stay(), m.startPrompt.update(s, &m.note, msg)
		}
		return m.menuKey(s, msg)
	}
	return stay(), nil
}

// loaded opens a plan read from a file or from AWS at the review, or says
// what is wrong with it.
func (m *startStep) loaded(s *session, msg planLoadedMsg) (nav, tea.Cmd) {
	m.note.reading = "" // the work is done, whatever its outcome
	if msg.err != nil {
		// The path is in the field above: say what is wrong in it.
		err := msg.err
		var es model.Errors
		if errors.As(err, &es) {
			err = es
		}
		m.note.err = strings.ReplaceAll(err.Error(), "\n", "; ")
		return stay(), nil
	}
	s.openPlan(msg.plan)
	m.kind, m.note, m.audit = promptClosed, startNote{}, nil
	if len(msg.warnings) > 0 {
		s.status = "note: " + strings.Join(msg.warnings, "; ")
	}
	if msg.fixOf != "" {
		s.dirty, s.saved = true, false // the fix is not in AWS yet
		s.status = "The fix of " + msg.fixOf + ": review it, then apply it."
	}
	return goTo(stepReview), nil
}

// menuKey moves on the start menu and carries out its entries.
func (m *startStep) menuKey(s *session, k tea.KeyPressMsg) (nav, tea.Cmd) {
	switch {
	case key.Matches(k, keyUp, keyDown):
		m.cursor = moveCursor(k.String(), m.cursor, len(startMenu))
	case key.Matches(k, keySelect):
		return m.choose(s, startMenu[m.cursor].id)
	}
	return stay(), nil
}

// choose carries out entry e of the start menu.
func (m *startStep) choose(s *session, e startEntry) (nav, tea.Cmd) {
	switch e {
	case startNew:
		return next(), nil
	case startOpen:
		m.note.err = ""
		return stay(), m.startPrompt.open(promptPlanFile)
	case startEdit:
		if s.cloud == nil {
			s.status = "Editing an existing group needs AWS: configure a profile, or try the sandbox (sgwiz --sandbox)."
			return stay(), nil
		}
		m.note.err = ""
		return stay(), m.startPrompt.open(promptGroupID)
	case startAudit:
		if s.cloud == nil {
			s.status = "An audit needs AWS: configure a profile, or try the sandbox (sgwiz --sandbox)."
			return stay(), nil
		}
		m.note.err, m.note.reading = "", "reading the region's groups, network interfaces and launch templates…"
		return stay(), runAudit(s.cloud)
	}
	return stay(), nil
}

func (m *startStep) view(s *session, width, height int) string {
	if m.audit != nil {
		return m.audit.view(s, width, height)
	}
	st := s.styles
	var b strings.Builder
	b.WriteString("\nWhat would you like to do?\n\n")
	for i, e := range startMenu {
		note := ""
		if e.needsAWS && s.cloud == nil {
			note = st.Muted.Render("  (needs AWS)")
		}
		line := "  " + e.label + note
		if i == m.cursor {
			line = st.Cursor.Render("▸ ") + st.Selected.Render(e.label) + note
		}
		b.WriteString(line + "\n")
	}
	if m.asking() {
		b.WriteString(m.startPrompt.view(s, m.note, width))
	} else {
		if m.note.reading != "" {
			b.WriteString("\n" + strings.Join(wrapped("", m.note.reading, width, st.Muted), "\n") + "\n")
		}
		if m.note.err != "" {
			b.WriteString(wrapLines(st.Error.Render("✗ "+m.note.err), width) + "\n")
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
		out[i] = pick{g.ID, fmt.Sprintf("%s  %s · %s · %s", g.ID, g.Name, g.VPC, model.Counted(g.Rules, "rule"))}
	}
	return out
}

func (m *startStep) bindings() []key.Binding {
	if m.audit != nil {
		return m.audit.bindings()
	}
	if m.asking() && m.pick != nil {
		return pickerBindings()
	}
	if m.asking() {
		return []key.Binding{keyNext, keyBack}
	}
	return []key.Binding{keyUp, keySelect}
}
