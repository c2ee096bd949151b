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
	if err == nil || !strings.Contains(err.Error(), "--office-cidr: RDP is open from your office") {
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
	if got.Protocol != UDP || got.Ports != r || got.Description != "UDP 8000 - 9000 from 0.0.0.0/0" {
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
