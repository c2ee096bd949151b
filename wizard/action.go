package wizard

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/sgwiz/sgwiz/export"
)

// actionStep exports (format, preview, save, copy), saves the plan file,
// or applies; apply arrives with the AWS work, so it says so and offers export.
type actionStep struct {
	mode    actionMode
	cursor  int
	format  export.Format
	out     []byte
	pane    viewport.Model
	path    textinput.Model
	saving  savingWhat
	pending []byte // what the replace question is about
	message string
}

type actionMode uint8

const (
	actMenu actionMode = iota
	actFormats
	actPreview
	actPath
	actReplace
)

type savingWhat uint8

const (
	savingExport savingWhat = iota
	savingPlan
)

var actionChoices = []string{"Export as code…", "Save the plan file…", "Apply to AWS", "Quit"}

func newAction() *actionStep {
	p := textinput.New()
	p.Prompt = "Save to: "
	p.CharLimit = 4096
	return &actionStep{path: p, pane: viewport.New()}
}

func (m *actionStep) enter(s *session, f focus) tea.Cmd {
	m.mode, m.message = actMenu, ""
	return nil
}

func (m *actionStep) update(s *session, msg tea.Msg) (nav, tea.Cmd) {
	switch msg := msg.(type) {
	case renderedMsg:
		if msg.err != nil {
			m.message = s.styles.Error.Render("✗ " + firstLine(msg.err.Error()))
			m.mode = actFormats
			return stay(), nil
		}
		m.format, m.out, m.mode = msg.format, msg.out, actPreview
		m.pane.SetContent(string(msg.out))
		m.pane.GotoTop()
		return stay(), nil
	case savedMsg:
		switch {
		case msg.exists:
			m.mode = actReplace
			m.message = s.styles.Warning.Render(msg.path + " exists. Replace it? y: replace · n: choose another name")
		case msg.err != nil:
			m.mode = actPath
			m.message = s.styles.Error.Render("✗ " + msg.err.Error())
			return stay(), m.path.Focus()
		default:
			if msg.plan {
				s.saved = true
				m.message = s.styles.OK.Render("✓ saved " + msg.path + "; reopen it with: sgwiz -f " + msg.path)
			} else {
				m.message = s.styles.OK.Render("✓ wrote " + msg.path)
			}
			m.mode = actMenu
			if m.format != "" && !msg.plan {
				m.mode = actPreview
			}
		}
		return stay(), nil
	case tea.KeyPressMsg:
		return m.key(s, msg)
	}
	return stay(), nil
}

func (m *actionStep) key(s *session, k tea.KeyPressMsg) (nav, tea.Cmd) {
	switch m.mode {
	case actMenu:
		switch {
		case key.Matches(k, keyBack):
			return goTo(stepReview), nil
		case key.Matches(k, keyUp, keyDown):
			m.cursor = moveCursor(k.String(), m.cursor, len(actionChoices))
			m.message = ""
		case key.Matches(k, keySelect):
			switch m.cursor {
			case 0:
				m.mode, m.cursor, m.format = actFormats, 0, ""
			case 1:
				return stay(), m.askPath(savingPlan, "plan.yaml", nil)
			case 2:
				m.message = s.styles.Warning.Render("Apply is not available yet: it needs the AWS connection that comes in the next release.") +
					"\nExport instead: Terraform, CloudFormation or an AWS CLI script apply the same rules."
				m.cursor = 0
			case 3:
				return nav{to: stepCount, move: true}, nil
			}
		}
	case actFormats:
		switch {
		case key.Matches(k, keyBack):
			m.mode, m.cursor = actMenu, 0
		case key.Matches(k, keyUp, keyDown):
			m.cursor = moveCursor(k.String(), m.cursor, len(export.Formats))
		case key.Matches(k, keySelect):
			p, err := s.plan()
			if err != nil {
				m.message = s.styles.Error.Render("✗ " + firstLine(err.Error()))
				return stay(), nil
			}
			m.message = ""
			return stay(), renderExport(export.Formats[m.cursor], p)
		}
	case actPreview:
		switch {
		case key.Matches(k, keyBack):
			m.mode, m.message = actFormats, ""
		case key.Matches(k, keySave):
			name := "sgwiz-" + fileStem(s) + m.format.Extension()
			return stay(), m.askPath(savingExport, name, m.out)
		case key.Matches(k, keyCopy):
			m.message = s.styles.OK.Render("✓ copied to the clipboard (OSC 52: needs a terminal that allows it)")
			return stay(), tea.SetClipboard(string(m.out))
		default:
			var cmd tea.Cmd
			m.pane, cmd = m.pane.Update(k)
			return stay(), cmd
		}
	case actPath:
		switch k.String() {
		case "esc":
			m.mode = actMenu
			if m.saving == savingExport {
				m.mode = actPreview
			}
			m.path.Blur()
			return stay(), nil
		case "enter":
			path := strings.TrimSpace(m.path.Value())
			if path == "" {
				m.message = s.styles.Error.Render("✗ type a file name")
				return stay(), nil
			}
			m.path.Blur()
			return stay(), m.write(s, path, false)
		}
		var cmd tea.Cmd
		m.path, cmd = m.path.Update(k)
		return stay(), cmd
	case actReplace:
		switch k.String() {
		case "y", "Y":
			return stay(), m.write(s, strings.TrimSpace(m.path.Value()), true)
		default:
			m.mode, m.message = actPath, ""
			return stay(), m.path.Focus()
		}
	}
	return stay(), nil
}

