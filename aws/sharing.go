package aws

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync/atomic"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ram"
	ramtypes "github.com/aws/aws-sdk-go-v2/service/ram/types"
	"github.com/aws/smithy-go"
	"github.com/sgwiz/sgwiz/model"
)

// Since late 2024 a group is used beyond its own VPC in two more ways: it
// can be associated with other VPCs of its region
// (AssociateSecurityGroupVpc), and shared with other accounts of the
// organisation through AWS RAM, whose network interfaces then carry it
// out of this account's sight. An audit reads both before it calls a
// group unused.

// associationsPage is the most DescribeSecurityGroupVpcAssociations
// answers in one page (EC2 takes 5 to 1,000).
const associationsPage = 1000

// vpcAssociations reads every association of the region's groups with
// other VPCs, a page at a time.
func (c *Client) vpcAssociations(ctx context.Context, n *atomic.Int64) ([]model.VPCAssociation, error) {
	var out []model.VPCAssociation
	p := ec2.NewDescribeSecurityGroupVpcAssociationsPaginator(c.ec2, &ec2.DescribeSecurityGroupVpcAssociationsInput{MaxResults: sdk.Int32(associationsPage)})
	for first := true; p.HasMorePages(); first = false {
		n.Add(1)
		var opts []func(*ec2.Options)
		if first {
			// An endpoint that does not serve the call (moto answers 500)
			// says so at once: the caller has a fallback.
			opts = append(opts, func(o *ec2.Options) { o.RetryMaxAttempts = 1 })
		}
		page, err := p.NextPage(ctx, opts...)
		if err != nil {
			return nil, explain(err, "")
		}
		for _, a := range page.SecurityGroupVpcAssociations {
			out = append(out, model.VPCAssociation{GroupID: sdk.ToString(a.GroupId), VPC: sdk.ToString(a.VpcId), State: string(a.State)})
		}
	}
	return out, nil
}

// ramClient is a RAM client with the EC2 client's configuration (region,
// credentials, endpoint), made when an audit needs it.
func (c *Client) ramClient() *ram.Client {
	return ram.NewFromConfig(c.cfg, func(o *ram.Options) { o.APIOptions = append(o.APIOptions, withCallTimeout) })
}

// sharedGroups reads which of the account's groups its RAM resource
// shares hold (GetResourceShareAssociations, every resource of every
// share the account owns in the region, a page at a time): group id →
// the shares' ARNs.
func (c *Client) sharedGroups(ctx context.Context, n *atomic.Int64) (map[string][]string, error) {
	out := map[string][]string{}
	p := ram.NewGetResourceShareAssociationsPaginator(c.ramClient(), &ram.GetResourceShareAssociationsInput{
		AssociationType: ramtypes.ResourceShareAssociationTypeResource, AssociationStatus: ramtypes.ResourceShareAssociationStatusAssociated,
		MaxResults: sdk.Int32(500)})
	for first := true; p.HasMorePages(); first = false {
		n.Add(1)
		var opts []func(*ram.Options)
		if first {
			opts = append(opts, func(o *ram.Options) { o.RetryMaxAttempts = 1 })
		}
		page, err := p.NextPage(ctx, opts...)
		if err != nil {
			return nil, explainRAM(err)
		}
		for _, a := range page.ResourceShareAssociations {
			_, id, ok := strings.Cut(sdk.ToString(a.AssociatedEntity), ":security-group/")
			if ok && a.Status == ramtypes.ResourceShareAssociationStatusAssociated {
				out[id] = append(out[id], sdk.ToString(a.ResourceShareArn))
			}
		}
	}
	return out, nil
}

// explainRAM is explain for a RAM call: the IAM action it names is
// ram:…, not ec2:….
func explainRAM(err error) error {
	err = explain(err, "")
	var e *Error
	if errors.As(err, &e) && strings.HasPrefix(e.Action, "ec2:") {
		action := "ram:" + strings.TrimPrefix(e.Action, "ec2:")
		e.Words = strings.ReplaceAll(e.Words, e.Action, action)
		e.Action = action
	}
	return err
}

// notServed reports whether err says that the endpoint does not serve
// the call at all (an emulator, an older partition): EC2's InvalidAction,
// a JSON service's UnknownOperationException, or an HTTP 404 or 5xx
// answer that is no AWS error.
func notServed(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "InvalidAction", "UnknownOperationException":
			return true
		}
	}
	var re *awshttp.ResponseError
	return errors.As(err, &re) && (re.HTTPStatusCode() == http.StatusNotFound || re.HTTPStatusCode() >= 500)
}

