package model

import (
	"fmt"
	"slices"
	"strings"
)

// How checkGroup runs the checks: it walks a group (the group as a whole,
// then each direction, its rules and their pieces open to the world) and
// at each step runs the find of every row of Checks that looks there, in
// the table's order. Each finding takes its id and severity from the row
// whose find made it, so the table (and the README made from it) cannot
// name a check that the code does not run, or run one it does not name.
//
// The order of the steps is the order of a group's findings, which the
// stable sort by severity keeps: a rule's description is judged before
// its width, its width before its pieces open to the world.

// step is a set of places in the walk of a group.
type step uint16

// The steps, in the order the walk reaches them.
const (
	// onGroup is the group as a whole: its name, the copies merged away.
	onGroup step = 1 << iota
	// onDirection is one direction before its rules: how many there are.
	onDirection
	// onRepeat is a rule that repeats an earlier one of its direction;
	// nothing else is judged of it.
	onRepeat
	// onRule is each other rule as written: its description, the rules
	// that cover it.
	onRule
	// onWidth is the same rule again: how many ports and addresses it
	// opens.
	onWidth
	// onWorld is each piece of the rule open to the world (worldOf).
	onWorld
	// onPublic is the rule again, after its pieces: what it opens to
	// public addresses short of the world.
	onPublic
	// afterRules is the direction again, after all its rules.
	afterRules
)

// walk is where checkGroup is in a group, and what the checks' finds need
// to know of it.
type walk struct {
	p      Plan
	g      *Group
	public []int
	o      CheckOptions
	fs     []Finding
	// check is the row whose find runs; step is where.
	check *Check
	step  step

	// The direction, its rules, what of them is open to the world, and
	// the rules by peer (only rules with the same peer can cover each
	// other).
	d      Direction
	rules  []Rule
	world  map[int][]worldPiece
	byPeer map[Peer][]int

	// The rule i and, at onRepeat, the earlier rule it repeats.
	i       int
	r       Rule
	repeats int

	// The piece of the rule open to the world, who it is open to and the
	// rules that add up to it, for a finding's message and fix.
	piece     worldPiece
	who, also string
}

// run runs the find of each row of Checks that looks at step s.
func (w *walk) run(s step) {
	w.step = s
	for k := range Checks {
		if Checks[k].at&s != 0 {
			w.check = &Checks[k]
			Checks[k].find(w)
		}
	}
}

// direction starts the walk of one direction's rules.
func (w *walk) direction(d Direction) {
	w.d, w.rules = d, w.g.Rules(d)
	w.world = worldOf(w.rules)
	w.byPeer = make(map[Peer][]int, len(w.rules))
	for i, r := range w.rules {
		w.byPeer[r.Peer] = append(w.byPeer[r.Peer], i)
	}
}

// toPiece moves the walk to a piece of rule i open to the world.
func (w *walk) toPiece(piece worldPiece) {
	w.piece = piece
	w.who = worldWho(w.rules, w.label, piece)
	w.also = worldFix(w.rules, w.label, w.i, piece)
}

// label names rule j of the direction in a message.
func (w *walk) label(j int) string {
	return fmt.Sprintf("%s rule %d", strings.ToLower(w.d.Title()), j+1)
}

// whole reports whether all of the rule is open to the world, which the
// world checks judge (and so no other check says again).
func (w *walk) whole() bool {
	return slices.ContainsFunc(w.world[w.i], func(p worldPiece) bool { return p.whole(w.r) })
}

// add adds a finding of the running check on rule i of direction d (-1:
// the group), rated by the controls that fail the rule, and returns it.
func (w *walk) add(d Direction, i int, r Rule, why, fix string) *Finding {
	f := Finding{ID: w.check.ID, Severity: w.check.Severity, Group: w.g.Name, Direction: d, Index: i, Rule: r, Why: why}
	f.setFix(fix, "")
	rate(&f, *w.check, subject{d: d, r: r, authorized: ec2_18Default}, false)
	w.fs = append(w.fs, f)
	return &w.fs[len(w.fs)-1]
}

// addRule adds a finding of the running check on the rule walked.
func (w *walk) addRule(why, fix string) *Finding {
	return w.add(w.d, w.i, w.r, why, fix)
}

