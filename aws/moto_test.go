package aws_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/netip"
	"sort"
	"testing"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	sgaws "github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/aws/awstest"
	"github.com/sgwiz/sgwiz/export"
	"github.com/sgwiz/sgwiz/internal/mototest"
	"github.com/sgwiz/sgwiz/model"
)

var office = []netip.Prefix{netip.MustParsePrefix("203.0.113.10/32")}

func presetPlan(t testing.TB, id string) model.Plan {
	t.Helper()
	u, _ := model.LookupUseCase(id)
	p, err := u.Build(model.Inputs{Office: office, Tags: []model.Tag{{Key: "Owner", Value: "sgwiz-test"}}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// connect returns sgwiz's client for the server, recording its calls.
func connect(t *testing.T, url string) (*sgaws.Client, *mototest.Recorder) {
	t.Helper()
	rec := &mototest.Recorder{}
	c, err := sgaws.Connect(context.Background(), sgaws.Options{Region: "us-east-1", EndpointURL: url, HTTPClient: &http.Client{Transport: rec}})
	if err != nil {
		t.Fatal(err)
	}
	return c, rec
}

// rawEC2 is a plain SDK client, to look at the account independently.
func rawEC2(t *testing.T, url string) *ec2.Client {
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("us-east-1"), config.WithBaseEndpoint(url))
	if err != nil {
		t.Fatal(err)
	}
	return ec2.NewFromConfig(cfg)
}

// described returns the named groups as describe-security-groups reports
// them, in the json export's shape, normalised: ids replaced by the names
// of the groups they point to, lists sorted.
func described(t *testing.T, c *ec2.Client, names []string) string {
	t.Helper()
	out, err := c.DescribeSecurityGroups(context.Background(), &ec2.DescribeSecurityGroupsInput{
		Filters: []types.Filter{{Name: sdk.String("group-name"), Values: names}}})
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
	var groups []export.SecurityGroup
	for _, sg := range out.SecurityGroups {
		g := export.SecurityGroup{GroupName: sdk.ToString(sg.GroupName), Description: sdk.ToString(sg.Description)}
		for _, tag := range sg.Tags {
			g.Tags = append(g.Tags, export.Tag{Key: sdk.ToString(tag.Key), Value: sdk.ToString(tag.Value)})
		}
		conv := func(perms []types.IpPermission) []export.IpPermission {
			res := []export.IpPermission{}
			for _, p := range perms {
				e := export.IpPermission{IpProtocol: sdk.ToString(p.IpProtocol), IpRanges: []export.IpRange{}, Ipv6Ranges: []export.Ipv6Range{}, PrefixListIds: []export.PrefixListId{}, UserIdGroupPairs: []export.UserIdGroupPair{}}
				if p.FromPort != nil && e.IpProtocol != "-1" {
					f, to := int(*p.FromPort), int(*p.ToPort)
					e.FromPort, e.ToPort = &f, &to
				}
				for _, r := range p.IpRanges {
					e.IpRanges = append(e.IpRanges, export.IpRange{CidrIp: sdk.ToString(r.CidrIp), Description: sdk.ToString(r.Description)})
				}
				for _, r := range p.Ipv6Ranges {
					e.Ipv6Ranges = append(e.Ipv6Ranges, export.Ipv6Range{CidrIpv6: sdk.ToString(r.CidrIpv6), Description: sdk.ToString(r.Description)})
				}
				for _, r := range p.PrefixListIds {
					e.PrefixListIds = append(e.PrefixListIds, export.PrefixListId{PrefixListId: sdk.ToString(r.PrefixListId), Description: sdk.ToString(r.Description)})
				}
				for _, r := range p.UserIdGroupPairs {
					e.UserIdGroupPairs = append(e.UserIdGroupPairs, export.UserIdGroupPair{GroupName: nameOf[sdk.ToString(r.GroupId)], Description: sdk.ToString(r.Description)})
				}
				res = append(res, e)
			}
			return res
		}
		g.IpPermissions, g.IpPermissionsEgress = conv(sg.IpPermissions), conv(sg.IpPermissionsEgress)
		groups = append(groups, g)
	}
	return normalised(t, groups)
}

// normalised is groups as sorted JSON, without ids and VPCs.
func normalised(t *testing.T, groups []export.SecurityGroup) string {
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

func groupNames(p model.Plan) []string {
	var names []string
	for _, g := range p.Groups {
		names = append(names, g.Name)
	}
	return names
}

// TestApplyEveryPresetMatchesTheJSONExport applies each preset to moto,
// then compares DescribeSecurityGroups with the json export; a second
// apply must make no mutating call.
func TestApplyEveryPresetMatchesTheJSONExport(t *testing.T) {
	s := mototest.Start(t)
	s.SetEnv(t)
	applyEveryPreset(t, s.URL, func() { s.Reset(t) })
}

// TestSandboxAppliesEveryPresetLikeMoto runs the same sequences on the
// in-process sandbox: what both do where they follow AWS must agree.
func TestSandboxAppliesEveryPresetLikeMoto(t *testing.T) {
	t.Setenv("AWS_CA_BUNDLE", "")
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	var sb *awstest.Server
	applyEveryPreset(t, "", func() {
		if sb != nil {
			sb.Close()
		}
		sb = awstest.NewServer()
		t.Cleanup(sb.Close)
	}, func() string { return sb.URL })
}

// applyEveryPreset applies each preset after reset, compares the groups
// with the json export, and checks that a second apply changes nothing.
// url is the endpoint, or "" with urlOf giving it after each reset.
func applyEveryPreset(t *testing.T, url string, reset func(), urlOf ...func() string) {
	ctx := context.Background()
	for _, u := range model.UseCases() {
		t.Run(u.ID, func(t *testing.T) {
			reset()
			if len(urlOf) > 0 {
				url = urlOf[0]()
			}
			s := struct{ URL string }{url}
			p := presetPlan(t, u.ID)
			c, rec := connect(t, s.URL)
			ch, err := c.Plan(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			res, err := c.Apply(ctx, ch)
			if err != nil {
				t.Fatal(err)
			}
			actions := rec.Actions()
			want := normalised(t, export.SecurityGroups(p))
			if got := described(t, rawEC2(t, s.URL), groupNames(p)); got != want {
				t.Errorf("after apply, AWS reports:\n%s\nthe json export says:\n%s", got, want)
			}
			maxCalls := 4 * len(p.Groups) // create, ingress, revoke default egress, egress
			if m := mototest.Mutating(actions); m > maxCalls || m != res.Calls {
				t.Errorf("%d mutating calls (%v), reported %d, at most %d", m, actions, res.Calls, maxCalls)
			}
			t.Logf("%s: %d groups, %d calls in all: %v", u.ID, len(p.Groups), len(actions), actions)

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
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
