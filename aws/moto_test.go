package aws_test

import (
	"context"
	"testing"

	"github.com/sgwiz/sgwiz/aws/awstest"
	"github.com/sgwiz/sgwiz/internal/mototest"
	"github.com/sgwiz/sgwiz/model"
)

// TestApplyEveryPresetMatchesTheJSONExport applies each preset to moto, in
// a VPC with IPv4 only and in one with IPv6, then compares
// DescribeSecurityGroups with the json export; a second apply must make no
// mutating call.
func TestApplyEveryPresetMatchesTheJSONExport(t *testing.T) {
	t.Parallel()
	applyEveryPreset(t, func(t *testing.T, kind string) (string, string) {
		acct := mototest.NewAccount(t)
		return acct.URL, vpcOf(t, rawEC2(t, acct.URL), kind)
	})
}

// TestSandboxAppliesEveryPresetLikeMoto runs the same on the in-process
// sandbox: what both do where they follow AWS must agree.
func TestSandboxAppliesEveryPresetLikeMoto(t *testing.T) {
	t.Parallel()
	applyEveryPreset(t, func(t *testing.T, kind string) (string, string) {
		sb := awstest.NewServer()
		t.Cleanup(sb.Close)
		if kind == "ipv6" {
			return sb.URL, awstest.IPv6VPC
		}
		return sb.URL, awstest.DefaultVPC
	})
}

// applyEveryPreset applies each preset in each kind of VPC on a fresh
// endpoint (account gives its URL and VPC), compares the groups with the
// json export, and checks that a second apply changes nothing.
func applyEveryPreset(t *testing.T, account func(t *testing.T, kind string) (url, vpc string)) {
	var names []string
	var plans []model.Plan
	var kinds []string
	for _, u := range model.UseCases() {
		for _, kind := range vpcKinds {
			names = append(names, u.ID+"/"+kind)
			plans = append(plans, presetPlan(t, u.ID))
			kinds = append(kinds, kind)
		}
	}
	ctx := context.Background()
	fanOut(t, 8, names, func(t *testing.T, i int) {
		url, vpc := account(t, kinds[i])
		p := plans[i].Clone()
		for g := range p.Groups {
			p.Groups[g].VPC = vpc
		}
		c, rec := connect(t, url)
		ch, err := c.Plan(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.Apply(ctx, ch)
		if err != nil {
			t.Fatal(err)
		}
		actions := rec.Actions()
		if got, want := described(t, rawEC2(t, url), vpc, groupNames(p)), wantJSON(t, p); got != want {
			t.Errorf("after apply, AWS reports:\n%s\nthe json export says:\n%s", got, want)
		}
		maxCalls := 4 * len(p.Groups) // create, ingress, one or two egress calls
		if m := mototest.Mutating(actions); m > maxCalls || m != res.Calls {
			t.Errorf("%d mutating calls (%v), reported %d, at most %d", m, actions, res.Calls, maxCalls)
		}
		for _, a := range actions {
			if a == "RevokeSecurityGroupEgress" && p.Groups[0].Egress != nil && hasDefaultEgress(p) {
				t.Errorf("keeping AWS's default egress must not revoke it: %v", actions)
			}
		}
		again, err := c.Plan(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if !again.Empty() {
			t.Errorf("a second apply should change nothing, plans: %v", again.Lines())
		}
		rec.Actions()
		if _, err := c.Apply(ctx, again); err != nil {
			t.Fatal(err)
		}
		if m := mototest.Mutating(rec.Actions()); m != 0 {
			t.Errorf("the second apply made %d mutating calls", m)
		}
	})
}

// hasDefaultEgress reports whether every group keeps AWS's default egress.
func hasDefaultEgress(p model.Plan) bool {
	for _, g := range p.Groups {
		keeps := false
		for _, r := range g.Egress {
			keeps = keeps || r.Key() == model.NewGroupEgress(false)[0].Key()
		}
		if !keeps {
			return false
		}
	}
	return true
}
