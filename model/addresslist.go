package model

import (
	"fmt"
	"net/netip"
	"strings"
)

// AddressItem is one entry of a typed address list: the text as typed
// ("203.0.113.7", "@office", "sg-0123…") and the peers it stands for (one,
// or each CIDR of an address book set).
type AddressItem struct {
	Text  string
	Peers []Peer
}

// IsRef reports whether the item names a set of the address book.
func (it AddressItem) IsRef() bool { return IsAddressRef(it.Text) }

// AddressList is an address field as read: its items in the order typed,
// notes on what was accepted but changed (host bits cleared), and hints
// at what looks like a slip while typing (a private address given for a
// place). Neither names the field: each front end says them in its own
// words. A saved plan file says its notes on every read, not its hints:
// it holds a choice already made.
type AddressList struct {
	Items []AddressItem
	Notes []string
	Hints []string
}

// Prefixes returns the item's CIDRs.
func (it AddressItem) Prefixes() []netip.Prefix {
	var out []netip.Prefix
	for _, p := range it.Peers {
		if p.IsCIDR() {
			out = append(out, p.Prefix())
		}
	}
	return out
}

// Peers returns every peer of the list, in order.
func (l AddressList) Peers() []Peer {
	var out []Peer
	for _, it := range l.Items {
		out = append(out, it.Peers...)
	}
	return out
}

// Prefixes returns the list's CIDRs, in order.
func (l AddressList) Prefixes() []netip.Prefix {
	var out []netip.Prefix
	for _, it := range l.Items {
		out = append(out, it.Prefixes()...)
	}
	return out
}

// SplitList cuts typed text into its entries: a field or a flag value may
// hold several, separated by commas, spaces or semicolons.
func SplitList(texts ...string) []string {
	var out []string
	for _, t := range texts {
		out = append(out, strings.FieldsFunc(t, func(r rune) bool { return r == ',' || r == ' ' || r == ';' || r == '\t' })...)
	}
	return out
}

// splitPeers is SplitList but for a text that names a group of the plan:
// group:NAME is the whole text, since a group's name may hold spaces and
// commas.
func splitPeers(texts []string) []string {
	var out []string
	for _, t := range texts {
		if t = strings.TrimSpace(t); strings.HasPrefix(t, GroupPrefix) {
			out = append(out, t)
			continue
		}
		out = append(out, SplitList(t)...)
	}
	return out
}

// ParsePlaces reads a field that says where people are — an office, a
// person: CIDRs, bare addresses (one host) and @names of the book. A
// CIDR's host bits are cleared and noted; an address that is not public
// gets a hint (AWS sees an office by its public address); everyone on the
// internet, in one CIDR or in pieces, is refused. Every front end reads
// its office and person fields through it.
func ParsePlaces(book AddressBook, texts ...string) (AddressList, error) {
	l, err := parseList(book, SplitList(texts...), func(s string) (Peer, string, error) {
		p, note, err := ParseCIDR(s)
		return CIDR(p), note, err
	})
	if err != nil {
		return l, err
	}
	for _, it := range l.Items {
		if it.IsRef() {
			continue // a set of the book is named on purpose
		}
		if hint := OfficeNote(it.Peers[0].Prefix()); hint != "" {
			l.Hints = append(l.Hints, hint)
		}
	}
	return l, NotAPlace(l.Prefixes())
}

// parseList reads each entry: an @name of the book, or what parse reads.
func parseList(book AddressBook, entries []string, parse func(string) (Peer, string, error)) (AddressList, error) {
	var l AddressList
	for _, text := range entries {
		it := AddressItem{Text: text}
		if IsAddressRef(text) {
			var err error
			if it, err = book.item(text); err != nil {
				return l, err
			}
		} else {
			p, note, err := parse(text)
			if err != nil {
				return l, err
			}
			if note != "" {
				l.Notes = append(l.Notes, note)
			}
			it.Peers = []Peer{p}
		}
		l.Items = append(l.Items, it)
	}
	return l, nil
}

// NotAPlace refuses a set of CIDRs that is everyone on the internet,
// whole or in pieces, where a place was asked for; nil otherwise.
func NotAPlace(prefixes []netip.Prefix) error {
	if what, ok := Everyone(prefixes); ok {
		return fmt.Errorf("%s, not an office or a person: give their own address (a service open to anyone takes anywhere as its source)", what)
	}
	return nil
}

// ParsePeers reads a field of sources or destinations: what ParsePlaces
// reads, and also existing groups (sg-…), prefix lists (pl-…) and groups
// of the plan (group:NAME, the whole of its text); everyone is a source
// like another here. Host bits cleared are noted.
func ParsePeers(book AddressBook, texts ...string) (AddressList, error) {
	return parseList(book, splitPeers(texts), ParsePeer)
}

// item is the entry @name: the CIDRs of the set.
func (b AddressBook) item(ref string) (AddressItem, error) {
	set, err := b.Resolve(ref)
	it := AddressItem{Text: ref}
	for _, p := range set {
		it.Peers = append(it.Peers, CIDR(p))
	}
	return it, err
}
