package wizard

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/model"
	"github.com/sgwiz/sgwiz/ui"
)

// applyStep asks AWS what applying would change, shows it with the calls,
// asks for y (or the group name Changes.Confirmation asks for), applies
// with a spinner per call, and shows the outcome.
type applyStep struct {
	phase   applyPhase
	changes aws.Changes
	confirm textinput.Model
	// pane scrolls the changes and calls being confirmed: every one of
	// them can be read before y.
	pane   viewport.Model
	spin   spinner.Model
	cancel context.CancelFunc
	// calls is the state of each call of a running apply: "" waiting,
	// "run", "ok" or the error.
	calls   map[string]string
	outcome []string
	message string
	// applied are the groups of a successful apply; attach, when open,
	// puts one on an instance.
	applied []aws.AppliedGroup
	attach  *attachView
}

type applyPhase uint8

const (
	applyPlanning   applyPhase = iota // asking AWS what would change
	applyConfirming                   // showing the change, asking to go ahead
	applyRunning
	applyDone
)

func newApply() *applyStep {
	c := newInput("", "", 300)
	return &applyStep{confirm: c, pane: viewport.New(), spin: spinner.New(spinner.WithSpinner(spinner.Dot))}
}

// busy reports whether an apply is running (ctrl+c then cancels it).
func (m *applyStep) busy() bool { return m.phase == applyRunning }

// interrupt cancels a running apply; it removes what it created.
func (m *applyStep) interrupt(s *session) {
	if m.cancel != nil {
		m.cancel()
		s.status = s.styles.Warning.Render("cancelling: removing what this run created…")
	}
}

func (m *applyStep) enter(s *session, f focus) tea.Cmd {
	m.phase, m.message, m.outcome, m.applied, m.attach = applyPlanning, "", nil, nil, nil
	p, err := s.plan()
	if err != nil {
		m.phase, m.outcome = applyDone, []string{s.styles.Error.Render("✗ " + inWords(err))}
		return nil
	}
	if expired := p.ExpiredRules(s.now()); len(expired) > 0 {
		m.phase = applyDone
		m.outcome = append([]string{s.styles.Error.Render("✗ not applied: a temporary rule's time is over (sweep would revoke it at once)")}, expired...)
		m.outcome = append(m.outcome, "choose its source again with l for a new time, or make it permanent")
		return nil
	}
	return tea.Batch(m.spin.Tick, planChanges(s.cloud, p))
}

