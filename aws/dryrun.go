package aws

import (
	"context"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/sgwiz/sgwiz/model"
)

// Check is the DryRun verdict on one call: allowed, denied (with the IAM
// action to add), or unchecked: EC2 checks a call on a group only once the
// group exists.
type Check struct {
	Call    string
	Allowed bool
	// Unchecked says the call could not be asked (Allowed is then false).
	Unchecked bool
	Note      string
}

// DryRun asks EC2, with its DryRun flag, whether each call of the changes
// would be allowed, without changing anything. Calls on groups that do
// not exist yet cannot be checked (EC2 needs their id) and say so.
func (c *Client) DryRun(ctx context.Context, ch Changes) ([]Check, error) {
	var checks []Check
	ids := map[string]string{}
	for _, g := range ch.Groups {
		ids[g.Name] = g.ID
		if g.New() {
			ids[g.Name] = "sg-00000000" // a well-formed stand-in for a group to create
		}
	}
	verdict := func(call string, err error) {
		switch {
		case isCode(err, "DryRunOperation"):
			checks = append(checks, Check{Call: call, Allowed: true, Note: "allowed"})
		case err == nil:
			checks = append(checks, Check{Call: call, Allowed: true, Note: "allowed (the endpoint ignored DryRun)"})
		default:
			e := explain(err, "")
			checks = append(checks, Check{Call: call, Note: e.Error()})
		}
	}
	for _, g := range ch.Groups {
		if g.New() {
			in := createInput(g, ch.VPC)
			in.DryRun = sdk.Bool(true)
			_, err := c.ec2.CreateSecurityGroup(ctx, in)
			verdict(createCall(g), err)
		}
	}
	for _, g := range ch.Groups {
		for _, rc := range g.ruleTagCalls() {
			verdict(rc.name(g), c.ruleTags(ctx, rc, true))
		}
		for _, set := range []bool{true, false} {
			if !g.New() && (set && len(g.SetTags) > 0 || !set && len(g.UnsetTags) > 0) {
				verdict(tagsCall(g, set), c.tags(ctx, g.ID, g, set, true))
			}
		}
		for _, d := range []model.Direction{model.Ingress, model.Egress} {
			for _, st := range g.steps(d) {
				if g.New() {
					checks = append(checks, Check{Call: st.name(d, g), Unchecked: true, Note: "not checked: EC2 checks it only on a group that exists"})
				} else {
					verdict(st.name(d, g), c.dryStep(ctx, st, d, ids[g.Name], ids))
				}
			}
		}
	}
	return checks, nil
}

// dryStep sends one step with EC2's DryRun flag as apply sends it: an add
// a call per set of rule tags, with its TagSpecifications (tagging on
// create needs a permission of its own). The first refusal is the verdict.
func (c *Client) dryStep(ctx context.Context, st ruleStep, d model.Direction, id string, ids map[string]string) error {
	if st.k != authorizeCall {
		return c.send(ctx, st.k, d, id, permissions(st.rules, ids), true)
	}
	var err error
	for _, part := range model.ByTags(st.rules) {
		if _, err = c.authorize(ctx, d, id, permissions(part.Rules, ids), ruleTagSpecs(part.Tags), true); !isCode(err, "DryRunOperation") {
			return err
		}
	}
	return err
}
