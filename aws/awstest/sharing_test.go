package awstest_test

import (
	"context"
	"testing"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ram"
	ramtypes "github.com/aws/aws-sdk-go-v2/service/ram/types"
	"github.com/sgwiz/sgwiz/aws/awstest"
)

// TestVPCAssociationsAsEC2Documents: AssociateSecurityGroupVpc refuses
// what EC2 refuses (a default group, a group of the default VPC, the
// default VPC, the group's own VPC); an association is listed, filtered
// and paged by DescribeSecurityGroupVpcAssociations, and keeps its group
// from being deleted until it is undone.
func TestVPCAssociationsAsEC2Documents(t *testing.T) {
	c, sb := client(t)
	ctx := context.Background()
	other := sb.Handler().AddVPC("10.20.0.0/16")
	inVPC := func(name, vpc string) string {
		out, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: sdk.String(name), Description: sdk.String("d"), VpcId: sdk.String(vpc)})
		if err != nil {
			t.Fatal(err)
		}
		return sdk.ToString(out.GroupId)
	}
	associate := func(group, vpc string) error {
		_, err := c.AssociateSecurityGroupVpc(ctx, &ec2.AssociateSecurityGroupVpcInput{GroupId: sdk.String(group), VpcId: sdk.String(vpc)})
		return err
	}
	defaults, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{{Name: sdk.String("group-name"), Values: []string{"default"}}}})
	if err != nil || len(defaults.SecurityGroups) != 1 {
		t.Fatalf("the default group: %v", err)
	}
	base := inVPC("baseline", awstest.IPv6VPC)
	for _, tc := range []struct{ name, group, vpc, code string }{
		{"a default group", sdk.ToString(defaults.SecurityGroups[0].GroupId), other, "InvalidParameterValue"},
		{"a group of the default VPC", create(t, c, "in-default"), other, "InvalidParameterValue"},
		{"with the default VPC", base, awstest.DefaultVPC, "InvalidParameterValue"},
		{"with its own VPC", base, awstest.IPv6VPC, "InvalidParameterValue"},
		{"with a VPC that does not exist", base, "vpc-0000000000000dead", "InvalidVpcID.NotFound"},
		{"a group that does not exist", "sg-0000000000000dead", other, "InvalidGroup.NotFound"},
	} {
		if err := associate(tc.group, tc.vpc); code(err) != tc.code {
			t.Errorf("associating %s: %v, want %s", tc.name, err, tc.code)
		}
	}
	out, err := c.AssociateSecurityGroupVpc(ctx, &ec2.AssociateSecurityGroupVpcInput{GroupId: sdk.String(base), VpcId: sdk.String(other)})
	if err != nil || out.State != types.SecurityGroupVpcAssociationStateAssociating {
		t.Fatalf("associate: %v %+v", err, out)
	}
	if err := associate(base, other); code(err) != "InvalidParameterValue" {
		t.Errorf("associating twice: %v", err)
	}
	list, err := c.DescribeSecurityGroupVpcAssociations(ctx, &ec2.DescribeSecurityGroupVpcAssociationsInput{
		Filters: []types.Filter{{Name: sdk.String("group-id"), Values: []string{base}}, {Name: sdk.String("state"), Values: []string{"associated"}}}})
	if err != nil || len(list.SecurityGroupVpcAssociations) != 1 {
		t.Fatalf("describe: %v %+v", err, list)
	}
	if a := list.SecurityGroupVpcAssociations[0]; sdk.ToString(a.VpcId) != other || sdk.ToString(a.VpcOwnerId) != awstest.Account || sdk.ToString(a.GroupOwnerId) != awstest.Account || a.State != "associated" {
		t.Errorf("the association: %+v", a)
	}
	if _, err := c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: sdk.String(base)}); code(err) != "DependencyViolation" {
		t.Errorf("deleting an associated group: %v", err)
	}

	// Pages of 5 to 1,000.
	for i := range 6 {
		if err := associate(inVPC("g"+string(rune('a'+i)), awstest.IPv6VPC), other); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.DescribeSecurityGroupVpcAssociations(ctx, &ec2.DescribeSecurityGroupVpcAssociationsInput{MaxResults: sdk.Int32(4)}); code(err) != "InvalidParameterValue" {
		t.Errorf("MaxResults 4: %v", err)
	}
	p := ec2.NewDescribeSecurityGroupVpcAssociationsPaginator(c, &ec2.DescribeSecurityGroupVpcAssociationsInput{MaxResults: sdk.Int32(5)})
	pages, n := 0, 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages, n = pages+1, n+len(page.SecurityGroupVpcAssociations)
	}
	if pages != 2 || n != 7 {
		t.Errorf("%d associations in %d pages, want 7 in 2", n, pages)
	}

	if _, err := c.DisassociateSecurityGroupVpc(ctx, &ec2.DisassociateSecurityGroupVpcInput{GroupId: sdk.String(base), VpcId: sdk.String(other)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: sdk.String(base)}); err != nil {
		t.Errorf("deleting it once disassociated: %v", err)
	}
}

