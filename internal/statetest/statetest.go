// Package statetest compares what an EC2 account holds with what a plan
// says, for tests of every path that changes an account (apply, the CLI
// script, Terraform, CloudFormation): Described reads the groups as
// describe-security-groups and describe-security-group-rules report them,
// Want is the plan's json export, both normalised alike, so that
// Described(...) == Want(plan) proves the account holds the plan.
package statetest

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"testing"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/sgwiz/sgwiz/export"
	"github.com/sgwiz/sgwiz/model"
)

// Described returns the named groups of the VPC as describe-security-groups
// reports them, in the json export's shape, normalised: ids replaced by
// the names of the groups they point to, lists sorted.
func Described(t testing.TB, c *ec2.Client, vpc string, names []string) string {
	t.Helper()
	filters := []types.Filter{{Name: sdk.String("group-name"), Values: names}}
	if vpc != "" {
		filters = append(filters, types.Filter{Name: sdk.String("vpc-id"), Values: []string{vpc}})
	}
	out, err := c.DescribeSecurityGroups(context.Background(), &ec2.DescribeSecurityGroupsInput{Filters: filters})
	if err != nil {
		t.Fatal(err)
	}
	all, err := c.DescribeSecurityGroups(context.Background(), &ec2.DescribeSecurityGroupsInput{})
	if err != nil {
		t.Fatal(err)
	}
	nameOf := map[string]string{}
	for _, sg := range all.SecurityGroups {
		nameOf[sdk.ToString(sg.GroupId)] = sdk.ToString(sg.GroupName)
	}
	// Rule tags are not in DescribeSecurityGroups: DescribeSecurityGroupRules
	// has them, by rule.
	type ruleAt struct{ group, key string }
	ruleTags := map[ruleAt][]export.Tag{}
	if len(out.SecurityGroups) > 0 {
		var ids []string
		for _, sg := range out.SecurityGroups {
			ids = append(ids, sdk.ToString(sg.GroupId))
		}
		p := ec2.NewDescribeSecurityGroupRulesPaginator(c, &ec2.DescribeSecurityGroupRulesInput{Filters: []types.Filter{{Name: sdk.String("group-id"), Values: ids}}})
		for p.HasMorePages() {
			page, err := p.NextPage(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range page.SecurityGroupRules {
				peer := sdk.ToString(r.CidrIpv4) + sdk.ToString(r.CidrIpv6) + sdk.ToString(r.PrefixListId)
				if r.ReferencedGroupInfo != nil {
					peer = sdk.ToString(r.ReferencedGroupInfo.GroupId)
				}
				var tags []export.Tag
				for _, tag := range r.Tags {
					tags = append(tags, export.Tag{Key: sdk.ToString(tag.Key), Value: sdk.ToString(tag.Value)})
				}
				sort.Slice(tags, func(a, b int) bool { return tags[a].Key < tags[b].Key })
				ruleTags[ruleAt{sdk.ToString(r.GroupId), fmt.Sprint(sdk.ToBool(r.IsEgress), sdk.ToString(r.IpProtocol), sdk.ToInt32(r.FromPort), sdk.ToInt32(r.ToPort), peer)}] = tags
			}
		}
	}
	var groups []export.SecurityGroup
	for _, sg := range out.SecurityGroups {
		g := export.SecurityGroup{GroupName: sdk.ToString(sg.GroupName), Description: sdk.ToString(sg.Description)}
		for _, tag := range sg.Tags {
			g.Tags = append(g.Tags, export.Tag{Key: sdk.ToString(tag.Key), Value: sdk.ToString(tag.Value)})
		}
		conv := func(perms []types.IpPermission, egress bool) []export.IpPermission {
			res := []export.IpPermission{}
			for _, p := range perms {
				from, to := int32(-1), int32(-1)
				if p.FromPort != nil {
					from, to = *p.FromPort, *p.ToPort
				}
				tagsOf := func(peer string) []export.Tag {
					return ruleTags[ruleAt{sdk.ToString(sg.GroupId), fmt.Sprint(egress, sdk.ToString(p.IpProtocol), from, to, peer)}]
				}
				e := export.IpPermission{IpProtocol: sdk.ToString(p.IpProtocol), IpRanges: []export.IpRange{}, Ipv6Ranges: []export.Ipv6Range{}, PrefixListIds: []export.PrefixListId{}, UserIdGroupPairs: []export.UserIdGroupPair{}}
				if p.FromPort != nil && e.IpProtocol != "-1" {
					f, to := int(*p.FromPort), int(*p.ToPort)
					e.FromPort, e.ToPort = &f, &to
				}
				for _, r := range p.IpRanges {
					e.IpRanges = append(e.IpRanges, export.IpRange{CidrIp: sdk.ToString(r.CidrIp), Description: sdk.ToString(r.Description), Tags: tagsOf(sdk.ToString(r.CidrIp))})
				}
				for _, r := range p.Ipv6Ranges {
					e.Ipv6Ranges = append(e.Ipv6Ranges, export.Ipv6Range{CidrIpv6: sdk.ToString(r.CidrIpv6), Description: sdk.ToString(r.Description), Tags: tagsOf(sdk.ToString(r.CidrIpv6))})
				}
				for _, r := range p.PrefixListIds {
					e.PrefixListIds = append(e.PrefixListIds, export.PrefixListId{PrefixListId: sdk.ToString(r.PrefixListId), Description: sdk.ToString(r.Description), Tags: tagsOf(sdk.ToString(r.PrefixListId))})
				}
				for _, r := range p.UserIdGroupPairs {
					e.UserIdGroupPairs = append(e.UserIdGroupPairs, export.UserIdGroupPair{GroupName: nameOf[sdk.ToString(r.GroupId)], Description: sdk.ToString(r.Description), Tags: tagsOf(sdk.ToString(r.GroupId))})
				}
				res = append(res, e)
			}
			return res
		}
		g.IpPermissions, g.IpPermissionsEgress = conv(sg.IpPermissions, false), conv(sg.IpPermissionsEgress, true)
		groups = append(groups, g)
	}
	return Normalised(t, groups)
}

// Normalised is groups as sorted JSON, without ids and VPCs.
func Normalised(t testing.TB, groups []export.SecurityGroup) string {
	t.Helper()
	for i := range groups {
		g := &groups[i]
		g.GroupId, g.VpcId = "", ""
		sort.Slice(g.Tags, func(a, b int) bool { return g.Tags[a].Key < g.Tags[b].Key })
		for _, perms := range [][]export.IpPermission{g.IpPermissions, g.IpPermissionsEgress} {
			for j := range perms {
				p := &perms[j]
				sort.Slice(p.IpRanges, func(a, b int) bool { return p.IpRanges[a].CidrIp < p.IpRanges[b].CidrIp })
				sort.Slice(p.Ipv6Ranges, func(a, b int) bool { return p.Ipv6Ranges[a].CidrIpv6 < p.Ipv6Ranges[b].CidrIpv6 })
				sort.Slice(p.UserIdGroupPairs, func(a, b int) bool { return p.UserIdGroupPairs[a].GroupName < p.UserIdGroupPairs[b].GroupName })
			}
			sort.Slice(perms, func(a, b int) bool {
				ka, _ := json.Marshal(perms[a])
				kb, _ := json.Marshal(perms[b])
				return string(ka) < string(kb)
			})
		}
	}
	sort.Slice(groups, func(a, b int) bool { return groups[a].GroupName < groups[b].GroupName })
	b, err := json.MarshalIndent(groups, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Want is the json export of the plan, normalised as Described is.
func Want(t testing.TB, p model.Plan) string {
	t.Helper()
	return Normalised(t, export.SecurityGroups(p.MergeDuplicates()))
}
