package awstest_test

import (
	"context"
	"errors"
	"fmt"
	sgaws "github.com/sgwiz/sgwiz/aws"
	"testing"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
	"github.com/sgwiz/sgwiz/aws/awstest"
)

// These are the behaviours where moto differs from AWS (../shared/MOTO.md):
// the sandbox must do what AWS does.

func client(t *testing.T) (*ec2.Client, *awstest.Server) {
	t.Helper()
	t.Setenv("AWS_CA_BUNDLE", "")
	sb := awstest.NewServer()
	t.Cleanup(sb.Close)
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("us-east-1"), config.WithBaseEndpoint(sb.URL),
		config.WithCredentialsProvider(sdk.CredentialsProviderFunc(func(context.Context) (sdk.Credentials, error) {
			return sdk.Credentials{AccessKeyID: "sandbox", SecretAccessKey: "sandbox"}, nil
		})))
	if err != nil {
		t.Fatal(err)
	}
	cfg.HTTPClient = sgaws.HTTPClient(cfg.HTTPClient) // as sgwiz sends its calls
	return ec2.NewFromConfig(cfg), sb
}

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return fmt.Sprint(err)
}

func create(t *testing.T, c *ec2.Client, name string) string {
	t.Helper()
	out, err := c.CreateSecurityGroup(context.Background(), &ec2.CreateSecurityGroupInput{GroupName: sdk.String(name), Description: sdk.String("d"), VpcId: sdk.String(awstest.DefaultVPC)})
	if err != nil {
		t.Fatal(err)
	}
	return sdk.ToString(out.GroupId)
}

func tcp(port int32, cidrs ...string) types.IpPermission {
	p := types.IpPermission{IpProtocol: sdk.String("tcp"), FromPort: sdk.Int32(port), ToPort: sdk.Int32(port)}
	for _, c := range cidrs {
		if len(c) > 0 && c[0] >= '0' && c[0] <= '9' && !containsColon(c) {
			p.IpRanges = append(p.IpRanges, types.IpRange{CidrIp: sdk.String(c)})
		} else {
			p.Ipv6Ranges = append(p.Ipv6Ranges, types.Ipv6Range{CidrIpv6: sdk.String(c)})
		}
	}
	return p
}

func containsColon(s string) bool {
	for _, r := range s {
		if r == ':' {
			return true
		}
	}
	return false
}

func rules(t *testing.T, c *ec2.Client, id string) (in, out int) {
	t.Helper()
	d, err := c.DescribeSecurityGroups(context.Background(), &ec2.DescribeSecurityGroupsInput{GroupIds: []string{id}})
	if err != nil {
		t.Fatal(err)
	}
	count := func(perms []types.IpPermission) int {
		n := 0
		for _, p := range perms {
			n += len(p.IpRanges) + len(p.Ipv6Ranges) + len(p.UserIdGroupPairs) + len(p.PrefixListIds)
		}
		return n
	}
	return count(d.SecurityGroups[0].IpPermissions), count(d.SecurityGroups[0].IpPermissionsEgress)
}

func TestNewGroupHasTheDefaultEgressRule(t *testing.T) {
	c, _ := client(t)
	id := create(t, c, "web")
	d, _ := c.DescribeSecurityGroups(context.Background(), &ec2.DescribeSecurityGroupsInput{GroupIds: []string{id}})
	e := d.SecurityGroups[0].IpPermissionsEgress
	if len(e) != 1 || sdk.ToString(e[0].IpProtocol) != "-1" || sdk.ToString(e[0].IpRanges[0].CidrIp) != "0.0.0.0/0" {
		t.Errorf("egress = %+v", e)
	}
	if _, err := c.CreateSecurityGroup(context.Background(), &ec2.CreateSecurityGroupInput{GroupName: sdk.String("WEB"), Description: sdk.String("d"), VpcId: sdk.String(awstest.DefaultVPC)}); code(err) != "InvalidGroup.Duplicate" {
		t.Errorf("a duplicate name (ignoring case): %v", err)
	}
}

