// Package wizard is sgwiz's terminal wizard: a Bubble Tea state machine
// from use case to review, export and saved plan.
//
//	m := wizard.New(wizard.Options{})
//	_, err := tea.NewProgram(m).Run()
//
// This file holds the step order and every transition; each step is a small
// model of its own in its own file. Steps never do I/O: they return a
// tea.Cmd (see commands.go) whose result comes back as a message.
package wizard

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/model"
	"github.com/sgwiz/sgwiz/ui"
)

// stepID names a step; the order of the constants is the wizard's order.
type stepID int

const (
	stepStart stepID = iota
	stepUseCase
	stepOptions // the use case's engine and app port, where it asks them
	stepServices
	stepSources
	stepEgress
	stepOutServices // under a custom egress policy: the outbound services
	stepOutSources  // … and their destinations
	stepDetails
	stepReview
	stepAction // what next: export, save the plan, apply
	stepExport // a sub-screen of stepAction
	stepApply  // a sub-screen of stepAction
	stepCount
)

var stepTitles = [stepCount]string{"Start", "Use case", "Options", "Services", "Sources", "Egress",
	"Outbound services", "Destinations", "Details", "Review", "Export / apply", "Export", "Apply"}

// The machine, in one place:
//   - on goes to the next step of the order that applies (skips), back to
//     the one before it;
//   - the action menu opens stepExport and stepApply (goTo); back from them
//     returns to the menu;
//   - opening a plan goes to the review; e on the review jumps to the
//     step that made the selected rule (jump).

// skips reports whether the answers leave a step out: the options of a
// use case that asks none, the outbound services under a preset egress
// policy, and the action menu's sub-screens, which only the menu opens.
func (s *session) skips(id stepID) bool {
	switch id {
	case stepOptions:
		return !s.useCase.AsksEngine && !s.useCase.AsksAppPort
	case stepOutServices:
		return s.egressChoice() != model.EgressCustom
	case stepOutSources:
		// The web-db policy asks where its database is.
		return s.egressChoice() != model.EgressCustom && s.egressChoice() != model.EgressWebDB
	case stepExport, stepApply:
		return true
	}
	return false
}

// route is the step after (or before) cur.
func route(cur stepID, k navKind, s *session) stepID {
	if k == navBack {
		if cur == stepExport || cur == stepApply {
			return stepAction
		}
		for prev := cur - 1; prev >= stepStart; prev-- {
			if !s.skips(prev) {
				return prev
			}
		}
		return cur
	}
	for next := cur + 1; next < stepCount; next++ {
		if !s.skips(next) {
			return next
		}
	}
	return cur
}

// position is the step's number on the current path and the path's
// length, for the header: "4/8".
func (s *session) position(cur stepID) (n, total int) {
	last := stepAction
	if cur > last {
		cur = last // the action's sub-screens count as the action
	}
	for id := stepStart; id <= last; id++ {
		if s.skips(id) {
			continue
		}
		total++
		if id <= cur {
			n++
		}
	}
	return n, total
}

// nav is what a step asks of the machine after a message: stay, go on,
// go back, quit, or go to a given step (opening a plan, review jumps).
// Which step "on" and "back" lead to is decided in route, below.
type nav struct {
	kind  navKind
	to    stepID
	focus focus // where the next step should put its cursor (review jumps)
}

type navKind uint8

const (
	navStay navKind = iota
	navNext
	navBack
	navTo
	navQuit    // quit, asking first when answers are unsaved
	navQuitNow // quit: asked already
)

// focus points at a selection: group, direction and index.
type focus struct {
	set   bool
	group int
	dir   model.Direction
	index int
}

func stay() nav                  { return nav{} }
func next() nav                  { return nav{kind: navNext} }
func back() nav                  { return nav{kind: navBack} }
func quit() nav                  { return nav{kind: navQuit} }
func goTo(s stepID) nav          { return nav{kind: navTo, to: s} }
func jump(s stepID, f focus) nav { f.set = true; return nav{kind: navTo, to: s, focus: f} }

// step is one screen of the wizard.
type step interface {
	// enter prepares the step each time it becomes current.
	enter(s *session, f focus) tea.Cmd
	update(s *session, msg tea.Msg) (nav, tea.Cmd)
	view(s *session, width, height int) string
	bindings() []key.Binding
}

