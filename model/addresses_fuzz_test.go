package model

import (
	"math/big"
	"net/netip"
	"testing"
)

// FuzzPublicAddresses: the exact count equals a slow count by interval
// arithmetic over the registry's rows, for any set of prefixes.
func FuzzPublicAddresses(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0}, uint8(1), []byte{128, 0, 0, 0}, uint8(1))
	f.Add([]byte{192, 0, 0, 0}, uint8(20), []byte{192, 0, 0, 9}, uint8(32))
	f.Add([]byte{0x20, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, uint8(16), []byte{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, uint8(30))
	f.Add([]byte{0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, uint8(90), []byte{0x3f, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, uint8(12))
	f.Fuzz(func(t *testing.T, a []byte, abits uint8, b []byte, bbits uint8) {
		p, ok1 := prefixOf(a, abits)
		q, ok2 := prefixOf(b, bbits)
		if !ok1 || !ok2 || p.Addr().Is4() != q.Addr().Is4() {
			return
		}
		got := PublicAddresses(p, q)
		want := slowPublic(FamilyOf(p), []netip.Prefix{p, q})
		if got.String() != groupDigits(want.String()) {
			t.Fatalf("PublicAddresses(%s, %s) = %s, want %s", p, q, got, want)
		}
		if IsWorld(p, q) != (new(big.Int).Lsh(want, 1).Cmp(slowPublic(FamilyOf(p), spaces[FamilyOf(p)].blocks)) >= 0) {
			t.Fatalf("IsWorld(%s, %s) disagrees with the count", p, q)
		}
	})
}

func prefixOf(b []byte, bits uint8) (netip.Prefix, bool) {
	a, ok := netip.AddrFromSlice(b)
	if !ok {
		return netip.Prefix{}, false
	}
	p, err := a.Prefix(int(bits))
	return p, err == nil
}

// slowPublic counts by intervals: each address of the union of ps that is
// in a block, and in no hole unless in a keep.
func slowPublic(f Family, ps []netip.Prefix) *big.Int {
	type iv struct{ lo, hi *big.Int }
	span := func(p netip.Prefix) iv {
		lo := new(big.Int).SetBytes(p.Masked().Addr().AsSlice())
		size := new(big.Int).Lsh(big.NewInt(1), uint(p.Addr().BitLen()-p.Bits()))
		return iv{lo, new(big.Int).Sub(new(big.Int).Add(lo, size), big.NewInt(1))}
	}
	inter := func(a, b iv) *iv {
		lo, hi := a.lo, a.hi
		if b.lo.Cmp(lo) > 0 {
			lo = b.lo
		}
		if b.hi.Cmp(hi) < 0 {
			hi = b.hi
		}
		if lo.Cmp(hi) > 0 {
			return nil
		}
		return &iv{lo, hi}
	}
	size := func(a iv) *big.Int { return new(big.Int).Add(new(big.Int).Sub(a.hi, a.lo), big.NewInt(1)) }
	s := spaces[f]
	total := new(big.Int)
	// The union, as disjoint intervals: prefixes nest or are apart.
	var parts []iv
	for _, p := range union(ps) {
		parts = append(parts, span(p))
	}
	for _, part := range parts {
		for _, b := range s.blocks {
			if x := inter(part, span(b)); x != nil {
				total.Add(total, size(*x))
			}
		}
		for _, h := range s.holes {
			if x := inter(part, span(h)); x != nil {
				total.Sub(total, size(*x))
			}
		}
		for _, k := range s.keeps {
			if x := inter(part, span(k)); x != nil {
				total.Add(total, size(*x))
			}
		}
	}
	return total
}
