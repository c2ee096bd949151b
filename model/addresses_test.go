package model

import (
	"net/netip"
	"testing"
)

// The public address counts, from the IANA special-purpose registries
// (computed apart, with Python's ipaddress, from the same registry rows).
func TestPublicAddressesCountsTheRegistries(t *testing.T) {
	for _, tc := range []struct {
		cidrs []string
		want  string
		world bool
	}{
		{[]string{"0.0.0.0/0"}, "3,702,258,690", true},
		{[]string{"0.0.0.0/1"}, "2,092,957,696", true}, // less 0/8, 10/8, 100.64/10, 127/8
		{[]string{"128.0.0.0/1"}, "1,609,300,994", false},
		{[]string{"0.0.0.0/1", "128.0.0.0/1"}, "3,702,258,690", true},
		{[]string{"0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2"}, "3,165,585,408", true},
		{[]string{"64.0.0.0/2", "128.0.0.0/2"}, "2,125,398,016", true},
		{[]string{"128.0.0.0/2", "192.0.0.0/2"}, "1,609,300,994", false},
		{[]string{"10.0.0.0/8"}, "0", false},
		{[]string{"169.254.0.0/16"}, "0", false},
		{[]string{"192.0.0.0/24"}, "2", false}, // 192.0.0.9 and .10 are anycast
		{[]string{"8.8.8.8/32", "8.8.8.0/24"}, "256", false},
		{[]string{"8.0.0.0/7"}, "33,554,432", false},
		{[]string{"::/0"}, "42,534,933,396,275,014,099,396,950,098,867,912,707", true},
		{[]string{"::/1"}, "42,534,933,396,275,014,099,396,950,098,867,912,707", true}, // NAT64 64:ff9b::/96 too,
		{[]string{"2000::/3"}, "42,534,933,396,275,014,099,396,950,094,572,945,411", true},
		{[]string{"3000::/4"}, "21,267,323,414,004,995,539,734,129,808,464,936,960", false},
		{[]string{"2000::/4", "3000::/4"}, "42,534,933,396,275,014,099,396,950,094,572,945,411", true},
		{[]string{"fd00::/8"}, "0", false},
		{[]string{"fc00::/7", "fe80::/10", "ff00::/8", "::1/128"}, "0", false},
		{[]string{"2001:db8::/32"}, "0", false},
		{[]string{"2001::/32"}, "79,228,162,514,264,337,593,543,950,336", false}, // Teredo
		{[]string{"64:ff9b::/96"}, "4,294,967,296", false},
	} {
		var ps []netip.Prefix
		for _, c := range tc.cidrs {
			ps = append(ps, netip.MustParsePrefix(c))
		}
		if got := PublicAddresses(ps...).String(); got != tc.want {
			t.Errorf("PublicAddresses(%v) = %s, want %s", tc.cidrs, got, tc.want)
		}
		if got := IsWorld(ps...); got != tc.world {
			t.Errorf("IsWorld(%v) = %v, want %v", tc.cidrs, got, tc.world)
		}
	}
}

// Every range the README lists as not public holds no public address, but
// the exceptions it names; every hole of the counting is listed.
func TestNotPublicMatchesTheCounting(t *testing.T) {
	exceptions := map[string]string{"192.0.0.0/24": "2", "2001::/23": "2,693,758,734,410,807,092,809,669,017,603"}
	for _, f := range []Family{IPv4, IPv6} {
		for _, r := range NotPublic(f) {
			if FamilyOf(r.Prefix) != f || r.Name == "" {
				t.Errorf("%s: %v listed under %s without a name", r.Prefix, r.Name, f)
			}
			want := "0"
			if e, ok := exceptions[r.Prefix.String()]; ok {
				want = e
			}
			if got := PublicAddresses(r.Prefix).String(); got != want {
				t.Errorf("%s (%s) holds %s public addresses, want %s", r.Prefix, r.Name, got, want)
			}
		}
		for _, h := range spaces[f].holes {
			listed := false
			for _, r := range NotPublic(f) {
				listed = listed || r.Prefix.Contains(h.Addr()) && r.Prefix.Bits() <= h.Bits()
			}
			if !listed {
				t.Errorf("hole %s of the %s count is not in NotPublic", h, f)
			}
		}
	}
}

func TestCountWords(t *testing.T) {
	for c, want := range map[Count]string{
		pow2(8):   "256",
		pow2(32):  "4,294,967,296",
		pow2(40):  "about 2^40",
		pow2(64):  "about 2^64",
		pow2(125): "about 2^125",
	} {
		if got := c.Words(); got != want {
			t.Errorf("%s.Words() = %q, want %q", c, got, want)
		}
	}
}
