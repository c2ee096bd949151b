package aws_test

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	sgaws "github.com/sgwiz/sgwiz/aws"
)

// TestCreatePrefixListOnTheSandbox: a list is made with its entries and
// maximum, counts its maximum in the quota, is found (not made again) the
// second time, and a list of the name with other entries is refused.
func TestCreatePrefixListOnTheSandbox(t *testing.T) {
	t.Parallel()
	c, _ := sandbox(t)
	ctx := context.Background()
	l := sgaws.NewPrefixList{Name: "office", Entries: []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}, MaxEntries: 5, Description: "address book office"}
	id, existed, err := c.CreatePrefixList(ctx, l)
	if err != nil || existed || !strings.HasPrefix(id, "pl-") {
		t.Fatalf("%s %v %v", id, existed, err)
	}
	lists, err := c.PrefixLists(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, pl := range lists {
		if pl.ID == id {
			found = pl.Size.Weight == 5 && !pl.AWSManaged && !pl.Size.IPv6
		}
	}
	if !found {
		t.Errorf("the list counts its maximum entries: %+v", lists)
	}
	if again, existed, err := c.CreatePrefixList(ctx, l); err != nil || !existed || again != id {
		t.Errorf("again: %s %v %v", again, existed, err)
	}
	l.Entries = append(l.Entries, netip.MustParsePrefix("198.51.100.0/24"))
	if _, _, err := c.CreatePrefixList(ctx, l); err == nil || !strings.Contains(err.Error(), "holds other entries") {
		t.Errorf("other entries: %v", err)
	}
}