// aside is a step that can show a screen of its own, off the path (the
// start screen's audit): its header title, without a step number, and
// its ? text; "" while it does not.
type aside interface {
	asideTitle(s *session) string
	asideExplainer() string
}

// session is what the steps share: the answers so far and the look.
type session struct {
	useCase model.UseCase
	draft   model.Draft
	// group is the group the services, sources and review steps show.
	group int
	// fromReview is set by a jump from the review (e): going on from the
	// step jumped to returns to the review at once.
	fromReview bool
	// asking is a question about unsaved answers, answered by the next key.
	asking *question
	// choice caches egressChoice; "" until asked after an edit.
	choice model.EgressPolicy
	// typed are the answers typed but not valid yet, by the model's field
	// (FieldOffice, FieldAppPort). While one is, no step shows an older
	// value of it: the steps show the text as typed, and plan refuses
	// with what is wrong with it.
	typed map[string]typedAnswer
	// dirty is set once the user has answered anything; saved once a
	// plan file holds the answers.
	dirty, saved bool
	styles       ui.Styles
	dark         bool
	status       string // a one-line message under the step, cleared on the next key
	// cloud is AWS (or the sandbox), nil when offline; where says which.
	cloud    Cloud
	where    string
	identity string // the account, once WhoAmI answers
	awsErr   string // why AWS is not usable, if it is not
	vpcs     []aws.VPC
	// groups (of every VPC) and lists (managed prefix lists) are the
	// region's, for the pickers; lookupErr says why they are not known.
	groups    []aws.GroupInfo
	lists     []aws.PrefixList
	lookupErr string
	// myIPURL answers with the caller's address (My IP).
	myIPURL string
	// book is the address book: named CIDR sets, typed @name.
	book model.AddressBook
	// users says who uses each existing group, by id, once looked up.
	users map[string]string
	// appliedGroups are the groups applied in this session, for Links.
	appliedGroups []aws.AppliedGroup
	// clock is Options.Clock.
	clock func() time.Time
	// helpCache holds the key help's lines by width, background and keys.
	helpCache map[string][]string
}

// awsLine says which AWS the wizard talks to, or that it is offline.
func (s *session) awsLine() string {
	switch {
	case s.cloud == nil:
		return "offline: " + s.awsErr
	case s.awsErr != "":
		return s.where + ": " + s.awsErr
	case s.identity == "":
		return s.where + ", checking the credentials…"
	}
	line := s.where + ", account " + s.identity
	if s.lookupErr != "" {
		line += "; no pickers: " + s.lookupErr
	}
	return line
}

// question asks before answers are lost: y carries out yes.
type question struct {
	text     string
	quitting bool // ctrl+c then quits too
	yes      func() (nav, tea.Cmd)
}

// ask puts a question to the person; the next key answers it.
func (s *session) ask(text string, quitting bool, yes func() (nav, tea.Cmd)) {
	s.asking = &question{text: text, quitting: quitting, yes: yes}
}

// unsaved reports whether answers would be lost: given, and not saved.
func (s *session) unsaved() bool { return s.dirty && !s.saved }

// edited marks the answers changed since the last save.
func (s *session) edited() {
	s.dirty, s.saved = true, false
	s.choice = ""
}

// egressChoice is the draft's egress policy (Draft.EgressChoice), kept
// until the next edit: for an imported plan it compares the groups with
// every policy, too slow for every keystroke of a large plan.
func (s *session) egressChoice() model.EgressPolicy {
	if s.choice == "" {
		s.choice = s.draft.EgressChoice()
	}
	return s.choice
}

// typedAnswer is an answer's field as typed, and what is wrong with it.
type typedAnswer struct{ text, err string }

// typing notes what field holds as typed: wrong as err says, or valid
// (err "") and so in the draft.
func (s *session) typing(field, text, err string) {
	if err == "" {
		delete(s.typed, field)
		return
	}
	if s.typed == nil {
		s.typed = map[string]typedAnswer{}
	}
	s.typed[field] = typedAnswer{text, err}
}

// plan is the draft's plan, or the error that keeps it from being one: a
// field typed but not valid yet first.
func (s *session) plan() (model.Plan, error) {
	for _, field := range []string{model.FieldOffice, model.FieldAppPort} {
		if t, ok := s.typed[field]; ok {
			return model.Plan{}, &model.FieldError{Field: field, Msg: t.err}
		}
	}
	return s.draft.Plan()
}

