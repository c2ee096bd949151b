package aws

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/sgwiz/sgwiz/model"
)

// What an audit reads: every group, network interface and launch
// template version of a region, the groups' associations with other VPCs
// and the RAM shares that hold them, a page (up to 1,000) at a time, all
// at once; then, for the groups nothing else uses, whether a peered VPC
// refers to them. The calls grow with pages, not with groups.

// InRegion is the client for another region, with the same credentials.
func (c *Client) InRegion(region string) (*Client, error) {
	if !regionPattern.MatchString(region) {
		return nil, fmt.Errorf("%q is not an AWS region name: give one such as eu-west-1", region)
	}
	cfg := c.cfg.Copy()
	cfg.Region = region
	endpoint := c.Endpoint
	if cfg.BaseEndpoint == nil {
		endpoint = "https://ec2." + region + ".amazonaws.com"
	}
	return fromConfig(cfg, endpoint), nil
}

// AssumeRole is the client acting as role (an arn:aws:iam::ACCOUNT:role/NAME),
// its credentials refreshed by STS as they expire.
func (c *Client) AssumeRole(role string) *Client {
	cfg := c.cfg.Copy()
	cfg.Credentials = sdk.NewCredentialsCache(stscreds.NewAssumeRoleProvider(c.sts, role, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = "sgwiz-audit"
	}))
	return fromConfig(cfg, c.Endpoint)
}

// Regions lists the regions the account has enabled.
func (c *Client) Regions(ctx context.Context) ([]string, error) {
	out, err := c.ec2.DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	if err != nil {
		return nil, explain(err, "")
	}
	var names []string
	for _, r := range out.Regions {
		if sdk.ToString(r.OptInStatus) != "not-opted-in" {
			names = append(names, sdk.ToString(r.RegionName))
		}
	}
	return names, nil
}

// Inventory reads what an audit of the client's account and region needs;
// calls is how many API calls it made.
func (c *Client) Inventory(ctx context.Context) (inv model.Inventory, calls int, err error) {
	inv.Region = c.Region
	var n atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, 6)
	wg.Add(6)
	go func() {
		defer wg.Done()
		errs[0] = c.allGroups(ctx, &n, &inv)
	}()
	go func() {
		defer wg.Done()
		inv.Interfaces, errs[1] = c.interfaces(ctx, &n)
	}()
	go func() {
		defer wg.Done()
		inv.Templates, errs[2] = c.templates(ctx, &n)
	}()
	go func() {
		defer wg.Done()
		inv.Temporary, errs[3] = c.temporaryRules(ctx, func() { n.Add(1) })
	}()
	go func() {
		defer wg.Done()
		inv.Associations, errs[4] = c.vpcAssociations(ctx, &n)
	}()
	go func() {
		defer wg.Done()
		inv.Shares, errs[5] = c.sharedGroups(ctx, &n)
	}()
	wg.Wait()
	if errs[0] != nil {
		return inv, int(n.Load()), errs[0]
	}
	inv.Checked = append(inv.Checked, model.CheckedRules)
	for i, what := range []string{model.CheckedInterfaces, model.CheckedTemplates} {
		if e := errs[i+1]; e != nil {
			inv.Unchecked = append(inv.Unchecked, what+": "+firstLineOf(e))
		} else {
			inv.Checked = append(inv.Checked, what)
		}
	}
	if errs[3] != nil {
		inv.Unchecked = append(inv.Unchecked, "temporary rules' expiry: "+firstLineOf(errs[3]))
	}
	names := map[string][]string{} // group name → ids, for templates that name groups
	for _, g := range inv.Groups {
		names[g.Name] = append(names[g.Name], g.ID)
	}
	for i, t := range inv.Templates {
		var ids []string
		for _, g := range t.Groups {
			if strings.HasPrefix(g, "sg-") {
				ids = append(ids, g)
			} else {
				ids = append(ids, names[g]...) // a name: every group of that name is in use
			}
		}
		inv.Templates[i].Groups = ids
	}
	if err := c.peering(ctx, &inv, &n); err != nil {
		inv.Unchecked = append(inv.Unchecked, model.CheckedPeering+": "+firstLineOf(err))
	} else {
		inv.Checked = append(inv.Checked, model.CheckedPeering)
	}
	c.usageBeyondTheVPC(ctx, &inv, &n, errs[4], errs[5])
	return inv, int(n.Load()), nil
}

