package model

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Severity ranks findings. Names are stable: scripts rely on them.
type Severity uint8

// Severities from least to most serious.
const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

// String is the stable lower-case name.
func (s Severity) String() string {
	if int(s) < len(severityNames) {
		return severityNames[s]
	}
	return "unknown"
}

// MarshalText implements encoding.TextMarshaler.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Finding is one problem the checks found in a group.
type Finding struct {
	// ID is stable (scripts rely on it), such as world-admin-port.
	ID       string
	Severity Severity
	Group    string
	// Direction and Index locate the rule; Index is -1 for the whole group.
	Direction Direction
	Index     int
	Rule      Rule
	// Why says in one sentence what is wrong; Fix what to do, in the
	// commands' words where it points to an answer (see Wording): lint,
	// audit and the exports print it. FixIn says it in a front end's.
	Why, Fix string
	// Controls are the Security Hub, CIS and linter checks it matches.
	Controls []string
	// group is the index of the finding's group in the plan checked.
	group int
	// fix and fixAlso are Fix as written (setFix).
	fix, fixAlso string
}

// Check describes each check: its id, severity and the controls it maps to.
type Check struct {
	ID       string
	Severity Severity
	Title    string
	// Controls are the ids (of Controls) a finding of the check may name:
	// each one it names fails the finding's rule by its own definition.
	Controls []string
	// Differs says why the check rates lower than a control it names;
	// a finding so rated carries it. Empty: the finding is rated at least
	// as the strictest control it names.
	Differs string
	// at is where in a group's walk checkGroup runs find, which adds the
	// check's findings there (see checks.go); find is nil for a check that
	// an audit, or the links between groups, make.
	at   step
	find func(w *walk)
}

