package model

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"
)

// methods; Plan turns it into rules, deriving everything else.
type Draft struct {
	// Name is the plan's name (Plan.Name).
	Name    string
	UseCase string
	Office  []netip.Prefix
	VPC     string
	Tags    []Tag
	// Egress is the outbound policy; under EgressCustom the groups'
	// outbound selections are edited one by one.
	Egress EgressPolicy
	// Engine is the database service id and AppPort the port behind the
	// load balancer; linked selections follow them.
	Engine  string
	AppPort int
	Groups  []GroupSpec
	// PrefixLists are the sizes of the region's prefix lists, when known
	// from AWS, so that every check counts them as AWS does; the map is
	// replaced whole, never changed in place.
	PrefixLists map[string]PrefixListSize
}

// useCase is the draft's use case, or custom.
func (d Draft) useCase() UseCase {
	if u, ok := LookupUseCase(d.UseCase); ok {
		return u
	}
	u, _ := LookupUseCase("custom")
	return u
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
		return Plan{}, Errors{{Field: FieldOffice, Msg: fmt.Sprintf(
			"%s %s open from your office: give its address, such as 203.0.113.10/32 (find it with: curl checkip.amazonaws.com), or choose another source",
			strings.Join(uses, ", "), map[bool]string{true: "is", false: "are"}[len(uses) == 1])}}
	}
	for _, g := range d.Groups {
		for _, dir := range []Direction{Ingress, Egress} {
			for _, s := range g.Selections(dir) {
				if len(s.Sources) == 0 {
					return Plan{}, Errors{{Field: g.Name + "." + dir.String(), Msg: fmt.Sprintf(
						"%s has no %s: choose one, or unselect the service", s.Service.Title, map[Direction]string{Ingress: "source", Egress: "destination"}[dir])}}
				}
			}
		}
	}
	u := d.useCase()
	p := Plan{Name: d.Name, UseCase: d.UseCase, Office: append([]netip.Prefix(nil), d.Office...), Egress: d.Egress, Groups: make([]Group, len(d.Groups)),
		PrefixLists: d.PrefixLists}
	if d.usesEngine() {
		p.Engine = d.Engine
	}
	if u.AsksAppPort {
		p.AppPort = d.AppPort
	}
	for i, gs := range d.Groups {
		in, _ := d.expand(Ingress, gs.Ingress)
		out, _ := d.expand(Egress, gs.Egress)
		in, out = gs.withExtras(Ingress, in), gs.withExtras(Egress, out)
		p.Groups[i] = Group{
			Name: gs.Name, Role: gs.Role, Description: d.GroupDescription(i), VPC: d.VPC, ID: gs.ID,
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
		for _, src := range s.Sources {
			for _, r := range d.made(dir, s, src) {
				rules = append(rules, r)
				from = append(from, si)
			}
		}
	}
	return rules, from
}

// peers are the peers a source stands for.
func (d Draft) peers(src Source) []Peer {
	switch src.Kind {
	case SourceAnyIPv4:
		return []Peer{AnyIPv4}
	case SourceAnyIPv6:
		return []Peer{AnyIPv6}
	case SourceOffice:
		peers := make([]Peer, len(d.Office))
		for i, o := range d.Office {
			peers[i] = CIDR(o)
		}
		return peers
	}
	return []Peer{src.Peer}
}

// describe writes a rule description: "HTTPS from anywhere (IPv4)", "SSH
// from the office", or the selection's own text.
func describe(dir Direction, s Selection, src Source) string {
	suffix := ""
	if s.Has(Anywhere4) && s.Has(Anywhere6) && (src.Kind == SourceAnyIPv4 || src.Kind == SourceAnyIPv6) {
		suffix = map[SourceKind]string{SourceAnyIPv4: " (IPv4)", SourceAnyIPv6: " (IPv6)"}[src.Kind]
	}
	if s.fixed {
		return s.Description
	}
	if s.Description != "" {
		return sanitizeDescription(s.Description + suffix)
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

// GroupDescription is group i's description: the one the user gave, or
// one derived from its role and inbound selections ("Web server: HTTP
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
		return sanitizeDescription(g.Role.Purpose() + ": no inbound rules")
	}
	parts := make([]string, len(clauses))
	for i, c := range clauses {
		parts[i] = joinAnd(c.titles) + " from " + c.where
	}
	return sanitizeDescription(g.Role.Purpose() + ": " + strings.Join(parts, "; "))
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

func joinAnd(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// sanitizeDescription drops characters AWS refuses in descriptions and
// cuts the text to AWS's limit.
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
		g.Extras = maps.Clone(g.Extras)
		c.Groups[i] = g
	}
	return c
}

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

