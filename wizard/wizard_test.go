package wizard

import (
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/sgwiz/sgwiz/model"
)

// keyMsg turns "enter", "shift+tab", "up", "space", … into a key press;
// any other string is typed rune by rune by the caller.
var specialKeys = map[string]tea.KeyPressMsg{
	"enter":     {Code: tea.KeyEnter},
	"esc":       {Code: tea.KeyEscape},
	"tab":       {Code: tea.KeyTab},
	"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift},
	"up":        {Code: tea.KeyUp},
	"down":      {Code: tea.KeyDown},
	"left":      {Code: tea.KeyLeft},
	"right":     {Code: tea.KeyRight},
	"space":     {Code: tea.KeySpace, Text: " "},
	"backspace": {Code: tea.KeyBackspace},
	"ctrl+c":    {Code: 'c', Mod: tea.ModCtrl},
	"pgdown":    {Code: tea.KeyPgDown},
	"pgup":      {Code: tea.KeyPgUp},
}

// press sends keys; a key not in specialKeys is typed as text.
func press(t testing.TB, m tea.Model, keys ...string) tea.Model {
	t.Helper()
	for _, k := range keys {
		if msg, ok := specialKeys[k]; ok {
			m, _ = m.Update(msg)
			continue
		}
		for _, r := range k {
			m, _ = m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		}
	}
	return m
}

func screen(m tea.Model) string { return ansi.Strip(m.View().Content) }

func plan(t testing.TB, m tea.Model) model.Plan {
	t.Helper()
	p, err := m.(Model).Plan()
	if err != nil {
		t.Fatalf("the wizard's answers make no plan: %v\n%s", err, screen(m))
	}
	return p
}

var officeCIDR = []netip.Prefix{netip.MustParsePrefix("203.0.113.10/32")}

// toUseCase goes from the start to the services of use case i, past its
// options (engine, app port) if it asks any.
func toUseCase(t testing.TB, i int) tea.Model {
	m := press(t, New(Options{}), "enter")
	for range i {
		m = press(t, m, "down")
	}
	m = press(t, m, "enter")
	if m.(Model).Step() == "Options" {
		m = press(t, m, "enter")
	}
	return m
}

// TestAcceptingDefaultsGivesTheFlagsPlan: for every use case, a newcomer
// who types only the office CIDR and presses enter reaches the review with
// the plan `sgwiz plan --use-case ID --office-cidr …` writes.
func TestAcceptingDefaultsGivesTheFlagsPlan(t *testing.T) {
	for i, u := range model.UseCases() {
		t.Run(u.ID, func(t *testing.T) {
			m := toUseCase(t, i)
			if got := m.(Model).Step(); got != "Services" {
				t.Fatalf("after choosing a use case: step %s", got)
			}
			m = press(t, m, "enter") // services → sources
			m = press(t, m, "203.0.113.10", "enter", "enter", "enter")
			if got := m.(Model).Step(); got != "Review" {
				t.Fatalf("defaults should reach the review, at %s:\n%s", got, screen(m))
			}
			// The cursor is on the office field, so it takes the typing,
			// where a default service uses the office or there is none.
			in := model.Inputs{}
			if d, _ := u.Draft(in); len(d.UsesOffice()) > 0 || len(d.Groups[0].Ingress) == 0 {
				in.Office = officeCIDR
			}
			want, err := u.Build(in)
			if err != nil {
				t.Fatal(err)
			}
			if got := plan(t, m); !reflect.DeepEqual(got, want) {
				t.Errorf("wizard plan differs from sgwiz plan's:\n%+v\n%+v", got, want)
			}
			for _, f := range want.Check() {
				if f.Severity >= model.Medium {
					t.Errorf("the defaults are not least privilege: %s %s", f.Severity, f.ID)
				}
			}
		})
	}
}