func TestAuthorizeIsAllOrNothing(t *testing.T) {
	c, _ := client(t)
	id := create(t, c, "web")
	ctx := context.Background()
	if _, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: sdk.String(id), IpPermissions: []types.IpPermission{tcp(22, "10.0.0.0/8")}}); err != nil {
		t.Fatal(err)
	}
	_, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: sdk.String(id),
		IpPermissions: []types.IpPermission{tcp(443, "0.0.0.0/0"), tcp(22, "10.0.0.0/8")}})
	if code(err) != "InvalidPermission.Duplicate" {
		t.Fatalf("err = %v", err)
	}
	if in, _ := rules(t, c, id); in != 1 {
		t.Errorf("a failed authorize applied part of its rules: %d inbound rules", in)
	}
}

func TestQuotaCountsIPv4AndIPv6Apart(t *testing.T) {
	c, _ := client(t)
	id := create(t, c, "big")
	ctx := context.Background()
	var v4, v6 []string
	for i := range 60 {
		v4 = append(v4, fmt.Sprintf("10.%d.0.0/16", i))
		v6 = append(v6, fmt.Sprintf("2001:db8:%x::/48", i))
	}
	if _, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: sdk.String(id), IpPermissions: []types.IpPermission{tcp(443, append(v4, v6...)...)}}); err != nil {
		t.Fatalf("60 IPv4 and 60 IPv6 rules are within the quota: %v", err)
	}
	_, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: sdk.String(id), IpPermissions: []types.IpPermission{tcp(80, "192.0.2.0/24")}})
	if code(err) != "RulesPerSecurityGroupLimitExceeded" {
		t.Errorf("the 61st IPv4 rule: %v", err)
	}
}

func TestDeletingAReferencedGroupIsRefused(t *testing.T) {
	c, _ := client(t)
	ctx := context.Background()
	app, db := create(t, c, "app"), create(t, c, "db")
	perm := types.IpPermission{IpProtocol: sdk.String("tcp"), FromPort: sdk.Int32(3306), ToPort: sdk.Int32(3306), UserIdGroupPairs: []types.UserIdGroupPair{{GroupId: sdk.String(app)}}}
	if _, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: sdk.String(db), IpPermissions: []types.IpPermission{perm}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: sdk.String(app)}); code(err) != "DependencyViolation" {
		t.Errorf("deleting a referenced group: %v", err)
	}
	if _, err := c.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: sdk.String(db), IpPermissions: []types.IpPermission{perm}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: sdk.String(app)}); err != nil {
		t.Errorf("after revoking the reference: %v", err)
	}
	d, _ := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{{Name: sdk.String("group-name"), Values: []string{"default"}}}})
	if _, err := c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: d.SecurityGroups[0].GroupId}); code(err) != "CannotDelete" {
		t.Errorf("deleting the default group: %v", err)
	}
}

func TestRevokingAMissingRuleIsReportedNotRefused(t *testing.T) {
	c, _ := client(t)
	id := create(t, c, "web")
	out, err := c.RevokeSecurityGroupIngress(context.Background(), &ec2.RevokeSecurityGroupIngressInput{GroupId: sdk.String(id), IpPermissions: []types.IpPermission{tcp(22, "10.0.0.0/8")}})
	if err != nil || len(out.UnknownIpPermissions) != 1 {
		t.Errorf("revoke of a missing rule: %v, unknown %d", err, len(out.UnknownIpPermissions))
	}
}

func TestRejectsWhatAWSRejects(t *testing.T) {
	c, _ := client(t)
	ctx := context.Background()
	id := create(t, c, "web")
	cases := map[string]types.IpPermission{
		"reversed ports": {IpProtocol: sdk.String("tcp"), FromPort: sdk.Int32(90), ToPort: sdk.Int32(80), IpRanges: []types.IpRange{{CidrIp: sdk.String("10.0.0.0/8")}}},
		"port 70000":     {IpProtocol: sdk.String("tcp"), FromPort: sdk.Int32(70000), ToPort: sdk.Int32(70000), IpRanges: []types.IpRange{{CidrIp: sdk.String("10.0.0.0/8")}}},
		"protocol foo":   {IpProtocol: sdk.String("foo"), IpRanges: []types.IpRange{{CidrIp: sdk.String("10.0.0.0/8")}}},
		"host bits":      tcp(22, "10.0.0.5/8"),
	}
	for name, p := range cases {
		if _, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: sdk.String(id), IpPermissions: []types.IpPermission{p}}); code(err) != "InvalidParameterValue" {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: sdk.String("sg-web"), Description: sdk.String("d")}); code(err) != "InvalidParameterValue" {
		t.Errorf("a name starting with sg-: %v", err)
	}
	if _, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{"web"}}); code(err) != "InvalidGroupId.Malformed" {
		t.Errorf("a malformed id: %v", err)
	}
}

