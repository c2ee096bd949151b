package wizard

import (
	"context"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/aws/awstest"
	"github.com/sgwiz/sgwiz/model"
)

func sandboxCloud(t *testing.T) (*aws.Client, *awstest.Server) {
	t.Helper()
	sb := awstest.NewServer()
	t.Cleanup(sb.Close)
	c, err := sb.Connect(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	return c, sb
}

// waitGroups waits until the sandbox holds n groups.
func waitGroups(t *testing.T, sb *awstest.Server, n int) []string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if g := sb.Handler().Groups(); len(g) == n {
			return g
		}
		if time.Now().After(deadline) {
			t.Fatalf("the sandbox holds %v, want %d groups", sb.Handler().Groups(), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestApplyFromTheWizard(t *testing.T) {
	c, sb := sandboxCloud(t)
	tm := program(t, New(Options{Cloud: c, Where: "sandbox"}))
	send(tm, "enter", "down", "down", "enter", "enter", "enter", "enter", "enter", "enter", "enter") // three-tier to the action
	send(tm, "down", "down", "enter")                                                                // Apply
	time.Sleep(300 * time.Millisecond)                                                               // the change list comes from AWS
	send(tm, "y", "enter")
	got := waitGroups(t, sb, 4)
	time.Sleep(200 * time.Millisecond)
	tm.Quit()
	final := tm.FinalModel(t, teatest.WithFinalTimeout(3*time.Second)).(Model)
	out := screen(final)
	if !strings.Contains(out, "created sg-") || !strings.Contains(final.View().Content, "console.aws.amazon.com") {
		t.Errorf("the result should list the ids and console links:\n%s", out)
	}
	if !strings.Contains(strings.Join(got, " "), "web-alb web-app web-db") {
		t.Errorf("groups: %v", got)
	}
	if !strings.Contains(out, "account 123456789012") && final.s.identity != "123456789012" {
		t.Errorf("the wizard should know the account: %q", final.s.identity)
	}
}

func TestApplyWithAHighFindingAsksForTheName(t *testing.T) {
	c, sb := sandboxCloud(t)
	tm := program(t, New(Options{Cloud: c, Where: "sandbox"}))
	// The web server with SSH open to the world (IPv4).
	send(tm, "enter", "enter", "enter", "203.0.113.10")
	for range 12 {
		send(tm, "down")
	}
	send(tm, "space", "enter", "enter", "enter", "enter", "down", "down", "enter")
	time.Sleep(300 * time.Millisecond)
	send(tm, "y", "enter") // not enough
	time.Sleep(200 * time.Millisecond)
	if g := sb.Handler().Groups(); len(g) != 1 {
		t.Fatalf("y applied a plan with a high finding: %v", g)
	}
	for range 3 {
		send(tm, "backspace")
	}
	send(tm, "web", "enter")
	waitGroups(t, sb, 2)
	tm.Quit()
	tm.WaitFinished(t, teatest.WithFinalTimeout(3*time.Second))
}

func TestEditAnExistingGroup(t *testing.T) {
	c, sb := sandboxCloud(t)
	// Create the three-tier groups first, then import the app group.
	tm := program(t, New(Options{Cloud: c, Where: "sandbox"}))
	send(tm, "enter", "down", "down", "enter", "enter", "enter", "enter", "enter", "enter", "enter", "down", "down", "enter")
	waitScreen(t, tm, "type y and enter")
	send(tm, "y", "enter")
	waitScreen(t, tm, "done in") // every rule is there, not only the groups
	waitGroups(t, sb, 4)
	tm.Quit()
	tm.WaitFinished(t, teatest.WithFinalTimeout(3*time.Second))
	imported, err := c.Import(context.Background(), appGroupID(t, c))
	if err != nil || len(imported.Groups) != 3 {
		t.Fatalf("import: %v %d", err, len(imported.Groups))
	}
	id := imported.Groups[0].ID
	tm = program(t, New(Options{Cloud: c, Where: "sandbox"}))
	send(tm, "down", "down", "enter", id, "enter")
	time.Sleep(400 * time.Millisecond)
	send(tm, "enter", "down", "down", "enter") // review → action → apply
	time.Sleep(400 * time.Millisecond)
	tm.Quit()
	final := tm.FinalModel(t, teatest.WithFinalTimeout(3*time.Second)).(Model)
	if out := screen(final); !strings.Contains(out, "no changes") {
		t.Errorf("an imported group applies as no change:\n%s", out)
	}
}

// appGroupID finds the app group's id: planning the same plan again
// finds each group by name.
func appGroupID(t *testing.T, c *aws.Client) string {
	t.Helper()
	u, _ := model.LookupUseCase("three-tier")
	plan, err := u.Build(model.Inputs{})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := c.Plan(context.Background(), plan)
	if err != nil {
		t.Fatal(err)
	}
	return ch.Groups[1].ID
}

// slow makes every mutating sandbox call take a while, to watch an apply.
func slow(sb *awstest.Server, d time.Duration) {
	sb.Handler().SetFaults(func(action string, _ int) (string, int) {
		if !strings.HasPrefix(action, "Describe") && action != "GetCallerIdentity" {
			time.Sleep(d)
		}
		return "", 0
	})
}

func TestApplyShowsEachCall(t *testing.T) {
	c, sb := sandboxCloud(t)
	tm := program(t, New(Options{Cloud: c, Where: "sandbox"}))
	send(tm, "enter", "down", "down", "enter", "enter", "enter", "enter", "enter", "enter", "enter", "down", "down", "enter")
	time.Sleep(300 * time.Millisecond)
	slow(sb, 400*time.Millisecond)
	send(tm, "y", "enter")
	time.Sleep(600 * time.Millisecond) // the creates are done, the rule calls run
	tm.Quit()
	final := tm.FinalModel(t, teatest.WithFinalTimeout(3*time.Second)).(Model)
	out := screen(final)
	if !strings.Contains(out, "✓ CreateSecurityGroup web-alb") || !strings.Contains(out, "AuthorizeSecurityGroupIngress web-app") {
		t.Errorf("the apply should show each call with its state:\n%s", out)
	}
}

func TestCtrlCDuringApplyRollsBack(t *testing.T) {
	c, sb := sandboxCloud(t)
	tm := program(t, New(Options{Cloud: c, Where: "sandbox"}))
	send(tm, "enter", "down", "down", "enter", "enter", "enter", "enter", "enter", "enter", "enter", "down", "down", "enter")
	time.Sleep(300 * time.Millisecond)
	slow(sb, 300*time.Millisecond)
	send(tm, "y", "enter")
	time.Sleep(450 * time.Millisecond) // the groups exist, their rules are on the way
	send(tm, "ctrl+c")
	deadline := time.Now().Add(10 * time.Second)
	for len(sb.Handler().Groups()) != 1 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond) // the rollback looks again after a pause
	tm.Quit()
	final := tm.FinalModel(t, teatest.WithFinalTimeout(3*time.Second)).(Model)
	if g := sb.Handler().Groups(); len(g) != 1 {
		t.Errorf("ctrl+c should remove what the run created, left %v", g)
	}
	out := screen(final)
	if !strings.Contains(out, "removed what this run created") || !strings.Contains(out, "apply cancelled, as you asked") {
		t.Errorf("the wizard should say it was cancelled and what it removed:\n%s", out)
	}
	if strings.Contains(out, "context canceled") || strings.Contains(out, "cancelling: removing") {
		t.Errorf("no Go error text, and no status left over once the work is done:\n%s", out)
	}
}

// TestApplyAsksByNameBeforeReplacingAnotherGroupsRules: a group named web
// exists already, made by another plan, with a rule the plan lacks; y is
// not enough to adopt it, the group's name is.
func TestApplyAsksByNameBeforeReplacingAnotherGroupsRules(t *testing.T) {
	c, _ := sandboxCloud(t)
	other := model.Plan{Name: "elsewhere", Groups: []model.Group{{Name: "web", Description: "made elsewhere", Egress: model.NewGroupEgress(false),
		Ingress: []model.Rule{{Protocol: model.TCP, Ports: model.Port(8080), Peer: model.AnyIPv4}}}}}
	ch, err := c.Plan(context.Background(), other)
	if err == nil {
		_, err = c.Apply(context.Background(), ch)
	}
	if err != nil {
		t.Fatal(err)
	}
	tm := program(t, New(Options{Cloud: c, Where: "sandbox"}))
	send(tm, "enter", "enter", "enter", "203.0.113.10")
	send(tm, "enter", "enter", "enter", "enter", "down", "down", "enter") // to the review, the action, Apply
	time.Sleep(400 * time.Millisecond)
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		out := strings.Join(strings.Fields(ansi.Strip(string(b))), " ")
		return strings.Contains(out, `was not made by this plan (sgwiz plan "elsewhere" (group "web") made it); applying adopts it`) &&
			strings.Contains(out, "Type the group name web to apply:")
	}, teatest.WithDuration(5*time.Second))
	send(tm, "y", "enter")
	time.Sleep(300 * time.Millisecond)
	if ch, _ := c.Plan(context.Background(), other); !ch.Empty() {
		t.Fatal("y replaced the rules of a group this plan did not create")
	}
	send(tm, "backspace", "web", "enter")
	deadline := time.Now().Add(5 * time.Second)
	for {
		if ch, _ := c.Plan(context.Background(), other); !ch.Empty() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("typing the group's name should apply")
		}
		time.Sleep(50 * time.Millisecond)
	}
	tm.Quit()
	tm.WaitFinished(t, teatest.WithFinalTimeout(3*time.Second))
}

