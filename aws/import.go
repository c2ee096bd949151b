package aws

import (
	"context"
	"fmt"
	"slices"
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
	p, _, err := c.importGroups(ctx, ids...)
	return p, err
}

// ImportNoting is Import, saying which temporary rules it left out and
// which other VPCs each group is associated with (read-only notes: the
// plan holds no associations).
func (c *Client) ImportNoting(ctx context.Context, ids ...string) (model.Plan, []string, error) {
	p, notes, err := c.importGroups(ctx, ids...)
	if err != nil {
		return p, notes, err
	}
	return p, append(notes, c.associationNotes(ctx, p.Groups)...), nil
}

// withoutTemporary takes the temporary rules out of a group, saying
// which.
func withoutTemporary(g *model.Group) (notes []string) {
	for _, d := range []model.Direction{model.Ingress, model.Egress} {
		kept := []model.Rule{}
		for _, r := range g.Rules(d) {
			if temporary(r) {
				notes = append(notes, fmt.Sprintf("%s (%s): left out the temporary rule %s (%s), %s (sgwiz sweep revokes it; apply keeps it meanwhile)", g.ID, g.Name, r.Text(d), r.ID, until(r)))
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
	return notes
}

func (c *Client) importGroups(ctx context.Context, ids ...string) (model.Plan, []string, error) {
	for _, id := range ids {
		if p, _, err := model.ParsePeer(id); err != nil || p.Kind() != model.PeerGroupID {
			return model.Plan{}, nil, fmt.Errorf("%q is not a security group id: it is sg- and 8 or 17 lowercase hex digits", id)
		}
	}
	groups, vpc, err := c.readWithReferenced(ctx, ids)
	if err != nil {
		return model.Plan{}, nil, err
	}
	names := map[string]string{}
	for _, sg := range groups {
		names[sdk.ToString(sg.GroupId)] = sdk.ToString(sg.GroupName)
	}
	p := model.Plan{}
	var notes []string
	for _, sg := range groups {
		g, err := importedGroup(sg, vpc, names)
		if err != nil {
			return model.Plan{}, nil, err
		}
		p.Groups = append(p.Groups, g)
	}
	// The rules' ids and tags: the plan holds what AWS holds, so that
	// applying it changes nothing, and exports can adopt each rule.
	if err := c.readRuleTags(ctx, p.Groups, names); err != nil {
		return model.Plan{}, nil, err
	}
	for i := range p.Groups {
		notes = append(notes, withoutTemporary(&p.Groups[i])...)
	}
	if len(p.Groups) == 0 {
		return model.Plan{}, nil, fmt.Errorf("found none of %s in %s", strings.Join(ids, ", "), c.Region)
	}
	if err := p.Validate(); err != nil {
		return model.Plan{}, nil, fmt.Errorf("the imported groups are not a valid plan (AWS accepted what sgwiz checks): %w", err)
	}
	return p, notes, nil
}

// readWithReferenced reads the groups of the ids and, breadth first, the
// groups their rules reference in the same VPC (the VPC of the first group
// read), up to about maxImport groups.
func (c *Client) readWithReferenced(ctx context.Context, ids []string) (groups []types.SecurityGroup, vpc string, err error) {
	seen := map[string]bool{}
	queue := append([]string(nil), ids...)
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
			return nil, "", err
		}
		for _, sg := range found {
			if vpc == "" {
				vpc = sdk.ToString(sg.VpcId)
			}
			if sdk.ToString(sg.VpcId) != vpc {
				continue // a reference into another VPC (peering) stays an sg- id
			}
			groups = append(groups, sg)
			queue = append(queue, referenced(sg, vpc, seen)...)
		}
	}
	return groups, vpc, nil
}

// referenced are the ids of the groups sg's rules name that are in the
// VPC, not through peering, and not yet seen.
func referenced(sg types.SecurityGroup, vpc string, seen map[string]bool) []string {
	var out []string
	for _, perms := range [][]types.IpPermission{sg.IpPermissions, sg.IpPermissionsEgress} {
		for _, p := range perms {
			for _, pair := range p.UserIdGroupPairs {
				if id := sdk.ToString(pair.GroupId); !seen[id] && (pair.VpcId == nil || sdk.ToString(pair.VpcId) == vpc) && sdk.ToString(pair.PeeringStatus) == "" {
					out = append(out, id)
				}
			}
		}
	}
	return out
}

// importedGroup is the plan's group for sg, an existing group of the VPC:
// its id, tags (aws:… aside) and rules, groups named as in names.
func importedGroup(sg types.SecurityGroup, vpc string, names map[string]string) (model.Group, error) {
	g := model.Group{Name: sdk.ToString(sg.GroupName), Description: sdk.ToString(sg.Description), VPC: vpc, ID: sdk.ToString(sg.GroupId)}
	for _, t := range sg.Tags {
		if !model.IsAWSTag(sdk.ToString(t.Key)) {
			g.Tags = append(g.Tags, model.Tag{Key: sdk.ToString(t.Key), Value: sdk.ToString(t.Value)})
		}
	}
	var err error
	if g.Ingress, err = rulesOf(sg.IpPermissions, names); err != nil {
		return model.Group{}, err
	}
	if g.Egress, err = rulesOf(sg.IpPermissionsEgress, names); err != nil {
		return model.Group{}, err
	}
	return g, nil
}

// WithRuleTags returns the groups (existing ones: each has an id) with
// their rules' ids and tags as AWS holds them (DescribeSecurityGroupRules),
// aws:… tags aside: a plan made of groups read from DescribeSecurityGroups
// (an audit's fix) then holds what AWS holds, and applying it keeps the
// rules' tags.
func (c *Client) WithRuleTags(ctx context.Context, groups ...model.Group) ([]model.Group, error) {
	out := make([]model.Group, len(groups))
	for i, g := range groups {
		g.Ingress, g.Egress = slices.Clone(g.Ingress), slices.Clone(g.Egress)
		out[i] = g
	}
	return out, c.readRuleTags(ctx, out, nil)
}

// readRuleTags gives the rules of the groups their ids and tags; names
// maps ids of groups to the names the rules use for them (nil: the rules
// name groups by id).
func (c *Client) readRuleTags(ctx context.Context, groups []model.Group, names map[string]string) error {
	var ids []string
	for _, g := range groups {
		ids = append(ids, g.ID)
	}
	extras, err := c.ruleExtras(ctx, ids, names)
	if err != nil {
		return err
	}
	for gi := range groups {
		g := &groups[gi]
		for _, d := range []model.Direction{model.Ingress, model.Egress} {
			rules := g.Rules(d)
			extras.fill(g.ID, d, rules)
			for i := range rules {
				// aws:… tags are AWS's: a plan does not hold them, and apply
				// never touches them.
				rules[i].Tags = rules[i].Tags.Without(awsKeys(rules[i].Tags)...)
			}
		}
	}
	return nil
}

// awsKeys are the keys of AWS's own tags (aws:…) in tags.
func awsKeys(tags model.Tags) []string {
	var keys []string
	for _, t := range tags.List() {
		if model.IsAWSTag(t.Key) {
			keys = append(keys, t.Key)
		}
	}
	return keys
}
