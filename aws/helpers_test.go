package aws_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"sort"
	"sync"
	"testing"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	sgaws "github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/export"
	"github.com/sgwiz/sgwiz/internal/mototest"
	"github.com/sgwiz/sgwiz/model"
)

// One moto_server serves the package's tests, an account each.
func TestMain(m *testing.M) { mototest.Main(m) }

var office = []netip.Prefix{netip.MustParsePrefix("203.0.113.10/32")}

func presetPlan(t testing.TB, id string) model.Plan {
	t.Helper()
	return presetIn(t, id, model.Inputs{})
}

// presetIn builds a preset with an office CIDR and an Owner tag on top of in.
func presetIn(t testing.TB, id string, in model.Inputs) model.Plan {
	t.Helper()
	u, _ := model.LookupUseCase(id)
	in.Office = office
	in.Tags = append(in.Tags, model.Tag{Key: "Owner", Value: "sgwiz-test"})
	p, err := u.Build(in)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var testCredentials = credentials.NewStaticCredentialsProvider("test", "test", "")

// connect returns sgwiz's client for the endpoint, recording its calls.
func connect(t testing.TB, url string) (*sgaws.Client, *mototest.Recorder) {
	t.Helper()
	rec := &mototest.Recorder{}
	c, err := sgaws.Connect(context.Background(), sgaws.Options{Region: "us-east-1", EndpointURL: url,
		HTTPClient: &http.Client{Transport: rec}, Credentials: testCredentials})
	if err != nil {
		t.Fatal(err)
	}
	return c, rec
}

// rawEC2 is a plain SDK client, to look at the account independently.
func rawEC2(t testing.TB, url string, opts ...func(*config.LoadOptions) error) *ec2.Client {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(), append([]func(*config.LoadOptions) error{config.WithRegion("us-east-1"),
		config.WithBaseEndpoint(url), config.WithCredentialsProvider(testCredentials)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return ec2.NewFromConfig(cfg)
}

// ipv6VPC makes a VPC with an Amazon-provided IPv6 block, in which AWS
// gives new groups an outbound rule to ::/0 too.
func ipv6VPC(t testing.TB, c *ec2.Client) string {
	t.Helper()
	out, err := c.CreateVpc(context.Background(), &ec2.CreateVpcInput{CidrBlock: sdk.String("10.9.0.0/16"), AmazonProvidedIpv6CidrBlock: sdk.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	return sdk.ToString(out.Vpc.VpcId)
}

// defaultVPC is the account's default VPC.
func defaultVPC(t testing.TB, c *ec2.Client) string {
	t.Helper()
	out, err := c.DescribeVpcs(context.Background(), &ec2.DescribeVpcsInput{Filters: []types.Filter{{Name: sdk.String("is-default"), Values: []string{"true"}}}})
	if err != nil || len(out.Vpcs) == 0 {
		t.Fatalf("no default VPC: %v", err)
	}
	return sdk.ToString(out.Vpcs[0].VpcId)
}

// described returns the named groups of the VPC as describe-security-groups
// reports them, in the json export's shape, normalised: ids replaced by
// the names of the groups they point to, lists sorted.
func described(t testing.TB, c *ec2.Client, vpc string, names []string) string {
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
	return normalised(t, groups)
}

// normalised is groups as sorted JSON, without ids and VPCs.
func normalised(t testing.TB, groups []export.SecurityGroup) string {
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

// wantJSON is the json export of the plan, normalised as described is.
func wantJSON(t testing.TB, p model.Plan) string {
	t.Helper()
	return normalised(t, export.SecurityGroups(p.MergeDuplicates()))
}

func groupNames(p model.Plan) []string {
	var names []string
	for _, g := range p.Groups {
		names = append(names, g.Name)
	}
	return names
}

// fanOut runs f as subtests named by names, up to width at a time. The
// subtests wait on moto and sleeps, not on the CPU, so they run wider
// than go test's -parallel (the number of CPUs) would let them.
func fanOut(t *testing.T, width int, names []string, f func(t *testing.T, i int)) {
	sem := make(chan struct{}, width)
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			t.Run(name, func(t *testing.T) { f(t, i) })
		}()
	}
	wg.Wait()
}

// vpcKinds are the two kinds of VPC every engine is proven in.
var vpcKinds = []string{"ipv4", "ipv6"}

// vpcOf returns the VPC of that kind in the account behind c.
func vpcOf(t testing.TB, c *ec2.Client, kind string) string {
	t.Helper()
	if kind == "ipv6" {
		return ipv6VPC(t, c)
	}
	return defaultVPC(t, c)
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

var _ = fmt.Sprint