// addWorld adds a finding of the running check on the piece of the
// inbound rule open to the world, naming ports of it (nil: all), rated as
// if the rule were written to the world.
func (w *walk) addWorld(ports []int, why, fix string) *Finding {
	authorized := ec2_18Default
	if len(w.o.Authorized) > 0 {
		authorized = w.o.Authorized
	}
	f := Finding{ID: w.check.ID, Severity: w.check.Severity, Group: w.g.Name, Direction: Ingress, Index: w.i, Rule: w.r, Why: why}
	f.setFix(fix, w.also)
	rate(&f, *w.check, subject{d: Ingress, r: w.r, ports: ports, authorized: authorized}, true)
	w.fs = append(w.fs, f)
	return &w.fs[len(w.fs)-1]
}

// The finds of the checks of one group, in the order of Checks.

func findWorldAllTraffic(w *walk) {
	n := w.piece.Rule
	if w.d != Ingress || !n.AllPorts() {
		return
	}
	what := n.Protocol.Title() + " on every port is"
	if n.Protocol == AllProtocols {
		what = "All traffic is"
	}
	w.addWorld(nil,
		fmt.Sprintf("%s open to %s: every service on the instance, even one you forgot, is reachable from the internet.", what, w.who),
		"Open only the ports your service needs, such as HTTPS (443).")
}

func findWorldAdminPort(w *walk) {
	if hit := w.worldHits(adminPorts); len(hit) > 0 {
		w.addWorld(hit,
			fmt.Sprintf("%s is open to %s: bots try passwords and exploits on it within minutes of launch.", portNames(w.piece.Rule, hit), w.who),
			"Allow it only from your office CIDR ({"+FieldOffice+"}), or use Systems Manager Session Manager and remove the rule.")
	}
}

func findWorldDatabasePort(w *walk) {
	if hit := w.worldHits(databasePorts); len(hit) > 0 {
		w.addWorld(hit,
			fmt.Sprintf("%s is open to %s: databases and caches are scanned and ransomed when they face the internet.", portNames(w.piece.Rule, hit), w.who),
			"Allow it only from the app servers' group ({"+RefGroupSource+"}) or a private CIDR.")
	}
}

// findWorldHighRiskPort names the ports of EC2.19's list that the admin
// and database checks have not named.
func findWorldHighRiskPort(w *walk) {
	named := append(w.worldHits(adminPorts), w.worldHits(databasePorts)...)
	risky := slices.DeleteFunc(w.worldHits(ec2_19Ports), func(p int) bool { return containsInt(named, p) })
	if len(risky) == 0 {
		return
	}
	n := w.piece.Rule
	f := w.addWorld(risky,
		fmt.Sprintf("%s is open to %s and on Security Hub's EC2.19 high-risk list.", portNames(n, risky), w.who),
		"Restrict the source to the networks that need it.")
	if intended(n, risky, w.public) {
		f.Severity = Info
		f.Why = fmt.Sprintf("%s is open to %s as this use case needs; sgwiz rates it info, but Security Hub EC2.19 (critical) will flag it.", portNames(n, risky), w.who)
		f.setFix("Keep it if this host serves it publicly, and record the exception in Security Hub.", w.also)
	}
}

// findWorldUnneededPort judges a piece none of whose ports the admin,
// database and high-risk checks name.
func findWorldUnneededPort(w *walk) {
	n := w.piece.Rule
	if !w.worldPorted() || len(w.worldHits(adminPorts))+len(w.worldHits(databasePorts))+len(w.worldHits(ec2_19Ports)) > 0 {
		return
	}
	var ports []int // nil for a range too wide to list
	if n.Ports.Count() <= wideRange {
		for port := n.Ports.From(); port <= n.Ports.To(); port++ {
			if !containsInt(w.public, port) {
				ports = append(ports, port)
			}
		}
		if len(ports) == 0 {
			return
		}
	}
	who := "the ports authorised for the internet are"
	if u, ok := LookupUseCase(w.p.UseCase); ok && len(u.PublicPorts) > 0 && len(w.o.Authorized) == 0 {
		who = "the use case serves only"
	}
	w.addWorld(ports,
		fmt.Sprintf("%s %s is open to %s, but %s %s.", n.Protocol.Title(), n.PortText(), w.who, who, joinInts(w.public)),
		"Restrict the source to the networks that need it, or put the service behind a load balancer.")
}