// SelectionOf returns the index of the selection that makes rule i of a
// group's direction in the draft's plan (after repeated rules are
// merged), or -1.
func (d Draft) SelectionOf(group int, dir Direction, i int) int {
	if group < 0 || group >= len(d.Groups) || i < 0 {
		return -1
	}
	if _, from := d.merged(group, dir); i < len(from) {
		return from[i]
	}
	return -1
}

// merged are the rules of a group's direction as the plan holds them,
// each once (the first of repeated rules), with the selection that makes
// each.
func (d Draft) merged(group int, dir Direction) (rules []Rule, from []int) {
	all, allFrom := d.expand(dir, d.Groups[group].Selections(dir))
	all = d.Groups[group].withExtras(dir, all)
	seen := make(map[RuleKey]bool, len(all))
	for j, r := range all {
		if !seen[r.Key()] {
			seen[r.Key()] = true
			rules, from = append(rules, r), append(from, allFrom[j])
		}
	}
	return rules, from
}

// ---- Editing: the wizard and the flags change a draft only through these.

// The field names of a draft's answers in errors; each front end says
// them in its own words (a flag, a label).
const (
	FieldOffice     = "office"
	FieldEngine     = "engine"
	FieldAppPort    = "app_port"
	FieldEgress     = "egress"
	FieldSSHFrom    = "ssh_from"
	FieldVPC        = "vpc_id"
	FieldAppSources = "app_sources"
	FieldDBTo       = "db_to"
)

// SetOffice sets the office / my-IP CIDRs. The world is refused: it is
// "anywhere", which the sources offer beside the office.
func (d *Draft) SetOffice(prefixes []netip.Prefix) error {
	if err := checkOffice(prefixes); err != nil {
		return err
	}
	d.Office = append([]netip.Prefix(nil), prefixes...)
	return nil
}

// checkOffice refuses office CIDRs that are not an office: everyone, in
// one CIDR or in pieces.
func checkOffice(prefixes []netip.Prefix) error {
	for _, p := range prefixes {
		if !p.IsValid() {
			return &FieldError{Field: FieldOffice, Msg: "not a CIDR: write one such as 203.0.113.0/24"}
		}
	}
	if err := NotAPlace(prefixes); err != nil {
		return &FieldError{Field: FieldOffice, Msg: err.Error()}
	}
	return nil
}

// OfficeNote hints at a likely mistake in an office CIDR, or says "":
// a private address is what a machine calls itself inside its network,
// not the address AWS sees.
func OfficeNote(p netip.Prefix) string {
	if IsPublic(p) {
		return ""
	}
	what := "holds no public address"
	for _, r := range reserved[FamilyOf(p)] {
		if r.Prefix.Overlaps(p) && r.Prefix.Bits() <= p.Bits() {
			what = fmt.Sprintf("is %s space (%s), not a public address", r.Name, r.Prefix)
			break
		}
	}
	return fmt.Sprintf("%s %s: AWS sees your office by its public address (curl checkip.amazonaws.com tells it); keep it only for traffic over a VPN or Direct Connect", p, what)
}

// usesEngine reports whether the draft has a database engine to choose:
// its use case asks one, or a selection follows it (the web server's
// web-db egress).
func (d Draft) usesEngine() bool {
	if d.useCase().AsksEngine {
		return true
	}
	for _, g := range d.Groups {
		for _, dir := range []Direction{Ingress, Egress} {
			if slices.ContainsFunc(g.Selections(dir), func(s Selection) bool { return s.Link == LinkEngine }) {
				return true
			}
		}
	}
	return false
}

// tidyEngine forgets the engine once nothing follows it, so that a draft
// holds only the answers it uses (and reopens as it was).
func (d *Draft) tidyEngine() {
	if !d.usesEngine() {
		d.Engine = ""
	}
}

// SetEngine makes id the database engine; the selections linked to the
// engine (the database's inbound rule, the app's outbound one) follow.
func (d *Draft) SetEngine(id string) error {
	if u := d.useCase(); d.UseCase != "" && !d.usesEngine() {
		return &FieldError{Field: FieldEngine, Msg: fmt.Sprintf("the %s use case has no database engine to choose", u.ID)}
	}
	s, ok := LookupService(id)
	if !ok || s.Kind != KindDatabase || !containsString(Engines, id) {
		return &FieldError{Field: FieldEngine, Msg: fmt.Sprintf("%q is not a database engine%s: use one of %s", id, DidYouMean(id, Engines), strings.Join(Engines, ", "))}
	}
	d.Engine = id
	d.relink()
	return nil
}

