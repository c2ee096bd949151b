package model

import (
	"fmt"
	"net/netip"
	"slices"
)

// What a set of rules opens to the world.
//
// A check that looks for "anyone on the internet" looks at the public
// addresses a protocol and port are open to, summed over a group's rules
// (and in an audit over the groups on one network interface): half or
// more of a family's public space is the world, whether written 0.0.0.0/0,
// 0.0.0.0/1, or in four /2s.

// worldPiece is traffic of one rule that is open to the world.
type worldPiece struct {
	// Rule is the rule narrowed to the traffic open to the world: its
	// protocol and ports, its peer and description.
	Rule Rule
	// With are the other rules (indexes into the rules judged) whose
	// addresses add up with this rule's to the world; empty when the rule
	// is the world alone.
	With []int
	// Share is how much of the family's public space the traffic is open
	// to (0.5 to 1).
	Share float64
}

// whole reports whether the piece is all of the rule's traffic.
func (w worldPiece) whole(r Rule) bool {
	return w.Rule.Protocol == r.Protocol && (w.Rule.Ports == r.Ports || !r.Protocol.HasPorts())
}

// worldAlone reports whether a rule's own peer is the world: 0.0.0.0/0,
// ::/0, or a CIDR holding half or more of its family's public addresses.
func worldAlone(r Rule) bool {
	return r.Peer.IsWorld() || r.Peer.IsCIDR() && IsWorld(r.Peer.Prefix())
}

// worldOf finds, for each rule of rules (one direction, of one group or of
// the groups on one interface), the traffic it opens to the world alone or
// together with other rules. A rule that is the world alone is all world;
// rules that are not add up per protocol and port, and each rule holding
// public addresses in a sum that reaches the world gets the piece. ICMP is
// not judged (no check asks it of the world).
func worldOf(rules []Rule) map[int][]worldPiece {
	var out map[int][]worldPiece
	put := func(i int, ps []worldPiece) {
		if out == nil {
			out = map[int][]worldPiece{}
		}
		out[i] = ps
	}
	var parts [2][]int // per family: rules with public addresses, not the world alone
	for i, r := range rules {
		if !r.Peer.IsCIDR() || r.Protocol.IsICMP() {
			continue
		}
		p := r.Peer.Prefix()
		switch {
		case worldAlone(r):
			put(i, []worldPiece{{Rule: r, Share: Share(p)}})
		case IsPublic(p):
			f := FamilyOf(p)
			parts[f] = append(parts[f], i)
		}
	}
	for _, members := range parts {
		if len(members) < 2 || !worldSum(rules, members) {
			continue // fast path: together they are not the world
		}
		for _, i := range members {
			if ps := piecesOf(rules, members, i); len(ps) > 0 {
				put(i, ps)
			}
		}
	}
	return out
}

// worldSum reports whether the members (rules of one family) together
// hold half the family's public addresses; it counts only when their
// sizes could.
func worldSum(rules []Rule, members []int) bool {
	total := spaces[FamilyOf(rules[members[0]].Peer.Prefix())].total
	var size Count
	for _, j := range members {
		if size = size.Add(sizeOf(rules[j].Peer.Prefix())); size.Double().Compare(total) >= 0 {
			return IsWorld(prefixesOf(rules, members)...)
		}
	}
	return false
}

func prefixesOf(rules []Rule, idx []int) []netip.Prefix {
	ps := make([]netip.Prefix, len(idx))
	for k, i := range idx {
		ps[k] = rules[i].Peer.Prefix()
	}
	return ps
}

// piecesOf is the traffic of rule i that members (rules of one family
// with public addresses) open to the world together.
func piecesOf(rules []Rule, members []int, i int) []worldPiece {
	r := rules[i]
	carrying := func(p Protocol) []int {
		var ms []int
		for _, j := range members {
			if q := rules[j].Protocol; q == p || q == AllProtocols {
				ms = append(ms, j)
			}
		}
		return ms
	}
	piece := func(narrow Rule, ms []int) worldPiece {
		return worldPiece{Rule: narrow, With: slices.DeleteFunc(contributors(rules, ms), func(j int) bool { return j == i }), Share: Share(prefixesOf(rules, ms)...)}
	}
	protocols := []Protocol{r.Protocol}
	if r.Protocol == AllProtocols {
		all := onlyAll(rules, members)
		if IsWorld(prefixesOf(rules, all)...) {
			if !slices.Contains(contributors(rules, all), i) {
				return nil
			}
			return []worldPiece{piece(r, all)}
		}
		// All traffic with rules of one protocol: judge each protocol
		// the others name.
		protocols = nil
		for _, j := range members {
			if q := rules[j].Protocol; q != AllProtocols && !q.IsICMP() && !slices.Contains(protocols, q) {
				protocols = append(protocols, q)
			}
		}
	}
	var out []worldPiece
	for _, p := range protocols {
		ms := carrying(p)
		if !p.HasPorts() {
			if IsWorld(prefixesOf(rules, ms)...) && slices.Contains(contributors(rules, ms), i) {
				out = append(out, piece(Rule{Protocol: p, Ports: NoPorts, Peer: r.Peer, Description: r.Description}, ms))
			}
			continue
		}
		span := r.Ports
		if r.Protocol == AllProtocols {
			span = AllPorts
		}
		out = append(out, portPieces(rules, ms, i, p, span, piece)...)
	}
	return out
}

