package model

import (
	"fmt"
	"net/netip"
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
	// Why says in one sentence what is wrong; Fix what to do.
	Why, Fix string
	// Controls are the Security Hub, CIS and linter checks it matches.
	Controls []string
}

// Check describes each check: its id, severity and the controls it maps to.
type Check struct {
	ID       string
	Severity Severity
	Title    string
	Controls []string
}

// Checks lists every check sgwiz runs, for the README's table and the tests.
var Checks = []Check{
	{"world-all-traffic", Critical, "All traffic or all ports open to the internet", []string{"SecurityHub EC2.18", "SecurityHub EC2.19", "checkov CKV_AWS_277", "prowler ec2_securitygroup_allow_ingress_from_internet_to_all_ports"}},
	{"world-admin-port", High, "Remote administration port (SSH, RDP, WinRM) open to the internet", []string{"SecurityHub EC2.13 (22)", "SecurityHub EC2.14 (3389)", "SecurityHub EC2.53/EC2.54", "CIS AWS 5.2/5.3", "SecurityHub EC2.19", "checkov CKV_AWS_24/CKV_AWS_25", "trivy AVD-AWS-0107"}},
	{"world-database-port", High, "Database or cache port open to the internet", []string{"SecurityHub EC2.19", "prowler ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_*"}},
	{"world-high-risk-port", Medium, "A port on Security Hub's high-risk list open to the internet", []string{"SecurityHub EC2.19"}},
	{"world-unneeded-port", Medium, "A port open to the internet that the use case does not serve publicly", []string{"SecurityHub EC2.18"}},
	{"ipv4-ipv6-mismatch", Medium, "A port restricted on one IP version but open to the world on the other", []string{"CIS AWS 5.2/5.3"}},
	{"wide-port-range", Medium, "A very wide port range", []string{}},
	{"wide-public-cidr", Low, "A public IPv4 range wider than /24", []string{"prowler ec2_securitygroup_allow_wide_open_public_ipv4"}},
	{"duplicate-rule", Low, "The same rule twice", []string{}},
	{"overlapping-rule", Info, "A rule another rule already covers", []string{}},
	{"missing-description", Low, "A rule without a description", []string{"checkov CKV_AWS_23", "trivy AVD-AWS-0124"}},
	{"egress-open", Info, "All outbound traffic allowed to the internet", []string{"checkov CKV_AWS_382", "trivy AVD-AWS-0104"}},
	{"quota-near", Medium, "Rule count near the per-direction quota", []string{"prowler ec2_securitygroup_with_many_ingress_egress_rules"}},
	{"quota-exceeded", High, "More rules than the per-direction quota allows", []string{}},
	{"default-group", Medium, "The VPC's default security group is used", []string{"SecurityHub EC2.2", "CIS AWS 5.4"}},
	{"launch-wizard-name", Low, "A group named by the console's launch wizard", []string{"prowler ec2_securitygroup_from_launch_wizard"}},
	{"public-all-ports", High, "Every port open to a public address range", []string{"KICS 4728cd65", "checkov CKV_AWS_277"}},
	{"default-group-rules", High, "The VPC's default group has rules (audit)", []string{"SecurityHub EC2.2", "CIS AWS 5.4", "prowler ec2_securitygroup_default_restrict_traffic"}},
	{"unused-group", Low, "A group nothing uses: no network interface, launch template or other group (audit)", []string{"SecurityHub EC2.22", "prowler ec2_securitygroup_not_used"}},
	{"missing-tag", Low, "A group without a required tag (audit)", []string{"SecurityHub EC2.43"}},
	{"expired-rule", Medium, "A temporary rule past its expiry, still allowing traffic (audit)", []string{"sgwiz sweep"}},
	{"stale-reference", Medium, "A rule naming a group that no longer exists (audit)", []string{"DescribeStaleSecurityGroups"}},
	{"interface-rule-limit", High, "A network interface whose groups hold more rules than AWS allows on one interface (audit)", []string{"AWS quota: rules per group × groups per interface ≤ 1,000"}},
	{"egress-not-accepted", High, "Outbound to a group of the plan on a port that group does not accept", []string{}},
	{"ingress-not-sent", High, "Inbound from a group of the plan whose outbound rules cannot send it", []string{}},
	{"tier-unreachable", High, "A tier that accepts nothing from the tier before it", []string{}},
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
	// ec2_19Ports is Security Hub EC2.19's list of high-risk ports.
	ec2_19Ports = []int{20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300}
	// ec2_18Default are the ports EC2.18 authorises by default.
	ec2_18Default = []int{80, 443}
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

// nearQuota is where the quota warning starts (prowler warns above 50).
const nearQuota = 50

func (p Plan) finding(id string, g *Group, d Direction, i int, r Rule, why, fix string) Finding {
	c := checkByID[id]
	return Finding{ID: id, Severity: c.Severity, Group: g.Name, Direction: d, Index: i, Rule: r, Why: why, Fix: fix, Controls: c.Controls}
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
	defaultEgress := EgressDefault
	if u, ok := LookupUseCase(p.UseCase); ok {
		defaultEgress = u.DefaultEgress
	}
	for gi := range p.Groups {
		g := &p.Groups[gi]
		fs = p.checkGroup(fs, g, public, defaultEgress, o)
	}
	fs = p.checkLinks(fs)
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Severity > fs[j].Severity })
	return fs
}

