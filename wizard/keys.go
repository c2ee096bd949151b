package wizard

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
)

// Keys shared by the steps; each step lists the ones it uses in its help.
var (
	keyQuit          = key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit"))
	keyExplain       = key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "explain"))
	keyUp            = key.NewBinding(key.WithKeys("up", "ctrl+p"), key.WithHelp("↑/↓", "move"))
	keyDown          = key.NewBinding(key.WithKeys("down", "ctrl+n"))
	keyNext          = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next"))
	keySelect        = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose"))
	keyBack          = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back"))
	keyToggle        = key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "toggle"))
	keyField         = key.NewBinding(key.WithKeys("tab", "shift+tab"), key.WithHelp("tab", "next field"))
	keyGroup         = key.NewBinding(key.WithKeys("tab", "shift+tab"), key.WithHelp("tab", "group"))
	keyEdit          = key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit selected"))
	keyFix           = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open with the fix"))
	keyKeep          = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep"))
	keyCancel        = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "leave as it was"))
	keyEngine        = key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←/→", "engine"))
	keyDescribe      = key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "describe/tag rule"))
	keyDelete        = key.NewBinding(key.WithKeys("x", "delete"), key.WithHelp("x", "delete rule"))
	keyScrollChanges = key.NewBinding(key.WithKeys("up", "down", "pgup", "pgdown"), key.WithHelp("↑/↓ pgup/pgdn", "scroll"))
	keyScroll        = key.NewBinding(key.WithKeys("pgup", "pgdown"), key.WithHelp("pgup/pgdn", "scroll"))
	keySave          = key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save to file"))
	keyCopy          = key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy"))
)

// moveCursor applies up/down to a cursor over n items, wrapping.
func moveCursor(k string, cur, n int) int {
	if n == 0 {
		return 0
	}
	switch k {
	case "up", "ctrl+p":
		return (cur - 1 + n) % n
	case "down", "ctrl+n":
		return (cur + 1) % n
	case "home":
		return 0
	case "end":
		return n - 1
	}
	return cur
}

// newInput is a text field with a prompt and an example; the example
// starts with "e.g." so that it reads as one without colour (NO_COLOR).
func newInput(prompt, example string, limit int) textinput.Model {
	ti := textinput.New()
	ti.Prompt = prompt
	if example != "" {
		ti.Placeholder = "e.g. " + example
	}
	ti.CharLimit = limit
	return ti
}

// styled gives text fields the session's styles (light or dark background)
// before they are drawn.
func (s *session) styled(tis ...*textinput.Model) {
	for _, ti := range tis {
		ti.SetStyles(s.styles.Input)
	}
}
