package model

import "slices"

// Merge records a rule that repeated an earlier rule of its group and
// direction (same protocol, ports and peer) and was merged into it.
type Merge struct {
	Direction Direction
	// Index is the rule that stays, in its direction.
	Index int
	// Copy is the repeated rule, with the description it had.
	Copy Rule
}

// MergeDuplicates returns the plan with every rule that repeats an
// earlier rule of its group and direction merged into that rule, which
// keeps its place and its description. EC2 holds a rule once, so every
// path (apply, each export, the review) shows one; each group's Merged
// records what was merged so that Check reports it. A rule naming a group
// of the plan by its id (sg-…) names it as group:NAME first
// (ResolveGroupIDs): it is the same rule. A plan without repeated rules
// is returned as it is.
func (p Plan) MergeDuplicates() Plan {
	p = p.ResolveGroupIDs(nil)
	var q *Plan
	for gi := range p.Groups {
		for _, d := range []Direction{Ingress, Egress} {
			rules := p.Groups[gi].Rules(d)
			if !hasDuplicate(rules) {
				continue
			}
			if q == nil {
				c := p.Clone()
				q = &c
			}
			g := &q.Groups[gi]
			kept := make([]Rule, 0, len(rules))
			at := make(map[RuleKey]int, len(rules))
			for _, r := range rules {
				if i, dup := at[r.Key()]; dup {
					g.Merged = append(g.Merged, Merge{Direction: d, Index: i, Copy: r})
					continue
				}
				at[r.Key()] = len(kept)
				kept = append(kept, r)
			}
			if d == Egress {
				g.Egress = kept
			} else {
				g.Ingress = kept
			}
		}
	}
	if q == nil {
		return p
	}
	return *q
}

// hasDuplicate reports whether two rules share a key; small lists are
// compared pairwise, so the common case allocates nothing.
func hasDuplicate(rules []Rule) bool {
	if len(rules) <= 16 {
		for i := range rules {
			for j := range i {
				if rules[i].Key() == rules[j].Key() {
					return true
				}
			}
		}
		return false
	}
	seen := make(map[RuleKey]bool, len(rules))
	for _, r := range rules {
		if seen[r.Key()] {
			return true
		}
		seen[r.Key()] = true
	}
	return false
}

// ResolveGroupIDs returns the plan with every rule that names a group of
// the plan by its id (sg-…) naming it as the plan does (group:NAME): for
// EC2 they are one rule, so every path compares, merges and writes them
// alike. The ids are the groups' own (Group.ID) and those of known (id →
// group name), such as the groups apply found by name. A plan without
// such a rule is returned as it is.
func (p Plan) ResolveGroupIDs(known map[string]string) Plan {
	names := func(id string) (string, bool) {
		if n, ok := known[id]; ok {
			return n, true
		}
		for _, g := range p.Groups {
			if g.ID == id {
				return g.Name, true
			}
		}
		return "", false
	}
	if len(known) == 0 && !slices.ContainsFunc(p.Groups, func(g Group) bool { return g.ID != "" }) {
		return p
	}
	var q *Plan
	for gi, g := range p.Groups {
		for _, d := range []Direction{Ingress, Egress} {
			for ri, r := range g.Rules(d) {
				if r.Peer.Kind() != PeerGroupID {
					continue
				}
				name, ok := names(r.Peer.Ref())
				if !ok {
					continue
				}
				if q == nil {
					c := p.Clone()
					q = &c
				}
				q.Groups[gi].Rules(d)[ri].Peer = GroupRef(name)
			}
		}
	}
	if q == nil {
		return p
	}
	return *q
}