// Checks lists every check sgwiz runs, for the README's table and the tests.
var Checks = []Check{
	{ID: "world-all-traffic", Severity: Critical, Title: "All traffic or every port of TCP or UDP open to the internet",
		Controls: []string{"SecurityHub EC2.19", "SecurityHub EC2.18", "SecurityHub EC2.13", "SecurityHub EC2.14", "SecurityHub EC2.53", "SecurityHub EC2.54", "CIS AWS 3.0 5.2", "CIS AWS 3.0 5.3",
			"checkov CKV_AWS_24", "checkov CKV_AWS_25", "checkov CKV_AWS_277", "trivy AVD-AWS-0107", "KICS 4728cd65",
			"prowler ec2_securitygroup_allow_ingress_from_internet_to_all_ports"},
		at:   onWorld,
		find: findWorldAllTraffic},
	{ID: "world-admin-port", Severity: High, Title: "Remote administration port (SSH, RDP, WinRM, Telnet, FTP, VNC, Kubernetes API) open to the internet",
		Controls: []string{"SecurityHub EC2.19", "SecurityHub EC2.13", "SecurityHub EC2.14", "SecurityHub EC2.53", "SecurityHub EC2.54", "CIS AWS 3.0 5.2", "CIS AWS 3.0 5.3", "SecurityHub EC2.18",
			"checkov CKV_AWS_24", "checkov CKV_AWS_25", "trivy AVD-AWS-0107", "KICS 4728cd65", "prowler ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_*"},
		at:   onWorld,
		find: findWorldAdminPort},
	{ID: "world-database-port", Severity: High, Title: "Database or cache port open to the internet",
		Controls: []string{"SecurityHub EC2.19", "SecurityHub EC2.18", "KICS 4728cd65", "prowler ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_*"},
		at:       onWorld,
		find:     findWorldDatabasePort},
	{ID: "world-high-risk-port", Severity: Critical, Title: "A port on Security Hub's high-risk list (EC2.19) open to the internet",
		Controls: []string{"SecurityHub EC2.19", "SecurityHub EC2.18", "KICS 4728cd65", "prowler ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_*", "prowler ec2_securitygroup_allow_ingress_from_internet_to_high_risk_tcp_ports"},
		at:       onWorld,
		find:     findWorldHighRiskPort},
	{ID: "world-unneeded-port", Severity: High, Title: "A port open to the internet that the use case does not serve publicly",
		Controls: []string{"SecurityHub EC2.18", "KICS 4728cd65"},
		at:       onWorld,
		find:     findWorldUnneededPort},
	{ID: "world-protocol", Severity: Low, Title: "A protocol other than TCP, UDP and ICMP (such as ESP, AH, GRE) open to the internet",
		Controls: []string{"KICS 4728cd65"},
		Differs:  "KICS rates every rule from 0.0.0.0/0 or ::/0 high; sgwiz rates this low, as the protocol reaches only a host that speaks it, and an IPsec or tunnel endpoint that serves the internet must accept it.",
		at:       onWorld,
		find:     findWorldProtocol},
	{ID: "ipv4-ipv6-mismatch", Severity: Medium, Title: "A port restricted on one IP version but open to the world on the other", Controls: []string{},
		at:   afterRules,
		find: findMismatch},
	{ID: "wide-port-range", Severity: Medium, Title: "A very wide port range", Controls: []string{},
		at:   onWidth,
		find: findWidePortRange},
	{ID: "wide-public-cidr", Severity: Low, Title: "A public range wider than one organisation: more than 256 public IPv4 addresses, or an IPv6 prefix shorter than /48",
		Controls: []string{"prowler ec2_securitygroup_allow_wide_open_public_ipv4"},
		Differs:  "prowler rates a public range of /23 or wider high; sgwiz rates the width low, and what the range may reach by the port checks.",
		at:       onWidth,
		find:     findWidePublicCIDR},
	{ID: "duplicate-rule", Severity: Low, Title: "The same rule twice", Controls: []string{},
		at:   onGroup | onRepeat,
		find: findDuplicate},
	{ID: "overlapping-rule", Severity: Info, Title: "A rule another rule already covers", Controls: []string{},
		at:   onRule,
		find: findOverlapping},
	{ID: "missing-description", Severity: Low, Title: "A rule without a description", Controls: []string{"checkov CKV_AWS_23", "trivy AVD-AWS-0124"},
		at:   onRule,
		find: findMissingDescription},
	{ID: "egress-open", Severity: Info, Title: "All outbound traffic allowed to the internet",
		Controls: []string{"checkov CKV_AWS_382", "trivy AVD-AWS-0104"},
		Differs:  "trivy AVD-AWS-0104 rates every rule out to 0.0.0.0/0 or ::/0 critical; sgwiz rates it info, as AWS gives every new group this rule and no Security Hub control flags it outside the default group (EC2.2).",
		at:       onWorld,
		find:     findEgressOpen},
	{ID: "quota-near", Severity: Medium, Title: "More than 50 rules in one direction, near the quota", Controls: []string{"prowler ec2_securitygroup_with_many_ingress_egress_rules"},
		Differs: "prowler rates more than 50 rules high; sgwiz rates it medium, as a group this size is hard to review but no more open.",
		at:      onDirection,
		find:    findQuotaNear},
	{ID: "quota-exceeded", Severity: High, Title: "More rules than the per-direction quota allows", Controls: []string{},
		at:   onDirection,
		find: findQuotaExceeded},
	{ID: "launch-wizard-name", Severity: Medium, Title: "A group named by the console's launch wizard", Controls: []string{"prowler ec2_securitygroup_from_launch_wizard"},
		at:   onGroup,
		find: findLaunchWizardName},
	{ID: "public-all-ports", Severity: High, Title: "Every port open to a public address range (not the world)", Controls: []string{},
		at:   onPublic,
		find: findPublicAllPorts},
	{ID: "default-group-rules", Severity: High, Title: "The VPC's default group has rules",
		Controls: []string{"SecurityHub EC2.2", "CIS AWS 3.0 5.4", "prowler ec2_securitygroup_default_restrict_traffic", "trivy AVD-AWS-0173"},
		at:       onGroup,
		find:     findDefaultGroupRules},
	{ID: "unused-group", Severity: Low, Title: "A group nothing uses: no network interface, launch template or other group (audit)",
		Controls: []string{"SecurityHub EC2.22", "prowler ec2_securitygroup_not_used"},
		Differs:  "Security Hub EC2.22 rates this medium (AWS has retired it from its foundational standard); sgwiz rates it low, as an unused group lets nothing through."},
	{ID: "missing-tag", Severity: Low, Title: "A group without a required tag (audit)", Controls: []string{"SecurityHub EC2.43"}},
	{ID: "expired-rule", Severity: Medium, Title: "A temporary rule past its expiry, still allowing traffic; sgwiz sweep revokes it (audit)", Controls: []string{}},
	{ID: "stale-reference", Severity: Medium, Title: "A rule naming a group that no longer exists, as DescribeStaleSecurityGroups finds (audit)", Controls: []string{}},
	{ID: "interface-rule-limit", Severity: High, Title: "A network interface whose groups hold more than the 1,000 rules AWS allows on one interface (audit)", Controls: []string{}},
	{ID: "egress-not-accepted", Severity: High, Title: "Outbound to a group on a port that group does not accept", Controls: []string{}},
	{ID: "ingress-not-sent", Severity: High, Title: "Inbound from a group whose outbound rules cannot send it", Controls: []string{}},
	{ID: "tier-unreachable", Severity: High, Title: "A tier that accepts nothing from the tier before it", Controls: []string{}},
}

