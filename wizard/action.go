package wizard

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/export"
	"github.com/sgwiz/sgwiz/model"
)

// actionStep exports (format, preview, save, copy), saves the plan file,
// or applies; apply arrives with the AWS work, so it says so and offers export.
type actionStep struct {
	mode actionMode
	// apply: the change list, the confirmation, the spinner, the outcome
	changes aws.Changes
	confirm textinput.Model
	spin    spinner.Model
	cancel  context.CancelFunc
	outcome []string
	// calls is the state of each call of a running apply: "" waiting,
	// "run", "ok" or the error.
	calls   map[string]string
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
	actApplyPlanning // asking AWS what would change
	actApplyConfirm  // showing the change, asking to go ahead
	actApplying
	actApplied
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
	c := textinput.New()
	c.CharLimit = 300
	return &actionStep{path: p, pane: viewport.New(), confirm: c, spin: spinner.New(spinner.WithSpinner(spinner.Dot))}
}

// busy reports whether an apply is running (ctrl+c then cancels it).
func (m *actionStep) busy() bool { return m.mode == actApplying }

// interrupt cancels a running apply; it removes what it created.
func (m *actionStep) interrupt(s *session) {
	if m.cancel != nil {
		m.cancel()
		s.status = s.styles.Warning.Render("cancelling: removing what this run created…")
	}
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
	case changesMsg:
		if msg.err != nil {
			m.mode, m.message = actMenu, s.styles.Error.Render("✗ "+msg.err.Error())
			return stay(), nil
		}
		m.changes, m.mode = msg.ch, actApplyConfirm
		m.confirm.SetValue("")
		if msg.ch.Empty() {
			m.mode = actApplied
			m.outcome = msg.ch.Lines()
			return stay(), nil
		}
		return stay(), m.confirm.Focus()
	case appliedMsg:
		m.cancel = nil
		m.mode = actApplied
		m.outcome = nil
		if msg.err != nil {
			m.outcome = append([]string{s.styles.Error.Render("✗ apply failed")}, strings.Split(msg.err.Error(), "\n")...)
			return stay(), nil
		}
		for _, g := range msg.res.Groups {
			m.outcome = append(m.outcome, s.styles.OK.Render("✓ ")+g.Verb()+" "+g.ID+" "+g.Name, s.styles.Muted.Render(g.Console))
		}
		m.outcome = append(m.outcome, fmt.Sprintf("done in %d call(s)", msg.res.Calls))
		return stay(), nil
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
		if m.mode != actApplying && m.mode != actApplyPlanning {
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

// startApply asks AWS what applying would change.
func (m *actionStep) startApply(s *session) tea.Cmd {
	if s.cloud == nil {
		m.message = s.styles.Warning.Render("Apply needs AWS: "+s.awsErr) +
			"\nTo try it without an account: sgwiz --sandbox. Or export Terraform, CloudFormation or an AWS CLI script."
		return nil
	}
	p, err := s.plan()
	if err != nil {
		m.message = s.styles.Error.Render("✗ " + firstLine(err.Error()))
		return nil
	}
	m.mode, m.message = actApplyPlanning, ""
	return tea.Batch(m.spin.Tick, planChanges(s.cloud, p))
}

// confirmName is the group name to type instead of y, and why: a group
// the plan found by name and did not create would lose rules, or the plan
// has a high finding. "" when y will do.
func confirmName(s *session, ch aws.Changes) (name, why string) {
	if r := ch.Replaces(); len(r) > 0 {
		g := r[0]
		return g.Name, fmt.Sprintf("%s (%s) was not made by this plan and would lose %d rule(s)", g.Name, g.ID, len(g.Remove[0])+len(g.Remove[1]))
	}
	p, err := s.plan()
	if err != nil || len(p.Groups) == 0 {
		return "", ""
	}
	if sev, ok := model.HighestSeverity(p.Check()); ok && sev >= model.High {
		return p.Groups[0].Name, "High findings"
	}
	return "", ""
}

func (m *actionStep) key(s *session, k tea.KeyPressMsg) (nav, tea.Cmd) {
	switch m.mode {
	case actMenu:
		switch {
		case key.Matches(k, keyBack):
			return back(), nil
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
				return stay(), m.startApply(s)
			case 3:
				return quit(), nil
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
	case actApplyConfirm:
		if k.String() == "esc" {
			m.mode = actMenu
			return stay(), nil
		}
		if k.String() == "enter" {
			want, _ := confirmName(s, m.changes)
			ok := strings.EqualFold(strings.TrimSpace(m.confirm.Value()), "y") && want == ""
			if want != "" {
				ok = strings.TrimSpace(m.confirm.Value()) == want
			}
			if !ok {
				m.message = s.styles.Error.Render("✗ not applied: type exactly what is asked, or esc")
				return stay(), nil
			}
			ctx, cancel := context.WithCancel(context.Background())
			m.cancel, m.mode, m.message = cancel, actApplying, ""
			m.calls = map[string]string{}
			return stay(), tea.Batch(m.spin.Tick, applyChanges(ctx, s.cloud, m.changes))
		}
		var cmd tea.Cmd
		m.confirm, cmd = m.confirm.Update(k)
		return stay(), cmd
	case actApplied:
		if key.Matches(k, keyBack, keySelect) {
			m.mode, m.cursor = actMenu, 0
		}
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
				if i == 2 && s.cloud == nil {
					c += st.Muted.Render("  (needs AWS)")
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
	case actApplyPlanning:
		b.WriteString("\n" + m.spin.View() + " asking AWS what would change (" + s.awsLine() + ")\n")
	case actApplyConfirm, actApplying:
		b.WriteString("\n" + st.Subtitle.Render("Apply to "+m.changes.Region+", "+m.changes.VPC) + "\n")
		if m.mode == actApplying {
			// A spinner per call while it runs, then its outcome.
			b.WriteString("\n")
			for _, call := range m.changes.Calls() {
				switch state := m.calls[call]; state {
				case "":
					b.WriteString("  " + st.Muted.Render("· "+call) + "\n")
				case "run":
					b.WriteString("  " + m.spin.View() + " " + call + "\n")
				case "ok":
					b.WriteString("  " + st.OK.Render("✓") + " " + call + "\n")
				default:
					b.WriteString("  " + st.Error.Render("✗") + " " + call + ": " + state + "\n")
				}
			}
			b.WriteString(st.Muted.Render("ctrl+c cancels and removes what this run created") + "\n")
			break
		}
		lines := m.changes.Lines()
		room := max(3, height-8)
		if len(lines) > room {
			lines = append(lines[:room-1], fmt.Sprintf("… and %d more", len(lines)-room+1))
		}
		for _, l := range lines {
			b.WriteString("  " + l + "\n")
		}
		b.WriteString(st.Muted.Render(fmt.Sprintf("%d call(s): %s", len(m.changes.Calls()), strings.Join(m.changes.Calls(), "; "))) + "\n")
		if name, why := confirmName(s, m.changes); name != "" {
			m.confirm.Prompt = st.Warning.Render(why + ": type the group name " + name + " to apply anyway: ")
		} else {
			m.confirm.Prompt = "Apply these changes? type y and enter: "
		}
		b.WriteString("\n" + m.confirm.View() + "\n")
	case actApplied:
		b.WriteString("\n")
		for _, l := range m.outcome {
			b.WriteString(l + "\n")
		}
		b.WriteString("\n" + st.Muted.Render("enter: back to the menu") + "\n")
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
		return []key.Binding{keyUp, keyScroll, keySave, keyCopy, keyBack}
	case actPath, actApplyConfirm:
		return []key.Binding{keyNext, keyBack}
	case actApplied:
		return []key.Binding{keySelect}
	}
	return []key.Binding{keyUp, keySelect, keyBack}
}
