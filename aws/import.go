package aws

import (
	"context"
	"fmt"
	"strings"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/sgwiz/sgwiz/model"
)

// maxImport bounds how many groups an import follows references to.
const maxImport = 50

// Import reads existing groups, and the groups their rules reference in
// the same VPC, as a plan: each group keeps its id, so applying the plan
// updates it in place. Temporary rules (sgwiz allow) are left out: they
// are not the group's to keep, and apply leaves them to sgwiz sweep.
func (c *Client) Import(ctx context.Context, ids ...string) (model.Plan, error) {
	p, _, err := c.ImportNoting(ctx, ids...)
	return p, err
}

// ImportNoting is Import, saying which temporary rules it left out.
func (c *Client) ImportNoting(ctx context.Context, ids ...string) (model.Plan, []string, error) {
	p, err := c.importGroups(ctx, ids...)
	if err != nil {
		return p, nil, err
	}
	var notes []string
	for gi := range p.Groups {
		g := &p.Groups[gi]
		for _, d := range []model.Direction{model.Ingress, model.Egress} {
			kept := []model.Rule{}
			for _, r := range g.Rules(d) {
				if at, ok := model.ExpiryOf(r.Description); ok {
					notes = append(notes, fmt.Sprintf("%s (%s): left out the temporary rule %s, until %s (sgwiz sweep revokes it; apply keeps it meanwhile)", g.ID, g.Name, r.Text(d), model.FormatExpiry(at)))
					continue
				}
				kept = append(kept, r)
			}
			if d == model.Egress {
				g.Egress = kept
			} else {
				g.Ingress = kept
			}
		}
	}
	return p, notes, nil
}

func (c *Client) importGroups(ctx context.Context, ids ...string) (model.Plan, error) {
	for _, id := range ids {
		if p, _, err := model.ParsePeer(id); err != nil || p.Kind() != model.PeerGroupID {
			return model.Plan{}, fmt.Errorf("%q is not a security group id: it is sg- and 8 or 17 lowercase hex digits", id)
		}
	}
	var groups []types.SecurityGroup
	seen := map[string]bool{}
	queue := append([]string(nil), ids...)
	vpc := ""
	for len(queue) > 0 && len(groups) < maxImport {
		var batch []string
		for _, id := range queue {
			if !seen[id] {
				seen[id] = true
				batch = append(batch, id)
			}
		}
		queue = nil
		if len(batch) == 0 {
			break
		}
		found, err := c.describe(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: batch})
		if err != nil {
			return model.Plan{}, err
		}
		for _, sg := range found {
			if vpc == "" {
				vpc = sdk.ToString(sg.VpcId)
			}
			if sdk.ToString(sg.VpcId) != vpc {
				continue // a reference into another VPC (peering) stays an sg- id
			}
			groups = append(groups, sg)
			for _, perms := range [][]types.IpPermission{sg.IpPermissions, sg.IpPermissionsEgress} {
				for _, p := range perms {
					for _, pair := range p.UserIdGroupPairs {
						if id := sdk.ToString(pair.GroupId); !seen[id] && (pair.VpcId == nil || sdk.ToString(pair.VpcId) == vpc) && sdk.ToString(pair.PeeringStatus) == "" {
							queue = append(queue, id)
						}
					}
				}
			}
		}
	}
	names := map[string]string{}
	for _, sg := range groups {
		names[sdk.ToString(sg.GroupId)] = sdk.ToString(sg.GroupName)
	}
	p := model.Plan{}
	for _, sg := range groups {
		g := model.Group{Name: sdk.ToString(sg.GroupName), Description: sdk.ToString(sg.Description), VPC: vpc, ID: sdk.ToString(sg.GroupId)}
		for _, t := range sg.Tags {
			if !strings.HasPrefix(sdk.ToString(t.Key), "aws:") {
				g.Tags = append(g.Tags, model.Tag{Key: sdk.ToString(t.Key), Value: sdk.ToString(t.Value)})
			}
		}
		var err error
		if g.Ingress, err = rulesOf(sg.IpPermissions, names); err != nil {
			return model.Plan{}, err
		}
		if g.Egress, err = rulesOf(sg.IpPermissionsEgress, names); err != nil {
			return model.Plan{}, err
		}
		if g.Ingress == nil {
			g.Ingress = []model.Rule{}
		}
		if g.Egress == nil {
			g.Egress = []model.Rule{}
		}
		p.Groups = append(p.Groups, g)
	}
	if len(p.Groups) == 0 {
		return model.Plan{}, fmt.Errorf("found none of %s in %s", strings.Join(ids, ", "), c.Region)
	}
	if err := p.Validate(); err != nil {
		return model.Plan{}, fmt.Errorf("the imported groups are not a valid plan (AWS accepted what sgwiz checks): %w", err)
	}
	return p, nil
}
