package wizard

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/sgwiz/sgwiz/model"
	"github.com/sgwiz/sgwiz/ui"
)

// servicesStep ticks the services a group serves (inbound) or uses
// (outbound, under a custom egress policy), filtered as you type.
type servicesStep struct {
	dir     model.Direction
	filter  textinput.Model
	cursor  int
	rows    []row // the custom entry, the group's selections, then the catalogue
	custom  bool  // the custom-port form is open
	proto   int   // index into customProtocols
	ports   textinput.Model
	formErr string
	// order is the rows' order for this visit: the services chosen when
	// it began (and typed ports added since), then the rest of the
	// catalogue. Ticking or unticking never moves a row.
	order []model.Service
}

// row is a line of the list: a selection of the group or a catalogue entry.
type row struct {
	custom   bool // the "+ Custom port" entry
	sel      int  // the selection's index, when selected
	service  model.Service
	selected bool
}

var customProtocols = []string{"tcp", "udp", "icmp", "icmpv6", "all"}

func newServices(dir model.Direction) *servicesStep {
	f := newInput("Filter: ", "ssh, 5432, redis (type to filter)", 0)
	p := newInput("Ports: ", "8000 or 8000-9000 (ICMP: type or type/code)", 0)
	return &servicesStep{dir: dir, filter: f, ports: p}
}

// selections are the current group's selections of the step's direction.
func (s *session) selections(dir model.Direction) []model.Selection {
	if g := s.currentGroup(); g != nil {
		return g.Selections(dir)
	}
	return nil
}

func (m *servicesStep) enter(s *session, f focus) tea.Cmd {
	if f.set {
		s.group = f.group
	}
	m.order = nil
	for _, sel := range s.selections(m.dir) {
		m.order = append(m.order, sel.Service)
	}
	for _, svc := range model.Catalogue() {
		if svc.Kind != model.KindCustom && !slices.ContainsFunc(m.order, sameService(svc)) {
			m.order = append(m.order, svc)
		}
	}
	m.refresh(s)
	// On the first service, not on the custom entry: enter then goes on,
	// as a newcomer accepting the defaults expects.
	m.cursor = min(1, len(m.rows)-1)
	return m.filter.Focus()
}

// sameService matches a service by its selection key.
func sameService(svc model.Service) func(model.Service) bool {
	key := (model.Selection{Service: svc}).Key()
	return func(x model.Service) bool { return (model.Selection{Service: x}).Key() == key }
}

// refresh rebuilds the rows from the visit's order, the group's
// selections and the filter; a service chosen since the visit began (a
// typed port) joins the services at the top.
func (m *servicesStep) refresh(s *session) {
	q := strings.ToLower(strings.TrimSpace(m.filter.Value()))
	chosen := map[string]int{}
	for i, sel := range s.selections(m.dir) {
		chosen[sel.Key()] = i
		if !slices.ContainsFunc(m.order, sameService(sel.Service)) {
			m.order = slices.Insert(m.order, m.chosenAtStart(s), sel.Service)
		}
	}
	m.rows = []row{{custom: true}}
	for _, svc := range m.order {
		if q != "" && !strings.Contains(strings.ToLower(svc.FilterValue()), q) {
			continue
		}
		i, ok := chosen[(model.Selection{Service: svc}).Key()]
		m.rows = append(m.rows, row{sel: i, service: svc, selected: ok})
	}
	m.cursor = min(m.cursor, len(m.rows)-1)
}

// chosenAtStart is where the services chosen at the visit's start end in
// the order: the first catalogue service that was not chosen.
func (m *servicesStep) chosenAtStart(s *session) int {
	for i, svc := range m.order {
		if !slices.ContainsFunc(s.selections(m.dir), func(sel model.Selection) bool { return sameService(svc)(sel.Service) }) {
			return i
		}
	}
	return len(m.order)
}

// currentGroup is the group the editing steps show, or nil.
func (s *session) currentGroup() *model.GroupSpec {
	if len(s.draft.Groups) == 0 {
		return nil
	}
	s.group = min(max(s.group, 0), len(s.draft.Groups)-1)
	return &s.draft.Groups[s.group]
}

