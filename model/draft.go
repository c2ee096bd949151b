package model

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// SourceKind says where a selected service is open from (inbound) or to
// (outbound).
type SourceKind uint8

// The choices the wizard's sources step offers.
const (
	SourceAnyIPv4 SourceKind = iota // 0.0.0.0/0
	SourceAnyIPv6                   // ::/0
	SourceOffice                    // every office / my-IP CIDR of the draft
	SourcePeer                      // one CIDR, sg-…, pl-… or group of the plan
)

// Source is one source (or destination) of a selection.
type Source struct {
	Kind SourceKind
	// Peer is set for SourcePeer.
	Peer Peer
}

// The sources the presets use.
var (
	Anywhere4 = Source{Kind: SourceAnyIPv4}
	Anywhere6 = Source{Kind: SourceAnyIPv6}
	Office    = Source{Kind: SourceOffice}
)

// FromPeer is the source for one peer.
func FromPeer(p Peer) Source { return Source{Kind: SourcePeer, Peer: p} }

// FromGroup is the source for another group of the plan.
func FromGroup(name string) Source { return FromPeer(GroupRef(name)) }

// String names the source as the wizard shows it.
func (s Source) String() string {
	switch s.Kind {
	case SourceAnyIPv4:
		return "anywhere (IPv4)"
	case SourceAnyIPv6:
		return "anywhere (IPv6)"
	case SourceOffice:
		return "the office"
	}
	return s.Peer.Title()
}

// Selection is a service chosen for a group and where it is open from (or
// to). Rules are derived from it, so the wizard and the flags that make
// the same choices make the same rules.
type Selection struct {
	Service Service
	Sources []Source
	// Description replaces the generated "<service> from <source>" text.
	Description string
	// fixed keeps Description exactly, even empty: a rule from a plan file.
	fixed bool
}

// Key identifies the selection's service in a group: the catalogue id, or
// for a custom entry its protocol and ports.
func (s Selection) Key() string {
	if s.Service.Kind != KindCustom {
		return s.Service.ID
	}
	var parts []string
	for _, p := range s.Service.Ports {
		parts = append(parts, p.Protocol.String()+":"+p.Ports.Format(p.Protocol))
	}
	return "custom:" + strings.Join(parts, ",")
}

// Has reports whether the selection includes source kind k (for SourcePeer,
// the given peer).
func (s Selection) Has(src Source) bool {
	return slices.Contains(s.Sources, src)
}

// customID is the id of every CustomService.
const customID = "custom"

// CustomService is a catalogue-like entry for ports the user typed.
func CustomService(proto Protocol, ports PortRange) Service {
	title := TypeOf(Rule{Protocol: proto, Ports: ports})
	return Service{ID: customID, Title: title, Kind: KindCustom, Ports: []PortSpec{{proto, ports}},
		About: fmt.Sprintf("%s %s", proto.Title(), Rule{Protocol: proto, Ports: ports}.PortText())}
}

// GroupSpec is one group of a draft: its selections rather than its rules.
type GroupSpec struct {
	Name string
	// Purpose says what the group is for ("Web server"); the group's
	// description is derived from it and the inbound selections, so it
	// always tells what the rules do, unless Description is set.
	Purpose string
	// Description, when set, is the group description as the user gave it.
	Description string
	// ID is set for a group that exists already; Tags add to the draft's.
	ID              string
	Tags            []Tag
	Ingress, Egress []Selection
}

// Selections returns the selections of one direction.
func (g *GroupSpec) Selections(d Direction) []Selection {
	if d == Egress {
		return g.Egress
	}
	return g.Ingress
}

// Draft is a plan in the making: use case, office CIDRs and the groups'
// selections. The wizard edits a draft; Plan turns it into rules.
type Draft struct {
	UseCase string
	Office  []netip.Prefix
	VPC     string
	Tags    []Tag
	Groups  []GroupSpec
}

// UsesOffice lists the services whose source is the office, for messages.
func (d Draft) UsesOffice() []string {
	var titles []string
	for _, g := range d.Groups {
		for _, dir := range []Direction{Ingress, Egress} {
			for _, s := range g.Selections(dir) {
				if s.Has(Office) && !containsString(titles, s.Service.Title) {
					titles = append(titles, s.Service.Title)
				}
			}
		}
	}
	return titles
}

// Plan expands the selections into rules and validates the result.
func (d Draft) Plan() (Plan, error) {
	if uses := d.UsesOffice(); len(uses) > 0 && len(d.Office) == 0 {
		return Plan{}, Errors{{Field: "--office-cidr", Msg: fmt.Sprintf(
			"%s %s open from your office: give its address, such as --office-cidr 203.0.113.10/32 (find it with: curl checkip.amazonaws.com), or choose another source",
			strings.Join(uses, ", "), map[bool]string{true: "is", false: "are"}[len(uses) == 1])}}
	}
	p := Plan{UseCase: d.UseCase, Groups: make([]Group, len(d.Groups))}
	for i, gs := range d.Groups {
		in, _ := d.expand(Ingress, gs.Ingress)
		out, _ := d.expand(Egress, gs.Egress)
		p.Groups[i] = Group{
			Name: gs.Name, Description: d.GroupDescription(i), VPC: d.VPC, ID: gs.ID,
			Tags:    append(append([]Tag(nil), d.Tags...), gs.Tags...),
			Ingress: in,
			Egress:  out,
		}
	}
	if err := p.Validate(); err != nil {
		return Plan{}, err
	}
	return p.MergeDuplicates(), nil
}