// SetAppPort makes port the app port behind the load balancer; the
// selections linked to it (the app's inbound rule, the load balancer's
// outbound one) follow.
func (d *Draft) SetAppPort(port int) error {
	if u := d.useCase(); d.UseCase != "" && !u.AsksAppPort {
		return &FieldError{Field: FieldAppPort, Msg: fmt.Sprintf("the %s use case has no app port to choose", u.ID)}
	}
	if port < 1 || port > 65535 {
		return &FieldError{Field: FieldAppPort, Msg: fmt.Sprintf("%d is not a port: use 1–65535", port)}
	}
	d.AppPort = port
	d.relink()
	return nil
}

// relink gives every linked selection the service its answer names. A
// selection of that service the user had chosen besides is merged into
// the linked one, so that a group holds each service once.
func (d *Draft) relink() {
	for gi := range d.Groups {
		g := &d.Groups[gi]
		for _, dir := range []Direction{Ingress, Egress} {
			sels := g.Selections(dir)
			// The answer's service chosen by hand where the role links it is
			// the linked selection, as AddService makes it.
			if l := links(g.Role, dir); l != LinkNone && !slices.ContainsFunc(sels, func(x Selection) bool { return x.Link == l }) {
				for i := range sels {
					if !sels[i].fixed && sels[i].Service.ID == d.linkedService(l).ID {
						sels[i].Link = l
						break
					}
				}
			}
			for i := range sels {
				switch sels[i].Link {
				case LinkAppPort:
					sels[i].Service = appService(d.AppPort)
				case LinkEngine:
					if s, ok := LookupService(d.Engine); ok {
						sels[i].Service = s
					}
				}
			}
			for i := 0; i < len(sels); i++ {
				if sels[i].Link == LinkNone {
					continue
				}
				for j := 0; j < len(sels); j++ {
					if j != i && sels[j].Link == LinkNone && sels[j].Key() == sels[i].Key() {
						for _, src := range sels[j].Sources {
							if !sels[i].Has(src) {
								sels[i].Sources = append(sels[i].Sources, src)
							}
						}
						sels = append(sels[:j:j], sels[j+1:]...)
						if j < i {
							i--
						}
						j--
					}
				}
			}
			g.setSelections(dir, sels)
		}
	}
}

// linkedService is the service an answer names: the app port's, or the
// engine's.
func (d Draft) linkedService(l Link) Service {
	if l == LinkAppPort {
		return appService(d.AppPort)
	}
	s, _ := LookupService(d.Engine)
	return s
}

// SetEgress applies an outbound policy of the use case to every group,
// replacing their outbound selections; EgressCustom keeps them, to edit
// one by one.
func (d *Draft) SetEgress(e EgressPolicy) error {
	u := d.useCase()
	if e != EgressCustom && !containsEgress(u.Egresses, e) {
		return &FieldError{Field: FieldEgress, Msg: fmt.Sprintf("%q is not an egress choice for %s%s: use one of %s", e, u.ID, DidYouMean(string(e), egressNames(u.Egresses)), joinEgress(u.Egresses))}
	}
	if e != EgressCustom {
		fresh, err := u.Draft(Inputs{Egress: e, Engine: d.Engine, AppPort: d.AppPort, SSHFrom: SSHNone})
		if err != nil {
			return err
		}
		if fresh.Engine != "" && d.Engine == "" {
			d.Engine = fresh.Engine // the web-db policy's database, MySQL until chosen
		}
		kept := d.databaseDestinations()
		// The policy's selections name the preset's groups: map them by
		// role to this draft's groups.
		names := map[string]string{}
		for _, fg := range fresh.Groups {
			g := d.groupByRole(fg.Role, len(fresh.Groups))
			if g < 0 {
				return &FieldError{Field: FieldEgress, Msg: fmt.Sprintf("this plan's groups are not the %s use case's: choose custom and edit the outbound services", u.ID)}
			}
			names[fg.Name] = d.Groups[g].Name
		}
		for _, fg := range fresh.Groups {
			sels := cloneSelections(fg.Egress)
			for i := range sels {
				for k, src := range sels[i].Sources {
					if src.Kind == SourcePeer && src.Peer.Kind() == PeerGroup {
						sels[i].Sources[k] = FromGroup(names[src.Peer.Ref()])
					}
				}
			}
			gi := d.groupByRole(fg.Role, len(fresh.Groups))
			for i := range sels {
				if sels[i].Link == LinkEngine && len(sels[i].Sources) == 0 {
					sels[i].Sources = kept[gi] // chosen before: not lost
				}
			}
			d.Groups[gi].Egress = sels
		}
	}
	d.Egress = e
	d.tidyEngine()
	return nil
}

