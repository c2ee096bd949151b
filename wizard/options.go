package wizard

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/sgwiz/sgwiz/model"
)

// optionsStep asks the use case's answers that its linked tiers follow:
// the database engine and the app port behind the load balancer.
type optionsStep struct {
	cursor int
	port   textinput.Model
	err    string
}

type option uint8

const (
	optEngine option = iota
	optAppPort
)

func newOptions() *optionsStep {
	p := newInput("", "8080", 5)
	return &optionsStep{port: p}
}

// options are the answers the use case asks.
func (s *session) options() []option {
	var out []option
	if s.useCase.AsksEngine {
		out = append(out, optEngine)
	}
	if s.useCase.AsksAppPort {
		out = append(out, optAppPort)
	}
	return out
}

func (m *optionsStep) enter(s *session, f focus) tea.Cmd {
	m.cursor, m.err = 0, ""
	if t, ok := s.typed[model.FieldAppPort]; ok {
		// As typed, though not valid yet: not the port from before.
		m.port.SetValue(t.text)
		m.err = fieldLabels[model.FieldAppPort] + ": " + t.err
	} else {
		m.port.SetValue(strconv.Itoa(s.draft.AppPort))
	}
	m.port.CursorEnd()
	return m.focus(s)
}

func (m *optionsStep) focus(s *session) tea.Cmd {
	opts := s.options()
	if len(opts) > 0 && opts[m.cursor] == optAppPort {
		return m.port.Focus()
	}
	m.port.Blur()
	return nil
}

func (m *optionsStep) update(s *session, msg tea.Msg) (nav, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return stay(), nil
	}
	opts := s.options()
	if len(opts) == 0 {
		return next(), nil
	}
	switch {
	case key.Matches(k, keyBack):
		return back(), nil
	case key.Matches(k, keyNext):
		if m.err != "" {
			s.status = s.styles.Error.Render("✗ " + m.err)
			return stay(), nil
		}
		return next(), nil
	case key.Matches(k, keyUp, keyDown), key.Matches(k, keyField):
		dir := map[string]string{"tab": "down", "shift+tab": "up"}[k.String()]
		if dir == "" {
			dir = k.String()
		}
		m.cursor = moveCursor(dir, m.cursor, len(opts))
		return stay(), m.focus(s)
	}
	switch opts[m.cursor] {
	case optEngine:
		if step := map[string]int{"left": -1, "right": 1, "space": 1}[k.String()]; step != 0 {
			i := slices.Index(model.Engines, s.draft.Engine)
			i = (i + step + len(model.Engines)) % len(model.Engines)
			if err := s.draft.SetEngine(model.Engines[i]); err == nil {
				s.edited()
			}
		}
	case optAppPort:
		var cmd tea.Cmd
		m.port, cmd = m.port.Update(k)
		m.err = ""
		port, err := model.ParsePort(m.port.Value())
		if err == nil {
			if err = s.draft.SetAppPort(port); err == nil {
				s.edited()
			}
		}
		wrong := ""
		if err != nil {
			wrong = strings.TrimPrefix(err.Error(), model.FieldAppPort+": ")
			m.err = fieldLabels[model.FieldAppPort] + ": " + wrong
		}
		s.typing(model.FieldAppPort, m.port.Value(), wrong)
		return stay(), cmd
	}
	return stay(), nil
}

func (m *optionsStep) view(s *session, width, height int) string {
	st := s.styles
	var b strings.Builder
	b.WriteString("\n")
	for i, o := range s.options() {
		mark := "  "
		if i == m.cursor {
			mark = st.Cursor.Render("▸ ")
		}
		switch o {
		case optEngine:
			eng, _ := model.LookupService(s.draft.Engine)
			b.WriteString(mark + "Database engine: " + st.Selected.Render("‹ "+eng.Title+" ›") + st.Muted.Render("  "+eng.PortsText()+"  (←/→ to change)") + "\n")
		case optAppPort:
			s.styled(&m.port)
			if m.port.Value() == "" {
				m.port.SetWidth(len(m.port.Placeholder)) // the example shows whole
			} else {
				m.port.SetWidth(0)
			}
			b.WriteString(mark + "App port:        " + m.port.View() + "\n")
			if m.err != "" && i == m.cursor {
				b.WriteString(wrapLines("    "+st.Error.Render("✗ "+m.err), width) + "\n")
			} else {
				b.WriteString("    " + st.Muted.Render("the app servers listen on it; the load balancer sends to it") + "\n")
			}
		}
	}
	// What the answers link: the rules between the tiers, as they are now.
	b.WriteString("\n" + st.Subtitle.Render("The tiers follow these answers:") + "\n")
	for _, g := range s.draft.Groups {
		for _, dir := range []model.Direction{model.Ingress, model.Egress} {
			for _, sel := range g.Selections(dir) {
				if sel.Link == model.LinkNone {
					continue
				}
				word := map[model.Direction]string{model.Ingress: "accepts", model.Egress: "sends"}[dir]
				peer := strings.Join(sourceNames(sel), ", ")
				what := sel.Service.Title + " (" + sel.Service.PortsText() + ")"
				if _, wrong := s.typed[model.FieldAppPort]; wrong && sel.Link == model.LinkAppPort {
					what = "the app port (fix the field above)" // not the port from before
				}
				b.WriteString(wrapLines(fmt.Sprintf("  %s %s %s %s %s", g.Name, word, what,
					map[model.Direction]string{model.Ingress: "from", model.Egress: "to"}[dir], peer), width) + "\n")
			}
		}
	}
	return b.String()
}

// sourceNames names a selection's sources briefly.
func sourceNames(sel model.Selection) []string {
	out := make([]string, len(sel.Sources))
	for i, src := range sel.Sources {
		out[i] = src.String()
		if src.Kind == model.SourcePeer && src.Peer.Kind() == model.PeerGroup {
			out[i] = src.Peer.Ref()
		}
	}
	return out
}

func (m *optionsStep) bindings() []key.Binding {
	return []key.Binding{keyUp, keyField, keyNext, keyBack}
}