// fieldLabels say the model's fields as the wizard shows them.
var fieldLabels = map[string]string{
	model.FieldOffice: "Office / my IP", model.FieldEngine: "Database engine", model.FieldAppPort: "App port",
	model.FieldEgress: "Egress", model.FieldVPC: "VPC",
}

// wizardWords point to where the wizard takes an answer that a model text
// (a finding's fix, an error) points to: the key and the step, where the
// commands name a flag. A fix is read on the review, where e goes to the
// sources of the rule it is about.
var wizardWords = model.Wording{
	model.FieldOffice:    "e: its sources, then Office / my IP",
	model.RefGroupSource: "e: its sources, then tick the group or add its sg-…",
	model.RefTemporary:   "l on its service in the sources step",
	model.RefReplace:     "sgwiz attach --replace sg-… in a shell",
}

// inWords is an error's first line, with the model's field names said as
// the wizard's labels.
func inWords(err error) string {
	msg := firstLine(err.Error())
	for field, label := range fieldLabels {
		if rest, ok := strings.CutPrefix(msg, field+": "); ok {
			return label + ": " + rest
		}
	}
	// A group's rules: "web.egress: …" is "web, outbound: …".
	if field, rest, ok := strings.Cut(msg, ": "); ok {
		for _, d := range []model.Direction{model.Ingress, model.Egress} {
			if group, isDir := strings.CutSuffix(field, "."+d.String()); isDir {
				return group + ", " + strings.ToLower(d.Title()) + ": " + rest
			}
		}
	}
	return msg
}

// Options start the wizard.
type Options struct {
	// Plan, when set, opens the wizard at the review of this plan.
	Plan *model.Plan
	// Cloud is the AWS account (or sandbox) to apply to; nil is offline.
	Cloud Cloud
	// Where describes Cloud ("profile dev, region eu-west-1", "sandbox").
	Where string
	// Offline says why there is no Cloud, for the start screen.
	Offline string
	// MyIPURL answers with the caller's public address as text, for My IP
	// (default aws.DefaultMyIPURL).
	MyIPURL string
	// Book is the address book (the config file's named CIDR sets).
	Book model.AddressBook
	// Clock, when set, is the time (tests give one); else time.Now.
	Clock func() time.Time
}

// now is the session's clock.
func (s *session) now() time.Time {
	if s.clock != nil {
		return s.clock()
	}
	return time.Now()
}

// Model is the whole wizard.
type Model struct {
	cur           stepID
	steps         [stepCount]step
	s             *session
	width, height int
	explain       bool
	help          help.Model
}

// New returns the wizard, at the start or at the review of opts.Plan.
func New(opts Options) Model {
	s := &session{styles: ui.NewStyles(true), dark: true, cloud: opts.Cloud, where: opts.Where, awsErr: opts.Offline, myIPURL: opts.MyIPURL, book: opts.Book, clock: opts.Clock}
	if s.myIPURL == "" {
		s.myIPURL = aws.DefaultMyIPURL
	}
	if s.cloud == nil && s.awsErr == "" {
		s.awsErr = "no AWS connection; the wizard, exports and plan files work without one (try --sandbox)"
	}
	m := Model{s: s, width: 80, height: 24, help: help.New()}
	m.help.Styles = s.styles.Help
	m.steps = [stepCount]step{
		stepStart:       newStart(),
		stepUseCase:     newUseCase(),
		stepOptions:     newOptions(),
		stepServices:    newServices(model.Ingress),
		stepSources:     newSources(model.Ingress),
		stepEgress:      newEgress(),
		stepOutServices: newServices(model.Egress),
		stepOutSources:  newSources(model.Egress),
		stepDetails:     newDetails(),
		stepReview:      newReview(),
		stepAction:      newAction(),
		stepExport:      newExport(),
		stepApply:       newApply(),
	}
	if opts.Plan != nil {
		s.openPlan(*opts.Plan)
		m.cur = stepReview
		m.steps[stepReview].enter(s, focus{})
	} else {
		m.steps[stepStart].enter(s, focus{})
	}
	return m
}