var checkByID = func() map[string]Check {
	m := map[string]Check{}
	for _, c := range Checks {
		m[c.ID] = c
	}
	return m
}()

// Port lists the checks rely on.
var (
	// adminPorts are the ports of the catalogue's remote administration
	// services: SSH, RDP, WinRM, and also Telnet, FTP, VNC and the
	// Kubernetes API.
	adminPorts = kindPorts(KindAdmin)
	// databasePorts are prowler's per-service checks plus every database
	// and cache of the catalogue.
	databasePorts = mergePorts([]int{1433, 1434, 1521, 2483, 2484, 3306, 5432, 5439, 5601, 5984, 6379, 7199, 7474, 7687, 8086, 8123, 8983, 9042, 9092, 9160, 9200, 9300, 11211, 27017, 27018, 27019}, kindPorts(KindDatabase))
)

// kindPorts lists the TCP and UDP ports of the catalogue's services of a
// kind, once each, in order.
func kindPorts(k ServiceKind) []int {
	var ports []int
	for _, s := range catalogue {
		if s.Kind != k {
			continue
		}
		for _, ps := range s.Ports {
			if ps.Protocol.HasPorts() && ps.Ports.Count() <= 16 {
				for p := ps.Ports.From(); p <= ps.Ports.To(); p++ {
					ports = mergePorts(ports, []int{p})
				}
			}
		}
	}
	return ports
}

// mergePorts adds the ports of b that a lacks, sorted.
func mergePorts(a, b []int) []int {
	out := append([]int(nil), a...)
	for _, p := range b {
		if !containsInt(out, p) {
			out = append(out, p)
		}
	}
	sort.Ints(out)
	return out
}

// wideRange is the port count above which a range is "very wide".
const wideRange = 1000

// nearQuota is the rule count above which the quota warning starts, as
// prowler's (more than 50).
const nearQuota = 50

// finding makes a finding of check id on rule i of g (-1: the group),
// naming the controls that fail the rule and rated accordingly. Its fix
// is said as it is: it may hold what AWS holds (ids, tag keys).
func (p Plan) finding(id string, g *Group, d Direction, i int, r Rule, why, fix string) Finding {
	c := checkByID[id]
	f := Finding{ID: id, Severity: c.Severity, Group: g.Name, Direction: d, Index: i, Rule: r, Why: why}
	f.setFix("", fix)
	rate(&f, c, subject{d: d, r: r, authorized: ec2_18Default}, false)
	return f
}

// Check runs every check over the plan and returns the findings, most
// serious first, then in plan order.
func (p Plan) Check() []Finding { return p.CheckWith(CheckOptions{}) }

// CheckOptions change what the checks take for granted.
type CheckOptions struct {
	// Authorized are the TCP ports that may be open to the internet
	// (Security Hub EC2.18's authorizedTcpPorts); empty: the use case's
	// public ports, else 80 and 443.
	Authorized []int
	// Account says the groups are an account's as they are (audit): the
	// VPC's own default group is expected there, not a plan's choice.
	Account bool
}

