package model

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

const bookYAML = `addresses:
  office: [203.0.113.0/24, 2001:db8::/48]
  vpn: 198.51.100.7
`

func TestAddressBook(t *testing.T) {
	b, err := ParseAddressBook([]byte(bookYAML))
	if err != nil {
		t.Fatal(err)
	}
	got, err := b.Resolve("@office")
	if err != nil || !slices.Equal(got, []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24"), netip.MustParsePrefix("2001:db8::/48")}) {
		t.Errorf("@office: %v %v", got, err)
	}
	if got, _ := b.Resolve("@vpn"); len(got) != 1 || got[0].String() != "198.51.100.7/32" {
		t.Errorf("a bare address is a /32: %v", got)
	}
	if _, err := b.Resolve("@ofice"); err == nil || !strings.Contains(err.Error(), "it names office, vpn") {
		t.Errorf("a typo names what the book holds: %v", err)
	}
	if _, err := (AddressBook{}).Resolve("@office"); err == nil || !strings.Contains(err.Error(), "add it to the config file") {
		t.Errorf("an empty book says how to fill it: %v", err)
	}
	if b.NameOf(netip.MustParsePrefix("2001:db8::/48")) != "office" || b.NameOf(netip.MustParsePrefix("10.0.0.0/8")) != "" {
		t.Error("NameOf finds the set that holds a CIDR")
	}
	if e, err := ParseAddressBook(nil); err != nil || len(e) != 0 {
		t.Errorf("an empty file is an empty book: %v", err)
	}
}

func TestAddressBookErrorsNameTheLine(t *testing.T) {
	for in, want := range map[string]string{
		"adresses:\n  office: [10.0.0.0/8]\n":         "line 1: unknown key \"adresses\"",
		"addresses:\n  Office: [10.0.0.0/8]\n":        "line 2: addresses: \"Office\" is not a name",
		"addresses:\n  office: [0.0.0.0/0]\n":         "is everyone",
		"addresses:\n  office: []\n":                  "holds 0 CIDRs",
		"addresses:\n  office: [nope]\n":              "line 2: addresses.office: \"nope\" is not",
		"addresses: [10.0.0.0/8]\n":                   "addresses maps names to lists",
		"addresses:\n  a: &x [10.0.0.0/8]\n  b: *x\n": "alias",
		"addresses:\n  office: {a: 1}\n":              "give CIDRs",
		"- 1\n":                                       "is a mapping",
	} {
		if _, err := ParseAddressBook([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}

// TestAddressBookNotesHostBits: a CIDR with host bits is taken cleared,
// with a note naming the line, as in a plan file.
func TestAddressBookNotesHostBits(t *testing.T) {
	b, notes, err := ParseAddressBookNoting([]byte("addresses:\n  office: [10.0.0.1/8]\n"))
	if err != nil || len(b["office"]) != 1 || b["office"][0].String() != "10.0.0.0/8" ||
		len(notes) != 1 || notes[0] != "line 2: addresses.office: 10.0.0.1/8 has host bits set; using 10.0.0.0/8" {
		t.Errorf("book %v, notes %q, err %v", b, notes, err)
	}
}

// TestPlanFilesTakeNames: @name in a plan file's peers and office stands
// for the set's CIDRs, a rule each; an unknown name is an error with the
// line.
func TestPlanFilesTakeNames(t *testing.T) {
	b, _ := ParseAddressBook([]byte(bookYAML))
	plan := `office: "@office"
groups:
  - name: bastion
    description: SSH from the office
    ingress:
      - {protocol: tcp, ports: "22", from: "@office", description: SSH from the office}
    egress: default
`
	p, _, err := ParsePlanWith([]byte(plan), b)
	if err != nil {
		t.Fatal(err)
	}
	var peers []string
	for _, r := range p.Groups[0].Ingress {
		peers = append(peers, r.Peer.String())
	}
	if !slices.Equal(peers, []string{"203.0.113.0/24", "2001:db8::/48"}) || len(p.Office) != 2 {
		t.Errorf("rules %v, office %v", peers, p.Office)
	}
	if _, _, err := ParsePlan([]byte(plan)); err == nil || !strings.Contains(err.Error(), "line 1") || !strings.Contains(err.Error(), "@office names a set of the address book") {
		t.Errorf("without a book: %v", err)
	}
}
