package model

import (
	"net/netip"
	"reflect"
	"strings"
	"time"
)

// DraftFromPlan makes an editable draft of a loaded or imported plan: the
// same answers, roles and selections the wizard or the flags made it from,
// so that every step shows what it showed when the plan was saved. Rules
// that no selection explains (a hand-written or imported plan) become one
// selection each, keeping their descriptions; a rule that matches no
// catalogue entry is a custom one. Plan of the draft gives p back.
func DraftFromPlan(p Plan) Draft {
	// Temporary rules are read without their expiry, and a selection whose
	// rules all carry one expiry gets it back (Until).
	original := p
	p, extras := withoutExtras(p)
	p, expiries := withoutExpiry(p)
	d := Draft{Name: p.Name, UseCase: p.UseCase, Office: append([]netip.Prefix(nil), p.Office...), VPC: p.VPC(),
		Egress: p.Egress, Engine: p.Engine, AppPort: p.AppPort, Groups: make([]GroupSpec, len(p.Groups))}
	d.Tags = commonTags(p.Groups)
	for i, g := range p.Groups {
		d.Groups[i] = GroupSpec{Name: g.Name, Role: g.Role, ID: g.ID, Tags: append([]Tag(nil), g.Tags[len(d.Tags):]...), Extras: extras[i]}
	}
	for i, g := range p.Groups {
		gs := &d.Groups[i]
		for _, dir := range []Direction{Ingress, Egress} {
			gs.setSelections(dir, d.parse(*gs, dir, g.Rules(dir)))
		}
	}
	d.usePolicySelections(p)
	for i, g := range p.Groups {
		if g.Description != d.derivedDescription(d.Groups[i]) {
			d.Groups[i].Description = g.Description
		}
	}
	d.restoreExpiry(expiries)
	if got, err := d.Plan(); err != nil || !samePlan(got, original) {
		return ruleByRule(original) // never lose a rule to a clever reading
	}
	return d
}

// withoutExtras is p without the rules' tags and ids, which no selection
// makes, and per group what it took.
func withoutExtras(p Plan) (Plan, []map[RuleRef]RuleExtra) {
	extras := make([]map[RuleRef]RuleExtra, len(p.Groups))
	var out *Plan
	for gi, g := range p.Groups {
		for _, dir := range []Direction{Ingress, Egress} {
			for ri, r := range g.Rules(dir) {
				if r.Tags.IsZero() && r.ID == "" {
					continue
				}
				if out == nil {
					c := p.Clone()
					out = &c
				}
				if extras[gi] == nil {
					extras[gi] = map[RuleRef]RuleExtra{}
				}
				extras[gi][RuleRef{dir, r.Key()}] = RuleExtra{Tags: r.Tags, ID: r.ID}
				out.Groups[gi].Rules(dir)[ri].Tags, out.Groups[gi].Rules(dir)[ri].ID = Tags{}, ""
			}
		}
	}
	if out == nil {
		return p, extras
	}
	return *out, extras
}

// expiryKey finds a temporary rule: group, direction, rule key.
type expiryKey struct {
	group int
	dir   Direction
	rule  RuleKey
}

// withoutExpiry is p with the expiry taken off every rule's description,
// and the expiries it took.
func withoutExpiry(p Plan) (Plan, map[expiryKey]time.Time) {
	expiries := map[expiryKey]time.Time{}
	var out Plan
	for gi, g := range p.Groups {
		for _, dir := range []Direction{Ingress, Egress} {
			for ri, r := range g.Rules(dir) {
				at, ok := ExpiryOf(r.Description)
				if !ok {
					continue
				}
				if len(expiries) == 0 {
					out = p.Clone()
				}
				expiries[expiryKey{gi, dir, r.Key()}] = at
				desc := r.Description[:strings.Index(r.Description, ExpiresTag+"=")]
				out.Groups[gi].Rules(dir)[ri].Description = strings.TrimSuffix(strings.TrimSpace(desc), ",")
			}
		}
	}
	if len(expiries) == 0 {
		return p, nil
	}
	return out, expiries
}

// restoreExpiry gives each selection whose rules all carry one expiry
// that expiry.
func (d *Draft) restoreExpiry(expiries map[expiryKey]time.Time) {
	for gi := range d.Groups {
		for _, dir := range []Direction{Ingress, Egress} {
			sels := d.Groups[gi].Selections(dir)
			for si, sel := range sels {
				var until time.Time
				all := true
				for _, src := range sel.Sources {
					for _, r := range d.made(dir, sel, src) {
						at, ok := expiries[expiryKey{gi, dir, r.Key()}]
						all = all && ok && (until.IsZero() || at.Equal(until))
						until = at
					}
				}
				if all && !until.IsZero() {
					sels[si].Until = until
				}
			}
		}
	}
}

