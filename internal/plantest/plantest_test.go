package plantest

import (
	"testing"

	"github.com/sgwiz/sgwiz/model"
)

func TestCataloguePlanHoldsEveryService(t *testing.T) {
	p := CataloguePlan()
	rules := 0
	for _, g := range p.Groups {
		rules += len(g.Ingress)
		if v4, v6 := model.QuotaCount(g.Ingress); v4 > model.MaxRulesPerDirection || v6 > model.MaxRulesPerDirection {
			t.Errorf("%s is over the quota: %d/%d", g.Name, v4, v6)
		}
	}
	want := 0
	for _, s := range model.Catalogue() {
		want += len(s.Ports)
	}
	if rules != want || len(p.Groups[0].Merged) != 0 {
		t.Errorf("%d rules for %d ports of the catalogue", rules, want)
	}
}