// openPlan makes a loaded plan the session's draft, as it was made.
func (s *session) openPlan(p model.Plan) {
	s.draft, s.choice, s.typed = model.DraftFromPlan(p), "", nil
	s.setPrefixLists(s.lists)
	s.useCase, _ = model.LookupUseCase(p.UseCase)
	if s.useCase.ID == "" {
		s.useCase, _ = model.LookupUseCase("custom")
	}
	s.group = 0
	s.saved = true
}

// Init asks the terminal for its background colour, and AWS who we are
// and which VPCs there are.
func (m Model) Init() tea.Cmd {
	if m.s.cloud == nil {
		return tea.RequestBackgroundColor
	}
	return tea.Batch(tea.RequestBackgroundColor, whoAmI(m.s.cloud), listVPCs(m.s.cloud), listGroups(m.s.cloud), listPrefixLists(m.s.cloud))
}

// Update routes a message: global keys first, then the current step.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = max(msg.Width, 20), max(msg.Height, 8)
		return m, nil
	case tea.BackgroundColorMsg:
		m.s.dark = msg.IsDark()
		m.s.styles = ui.NewStyles(m.s.dark)
		m.help.Styles = m.s.styles.Help
		return m, nil
	case tea.InterruptMsg:
		return m, tea.Quit
	case identityMsg:
		if msg.err != nil {
			m.s.awsErr = firstLine(msg.err.Error())
		} else {
			m.s.identity = msg.id.Account
		}
		return m, nil
	case vpcsMsg:
		m.s.vpcs = msg.vpcs
		return m, nil
	case usersMsg:
		if m.s.users == nil {
			m.s.users = map[string]string{}
		}
		maps.Copy(m.s.users, msg.users)
		return m, nil
	case groupsMsg:
		if msg.err != nil {
			m.s.lookupErr = firstLine(msg.err.Error())
		} else {
			m.s.groups = msg.groups
		}
		return m, nil
	case listsMsg:
		if msg.err != nil {
			m.s.lookupErr = firstLine(msg.err.Error())
		} else {
			m.s.setPrefixLists(msg.lists)
		}
		return m, nil
	case myIPMsg:
		// The office field of the step that asked; the inbound one if the
		// person has moved on (the next step shows the draft's office).
		target := stepSources
		if _, ok := m.steps[m.cur].(*sourcesStep); ok {
			target = m.cur
		}
		_, cmd := m.steps[target].update(m.s, msg)
		return m, cmd
	case tea.KeyPressMsg:
		m.s.status = ""
		if q := m.s.asking; q != nil {
			// A question about unsaved answers: y goes ahead.
			m.s.asking = nil
			switch msg.String() {
			case "y", "Y":
				return m.follow(q.yes())
			case "ctrl+c":
				if q.quitting {
					return m, tea.Quit
				}
			}
			return m, nil
		}
		switch {
		case key.Matches(msg, keyQuit) && m.cur == stepApply && m.steps[stepApply].(*applyStep).busy():
			m.steps[stepApply].(*applyStep).interrupt(m.s)
			return m, nil
		case key.Matches(msg, keyQuit):
			return m.follow(quit(), nil)
		case key.Matches(msg, keyExplain):
			m.explain = !m.explain
			return m, nil
		}
	}
	return m.follow(m.steps[m.cur].update(m.s, msg))
}

// follow carries out what a step asked: stay, quit (asking first when
// answers are unsaved), or go to the next, previous or a given step.
func (m Model) follow(n nav, cmd tea.Cmd) (tea.Model, tea.Cmd) {
	switch n.kind {
	case navStay:
		return m, cmd
	case navQuit:
		if m.s.unsaved() {
			m.s.ask("Discard your answers and quit?", true, func() (nav, tea.Cmd) { return nav{kind: navQuitNow}, nil })
			return m, cmd
		}
		return m, tea.Batch(cmd, tea.Quit)
	case navQuitNow:
		return m, tea.Batch(cmd, tea.Quit)
	case navNext, navBack:
		n.to = route(m.cur, n.kind, m.s)
		if m.s.fromReview && m.cur != stepReview {
			// An edit from the review goes back to it with enter or esc.
			n.to = stepReview
		}
	}
	m.s.fromReview = m.cur == stepReview && n.kind == navTo && n.to < stepReview
	m.cur = n.to
	return m, tea.Batch(cmd, m.steps[m.cur].enter(m.s, n.focus))
}