// expand makes the rules of selections: per selection, per source (the
// office source giving one rule per office CIDR), per port. from[i] is the
// selection that made rule i.
func (d Draft) expand(dir Direction, sels []Selection) (rules []Rule, from []int) {
	rules = []Rule{}
	for si, s := range sels {
		both := s.Has(Anywhere4) && s.Has(Anywhere6)
		for _, src := range s.Sources {
			var peers []Peer
			switch src.Kind {
			case SourceAnyIPv4:
				peers = []Peer{AnyIPv4}
			case SourceAnyIPv6:
				peers = []Peer{AnyIPv6}
			case SourceOffice:
				for _, o := range d.Office {
					peers = append(peers, CIDR(o))
				}
			default:
				peers = []Peer{src.Peer}
			}
			desc := describe(dir, s, src, both)
			for _, peer := range peers {
				for _, ps := range s.Service.Ports {
					rules = append(rules, Rule{Protocol: ps.Protocol, Ports: ps.Ports, Peer: peer, Description: desc})
					from = append(from, si)
				}
			}
		}
	}
	return rules, from
}

// GroupDescription is group i's description: the one the user gave, or
// one derived from its purpose and inbound selections ("Web server: HTTP
// and HTTPS from anywhere; SSH from the office").
func (d Draft) GroupDescription(i int) string {
	g := d.Groups[i]
	if g.Description != "" {
		return g.Description
	}
	return d.derivedDescription(g)
}

// SetGroupDescription gives group i the description v; the derived text
// (or nothing) keeps the description derived, so that it follows the rules.
func (d *Draft) SetGroupDescription(i int, v string) {
	g := &d.Groups[i]
	if v == "" || v == d.derivedDescription(*g) {
		g.Description = ""
		return
	}
	g.Description = v
}

func (d Draft) derivedDescription(g GroupSpec) string {
	purpose := g.Purpose
	if purpose == "" {
		purpose = "Made with sgwiz"
	}
	type clause struct {
		where  string
		titles []string
	}
	var clauses []clause
	for _, s := range g.Ingress {
		where := d.where(s)
		if where == "" {
			continue
		}
		i := 0
		for i < len(clauses) && clauses[i].where != where {
			i++
		}
		if i == len(clauses) {
			clauses = append(clauses, clause{where: where})
		}
		clauses[i].titles = append(clauses[i].titles, s.title())
	}
	if len(clauses) == 0 {
		return sanitizeDescription(purpose + ": no inbound rules")
	}
	parts := make([]string, len(clauses))
	for i, c := range clauses {
		parts[i] = joinAnd(c.titles) + " from " + c.where
	}
	return sanitizeDescription(purpose + ": " + strings.Join(parts, "; "))
}

// where names a selection's sources in words: "anywhere", "the office",
// "web-alb and 10.0.0.0/16"; "" when it has none.
func (d Draft) where(s Selection) string {
	var words []string
	for _, src := range s.Sources {
		switch src.Kind {
		case SourceAnyIPv4, SourceAnyIPv6:
			w := "anywhere"
			if !(s.Has(Anywhere4) && s.Has(Anywhere6)) {
				w = "anywhere " + map[SourceKind]string{SourceAnyIPv4: "(IPv4)", SourceAnyIPv6: "(IPv6)"}[src.Kind]
			}
			if !containsString(words, w) {
				words = append(words, w)
			}
		case SourceOffice:
			words = append(words, "the office")
		default:
			if src.Peer.Kind() == PeerGroup {
				words = append(words, src.Peer.Ref())
			} else {
				words = append(words, src.Peer.Title())
			}
		}
	}
	return joinAnd(words)
}

// title names the selection's service in descriptions: the catalogue
// title, or for ports the user typed the ports ("TCP 3000").
func (s Selection) title() string {
	if s.Service.ID == customID {
		return s.Service.About
	}
	return s.Service.Title
}

