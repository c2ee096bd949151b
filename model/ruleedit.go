package model

import (
	"fmt"
	"slices"
)

// Editing one rule of the plan, as the review offers it: the rule is taken
// out of the selections that make it, and the other rules those
// selections made stay, with their descriptions (one of a pair of
// "anywhere" rules loses its "(IPv4)" or "(IPv6)" once it stands alone).

// RuleAt is rule i of group g's direction in the draft's plan, after
// repeated rules are merged (the review's numbering).
func (d Draft) RuleAt(g int, dir Direction, i int) (Rule, bool) {
	if g < 0 || g >= len(d.Groups) || i < 0 {
		return Rule{}, false
	}
	if rules, _ := d.merged(g, dir); i < len(rules) {
		return rules[i], true
	}
	return Rule{}, false
}

// RemoveRule deletes rule i of group g's direction (the review's
// numbering) and nothing else. An outbound rule removed from a preset
// policy makes the policy custom.
func (d *Draft) RemoveRule(g int, dir Direction, i int) error {
	r, ok := d.RuleAt(g, dir, i)
	if !ok {
		return fmt.Errorf("no rule %d in %s's %s rules", i+1, d.groupName(g), dir)
	}
	d.takeOut(g, dir, r.Key())
	d.customised(dir)
	return nil
}

// SetRuleDescription gives rule i of group g's direction its own
// description; the rule keeps it whatever else changes.
func (d *Draft) SetRuleDescription(g int, dir Direction, i int, desc string) error {
	if err := ValidateRuleDescription(desc); err != nil {
		return err
	}
	r, ok := d.RuleAt(g, dir, i)
	if !ok {
		return fmt.Errorf("no rule %d in %s's %s rules", i+1, d.groupName(g), dir)
	}
	at := d.takeOut(g, dir, r.Key())
	r.Description = desc
	gs := &d.Groups[g]
	gs.setSelections(dir, mergeFixed(slices.Insert(gs.Selections(dir), at, fixedSelection(r))))
	d.customised(dir)
	return nil
}

// SetRuleTags gives rule i of group g's direction these tags (none
// removes them); the rule keeps them whatever else changes, as long as
// the draft makes it.
func (d *Draft) SetRuleTags(g int, dir Direction, i int, tags []Tag) error {
	if err := ValidateRuleTags(tags); err != nil {
		return err
	}
	r, ok := d.RuleAt(g, dir, i)
	if !ok {
		return fmt.Errorf("no rule %d in %s's %s rules", i+1, d.groupName(g), dir)
	}
	d.Groups[g].setExtra(RuleRef{dir, r.Key()}, RuleExtra{Tags: NewTags(tags...), ID: r.ID})
	return nil
}

// setExtra records what a rule carries; an empty record is removed.
func (g *GroupSpec) setExtra(ref RuleRef, x RuleExtra) {
	if x == (RuleExtra{}) {
		delete(g.Extras, ref)
		if len(g.Extras) == 0 {
			g.Extras = nil
		}
		return
	}
	if g.Extras == nil {
		g.Extras = map[RuleRef]RuleExtra{}
	}
	g.Extras[ref] = x
}

func (d Draft) groupName(g int) string {
	if g >= 0 && g < len(d.Groups) {
		return d.Groups[g].Name
	}
	return fmt.Sprintf("group %d", g+1)
}

// customised marks the outbound policy custom once the outbound rules
// were edited by hand: no preset policy makes them any more. A draft
// that names no policy (read from rules) stays so.
func (d *Draft) customised(dir Direction) {
	if dir == Egress && d.Egress != "" {
		d.Egress = EgressCustom
	}
}

// takeOut removes every source that makes a rule with key k from group
// g's selections of dir. The other rules such a source made (other ports
// of the service, other office CIDRs) stay, each as a selection of its
// own with the description it had; a selection left without sources is
// removed. It returns where a rule put back belongs: after what stays of
// the first selection that made it.
func (d *Draft) takeOut(g int, dir Direction, k RuleKey) (at int) {
	gs := &d.Groups[g]
	old := gs.Selections(dir)
	out := make([]Selection, 0, len(old)+1)
	at = -1
	for _, s := range old {
		var keep []Source
		var split []Selection
		for _, src := range s.Sources {
			made := d.made(dir, s, src)
			if !slices.ContainsFunc(made, func(r Rule) bool { return r.Key() == k }) {
				keep = append(keep, src)
				continue
			}
			for _, r := range made {
				if r.Key() != k {
					split = append(split, fixedSelection(r))
				}
			}
		}
		if len(keep) == len(s.Sources) {
			out = append(out, s)
			continue
		}
		if len(keep) > 0 {
			s.Sources = keep
			out = append(out, s)
		}
		if at < 0 {
			at = len(out) // after what stays of the selection: its rules come first
		}
		out = append(out, split...)
	}
	if at < 0 {
		at = len(out)
	}
	gs.setSelections(dir, mergeFixed(out))
	d.tidyEngine() // the rule may have been the one that followed the engine
	return at
}

// made are the rules one source of a selection makes, with the
// descriptions they have in the plan.
func (d Draft) made(dir Direction, s Selection, src Source) []Rule {
	var rules []Rule
	desc := describe(dir, s, src)
	for _, peer := range d.peers(src) {
		for _, ps := range s.Service.Ports {
			r := Rule{Protocol: ps.Protocol, Ports: ps.Ports, Peer: peer, Description: desc}
			if !s.Until.IsZero() {
				r = Temporary(r, s.Until)
			}
			rules = append(rules, r)
		}
	}
	return rules
}
