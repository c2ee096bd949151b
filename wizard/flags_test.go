package wizard

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/sgwiz/sgwiz/model"
)

// answers are the choices a person makes in the wizard, which the flags
// make too.
type answers struct {
	useCase   model.UseCase
	engine    string
	appPort   int
	ssh       model.SSHFrom
	egress    model.EgressPolicy
	name      string // prefix of the group names, "" for the default
	appSource string // the database's source instead of the office
	dbTo      string // the database of the web-db egress policy
	limited   bool   // the admin service for an hour (l; --admin-for 1h)
}

// flagsNow is the clock of the wizard = flags tests.
var flagsNow = time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC)

func (a answers) inputs() model.Inputs {
	in := model.Inputs{Office: officeCIDR, Engine: a.engine, AppPort: a.appPort, SSHFrom: a.ssh, Egress: a.egress, Name: a.name}
	if a.appSource != "" {
		p, _, _ := model.ParsePeer(a.appSource)
		in.AppSources = []model.Peer{p}
	}
	if a.egress == model.EgressWebDB {
		p, _, _ := model.ParsePeer(a.dbTo)
		in.DBTo = []model.Peer{p}
	}
	if a.limited {
		in.AdminUntil = model.UntilFrom(flagsNow, time.Hour)
	}
	return in
}

// adminID is the use case's admin service: RDP for Windows, else SSH.
func adminID(u model.UseCase) string {
	if u.ID == "windows" {
		return "rdp"
	}
	return "ssh"
}

// step asserts the wizard is at a step.
func atStep(t *testing.T, m tea.Model, want string) {
	t.Helper()
	if got := m.(Model).Step(); got != want {
		t.Fatalf("at %s, want %s:\n%s", got, want, screen(m))
	}
}

// drive answers the wizard's steps, from the start to the review.
func drive(t *testing.T, a answers) tea.Model {
	t.Helper()
	m := press(t, New(Options{Clock: func() time.Time { return flagsNow }}), "enter")
	i := slices.IndexFunc(model.UseCases(), func(u model.UseCase) bool { return u.ID == a.useCase.ID })
	for range i {
		m = press(t, m, "down")
	}
	m = press(t, m, "enter")
	if a.useCase.AsksEngine || a.useCase.AsksAppPort {
		atStep(t, m, "Options")
		for a.engine != "" && m.(Model).s.draft.Engine != a.engine {
			m = press(t, m, "right")
		}
		if a.appPort != 0 {
			if a.useCase.AsksEngine {
				m = press(t, m, "down")
			}
			m = press(t, m, "backspace", "backspace", "backspace", "backspace", "backspace", fmt.Sprint(a.appPort))
		}
		m = press(t, m, "enter")
	}
	atStep(t, m, "Services")
	m = setAdmin(t, m, a)
	m = press(t, m, "enter")
	atStep(t, m, "Sources")
	m = typeOffice(t, m)
	if a.ssh == model.SSHWorld {
		m = openAdminToTheWorld(t, m, a)
	}
	if a.appSource != "" {
		m = useAppSource(t, m, a.appSource)
	}
	if a.limited {
		m = limitAdmin(t, m)
	}
	m = press(t, m, "enter")
	atStep(t, m, "Egress")
	want := a.egress
	if want == "" {
		want = a.useCase.DefaultEgress
	}
	for choices(m.(Model).s)[m.(Model).steps[stepEgress].(*egressStep).cursor] != want {
		m = press(t, m, "down")
	}
	if want == model.EgressWebDB {
		// ←/→ chooses the engine, then its group or CIDR is typed where
		// the cursor waits for it.
		m = press(t, m, "right")
		for a.engine != "" && m.(Model).s.draft.Engine != a.engine {
			m = press(t, m, "right")
		}
		m = press(t, m, "enter")
		atStep(t, m, "Destinations")
		m = press(t, m, a.dbTo, "enter", "enter")
	} else {
		m = press(t, m, "enter")
	}
	atStep(t, m, "Details")
	if a.name != "" {
		for gi, g := range m.(Model).s.draft.Groups {
			for range 40 {
				m = press(t, m, "backspace")
			}
			m = press(t, m, strings.Replace(g.Name, a.useCase.DefaultName(), a.name, 1))
			if gi < len(m.(Model).s.draft.Groups)-1 {
				for range perGroup { // to the next group's name
					m = press(t, m, "down")
				}
			}
		}
	}
	m = press(t, m, "enter")
	atStep(t, m, "Review")
	return m
}