// contributors are the rules of ms that add public addresses to the sum:
// a rule whose range the others (of other ranges) already hold adds
// nothing, and is not named (a /32 inside a /2 that is part of the world);
// rules of the same range stand or fall together.
func contributors(rules []Rule, ms []int) []int {
	var out []int
	for _, j := range ms {
		own := rules[j].Peer.Prefix()
		var others []netip.Prefix
		for _, k := range ms {
			if p := rules[k].Peer.Prefix(); p != own {
				others = append(others, p)
			}
		}
		if PublicAddresses(append(others, own)...).Compare(PublicAddresses(others...)) > 0 {
			out = append(out, j)
		}
	}
	return out
}

func onlyAll(rules []Rule, members []int) []int {
	var all []int
	for _, j := range members {
		if rules[j].Protocol == AllProtocols {
			all = append(all, j)
		}
	}
	return all
}

// portPieces cuts span at every edge of the members' port ranges and keeps
// the runs of ports where the members holding them are the world.
func portPieces(rules []Rule, ms []int, i int, p Protocol, span PortRange, piece func(Rule, []int) worldPiece) []worldPiece {
	ports := func(j int) PortRange {
		if rules[j].Protocol == AllProtocols {
			return AllPorts
		}
		return rules[j].Ports
	}
	edges := []int{span.From(), span.To() + 1}
	for _, j := range ms {
		for _, e := range []int{ports(j).From(), ports(j).To() + 1} {
			if e > span.From() && e <= span.To() {
				edges = append(edges, e)
			}
		}
	}
	slices.Sort(edges)
	edges = slices.Compact(edges)
	var out []worldPiece
	var run []int // the members of the current run of world ports
	from := -1
	flush := func(to int) {
		if from >= 0 {
			r := rules[i]
			out = append(out, piece(Rule{Protocol: p, Ports: Ports(from, to), Peer: r.Peer, Description: r.Description}, run))
		}
		from, run = -1, nil
	}
	for k := 0; k+1 < len(edges); k++ {
		lo, hi := edges[k], edges[k+1]-1
		var active []int
		for _, j := range ms {
			if ports(j).ContainsPort(lo) {
				active = append(active, j)
			}
		}
		if !IsWorld(prefixesOf(rules, active)...) || !slices.Contains(contributors(rules, active), i) {
			flush(lo - 1)
			continue
		}
		if from < 0 {
			from = lo
		}
		for _, j := range active {
			if !slices.Contains(run, j) {
				run = append(run, j)
			}
		}
		if k+2 == len(edges) {
			flush(hi)
		}
	}
	return out
}

// worldWho names who a piece is open to, for a finding's message: the
// peer when it is 0.0.0.0/0 or ::/0; its share of the internet when it is
// the world alone; the rules that add up when it takes several. label
// names a rule of rules ("inbound rule 2").
func worldWho(rules []Rule, label func(int) string, w worldPiece) string {
	r := w.Rule
	if r.Peer.IsWorld() {
		return r.Peer.String()
	}
	fam := FamilyOf(r.Peer.Prefix())
	if len(w.With) == 0 {
		return fmt.Sprintf("%s (%s public addresses, %s of the %s internet)", r.Peer, PublicAddresses(r.Peer.Prefix()).Words(), percent(w.Share), fam)
	}
	others := make([]string, len(w.With))
	for k, j := range w.With {
		others[k] = fmt.Sprintf("%s's %s", label(j), rules[j].Peer)
	}
	return fmt.Sprintf("%s and, with %s, %s of the %s internet", r.Peer, joinAnd(others), percent(w.Share), fam)
}

// worldFix names the rules that add up to the world, for a finding's fix.
func worldFix(rules []Rule, label func(int) string, i int, w worldPiece) string {
	if len(w.With) == 0 {
		if w.Rule.Peer.IsWorld() {
			return ""
		}
		return fmt.Sprintf(" %s is more than half of the internet's %s addresses: sgwiz treats it as anyone.", w.Rule.Peer, FamilyOf(w.Rule.Peer.Prefix()))
	}
	all := append([]int{i}, w.With...)
	slices.Sort(all)
	names := make([]string, len(all))
	for k, j := range all {
		names[k] = fmt.Sprintf("%s (%s)", label(j), rules[j].Peer)
	}
	return fmt.Sprintf(" These add up to %s of the internet's %s addresses, so narrow them together: %s.", percent(w.Share), FamilyOf(w.Rule.Peer.Prefix()), joinAnd(names))
}

func percent(f float64) string {
	if f >= 0.9995 {
		return "all"
	}
	return fmt.Sprintf("%.0f%%", f*100)
}