func TestChoicesMatchTheirFlags(t *testing.T) {
	web, _ := model.LookupUseCase("web")
	// SSH from anywhere: untick the office, tick IPv4 and IPv6 world; egress none.
	m := toUseCase(t, 0)
	m = press(t, m, "enter", "203.0.113.10")
	// Sources: office, HTTP×(4 options+add), HTTPS×(…), then SSH's options.
	s := m.(Model)
	src := s.steps[stepSources].(*sourcesStep)
	for src.lines[src.cursor].kind != lineOption || src.lines[src.cursor].sel != 2 {
		m = press(t, m, "down")
		src = m.(Model).steps[stepSources].(*sourcesStep)
	}
	m = press(t, m, "space", "down", "space", "down", "space", "enter") // IPv4, IPv6 on; office off
	if !strings.Contains(screen(m), "Egress") {
		t.Fatalf("not at egress:\n%s", screen(m))
	}
	for choices(m.(Model).s)[m.(Model).steps[stepEgress].(*egressStep).cursor] != model.EgressNone {
		m = press(t, m, "down")
	}
	m = press(t, m, "enter", "enter") // none, then the details
	want, _ := web.Build(model.Inputs{Office: officeCIDR, SSHFrom: model.SSHWorld, Egress: model.EgressNone})
	got := plan(t, m)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("wizard: %+v\nflags: %+v", got, want)
	}
	if !strings.Contains(screen(m), "CRITICAL") || !strings.Contains(screen(m), "world-admin-port") {
		t.Errorf("the review should show the critical finding:\n%s", screen(m))
	}
}

func TestNamesAndVPCMatchTheirFlags(t *testing.T) {
	tt, _ := model.LookupUseCase("three-tier")
	m := toUseCase(t, 2)
	m = press(t, m, "enter", "enter", "enter") // services, sources (no office needed), egress
	// Details: name, description per group, then VPC and tags.
	rename := func(m tea.Model, name string) tea.Model {
		for range 20 {
			m = press(t, m, "backspace")
		}
		return press(t, m, name)
	}
	nextGroup := func(m tea.Model) tea.Model {
		for range perGroup {
			m = press(t, m, "down")
		}
		return m
	}
	m = nextGroup(rename(m, "shop-alb"))
	m = nextGroup(rename(m, "shop-app"))
	m = nextGroup(rename(m, "shop-db"))
	m = press(t, m, "vpc-0123456789abcdef0", "down", "Env=prod", "enter")
	want, _ := tt.Build(model.Inputs{Name: "shop", VPC: "vpc-0123456789abcdef0", Tags: []model.Tag{{Key: "Env", Value: "prod"}}})
	if got := plan(t, m); !reflect.DeepEqual(got, want) {
		t.Errorf("wizard: %+v\nflags: %+v", got, want)
	}
}

func TestBackKeepsAnswers(t *testing.T) {
	m := toUseCase(t, 0)
	m = press(t, m, "enter", "198.51.100.7", "enter", "enter") // to details
	m = press(t, m, "esc", "esc", "esc", "esc")                // back to use case
	if got := m.(Model).Step(); got != "Use case" {
		t.Fatalf("at %s", got)
	}
	m = press(t, m, "enter", "enter", "enter", "enter", "enter") // same use case: forward again
	p := plan(t, m)
	if r := p.Groups[0].Ingress[4]; r.Peer.String() != "198.51.100.7/32" {
		t.Errorf("going back lost the office CIDR: %v", r.Peer)
	}
}

func TestSourcesValidateAsTyped(t *testing.T) {
	m := press(t, toUseCase(t, 0), "enter", "10.0.0.300")
	if !strings.Contains(screen(m), "✗") || !strings.Contains(screen(m), "not an IP address") {
		t.Errorf("a bad address should be reported next to the field:\n%s", screen(m))
	}
	m = press(t, m, "enter")
	if m.(Model).Step() != "Sources" {
		t.Error("enter with a bad office CIDR must not continue")
	}
	for range 10 {
		m = press(t, m, "backspace")
	}
	m = press(t, m, "10.1.2.3/16")
	if !strings.Contains(screen(m), "65,536 addresses") || !strings.Contains(screen(m), "host bits set; using 10.1.0.0/16") {
		t.Errorf("the address count and the normalised CIDR should show:\n%s", screen(m))
	}
	m = press(t, toUseCase(t, 0), "enter", "enter")
	if m.(Model).Step() != "Sources" || !strings.Contains(screen(m), "office") {
		t.Errorf("SSH from the office without an office CIDR must not continue:\n%s", screen(m))
	}
}

