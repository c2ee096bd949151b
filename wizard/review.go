package wizard

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/sgwiz/sgwiz/model"
	"github.com/sgwiz/sgwiz/ui"
)

// reviewStep shows each group's rules in the console's columns, the
// findings, and the selected row in plain words; e jumps to the step that
// made a row or a finding.
type reviewStep struct {
	cursor int
	// cached for the current group; rebuilt by refresh
	plan     model.Plan
	err      error
	findings []model.Finding
	items    []reviewItem
	// version counts refreshes; cache is the rendered body for it.
	version int
	cache   *reviewBody
	// describing is set while the selected rule's description and tags
	// are typed; onTags says which field has the cursor.
	describing bool
	onTags     bool
	desc, tags textinput.Model
	descErr    string
}

// reviewItem is a selectable line: a rule or a finding of the group.
type reviewItem struct {
	dir     model.Direction
	index   int // rule index, or finding index when finding is set
	finding bool
}

func newReview() *reviewStep {
	return &reviewStep{desc: newInput("Description: ", "", model.MaxRuleDescriptionLen),
		tags: newInput("Tags:        ", "team=web, ticket=OPS-1", 4096)}
}

func (m *reviewStep) enter(s *session, f focus) tea.Cmd {
	m.refresh(s)
	if s.cloud == nil || m.err != nil {
		return nil
	}
	var ids []string
	for _, g := range m.plan.Groups {
		if _, known := s.users[g.ID]; g.ID != "" && !known {
			ids = append(ids, g.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	return lookUpUsers(s.cloud, ids)
}

func (m *reviewStep) refresh(s *session) {
	m.version++
	m.plan, m.err = s.plan()
	m.items, m.findings = nil, nil
	if m.err != nil || len(m.plan.Groups) == 0 {
		return
	}
	s.currentGroup()
	g := m.plan.Groups[s.group]
	for _, d := range []model.Direction{model.Ingress, model.Egress} {
		for i := range g.Rules(d) {
			m.items = append(m.items, reviewItem{dir: d, index: i})
		}
	}
	for _, f := range m.plan.Check() {
		if f.Group == g.Name {
			m.items = append(m.items, reviewItem{dir: f.Direction, index: len(m.findings), finding: true})
			m.findings = append(m.findings, f)
		}
	}
	m.cursor = min(m.cursor, max(0, len(m.items)-1))
}

func (m *reviewStep) update(s *session, msg tea.Msg) (nav, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return stay(), nil
	}
	if m.describing {
		return m.describe(s, k)
	}
	rule, isRule := m.selectedRule(s)
	switch {
	case isRule && key.Matches(k, keyDescribe):
		m.describing, m.onTags, m.descErr = true, false, ""
		m.desc.SetValue(rule.Description)
		m.desc.CursorEnd()
		m.tags.SetValue(rule.Tags.String())
		m.tags.CursorEnd()
		m.tags.Blur()
		return stay(), m.desc.Focus()
	case isRule && key.Matches(k, keyDelete):
		it := m.items[m.cursor]
		s.ask(fmt.Sprintf("Delete the %s rule %s?", strings.ToLower(it.dir.Title()), rule.Text(it.dir)), false, func() (nav, tea.Cmd) {
			if err := s.draft.RemoveRule(s.group, it.dir, it.index); err != nil {
				s.status = s.styles.Error.Render("✗ " + err.Error())
				return stay(), nil
			}
			s.edited()
			m.refresh(s)
			s.status = "deleted: " + rule.Text(it.dir)
			return stay(), nil
		})
		return stay(), nil
	case key.Matches(k, keyBack):
		return back(), nil
	case key.Matches(k, keyNext):
		if m.err != nil {
			s.status = s.styles.Error.Render("✗ fix this first: " + inWords(m.err))
			return stay(), nil
		}
		return next(), nil
	case key.Matches(k, keyUp, keyDown):
		m.cursor = moveCursor(k.String(), m.cursor, len(m.items))
	case key.Matches(k, keyGroup):
		s.nextGroup(k.String() == "shift+tab")
		m.cursor = 0
		m.refresh(s)
	case key.Matches(k, keyEdit):
		if len(m.items) == 0 {
			return goTo(stepServices), nil
		}
		return m.jump(s, m.items[m.cursor])
	}
	return stay(), nil
}

// selectedRule is the rule under the cursor, if a rule is.
func (m *reviewStep) selectedRule(s *session) (model.Rule, bool) {
	if m.err != nil || len(m.items) == 0 || m.items[m.cursor].finding {
		return model.Rule{}, false
	}
	it := m.items[m.cursor]
	return m.plan.Groups[s.group].Rules(it.dir)[it.index], true
}

// describe handles the keys while a rule's description and tags are
// typed: tab (or up/down) moves between the two, enter keeps both (each
// checked as AWS checks it), esc leaves the rule as it was.
func (m *reviewStep) describe(s *session, k tea.KeyPressMsg) (nav, tea.Cmd) {
	switch k.String() {
	case "esc":
		m.describing, m.descErr = false, ""
		m.desc.Blur()
		m.tags.Blur()
		return stay(), nil
	case "tab", "shift+tab", "up", "down":
		m.onTags, m.descErr = !m.onTags, ""
		if m.onTags {
			m.desc.Blur()
			return stay(), m.tags.Focus()
		}
		m.tags.Blur()
		return stay(), m.desc.Focus()
	case "enter":
		it := m.items[m.cursor]
		rule := m.plan.Groups[s.group].Rules(it.dir)[it.index]
		tags, err := model.ParseTags(m.tags.Value())
		if err == nil {
			err = model.ValidateRuleTags(tags)
		}
		if err != nil {
			m.descErr, m.onTags = "tags: "+wizardWords.Error(err), true
			m.desc.Blur()
			return stay(), m.tags.Focus()
		}
		if err := model.ValidateRuleDescription(m.desc.Value()); err != nil {
			m.descErr, m.onTags = err.Error(), false
			m.tags.Blur()
			return stay(), m.desc.Focus()
		}
		// Only what changed is set: a description of its own takes the
		// rule out of the selection that made it (which may follow the
		// engine or the app port); tags do not.
		if model.NewTags(tags...) != rule.Tags {
			if err := s.draft.SetRuleTags(s.group, it.dir, it.index, tags); err != nil {
				m.descErr = err.Error()
				return stay(), nil
			}
		}
		if m.desc.Value() != rule.Description {
			if err := s.draft.SetRuleDescription(s.group, it.dir, it.index, m.desc.Value()); err != nil {
				m.descErr = err.Error()
				return stay(), nil
			}
		}
		m.describing, m.descErr = false, ""
		m.desc.Blur()
		m.tags.Blur()
		s.edited()
		m.refresh(s)
		m.selectKey(s, it.dir, rule.Key())
		return stay(), nil
	}
	var cmd tea.Cmd
	if m.onTags {
		m.tags, cmd = m.tags.Update(k)
	} else {
		m.desc, cmd = m.desc.Update(k)
	}
	m.descErr = ""
	return stay(), cmd
}

// selectKey puts the cursor on the rule with key k, wherever it is now.
func (m *reviewStep) selectKey(s *session, dir model.Direction, k model.RuleKey) {
	rules := m.plan.Groups[s.group].Rules(dir)
	for i, it := range m.items {
		if !it.finding && it.dir == dir && rules[it.index].Key() == k {
			m.cursor = i
			return
		}
	}
}

// jump goes to the step that made the item: the sources of an inbound
// rule's service, the egress policy of an outbound rule, the details for
// a group-wide finding.
func (m *reviewStep) jump(s *session, it reviewItem) (nav, tea.Cmd) {
	dir, index := it.dir, it.index
	if it.finding {
		f := m.findings[it.index]
		if f.Index < 0 {
			return goTo(stepDetails), nil
		}
		dir, index = f.Direction, f.Index
	}
	to := stepSources
	if dir == model.Egress {
		if s.skips(stepOutSources) {
			return goTo(stepEgress), nil // a policy's rules: choose another
		}
		to = stepOutSources
	}
	sel := s.draft.SelectionOf(s.group, dir, index)
	return jump(to, focus{group: s.group, dir: dir, index: sel}), nil
}

// reviewBody is the rendered tables and findings of one group at one
// width, kept until the plan, the group or the width changes, so that a
// keystroke only re-marks the selected line.
type reviewBody struct {
	group, width, version int
	lines                 []string
	// itemLine[i] is the line of item i; rowText[i] its unmarked row text.
	itemLine []int
	rowText  []string
	// findingSel are the findings' first lines when selected.
	findingSel []string
}

func (m *reviewStep) body(s *session, width int) *reviewBody {
	if c := m.cache; c != nil && c.group == s.group && c.width == width && c.version == m.version {
		return c
	}
	st := s.styles
	g := m.plan.Groups[s.group]
	c := &reviewBody{group: s.group, width: width, version: m.version}
	for _, d := range []model.Direction{model.Ingress, model.Egress} {
		c.lines = append(c.lines, st.Subtitle.Render(d.Title()+" rules")+"  "+ui.QuotaLine(st, m.plan, g.Rules(d)))
		head, rows := ui.RuleRows(st, d, g.Rules(d), width, s.book)
		c.lines = append(c.lines, head)
		for i, row := range rows {
			if i < len(g.Rules(d)) {
				c.itemLine = append(c.itemLine, len(c.lines))
				c.rowText = append(c.rowText, row)
			}
			c.lines = append(c.lines, ui.Row(st, row, false))
		}
	}
	if len(m.findings) == 0 {
		c.lines = append(c.lines, "", st.OK.Render("✓ No findings for "+g.Name+"."))
	} else {
		c.lines = append(c.lines, "", st.Subtitle.Render(fmt.Sprintf("Findings for %s (%d)", g.Name, len(m.findings))))
		for _, f := range m.findings {
			f.Fix = f.FixIn(wizardWords) // the key that does it, not the flag
			c.itemLine = append(c.itemLine, len(c.lines))
			c.rowText = append(c.rowText, "")
			c.findingSel = append(c.findingSel, strings.SplitN(ui.Finding(st, f, width, true), "\n", 2)[0])
			c.lines = append(c.lines, strings.Split(ui.Finding(st, f, width, false), "\n")...)
		}
	}
	m.cache = c
	return c
}

func (m *reviewStep) view(s *session, width, height int) string {
	st := s.styles
	if m.err != nil {
		lines := []string{"", st.Error.Render("The answers do not make a valid plan yet:")}
		for l := range strings.SplitSeq(m.err.Error(), "\n") {
			lines = append(lines, wrapped("", inWords(errors.New(l)), width, lipgloss.NewStyle())...)
		}
		return strings.Join(append(lines, "", st.Muted.Render("esc: go back and fix it")), "\n")
	}
	g := m.plan.Groups[s.group]
	head := []string{groupTabs(s, width)}
	if u := s.users[g.ID]; g.ID != "" && u != "" {
		head = append(head, wrapped("", g.ID+" is "+u, width, st.Muted)...)
	}
	// The plain-words readout of the selected line stays on screen.
	readout := st.Muted.Render("No rules: nothing can reach this group, and it reaches nothing.")
	if len(m.items) > 0 {
		it := m.items[m.cursor]
		if it.finding {
			f := m.findings[it.index]
			readout = st.Severity(f.Severity).Render(strings.ToUpper(f.Severity.String())) + " " + f.Why
		} else {
			r := g.Rules(it.dir)[it.index]
			readout = ui.Readout(g.Role.Subject(), it.dir, r) + ruleNote(s, m.plan, r)
			if !r.Tags.IsZero() {
				readout += " Tagged " + r.Tags.String() + "."
			}
		}
	}
	head = append(head, st.Explainer.Width(width-1).Render(readout))
	if m.describing {
		m.desc.SetWidth(max(10, width-16))
		m.tags.SetWidth(max(10, width-16))
		s.styled(&m.desc, &m.tags)
		head = append(head, m.desc.View(), m.tags.View())
		switch {
		case m.descErr != "":
			head = append(head, wrapped("", "✗ "+m.descErr, width, st.Error)...)
		case m.onTags:
			head = append(head, wrapped("", "KEY=VALUE, separated by commas; the call that adds the rule sets them", width, st.Muted)...)
		default:
			head = append(head, wrapped("", "up to 255 of: letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*", width, st.Muted)...)
		}
	}

	c := m.body(s, width)
	cursorLine := 0
	var marked string
	if len(m.items) > 0 {
		cursorLine = c.itemLine[m.cursor]
		if it := m.items[m.cursor]; it.finding {
			marked = c.findingSel[it.index]
		} else {
			marked = ui.Row(st, c.rowText[m.cursor], true)
		}
	}
	rows := max(1, height-lipglossHeight(head))
	first := scrollStart(cursorLine, len(c.lines), rows)
	end := min(len(c.lines), first+rows)
	out := append(head, c.lines[first:end]...)
	if len(m.items) > 0 && cursorLine >= first && cursorLine < end {
		out[len(head)+cursorLine-first] = marked
	}
	return strings.Join(out, "\n")
}

// ruleNote adds what the rule's peer is beyond its address: its name in
// the address book, or what a prefix list counts for in the quota.
func ruleNote(s *session, p model.Plan, r model.Rule) string {
	switch {
	case r.Peer.IsCIDR() && s.book.NameOf(r.Peer.Prefix()) != "":
		return fmt.Sprintf(" %s is @%s in your address book.", r.Peer, s.book.NameOf(r.Peer.Prefix()))
	case r.Peer.Kind() == model.PeerPrefixList:
		if size, ok := p.PrefixLists[r.Peer.Ref()]; ok {
			return fmt.Sprintf(" %s counts %d against the quota (an account list counts its maximum entries, AWS's their weight), whatever it holds now.", r.Peer.Ref(), size.Weight)
		}
		return fmt.Sprintf(" %s counts as many rules as its maximum entries (or AWS's weight); connect to AWS to see how many.", r.Peer.Ref())
	}
	return ""
}

func lipglossHeight(lines []string) int {
	return strings.Count(strings.Join(lines, "\n"), "\n") + 1
}

func (m *reviewStep) bindings() []key.Binding {
	if m.describing {
		return []key.Binding{keyKeep, keyField, keyCancel}
	}
	return []key.Binding{keyUp, keyEdit, keyDescribe, keyDelete, keyNext, keyBack, keyGroup}
}