func (m *applyStep) update(s *session, msg tea.Msg) (nav, tea.Cmd) {
	if m.attach != nil {
		if ok, cmd := m.attach.update(s, msg); ok {
			return stay(), cmd
		}
	}
	switch msg := msg.(type) {
	case changesMsg:
		if msg.err != nil {
			m.phase, m.outcome = applyDone, []string{s.styles.Error.Render("✗ " + msg.err.Error())}
			return stay(), nil
		}
		m.changes, m.phase = msg.ch, applyConfirming
		m.confirm.SetValue("")
		m.pane.SetYOffset(0)
		if msg.ch.Empty() {
			m.phase, m.outcome = applyDone, msg.ch.Lines()
			return stay(), nil
		}
		return stay(), m.confirm.Focus()
	case appliedMsg:
		m.cancel, m.phase, m.outcome = nil, applyDone, nil
		s.status = "" // "cancelling…" is over
		if msg.err != nil {
			title := "✗ apply failed"
			if errors.Is(msg.err, context.Canceled) {
				title = "✗ apply cancelled, as you asked"
			}
			m.outcome = append([]string{s.styles.Error.Render(title)}, strings.Split(msg.err.Error(), "\n")...)
			return stay(), nil
		}
		m.outcome = append(m.outcome, fmt.Sprintf("done in %d call(s)", msg.res.Calls))
		m.applied = msg.res.Groups
		s.noteApplied(msg.res.Groups)
		return stay(), listGroups(s.cloud) // the pickers show the groups as they are now
	case callMsg:
		switch {
		case !msg.done:
			m.calls[msg.call] = "run"
		case msg.err != nil:
			m.calls[msg.call] = firstLine(msg.err.Error())
		default:
			m.calls[msg.call] = "ok"
		}
		return stay(), listen(msg.events)
	case spinner.TickMsg:
		if m.phase != applyRunning && m.phase != applyPlanning {
			return stay(), nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return stay(), cmd
	case tea.KeyPressMsg:
		return m.key(s, msg)
	}
	return stay(), nil
}

func (m *applyStep) key(s *session, k tea.KeyPressMsg) (nav, tea.Cmd) {
	if m.attach != nil {
		done, cmd := m.attach.key(s, k)
		if done {
			m.attach = nil
		}
		return stay(), cmd
	}
	switch m.phase {
	case applyPlanning, applyDone:
		if m.phase == applyDone && len(m.applied) > 0 && key.Matches(k, keyCopyLinks) {
			m.message = s.styles.OK.Render("✓ copied the console links (OSC 52: needs a terminal that allows it)")
			return stay(), tea.SetClipboard(consoleLinks(m.applied))
		}
		if m.phase == applyDone && len(m.applied) > 0 && key.Matches(k, keyUse) {
			m.attach = &attachView{groups: instancesFirst(s, m.applied), vpc: m.changes.VPC, loading: true}
			return stay(), listInstances(s.cloud, m.changes.VPC)
		}
		if key.Matches(k, keyBack, keySelect) {
			return back(), nil
		}
	case applyConfirming:
		switch k.String() {
		case "up":
			m.pane.ScrollUp(1)
			return stay(), nil
		case "down":
			m.pane.ScrollDown(1)
			return stay(), nil
		case "pgup":
			m.pane.PageUp()
			return stay(), nil
		case "pgdown":
			m.pane.PageDown()
			return stay(), nil
		case "esc":
			return back(), nil
		case "enter":
			want, _ := m.changes.Confirmation()
			typed := strings.TrimSpace(m.confirm.Value())
			if want == "" && !strings.EqualFold(typed, "y") || want != "" && typed != want {
				m.message = s.styles.Error.Render("✗ not applied: type exactly what is asked, or esc")
				return stay(), nil
			}
			ctx, cancel := context.WithCancel(context.Background())
			m.cancel, m.phase, m.message = cancel, applyRunning, ""
			m.calls = map[string]string{}
			return stay(), tea.Batch(m.spin.Tick, applyChanges(ctx, s.cloud, m.changes))
		}
		var cmd tea.Cmd
		m.confirm, cmd = m.confirm.Update(k)
		return stay(), cmd
	}
	return stay(), nil
}

func (m *applyStep) view(s *session, width, height int) string {
	if m.attach != nil {
		return m.attach.view(s, width)
	}
	st := s.styles
	var b strings.Builder
	switch m.phase {
	case applyPlanning:
		b.WriteString("\n" + wrapLines(m.spin.View()+" asking AWS what would change ("+s.awsLine()+")", width) + "\n")
	case applyConfirming, applyRunning:
		b.WriteString("\n" + st.Subtitle.Render("Apply to "+m.changes.Region+", "+m.changes.VPC) + "\n")
		if m.phase == applyRunning {
			// A spinner per call while it runs, then its outcome; a long
			// list shows a window around the call running now.
			b.WriteString("\n")
			calls := m.changes.Calls()
			room := max(3, height-6)
			cur := len(calls) - 1
			for i, call := range calls {
				if state := m.calls[call]; state == "" || state == "run" {
					cur = i
					break
				}
			}
			first := scrollStart(cur, len(calls), room)
			last := min(len(calls), first+room)
			for _, call := range calls[first:last] {
				switch state := m.calls[call]; state {
				case "":
					b.WriteString("  " + st.Muted.Render("· "+call) + "\n")
				case "run":
					b.WriteString("  " + m.spin.View() + " " + call + "\n")
				case "ok":
					b.WriteString("  " + st.OK.Render("✓") + " " + call + "\n")
				default:
					b.WriteString(wrapLines("  "+st.Error.Render("✗")+" "+call+": "+state, width) + "\n")
				}
			}
			if first > 0 || last < len(calls) {
				b.WriteString(scrollMarker(st, first, len(calls)-last, "") + "\n")
			}
			b.WriteString(st.Muted.Render("ctrl+c cancels and removes what this run created") + "\n")
			break
		}
		name, _ := m.changes.Confirmation()
		reason, lines, room := m.layout(st, width, height)
		m.pane.SetWidth(width)
		m.pane.SetHeight(min(room, len(lines)))
		m.pane.SetContentLines(lines)
		b.WriteString(m.pane.View() + "\n")
		if len(lines) > room {
			b.WriteString(scrollMarker(st, m.pane.YOffset(), len(lines)-m.pane.YOffset()-room, "↑/↓, pgup/pgdn") + "\n")
		}
		b.WriteString("\n")
		if name != "" {
			b.WriteString(strings.Join(reason, "\n") + "\n")
			m.confirm.Prompt = st.Warning.Render("Type the group name " + name + " to apply: ")
		} else {
			m.confirm.Prompt = "Apply these changes? type y and enter: "
		}
		s.styled(&m.confirm)
		b.WriteString(m.confirm.View() + "\n")
	case applyDone:
		b.WriteString("\n")
		for _, g := range m.applied {
			b.WriteString(wrapLines(st.OK.Render("✓ ")+g.Verb()+" "+g.ID+" "+g.Name, width) + "\n")
			b.WriteString("  " + consoleLink(g, width-2) + "\n")
		}
		for _, l := range m.outcome {
			b.WriteString(wrapLines(l, width) + "\n")
		}
		if len(m.applied) > 0 {
			b.WriteString("\n" + strings.Join(wrapped("", "c: copy the console links · they are printed whole when you quit", width, st.Muted), "\n"))
			b.WriteString("\n" + st.Muted.Render("u: use a group on an instance · enter: back to the menu") + "\n")
		} else {
			b.WriteString("\n" + st.Muted.Render("enter: back to the menu") + "\n")
		}
	}
	if m.message != "" {
		b.WriteString(wrapLines(m.message, width) + "\n")
	}
	return b.String()
}

// layout is the confirmation's parts at this size: the reason to type a
// name, the lines of changes and calls the pane scrolls, and the pane's
// height. The reason is wrapped above the field (a prompt does not wrap,
// and what to type must show at 80 columns); the pane gives it room.
func (m *applyStep) layout(st ui.Styles, width, height int) (reason, lines []string, room int) {
	if name, why := m.changes.Confirmation(); name != "" {
		reason = wrapped("", "⚠ "+why+".", width, st.Warning)
	}
	for _, l := range m.changes.Lines() {
		// A wrapped change keeps its indent, two more on the lines after.
		text := strings.TrimLeft(l, " ")
		indent := "  " + l[:len(l)-len(text)]
		for i, part := range strings.Split(wordWrap(text, width-len(indent)-2), "\n") {
			if i == 0 {
				lines = append(lines, indent+part)
			} else {
				lines = append(lines, indent+"  "+part)
			}
		}
	}
	calls := m.changes.Calls()
	lines = append(lines, wrapped("", fmt.Sprintf("%s: %s", model.Counted(len(calls), "call"), strings.Join(calls, "; ")), width, st.Muted)...)
	return reason, lines, max(3, height-6-len(reason))
}

// scrollMarker says how many lines of a list are above and below what
// shows, and keys, when given, that reach them.
func scrollMarker(st ui.Styles, above, below int, keys string) string {
	var parts []string
	if above > 0 {
		parts = append(parts, fmt.Sprintf("↑ %s above", model.Counted(above, "line")))
	}
	if below > 0 {
		parts = append(parts, "↓ "+model.Counted(below, "more line")+" below")
	}
	marker := st.Warning.Render(strings.Join(parts, " · "))
	if keys != "" {
		marker += st.Muted.Render("  (" + keys + ")")
	}
	return marker
}

func (m *applyStep) bindings() []key.Binding {
	if m.attach != nil {
		return m.attach.bindings()
	}
	switch m.phase {
	case applyConfirming:
		// Offered always: the help bar is drawn before the list knows
		// whether it is longer than the screen.
		return []key.Binding{keyNext, keyScrollChanges, keyBack}
	case applyDone:
		if len(m.applied) > 0 {
			return []key.Binding{keySelect, keyUse, keyCopyLinks}
		}
		return []key.Binding{keySelect}
	}
	return nil
}

var keyCopyLinks = key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy links"))

// consoleLink is the group's console link as a hyperlink (OSC 8), which
// the renderer keeps: the link itself where it fits the width, else words
// that show the group's id. It is never split over two lines — a line
// longer than the screen is cut, not wrapped by the terminal — so the
// wizard prints each link whole once it quits (Model.Links).
func consoleLink(g aws.AppliedGroup, width int) string {
	text := g.Console
	if lipgloss.Width(text) > width {
		text = "open " + g.ID + " in the EC2 console"
	}
	return lipgloss.NewStyle().Underline(true).Hyperlink(g.Console, "id="+g.ID).Render(text)
}

// consoleLinks are the groups' console links, one a line.
func consoleLinks(groups []aws.AppliedGroup) string {
	var b strings.Builder
	for _, g := range groups {
		b.WriteString(g.Console + "\n")
	}
	return b.String()
}

// noteApplied keeps the groups an apply made or changed, for Links: the
// latest outcome of each.
func (s *session) noteApplied(groups []aws.AppliedGroup) {
	for _, g := range groups {
		s.appliedGroups = slices.DeleteFunc(s.appliedGroups, func(h aws.AppliedGroup) bool { return h.ID == g.ID })
		s.appliedGroups = append(s.appliedGroups, g)
	}
}

// Links is what to print once the wizard's screen is gone: each group
// applied in the session and its console link, whole on a line of its
// own, which the terminal wraps softly (on the screen a line longer than
// it is cut). "" when nothing was applied.
func (m Model) Links() string {
	var b strings.Builder
	for _, g := range m.s.appliedGroups {
		fmt.Fprintf(&b, "%s %s %s in the EC2 console:\n%s\n", g.Verb(), g.ID, g.Name, g.Console)
	}
	return b.String()
}
