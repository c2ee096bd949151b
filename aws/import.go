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
// updates it in place.
func (c *Client) Import(ctx context.Context, ids ...string) (model.Plan, error) {
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
