package model

import (
	"cmp"
	"fmt"
	"math/big"
	"math/bits"
	"net/netip"
	"slices"
)

// Which addresses are public, counted exactly.
//
// "The world" is not the literal 0.0.0.0/0 or ::/0: half of the public
// address space opened in pieces is as open. An address is public when
// the IANA special-purpose address registries do not mark it "Globally
// Reachable: False" (https://www.iana.org/assignments/iana-ipv4-special-registry,
// https://www.iana.org/assignments/iana-ipv6-special-registry, as of
// RFC 9637 and RFC 9780); entries marked N/A (Teredo 2001::/32, 6to4
// 2002::/16, the old 6to4 relay 192.88.99.0/24) stand for hosts of the
// internet and count as public. Multicast (224.0.0.0/4, ff00::/8) is no
// one's source address. For IPv6 the public space is the global unicast
// 2000::/3 (less the registry's non-global blocks inside it) and the
// well-known NAT64 prefix 64:ff9b::/96, which stands for the IPv4
// internet.

// Family is an address family: IPv4 or IPv6.
type Family uint8

// The two families.
const (
	IPv4 Family = iota
	IPv6
)

// String is "IPv4" or "IPv6".
func (f Family) String() string {
	if f == IPv6 {
		return "IPv6"
	}
	return "IPv4"
}

// FamilyOf is the family of a prefix.
func FamilyOf(p netip.Prefix) Family {
	if p.Addr().Is4() {
		return IPv4
	}
	return IPv6
}

// space is a family's public address space: the blocks that hold public
// addresses, less the holes in them, plus the public exceptions inside the
// holes (keeps); each list is of disjoint prefixes, every hole inside a
// block and every keep inside a hole.
type space struct {
	blocks, holes, keeps []netip.Prefix
	total                Count
	// holes4 and keeps4 are the IPv4 holes and keeps as integer spans.
	holes4, keeps4 [][2]uint64
}

// Reserved is a range that holds no public address, with the registry's
// name for it.
type Reserved struct {
	Prefix netip.Prefix
	Name   string
}

// reserved lists, per family, the ranges the checks count as not public:
// for IPv4 the holes in 0.0.0.0/0, for IPv6 the holes in 2000::/3 and the
// best known of the ranges outside it (all of which hold none).
var reserved = [2][]Reserved{
	IPv4: {
		{pfx("0.0.0.0/8"), "this network"},
		{pfx("10.0.0.0/8"), "private use (RFC 1918)"},
		{pfx("100.64.0.0/10"), "shared address space (carrier-grade NAT)"},
		{pfx("127.0.0.0/8"), "loopback"},
		{pfx("169.254.0.0/16"), "link local (the instance metadata service among it)"},
		{pfx("172.16.0.0/12"), "private use (RFC 1918)"},
		{pfx("192.0.0.0/24"), "IETF protocol assignments (but 192.0.0.9 and 192.0.0.10, anycast, are public)"},
		{pfx("192.0.2.0/24"), "documentation (TEST-NET-1)"},
		{pfx("192.168.0.0/16"), "private use (RFC 1918)"},
		{pfx("198.18.0.0/15"), "benchmarking"},
		{pfx("198.51.100.0/24"), "documentation (TEST-NET-2)"},
		{pfx("203.0.113.0/24"), "documentation (TEST-NET-3)"},
		{pfx("224.0.0.0/4"), "multicast (no one's source address)"},
		{pfx("240.0.0.0/4"), "reserved, and the limited broadcast 255.255.255.255"},
	},
	IPv6: {
		{pfx("::/128"), "unspecified address"},
		{pfx("::1/128"), "loopback"},
		{pfx("64:ff9b:1::/48"), "local-use IPv4/IPv6 translation (but 64:ff9b::/96, the NAT64 prefix that stands for the IPv4 internet, is public)"},
		{pfx("100::/64"), "discard only"},
		{pfx("2001::/23"), "IETF protocol assignments (but Teredo 2001::/32 and the anycast and overlay blocks the registry marks globally reachable are public)"},
		{pfx("2001:db8::/32"), "documentation"},
		{pfx("3fff::/20"), "documentation"},
		{pfx("5f00::/16"), "segment routing (SRv6) identifiers"},
		{pfx("fc00::/7"), "unique local (fd00::/8 among it)"},
		{pfx("fe80::/10"), "link local"},
		{pfx("ff00::/8"), "multicast (no one's source address)"},
	},
}