// CheckWith runs the checks with options; Check is CheckWith of none.
func (p Plan) CheckWith(o CheckOptions) []Finding {
	var fs []Finding
	public := ec2_18Default
	if u, ok := LookupUseCase(p.UseCase); ok && len(u.PublicPorts) > 0 {
		public = u.PublicPorts
	}
	if len(o.Authorized) > 0 {
		public = o.Authorized
	}
	for gi := range p.Groups {
		n := len(fs)
		fs = p.checkGroup(fs, &p.Groups[gi], public, o)
		for k := n; k < len(fs); k++ {
			fs[k].group = gi
		}
	}
	fs = p.checkLinks(fs)
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Severity > fs[j].Severity })
	return fs
}

// checkGroup walks a group and runs, at each step, the checks of Checks
// that look there (see checks.go).
func (p Plan) checkGroup(fs []Finding, g *Group, public []int, o CheckOptions) []Finding {
	w := &walk{p: p, g: g, public: public, o: o, fs: fs}
	w.run(onGroup)
	for _, d := range []Direction{Ingress, Egress} {
		w.direction(d)
		w.run(onDirection)
		seen := make(map[RuleKey]int, len(w.rules))
		for i, r := range w.rules {
			w.i, w.r = i, r
			if j, dup := seen[r.Key()]; dup {
				w.repeats = j
				w.run(onRepeat)
				continue
			}
			seen[r.Key()] = i
			w.run(onRule)
			w.run(onWidth)
			for _, piece := range w.world[i] {
				w.toPiece(piece)
				w.run(onWorld)
			}
			w.run(onPublic)
		}
		w.run(afterRules)
	}
	return w.fs
}

// wideCIDR reports whether a peer is a public range wider than one
// organisation: more than 256 public IPv4 addresses (in a range of /1 to
// /23), or an IPv6 prefix of /1 to /47 with public addresses (a site is a
// /48).
func wideCIDR(peer Peer) (bool, Count) {
	if !peer.IsCIDR() || peer.Prefix().Bits() == 0 {
		return false, Count{}
	}
	p := peer.Prefix()
	if peer.Kind() == PeerIPv4 {
		if p.Bits() >= 24 {
			return false, Count{}
		}
		n := PublicAddresses(p)
		return n.Compare(pow2(8)) > 0, n
	}
	if p.Bits() >= 48 {
		return false, Count{}
	}
	n := PublicAddresses(p)
	return !n.IsZero(), n
}

// awsMade reports whether a rule is one AWS makes itself, without a
// description: a new group's outbound rule to everywhere, the default
// group's rule letting its members reach each other. An audit, and the
// review of an existing group, do not ask for their descriptions.
func awsMade(g *Group, d Direction, r Rule) bool {
	switch {
	case d == Egress:
		return r.Protocol == AllProtocols && r.Peer.IsWorld()
	default:
		return g.Name == "default" && r.Protocol == AllProtocols && r.Peer == GroupID(g.ID)
	}
}

// PrefixListSize is what a managed prefix list counts for in the rule
// quota: a customer-managed list its maximum entries, an AWS-managed one
// its weight (CloudFront's origin-facing list 55, EC2 Instance Connect's 2).
type PrefixListSize struct {
	Weight int
	// IPv6 is set for a list of IPv6 ranges; it then counts for IPv6 only.
	IPv6 bool
}

// QuotaCount counts rules as AWS does for the per-direction quota, with the
// sizes of the prefix lists the plan knows (PrefixLists); an unknown list
// counts as one rule of each IP version.
func (p Plan) QuotaCount(rules []Rule) (v4, v6 int) {
	if len(p.PrefixLists) == 0 {
		return QuotaCount(rules)
	}
	for _, r := range rules {
		size, ok := p.PrefixLists[r.Peer.Ref()]
		switch {
		case r.Peer.Kind() != PeerPrefixList || !ok:
			a, b := QuotaCount([]Rule{r})
			v4, v6 = v4+a, v6+b
		case size.IPv6:
			v6 += size.Weight
		default:
			v4 += size.Weight
		}
	}
	return v4, v6
}