func findWorldProtocol(w *walk) {
	n := w.piece.Rule
	if w.d != Ingress || n.AllPorts() || n.Protocol.IsICMP() || n.Protocol.HasPorts() {
		return
	}
	w.addWorld(nil,
		fmt.Sprintf("%s is open to %s: only that protocol, not every service, but every host on the internet may send it.", n.Protocol.Name(), w.who),
		"Allow it only from the peers you expect (the other end of the tunnel), if you know them.")
}

// worldPorted reports whether the piece walked is inbound TCP or UDP to
// some ports, not all: the traffic the port checks judge.
func (w *walk) worldPorted() bool {
	n := w.piece.Rule
	return w.d == Ingress && n.Protocol.HasPorts() && !n.AllPorts()
}

// worldHits returns the ports of list that the piece walked opens to the
// world, if the port checks judge it.
func (w *walk) worldHits(list []int) []int {
	if !w.worldPorted() {
		return nil
	}
	return portsHit(w.piece.Rule, list)
}

// findMismatch finds ports restricted on one IP version and open to the
// world on the other. A rule is open to the world when all of it is, alone
// or with others.
func findMismatch(w *walk) {
	if w.d != Ingress || len(w.world) == 0 {
		return
	}
	type portKey struct {
		Protocol Protocol
		Ports    PortRange
	}
	open := func(i int) bool {
		return slices.ContainsFunc(w.world[i], func(p worldPiece) bool { return p.whole(w.rules[i]) })
	}
	worldOpen := map[portKey][2]bool{} // [v4, v6]
	restricted := map[portKey][2]bool{}
	for i, r := range w.rules {
		if !r.Peer.IsCIDR() {
			continue
		}
		k := portKey{r.Protocol, r.Ports}
		fam := FamilyOf(r.Peer.Prefix())
		m := restricted
		if open(i) {
			m = worldOpen
		}
		v := m[k]
		v[fam] = true
		m[k] = v
	}
	for i, r := range w.rules {
		if !r.Peer.IsCIDR() || !open(i) {
			continue
		}
		k := portKey{r.Protocol, r.Ports}
		other := IPv4
		if FamilyOf(r.Peer.Prefix()) == IPv4 {
			other = IPv6
		}
		if restricted[k][other] && !worldOpen[k][other] {
			w.add(Ingress, i, r,
				fmt.Sprintf("%s %s is restricted for %s but open to everyone at %s, so the restriction can be bypassed.", TypeOf(r), r.PortText(), other, r.Peer),
				fmt.Sprintf("Restrict this rule as you did for %s, or remove it.", other))
		}
	}
}

func findWidePortRange(w *walk) {
	r := w.r
	if !r.Protocol.HasPorts() || r.Ports == AllPorts || r.Ports.Count() <= wideRange {
		return
	}
	f := w.addRule(
		fmt.Sprintf("%s %s opens %d ports, far more than one service needs.", r.Protocol.Title(), r.PortText(), r.Ports.Count()),
		"List the ports your service uses, one rule each.")
	if len(w.world[w.i]) == 0 {
		f.Severity = Low
	}
}

func findWidePublicCIDR(w *walk) {
	wide, n := wideCIDR(w.r.Peer)
	if !wide || w.whole() {
		return
	}
	fix := "Use the exact CIDR of your office or VPN, such as a /32 or /28 (a /48 or /56 in IPv6)."
	if w.d == Egress {
		fix = "Send only to the addresses of the service you use, or a managed prefix list of them."
	}
	w.addRule(fmt.Sprintf("%s holds %s public addresses; few organisations own that many.", w.r.Peer, n.Words()), fix)
}

// findDuplicate finds the copies merged away (onGroup) and a rule that
// repeats an earlier one (onRepeat).
func findDuplicate(w *walk) {
	const fix = "Remove the copy (untick one of the two services, or delete the line from the plan file)."
	if w.step == onGroup {
		for _, m := range w.g.Merged {
			w.add(m.Direction, m.Index, m.Copy,
				fmt.Sprintf("This rule was given twice (the copy said %q); AWS holds a rule once, so sgwiz merged them and keeps the first description.", m.Copy.Description),
				fix)
		}
		return
	}
	w.addRule(fmt.Sprintf("This rule repeats %s rule %d; AWS holds a rule once, so sgwiz merges them and keeps the first description.", strings.ToLower(w.d.Title()), w.repeats+1),
		fix)
}