var spaces = [2]space{
	// The IPv4 holes are the reserved list itself.
	IPv4: newSpace(pfxs("0.0.0.0/0"), prefixesOfReserved(reserved[IPv4]),
		// PCP and TURN anycast, globally reachable inside 192.0.0.0/24
		pfxs("192.0.0.9/32", "192.0.0.10/32")),
	// Everything outside 2000::/3 but the NAT64 prefix holds no public
	// address; inside it, the IETF protocol assignments 2001::/23
	// (benchmarking 2001:2::/48 and the deprecated ORCHID 2001:10::/28
	// among them) but Teredo and the blocks the registry marks globally
	// reachable, and the two documentation prefixes.
	IPv6: newSpace(pfxs("2000::/3", "64:ff9b::/96"),
		pfxs("2001::/23", "2001:db8::/32", "3fff::/20"),
		pfxs("2001::/32", "2001:1::1/128", "2001:1::2/128", "2001:1::3/128", "2001:3::/32", "2001:4:112::/48", "2001:20::/28", "2001:30::/28")),
}

// NotPublic lists the ranges that hold no public address, per family, for
// the README and messages. For IPv6 it names the best known; anything
// outside 2000::/3 but 64:ff9b::/96 is not public either.
func NotPublic(f Family) []Reserved { return slices.Clone(reserved[f]) }

func prefixesOfReserved(rs []Reserved) []netip.Prefix {
	out := make([]netip.Prefix, len(rs))
	for i, r := range rs {
		out[i] = r.Prefix
	}
	return out
}

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

func pfxs(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = pfx(s)
	}
	return out
}

func newSpace(blocks, holes, keeps []netip.Prefix) space {
	s := space{blocks: blocks, holes: holes, keeps: keeps}
	for _, h := range holes {
		if h.Addr().Is4() {
			lo, hi := span4(h)
			s.holes4 = append(s.holes4, [2]uint64{lo, hi})
		}
	}
	for _, k := range keeps {
		if k.Addr().Is4() {
			lo, hi := span4(k)
			s.keeps4 = append(s.keeps4, [2]uint64{lo, hi})
		}
	}
	s.total = s.public(blocks)
	return s
}

// public counts the public addresses of disjoint prefixes of the family.
func (s space) public(ps []netip.Prefix) Count {
	var c Count
	for _, p := range ps {
		if p.Addr().Is4() {
			c = c.Add(Count{lo: s.public4(p)})
			continue
		}
		for _, b := range s.blocks {
			c = c.Add(overlap(p, b))
		}
		for _, h := range s.holes {
			c = c.Sub(overlap(p, h))
		}
		for _, k := range s.keeps {
			c = c.Add(overlap(p, k))
		}
	}
	return c
}

// public4 counts the public addresses of an IPv4 prefix in integers.
func (s space) public4(p netip.Prefix) uint64 {
	lo, hi := span4(p)
	n := hi - lo + 1
	for _, h := range s.holes4 {
		n -= overlap4(lo, hi, h)
	}
	for _, k := range s.keeps4 {
		n += overlap4(lo, hi, k)
	}
	return n
}

// span4 is the first and last address of an IPv4 prefix as integers.
func span4(p netip.Prefix) (lo, hi uint64) {
	a := p.Masked().Addr().As4()
	lo = uint64(a[0])<<24 | uint64(a[1])<<16 | uint64(a[2])<<8 | uint64(a[3])
	return lo, lo + 1<<(32-p.Bits()) - 1
}

func overlap4(lo, hi uint64, q [2]uint64) uint64 {
	lo, hi = max(lo, q[0]), min(hi, q[1])
	if lo > hi {
		return 0
	}
	return hi - lo + 1
}

// overlap is the number of addresses two prefixes share: the smaller's
// size when one holds the other, else none.
func overlap(a, b netip.Prefix) Count {
	if !a.Overlaps(b) {
		return Count{}
	}
	return pow2(uint(a.Addr().BitLen() - max(a.Bits(), b.Bits())))
}

// sizeOf is the number of addresses of a prefix.
func sizeOf(p netip.Prefix) Count { return pow2(uint(p.Addr().BitLen() - p.Bits())) }

// union makes a set of prefixes of one family disjoint: a prefix inside
// another is dropped.
func union(ps []netip.Prefix) []netip.Prefix {
	if len(ps) < 2 {
		return ps
	}
	ps = slices.Clone(ps)
	slices.SortFunc(ps, func(a, b netip.Prefix) int {
		return cmp.Or(a.Addr().Compare(b.Addr()), a.Bits()-b.Bits())
	})
	out := ps[:0]
	for _, p := range ps {
		if n := len(out); n > 0 && out[n-1].Overlaps(p) {
			continue // sorted: the earlier one holds it
		}
		out = append(out, p.Masked())
	}
	return out
}

// PublicAddresses counts the public addresses of a set of CIDRs of one
// family, each address once however many of the CIDRs hold it.
func PublicAddresses(ps ...netip.Prefix) Count {
	if len(ps) == 0 {
		return Count{}
	}
	return spaces[FamilyOf(ps[0])].public(union(ps))
}

// IsPublic reports whether a CIDR holds any public address.
func IsPublic(p netip.Prefix) bool { return !PublicAddresses(p).IsZero() }

// Share is how much of its family's public address space a set of CIDRs
// of one family holds, from 0 to 1 (as a float: for messages and the
// threshold, never for counting).
func Share(ps ...netip.Prefix) float64 {
	if len(ps) == 0 {
		return 0
	}
	return PublicAddresses(ps...).Ratio(spaces[FamilyOf(ps[0])].total)
}