func TestWorldWarningShowsInline(t *testing.T) {
	m := press(t, toUseCase(t, 0), "enter", "203.0.113.10")
	src := m.(Model).steps[stepSources].(*sourcesStep)
	for src.lines[src.cursor].kind != lineOption || src.lines[src.cursor].sel != 2 {
		m = press(t, m, "down")
		src = m.(Model).steps[stepSources].(*sourcesStep)
	}
	m = press(t, m, "space")
	if !strings.Contains(screen(m), "CRITICAL ⚠ SSH (22) is open to 0.0.0.0/0") {
		t.Errorf("choosing anywhere for SSH should warn right there:\n%s", screen(m))
	}
}

func TestReviewJumpsToTheRuleStep(t *testing.T) {
	m := press(t, toUseCase(t, 0), "enter", "203.0.113.10", "enter", "enter", "enter")
	m = press(t, m, "down", "down", "down", "down", "e") // the SSH row
	if m.(Model).Step() != "Sources" {
		t.Fatalf("e on an inbound row should open its sources, at %s", m.(Model).Step())
	}
	src := m.(Model).steps[stepSources].(*sourcesStep)
	if l := src.lines[src.cursor]; l.sel != 2 {
		t.Errorf("the cursor should be on SSH's sources, is on selection %d", l.sel)
	}
	m = press(t, m, "enter") // one enter: back to the review, which keeps its place
	if m.(Model).Step() != "Review" {
		t.Fatalf("enter after an edit from the review should return to it, at %s", m.(Model).Step())
	}
	m = press(t, m, "down", "e") // the first outbound row
	if m.(Model).Step() != "Egress" {
		t.Errorf("e on an outbound row should open the egress step, at %s", m.(Model).Step())
	}
}

func TestServicesFilterAsYouType(t *testing.T) {
	m := press(t, toUseCase(t, 0), "redis")
	out := screen(m)
	if !strings.Contains(out, "Redis / Valkey") || strings.Contains(out, "MS SQL") {
		t.Errorf("filtering for redis:\n%s", out)
	}
	m = press(t, m, "space")
	p := plan(t, press(t, m, "enter", "203.0.113.10", "enter", "enter", "enter"))
	found := false
	for _, r := range p.Groups[0].Ingress {
		if r.Ports == model.Port(6379) {
			found = r.Peer.String() == "203.0.113.10/32"
		}
	}
	if !found {
		t.Errorf("redis should be added from the office by default: %+v", p.Groups[0].Ingress)
	}
}

func TestCustomPort(t *testing.T) {
	m := toUseCase(t, 7)                                          // custom: no services yet
	m = press(t, m, "up", "enter", "right", "9000-8000", "enter") // enter opens the custom entry
	if !strings.Contains(screen(m), "reversed") {
		t.Errorf("a reversed range should be explained:\n%s", screen(m))
	}
	for range 9 {
		m = press(t, m, "backspace")
	}
	m = press(t, m, "8000-8100", "enter", "enter", "203.0.113.10", "enter", "enter", "enter")
	p := plan(t, m)
	if r := p.Groups[0].Ingress[0]; r.Protocol != model.UDP || r.Ports != model.Ports(8000, 8100) {
		t.Errorf("custom rule = %+v", r)
	}
}