// databaseDestinations are, per group, the destinations of its outbound
// selection that follows the engine: what the web-db policy was told.
func (d Draft) databaseDestinations() map[int][]Source {
	out := map[int][]Source{}
	for gi, g := range d.Groups {
		for _, s := range g.Egress {
			if s.Link == LinkEngine {
				out[gi] = append([]Source(nil), s.Sources...)
			}
		}
	}
	return out
}

// groupByRole is the index of the group with role r, or -1; with n groups
// expected, a single custom group matches a single-group use case.
func (d Draft) groupByRole(r Role, n int) int {
	for i, g := range d.Groups {
		if g.Role == r {
			return i
		}
	}
	if n == 1 && len(d.Groups) == 1 {
		return 0
	}
	return -1
}

// GroupWithRole returns the name of the draft's group with role r,
// or "".
func (d Draft) GroupWithRole(r Role) string {
	for _, g := range d.Groups {
		if g.Role == r {
			return g.Name
		}
	}
	return ""
}

// DefaultSources is the least-privilege default for a newly ticked
// service of group g: inbound, the world for public services, the app
// group for databases, the office otherwise; outbound, the database group
// for a database, else the internet (updates, APIs).
func (d Draft) DefaultSources(g int, dir Direction, svc Service) []Source {
	other := func(r Role) []Source {
		if name := d.GroupWithRole(r); name != "" && name != d.Groups[g].Name {
			return []Source{FromGroup(name)}
		}
		return nil
	}
	if dir == Egress {
		if svc.Kind == KindDatabase {
			if s := other(RoleDatabase); s != nil {
				return s
			}
		}
		return []Source{Anywhere4, Anywhere6}
	}
	switch svc.Kind {
	case KindWeb:
		return []Source{Anywhere4, Anywhere6}
	case KindDatabase:
		if s := other(RoleApp); s != nil {
			return s
		}
	}
	return []Source{Office}
}

// ErrDuplicate says that a service was chosen already for the group.
var ErrDuplicate = errors.New("chosen already")

// AddService selects svc for group g's direction with its default sources
// and returns its index. A service chosen already is not added again
// (ErrDuplicate). notice says, when it is not empty, that some of its
// rules repeat rules of other selections, which AWS holds once.
func (d *Draft) AddService(g int, dir Direction, svc Service) (index int, notice string, err error) {
	gs := &d.Groups[g]
	sel := Selection{Service: svc, Sources: d.DefaultSources(g, dir, svc)}
	// The database's engine, or the app port, chosen where the role links
	// it, is the linked selection: it follows the answer from then on.
	switch l := links(gs.Role, dir); {
	case l == LinkEngine && svc.ID == d.Engine, l == LinkAppPort && svc.ID == appService(d.AppPort).ID:
		sel.Link = l
	}
	for i, x := range gs.Selections(dir) {
		if x.Key() == sel.Key() {
			return i, "", fmt.Errorf("%s %w", svc.Title, ErrDuplicate)
		}
	}
	gs.setSelections(dir, append(gs.Selections(dir), sel))
	d.customised(dir)
	return len(gs.Selections(dir)) - 1, d.repeats(g, dir, len(gs.Selections(dir))-1), nil
}

// RemoveService unselects selection i of group g's direction; the others
// keep their order.
func (d *Draft) RemoveService(g int, dir Direction, i int) {
	gs := &d.Groups[g]
	sels := gs.Selections(dir)
	if i < 0 || i >= len(sels) {
		return
	}
	// Fixed rules that come together now are one selection, as a plan
	// file reads back.
	gs.setSelections(dir, mergeFixed(append(sels[:i:i], sels[i+1:]...)))
	d.customised(dir)
	d.tidyEngine()
}

// ToggleSource adds or removes src of selection i of group g's direction.
// notice is as for AddService.
func (d *Draft) ToggleSource(g int, dir Direction, i int, src Source) (notice string) {
	sels := d.Groups[g].Selections(dir)
	if i < 0 || i >= len(sels) {
		return ""
	}
	x := &sels[i]
	if !(d.Egress == EgressWebDB && x.Link == LinkEngine) {
		d.customised(dir) // only the database's destination is the policy's to ask
	}
	if x.fixed && src.Kind == SourceOffice && len(d.Office) > 0 {
		// A fixed rule holds literal peers, as a plan file reads back: the
		// office is its CIDRs as they are now.
		for _, o := range d.Office {
			notice = cmp.Or(notice, d.ToggleSource(g, dir, i, FromPeer(CIDR(o))))
		}
		return notice
	}
	out := make([]Source, 0, len(x.Sources)+1)
	found := false
	for _, have := range x.Sources {
		if have == src {
			found = true
			continue
		}
		out = append(out, have)
	}
	if !found {
		out = append(out, src)
	}
	x.Sources = out
	if found {
		return ""
	}
	return d.repeats(g, dir, i)
}

