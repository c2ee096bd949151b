package wizard

import (
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/sgwiz/sgwiz/export"
)

// savePrompt asks for a file name and writes a file through a command,
// asking before it replaces one: the plan file from the action menu and
// each export use it.
type savePrompt struct {
	path    textinput.Model
	open    bool
	replace bool // the file exists: y replaces it
	// data is the file's text for a path (a plan file is JSON as .json).
	data func(path string) ([]byte, error)
	mode export.FileMode
	plan bool // a plan file, which marks the answers saved
}

func newSavePrompt() savePrompt {
	p := newInput("Save to: ", "", 4096)
	return savePrompt{path: p}
}

// ask opens the prompt for data, offering name (or the name typed before,
// when it has the same extension).
func (p *savePrompt) ask(name string, data func(path string) ([]byte, error), mode export.FileMode, plan bool) tea.Cmd {
	p.open, p.replace, p.data, p.mode, p.plan = true, false, data, mode, plan
	if v := p.path.Value(); v == "" || plan || !strings.HasSuffix(v, fileExt(name)) {
		p.path.SetValue(name)
	}
	p.path.CursorEnd()
	return p.path.Focus()
}

func fileExt(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i:]
	}
	return ""
}

// handle takes the messages that are the prompt's: the write's outcome,
// and keys while it is open. It sets *message and reports whether msg
// was the prompt's.
func (p *savePrompt) handle(s *session, msg tea.Msg, message *string) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case savedMsg:
		var cmd tea.Cmd
		*message, cmd = p.saved(s, msg)
		return cmd, true
	case tea.KeyPressMsg:
		if !p.open {
			return nil, false
		}
		cmd, m := p.update(s, msg)
		if m != "" || !p.open {
			*message = m
		}
		return cmd, true
	}
	return nil, false
}

// update handles a key while the prompt is open; done reports that it
// closed (esc), message is what to say.
func (p *savePrompt) update(s *session, k tea.KeyPressMsg) (cmd tea.Cmd, message string) {
	if p.replace {
		if k.String() == "y" || k.String() == "Y" {
			return p.write(s, true)
		}
		p.replace = false
		return p.path.Focus(), ""
	}
	switch k.String() {
	case "esc":
		p.open = false
		p.path.Blur()
		return nil, ""
	case "enter":
		if strings.TrimSpace(p.path.Value()) == "" {
			return nil, s.styles.Error.Render("✗ type a file name")
		}
		p.path.Blur()
		return p.write(s, false)
	}
	p.path, cmd = p.path.Update(k)
	return cmd, ""
}

// write starts writing the file at the typed path.
func (p *savePrompt) write(s *session, force bool) (tea.Cmd, string) {
	path := strings.TrimSpace(p.path.Value())
	data, err := p.data(path)
	if err != nil {
		return nil, s.styles.Error.Render("✗ " + inWords(err))
	}
	return saveFile(path, data, p.mode, force, p.plan), ""
}

// saved takes the write's outcome; it says what happened.
func (p *savePrompt) saved(s *session, msg savedMsg) (message string, cmd tea.Cmd) {
	switch {
	case msg.exists:
		p.replace = true
		return s.styles.Warning.Render(msg.path + " exists. Replace it? y: replace · n: choose another name"), nil
	case msg.err != nil:
		return s.styles.Error.Render("✗ " + msg.err.Error()), p.path.Focus()
	}
	p.open = false
	if msg.plan {
		s.saved = true
		return s.styles.OK.Render("✓ saved " + msg.path + "; reopen it with: sgwiz -f " + msg.path), nil
	}
	return s.styles.OK.Render("✓ wrote " + msg.path), nil
}

func (p *savePrompt) view(s *session, width int) string {
	s.styled(&p.path)
	p.path.SetWidth(max(10, width-12))
	return p.path.View()
}