func (m *servicesStep) update(s *session, msg tea.Msg) (nav, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return stay(), nil
	}
	if m.custom {
		return m.updateCustom(s, k)
	}
	switch {
	case key.Matches(k, keyBack):
		return back(), nil
	case key.Matches(k, keyNext) && m.rows[m.cursor].custom:
		// Enter opens what the cursor is on.
		m.openCustom()
		return stay(), m.ports.Focus()
	case key.Matches(k, keyNext):
		return next(), nil
	case key.Matches(k, keyUp, keyDown):
		m.cursor = moveCursor(k.String(), m.cursor, len(m.rows))
		return stay(), nil
	case key.Matches(k, keyGroup):
		s.nextGroup(k.String() == "shift+tab")
		m.refresh(s)
		return stay(), nil
	case key.Matches(k, keyToggle):
		r := m.rows[m.cursor]
		switch {
		case r.custom:
			m.openCustom()
			return stay(), m.ports.Focus()
		case r.selected:
			s.draft.RemoveService(s.group, m.dir, r.sel)
			s.edited()
		default:
			m.add(s, r.service)
		}
		m.refresh(s)
		return stay(), nil
	}
	before := m.filter.Value()
	var cmd tea.Cmd
	m.filter, cmd = m.filter.Update(k)
	if m.filter.Value() != before {
		m.refresh(s)
		m.cursor = min(1, len(m.rows)-1) // the first match, not the custom entry
	}
	return stay(), cmd
}

func (m *servicesStep) openCustom() {
	m.custom, m.formErr = true, ""
	m.ports.SetValue("")
}

func (m *servicesStep) updateCustom(s *session, k tea.KeyPressMsg) (nav, tea.Cmd) {
	switch k.String() {
	case "esc":
		m.custom = false
		return stay(), m.filter.Focus()
	case "left", "right", "tab", "shift+tab":
		if k.String() == "left" || k.String() == "shift+tab" {
			m.proto = (m.proto - 1 + len(customProtocols)) % len(customProtocols)
		} else {
			m.proto = (m.proto + 1) % len(customProtocols)
		}
		return stay(), nil
	case "enter":
		proto, _ := model.ParseProtocol(customProtocols[m.proto])
		ports, err := model.ParsePortRange(proto, m.ports.Value())
		if err != nil {
			m.formErr = err.Error()
			return stay(), nil
		}
		svc := model.CustomService(proto, ports)
		m.add(s, svc)
		m.custom = false
		m.refresh(s)
		// The cursor goes to the new row, so that enter goes on.
		for i, r := range m.rows {
			if !r.custom && (model.Selection{Service: r.service}).Key() == (model.Selection{Service: svc}).Key() {
				m.cursor = i
			}
		}
		return stay(), m.filter.Focus()
	}
	var cmd tea.Cmd
	m.ports, cmd = m.ports.Update(k)
	proto, _ := model.ParseProtocol(customProtocols[m.proto])
	m.formErr = ""
	if _, err := model.ParsePortRange(proto, m.ports.Value()); err != nil && m.ports.Value() != "" {
		m.formErr = err.Error()
	}
	return stay(), cmd
}

// nextGroup moves the editing steps to the next (or previous) group.
func (s *session) nextGroup(back bool) {
	n := len(s.draft.Groups)
	if n == 0 {
		return
	}
	if back {
		s.group = (s.group - 1 + n) % n
	} else {
		s.group = (s.group + 1) % n
	}
}

// add selects a service with its default sources, and says at once when
// it is chosen already or repeats a rule of another service.
func (m *servicesStep) add(s *session, svc model.Service) {
	if s.currentGroup() == nil {
		return
	}
	_, notice, err := s.draft.AddService(s.group, m.dir, svc)
	switch {
	case err != nil:
		s.status = s.styles.Warning.Render("⚠ " + err.Error())
	case notice != "":
		s.status = s.styles.Warning.Render("⚠ " + notice)
	}
	s.edited()
}