func firstLineOf(err error) string {
	first, _, _ := strings.Cut(err.Error(), "\n")
	return first
}

// allGroups reads every group into inv, a page at a time: only the
// model's form of each page is kept.
func (c *Client) allGroups(ctx context.Context, n *atomic.Int64, inv *model.Inventory) error {
	inv.Foreign = map[string]bool{}
	owners := map[string]string{} // group id → owner
	p := ec2.NewDescribeSecurityGroupsPaginator(c.ec2, &ec2.DescribeSecurityGroupsInput{MaxResults: sdk.Int32(1000)})
	for p.HasMorePages() {
		n.Add(1)
		page, err := p.NextPage(ctx)
		if err != nil {
			return explain(err, "")
		}
		for _, sg := range page.SecurityGroups {
			g, foreign, err := groupOf(sg)
			if err != nil {
				return err
			}
			owners[g.ID] = sdk.ToString(sg.OwnerId)
			// A default group is never shared: its owner is the account.
			if inv.Account == "" || g.Name == "default" {
				inv.Account = owners[g.ID]
			}
			for _, id := range foreign {
				inv.Foreign[id] = true
			}
			inv.Groups = append(inv.Groups, g)
		}
	}
	// Groups another account shares with this one (RAM) are listed too.
	for id, owner := range owners {
		if owner != "" && owner != inv.Account {
			if inv.OwnedElsewhere == nil {
				inv.OwnedElsewhere = map[string]string{}
			}
			inv.OwnedElsewhere[id] = owner
		}
	}
	return nil
}

func (c *Client) interfaces(ctx context.Context, n *atomic.Int64) ([]model.Interface, error) {
	var out []model.Interface
	p := ec2.NewDescribeNetworkInterfacesPaginator(c.ec2, &ec2.DescribeNetworkInterfacesInput{MaxResults: sdk.Int32(1000)})
	for p.HasMorePages() {
		n.Add(1)
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, explain(err, "")
		}
		for _, ni := range page.NetworkInterfaces {
			x := model.Interface{ID: sdk.ToString(ni.NetworkInterfaceId), Description: sdk.ToString(ni.Description), Groups: idsOf(ni.Groups)}
			out = append(out, x)
		}
	}
	return out, nil
}

// templates reads the $Default and $Latest versions of every launch
// template: the versions instances are launched from.
func (c *Client) templates(ctx context.Context, n *atomic.Int64) ([]model.TemplateUse, error) {
	var out []model.TemplateUse
	p := ec2.NewDescribeLaunchTemplateVersionsPaginator(c.ec2, &ec2.DescribeLaunchTemplateVersionsInput{
		Versions: []string{"$Latest", "$Default"}, MaxResults: sdk.Int32(200)})
	for p.HasMorePages() {
		n.Add(1)
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, explain(err, "")
		}
		for _, v := range page.LaunchTemplateVersions {
			t := model.TemplateUse{ID: sdk.ToString(v.LaunchTemplateId), Name: sdk.ToString(v.LaunchTemplateName), Version: sdk.ToInt64(v.VersionNumber)}
			if d := v.LaunchTemplateData; d != nil {
				t.Groups = append(append(t.Groups, d.SecurityGroupIds...), d.SecurityGroups...)
				for _, ni := range d.NetworkInterfaces {
					t.Groups = append(t.Groups, ni.Groups...)
				}
			}
			if len(t.Groups) > 0 {
				out = append(out, t)
			}
		}
	}
	return out, nil
}

// referencesBatch is how many group ids one DescribeSecurityGroupReferences
// call asks about.
const referencesBatch = 100

