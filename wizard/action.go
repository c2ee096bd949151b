package wizard

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/sgwiz/sgwiz/export"
)

// actionStep is the last step's menu: export as code (stepExport), save
// the plan file (here, with the save prompt), apply (stepApply), quit.
type actionStep struct {
	cursor  int
	save    savePrompt
	message string
}

var actionChoices = []string{"Export as code…", "Save the plan file…", "Apply to AWS", "Quit"}

func newAction() *actionStep { return &actionStep{save: newSavePrompt()} }

func (m *actionStep) enter(s *session, f focus) tea.Cmd {
	m.save.open, m.message = false, ""
	return nil
}

func (m *actionStep) update(s *session, msg tea.Msg) (nav, tea.Cmd) {
	if cmd, ok := m.save.handle(s, msg, &m.message); ok {
		return stay(), cmd
	}
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, keyBack):
			return back(), nil
		case key.Matches(msg, keyUp, keyDown):
			m.cursor = moveCursor(msg.String(), m.cursor, len(actionChoices))
			m.message = ""
		case key.Matches(msg, keySelect):
			switch m.cursor {
			case 0:
				return goTo(stepExport), nil
			case 1:
				if _, err := s.plan(); err != nil {
					m.message = s.styles.Error.Render("✗ " + inWords(err))
					return stay(), nil
				}
				m.message = ""
				return stay(), m.save.ask("plan.yaml", func(path string) ([]byte, error) { return planData(s, path) }, export.PlainFile, true)
			case 2:
				if s.cloud == nil {
					m.message = s.styles.Warning.Render("Apply needs AWS: "+s.awsErr) +
						"\nTo try it without an account: sgwiz --sandbox. Or export Terraform, CloudFormation or an AWS CLI script."
					return stay(), nil
				}
				return goTo(stepApply), nil
			case 3:
				return quit(), nil
			}
		}
	}
	return stay(), nil
}

// planData is the plan file's text for a path: JSON for .json, else YAML.
func planData(s *session, path string) ([]byte, error) {
	p, err := s.plan()
	if err != nil {
		return nil, err
	}
	if strings.HasSuffix(strings.ToLower(path), ".json") {
		return p.JSON()
	}
	return p.YAML()
}

func (m *actionStep) view(s *session, width, height int) string {
	st := s.styles
	var b strings.Builder
	b.WriteString("\nWhat next?\n\n")
	for i, c := range actionChoices {
		if i == 2 && s.cloud == nil {
			c += st.Muted.Render("  (needs AWS)")
		}
		if i == m.cursor && !m.save.open {
			b.WriteString(st.Cursor.Render("▸ ") + st.Selected.Render(c) + "\n")
		} else {
			b.WriteString("  " + c + "\n")
		}
	}
	if m.save.open {
		b.WriteString("\n" + m.save.view(s, width) + "\n")
	}
	if !s.saved {
		b.WriteString("\n" + strings.Join(wrapped("", "Your answers are not saved yet: save the plan file to reopen them with sgwiz -f.", width, st.Muted), "\n") + "\n")
	}
	if m.message != "" {
		b.WriteString(wrapLines(m.message, width) + "\n")
	}
	return b.String()
}

func (m *actionStep) bindings() []key.Binding {
	if m.save.open {
		return []key.Binding{keySelect, keyBack}
	}
	return []key.Binding{keyUp, keySelect, keyBack}
}