// samePlan compares plans as files do: what MergeDuplicates recorded is
// not part of a plan file.
func samePlan(a, b Plan) bool {
	strip := func(p Plan) Plan {
		p = p.Clone()
		for i := range p.Groups {
			p.Groups[i].Merged = nil
		}
		return p
	}
	return reflect.DeepEqual(strip(a), strip(b))
}

// commonTags are the tags every group starts with: the draft's tags.
func commonTags(groups []Group) []Tag {
	if len(groups) == 0 {
		return nil
	}
	common := groups[0].Tags
	for _, g := range groups[1:] {
		n := 0
		for n < len(common) && n < len(g.Tags) && common[n] == g.Tags[n] {
			n++
		}
		common = common[:n]
	}
	return append([]Tag(nil), common...)
}

// parse reads a group's rules of one direction back into selections.
func (d Draft) parse(g GroupSpec, dir Direction, rules []Rule) []Selection {
	sels := []Selection{}
	for i := 0; i < len(rules); {
		if sel, n := d.matchSelection(g, dir, rules[i:]); n > 0 {
			sels = append(sels, sel)
			i += n
			continue
		}
		sels = append(sels, fixedSelection(rules[i]))
		i++
	}
	return mergeFixed(sels)
}

// mergeFixed makes adjacent fixed selections of one service with one
// description a single selection of several sources: the one form a rule
// by rule reading and the review's edits agree on.
func mergeFixed(sels []Selection) []Selection {
	out := sels[:0:0]
	for _, s := range sels {
		if n := len(out); n > 0 && s.fixed && out[n-1].fixed && out[n-1].Key() == s.Key() && out[n-1].Description == s.Description {
			prev := &out[n-1]
			for _, src := range s.Sources {
				if !prev.Has(src) {
					prev.Sources = append(prev.Sources, src)
				}
			}
			continue
		}
		out = append(out, s)
	}
	return out
}

// fixedSelection is one rule as a selection of its own, its description
// kept as it is.
func fixedSelection(r Rule) Selection {
	svc, ok := serviceByPort[PortSpec{r.Protocol, r.Ports}]
	if !ok {
		svc = CustomService(r.Protocol, r.Ports)
	}
	return Selection{Service: svc, Sources: []Source{FromPeer(r.Peer)}, Description: r.Description, fixed: true}
}

// links are the selections of a role and direction that follow an answer.
func links(r Role, dir Direction) Link {
	switch {
	case r == RoleDatabase && dir == Ingress, r == RoleApp && dir == Egress, r == RoleWeb && dir == Egress:
		return LinkEngine
	case r == RoleApp && dir == Ingress, r == RoleLoadBalancer && dir == Egress:
		return LinkAppPort
	}
	return LinkNone
}

// candidates are the selections whose first rule could be r, most
// specific first: what the role links, the catalogue's services with that
// first port, then a custom entry.
func (d Draft) candidates(g GroupSpec, dir Direction, r Rule) []Selection {
	first := PortSpec{r.Protocol, r.Ports}
	var out []Selection
	switch links(g.Role, dir) {
	case LinkAppPort:
		if d.AppPort != 0 {
			out = append(out, Selection{Service: appService(d.AppPort), Link: LinkAppPort})
		}
	case LinkEngine:
		if s, ok := LookupService(d.Engine); ok {
			out = append(out, Selection{Service: s, Link: LinkEngine})
		}
	}
	for _, s := range catalogue {
		if s.Kind != KindCustom && s.Ports[0] == first {
			out = append(out, Selection{Service: s})
		}
	}
	return append(out, Selection{Service: CustomService(r.Protocol, r.Ports)})
}