func TestCtrlCAsksBeforeDiscarding(t *testing.T) {
	m := toUseCase(t, 0)
	m, cmd := m.Update(specialKeys["ctrl+c"])
	if cmd != nil || !strings.Contains(screen(m), "Discard your answers") {
		t.Fatalf("ctrl+c with answers should ask first:\n%s", screen(m))
	}
	m, cmd = m.Update(tea.KeyPressMsg{Code: 'n', Text: "n"})
	if cmd != nil || strings.Contains(screen(m), "Discard") {
		t.Error("any other key should stay")
	}
	_, cmd = press(t, m, "ctrl+c").Update(tea.KeyPressMsg{Code: 'y', Text: "y"})
	if cmd == nil {
		t.Fatal("y should quit")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Error("y should quit")
	}
	_, cmd = New(Options{}).Update(specialKeys["ctrl+c"])
	if cmd == nil {
		t.Error("with nothing answered, ctrl+c quits at once")
	}
}

func TestExplainerToggles(t *testing.T) {
	m := press(t, toUseCase(t, 0), "?")
	if !strings.Contains(screen(m), "Tick only what the instance serves") {
		t.Errorf("? should show the explainer:\n%s", screen(m))
	}
	m = press(t, m, "enter")
	if !strings.Contains(screen(m), "CIDR notation") {
		t.Errorf("the sources explainer should teach CIDR notation:\n%s", screen(m))
	}
	m = press(t, m, "203.0.113.10", "enter")
	if !strings.Contains(screen(m), "stateful") {
		t.Errorf("the egress explainer should say security groups are stateful:\n%s", screen(m))
	}
	m = press(t, m, "?")
	if strings.Contains(screen(m), "stateful: replies to allowed traffic flow back automatically, in both") {
		t.Errorf("? again should hide it:\n%s", screen(m))
	}
}

func TestOpenedPlanStartsAtTheReview(t *testing.T) {
	u, _ := model.LookupUseCase("three-tier")
	p, _ := u.Build(model.Inputs{})
	m := tea.Model(New(Options{Plan: &p}))
	if m.(Model).Step() != "Review" || !strings.Contains(screen(m), "web-alb") {
		t.Fatalf("at %s:\n%s", m.(Model).Step(), screen(m))
	}
	if got := plan(t, m); !reflect.DeepEqual(got, p) {
		t.Errorf("opening a plan changed it")
	}
	m = press(t, m, "tab")
	if !strings.Contains(screen(m), "Group: ") && !strings.Contains(screen(m), "web-app") {
		t.Errorf("tab should show the next group:\n%s", screen(m))
	}
}

func TestEveryScreenFitsAfterResize(t *testing.T) {
	sizes := [][2]int{{80, 24}, {60, 16}, {120, 40}, {40, 10}}
	m := tea.Model(New(Options{}))
	steps := []string{"enter", "enter", "enter", "203.0.113.10", "enter", "enter", "enter", "enter"}
	for _, k := range steps {
		m = press(t, m, k)
		for _, sz := range sizes {
			m, _ = m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			out := m.View().Content
			lines := strings.Split(out, "\n")
			if len(lines) > sz[1] {
				t.Errorf("%s at %dx%d: %d lines", m.(Model).Step(), sz[0], sz[1], len(lines))
			}
			for _, l := range lines {
				if w := ansi.StringWidth(l); w > sz[0] {
					t.Errorf("%s at %dx%d: a line is %d wide: %q", m.(Model).Step(), sz[0], sz[1], w, ansi.Strip(l))
					break
				}
			}
		}
		m, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	}
}

