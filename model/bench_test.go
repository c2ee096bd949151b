package model_test

import (
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
