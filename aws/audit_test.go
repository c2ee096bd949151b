package aws_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"testing"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	sgaws "github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/aws/awstest"
	"github.com/sgwiz/sgwiz/internal/mototest"
	"github.com/sgwiz/sgwiz/model"
)

// engineAccount is an account on the sandbox or on moto: sgwiz's client, a raw
// SDK client to build and inspect it, and how to make what uses a group
// (a network interface, a launch template, an instance) there.
type engineAccount struct {
	c        *sgaws.Client
	raw      *ec2.Client
	attach   func(t *testing.T, groups ...string)
	template func(t *testing.T, name string, groups ...string)
	instance func(t *testing.T, groups ...string)
}

func newEngine(t *testing.T, engine string) engineAccount {
	if engine == "sandbox" {
		c, sb := sandbox(t)
		h := sb.Handler()
		return engineAccount{c: c, raw: rawEC2(t, sb.URL),
			attach:   func(t *testing.T, groups ...string) { h.AddInterface("test", groups...) },
			template: func(t *testing.T, name string, groups ...string) { h.AddLaunchTemplate(name, groups...) },
			instance: func(t *testing.T, groups ...string) { h.AddInterface("Primary network interface", groups...) }}
	}
	url := mototest.NewAccount(t).URL
	c, _ := connect(t, url)
	raw := rawEC2(t, url)
	ctx := context.Background()
	subnets, err := raw.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []types.Filter{{Name: sdk.String("default-for-az"), Values: []string{"true"}}}})
	if err != nil || len(subnets.Subnets) == 0 {
		t.Fatalf("moto has no default subnet: %v", err)
	}
	subnet := subnets.Subnets[0].SubnetId
	return engineAccount{c: c, raw: raw,
		attach: func(t *testing.T, groups ...string) {
			if _, err := raw.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: subnet, Groups: groups}); err != nil {
				t.Fatal(err)
			}
		},
		template: func(t *testing.T, name string, groups ...string) {
			if _, err := raw.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: sdk.String(name),
				LaunchTemplateData: &types.RequestLaunchTemplateData{ImageId: sdk.String("ami-12c6146b"), SecurityGroupIds: groups}}); err != nil {
				t.Fatal(err)
			}
		},
		// An instance: moto gives it a network interface carrying its groups.
		instance: func(t *testing.T, groups ...string) {
			if _, err := raw.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: sdk.String("ami-12c6146b"), MinCount: sdk.Int32(1), MaxCount: sdk.Int32(1),
				SubnetId: subnet, SecurityGroupIds: groups}); err != nil {
				t.Fatal(err)
			}
		}}
}

// TestAuditAnAccount: an account built with known problems, on the sandbox
// and on moto, gives exactly the expected findings and nothing else, in
// as many calls as there are pages.
func TestAuditAnAccount(t *testing.T) {
	t.Parallel()
	for _, engine := range []string{"sandbox", "moto"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			e := newEngine(t, engine)
			ctx := context.Background()
			owner := []types.TagSpecification{{ResourceType: types.ResourceTypeSecurityGroup, Tags: []types.Tag{{Key: sdk.String("Owner"), Value: sdk.String("ops")}}}}
			create := func(name string, tags []types.TagSpecification, perms ...types.IpPermission) string {
				out, err := e.raw.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: sdk.String(name), Description: sdk.String(name), TagSpecifications: tags})
				if err != nil {
					t.Fatal(err)
				}
				if len(perms) > 0 {
					if _, err := e.raw.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: out.GroupId, IpPermissions: perms}); err != nil {
						t.Fatal(err)
					}
				}
				return sdk.ToString(out.GroupId)
			}
			tcp := func(port int32, cidr, desc string) types.IpPermission {
				return types.IpPermission{IpProtocol: sdk.String("tcp"), FromPort: sdk.Int32(port), ToPort: sdk.Int32(port),
					IpRanges: []types.IpRange{{CidrIp: sdk.String(cidr), Description: sdk.String(desc)}}}
			}
			web := create("web", nil, tcp(443, "0.0.0.0/0", "https"), tcp(22, "0.0.0.0/0", "ssh"))
			wizard := create("launch-wizard-1", owner, tcp(22, "10.0.0.0/8", "ssh"))
			db := create("db", owner, types.IpPermission{IpProtocol: sdk.String("tcp"), FromPort: sdk.Int32(5432), ToPort: sdk.Int32(5432),
				UserIdGroupPairs: []types.UserIdGroupPair{{GroupId: sdk.String(web), Description: sdk.String("from web")}}})
			batch := create("batch", owner)
			worker := create("worker", owner)
			e.attach(t, web)
			e.attach(t, db)
			e.template(t, "batch", batch)
			e.instance(t, worker) // used through the instance's interface

			inv, calls, err := e.c.Inventory(ctx)
			if err != nil {
				t.Fatal(err)
			}
			name := map[string]string{}
			for _, g := range inv.Groups {
				name[g.ID] = g.Name
			}
			var got []string
			for _, f := range model.Audit(inv, model.AuditOptions{RequireTags: []string{"Owner"}}) {
				got = append(got, fmt.Sprintf("%s %s %s %d", name[f.GroupID], f.ID, f.Direction, f.Index))
			}
			// AWS's own rules (each new group's outbound rule, the default
			// group's) need no description; the outbound rule to everywhere
			// is an info finding on every group, as in a plan.
			want := []string{
				"default default-group-rules ingress -1", "default missing-tag ingress -1",
				"web world-admin-port ingress 1", "web missing-tag ingress -1",
				"launch-wizard-1 launch-wizard-name ingress -1", "launch-wizard-1 unused-group ingress -1",
			}
			for _, g := range []string{"batch", "db", "default", "launch-wizard-1", "web", "worker"} {
				want = append(want, g+" egress-open egress 0")
			}
			sort.Strings(got)
			sort.Strings(want)
			if !slices.Equal(got, want) {
				t.Errorf("findings on %s:\n got %q\nwant %q\n(checked %v, not %v)", engine, got, want, inv.Checked, inv.Unchecked)
			}
			if inv.Account == "" || name[wizard] != "launch-wizard-1" {
				t.Errorf("the inventory names the account and every group: %q %v", inv.Account, name)
			}
			// One page each of groups, interfaces, templates, temporary
			// rules, VPC associations and RAM shares, and one question about
			// the group nothing uses; moto, which lacks that call, is asked
			// instead whether any VPC is peered (two calls), and, lacking
			// the associations too, how many VPCs could have one (one).
			if want := map[string]int{"sandbox": 7, "moto": 10}[engine]; calls != want {
				t.Errorf("%d calls, want %d", calls, want)
			}
		})
	}
}

// TestAuditReadsEveryPage: the sandbox's pages of 1,000 are all read, and
// the calls are the pages.
func TestAuditReadsEveryPage(t *testing.T) {
	t.Parallel()
	c, sb := sandbox(t)
	ids := sb.Handler().Seed(2500, 3)
	inv, calls, err := c.Inventory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Groups) != 2501 || len(inv.Interfaces) != 2500 || inv.Groups[2500].ID != ids[2499] || len(inv.Groups[1].Ingress) != 3 {
		t.Fatalf("read %d groups and %d interfaces", len(inv.Groups), len(inv.Interfaces))
	}
	// groups: 3 pages; interfaces: 3; templates: 1; temporary rules: 1;
	// VPC associations: 1; RAM shares: 1; no group is unused.
	if calls != 10 {
		t.Errorf("%d calls, want the 10 pages", calls)
	}
	_ = awstest.Account
}