func TestCustomEgress(t *testing.T) {
	m := press(t, toUseCase(t, 0), "enter", "203.0.113.10", "enter") // web, to the egress step
	for choices(m.(Model).s)[m.(Model).steps[stepEgress].(*egressStep).cursor] != model.EgressCustom {
		m = press(t, m, "down")
	}
	m = press(t, m, "enter")
	if !strings.Contains(screen(m), "Outbound services") || !strings.Contains(screen(m), "[x] HTTPS") {
		t.Fatalf("custom egress should list the outbound services, starting from the current ones:\n%s", screen(m))
	}
	m = press(t, m, "ntp", "space", "enter") // add NTP out; to the destinations
	if !strings.Contains(screen(m), "Destinations") {
		t.Fatalf("not at the destinations:\n%s", screen(m))
	}
	m = press(t, m, "enter", "enter") // details, review
	p := plan(t, m)
	found := false
	for _, r := range p.Groups[0].Egress {
		if r.Protocol == model.UDP && r.Ports == model.Port(123) && r.Peer == model.AnyIPv4 {
			found = r.Description == "NTP to anywhere (IPv4)"
		}
	}
	if !found {
		t.Errorf("NTP out to anywhere should be in the plan: %+v", p.Groups[0].Egress)
	}
	for _, r := range p.Groups[0].Ingress {
		if r.Ports == model.Port(123) {
			t.Error("an outbound service must not become an inbound rule")
		}
	}
	// e on an outbound row opens its destinations.
	m = press(t, m, "down", "down", "down", "down", "down", "e")
	if m.(Model).Step() != "Destinations" {
		t.Errorf("e on an outbound row under custom egress opens its destinations, at %s", m.(Model).Step())
	}
	// esc returns to the review too; from there back to the egress step
	// and to a preset policy: the outbound rules are the preset's again.
	m = press(t, m, "esc")
	atStep(t, m, "Review")
	m = press(t, m, "esc", "esc", "esc", "esc")
	atStep(t, m, "Egress")
	for choices(m.(Model).s)[m.(Model).steps[stepEgress].(*egressStep).cursor] != model.EgressDefault {
		m = press(t, m, "up")
	}
	m = press(t, m, "enter")
	if p := plan(t, m); len(p.Groups[0].Egress) != 2 || p.Groups[0].Egress[0].Protocol != model.AllProtocols {
		t.Errorf("AWS default after custom: %+v", p.Groups[0].Egress)
	}
}

// TestOfficeFieldRefusesTheWorld: 0.0.0.0/0 is "anywhere", offered beside
// the office; a private address gets a hint.
func TestOfficeFieldRefusesTheWorld(t *testing.T) {
	m := press(t, toUseCase(t, 0), "enter", "0.0.0.0/0")
	if out := screen(m); !strings.Contains(out, "✗ 0.0.0.0/0 is everyone on the internet, not an office") || strings.Contains(out, "✓") {
		t.Errorf("the world is not an office:\n%s", out)
	}
	if m = press(t, m, "enter"); m.(Model).Step() != "Sources" {
		t.Error("enter with the world as office must not continue")
	}
	for range 10 {
		m = press(t, m, "backspace")
	}
	// The world in two halves is the world too, and says how much it is.
	m = press(t, m, "0.0.0.0/1 128.0.0.0/1")
	if out := screen(m); !strings.Contains(out, "✗ 0.0.0.0/1 and 128.0.0.0/1 are everyone on the internet (all of its IPv4") || strings.Contains(out, "✓") {
		t.Errorf("the internet in halves is not an office:\n%s", out)
	}
	for range 30 {
		m = press(t, m, "backspace")
	}
	m = press(t, m, "192.168.1.20")
	if out := screen(m); !strings.Contains(out, "192.168.1.20/32 is private use (RFC 1918) space") {
		t.Errorf("a private address should get a hint:\n%s", out)
	}
}

// TestDuplicateServiceIsSaidWhenChosen: a custom TCP 22 beside SSH, both
// from the office, is said the moment it is added.
func TestDuplicateServiceIsSaidWhenChosen(t *testing.T) {
	m := toUseCase(t, 4)                          // bastion: SSH from the office
	m = press(t, m, "up", "enter", "22", "enter") // the custom entry, opened with enter
	if out := screen(m); !strings.Contains(out, "⚠ TCP 22 from the office repeats SSH") && !strings.Contains(out, "repeats SSH") {
		t.Errorf("the repeat should be said at once:\n%s", out)
	}
}