// repeats says which rule of selection i repeats a rule of the group's
// other selections (the same ports for the same source), or "".
func (d Draft) repeats(g int, dir Direction, i int) string {
	sels := d.Groups[g].Selections(dir)
	word := map[Direction]string{Ingress: "from", Egress: "to"}[dir]
	for _, src := range sels[i].Sources {
		for _, ps := range sels[i].Service.Ports {
			for j, o := range sels {
				if j == i || !o.Has(src) {
					continue
				}
				if slices.Contains(o.Service.Ports, ps) {
					return fmt.Sprintf("%s %s %s repeats %s: AWS holds a rule once, so the plan keeps one", sels[i].title(), word, src, o.Service.Title)
				}
			}
		}
	}
	return ""
}

// GroupTag is the value of group i's own tag key, or "".
func (d Draft) GroupTag(i int, key string) string {
	for _, t := range d.Groups[i].Tags {
		if t.Key == key {
			return t.Value
		}
	}
	return ""
}

// SetGroupTag sets group i's own tag key to value, in place if it is
// there; an empty value removes it. The console shows the Name tag as the
// group's Name.
func (d *Draft) SetGroupTag(i int, key, value string) {
	g := &d.Groups[i]
	tags := make([]Tag, 0, len(g.Tags)+1)
	set := false
	for _, t := range g.Tags {
		switch {
		case t.Key != key:
			tags = append(tags, t)
		case value != "" && !set:
			tags = append(tags, Tag{Key: key, Value: value})
			set = true
		}
	}
	if value != "" && !set {
		tags = append(tags, Tag{Key: key, Value: value})
	}
	g.Tags = tags
}

// RenameGroup renames a group of the draft and every reference to it.
func (d *Draft) RenameGroup(old, name string) {
	if old == name {
		return
	}
	for i := range d.Groups {
		g := &d.Groups[i]
		if g.Name == old {
			g.Name = name
		}
		for ref, x := range g.Extras {
			if ref.Key.Peer == GroupRef(old) {
				delete(g.Extras, ref)
				ref.Key.Peer = GroupRef(name)
				g.Extras[ref] = x
			}
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

// standInOffice stands in for an office address not typed yet, so that the
// findings of the other rules show at once; as a /32 of TEST-NET-1 it
// makes no finding of its own.
var standInOffice = netip.MustParsePrefix("192.0.2.1/32")

// FindingsBySelection are the findings of the draft's plan on the rules of
// each selection of group g's direction, most serious first: the wizard
// shows them beside the service as it is chosen, from the same checks as
// lint, the review and apply's confirmation. A selection without sources
// has none; an office not typed yet is stood in for.
func (d Draft) FindingsBySelection(g int, dir Direction) [][]Finding {
	out := make([][]Finding, len(d.Groups[g].Selections(dir)))
	c := d.Clone()
	if len(c.Office) == 0 {
		c.Office = []netip.Prefix{standInOffice}
	}
	// Selections without sources make no plan: leave them out, and keep
	// the way back to each selection's index.
	index := map[[3]int]int{} // group, direction, new index → old
	for gi := range c.Groups {
		for _, di := range []Direction{Ingress, Egress} {
			var kept []Selection
			for i, s := range c.Groups[gi].Selections(di) {
				if len(s.Sources) > 0 {
					index[[3]int{gi, int(di), len(kept)}] = i
					kept = append(kept, s)
				}
			}
			c.Groups[gi].setSelections(di, append([]Selection{}, kept...))
		}
	}
	p, err := c.Plan()
	if err != nil {
		return out
	}
	for _, f := range p.Check() {
		if f.Group != d.Groups[g].Name || f.Direction != dir || f.Index < 0 {
			continue
		}
		if si := c.SelectionOf(g, dir, f.Index); si >= 0 {
			old := index[[3]int{g, int(dir), si}]
			out[old] = append(out[old], f)
		}
	}
	return out
}

// GroupIndex is the index of the group with this name, or -1.
func (d Draft) GroupIndex(name string) int {
	for i, g := range d.Groups {
		if g.Name == name {
			return i
		}
	}
	return -1
}
