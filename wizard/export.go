package wizard

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/sgwiz/sgwiz/export"
)

// exportStep picks a format, previews the export in a scrollable pane,
// and saves (the save prompt) or copies it.
type exportStep struct {
	cursor  int
	format  export.Format // "" while choosing
	out     []byte
	pane    viewport.Model
	save    savePrompt
	message string
}

func newExport() *exportStep {
	pane := viewport.New()
	pane.SoftWrap = true // long lines wrap in the preview; the file keeps them whole
	return &exportStep{pane: pane, save: newSavePrompt()}
}

func (m *exportStep) enter(s *session, f focus) tea.Cmd {
	m.format, m.message, m.save.open = "", "", false
	return nil
}

func (m *exportStep) update(s *session, msg tea.Msg) (nav, tea.Cmd) {
	if cmd, ok := m.save.handle(s, msg, &m.message); ok {
		return stay(), cmd
	}
	switch msg := msg.(type) {
	case renderedMsg:
		if msg.err != nil {
			m.message = s.styles.Error.Render("✗ " + inWords(msg.err))
			return stay(), nil
		}
		m.format, m.out = msg.format, msg.out
		m.pane.SetContent(string(msg.out))
		m.pane.GotoTop()
		return stay(), nil
	case tea.KeyPressMsg:
		if m.format == "" {
			switch {
			case key.Matches(msg, keyBack):
				return back(), nil
			case key.Matches(msg, keyUp, keyDown):
				m.cursor = moveCursor(msg.String(), m.cursor, len(export.Formats))
			case key.Matches(msg, keySelect):
				p, err := s.plan()
				if err != nil {
					m.message = s.styles.Error.Render("✗ " + inWords(err))
					return stay(), nil
				}
				m.message = ""
				return stay(), renderExport(export.Formats[m.cursor], p)
			}
			return stay(), nil
		}
		switch {
		case key.Matches(msg, keyBack):
			m.format, m.message = "", ""
		case key.Matches(msg, keySave):
			out := m.out
			return stay(), m.save.ask("sgwiz-"+fileStem(s)+m.format.Extension(), func(string) ([]byte, error) { return out, nil }, export.ModeOf(m.format), false)
		case key.Matches(msg, keyCopy):
			m.message = s.styles.OK.Render("✓ copied to the clipboard (OSC 52: needs a terminal that allows it)")
			return stay(), tea.SetClipboard(string(m.out))
		default:
			var cmd tea.Cmd
			m.pane, cmd = m.pane.Update(msg)
			return stay(), cmd
		}
	}
	return stay(), nil
}

// fileStem is the first group's name, safe in a file name.
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

func (m *exportStep) view(s *session, width, height int) string {
	st := s.styles
	var b strings.Builder
	message := wrapLines(m.message, width) // what a save or copy did, whole
	if m.format == "" {
		b.WriteString("\nExport as:\n\n")
		for i, f := range export.Formats {
			// What a format is, whole, under its name's column.
			about := wrapped(strings.Repeat(" ", 23), f.About(), width, st.Muted)
			line := fmt.Sprintf("%-20s %s", f, strings.TrimLeft(strings.Join(about, "\n"), " "))
			if i == m.cursor {
				b.WriteString(st.Cursor.Render("▸ ") + line + "\n")
			} else {
				b.WriteString("  " + line + "\n")
			}
		}
	} else {
		info := fmt.Sprintf("%s · %d lines · %.0f%%", m.format, strings.Count(string(m.out), "\n"), m.pane.ScrollPercent()*100)
		b.WriteString(st.Subtitle.Render(info) + "\n")
		extra := 0
		if m.save.open {
			extra++
		}
		if m.message != "" {
			extra += strings.Count(message, "\n") + 1
		}
		m.pane.SetWidth(width)
		m.pane.SetHeight(max(1, height-1-extra))
		b.WriteString(m.pane.View() + "\n")
		if m.save.open {
			b.WriteString(m.save.view(s, width) + "\n")
		}
	}
	if m.message != "" {
		b.WriteString(message + "\n")
	}
	return b.String()
}

func (m *exportStep) bindings() []key.Binding {
	switch {
	case m.save.open:
		return []key.Binding{keySelect, keyBack}
	case m.format != "":
		return []key.Binding{keyUp, keyScroll, keySave, keyCopy, keyBack}
	}
	return []key.Binding{keyUp, keySelect, keyBack}
}
