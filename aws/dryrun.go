package aws

import (
	"context"
	"fmt"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/sgwiz/sgwiz/model"
)

// Check is the DryRun verdict on one call: allowed, denied (with the IAM
// action to add), or not checkable before the groups exist.
type Check struct {
	Call    string
	Allowed bool
	Note    string
}

// DryRun asks EC2, with its DryRun flag, whether each call of the changes
// would be allowed, without changing anything. Calls on groups that do
// not exist yet cannot be checked (EC2 needs their id) and say so.
func (c *Client) DryRun(ctx context.Context, ch Changes) ([]Check, error) {
	var checks []Check
	ids := map[string]string{}
	for _, g := range ch.Groups {
		ids[g.Name] = g.ID
		if g.ID == "" {
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
		if !g.New() {
			continue
		}
		_, err := c.ec2.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{DryRun: sdk.Bool(true),
			GroupName: sdk.String(g.Name), Description: sdk.String(g.Description), VpcId: sdk.String(ch.VPC)})
		verdict("CreateSecurityGroup "+g.Name, err)
	}
	for _, g := range ch.Groups {
		for _, d := range []model.Direction{model.Ingress, model.Egress} {
			for _, op := range []struct {
				rules []model.Rule
				name  string
				call  func() error
			}{
				{g.Remove[d], "Revoke", func() error { return c.dryRevoke(ctx, d, ids[g.Name], g.Remove[d], ids) }},
				{g.Add[d], "Authorize", func() error { return c.dryAuthorize(ctx, d, ids[g.Name], g.Add[d], ids) }},
			} {
				if len(op.rules) == 0 {
					continue
				}
				call := fmt.Sprintf("%sSecurityGroup%s %s", op.name, dirName(d), g.Name)
				if g.New() {
					checks = append(checks, Check{Call: call, Allowed: true, Note: "not checkable before the group exists"})
					continue
				}
				verdict(call, op.call())
			}
		}
	}
	return checks, nil
}

func dirName(d model.Direction) string {
	if d == model.Egress {
		return "Egress"
	}
	return "Ingress"
}

func (c *Client) dryAuthorize(ctx context.Context, d model.Direction, id string, rules []model.Rule, ids map[string]string) error {
	perms := permissions(rules, ids)
	if d == model.Egress {
		_, err := c.ec2.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{DryRun: sdk.Bool(true), GroupId: sdk.String(id), IpPermissions: perms})
		return err
	}
	_, err := c.ec2.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{DryRun: sdk.Bool(true), GroupId: sdk.String(id), IpPermissions: perms})
	return err
}

func (c *Client) dryRevoke(ctx context.Context, d model.Direction, id string, rules []model.Rule, ids map[string]string) error {
	perms := permissions(rules, ids)
	if d == model.Egress {
		_, err := c.ec2.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{DryRun: sdk.Bool(true), GroupId: sdk.String(id), IpPermissions: perms})
		return err
	}
	_, err := c.ec2.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{DryRun: sdk.Bool(true), GroupId: sdk.String(id), IpPermissions: perms})
	return err
}
