package model

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
)

// PeerKind says what a rule's source or destination is.
type PeerKind uint8

// The kinds of peer a rule can name.
const (
	PeerInvalid    PeerKind = iota
	PeerIPv4                // an IPv4 CIDR
	PeerIPv6                // an IPv6 CIDR
	PeerGroup               // a group of the same plan, by name
	PeerGroupID             // an existing security group, sg-…
	PeerPrefixList          // a managed prefix list, pl-…
)

// Peer is the source of an inbound rule or the destination of an outbound
// one. It is a comparable value; the zero Peer is invalid.
type Peer struct {
	kind   PeerKind
	prefix netip.Prefix
	ref    string
}

// The world, as the console's "Anywhere" choices name it.
var (
	AnyIPv4 = CIDR(netip.MustParsePrefix("0.0.0.0/0"))
	AnyIPv6 = CIDR(netip.MustParsePrefix("::/0"))
)

// GroupPrefix marks a reference to another group of the plan in the plan
// file: "group:app".
const GroupPrefix = "group:"

var (
	groupIDPattern    = regexp.MustCompile(`^sg-([0-9a-f]{8}|[0-9a-f]{17})$`)
	prefixListPattern = regexp.MustCompile(`^pl-([0-9a-f]{8}|[0-9a-f]{17})$`)
)

// CIDR returns the peer for a prefix, with host bits cleared.
func CIDR(p netip.Prefix) Peer {
	p = p.Masked()
	kind := PeerIPv4
	if p.Addr().Is6() {
		kind = PeerIPv6
	}
	return Peer{kind: kind, prefix: p}
}

// GroupRef returns a reference to the group of the plan with this name.
func GroupRef(name string) Peer { return Peer{kind: PeerGroup, ref: name} }

// GroupID returns a reference to an existing group; see ParsePeer for checks.
func GroupID(id string) Peer { return Peer{kind: PeerGroupID, ref: id} }

// HostPrefix is the one-address CIDR of a: /32 for IPv4 (an IPv4-mapped
// IPv6 address included), /128 for IPv6, as the console's "My IP" fills it.
func HostPrefix(a netip.Addr) netip.Prefix {
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen())
}

// PrefixList returns a reference to a managed prefix list.
func PrefixList(id string) Peer { return Peer{kind: PeerPrefixList, ref: id} }

// ParseCIDR reads an IPv4 or IPv6 CIDR. A bare address becomes a /32 or
// /128. Host bits are cleared and reported in note ("10.0.0.5/24 has host
// bits set; using 10.0.0.0/24"); note is empty otherwise.
func ParseCIDR(s string) (p netip.Prefix, note string, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return netip.Prefix{}, "", fmt.Errorf("empty address: write a CIDR such as 203.0.113.0/24 or 2001:db8::/32")
	}
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, "", fmt.Errorf("%q is not an IP address or CIDR: write one such as 203.0.113.10 or 203.0.113.0/24", s)
		}
		if a.Zone() != "" {
			return netip.Prefix{}, "", fmt.Errorf("%q has a zone: remove the %%%s", s, a.Zone())
		}
		return HostPrefix(a), "", nil
	}
	p, err = netip.ParsePrefix(s)
	if err != nil {
		addr, bits, _ := strings.Cut(s, "/")
		if a, aerr := netip.ParseAddr(addr); aerr == nil {
			return netip.Prefix{}, "", fmt.Errorf("%q: prefix length /%s is not valid for IPv%d: use 0–%d", s, bits, ipVersion(a), a.BitLen())
		}
		return netip.Prefix{}, "", fmt.Errorf("%q is not a CIDR: write one such as 203.0.113.0/24 or 2001:db8::/32", s)
	}
	if p.Addr().Is4In6() {
		return netip.Prefix{}, "", fmt.Errorf("%q is an IPv4-mapped IPv6 prefix: write the IPv4 CIDR instead", s)
	}
	if m := p.Masked(); m != p {
		note = fmt.Sprintf("%s has host bits set; using %s", s, m)
		p = m
	}
	return p, note, nil
}

