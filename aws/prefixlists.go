package aws

import (
	"context"
	"fmt"
	"net/netip"
	"slices"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// NewPrefixList is an account prefix list to make: one address family,
// its entries, and the most it may hold (what a rule naming it counts for
// in a group's quota).
type NewPrefixList struct {
	Name       string
	IPv6       bool
	Entries    []netip.Prefix
	MaxEntries int
	// Description is each entry's description.
	Description string
}

// FindPrefixList finds the account's list of l's name and family with the
// same entries (its id), or says there is none (""). A list of the name
// with other entries is an error: sgwiz does not change it.
func (c *Client) FindPrefixList(ctx context.Context, l NewPrefixList) (id string, err error) {
	family := "IPv4"
	if l.IPv6 {
		family = "IPv6"
	}
	found, err := c.ec2.DescribeManagedPrefixLists(ctx, &ec2.DescribeManagedPrefixListsInput{Filters: []types.Filter{
		{Name: sdk.String("prefix-list-name"), Values: []string{l.Name}}}})
	if err != nil {
		return "", explain(err, "")
	}
	for _, pl := range found.PrefixLists {
		if sdk.ToString(pl.OwnerId) == "AWS" || sdk.ToString(pl.AddressFamily) != family {
			continue
		}
		id := sdk.ToString(pl.PrefixListId)
		entries, err := c.ec2.GetManagedPrefixListEntries(ctx, &ec2.GetManagedPrefixListEntriesInput{PrefixListId: &id})
		if err != nil {
			return "", explain(err, "")
		}
		var have []netip.Prefix
		for _, e := range entries.Entries {
			if p, err := netip.ParsePrefix(sdk.ToString(e.Cidr)); err == nil {
				have = append(have, p)
			}
		}
		want := slices.Clone(l.Entries)
		slices.SortFunc(have, netip.Prefix.Compare)
		slices.SortFunc(want, netip.Prefix.Compare)
		if slices.Equal(have, want) {
			return id, nil
		}
		return "", fmt.Errorf("the account's prefix list %s (%s) holds other entries than the address book's %s: change it in the console or with aws ec2 modify-managed-prefix-list, or choose another name", l.Name, id, l.Name)
	}
	return "", nil
}

// CreatePrefixList makes the list, or finds it as FindPrefixList does
// (existed true).
func (c *Client) CreatePrefixList(ctx context.Context, l NewPrefixList) (id string, existed bool, err error) {
	if id, err := c.FindPrefixList(ctx, l); err != nil || id != "" {
		return id, id != "", err
	}
	family := "IPv4"
	if l.IPv6 {
		family = "IPv6"
	}
	in := &ec2.CreateManagedPrefixListInput{PrefixListName: sdk.String(l.Name), AddressFamily: sdk.String(family),
		MaxEntries: sdk.Int32(int32(l.MaxEntries)),
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypePrefixList,
			Tags: []types.Tag{{Key: sdk.String("Name"), Value: sdk.String(l.Name)}, {Key: sdk.String("ManagedBy"), Value: sdk.String("sgwiz")}}}}}
	for _, p := range l.Entries {
		in.Entries = append(in.Entries, types.AddPrefixListEntry{Cidr: sdk.String(p.String()), Description: optional(l.Description)})
	}
	out, err := c.ec2.CreateManagedPrefixList(ctx, in)
	if err != nil {
		return "", false, explain(err, "")
	}
	return sdk.ToString(out.PrefixList.PrefixListId), false, nil
}