// TestUseAGroupOnAnInstance: after apply, u lists the VPC's instances
// for the group that runs on them (the app's, not the load balancer's),
// enter shows the change on the chosen one's primary interface, y makes
// it; the instance keeps its other group.
func TestUseAGroupOnAnInstance(t *testing.T) {
	c, sb := sandboxCloud(t)
	h := sb.Handler()
	var def string
	for _, g := range mustGroups(t, c) {
		if g.Name == "default" {
			def = g.ID
		}
	}
	inst, eni := h.AddInstance("web-1", "running", def)
	tm := program(t, New(Options{Cloud: c, Where: "sandbox"}))
	send(tm, "enter", "down", "down", "enter", "enter", "enter", "enter", "enter", "enter", "enter") // three-tier to the action
	send(tm, "down", "down", "enter")
	time.Sleep(300 * time.Millisecond)
	send(tm, "y", "enter")
	waitGroups(t, sb, 4)
	time.Sleep(200 * time.Millisecond)
	send(tm, "u")
	// The app group first: the load balancer's never runs on an instance.
	waitScreen(t, tm, "Use web-app (")
	time.Sleep(300 * time.Millisecond)
	send(tm, "enter") // web-app on web-1
	time.Sleep(300 * time.Millisecond)
	send(tm, "y")
	deadline := time.Now().Add(3 * time.Second)
	for len(h.InterfaceGroups(eni)) != 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	tm.Quit()
	final := tm.FinalModel(t, teatest.WithFinalTimeout(3*time.Second)).(Model)
	out := screen(final)
	got := h.InterfaceGroups(eni)
	if len(got) != 2 || got[0] != def {
		t.Fatalf("web-1 keeps its group and gains web-app: %v\n%s", got, out)
	}
	var app string
	for _, g := range mustGroups(t, c) {
		if g.Name == "web-app" {
			app = g.ID
		}
	}
	if got[1] != app || !strings.Contains(out, "✓ "+eni+" ("+inst+")") || !strings.Contains(out, "after:  "+def+" (default), "+app+" (web-app)") {
		t.Errorf("the outcome says before and after:\n%s", out)
	}
}

