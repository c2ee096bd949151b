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
	"strings"

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
	stepServices
	stepSources
	stepEgress
	stepDetails
	stepReview
	stepAction
	stepCount
)

var stepTitles = [stepCount]string{"Start", "Use case", "Services", "Sources", "Egress", "Details", "Review", "Export / apply"}

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
	navQuit
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

// route is the wizard's order: the step after (or before) cur. Under a
// custom egress policy the services and sources steps run a second time
// for the outbound services, between egress and details.
func route(cur stepID, k navKind, s *session) stepID {
	outbound := s.dir == model.Egress
	if k == navBack {
		switch {
		case cur == stepServices && outbound:
			return stepEgress
		case cur == stepDetails && outbound:
			return stepSources
		case cur == stepStart:
			return stepStart
		}
		return cur - 1
	}
	switch {
	case cur == stepEgress && outbound:
		return stepServices
	case cur == stepSources && outbound:
		return stepDetails
	case cur == stepAction:
		return stepAction
	}
	return cur + 1
}

// step is one screen of the wizard.
type step interface {
	// enter prepares the step each time it becomes current.
	enter(s *session, f focus) tea.Cmd
	update(s *session, msg tea.Msg) (nav, tea.Cmd)
	view(s *session, width, height int) string
	bindings() []key.Binding
}

// session is what the steps share: the answers so far and the look.
type session struct {
	useCase model.UseCase
	draft   model.Draft
	// inputs are the answers the draft was made from; egress changes and
	// use-case changes rebuild from them.
	inputs model.Inputs
	// group is the group the services, sources and review steps show;
	// dir says whether they edit its inbound services or, for a custom
	// egress policy, its outbound ones.
	group int
	dir   model.Direction
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
	return s.where + ", account " + s.identity
}

// selections are the services the editing steps change: the current
// group's inbound ones, or its outbound ones under a custom egress policy.
func (s *session) selections() *[]model.Selection {
	g := s.currentGroup()
	if g == nil {
		return nil
	}
	if s.dir == model.Egress {
		return &g.Egress
	}
	return &g.Ingress
}

// plan is the draft's plan, or the error that keeps it from being one.
func (s *session) plan() (model.Plan, error) { return s.draft.Plan() }

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
}

// Model is the whole wizard.
type Model struct {
	cur           stepID
	steps         [stepCount]step
	s             *session
	width, height int
	explain       bool
	confirmQuit   bool
	help          help.Model
}

// New returns the wizard, at the start or at the review of opts.Plan.
func New(opts Options) Model {
	s := &session{styles: ui.NewStyles(true), dark: true, cloud: opts.Cloud, where: opts.Where, awsErr: opts.Offline}
	if s.cloud == nil && s.awsErr == "" {
		s.awsErr = "no AWS connection; the wizard, exports and plan files work without one (try --sandbox)"
	}
	m := Model{s: s, width: 80, height: 24, help: help.New()}
	m.steps = [stepCount]step{
		stepStart:    newStart(),
		stepUseCase:  newUseCase(),
		stepServices: newServices(),
		stepSources:  newSources(),
		stepEgress:   newEgress(),
		stepDetails:  newDetails(),
		stepReview:   newReview(),
		stepAction:   newAction(),
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

// openPlan makes a loaded plan the session's draft.
func (s *session) openPlan(p model.Plan) {
	s.draft = model.DraftFromPlan(p)
	s.useCase, _ = model.LookupUseCase(p.UseCase)
	if s.useCase.ID == "" {
		s.useCase, _ = model.LookupUseCase("custom")
	}
	s.inputs = model.Inputs{Name: s.useCase.DefaultName()}
	s.group = 0
	s.saved = true
}

// Init asks the terminal for its background colour, and AWS who we are
// and which VPCs there are.
func (m Model) Init() tea.Cmd {
	if m.s.cloud == nil {
		return tea.RequestBackgroundColor
	}
	return tea.Batch(tea.RequestBackgroundColor, whoAmI(m.s.cloud), listVPCs(m.s.cloud))
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
		m.help.Styles = help.DefaultStyles(m.s.dark)
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
	case tea.KeyPressMsg:
		m.s.status = ""
		if m.confirmQuit {
			m.confirmQuit = false
			switch msg.String() {
			case "y", "Y", "ctrl+c":
				return m, tea.Quit
			}
			return m, nil
		}
		switch {
		case key.Matches(msg, keyQuit) && m.cur == stepAction && m.steps[stepAction].(*actionStep).busy():
			m.steps[stepAction].(*actionStep).interrupt(m.s)
			return m, nil
		case key.Matches(msg, keyQuit):
			if m.s.dirty && !m.s.saved {
				m.confirmQuit = true
				return m, nil
			}
			return m, tea.Quit
		case key.Matches(msg, keyExplain):
			m.explain = !m.explain
			return m, nil
		}
	}
	n, cmd := m.steps[m.cur].update(m.s, msg)
	switch n.kind {
	case navStay:
		return m, cmd
	case navQuit:
		return m, tea.Batch(cmd, tea.Quit)
	case navNext, navBack:
		n.to = route(m.cur, n.kind, m.s)
	}
	m.cur = n.to
	return m, tea.Batch(cmd, m.steps[m.cur].enter(m.s, n.focus))
}

// View draws the header, the step, the explainer and the key help.
func (m Model) View() tea.View {
	st := m.s.styles
	w := m.width
	title := stepTitles[m.cur]
	if m.s.dir == model.Egress && (m.cur == stepServices || m.cur == stepSources) {
		title = map[stepID]string{stepServices: "Outbound services", stepSources: "Destinations"}[m.cur]
	}
	header := st.Title.Render("sgwiz") + st.Muted.Render(fmt.Sprintf(" · %d/%d ", int(m.cur)+1, int(stepCount))) + st.Subtitle.Render(title)
	if m.s.useCase.ID != "" && m.cur > stepUseCase {
		header += st.Muted.Render(" · " + m.s.useCase.Title)
	}
	header = ui.Fit(header, w)
	var foot []string
	if m.explain {
		foot = append(foot, st.Explainer.Width(w).Render(explainers[m.cur]))
	}
	if m.s.status != "" {
		foot = append(foot, ui.Fit(m.s.status, w))
	}
	if m.confirmQuit {
		foot = append(foot, st.Warning.Render("Discard your answers and quit? y: quit · any other key: stay"))
	}
	m.help.SetWidth(w)
	bindings := append(m.steps[m.cur].bindings(), keyExplain, keyQuit)
	foot = append(foot, m.help.ShortHelpView(bindings))
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
