package model

import (
	"reflect"
	"strings"
	"testing"
)

func TestDraftNeedsTheOfficeWhenASelectionUsesIt(t *testing.T) {
	u, _ := LookupUseCase("windows")
	d, err := u.Draft(Inputs{})
	if err != nil {
		t.Fatalf("a draft may lack the office CIDR: %v", err)
	}
	_, err = d.Plan()
	if err == nil || !strings.Contains(err.Error(), "office: RDP is open from your office") {
		t.Errorf("Plan() = %v", err)
	}
	d.Office = office
	if _, err := d.Plan(); err != nil {
		t.Error(err)
	}
}

func TestRenameGroupFollowsReferences(t *testing.T) {
	u, _ := LookupUseCase("three-tier")
	d, _ := u.Draft(Inputs{})
	d.RenameGroup("web-app", "shop-api")
	p, err := d.Plan()
	if err != nil {
		t.Fatal(err)
	}
	if p.Groups[1].Name != "shop-api" || p.Groups[2].Ingress[0].Peer != GroupRef("shop-api") || p.Groups[0].Egress[0].Peer != GroupRef("shop-api") {
		t.Errorf("rename missed a reference: %+v", p)
	}
}

func TestDraftCloneSharesNothing(t *testing.T) {
	u, _ := LookupUseCase("web")
	d, _ := u.Draft(Inputs{Office: office})
	c := d.Clone()
	c.Groups[0].Ingress[0].Sources[0] = Office
	c.Office[0] = c.Office[0].Masked()
	if reflect.DeepEqual(d.Groups[0].Ingress[0].Sources, c.Groups[0].Ingress[0].Sources) {
		t.Error("changing a clone changed the original")
	}
}

func TestCustomSelection(t *testing.T) {
	p, _ := ParseProtocol("udp")
	r, _ := ParsePortRange(p, "8000-9000")
	d := Draft{Groups: []GroupSpec{{Name: "g", Description: "d", Ingress: []Selection{{Service: CustomService(p, r), Sources: []Source{FromPeer(AnyIPv4)}}}}}}
	plan, err := d.Plan()
	if err != nil {
		t.Fatal(err)
	}
	got := plan.Groups[0].Ingress[0]
	if got.Protocol != UDP || got.Ports != r || got.Description != "UDP 8000 - 9000 from anywhere" {
		t.Errorf("custom rule = %+v", got)
	}
	if k := d.Groups[0].Ingress[0].Key(); k != "custom:udp:8000-9000" {
		t.Errorf("key = %q", k)
	}
}

func TestDraftFromPlanGivesThePlanBack(t *testing.T) {
	plans := []Plan{}
	for _, u := range UseCases() {
		plans = append(plans, mustBuild(t, u.ID, Inputs{Office: office, Tags: []Tag{{"a", "b"}}}))
	}
	p := webPlan(t)
	p.Groups[0].ID = "sg-0123456789abcdef0"
	p.Groups[0].Ingress = append(p.Groups[0].Ingress, rule(t, "udp", "7000-7100", "10.0.0.0/8", ""), rule(t, "icmp", "3/4", "0.0.0.0/0", "pmtu"))
	plans = append(plans, p)
	for _, want := range plans {
		got, err := DraftFromPlan(want).Plan()
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: draft of a plan gives another plan:\n%+v\n%+v", want.UseCase, got, want)
		}
	}
}

func TestSelectionOfFindsTheRulesSelection(t *testing.T) {
	u, _ := LookupUseCase("web")
	d, _ := u.Draft(Inputs{Office: append(office, office[0])})
	p, _ := d.Plan()
	for i, r := range p.Groups[0].Ingress {
		si := d.SelectionOf(0, Ingress, i)
		if si < 0 || d.Groups[0].Ingress[si].Service.Title != TypeOf(r) {
			t.Errorf("rule %d (%s) maps to selection %d", i, TypeOf(r), si)
		}
	}
	if d.SelectionOf(0, Ingress, 99) != -1 || d.SelectionOf(5, Ingress, 0) != -1 {
		t.Error("out of range should be -1")
	}
}

