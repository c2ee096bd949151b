package aws_test

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/sgwiz/sgwiz/aws/awstest"
	"github.com/sgwiz/sgwiz/internal/mototest"
	"github.com/sgwiz/sgwiz/internal/plantest"
	"github.com/sgwiz/sgwiz/model"
)

// TestEveryCatalogueServiceApplies applies every service of the catalogue
// on the sandbox (which checks as AWS does) and on moto (without the rules
// moto cannot take); what they hold equals the json export.
func TestEveryCatalogueServiceApplies(t *testing.T) {
	t.Parallel()
	full := plantest.CataloguePlan()
	// An ICMPv6 type with every code (-1), which AWS holds though no
	// service of the catalogue makes it.
	last := &full.Groups[len(full.Groups)-1]
	last.Ingress = append(last.Ingress, model.Rule{Protocol: model.ICMPv6, Ports: model.ICMPType(128, -1),
		Peer: model.CIDR(netip.MustParsePrefix("fd00:ffff::/32")), Description: "Echo request, every code"})
	fanOut(t, 2, []string{"sandbox", "moto"}, func(t *testing.T, i int) {
		p, url := full, ""
		if i == 0 {
			sb := awstest.NewServer()
			t.Cleanup(sb.Close)
			url = sb.URL
		} else {
			p, url = mototest.WithoutCrashes(full), mototest.NewAccount(t).URL
		}
		c, _ := connect(t, url)
		ch, err := c.Plan(context.Background(), p)
		if err == nil {
			_, err = c.Apply(context.Background(), ch)
		}
		if err != nil {
			t.Fatal(err)
		}
		if got, want := described(t, rawEC2(t, url), "", groupNames(p)), wantJSON(t, p); got != want {
			t.Errorf("AWS holds:\n%s\nthe json export says:\n%s", got, want)
		}
		// What AWS holds imports whole (an ICMPv6 type with every code
		// among it), and applying the import changes nothing.
		res, err := c.Plan(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, g := range res.Groups {
			ids = append(ids, g.ID)
		}
		imported, err := c.Import(context.Background(), ids...)
		if err != nil {
			t.Fatalf("import: %v", err)
		}
		if again, err := c.Plan(context.Background(), imported); err != nil || !again.Empty() {
			t.Errorf("applying the import would change %v (%v)", again, err)
		}
	})
}

// TestMotoCrashesWhereAWSDoesNot pins the moto behaviour the tests work
// around (MOTO.md): if moto learns these rules, WithoutCrashes can go.
func TestMotoCrashesWhereAWSDoesNot(t *testing.T) {
	t.Parallel()
	raw := rawEC2(t, mototest.NewAccount(t).URL, config.WithRetryMaxAttempts(1))
	ctx := context.Background()
	out, err := raw.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: sdk.String("g"), Description: sdk.String("d")})
	if err != nil {
		t.Fatal(err)
	}
	for _, perm := range []types.IpPermission{
		{IpProtocol: sdk.String("50"), IpRanges: []types.IpRange{{CidrIp: sdk.String("10.0.0.0/8")}}},
		{IpProtocol: sdk.String("icmpv6"), Ipv6Ranges: []types.Ipv6Range{{CidrIpv6: sdk.String("fd00::/8")}}},
	} {
		_, err := raw.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: out.GroupId, IpPermissions: []types.IpPermission{perm}})
		if err == nil || !strings.Contains(err.Error(), "500") {
			t.Errorf("moto took protocol %s without ports (%v): mototest.Crashes is out of date", sdk.ToString(perm.IpProtocol), err)
		}
	}
}

// TestImportKeepsWhatAWSHolds: a group whose texts AWS (here moto, which
// takes anything) holds outside what sgwiz would write imports as it is,
// and applying the import changes nothing.
func TestImportKeepsWhatAWSHolds(t *testing.T) {
	t.Parallel()
	url := mototest.NewAccount(t).URL
	raw := rawEC2(t, url)
	ctx := context.Background()
	out, err := raw.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: sdk.String("Büro"), Description: sdk.String("Gruppe für's Büro")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: out.GroupId, IpPermissions: []types.IpPermission{
		{IpProtocol: sdk.String("tcp"), FromPort: sdk.Int32(22), ToPort: sdk.Int32(22), IpRanges: []types.IpRange{{CidrIp: sdk.String("10.0.0.0/8"), Description: sdk.String("R&D's VPN")}}}}}); err != nil {
		t.Fatal(err)
	}
	c, _ := connect(t, url)
	p, err := c.Import(ctx, sdk.ToString(out.GroupId))
	if err != nil {
		t.Fatalf("import must never fail on what AWS holds: %v", err)
	}
	if r := p.Groups[0].Ingress[0]; r.Description != "R&D's VPN" {
		t.Errorf("imported %+v", r)
	}
	ch, err := c.Plan(ctx, p)
	if err != nil || !ch.Empty() {
		t.Errorf("applying the import changes nothing: %v %v", err, ch.Lines())
	}
	// A rule added to it must be one AWS takes.
	p.Groups[0].Ingress = append(p.Groups[0].Ingress, model.Rule{Protocol: model.TCP, Ports: model.Port(443), Peer: model.AnyIPv4, Description: "it's new"})
	if _, err := c.Plan(ctx, p); err == nil || !strings.Contains(err.Error(), `description holds '\''`) {
		t.Errorf("a new rule's description is checked before it is sent: %v", err)
	}
}
