package aws

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"sort"
	"strings"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/sgwiz/sgwiz/model"
)

// GroupInfo is an existing security group, for pickers and for saying that
// a name is taken.
type GroupInfo struct {
	ID, Name, Description, VPC string
	// Rules is how many rules it holds, inbound and outbound.
	Rules int
	// Tags are its tags (which tell whether sgwiz made it, and for which
	// plan: model.OwnerOf).
	Tags model.Tags
}

// Groups lists the security groups of a VPC ("" for every VPC of the
// region), by name.
func (c *Client) Groups(ctx context.Context, vpc string) ([]GroupInfo, error) {
	in := &ec2.DescribeSecurityGroupsInput{}
	if vpc != "" {
		in.Filters = []types.Filter{{Name: sdk.String("vpc-id"), Values: []string{vpc}}}
	}
	groups, err := c.describe(ctx, in)
	if err != nil {
		return nil, err
	}
	out := make([]GroupInfo, len(groups))
	for i, sg := range groups {
		rules := 0
		for _, perms := range [][]types.IpPermission{sg.IpPermissions, sg.IpPermissionsEgress} {
			for _, p := range perms {
				rules += len(p.IpRanges) + len(p.Ipv6Ranges) + len(p.PrefixListIds) + len(p.UserIdGroupPairs)
			}
		}
		out[i] = GroupInfo{ID: sdk.ToString(sg.GroupId), Name: sdk.ToString(sg.GroupName),
			Description: sdk.ToString(sg.Description), VPC: sdk.ToString(sg.VpcId), Rules: rules, Tags: tagsOf(sg.Tags)}
	}
	return out, nil
}

// PrefixList is a managed prefix list of the region.
type PrefixList struct {
	ID, Name string
	// AWSManaged lists (CloudFront, EC2 Instance Connect, S3, …) belong to
	// AWS; the others to an account.
	AWSManaged bool
	// Size is what a rule naming the list counts for in the quota.
	Size model.PrefixListSize
}

// awsWeights are the weights AWS documents for its managed prefix lists,
// by the end of their names (com.amazonaws.<region>.… or …global…).
var awsWeights = []struct {
	suffix string
	weight int
}{
	{"cloudfront.origin-facing", 55}, {"route53-healthchecks", 25}, {"vpc-lattice", 10},
	{"s3express", 6}, {"groundstation", 5}, {"ec2-instance-connect", 2}, {".s3", 1}, {".dynamodb", 1},
}

// PrefixLists lists the region's managed prefix lists, AWS's and the
// account's, each with its size for the quota.
func (c *Client) PrefixLists(ctx context.Context) ([]PrefixList, error) {
	var out []PrefixList
	p := ec2.NewDescribeManagedPrefixListsPaginator(c.ec2, &ec2.DescribeManagedPrefixListsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, explain(err, "")
		}
		for _, l := range page.PrefixLists {
			pl := PrefixList{ID: sdk.ToString(l.PrefixListId), Name: sdk.ToString(l.PrefixListName),
				AWSManaged: sdk.ToString(l.OwnerId) == "AWS"}
			pl.Size.IPv6 = sdk.ToString(l.AddressFamily) == "IPv6"
			pl.Size.Weight = int(sdk.ToInt32(l.MaxEntries))
			if pl.AWSManaged || pl.Size.Weight == 0 {
				pl.Size.Weight = 1
				for _, w := range awsWeights {
					if strings.HasSuffix(pl.Name, w.suffix) {
						pl.Size.Weight = w.weight
						break
					}
				}
			}
			out = append(out, pl)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// DefaultMyIPURL answers with the caller's public address, as text.
const DefaultMyIPURL = "https://checkip.amazonaws.com"

// MyIP asks url (DefaultMyIPURL, or one like it) for the caller's public
// address, as the console's "My IP" does.
func MyIP(ctx context.Context, client *http.Client, url string) (netip.Addr, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("cannot look up your address at %q: %w", url, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		// The innermost cause says it best: "no such host", "connection refused".
		for inner := errors.Unwrap(err); inner != nil; inner = errors.Unwrap(inner) {
			err = inner
		}
		return netip.Addr{}, fmt.Errorf("cannot reach %s to look up your address (offline?): %v", req.URL.Host, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 256))
	if err != nil || resp.StatusCode != http.StatusOK {
		return netip.Addr{}, fmt.Errorf("%s did not answer with an address (HTTP %d)", url, resp.StatusCode)
	}
	a, err := netip.ParseAddr(strings.TrimSpace(string(body)))
	if err != nil {
		return netip.Addr{}, fmt.Errorf("%s answered %q, which is not an address", url, strings.TrimSpace(string(body)))
	}
	return a.Unmap(), nil
}