// peering asks which of the groups nothing in the region uses are
// referred to from peered VPCs, a batch of groups a call.
func (c *Client) peering(ctx context.Context, inv *model.Inventory, n *atomic.Int64) error {
	inv.Referenced = map[string][]string{}
	used := map[string]bool{}
	for _, ni := range inv.Interfaces {
		for _, id := range ni.Groups {
			used[id] = true
		}
	}
	for _, t := range inv.Templates {
		for _, id := range t.Groups {
			used[id] = true
		}
	}
	for _, a := range inv.Associations {
		used[a.GroupID] = used[a.GroupID] || a.InUse()
	}
	for id := range inv.Shares {
		used[id] = true
	}
	for id := range inv.OwnedElsewhere {
		used[id] = true
	}
	for _, g := range inv.Groups {
		for _, d := range []model.Direction{model.Ingress, model.Egress} {
			for _, r := range g.Rules(d) {
				if r.Peer.Kind() == model.PeerGroupID && r.Peer.Ref() != g.ID {
					used[r.Peer.Ref()] = true
				}
			}
		}
	}
	var candidates []string
	for _, g := range inv.Groups {
		if !used[g.ID] && g.Name != "default" {
			candidates = append(candidates, g.ID)
		}
	}
	for start := 0; start < len(candidates); start += referencesBatch {
		batch := candidates[start:min(len(candidates), start+referencesBatch)]
		n.Add(1)
		out, err := c.ec2.DescribeSecurityGroupReferences(ctx, &ec2.DescribeSecurityGroupReferencesInput{GroupId: batch},
			func(o *ec2.Options) { o.RetryMaxAttempts = 1 }) // failing, the check below is the fallback
		if err != nil {
			if notServed(err) {
				// Without the call: no peering connection and no transit
				// gateway attachment means no other VPC can refer to a group.
				return c.noPeering(ctx, n)
			}
			return explain(err, "")
		}
		for _, ref := range out.SecurityGroupReferenceSet {
			id := sdk.ToString(ref.GroupId)
			inv.Referenced[id] = append(inv.Referenced[id], sdk.ToString(ref.ReferencingVpcId))
		}
	}
	return nil
}

// groupOf is an AWS group as the model's, its rules naming other groups
// by id; foreign are the groups its rules name in other accounts or
// through peering.
func groupOf(sg types.SecurityGroup) (g model.Group, foreign []string, err error) {
	g = model.Group{ID: sdk.ToString(sg.GroupId), Name: sdk.ToString(sg.GroupName), Description: sdk.ToString(sg.Description), VPC: sdk.ToString(sg.VpcId)}
	for _, t := range sg.Tags {
		if !strings.HasPrefix(sdk.ToString(t.Key), "aws:") {
			g.Tags = append(g.Tags, model.Tag{Key: sdk.ToString(t.Key), Value: sdk.ToString(t.Value)})
		}
	}
	for _, perms := range [][]types.IpPermission{sg.IpPermissions, sg.IpPermissionsEgress} {
		for _, p := range perms {
			for _, pair := range p.UserIdGroupPairs {
				if pair.VpcPeeringConnectionId != nil || sdk.ToString(pair.PeeringStatus) != "" ||
					pair.UserId != nil && sdk.ToString(pair.UserId) != sdk.ToString(sg.OwnerId) {
					foreign = append(foreign, sdk.ToString(pair.GroupId))
				}
			}
		}
	}
	if g.Ingress, err = rulesOf(sg.IpPermissions, nil); err != nil {
		return g, nil, fmt.Errorf("%s: %w", g.ID, err)
	}
	if g.Egress, err = rulesOf(sg.IpPermissionsEgress, nil); err != nil {
		return g, nil, fmt.Errorf("%s: %w", g.ID, err)
	}
	return g, foreign, nil
}

// noPeering makes sure that no other VPC can refer to the region's groups
// (no active peering connection, no transit gateway attachment), for an
// endpoint without DescribeSecurityGroupReferences.
func (c *Client) noPeering(ctx context.Context, n *atomic.Int64) error {
	n.Add(2)
	pcx, err := c.ec2.DescribeVpcPeeringConnections(ctx, &ec2.DescribeVpcPeeringConnectionsInput{
		Filters: []types.Filter{{Name: sdk.String("status-code"), Values: []string{"active"}}}})
	if err != nil {
		return explain(err, "")
	}
	tgw, err := c.ec2.DescribeTransitGatewayVpcAttachments(ctx, &ec2.DescribeTransitGatewayVpcAttachmentsInput{})
	if err != nil {
		return explain(err, "")
	}
	if len(pcx.VpcPeeringConnections)+len(tgw.TransitGatewayVpcAttachments) > 0 {
		return errors.New("this endpoint does not serve DescribeSecurityGroupReferences, and the region has peering connections or transit gateway attachments")
	}
	return nil
}