// matchSelection finds the selection that made the rules at the start of
// rules, and how many rules it made; 0 when none did.
func (d Draft) matchSelection(g GroupSpec, dir Direction, rules []Rule) (Selection, int) {
	word := " from "
	if dir == Egress {
		word = " to "
	}
	for _, c := range d.candidates(g, dir, rules[0]) {
		prefix := c.title() + word
		ports := c.Service.Ports
		n := 0
		var best Selection
		bestN := 0
		for n+len(ports) <= len(rules) {
			block := rules[n : n+len(ports)]
			if !sameBlock(block, ports) || !strings.HasPrefix(block[0].Description, prefix) {
				break
			}
			src, blocks := d.sourceOf(rules[n:], ports, strings.TrimPrefix(block[0].Description, prefix))
			if c.Has(src) || blocks*len(ports) > len(rules)-n {
				break
			}
			c.Sources = append(c.Sources, src)
			n += blocks * len(ports)
			// Keep the longest reading whose selection makes exactly
			// these rules: a rule edited in the review may follow.
			if made, _ := d.expand(dir, []Selection{c}); reflect.DeepEqual(made, rules[:n]) {
				best, bestN = c, n
				best.Sources = append([]Source(nil), c.Sources...)
			}
		}
		if bestN > 0 {
			return best, bestN
		}
	}
	return Selection{}, 0
}

// sameBlock reports whether the rules are the service's ports, in order,
// for one peer and one description.
func sameBlock(block []Rule, ports []PortSpec) bool {
	for i, r := range block {
		if (PortSpec{r.Protocol, r.Ports}) != ports[i] || r.Peer != block[0].Peer || r.Description != block[0].Description {
			return false
		}
	}
	return true
}

// sourceOf says which source made the rules at the start of rules (blocks
// of the service's ports) and how many blocks it made: the world, the
// office (one block per office CIDR), a group of the plan or another peer.
func (d Draft) sourceOf(rules []Rule, ports []PortSpec, where string) (Source, int) {
	peer := rules[0].Peer
	if where == "the office" && len(d.Office) > 0 && len(rules) >= len(d.Office)*len(ports) {
		office := true
		for i, o := range d.Office {
			office = office && rules[i*len(ports)].Peer == CIDR(o)
		}
		if office {
			return Office, len(d.Office)
		}
	}
	return FromPeer(peer), 1
}

// usePolicySelections gives the groups the outbound selections of the
// plan's egress policy when they make exactly its outbound rules: they
// carry the links between tiers that a reading of rules cannot know.
func (d *Draft) usePolicySelections(p Plan) {
	e := d.EgressChoice()
	if e == EgressCustom {
		return
	}
	c := d.Clone()
	if c.SetEgress(e) != nil {
		return
	}
	for i, g := range p.Groups {
		if made, _ := c.expand(Egress, c.Groups[i].Egress); !reflect.DeepEqual(made, g.Egress) {
			return
		}
	}
	for i := range d.Groups {
		d.Groups[i].Egress = c.Groups[i].Egress
	}
}

// EgressChoice is the outbound policy the draft follows: the one chosen,
// or for a plan that does not say (hand-written, imported) the use case's
// policy whose rules its groups hold, else custom.
func (d Draft) EgressChoice() EgressPolicy {
	switch {
	case d.Egress != "":
		return d.Egress
	case len(d.Groups) == 0:
		return d.useCase().DefaultEgress
	}
	for _, e := range d.useCase().Egresses {
		c := d.Clone()
		if c.SetEgress(e) != nil {
			continue
		}
		same := true
		for i := range d.Groups {
			want, _ := d.expand(Egress, d.Groups[i].Egress)
			got, _ := c.expand(Egress, c.Groups[i].Egress)
			same = same && sameKeys(want, got)
		}
		if same {
			return e
		}
	}
	return EgressCustom
}

// sameKeys reports whether two lists hold the same rules, whatever their
// descriptions.
func sameKeys(a, b []Rule) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Key() != b[i].Key() {
			return false
		}
	}
	return true
}

// ruleByRule is the plain reading of a plan: one selection per rule.
func ruleByRule(p Plan) Draft {
	_, extras := withoutExtras(p)
	d := Draft{Name: p.Name, UseCase: p.UseCase, Office: append([]netip.Prefix(nil), p.Office...), VPC: p.VPC(),
		Egress: p.Egress, Engine: p.Engine, AppPort: p.AppPort, Groups: make([]GroupSpec, len(p.Groups))}
	for i, g := range p.Groups {
		gs := GroupSpec{Name: g.Name, Role: g.Role, Description: g.Description, ID: g.ID, Tags: append([]Tag(nil), g.Tags...), Extras: extras[i]}
		for _, dir := range []Direction{Ingress, Egress} {
			sels := []Selection{}
			for _, r := range g.Rules(dir) {
				sels = append(sels, fixedSelection(r))
			}
			gs.setSelections(dir, sels)
		}
		d.Groups[i] = gs
	}
	return d
}