func ipVersion(a netip.Addr) int {
	if a.Is4() {
		return 4
	}
	return 6
}

// ParsePeer reads a source or destination: a CIDR or bare address, an
// existing group id sg-…, a prefix list pl-…, or group:NAME for another group
// of the plan. note reports a CIDR whose host bits were cleared.
func ParsePeer(s string) (p Peer, note string, err error) {
	s = strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(s, GroupPrefix):
		name := strings.TrimPrefix(s, GroupPrefix)
		if name == "" {
			return Peer{}, "", fmt.Errorf("%q names no group: write group:NAME with the name of a group in the plan", s)
		}
		return GroupRef(name), "", nil
	case strings.HasPrefix(s, "sg-"):
		if !groupIDPattern.MatchString(s) {
			return Peer{}, "", fmt.Errorf("%q is not a security group id: it is sg- and 8 or 17 lowercase hex digits", s)
		}
		return GroupID(s), "", nil
	case strings.HasPrefix(s, "pl-"):
		if !prefixListPattern.MatchString(s) {
			return Peer{}, "", fmt.Errorf("%q is not a prefix list id: it is pl- and 8 or 17 lowercase hex digits", s)
		}
		return PrefixList(s), "", nil
	}
	prefix, note, err := ParseCIDR(s)
	if err != nil {
		if !strings.ContainsAny(s, ".:/0123456789") {
			return Peer{}, "", fmt.Errorf("%q is not a CIDR, sg-… id, pl-… id or group:NAME", s)
		}
		return Peer{}, "", err
	}
	return CIDR(prefix), note, nil
}

// Kind says what the peer is.
func (p Peer) Kind() PeerKind { return p.kind }

// IsValid reports whether p is a peer (the zero Peer is not).
func (p Peer) IsValid() bool { return p.kind != PeerInvalid }

// Prefix is the CIDR of an IPv4 or IPv6 peer.
func (p Peer) Prefix() netip.Prefix { return p.prefix }

// Ref is the group name, group id or prefix list id of a reference peer.
func (p Peer) Ref() string { return p.ref }

// IsCIDR reports whether p is an IPv4 or IPv6 CIDR.
func (p Peer) IsCIDR() bool { return p.kind == PeerIPv4 || p.kind == PeerIPv6 }

// IsWorld reports whether p is 0.0.0.0/0 or ::/0.
func (p Peer) IsWorld() bool { return p.IsCIDR() && p.prefix.Bits() == 0 }

// Addresses is the number of addresses a CIDR peer holds, as text ("256",
// "2^64") since IPv6 counts overflow.
func (p Peer) Addresses() string {
	if !p.IsCIDR() {
		return ""
	}
	host := p.prefix.Addr().BitLen() - p.prefix.Bits()
	if host < 63 {
		return groupDigits(fmt.Sprint(uint64(1) << host))
	}
	return fmt.Sprintf("2^%d", host)
}

// groupDigits puts thousands separators in a decimal number:
// "2,147,483,648".
func groupDigits(s string) string {
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// String is the plan-file form: a CIDR, sg-…, pl-… or group:NAME.
func (p Peer) String() string {
	switch p.kind {
	case PeerIPv4, PeerIPv6:
		return p.prefix.String()
	case PeerGroup:
		return GroupPrefix + p.ref
	case PeerGroupID, PeerPrefixList:
		return p.ref
	}
	return "invalid"
}

// Title is the console's Source/Destination column: a CIDR, an id, or
// "group NAME" for a group of the plan.
func (p Peer) Title() string {
	if p.kind == PeerGroup {
		return "group " + p.ref
	}
	return p.String()
}

// MarshalText implements encoding.TextMarshaler.
func (p Peer) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; host bits are cleared.
func (p *Peer) UnmarshalText(b []byte) error {
	q, _, err := ParsePeer(string(b))
	if err != nil {
		return err
	}
	*p = q
	return nil
}