// TestOneDangerPolicy: VNC open to the world is high beside the service,
// in lint, and for apply's confirmation, because all three come from the
// model's checks.
func TestOneDangerPolicy(t *testing.T) {
	m := press(t, toUseCase(t, 7), "vnc", "space") // custom, add VNC
	m = press(t, m, "enter", "203.0.113.10")
	src := m.(Model).steps[stepSources].(*sourcesStep)
	for src.lines[src.cursor].kind != lineOption || src.lines[src.cursor].source != model.Anywhere4 {
		m = press(t, m, "down")
		src = m.(Model).steps[stepSources].(*sourcesStep)
	}
	m = press(t, m, "space")
	if out := screen(m); !strings.Contains(out, "HIGH ⚠ VNC (5900) is open to 0.0.0.0/0") {
		t.Errorf("VNC to the world should warn as high beside it:\n%s", out)
	}
	p, err := m.(Model).s.draft.Plan()
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := model.HighestSeverity(p.Check()); s < model.High {
		t.Errorf("lint must agree: highest %s", s)
	}
}

// TestServiceRowsStayInPlace: ticking or unticking changes the box, not
// the row's place, so the cursor stays on what was just toggled; enter on
// the custom entry opens it.
func TestServiceRowsStayInPlace(t *testing.T) {
	m := toUseCase(t, 0) // web: HTTP, HTTPS, SSH ticked
	svc := func(m tea.Model) *servicesStep { return m.(Model).steps[stepServices].(*servicesStep) }
	rowsBefore := len(svc(m).rows)
	m = press(t, m, "space") // untick HTTP, the first service
	if r := svc(m).rows[svc(m).cursor]; r.service.ID != "http" || r.selected || len(svc(m).rows) != rowsBefore {
		t.Errorf("unticked HTTP should stay where it was, unticked: %+v", r)
	}
	for range 5 {
		m = press(t, m, "down")
	}
	at := svc(m).cursor
	id := svc(m).rows[at].service.ID
	m = press(t, m, "space")
	if r := svc(m).rows[svc(m).cursor]; svc(m).cursor != at || r.service.ID != id || !r.selected {
		t.Errorf("a ticked service should stay under the cursor: %+v", r)
	}
	m = press(t, m, "space", "up", "up", "up", "up", "up", "up", "enter")
	if !svc(m).custom {
		t.Errorf("enter on the custom entry should open it:\n%s", screen(m))
	}
}

// TestEveryWayOutAsks: quitting from the menu and starting over with
// another use case ask first when answers are unsaved; n keeps them.
func TestEveryWayOutAsks(t *testing.T) {
	m := press(t, toUseCase(t, 0), "enter", "203.0.113.10", "enter", "enter", "enter", "enter") // the action menu
	atStep(t, m, "Export / apply")
	m = press(t, m, "down", "down", "down")
	next, cmd := m.Update(specialKeys["enter"]) // Quit
	if cmd != nil || !strings.Contains(screen(next), "Discard your answers and quit?") {
		t.Fatalf("Quit with unsaved answers should ask:\n%s", screen(next))
	}
	m = press(t, next, "n")
	atStep(t, m, "Export / apply")
	for m.(Model).Step() != "Use case" {
		m = press(t, m, "esc")
	}
	m = press(t, m, "down", "enter") // another use case
	if !strings.Contains(screen(m), "Start over with Web app behind a load balancer?") {
		t.Fatalf("switching use case should ask:\n%s", screen(m))
	}
	m = press(t, m, "n")
	if m.(Model).s.useCase.ID != "web" {
		t.Error("n keeps the answers")
	}
	m = press(t, m, "enter", "y")
	if m.(Model).s.useCase.ID != "alb" {
		t.Error("y starts over")
	}
}

// toReview is the web server's review with the office typed.
func toReview(t *testing.T) tea.Model {
	t.Helper()
	m := press(t, New(Options{}), "enter", "enter", "enter", "203.0.113.10", "enter", "enter", "enter")
	atStep(t, m, "Review")
	return m
}