// setAdmin ticks or unticks the admin service on the services step, in
// the group the use case puts it (the app servers behind a load balancer).
func setAdmin(t *testing.T, m tea.Model, a answers) tea.Model {
	want := a.ssh
	if want == "" {
		want = a.useCase.DefaultSSH
	}
	if want == model.SSHNone && a.useCase.DefaultSSH == model.SSHNone || want != model.SSHNone && a.useCase.DefaultSSH != model.SSHNone {
		return m
	}
	if d := m.(Model).s.draft; d.GroupWithRole(model.RoleApp) != "" {
		for m.(Model).s.draft.Groups[m.(Model).s.group].Role != model.RoleApp {
			m = press(t, m, "tab")
		}
	}
	m = press(t, m, adminID(a.useCase)) // filter
	svc := m.(Model).steps[stepServices].(*servicesStep)
	for svc.rows[svc.cursor].service.ID != adminID(a.useCase) {
		m = press(t, m, "down")
		svc = m.(Model).steps[stepServices].(*servicesStep)
	}
	m = press(t, m, "space")
	for range len(adminID(a.useCase)) {
		m = press(t, m, "backspace")
	}
	for m.(Model).s.group != 0 {
		m = press(t, m, "tab")
	}
	return m
}

// typeOffice types the office CIDR in its field.
func typeOffice(t *testing.T, m tea.Model) tea.Model {
	for m.(Model).steps[stepSources].(*sourcesStep).cursor != 0 {
		m = press(t, m, "up")
	}
	return press(t, m, officeCIDR[0].String())
}

// moveTo moves the sources step's cursor to the line that matches.
func moveTo(t *testing.T, m tea.Model, match func(srcLine, model.Selection) bool) tea.Model {
	t.Helper()
	for range 400 {
		src := m.(Model).steps[stepSources].(*sourcesStep)
		l := src.lines[src.cursor]
		if l.kind != lineOffice && match(l, m.(Model).s.selections(model.Ingress)[l.sel]) {
			return m
		}
		m = press(t, m, "down")
	}
	t.Fatalf("no such line:\n%s", screen(m))
	return m
}

// openAdminToTheWorld ticks Anywhere IPv4 and IPv6 for the admin service
// and unticks the office, as --ssh-from world has it.
func openAdminToTheWorld(t *testing.T, m tea.Model, a answers) tea.Model {
	for g := range m.(Model).s.draft.Groups {
		for _, sel := range m.(Model).s.draft.Groups[g].Ingress {
			if sel.Service.ID != adminID(a.useCase) {
				continue
			}
			for m.(Model).s.group != g {
				m = press(t, m, "tab")
			}
			for _, src := range []model.Source{model.Anywhere4, model.Anywhere6, model.Office} {
				m = moveTo(t, m, func(l srcLine, s model.Selection) bool {
					return l.kind == lineOption && l.source == src && s.Service.ID == adminID(a.useCase)
				})
				m = press(t, m, "space")
			}
		}
	}
	for m.(Model).s.group != 0 {
		m = press(t, m, "tab")
	}
	return m
}

// limitAdmin presses l once on every inbound administration service: for
// an hour.
func limitAdmin(t *testing.T, m tea.Model) tea.Model {
	for g := range m.(Model).s.draft.Groups {
		for si, sel := range m.(Model).s.draft.Groups[g].Ingress {
			if sel.Service.Kind != model.KindAdmin {
				continue
			}
			for m.(Model).s.group != g {
				m = press(t, m, "tab")
			}
			m = moveTo(t, m, func(l srcLine, _ model.Selection) bool { return l.kind == lineOption && l.sel == si })
			m = press(t, m, "l")
		}
	}
	for m.(Model).s.group != 0 {
		m = press(t, m, "tab")
	}
	return m
}

// useAppSource types the database's source and unticks the office.
func useAppSource(t *testing.T, m tea.Model, cidr string) tea.Model {
	m = moveTo(t, m, func(l srcLine, _ model.Selection) bool { return l.kind == lineAdd })
	m = press(t, m, cidr, "enter")
	m = moveTo(t, m, func(l srcLine, _ model.Selection) bool { return l.kind == lineOption && l.source == model.Office })
	return press(t, m, "space")
}

// TestWizardEqualsFlags: for every use case and every choice the wizard
// offers (engine, app port, where the admin port is open from, egress
// policy, the groups' names, the database's source), the plan the wizard
// builds is the plan the flags build with the same answers.
func TestWizardEqualsFlags(t *testing.T) {
	n := 0
	for _, u := range model.UseCases() {
		for _, e := range u.Egresses {
			engines, ports := []string{""}, []int{0}
			if u.AsksEngine {
				engines = model.Engines
			}
			if e == model.EgressWebDB {
				engines = []string{"", "postgresql"}
			}
			if u.AsksAppPort {
				ports = []int{0, 3000}
			}
			for _, ssh := range []model.SSHFrom{model.SSHOffice, model.SSHWorld, model.SSHNone} {
				for _, eng := range engines {
					for _, port := range ports {
						n++
						a := answers{useCase: u, engine: eng, appPort: port, ssh: ssh, egress: e, dbTo: "sg-0123456789abcdef0"}
						if eng == "postgresql" && !u.AsksEngine {
							a.dbTo = "10.0.64.0/24" // an RDS subnet's CIDR
						}
						if n%2 == 0 {
							a.name = "shop"
						}
						a.limited = n%3 == 0
						if u.ID == "database" && ssh == model.SSHWorld {
							a.ssh, a.appSource = "", "10.0.0.0/16" // the database has no admin port
						}
						t.Run(fmt.Sprintf("%s/%s/%s/%s/%d/%s", u.ID, e, ssh, eng, port, a.name), func(t *testing.T) {
							got := plan(t, drive(t, a))
							want, err := u.Build(a.inputs())
							if err != nil {
								t.Fatal(err)
							}
							if !reflect.DeepEqual(got, want) {
								t.Errorf("the wizard's plan differs from the flags':\n%+v\n%+v", got, want)
							}
						})
					}
				}
			}
		}
	}
}