// IsWorld reports whether a set of CIDRs of one family opens half or more
// of the family's public address space: for every check that looks for
// "anyone on the internet", that is anyone, whether written 0.0.0.0/0 or
// in pieces.
func IsWorld(ps ...netip.Prefix) bool {
	if len(ps) == 0 {
		return false
	}
	total := spaces[FamilyOf(ps[0])].total
	// Fewer addresses in all than half the public ones: not the world,
	// without counting.
	var size Count
	for _, p := range ps {
		if size = size.Add(sizeOf(p)); size.Double().Compare(total) >= 0 {
			return PublicAddresses(ps...).Double().Compare(total) >= 0
		}
	}
	return false
}

// Everyone reports whether a set of CIDRs (of either family) is everyone
// on the internet, whole or in pieces, and says so in words for a
// message: "0.0.0.0/1 and 128.0.0.0/1 are everyone on the internet (all of
// its IPv4 addresses)". Places (an office, a person, an address book
// entry) are refused with it.
func Everyone(prefixes []netip.Prefix) (string, bool) {
	var fams [2][]netip.Prefix
	for _, p := range prefixes {
		if p.IsValid() {
			fams[FamilyOf(p)] = append(fams[FamilyOf(p)], p)
		}
	}
	for f, ps := range fams {
		if !IsWorld(ps...) {
			continue
		}
		if len(ps) == 1 && ps[0].Bits() == 0 {
			return fmt.Sprintf("%s is everyone on the internet", ps[0]), true
		}
		// Name the ranges that hold public addresses: a private one
		// beside them is not the problem.
		var names []string
		for _, p := range ps {
			if IsPublic(p) {
				names = append(names, p.String())
			}
		}
		if len(names) > 4 {
			names = []string{fmt.Sprintf("these %d %s CIDRs", len(names), Family(f))}
		}
		one := len(names) == 1
		share := Share(ps...)
		if share >= 0.9995 {
			return fmt.Sprintf("%s %s everyone on the internet (all of its %s addresses)", joinAnd(names), map[bool]string{true: "is", false: "are"}[one], Family(f)), true
		}
		return fmt.Sprintf("%s %s %s of the internet's %s addresses, more than half: that is everyone", joinAnd(names), map[bool]string{true: "holds", false: "hold"}[one], percent(share), Family(f)), true
	}
	return "", false
}

// Count is an exact number of addresses (IPv6 counts reach 2^128).
type Count struct{ hi, lo uint64 }

// pow2 is 2^n; 2^128 (all of IPv6) saturates at the largest count.
func pow2(n uint) Count {
	switch {
	case n >= 128:
		return Count{^uint64(0), ^uint64(0)}
	case n >= 64:
		return Count{hi: 1 << (n - 64)}
	}
	return Count{lo: 1 << n}
}

// Add returns c+d, saturating at the largest count.
func (c Count) Add(d Count) Count {
	lo, carry := bits.Add64(c.lo, d.lo, 0)
	hi, over := bits.Add64(c.hi, d.hi, carry)
	if over != 0 {
		return Count{^uint64(0), ^uint64(0)}
	}
	return Count{hi, lo}
}

// Sub returns c-d.
func (c Count) Sub(d Count) Count {
	lo, borrow := bits.Sub64(c.lo, d.lo, 0)
	hi, _ := bits.Sub64(c.hi, d.hi, borrow)
	return Count{hi, lo}
}

// Double returns 2c.
func (c Count) Double() Count { return c.Add(c) }

// Compare returns -1, 0 or 1 as c is less than, equal to or more than d.
func (c Count) Compare(d Count) int { return cmp.Or(cmp.Compare(c.hi, d.hi), cmp.Compare(c.lo, d.lo)) }

// IsZero reports whether c is 0.
func (c Count) IsZero() bool { return c == Count{} }

// Ratio is c/d as a float.
func (c Count) Ratio(d Count) float64 {
	f := func(x Count) float64 { return float64(x.hi)*0x1p64 + float64(x.lo) }
	if d.IsZero() {
		return 0
	}
	return f(c) / f(d)
}

// String is the count in decimal with thousands separators:
// "2,147,483,648".
func (c Count) String() string {
	n := new(big.Int).Lsh(new(big.Int).SetUint64(c.hi), 64)
	n.Or(n, new(big.Int).SetUint64(c.lo))
	return groupDigits(n.String())
}

// Words says a count as people read large numbers: the exact number up
// to a trillion, else a power of two ("about 2^124").
func (c Count) Words() string {
	if c.hi == 0 && c.lo < 1e12 {
		return c.String()
	}
	n := bits.Len64(c.lo) - 1
	if c.hi != 0 {
		n = 64 + bits.Len64(c.hi) - 1
	}
	return fmt.Sprintf("about 2^%d", n)
}