// askPath opens the file-name field for an export or the plan file.
func (m *actionStep) askPath(what savingWhat, name string, data []byte) tea.Cmd {
	m.mode, m.saving, m.pending = actPath, what, data
	if m.path.Value() == "" || what == savingPlan || !strings.HasSuffix(m.path.Value(), m.format.Extension()) {
		m.path.SetValue(name)
	}
	m.path.CursorEnd()
	m.message = ""
	return m.path.Focus()
}

func (m *actionStep) write(s *session, path string, force bool) tea.Cmd {
	if m.saving == savingPlan {
		p, err := s.plan()
		if err != nil {
			m.message = s.styles.Error.Render("✗ " + firstLine(err.Error()))
			return nil
		}
		data, err := p.YAML()
		if strings.HasSuffix(strings.ToLower(path), ".json") {
			data, err = p.JSON()
		}
		if err != nil {
			m.message = s.styles.Error.Render("✗ " + err.Error())
			return nil
		}
		return saveFile(path, data, false, force, true)
	}
	return saveFile(path, m.pending, m.format == export.AWSCLI, force, false)
}

func fileStem(s *session) string {
	if len(s.draft.Groups) > 0 {
		return strings.Map(func(r rune) rune {
			if r == '/' || r == ' ' || r == '\\' {
				return '-'
			}
			return r
		}, s.draft.Groups[0].Name)
	}
	return "plan"
}

func (m *actionStep) view(s *session, width, height int) string {
	st := s.styles
	var b strings.Builder
	switch m.mode {
	case actMenu, actPath, actReplace:
		if m.mode == actMenu || m.saving == savingPlan {
			b.WriteString("\nWhat next?\n\n")
			for i, c := range actionChoices {
				if i == 2 {
					c += st.Muted.Render("  (not available yet)")
				}
				if i == m.cursor && m.mode == actMenu {
					b.WriteString(st.Cursor.Render("▸ ") + st.Selected.Render(c) + "\n")
				} else {
					b.WriteString("  " + c + "\n")
				}
			}
		} else {
			b.WriteString("\n" + st.Subtitle.Render("Export: "+string(m.format)) + "\n")
		}
		if m.mode != actMenu {
			m.path.SetWidth(max(10, width-12))
			b.WriteString("\n" + m.path.View() + "\n")
		}
		if !s.saved {
			b.WriteString("\n" + st.Muted.Render("Your answers are not saved yet: save the plan file to reopen them with sgwiz -f.") + "\n")
		}
	case actFormats:
		b.WriteString("\nExport as:\n\n")
		for i, f := range export.Formats {
			line := fmt.Sprintf("%-20s %s", f, st.Muted.Render(f.About()))
			if i == m.cursor {
				b.WriteString(st.Cursor.Render("▸ ") + line + "\n")
			} else {
				b.WriteString("  " + line + "\n")
			}
		}
	case actPreview:
		info := fmt.Sprintf("%s · %d lines · %.0f%%", m.format, strings.Count(string(m.out), "\n"), m.pane.ScrollPercent()*100)
		b.WriteString(st.Subtitle.Render(info) + "\n")
		paneHeight := max(1, height-3)
		m.pane.SetWidth(width)
		m.pane.SetHeight(paneHeight)
		b.WriteString(m.pane.View() + "\n")
	}
	if m.message != "" {
		b.WriteString(m.message + "\n")
	}
	return b.String()
}

func (m *actionStep) bindings() []key.Binding {
	switch m.mode {
	case actFormats:
		return []key.Binding{keyUp, keySelect, keyBack}
	case actPreview:
		return []key.Binding{keyUp, keyPageUp, keySave, keyCopy, keyBack}
	case actPath:
		return []key.Binding{keyNext, keyBack}
	}
	return []key.Binding{keyUp, keySelect, keyBack}
}
