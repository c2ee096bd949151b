package model

import (
	"fmt"
	"strings"
	"testing"
)

// TestAddressListsReadAsTyped: one parser reads every address field, in
// one text or several, with the notes and hints each front end then says.
func TestAddressListsReadAsTyped(t *testing.T) {
	book := AddressBook{"office": pfxs("198.51.100.0/28", "2001:db8:1::/48"), "vpn": pfxs("10.8.0.0/16")}
	for _, tt := range []struct {
		name   string
		places bool
		texts  []string
		want   string // the peers, or the error
		notes  int
		hints  int
	}{
		{"a bare address is one host", true, []string{"52.94.76.10"}, "[52.94.76.10/32]", 0, 0},
		{"commas, spaces, semicolons and repeats", true, []string{"52.94.76.10, 52.94.76.11;52.94.76.12", "52.94.76.13"}, "[52.94.76.10/32 52.94.76.11/32 52.94.76.12/32 52.94.76.13/32]", 0, 0},
		{"host bits are noted", true, []string{"52.94.76.10/24"}, "[52.94.76.0/24]", 1, 0},
		{"a private office gets a hint", true, []string{"10.0.0.5"}, "[10.0.0.5/32]", 0, 1},
		{"a set of the book gets none", true, []string{"@vpn"}, "[10.8.0.0/16]", 0, 0},
		{"@names and addresses mix", true, []string{"@office 52.94.76.10"}, "[198.51.100.0/28 2001:db8:1::/48 52.94.76.10/32]", 0, 0},
		{"everyone is not a place", true, []string{"0.0.0.0/0"}, "0.0.0.0/0 is everyone on the internet, not an office or a person", 0, 0},
		{"nor is everyone in halves", true, []string{"0.0.0.0/1,128.0.0.0/1"}, "are everyone on the internet (all of its IPv4 addresses), not an office", 0, 0},
		{"a place is no group", true, []string{"sg-0123456789abcdef0"}, "is not an IP address or CIDR", 0, 0},
		{"an unknown name", true, []string{"@home"}, "@home is not in the address book: it names office, vpn", 0, 0},
		{"peers take ids", false, []string{"sg-0123456789abcdef0, pl-0123456789abcdef0 0.0.0.0/0"}, "[sg-0123456789abcdef0 pl-0123456789abcdef0 0.0.0.0/0]", 0, 0},
		{"a group of the plan is its whole text", false, []string{"group:web servers, eu"}, "[group:web servers, eu]", 0, 0},
		{"peers note host bits", false, []string{"@vpn", "10.1.2.3/8"}, "[10.8.0.0/16 10.0.0.0/8]", 1, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			parse := ParsePeers
			if tt.places {
				parse = ParsePlaces
			}
			l, err := parse(book, tt.texts...)
			got := fmt.Sprint(l.Peers())
			if err != nil {
				got = err.Error()
			}
			if !strings.Contains(got, tt.want) || len(l.Notes) != tt.notes || len(l.Hints) != tt.hints {
				t.Errorf("%q: got %s, notes %q, hints %q; want %s, %d notes, %d hints", tt.texts, got, l.Notes, l.Hints, tt.want, tt.notes, tt.hints)
			}
		})
	}
}

// FuzzAddressLists: whatever is typed, the parsers answer without
// panicking, and each peer they read reads back as itself.
func FuzzAddressLists(f *testing.F) {
	for _, s := range []string{"52.94.76.10, 10.0.0.5/8", "@office 2001:db8::1", "sg-0123456789abcdef0;pl-0123456789abcdef0", "group:a b", "0.0.0.0/1,128.0.0.0/1", "::ffff:1.2.3.4", "fe80::1%eth0"} {
		f.Add(s)
	}
	book := AddressBook{"office": pfxs("198.51.100.0/28")}
	f.Fuzz(func(t *testing.T, s string) {
		for _, parse := range []func(AddressBook, ...string) (AddressList, error){ParsePlaces, ParsePeers} {
			l, err := parse(book, s)
			if err != nil {
				continue
			}
			for _, p := range l.Peers() {
				back, _, err := ParsePeer(p.String())
				if err != nil || back != p {
					t.Fatalf("%q: peer %v reads back as %v (%v)", s, p, back, err)
				}
			}
		}
	})
}