// usageBeyondTheVPC records in inv whether the groups' associations with
// other VPCs (assocErr: reading them failed) and their RAM shares
// (shareErr) were read. An endpoint that serves neither call leaves a
// way to be sure all the same: AWS associates and shares only groups of
// VPCs other than the default one, and associates a group only with
// another such VPC, so a region without two such VPCs has no association,
// and one without any has no share.
func (c *Client) usageBeyondTheVPC(ctx context.Context, inv *model.Inventory, n *atomic.Int64, assocErr, shareErr error) {
	others := -1 // VPCs besides the default one, read once
	for _, s := range []struct {
		what, call string
		err        error
		most       int // VPCs besides the default one with which none is possible
	}{
		{model.CheckedAssociations, "DescribeSecurityGroupVpcAssociations", assocErr, 1},
		{model.CheckedShares, "RAM's GetResourceShareAssociations", shareErr, 0},
	} {
		switch {
		case s.err == nil:
			inv.Checked = append(inv.Checked, s.what)
			continue
		case !notServed(s.err):
			inv.Unchecked = append(inv.Unchecked, s.what+": "+firstLineOf(s.err))
			continue
		}
		if others < 0 {
			var err error
			if others, err = c.nonDefaultVPCs(ctx, n); err != nil {
				inv.Unchecked = append(inv.Unchecked, fmt.Sprintf("%s: this endpoint does not serve %s, and the VPCs could not be counted instead: %s", s.what, s.call, firstLineOf(err)))
				others = -1
				continue
			}
		}
		if others <= s.most {
			inv.Checked = append(inv.Checked, s.what)
			continue
		}
		inv.Unchecked = append(inv.Unchecked, fmt.Sprintf("%s: this endpoint does not serve %s, and the region has %d VPC(s) besides the default one", s.what, s.call, others))
	}
}

// nonDefaultVPCs counts the region's VPCs (the account's and those shared
// with it) other than the default one.
func (c *Client) nonDefaultVPCs(ctx context.Context, n *atomic.Int64) (int, error) {
	count := 0
	p := ec2.NewDescribeVpcsPaginator(c.ec2, &ec2.DescribeVpcsInput{MaxResults: sdk.Int32(1000)})
	for p.HasMorePages() {
		n.Add(1)
		page, err := p.NextPage(ctx)
		if err != nil {
			return 0, explain(err, "")
		}
		for _, v := range page.Vpcs {
			if !sdk.ToBool(v.IsDefault) {
				count++
			}
		}
	}
	return count, nil
}

// associationNotes say, for import, which other VPCs each group is
// associated with: the plan holds the group's rules, which apply there
// too, while the associations themselves stay AWS's (apply leaves them as
// they are).
func (c *Client) associationNotes(ctx context.Context, groups []model.Group) []string {
	if len(groups) == 0 {
		return nil
	}
	ids := make([]string, len(groups))
	for i, g := range groups {
		ids[i] = g.ID
	}
	vpcs := map[string][]string{}
	p := ec2.NewDescribeSecurityGroupVpcAssociationsPaginator(c.ec2, &ec2.DescribeSecurityGroupVpcAssociationsInput{
		Filters: []types.Filter{{Name: sdk.String("group-id"), Values: ids}}, MaxResults: sdk.Int32(associationsPage)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, func(o *ec2.Options) { o.RetryMaxAttempts = 1 })
		switch {
		case err != nil && notServed(err):
			// An endpoint without the call (moto) has made no association
			// either.
			return nil
		case err != nil:
			return []string{"the groups' associations with other VPCs were not read (" + firstLineOf(explain(err, "")) + "): a group may be in use in other VPCs too"}
		}
		for _, a := range page.SecurityGroupVpcAssociations {
			id := sdk.ToString(a.GroupId)
			vpcs[id] = append(vpcs[id], fmt.Sprintf("%s (%s)", sdk.ToString(a.VpcId), a.State))
		}
	}
	var notes []string
	for _, g := range groups {
		if vs := vpcs[g.ID]; len(vs) > 0 {
			sort.Strings(vs)
			notes = append(notes, fmt.Sprintf("%s (%s): also associated with %s: its rules apply there too; the plan does not hold associations, and apply leaves them as they are",
				g.ID, g.Name, strings.Join(vs, ", ")))
		}
	}
	return notes
}
