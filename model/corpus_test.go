package model_test

import (
	"testing"

	"github.com/sgwiz/sgwiz/internal/findingtest"
	"github.com/sgwiz/sgwiz/model"
)

// TestCorpus: lint gives each plan of the corpus exactly its findings,
// severities and controls (aws's TestCorpusAudit gives audit the same
// groups applied to an account).
func TestCorpus(t *testing.T) {
	for _, c := range findingtest.Corpus {
		t.Run(c.Name, func(t *testing.T) {
			p, _, err := model.ParsePlan(c.Plan())
			if err != nil {
				t.Fatalf("the case's plan: %v\n%s", err, c.Plan())
			}
			findingtest.Check(t, c, p.Check())
		})
	}
}