// TestReviewDeletesOneRule: x on a rule asks, names the rule, and y
// deletes that rule only; any other key keeps it.
func TestReviewDeletesOneRule(t *testing.T) {
	m := press(t, toReview(t), "down", "down", "down", "down", "x") // the SSH row
	if out := screen(m); !strings.Contains(out, "Delete the inbound rule SSH TCP 22 from 203.0.113.10/32?") {
		t.Fatalf("x should ask, naming the rule:\n%s", out)
	}
	m = press(t, m, "n")
	if len(plan(t, m).Groups[0].Ingress) != 5 {
		t.Fatal("n should keep the rule")
	}
	m = press(t, m, "x", "y")
	in := plan(t, m).Groups[0].Ingress
	if len(in) != 4 || slices.ContainsFunc(in, func(r model.Rule) bool { return r.Ports == model.Port(22) }) {
		t.Errorf("only SSH should be gone: %+v", in)
	}
	if out := screen(m); !strings.Contains(out, "deleted: SSH TCP 22 from 203.0.113.10/32") || !strings.Contains(out, "Inbound rules  2 IPv4 · 2 IPv6") {
		t.Errorf("the review should say it and count again:\n%s", out)
	}
	// An outbound rule deleted by hand makes the policy custom; the cursor
	// is on the first one now.
	if it := m.(Model).steps[stepReview].(*reviewStep).items[m.(Model).steps[stepReview].(*reviewStep).cursor]; it.dir != model.Egress {
		t.Fatalf("the cursor should stay at its place, the first outbound rule: %+v", it)
	}
	m = press(t, m, "x", "y")
	if got := m.(Model).s.draft.Egress; got != model.EgressCustom {
		t.Errorf("egress policy = %s after deleting an outbound rule, want custom", got)
	}
}

// TestReviewDescribesOneRule: t edits the selected rule's description in
// place; enter keeps it, esc leaves it, a character AWS refuses is said.
func TestReviewDescribesOneRule(t *testing.T) {
	m := press(t, toReview(t), "down", "t") // HTTP from ::/0
	for range 40 {
		m = press(t, m, "backspace")
	}
	m = press(t, m, "web <v6>")
	m = press(t, m, "enter")
	if out := screen(m); !strings.Contains(out, "✗") || !m.(Model).steps[stepReview].(*reviewStep).describing {
		t.Fatalf("< is not allowed by AWS: the field should say so and stay open:\n%s", out)
	}
	for range 4 {
		m = press(t, m, "backspace")
	}
	m = press(t, m, "(v6)", "enter")
	p := plan(t, m)
	if got := p.Groups[0].Ingress[1]; got.Peer != model.AnyIPv6 || got.Description != "web (v6)" {
		t.Errorf("rule 2 = %+v, want HTTP from ::/0 described as web (v6)", got)
	}
	if got := p.Groups[0].Ingress[0].Description; got != "HTTP from anywhere" {
		t.Errorf("its pair keeps its description, alone now: %q", got)
	}
	m = press(t, m, "t", "changed my mind", "esc")
	if got := plan(t, m).Groups[0].Ingress[1].Description; got != "web (v6)" {
		t.Errorf("esc should leave the description: %q", got)
	}
}

// TestReviewTagsOneRule: t's second field (tab) sets the selected rule's
// tags, checked as the plan checks them; the rule keeps its place, its
// description and its selection (the database's rule still follows the
// engine), the readout says them, and clearing the field removes them.
func TestReviewTagsOneRule(t *testing.T) {
	i := slices.IndexFunc(model.UseCases(), func(u model.UseCase) bool { return u.ID == "three-tier" })
	m := press(t, toUseCase(t, i), "enter", "203.0.113.10")
	for n := 0; m.(Model).Step() != "Review" && n < 10; n++ {
		m = press(t, m, "enter")
	}
	atStep(t, m, "Review")
	m = press(t, m, "tab", "tab") // web-db: its first rule, from web-app
	m = press(t, m, "t", "tab", "sgwiz:expires=soon", "enter")
	if out := strings.Join(strings.Fields(screen(m)), " "); !strings.Contains(out, "✗ tags: sgwiz:expires is set from the sgwiz:expires=…") {
		t.Fatalf("the expiry is not a tag to set here:\n%s", out)
	}
	for range 30 {
		m = press(t, m, "backspace")
	}
	m = press(t, m, "team=data, ticket=OPS-3", "enter")
	r := plan(t, m).Groups[2].Ingress[0]
	if r.Tags != model.NewTags(model.Tag{Key: "team", Value: "data"}, model.Tag{Key: "ticket", Value: "OPS-3"}) || r.Peer != model.GroupRef("web-app") || r.Description != "MYSQL/Aurora from web-app" {
		t.Fatalf("the rule: %+v", r)
	}
	if sel := m.(Model).s.draft.Groups[2].Ingress[0]; sel.Link != model.LinkEngine {
		t.Errorf("tags leave the rule in its selection, which follows the engine: %+v", sel)
	}
	if out := strings.Join(strings.Fields(screen(m)), " "); !strings.Contains(out, "Tagged team=data,") || !strings.Contains(out, "ticket=OPS-3.") {
		t.Errorf("the readout says the tags:\n%s", out)
	}
	m = press(t, m, "t", "tab")
	for range 40 {
		m = press(t, m, "backspace")
	}
	m = press(t, m, "enter")
	if r := plan(t, m).Groups[2].Ingress[0]; !r.Tags.IsZero() {
		t.Errorf("an empty field removes the tags: %+v", r)
	}
}