func TestGroupDescriptionSaysWhatTheRulesDo(t *testing.T) {
	tests := []struct {
		useCase string
		in      Inputs
		want    string
	}{
		{"web", Inputs{Office: office}, "Web server: HTTP and HTTPS from anywhere; SSH from the office"},
		{"web", Inputs{SSHFrom: SSHWorld}, "Web server: HTTP, HTTPS and SSH from anywhere"},
		{"web", Inputs{SSHFrom: SSHNone}, "Web server: HTTP and HTTPS from anywhere"},
		{"bastion", Inputs{SSHFrom: SSHNone}, "Bastion host: no inbound rules"},
		{"windows", Inputs{SSHFrom: SSHWorld}, "Windows server: RDP from anywhere"},
		{"database", Inputs{Office: office}, "Database server: MYSQL/Aurora from the office"},
		{"database", Inputs{Engine: "postgresql", AppSources: []Peer{CIDR(office[0])}}, "Database server: PostgreSQL from 203.0.113.0/24"},
	}
	for _, tt := range tests {
		p := mustBuild(t, tt.useCase, tt.in)
		if got := p.Groups[0].Description; got != tt.want {
			t.Errorf("%s %+v: description %q, want %q", tt.useCase, tt.in, got, tt.want)
		}
		for _, r := range p.Groups[0].Ingress {
			if tt.in.SSHFrom == SSHWorld && strings.Contains(r.Description, "office") {
				t.Errorf("%s: rule %q is open to the world", tt.useCase, r.Description)
			}
			if strings.Contains(r.Description, "app servers") && tt.useCase == "database" {
				t.Errorf("database: rule %q names app servers it does not know", r.Description)
			}
		}
	}
}

func TestGroupDescriptionFollowsEditsUntilTheUserWritesOne(t *testing.T) {
	u, _ := LookupUseCase("three-tier")
	d, _ := u.Draft(Inputs{})
	d.RenameGroup("web-alb", "edge")
	if got := d.GroupDescription(1); got != "App servers: App port 8080 from edge" {
		t.Errorf("after a rename: %q", got)
	}
	d.SetGroupDescription(1, d.GroupDescription(1))
	if d.Groups[1].Description != "" {
		t.Error("the derived text kept as typed must stay derived")
	}
	d.SetGroupDescription(1, "Shop API")
	d.RenameGroup("edge", "lb")
	if got := d.GroupDescription(1); got != "Shop API" {
		t.Errorf("a description the user wrote is kept: %q", got)
	}
}

func TestRepeatedRulesAreMergedAndReported(t *testing.T) {
	u, _ := LookupUseCase("bastion")
	d, _ := u.Draft(Inputs{Office: office})
	custom := Selection{Service: CustomService(TCP, Port(22)), Sources: []Source{Office}}
	d.Groups[0].Ingress = append(d.Groups[0].Ingress, custom)
	p, err := d.Plan()
	if err != nil {
		t.Fatal(err)
	}
	g := p.Groups[0]
	if len(g.Ingress) != 1 || g.Ingress[0].Description != "SSH from the office" {
		t.Fatalf("SSH and custom TCP 22 from the office are one rule, with the first description: %+v", g.Ingress)
	}
	var found *Finding
	for _, f := range p.Check() {
		if f.ID == "duplicate-rule" {
			found = &f
		}
	}
	if found == nil || found.Index != 0 || !strings.Contains(found.Why, `"TCP 22 from the office"`) {
		t.Fatalf("the merge is a finding on the rule that stays: %+v", found)
	}
	if si := d.SelectionOf(0, Ingress, 0); si != 0 {
		t.Errorf("the rule that stays comes from the first selection, not %d", si)
	}
	// A plan file that repeats a rule loads as one rule, and says so.
	file := "groups:\n  - name: b\n    description: d\n    ingress:\n      - {service: ssh, from: 10.0.0.0/8, description: first}\n      - {protocol: tcp, ports: \"22\", from: 10.0.0.0/8, description: second}\n    egress: default\n"
	q, _, err := ParsePlan([]byte(file))
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Groups[0].Ingress) != 1 || q.Groups[0].Ingress[0].Description != "first" || len(q.Groups[0].Merged) != 1 {
		t.Errorf("loaded: %+v", q.Groups[0])
	}
	if p := q.MergeDuplicates(); len(p.Groups[0].Merged) != 1 {
		t.Error("merging twice changes nothing")
	}
}