func findOverlapping(w *walk) {
	for _, j := range w.byPeer[w.r.Peer] {
		if o := w.rules[j]; j != w.i && o.Key() != w.r.Key() && o.Covers(w.r) {
			w.addRule(fmt.Sprintf("%s rule %d already allows everything this rule allows.", w.d.Title(), j+1),
				"Delete the narrower rule, or narrow the wider one.")
			return
		}
	}
}

func findMissingDescription(w *walk) {
	if w.r.Description != "" || (w.o.Account || w.g.ID != "") && awsMade(w.g, w.d, w.r) {
		return
	}
	w.addRule("A rule without a description leaves the next reader guessing why it exists.",
		"Say who or what the rule is for, such as \"SSH from the Berlin office\".")
}

// findEgressOpen judges each outbound piece of all traffic to the world.
func findEgressOpen(w *walk) {
	if w.d != Egress || w.piece.Rule.Protocol != AllProtocols {
		return
	}
	w.addRule(fmt.Sprintf("The instance may connect to %s on any port and protocol; malware or a mistake can send data out unhindered.", w.who),
		"Choose web-only or group egress if the instance only needs updates or the next tier."+w.also)
}

// findQuotaNear judges a direction with more rules than prowler allows,
// or more than AWS's default quota in an account whose quota was raised
// (AWS holds them).
func findQuotaNear(w *walk) {
	v4, v6 := w.p.QuotaCount(w.rules)
	dir := strings.ToLower(w.d.Title())
	switch n := max(v4, v6); {
	case n > MaxRulesPerDirection && w.o.Account:
		w.add(w.d, -1, Rule{},
			fmt.Sprintf("%s has %d IPv4 and %d IPv6 %s rules, more than the default quota of %d (raised for this account); a group this size is hard to review.", w.g.Name, v4, v6, dir, MaxRulesPerDirection),
			"Use a managed prefix list for many CIDRs, or split the group by purpose.")
	case n > nearQuota && n <= MaxRulesPerDirection:
		w.add(w.d, -1, Rule{},
			fmt.Sprintf("%s has %d IPv4 and %d IPv6 %s rules of the %d allowed per IP version.", w.g.Name, v4, v6, dir, MaxRulesPerDirection),
			"Use a managed prefix list for many CIDRs, or split the group by purpose.")
	}
}

func findQuotaExceeded(w *walk) {
	v4, v6 := w.p.QuotaCount(w.rules)
	if max(v4, v6) <= MaxRulesPerDirection || w.o.Account {
		return
	}
	w.add(w.d, -1, Rule{},
		fmt.Sprintf("%s has %d IPv4 and %d IPv6 %s rules; AWS allows %d per IP version unless you raise the quota, so apply will fail.", w.g.Name, v4, v6, strings.ToLower(w.d.Title()), MaxRulesPerDirection),
		"Merge rules (port ranges, prefix lists) or split the group, or request a quota increase in Service Quotas.")
}

func findLaunchWizardName(w *walk) {
	if !strings.HasPrefix(strings.ToLower(w.g.Name), "launch-wizard-") {
		return
	}
	w.add(Ingress, -1, Rule{},
		"Groups named launch-wizard-N are made by the console with SSH open to the world and are rarely reviewed.",
		"Name the group for what it protects, such as web-prod.")
}

func findPublicAllPorts(w *walk) {
	r := w.r
	if w.d != Ingress || !r.AllPorts() || !r.Peer.IsCIDR() || !IsPublic(r.Peer.Prefix()) || w.whole() {
		return
	}
	w.addRule(
		fmt.Sprintf("%s on every port is open to the public range %s (%s public addresses): whoever holds an address in it reaches every service on the instance.", r.Protocol.Title(), r.Peer, PublicAddresses(r.Peer.Prefix()).Words()),
		"Open only the ports the range needs, such as HTTPS (443).")
}

func findDefaultGroupRules(w *walk) {
	g := w.g
	if strings.ToLower(g.Name) != "default" || len(g.Ingress)+len(g.Egress) == 0 {
		return
	}
	where := "The VPC's default group"
	if g.VPC != "" {
		where = "The default group of " + g.VPC
	}
	w.add(Ingress, -1, Rule{},
		fmt.Sprintf("%s has %d inbound and %d outbound rules; every instance launched without a group gets them.", where, len(g.Ingress), len(g.Egress)),
		"Move what uses it to groups of their own, then remove every rule of the default group (it cannot be deleted).")
}