// TestWebDBAsksWhereTheDatabaseIs: the web server's "web and a database"
// policy asks for the database's group or CIDR next, says in words when it
// is missing, and follows the engine chosen with ←/→.
func TestWebDBAsksWhereTheDatabaseIs(t *testing.T) {
	m := press(t, toUseCase(t, 0), "enter", "203.0.113.10", "enter") // web, to the egress step
	for choices(m.(Model).s)[m.(Model).steps[stepEgress].(*egressStep).cursor] != model.EgressWebDB {
		m = press(t, m, "down")
	}
	m = press(t, m, "right", "enter")
	atStep(t, m, "Destinations")
	m = press(t, m, "enter")
	if out := screen(m); !strings.Contains(out, "web, outbound: MYSQL/Aurora has no destination") {
		t.Fatalf("a database without a destination should be said in words:\n%s", out)
	}
	m = press(t, m, "sg-0123456789abcdef0", "enter", "enter")
	atStep(t, m, "Details")
	// Back to the egress step: PostgreSQL instead; the destination stays.
	m = press(t, m, "esc", "esc", "right")
	atStep(t, m, "Egress")
	m = press(t, m, "enter", "enter", "enter")
	atStep(t, m, "Review")
	out := plan(t, m).Groups[0].Egress
	last := out[len(out)-1]
	if last.Ports != model.Port(5432) || last.Peer != model.GroupID("sg-0123456789abcdef0") {
		t.Errorf("the database rule should follow the engine and keep its destination: %+v", out)
	}
}

// TestStartingOverLeavesAWSsAnswersBehind: a group opened from AWS
// brings its VPC and tags; a new use case chosen after it starts without
// them (they were AWS's, not the user's), while typed ones carry over.
func TestStartingOverLeavesAWSsAnswersBehind(t *testing.T) {
	m := New(Options{})
	s := m.s
	web, _ := model.LookupUseCase("web")
	if err := s.chooseUseCase(web); err != nil {
		t.Fatal(err)
	}
	s.draft.VPC, s.draft.Tags = "vpc-0123456789abcdef0", []model.Tag{{Key: "Owner", Value: "ops"}}
	alb, _ := model.LookupUseCase("alb")
	if err := s.chooseUseCase(alb); err != nil || s.draft.VPC != "vpc-0123456789abcdef0" || len(s.draft.Tags) != 1 {
		t.Fatalf("typed answers carry over: %v %q %v", err, s.draft.VPC, s.draft.Tags)
	}
	s.draft.Groups[0].ID = "sg-0123456789abcdef0" // as an edit of an existing group opens it
	if err := s.chooseUseCase(web); err != nil || s.draft.VPC != "" || len(s.draft.Tags) != 0 {
		t.Errorf("a group opened from AWS leaves its VPC and tags behind: %v %q %v", err, s.draft.VPC, s.draft.Tags)
	}
}
