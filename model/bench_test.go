package model_test

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/sgwiz/sgwiz/internal/plantest"
	"github.com/sgwiz/sgwiz/model"
)

func BenchmarkCheckQuotaPlan(b *testing.B) {
	p := plantest.QuotaPlan()
	if err := p.Validate(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = p.Check()
	}
}

func BenchmarkValidateQuotaPlan(b *testing.B) {
	p := plantest.QuotaPlan()
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPlanFileRoundTrip(b *testing.B) {
	data, err := plantest.QuotaPlan().YAML()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		p, _, err := model.ParsePlan(data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.YAML(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDraftFromQuotaPlan reads the quota plan back into a draft, as
// sgwiz -f does before the first frame.
func BenchmarkDraftFromQuotaPlan(b *testing.B) {
	p := plantest.QuotaPlan()
	for b.Loop() {
		_ = model.DraftFromPlan(p)
	}
}

// BenchmarkAuditChecks runs the audit's checks over 10,000 groups of 20
// rules each with an interface each (the reading is aws's benchmark).
func BenchmarkAuditChecks(b *testing.B) {
	inv := model.Inventory{Account: "123456789012", Region: "us-east-1",
		Checked: []string{model.CheckedInterfaces, model.CheckedTemplates, model.CheckedRules, model.CheckedPeering}}
	for i := range 10_000 {
		g := model.Group{ID: fmt.Sprintf("sg-%017x", i), Name: fmt.Sprintf("g%d", i), VPC: "vpc-1", Egress: model.NewGroupEgress(false)}
		for j := range 20 {
			g.Ingress = append(g.Ingress, model.Rule{Protocol: model.TCP, Ports: model.Port(443),
				Peer: model.CIDR(netip.MustParsePrefix(fmt.Sprintf("10.0.%d.0/24", j))), Description: "branch"})
		}
		inv.Groups = append(inv.Groups, g)
		inv.Interfaces = append(inv.Interfaces, model.Interface{ID: fmt.Sprintf("eni-%d", i), Groups: []string{g.ID}})
	}
	for b.Loop() {
		model.Audit(inv, model.AuditOptions{})
	}
}