func (p Plan) checkGroup(fs []Finding, g *Group, public []int, defaultEgress EgressPolicy, o CheckOptions) []Finding {
	lower := strings.ToLower(g.Name)
	if lower == "default" && !o.Account {
		fs = append(fs, p.finding("default-group", g, Ingress, -1, Rule{},
			"The VPC's default group is attached to every instance launched without a group, so its rules reach more than you plan.",
			"Give the group its own name and leave the default group with no rules."))
	}
	if strings.HasPrefix(lower, "launch-wizard-") {
		fs = append(fs, p.finding("launch-wizard-name", g, Ingress, -1, Rule{},
			"Groups named launch-wizard-N are made by the console with SSH open to the world and are rarely reviewed.",
			"Name the group for what it protects, such as web-prod."))
	}
	for _, m := range g.Merged {
		fs = append(fs, p.finding("duplicate-rule", g, m.Direction, m.Index, m.Copy,
			fmt.Sprintf("This rule was given twice (the copy said %q); AWS holds a rule once, so sgwiz merged them and keeps the first description.", m.Copy.Description),
			"Remove the copy (untick one of the two services, or delete the line from the plan file)."))
	}
	for _, d := range []Direction{Ingress, Egress} {
		rules := g.Rules(d)
		fs = checkQuota(p, fs, g, d, rules, o)
		seen := make(map[RuleKey]int, len(rules))
		// Only rules with the same peer can cover each other.
		byPeer := make(map[Peer][]int, len(rules))
		for i, r := range rules {
			byPeer[r.Peer] = append(byPeer[r.Peer], i)
		}
		for i, r := range rules {
			if j, dup := seen[r.Key()]; dup {
				fs = append(fs, p.finding("duplicate-rule", g, d, i, r,
					fmt.Sprintf("This rule repeats %s rule %d; AWS holds a rule once, so sgwiz merges them and keeps the first description.", strings.ToLower(d.Title()), j+1),
					"Remove the copy (untick one of the two services, or delete the line from the plan file)."))
				continue
			}
			seen[r.Key()] = i
			if r.Description == "" && !((o.Account || g.ID != "") && awsMade(g, d, r)) {
				fs = append(fs, p.finding("missing-description", g, d, i, r,
					"A rule without a description leaves the next reader guessing why it exists.",
					"Say who or what the rule is for, such as \"SSH from the Berlin office\"."))
			}
			for _, j := range byPeer[r.Peer] {
				if o := rules[j]; j != i && o.Key() != r.Key() && o.Covers(r) {
					fs = append(fs, p.finding("overlapping-rule", g, d, i, r,
						fmt.Sprintf("%s rule %d already allows everything this rule allows.", d.Title(), j+1),
						"Delete the narrower rule, or narrow the wider one."))
					break
				}
			}
			if r.Protocol.HasPorts() && r.Ports != AllPorts && r.Ports.Count() > wideRange {
				sev := Low
				if r.Peer.IsWorld() {
					sev = Medium
				}
				f := p.finding("wide-port-range", g, d, i, r,
					fmt.Sprintf("%s %s opens %d ports, far more than one service needs.", r.Protocol.Title(), r.PortText(), r.Ports.Count()),
					"List the ports your service uses, one rule each.")
				f.Severity = sev
				fs = append(fs, f)
			}
			if r.Peer.Kind() == PeerIPv4 && r.Peer.Prefix().Bits() > 0 && r.Peer.Prefix().Bits() < 24 && isPublic(r.Peer.Prefix()) {
				fs = append(fs, p.finding("wide-public-cidr", g, d, i, r,
					fmt.Sprintf("%s holds %s public addresses; few organisations own that many.", r.Peer, r.Peer.Addresses()),
					"Use the exact CIDR of your office or VPN, such as a /32 or /28."))
			}
			if d == Ingress && r.Peer.IsWorld() {
				fs = checkWorld(p, fs, g, i, r, public)
			} else if d == Ingress && r.AllPorts() && r.Peer.IsCIDR() && isPublic(r.Peer.Prefix()) {
				fs = append(fs, p.finding("public-all-ports", g, d, i, r,
					fmt.Sprintf("%s on every port is open to the public range %s: whoever holds an address in it reaches every service on the instance.", r.Protocol.Title(), r.Peer),
					"Open only the ports the range needs, such as HTTPS (443)."))
			}
			if d == Egress && r.Peer.IsWorld() && r.Protocol == AllProtocols && defaultEgress != EgressDefault {
				fs = append(fs, p.finding("egress-open", g, d, i, r,
					"The instance may connect anywhere on any port; malware or a mistake can send data out unhindered.",
					"Choose web-only or group egress if the instance only needs updates or the next tier."))
			}
		}
		if d == Ingress {
			fs = checkMismatch(p, fs, g, rules)
		}
	}
	return fs
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

func checkQuota(p Plan, fs []Finding, g *Group, d Direction, rules []Rule, o CheckOptions) []Finding {
	v4, v6 := p.QuotaCount(rules)
	n := max(v4, v6)
	switch {
	case n > MaxRulesPerDirection && o.Account:
		// AWS holds them: the account's quota was raised.
		fs = append(fs, p.finding("quota-near", g, d, -1, Rule{},
			fmt.Sprintf("%s has %d IPv4 and %d IPv6 %s rules, more than the default quota of %d (raised for this account); a group this size is hard to review.", g.Name, v4, v6, strings.ToLower(d.Title()), MaxRulesPerDirection),
			"Use a managed prefix list for many CIDRs, or split the group by purpose."))
	case n > MaxRulesPerDirection:
		fs = append(fs, p.finding("quota-exceeded", g, d, -1, Rule{},
			fmt.Sprintf("%s has %d IPv4 and %d IPv6 %s rules; AWS allows %d per IP version unless you raise the quota, so apply will fail.", g.Name, v4, v6, strings.ToLower(d.Title()), MaxRulesPerDirection),
			"Merge rules (port ranges, prefix lists) or split the group, or request a quota increase in Service Quotas."))
	case n >= nearQuota:
		fs = append(fs, p.finding("quota-near", g, d, -1, Rule{},
			fmt.Sprintf("%s has %d IPv4 and %d IPv6 %s rules of the %d allowed per IP version.", g.Name, v4, v6, strings.ToLower(d.Title()), MaxRulesPerDirection),
			"Use a managed prefix list for many CIDRs, or split the group by purpose."))
	}
	return fs
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

var privateRanges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"),
}

func isPublic(p netip.Prefix) bool {
	for _, r := range privateRanges {
		if r.Overlaps(p) {
			return false
		}
	}
	return true
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

func checkWorld(p Plan, fs []Finding, g *Group, i int, r Rule, public []int) []Finding {
	if r.AllPorts() || (r.Protocol.IsValid() && !r.Protocol.HasPorts() && !r.Protocol.IsICMP()) {
		return append(fs, p.finding("world-all-traffic", g, Ingress, i, r,
			fmt.Sprintf("%s on every port is open to %s: every service on the instance, even one you forgot, is reachable from the internet.", r.Protocol.Title(), r.Peer),
			"Open only the ports your service needs, such as HTTPS (443)."))
	}
	if !r.Protocol.HasPorts() {
		return fs
	}
	reported := map[int]bool{}
	if hit := portsHit(r, adminPorts); len(hit) > 0 {
		f := p.finding("world-admin-port", g, Ingress, i, r,
			fmt.Sprintf("%s is open to %s: bots try passwords and exploits on it within minutes of launch.", portNames(r, hit), r.Peer),
			"Allow it only from your office CIDR (--office-cidr), or use Systems Manager Session Manager and remove the rule.")
		f.Controls = adminControls(r, hit)
		fs = append(fs, f)
		markAll(reported, hit)
	}
	if hit := portsHit(r, databasePorts); len(hit) > 0 {
		fs = append(fs, p.finding("world-database-port", g, Ingress, i, r,
			fmt.Sprintf("%s is open to %s: databases and caches are scanned and ransomed when they face the internet.", portNames(r, hit), r.Peer),
			"Allow it only from the app servers' group (group:NAME or sg-…) or a private CIDR."))
		markAll(reported, hit)
	}
	var risky, unneeded []int
	for _, port := range portsHit(r, ec2_19Ports) {
		if !reported[port] {
			risky = append(risky, port)
			reported[port] = true
		}
	}
	if len(risky) > 0 {
		f := p.finding("world-high-risk-port", g, Ingress, i, r,
			fmt.Sprintf("%s is open to %s and on Security Hub's EC2.19 high-risk list.", portNames(r, risky), r.Peer),
			"Restrict the source to the networks that need it.")
		if intended(r, risky, public) {
			f.Severity = Info
			f.Why = fmt.Sprintf("%s is open to %s as this use case needs; Security Hub EC2.19 will still flag it.", portNames(r, risky), r.Peer)
			f.Fix = "Keep it if this host serves it publicly, and record the exception in Security Hub."
		}
		fs = append(fs, f)
	}
	if r.Ports.Count() <= wideRange {
		for port := r.Ports.From(); port <= r.Ports.To(); port++ {
			if !reported[port] && !containsInt(public, port) {
				unneeded = append(unneeded, port)
			}
		}
	} else if !reported[r.Ports.From()] {
		unneeded = append(unneeded, r.Ports.From())
	}
	if len(unneeded) > 0 && len(reported) == 0 {
		who := "the use case serves only"
		if _, ok := LookupUseCase(p.UseCase); !ok {
			who = "the ports authorised for the internet are"
		}
		fs = append(fs, p.finding("world-unneeded-port", g, Ingress, i, r,
			fmt.Sprintf("%s %s is open to %s, but %s %s.", r.Protocol.Title(), r.PortText(), r.Peer, who, joinInts(public)),
			"Restrict the source to the networks that need it, or put the service behind a load balancer."))
	}
	return fs
}

// adminControls names the controls that match these admin ports and peer.
func adminControls(r Rule, ports []int) []string {
	var cs []string
	if containsInt(ports, 22) {
		cs = append(cs, "SecurityHub EC2.13", "checkov CKV_AWS_24")
	}
	if containsInt(ports, 3389) {
		cs = append(cs, "SecurityHub EC2.14", "checkov CKV_AWS_25")
	}
	if r.Peer.Kind() == PeerIPv6 {
		cs = append(cs, "SecurityHub EC2.54", "CIS AWS 5.3")
	} else {
		cs = append(cs, "SecurityHub EC2.53", "CIS AWS 5.2")
	}
	if containsInt(ports, 22) || containsInt(ports, 3389) {
		cs = append(cs, "SecurityHub EC2.19")
	}
	return append(cs, "trivy AVD-AWS-0107")
}

func intended(r Rule, ports, public []int) bool {
	for _, p := range ports {
		if !containsInt(public, p) {
			return false
		}
	}
	return r.Protocol == TCP
}

func markAll(m map[int]bool, ports []int) {
	for _, p := range ports {
		m[p] = true
	}
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

// checkMismatch finds ports restricted on one IP version and open to the
// world on the other.
func checkMismatch(p Plan, fs []Finding, g *Group, rules []Rule) []Finding {
	type portKey struct {
		Protocol Protocol
		Ports    PortRange
	}
	worldOpen := map[portKey][2]bool{} // [v4, v6]
	restricted := map[portKey][2]bool{}
	for _, r := range rules {
		k := portKey{r.Protocol, r.Ports}
		fam := 0
		if r.Peer.Kind() == PeerIPv6 {
			fam = 1
		} else if r.Peer.Kind() != PeerIPv4 {
			continue
		}
		if r.Peer.IsWorld() {
			v := worldOpen[k]
			v[fam] = true
			worldOpen[k] = v
		} else {
			v := restricted[k]
			v[fam] = true
			restricted[k] = v
		}
	}
	for i, r := range rules {
		if !r.Peer.IsWorld() {
			continue
		}
		k := portKey{r.Protocol, r.Ports}
		other, otherName := 1, "IPv6"
		if r.Peer.Kind() == PeerIPv6 {
			other, otherName = 0, "IPv4"
		}
		if restricted[k][other] && !worldOpen[k][other] {
			fs = append(fs, p.finding("ipv4-ipv6-mismatch", g, Ingress, i, r,
				fmt.Sprintf("%s %s is restricted for %s but open to everyone at %s, so the restriction can be bypassed.", TypeOf(r), r.PortText(), otherName, r.Peer),
				fmt.Sprintf("Restrict this rule as you did for %s, or remove it.", otherName)))
		}
	}
	return fs
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

// mayReach reports whether a rule's peer may stand for group name: the
// group itself, or a CIDR, prefix list or other group, which may hold its
// instances (sgwiz cannot know, so it does not complain).
func mayReach(peer Peer, name string) bool {
	return peer.Kind() != PeerGroup || peer.Ref() == name
}

// checkLinks finds the rules between groups of the plan that carry no
// traffic: outbound to a group that does not accept it, inbound from a
// group that cannot send it, and a tier that accepts nothing from the one
// before it.
func (p Plan) checkLinks(fs []Finding) []Finding {
	for gi := range p.Groups {
		a := &p.Groups[gi]
		for i, r := range a.Egress {
			if r.Peer.Kind() != PeerGroup {
				continue
			}
			b := p.Group(r.Peer.Ref())
			if b == nil || a == b {
				continue
			}
			if !admits(b.Ingress, r, a.Name) {
				fs = append(fs, p.finding("egress-not-accepted", a, Egress, i, r,
					fmt.Sprintf("%s sends %s %s to %s, which accepts nothing of it from %s: the connections are refused.", a.Name, r.Protocol.Title(), r.PortText(), b.Name, a.Name),
					fmt.Sprintf("Send to a port %s accepts, or let %s accept %s %s from group %s.", b.Name, b.Name, r.Protocol.Title(), r.PortText(), a.Name)))
			}
		}
		for i, r := range a.Ingress {
			if r.Peer.Kind() != PeerGroup {
				continue
			}
			src := p.Group(r.Peer.Ref())
			if src == nil || src == a {
				continue
			}
			if !admits(src.Egress, r, a.Name) {
				fs = append(fs, p.finding("ingress-not-sent", a, Ingress, i, r,
					fmt.Sprintf("%s accepts %s %s from %s, but %s's outbound rules do not let it send that to %s.", a.Name, r.Protocol.Title(), r.PortText(), src.Name, src.Name, a.Name),
					fmt.Sprintf("Let %s send %s %s to group %s (the egress policy of the use case does), or remove this rule.", src.Name, r.Protocol.Title(), r.PortText(), a.Name)))
			}
		}
	}
	for _, t := range []struct{ from, to Role }{{RoleLoadBalancer, RoleApp}, {RoleApp, RoleDatabase}} {
		from, to := p.groupWithRole(t.from), p.groupWithRole(t.to)
		if from == nil || to == nil {
			continue
		}
		reached := false
		for _, r := range to.Ingress {
			reached = reached || r.Peer == GroupRef(from.Name)
		}
		if !reached {
			fs = append(fs, p.finding("tier-unreachable", to, Ingress, -1, Rule{},
				fmt.Sprintf("%s accepts nothing from %s, the tier before it: requests cannot get through.", to.Name, from.Name),
				fmt.Sprintf("Give %s an inbound rule from group %s on the port it serves.", to.Name, from.Name)))
		}
	}
	return fs
}

// admits reports whether some rule of rules, whose peers are seen from
// group name, lets r's traffic through.
func admits(rules []Rule, r Rule, name string) bool {
	for _, o := range rules {
		if carries(o, r) && mayReach(o.Peer, name) {
			return true
		}
	}
	return false
}

func (p Plan) groupWithRole(r Role) *Group {
	for i := range p.Groups {
		if p.Groups[i].Role == r {
			return &p.Groups[i]
		}
	}
	return nil
}