// joinAnd lists words as people do: "a", "a and b", "a, b and c".
func joinAnd(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// describe writes a rule description: "HTTPS from anywhere (IPv4)", "SSH
// from the office", or the selection's own text.
func describe(dir Direction, s Selection, src Source, both bool) string {
	suffix := ""
	if both && (src.Kind == SourceAnyIPv4 || src.Kind == SourceAnyIPv6) {
		suffix = map[SourceKind]string{SourceAnyIPv4: " (IPv4)", SourceAnyIPv6: " (IPv6)"}[src.Kind]
	}
	if s.fixed {
		return s.Description
	}
	if s.Description != "" {
		return s.Description + suffix
	}
	word := " from "
	if dir == Egress {
		word = " to "
	}
	where := src.String()
	switch src.Kind {
	case SourceAnyIPv4, SourceAnyIPv6:
		where = "anywhere" + suffix
	case SourcePeer:
		if src.Peer.Kind() == PeerGroup {
			where = src.Peer.Ref()
		}
	}
	return sanitizeDescription(s.title() + word + where)
}

// sanitizeDescription drops characters AWS refuses in rule descriptions
// (catalogue titles such as "Kibana / OpenSearch" are fine; "&" is not).
func sanitizeDescription(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r <= 127 && textCharset[r] {
			b.WriteRune(r)
		}
	}
	out := b.String()
	if len(out) > MaxRuleDescriptionLen {
		out = out[:MaxRuleDescriptionLen]
	}
	return out
}

// RenameGroup renames a group of the draft and every reference to it.
func (d *Draft) RenameGroup(old, name string) {
	for i := range d.Groups {
		g := &d.Groups[i]
		if g.Name == old {
			g.Name = name
		}
		for _, sels := range [][]Selection{g.Ingress, g.Egress} {
			for j := range sels {
				for k, src := range sels[j].Sources {
					if src.Kind == SourcePeer && src.Peer == GroupRef(old) {
						sels[j].Sources[k] = FromGroup(name)
					}
				}
			}
		}
	}
}

// Clone returns a deep copy of the draft.
func (d Draft) Clone() Draft {
	c := d
	c.Office = append([]netip.Prefix(nil), d.Office...)
	c.Tags = append([]Tag(nil), d.Tags...)
	c.Groups = make([]GroupSpec, len(d.Groups))
	for i, g := range d.Groups {
		g.Tags = append([]Tag(nil), g.Tags...)
		g.Ingress = cloneSelections(g.Ingress)
		g.Egress = cloneSelections(g.Egress)
		c.Groups[i] = g
	}
	return c
}

func cloneSelections(sels []Selection) []Selection {
	out := make([]Selection, len(sels))
	for i, s := range sels {
		s.Sources = append([]Source(nil), s.Sources...)
		out[i] = s
	}
	return out
}

// DefaultEgress is the plan's form of the "default" egress policy: all
// traffic to 0.0.0.0/0 and ::/0, described.
func DefaultEgress() []Rule {
	rules, _ := Draft{}.expand(Egress, egress(EgressDefault))
	return rules
}

// NewGroupEgress is the outbound rule EC2 itself gives a new group, with no
// description: all traffic to 0.0.0.0/0, and to ::/0 in a VPC with IPv6.
func NewGroupEgress(ipv6 bool) []Rule {
	rules := []Rule{{Protocol: AllProtocols, Ports: NoPorts, Peer: AnyIPv4}}
	if ipv6 {
		rules = append(rules, Rule{Protocol: AllProtocols, Ports: NoPorts, Peer: AnyIPv6})
	}
	return rules
}

// DraftFromPlan makes an editable draft of a loaded or imported plan: one
// selection per rule, keeping its description, so that Plan gives the same
// plan back.
func DraftFromPlan(p Plan) Draft {
	d := Draft{UseCase: p.UseCase, VPC: p.VPC(), Groups: make([]GroupSpec, len(p.Groups))}
	for i, g := range p.Groups {
		gs := GroupSpec{Name: g.Name, Description: g.Description, ID: g.ID, Tags: append([]Tag(nil), g.Tags...)}
		for _, dir := range []Direction{Ingress, Egress} {
			sels := []Selection{}
			for _, r := range g.Rules(dir) {
				svc, ok := serviceByPort[PortSpec{r.Protocol, r.Ports}]
				if !ok {
					svc = CustomService(r.Protocol, r.Ports)
				}
				sels = append(sels, Selection{Service: svc, Sources: []Source{FromPeer(r.Peer)}, Description: r.Description, fixed: true})
			}
			if dir == Ingress {
				gs.Ingress = sels
			} else {
				gs.Egress = sels
			}
		}
		d.Groups[i] = gs
	}
	return d
}

// SelectionOf returns the index of the selection that makes rule i of a
// group's direction in the draft's plan (after repeated rules are
// merged), or -1.
func (d Draft) SelectionOf(group int, dir Direction, i int) int {
	if group < 0 || group >= len(d.Groups) || i < 0 {
		return -1
	}
	rules, from := d.expand(dir, d.Groups[group].Selections(dir))
	seen := make(map[RuleKey]bool, len(rules))
	n := 0
	for j, r := range rules {
		if seen[r.Key()] {
			continue
		}
		seen[r.Key()] = true
		if n == i {
			return from[j]
		}
		n++
	}
	return -1
}