// TestEditFromTheReviewEqualsFlags: reaching the review with the admin
// port open from the office, then going back to open it to the world,
// gives the flags' plan for --ssh-from world.
func TestEditFromTheReviewEqualsFlags(t *testing.T) {
	for _, id := range []string{"web", "bastion", "windows", "mail"} {
		u, _ := model.LookupUseCase(id)
		m := drive(t, answers{useCase: u})
		m = press(t, m, "esc", "esc", "esc") // review → details → egress → sources
		atStep(t, m, "Sources")
		m = openAdminToTheWorld(t, m, answers{useCase: u})
		m = press(t, m, "enter", "enter", "enter")
		atStep(t, m, "Review")
		want, _ := u.Build(answers{useCase: u, ssh: model.SSHWorld}.inputs())
		if got := plan(t, m); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: edited from the review:\n%+v\nflags:\n%+v", id, got, want)
		}
	}
}

// TestReopenedPlansWalkBackAndForthExactly: a plan the flags made, opened
// with sgwiz -f, is the draft the flags made it from; going back through
// every step to the use case and forward again shows the same ticks,
// office field, sources and egress choice, and gives the same plan. The
// same holds for an imported group, whose plan names no use case.
func TestReopenedPlansWalkBackAndForthExactly(t *testing.T) {
	var plans []model.Plan
	var drafts []*model.Draft
	for _, u := range model.UseCases() {
		for _, e := range u.Egresses {
			for _, ssh := range []model.SSHFrom{model.SSHOffice, model.SSHWorld} {
				in := answers{useCase: u, egress: e, ssh: ssh, engine: map[bool]string{true: "postgresql"}[u.AsksEngine], appPort: map[bool]int{true: 3000}[u.AsksAppPort], dbTo: "sg-0123456789abcdef0"}.inputs()
				d, err := u.Draft(in)
				if err != nil {
					t.Fatal(err)
				}
				p, err := d.Plan()
				if err != nil {
					t.Fatal(err)
				}
				plans, drafts = append(plans, p), append(drafts, &d)
			}
		}
	}
	imported := model.Plan{Groups: []model.Group{{Name: "legacy", Description: "Made by hand", ID: "sg-0123456789abcdef0",
		Ingress: []model.Rule{{Protocol: model.TCP, Ports: model.Port(4711), Peer: model.AnyIPv4, Description: "odd"}},
		Egress:  model.NewGroupEgress(true)}}}
	plans, drafts = append(plans, imported), append(drafts, nil)
	for i, p := range plans {
		t.Run(fmt.Sprint(p.UseCase, i), func(t *testing.T) {
			file, err := p.YAML()
			if err != nil {
				t.Fatal(err)
			}
			loaded, _, err := model.ParsePlan(file)
			if err != nil {
				t.Fatal(err)
			}
			m := tea.Model(New(Options{Plan: &loaded}))
			atStep(t, m, "Review")
			opened := m.(Model).s.draft
			if drafts[i] != nil && !reflect.DeepEqual(opened, *drafts[i]) {
				t.Fatalf("reopened as another draft:\n%+v\n%+v", opened, *drafts[i])
			}
			// Back to the use case, seeing each step as it was.
			var seen []string
			for m.(Model).Step() != "Use case" {
				m = press(t, m, "esc")
				seen = append(seen, m.(Model).Step())
				if m.(Model).Step() == "Sources" && len(opened.Office) > 0 && !strings.Contains(screen(m), opened.Office[0].String()) {
					t.Errorf("the office field lost its address:\n%s", screen(m))
				}
				if m.(Model).Step() == "Egress" && !strings.Contains(screen(m), "(•) "+m.(Model).s.useCase.EgressAbout(opened.EgressChoice())[:20]) {
					t.Errorf("the egress choice is not %s:\n%s", opened.EgressChoice(), screen(m))
				}
				if len(seen) > 12 {
					t.Fatalf("esc never reached the use case: %v", seen)
				}
			}
			// And forward again, accepting every step as it is.
			for m.(Model).Step() != "Review" {
				m = press(t, m, "enter")
				if len(seen) > 30 {
					t.Fatalf("enter never reached the review: %v\n%s", seen, screen(m))
				}
				seen = append(seen, m.(Model).Step())
			}
			if !reflect.DeepEqual(m.(Model).s.draft, opened) {
				t.Errorf("back and forth changed the draft (%v):\n%+v\n%+v", seen, m.(Model).s.draft, opened)
			}
			if got := plan(t, m); !reflect.DeepEqual(got, withoutMerges(loaded)) && !reflect.DeepEqual(got, loaded) {
				t.Errorf("back and forth changed the plan")
			}
		})
	}
}