func mustGroups(t *testing.T, c *aws.Client) []aws.GroupInfo {
	t.Helper()
	g, err := c.Groups(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestReviewSaysWhoUsesAGroup: an existing group opened for editing says,
// above its rules, which interfaces and instances carry it.
func TestReviewSaysWhoUsesAGroup(t *testing.T) {
	c, sb := sandboxCloud(t)
	var def string
	for _, g := range mustGroups(t, c) {
		if g.Name == "default" {
			def = g.ID
		}
	}
	inst, eni := sb.Handler().AddInstance("web-1", "running", def)
	tm := program(t, New(Options{Cloud: c, Where: "sandbox"}))
	send(tm, "down", "down", "enter", def, "enter")
	time.Sleep(500 * time.Millisecond)
	tm.Quit()
	final := tm.FinalModel(t, teatest.WithFinalTimeout(3*time.Second)).(Model)
	if out := strings.Join(strings.Fields(screen(final)), " "); !strings.Contains(out, def+" is used by 1 network interface(s): "+eni+" ("+inst+")") {
		t.Errorf("the review says who uses the group:\n%s", out)
	}
}

// settle runs cmd and feeds what it sends back to m, as the program
// would, leaving out ticks (a spinner would never settle).
func settle(m tea.Model, cmd tea.Cmd) tea.Model {
	if cmd == nil {
		return m
	}
	switch msg := cmd().(type) {
	case nil, spinner.TickMsg:
	case tea.BatchMsg:
		for _, c := range msg {
			m = settle(m, c)
		}
	default:
		var next tea.Cmd
		m, next = m.Update(msg)
		m = settle(m, next)
	}
	return m
}

// At 80×24 the web server with web-and-mail egress has more changes than
// the screen: every change and call can be scrolled to before y, and a
// marker says what is below.
func TestApplyConfirmationShowsEveryChange(t *testing.T) {
	c, _ := sandboxCloud(t)
	u, _ := model.LookupUseCase("web")
	p, err := u.Build(model.Inputs{Office: officeCIDR, Egress: model.EgressWebMail})
	if err != nil {
		t.Fatal(err)
	}
	var m tea.Model = New(Options{Cloud: c, Where: "sandbox", Plan: &p})
	m, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m = press(t, m, "enter", "down", "down") // review → action → Apply
	m, cmd := m.Update(specialKeys["enter"])
	m = settle(m, cmd)
	ap := m.(Model).steps[stepApply].(*applyStep)
	if ap.phase != applyConfirming {
		t.Fatalf("not asking to confirm:\n%s", screen(m))
	}
	first := screen(m)
	if !strings.Contains(first, "more line") || !strings.Contains(first, "below") {
		t.Errorf("a list longer than the screen says what is below:\n%s", first)
	}
	if strings.Contains(first, "… and") {
		t.Errorf("changes are hidden behind a count:\n%s", first)
	}
	var seen strings.Builder
	seen.WriteString(first)
	for range 40 {
		m = press(t, m, "down")
		seen.WriteString(screen(m))
	}
	last := screen(m)
	if strings.Contains(last, "below") || !strings.Contains(last, "above") {
		t.Errorf("at the end the marker says what is above, nothing below:\n%s", last)
	}
	flat := strings.Join(strings.Fields(seen.String()), " ")
	for _, l := range ap.changes.Lines() {
		if !strings.Contains(flat, strings.Join(strings.Fields(l), " ")) {
			t.Errorf("the change %q never shows", l)
		}
	}
	for _, call := range ap.changes.Calls() {
		if !strings.Contains(flat, call) {
			t.Errorf("the call %q never shows", call)
		}
	}
	m = press(t, m, "pgup", "pgup", "pgup")
	if got := screen(m); !strings.Contains(got, "Apply to") || got != first && !strings.Contains(got, "below") {
		t.Errorf("pgup goes back up:\n%s", got)
	}
	if !strings.Contains(last, "type y and enter") {
		t.Errorf("scrolled to the end, the prompt still shows:\n%s", last)
	}
}