func TestDryRun(t *testing.T) {
	c, sb := client(t)
	_, err := c.CreateSecurityGroup(context.Background(), &ec2.CreateSecurityGroupInput{DryRun: sdk.Bool(true), GroupName: sdk.String("x"), Description: sdk.String("d")})
	if code(err) != "DryRunOperation" {
		t.Errorf("DryRun: %v", err)
	}
	if got := sb.Handler().Groups(); len(got) != 1 {
		t.Errorf("a dry run created something: %v", got)
	}
}

func TestPagination(t *testing.T) {
	c, _ := client(t)
	for i := range 7 {
		create(t, c, fmt.Sprintf("g%d", i))
	}
	p := ec2.NewDescribeSecurityGroupsPaginator(c, &ec2.DescribeSecurityGroupsInput{MaxResults: sdk.Int32(5)})
	pages, groups := 0, 0
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		groups += len(out.SecurityGroups)
	}
	if pages != 2 || groups != 8 {
		t.Errorf("%d pages, %d groups", pages, groups)
	}
}

// TestPrefixLists: the region's AWS-managed lists are there under the
// region's names, a rule naming an unknown list is refused as EC2 refuses
// it, and a list counts in the quota by its weight (CloudFront's 55), an
// account's list by its maximum entries.
func TestPrefixLists(t *testing.T) {
	c, _ := client(t)
	ctx := context.Background()
	out, err := c.DescribeManagedPrefixLists(ctx, &ec2.DescribeManagedPrefixListsInput{})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, l := range out.PrefixLists {
		names[sdk.ToString(l.PrefixListName)] = sdk.ToString(l.PrefixListId)
	}
	if names["com.amazonaws.us-east-1.ec2-instance-connect"] != awstest.InstanceConnectList || names["com.amazonaws.global.cloudfront.origin-facing"] != awstest.CloudFrontList || names["office-ranges"] != awstest.OfficeList {
		t.Errorf("lists: %v", names)
	}
	if _, err := c.DescribeManagedPrefixLists(ctx, &ec2.DescribeManagedPrefixListsInput{PrefixListIds: []string{"pl-00000000"}}); code(err) != "InvalidPrefixListID.NotFound" {
		t.Errorf("describing an unknown list: %v", err)
	}
	id := create(t, c, "edge")
	pl := func(port int32, list string) types.IpPermission {
		return types.IpPermission{IpProtocol: sdk.String("tcp"), FromPort: sdk.Int32(port), ToPort: sdk.Int32(port), PrefixListIds: []types.PrefixListId{{PrefixListId: sdk.String(list)}}}
	}
	authorize := func(p ...types.IpPermission) error {
		_, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: sdk.String(id), IpPermissions: p})
		return err
	}
	if err := authorize(pl(443, "pl-00000000")); code(err) != "InvalidPrefixListID.NotFound" {
		t.Errorf("a rule naming an unknown list: %v", err)
	}
	if err := authorize(pl(443, awstest.CloudFrontList)); err != nil {
		t.Fatal(err)
	}
	var five []types.IpPermission
	for port := range int32(5) {
		five = append(five, tcp(8000+port, "10.0.0.0/8"))
	}
	if err := authorize(five...); err != nil {
		t.Fatalf("55 + 5 = 60 is within the quota: %v", err)
	}
	if err := authorize(tcp(9000, "10.0.0.0/8")); code(err) != "RulesPerSecurityGroupLimitExceeded" {
		t.Errorf("the 61st IPv4 rule: %v", err)
	}
	if err := authorize(tcp(9000, "::/0")); err != nil {
		t.Errorf("CloudFront's IPv4 list leaves the IPv6 quota free: %v", err)
	}
}