// TestRAMOnTheSandbox: the sandbox's endpoint answers RAM's
// GetResourceShareAssociations and ListResources in RAM's protocol, with
// RAM's errors, and says that it serves no other RAM call.
func TestRAMOnTheSandbox(t *testing.T) {
	c, sb := client(t)
	ctx := context.Background()
	g, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: sdk.String("tooling"), Description: sdk.String("d"), VpcId: sdk.String(awstest.IPv6VPC)})
	if err != nil {
		t.Fatal(err)
	}
	id := sdk.ToString(g.GroupId)
	share, err := sb.Handler().ShareGroups("tooling", []string{"210987654321"}, id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sb.Handler().ShareGroups("x", nil, create(t, c, "in-default")); err == nil {
		t.Error("a group of the default VPC cannot be shared")
	}
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("eu-west-1"), config.WithBaseEndpoint(sb.URL),
		config.WithCredentialsProvider(sdk.CredentialsProviderFunc(func(context.Context) (sdk.Credentials, error) {
			return sdk.Credentials{AccessKeyID: "sandbox", SecretAccessKey: "sandbox"}, nil
		})), config.WithRetryMaxAttempts(1))
	if err != nil {
		t.Fatal(err)
	}
	r := ram.NewFromConfig(cfg)
	groupARN := "arn:aws:ec2:eu-west-1:" + awstest.Account + ":security-group/" + id
	shareARN := "arn:aws:ram:eu-west-1:" + awstest.Account + ":resource-share/" + share

	res, err := r.GetResourceShareAssociations(ctx, &ram.GetResourceShareAssociationsInput{AssociationType: ramtypes.ResourceShareAssociationTypeResource})
	if err != nil || len(res.ResourceShareAssociations) != 1 {
		t.Fatalf("resources: %v %+v", err, res)
	}
	if a := res.ResourceShareAssociations[0]; sdk.ToString(a.AssociatedEntity) != groupARN || sdk.ToString(a.ResourceShareArn) != shareARN ||
		a.Status != ramtypes.ResourceShareAssociationStatusAssociated || sdk.ToString(a.ResourceShareName) != "tooling" {
		t.Errorf("the resource association: %+v", a)
	}
	prin, err := r.GetResourceShareAssociations(ctx, &ram.GetResourceShareAssociationsInput{AssociationType: ramtypes.ResourceShareAssociationTypePrincipal})
	if err != nil || len(prin.ResourceShareAssociations) != 1 || sdk.ToString(prin.ResourceShareAssociations[0].AssociatedEntity) != "210987654321" {
		t.Errorf("principals: %v %+v", err, prin)
	}
	list, err := r.ListResources(ctx, &ram.ListResourcesInput{ResourceOwner: ramtypes.ResourceOwnerSelf, ResourceType: sdk.String("ec2:SecurityGroup")})
	if err != nil || len(list.Resources) != 1 || sdk.ToString(list.Resources[0].Arn) != groupARN || list.Resources[0].Status != ramtypes.ResourceStatusAvailable {
		t.Errorf("ListResources: %v %+v", err, list)
	}
	if other, err := r.ListResources(ctx, &ram.ListResourcesInput{ResourceOwner: ramtypes.ResourceOwnerOtherAccounts}); err != nil || len(other.Resources) != 0 {
		t.Errorf("shared with the account: %v %+v", err, other)
	}

	if _, err := r.GetResourceShareAssociations(ctx, &ram.GetResourceShareAssociationsInput{AssociationType: "BOTH"}); code(err) != "InvalidParameterException" {
		t.Errorf("a bad association type: %v", err)
	}
	if _, err := r.GetResourceShares(ctx, &ram.GetResourceSharesInput{ResourceOwner: ramtypes.ResourceOwnerSelf}); code(err) != "UnknownOperationException" {
		t.Errorf("a RAM call the sandbox does not serve: %v", err)
	}
	sb.Handler().DenyRegion("eu-west-1")
	if _, err := r.GetResourceShareAssociations(ctx, &ram.GetResourceShareAssociationsInput{AssociationType: ramtypes.ResourceShareAssociationTypeResource}); code(err) != "AccessDeniedException" {
		t.Errorf("a denied region: %v", err)
	}
	if n := sb.Handler().Changes(); n != 2 {
		t.Errorf("%d calls that change something, want the 2 creates (RAM's reads are none)", n)
	}
}