// QuotaCount counts rules as AWS does for the per-direction quota: IPv4 and
// IPv6 apart, a group or prefix-list reference counting for both.
func QuotaCount(rules []Rule) (v4, v6 int) {
	for _, r := range rules {
		switch r.Peer.Kind() {
		case PeerIPv4:
			v4++
		case PeerIPv6:
			v6++
		default:
			v4++
			v6++
		}
	}
	return v4, v6
}

// portsHit returns the ports of list that the rule opens.
func portsHit(r Rule, list []int) []int {
	var hit []int
	for _, port := range list {
		if r.CoversPort(TCP, port) || (r.Protocol == UDP && r.Ports.ContainsPort(port)) {
			hit = append(hit, port)
		}
	}
	return hit
}

func portNames(r Rule, ports []int) string {
	names := make([]string, len(ports))
	for i, port := range ports {
		if t, ok := nameByPort[PortSpec{TCP, Port(port)}]; ok {
			names[i] = fmt.Sprintf("%s (%d)", t, port)
		} else {
			names[i] = fmt.Sprintf("port %d", port)
		}
	}
	return strings.Join(names, ", ")
}

// checkWorld judges traffic of inbound rule i open to the world (piece:
// all of the rule's, or the part that adds up with other rules to the
// world) by the world checks: who names the world it is open to and also
// the rules that add up.
func (p Plan) checkWorld(fs []Finding, g *Group, i int, r Rule, piece worldPiece, who, also string, public []int, o CheckOptions) []Finding {
	w := &walk{p: p, g: g, public: public, o: o, fs: fs, d: Ingress, i: i, r: r, piece: piece, who: who, also: also}
	w.run(onWorld)
	return w.fs
}

func intended(r Rule, ports, public []int) bool {
	for _, p := range ports {
		if !containsInt(public, p) {
			return false
		}
	}
	return r.Protocol == TCP
}

func containsInt(xs []int, x int) bool {
	return slices.Contains(xs, x)
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ", ")
}

// HighestSeverity returns the most serious severity among fs, and false
// when fs is empty.
func HighestSeverity(fs []Finding) (Severity, bool) {
	if len(fs) == 0 {
		return Info, false
	}
	s := Info
	for _, f := range fs {
		s = max(s, f.Severity)
	}
	return s, true
}

// carries reports whether rule a allows some of the traffic rule b names
// (protocol and ports; the peers are the caller's business).
func carries(a, b Rule) bool {
	switch {
	case a.Protocol == AllProtocols || b.Protocol == AllProtocols:
		return true
	case a.Protocol != b.Protocol:
		return false
	case a.Protocol.HasPorts():
		return a.Ports.From() <= b.Ports.To() && b.Ports.From() <= a.Ports.To()
	case a.Protocol.IsICMP():
		return a.Ports.From() == -1 || b.Ports.From() == -1 || a.Ports.From() == b.Ports.From()
	}
	return true
}

// refersTo reports whether a peer names group g: by name in a plan, by id
// as AWS holds it.
func refersTo(peer Peer, g *Group) bool {
	switch peer.Kind() {
	case PeerGroup:
		return peer.Ref() == g.Name
	case PeerGroupID:
		return g.ID != "" && peer.Ref() == g.ID
	}
	return false
}

// groupIndex finds the groups of a plan (or account) that peers name: by
// name in a plan, by id as AWS holds it.
type groupIndex map[Peer]*Group

func (p Plan) groupIndex() groupIndex {
	ix := make(groupIndex, 2*len(p.Groups))
	for i := range p.Groups {
		g := &p.Groups[i]
		ix[GroupRef(g.Name)] = g
		if g.ID != "" {
			ix[GroupID(g.ID)] = g
		}
	}
	return ix
}

// of is the group a peer names, or nil (a CIDR, a prefix list, a group
// outside the plan).
func (ix groupIndex) of(peer Peer) *Group {
	if peer.Kind() != PeerGroup && peer.Kind() != PeerGroupID {
		return nil
	}
	return ix[peer]
}