func (m *servicesStep) view(s *session, width, height int) string {
	st := s.styles
	var b strings.Builder
	b.WriteString(groupTabs(s, width) + "\n")
	m.filter.SetWidth(max(10, width-lipgloss.Width(m.filter.Prompt)-2))
	s.styled(&m.filter, &m.ports)
	b.WriteString(m.filter.View() + "\n")
	var chosen []string
	for _, sel := range s.selections(m.dir) {
		chosen = append(chosen, sel.Service.Title)
	}
	if len(chosen) == 0 {
		chosen = []string{"nothing yet"}
	}
	// Every service chosen shows, on as many lines as it takes.
	chosenLines := strings.Split(wordWrap(strings.Join(chosen, ", "), width-8), "\n")
	for i, l := range chosenLines {
		if i == 0 {
			b.WriteString(st.Muted.Render("Chosen: ") + l + "\n")
		} else {
			b.WriteString("        " + l + "\n")
		}
	}
	lines := 2 + len(chosenLines)
	if m.custom {
		b.WriteString(st.Subtitle.Render("Custom: ") + "protocol ")
		for i, p := range customProtocols {
			if i == m.proto {
				b.WriteString(st.Selected.Render("‹" + p + "›"))
			} else {
				b.WriteString(st.Muted.Render(" " + p + " "))
			}
		}
		m.ports.SetWidth(max(10, width-10))
		b.WriteString(st.Muted.Render("  (←/→)") + "\n" + m.ports.View() + "\n")
		if m.formErr != "" {
			errLines := wrapText(st.Error.Render("✗ "+m.formErr), width)
			b.WriteString(strings.Join(errLines, "\n") + "\n")
			lines += len(errLines) - 1
		} else {
			b.WriteString(st.Muted.Render("enter: add · esc: cancel") + "\n")
		}
		lines += 3
	}
	// The rows cut a service's explanation to fit: the one under the
	// cursor is shown whole below them.
	var about []string
	if r := m.rows[m.cursor]; !r.custom {
		about = wrapped("  ", r.service.Title+" ("+r.service.PortsText()+"): "+r.service.About, width, st.Muted)
	}
	rowsHeight := max(1, height-lines-len(about))
	first := scrollStart(m.cursor, len(m.rows), rowsHeight)
	for i := first; i < len(m.rows) && i < first+rowsHeight; i++ {
		b.WriteString(m.rowView(st, m.rows[i], i == m.cursor, width) + "\n")
	}
	b.WriteString(strings.Join(about, "\n"))
	return b.String()
}

func (m *servicesStep) rowView(st ui.Styles, r row, selected bool, width int) string {
	var text string
	switch {
	case r.custom:
		text = "+ Custom port or range…"
	default:
		mark := "[ ]"
		if r.selected {
			mark = st.Checked.Render("[x]")
		}
		text = fmt.Sprintf("%s %s %s", mark, ui.Fit(r.service.Title, 22), ui.Fit(r.service.PortsText(), 16))
		about := width - 4 - 27 - 16 - 2
		if about > 10 {
			text += "  " + st.Muted.Render(ui.Fit(r.service.About, about))
		}
	}
	if selected {
		return st.Cursor.Render("▸ ") + text
	}
	return "  " + text
}

// scrollStart is the first visible row that keeps the cursor in view.
func scrollStart(cursor, n, height int) int {
	if n <= height {
		return 0
	}
	first := cursor - height/2
	return max(0, min(first, n-height))
}

// groupTabs shows the plan's groups, the current one marked.
func groupTabs(s *session, width int) string {
	st := s.styles
	if len(s.draft.Groups) <= 1 {
		if g := s.currentGroup(); g != nil {
			return st.Muted.Render("Group: ") + st.Subtitle.Render(g.Name)
		}
		return ""
	}
	parts := []string{st.Muted.Render("Groups (tab):")}
	for i, g := range s.draft.Groups {
		if i == s.group {
			// Brackets mark it where colours do not show (NO_COLOR).
			parts = append(parts, st.Selected.Render("["+g.Name+"]"))
		} else {
			parts = append(parts, st.Muted.Render(" "+g.Name+" "))
		}
	}
	return ui.Fit(strings.Join(parts, " "), width)
}

func (m *servicesStep) bindings() []key.Binding {
	if m.custom {
		return []key.Binding{keySelect, keyBack}
	}
	return []key.Binding{keyUp, keyToggle, keyNext, keyBack, keyGroup}
}
