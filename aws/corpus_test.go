package aws_test

import (
	"context"
	"testing"

	"github.com/sgwiz/sgwiz/internal/findingtest"
	"github.com/sgwiz/sgwiz/model"
)

// TestCorpusAudit: every plan of the corpus, applied to the sandbox (each
// group on a network interface of its own, so that none is unused), gives
// audit exactly the findings lint gives the plan (model's TestCorpus).
func TestCorpusAudit(t *testing.T) {
	t.Parallel()
	for _, tc := range findingtest.Corpus {
		t.Run(tc.Name, func(t *testing.T) {
			if tc.PlanOnly != "" {
				t.Skip("lint only: " + tc.PlanOnly)
			}
			p, _, err := model.ParsePlan(tc.Plan())
			if err != nil {
				t.Fatal(err)
			}
			c, sb := sandbox(t)
			if err := apply(c, p); err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			inv, _, err := c.Inventory(ctx)
			if err != nil {
				t.Fatal(err)
			}
			name := map[string]string{}
			for _, g := range inv.Groups {
				name[g.ID] = g.Name
				if p.Group(g.Name) != nil {
					sb.Handler().AddInterface("corpus", g.ID)
				}
			}
			if inv, _, err = c.Inventory(ctx); err != nil {
				t.Fatal(err)
			}
			var fs []model.Finding
			for _, f := range model.Audit(inv, model.AuditOptions{}) {
				g := p.Group(f.Group)
				if g == nil {
					continue // the VPC's default group
				}
				if f.Index >= 0 {
					// The plan's index of the rule, read back with its
					// group references by name.
					r := f.Rule
					if r.Peer.Kind() == model.PeerGroupID {
						r.Peer = model.GroupRef(name[r.Peer.Ref()])
					}
					f.Index = -2
					for i, o := range g.Rules(f.Direction) {
						if o.Key() == r.Key() {
							f.Index = i
						}
					}
				}
				fs = append(fs, f.Finding)
			}
			findingtest.Check(t, tc, fs)
		})
	}
}