// mayReach reports whether a rule's peer may stand for group g: the group
// itself, or a CIDR, prefix list or group outside the plan, which may hold
// its instances (sgwiz cannot know, so it does not complain).
func (ix groupIndex) mayReach(peer Peer, g *Group) bool {
	other := ix.of(peer)
	return other == nil || other == g
}

// checkLinks finds the rules between groups of the plan (or of an
// account) that carry no traffic: outbound to a group that does not accept
// it, inbound from a group that cannot send it, and a tier that accepts
// nothing from the one before it.
func (p Plan) checkLinks(fs []Finding) []Finding {
	ix := p.groupIndex()
	for gi := range p.Groups {
		n := len(fs)
		a := &p.Groups[gi]
		for i, r := range a.Egress {
			b := ix.of(r.Peer)
			if b == nil || a == b {
				continue
			}
			if !ix.admits(b.Ingress, r, a) {
				fs = append(fs, p.finding("egress-not-accepted", a, Egress, i, r,
					fmt.Sprintf("%s sends %s %s to %s, which accepts nothing of it from %s: the connections are refused.", a.Name, r.Protocol.Title(), r.PortText(), b.Name, a.Name),
					fmt.Sprintf("Send to a port %s accepts, or let %s accept %s %s from group %s.", b.Name, b.Name, r.Protocol.Title(), r.PortText(), a.Name)))
			}
		}
		for i, r := range a.Ingress {
			src := ix.of(r.Peer)
			if src == nil || src == a {
				continue
			}
			if !ix.admits(src.Egress, r, a) {
				fs = append(fs, p.finding("ingress-not-sent", a, Ingress, i, r,
					fmt.Sprintf("%s accepts %s %s from %s, but %s's outbound rules do not let it send that to %s.", a.Name, r.Protocol.Title(), r.PortText(), src.Name, src.Name, a.Name),
					fmt.Sprintf("Let %s send %s %s to group %s, or remove this rule.", src.Name, r.Protocol.Title(), r.PortText(), a.Name)))
			}
		}
		for k := n; k < len(fs); k++ {
			fs[k].group = gi
		}
	}
	for _, t := range []struct{ from, to Role }{{RoleLoadBalancer, RoleApp}, {RoleApp, RoleDatabase}} {
		froms, tos := p.groupsWithRole(t.from), p.groupsWithRole(t.to)
		sole := len(froms) == 1 && len(tos) == 1
		for _, ti := range tos {
			to := &p.Groups[ti]
			for _, fi := range froms {
				from := &p.Groups[fi]
				// Tiers are linked by the plan's own references, or as
				// the one pair of a use case's plan.
				if !sole && !p.linked(from, to) {
					continue
				}
				if !slices.ContainsFunc(to.Ingress, func(r Rule) bool { return refersTo(r.Peer, from) }) {
					f := p.finding("tier-unreachable", to, Ingress, -1, Rule{},
						fmt.Sprintf("%s accepts nothing from %s, the tier before it: requests cannot get through.", to.Name, from.Name),
						fmt.Sprintf("Give %s an inbound rule from group %s on the port it serves.", to.Name, from.Name))
					f.group = ti
					fs = append(fs, f)
				}
			}
		}
	}
	return fs
}

// linked reports whether a rule of either group names the other.
func (p Plan) linked(a, b *Group) bool {
	names := func(x, y *Group) bool {
		return slices.ContainsFunc(x.Ingress, func(r Rule) bool { return refersTo(r.Peer, y) }) ||
			slices.ContainsFunc(x.Egress, func(r Rule) bool { return refersTo(r.Peer, y) })
	}
	return names(a, b) || names(b, a)
}

// admits reports whether some rule of rules, whose peers are seen from
// group g, lets r's traffic through.
func (ix groupIndex) admits(rules []Rule, r Rule, g *Group) bool {
	for _, o := range rules {
		if carries(o, r) && ix.mayReach(o.Peer, g) {
			return true
		}
	}
	return false
}

// groupsWithRole are the indexes of the groups of a role.
func (p Plan) groupsWithRole(r Role) []int {
	var out []int
	for i := range p.Groups {
		if p.Groups[i].Role == r {
			out = append(out, i)
		}
	}
	return out
}