// View draws the header, the step, the explainer and the key help.
func (m Model) View() tea.View {
	st := m.s.styles
	w := m.width
	title := stepTitles[m.cur]
	n, total := m.s.position(m.cur)
	header := st.Title.Render("sgwiz") + st.Muted.Render(fmt.Sprintf(" · %d/%d ", n, total)) + st.Subtitle.Render(title)
	if m.s.useCase.ID != "" && m.cur > stepUseCase {
		header += st.Muted.Render(" · " + m.s.useCase.Title)
	}
	explainer := explainers[m.cur]
	if a, ok := m.steps[m.cur].(aside); ok && a.asideTitle(m.s) != "" {
		header = st.Title.Render("sgwiz") + st.Muted.Render(" · ") + st.Subtitle.Render(a.asideTitle(m.s))
		explainer = a.asideExplainer()
	}
	header = ui.Fit(header, w)
	var foot []string
	if m.explain {
		foot = append(foot, st.Explainer.Width(w).Render(explainer))
	}
	if m.s.status != "" {
		foot = append(foot, wrapText(m.s.status, w)...)
	}
	if q := m.s.asking; q != nil {
		foot = append(foot, wrapped("", q.text+" y: yes · any other key: no", w, st.Warning)...)
	}
	foot = append(foot, m.helpLines(m.s.usable(m.steps[m.cur].bindings()), w)...)
	footer := strings.Join(foot, "\n")
	bodyHeight := max(3, m.height-1-lipgloss.Height(footer))
	body := m.steps[m.cur].view(m.s, w, bodyHeight)
	body = clip(body, bodyHeight)
	// No line may wrap: a wrapped line would push the header off screen.
	lines := strings.Split(header+"\n"+body+"\n"+footer, "\n")
	for i, l := range lines {
		if lipgloss.Width(l) > w {
			lines[i] = ansi.Truncate(l, w, "…")
		}
	}
	v := tea.NewView(strings.Join(lines, "\n"))
	v.AltScreen = true
	v.WindowTitle = "sgwiz"
	return v
}

// helpLines is the key help in as few lines as fit the width, the
// step's keys before the global ones: no key is cut off.
func (m Model) helpLines(step []key.Binding, w int) []string {
	// The same keys at the same width draw the same lines: keep them, as
	// measuring them is most of a keystroke's work on a small screen.
	var id strings.Builder
	id.WriteString(fmt.Sprint(w, m.s.dark))
	for _, b := range step {
		id.WriteString("|" + b.Help().Key + " " + b.Help().Desc)
	}
	if lines, ok := m.s.helpCache[id.String()]; ok {
		return lines
	}
	lines := m.measureHelp(step, w)
	if m.s.helpCache == nil {
		m.s.helpCache = map[string][]string{}
	}
	m.s.helpCache[id.String()] = lines
	return lines
}

func (m Model) measureHelp(step []key.Binding, w int) []string {
	m.help.SetWidth(0) // measure lines whole
	global := []key.Binding{keyExplain, keyQuit}
	all := append(append([]key.Binding(nil), step...), global...)
	fits := func(bs []key.Binding) bool { return lipgloss.Width(m.help.ShortHelpView(bs)) <= w }
	switch {
	case fits(all):
		return []string{m.help.ShortHelpView(all)}
	case fits(step):
		return []string{m.help.ShortHelpView(step), m.help.ShortHelpView(global)}
	}
	var lines []string
	start := 0
	for end := 2; end <= len(all); end++ {
		if !fits(all[start:end]) {
			lines = append(lines, m.help.ShortHelpView(all[start:end-1]))
			start = end - 1
		}
	}
	return append(lines, m.help.ShortHelpView(all[start:]))
}

// usable leaves out of a step's keys the ones that would do nothing:
// tab to the next group, while the plan has one group.
func (s *session) usable(kb []key.Binding) []key.Binding {
	if len(s.draft.Groups) > 1 {
		return kb
	}
	return slices.DeleteFunc(slices.Clone(kb), func(b key.Binding) bool { return b.Help() == keyGroup.Help() })
}

// clip pads or cuts s to exactly h lines, so the footer stays put.
func clip(s string, h int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// Plan returns the plan the answers make, for tests and callers.
func (m Model) Plan() (model.Plan, error) { return m.s.plan() }

// Step is the current step's title, for tests.
func (m Model) Step() string { return stepTitles[m.cur] }
