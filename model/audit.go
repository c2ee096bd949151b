package model

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"time"
)

// Audit: the checks over an account's groups as they are, with what only
// the account knows (who uses a group, which groups exist).

// Inventory is what an audit reads of one account in one region.
type Inventory struct {
	Account, Region string
	// Groups are the region's groups, each with its ID and VPC; a rule
	// naming another group names it by id (GroupID), as AWS holds it.
	Groups []Group
	// Interfaces are the region's network interfaces (instances, Lambda,
	// ECS tasks, RDS, load balancers, endpoints all use groups through one).
	Interfaces []Interface
	// Templates are the launch template versions ($Default and $Latest)
	// that name groups.
	Templates []TemplateUse
	// Referenced are the groups other VPCs' groups refer to (peering), by
	// id, with the VPCs that refer to them.
	Referenced map[string][]string
	// Foreign are the groups rules name through a peering connection or in
	// another account: they are not this region's, and not stale.
	Foreign map[string]bool
	// Associations are the groups' associations with other VPCs of the
	// region (AssociateSecurityGroupVpc), in whatever state they are: a
	// group associated with another VPC is used there.
	Associations []VPCAssociation
	// Shares are the AWS RAM resource shares (ARNs) that hold each group,
	// by group id: a shared group is used by other accounts' network
	// interfaces, which this account cannot see.
	Shares map[string][]string
	// OwnedElsewhere are the groups another account owns and shares with
	// this one, with their owner: the owner's to judge, never reported
	// unused here.
	OwnedElsewhere map[string]string
	// Checked lists what was read to find a group's users, for the report
	// (UsageSources). Unused groups are reported only when all were.
	Checked []string
	// Unchecked says what could not be read, and why.
	Unchecked []string
	// Temporary are the rules that carry an expiry tag (sgwiz allow).
	Temporary []TemporaryRule
}

// What an audit reads to say a group is used.
const (
	CheckedInterfaces   = "network interfaces"
	CheckedTemplates    = "launch templates"
	CheckedRules        = "other groups' rules"
	CheckedPeering      = "peered VPCs' references"
	CheckedAssociations = "VPC associations"
	CheckedShares       = "RAM shares"
)

// UsageSources are everything an audit reads to say a group is used, in
// the order reports name them: unused groups are reported only when every
// one was read.
var UsageSources = []string{CheckedRules, CheckedInterfaces, CheckedTemplates, CheckedPeering, CheckedAssociations, CheckedShares}

// VPCAssociation is a group's association with another VPC of its
// region, which lets that VPC's network interfaces use the group.
type VPCAssociation struct {
	GroupID, VPC string
	// State is AWS's: associating, associated, association-failed,
	// disassociating, disassociated or disassociation-failed.
	State string
}

// InUse reports whether the association lets the VPC use the group now.
func (a VPCAssociation) InUse() bool {
	// Disassociating is asynchronous and fails while interfaces in the
	// other VPC use the group; associating is about to be used. Only the
	// two end states of no association say the group is not used there.
	return a.State != "disassociated" && a.State != "association-failed"
}

// Interface is a network interface and the groups it carries.
type Interface struct {
	ID          string
	Description string
	Groups      []string
}

// TemplateUse is a launch template version and the groups it names.
type TemplateUse struct {
	ID, Name string
	Version  int64
	Groups   []string
}

// AuditOptions are the account's own rules.
type AuditOptions struct {
	// Authorized are the TCP ports that may be open to the internet
	// (EC2.18's authorizedTcpPorts); empty: 80 and 443.
	Authorized []int
	// RequireTags are the tag keys every group must have (EC2.43).
	RequireTags []string
	// Now is the time temporary rules are judged at (zero: none is).
	Now time.Time
}

// AuditFinding is a finding about one group of an account.
type AuditFinding struct {
	Account, Region, VPC, GroupID string
	// Subject tells apart findings of one check, group and rule that a
	// group can have several of: the tag key of a missing tag, the network
	// interface of a rule limit, the partner groups of traffic opened
	// together; "" otherwise. Reports' stable ids are made of it, never of
	// the words, which change with what was checked.
	Subject string
	Finding
}

// MaxRulesPerInterface is AWS's limit on the rules of the groups on one
// network interface, per direction (quota per group × groups per
// interface).
const MaxRulesPerInterface = 1000

// Audit checks every group of the inventory: everything lint checks (as
// an account holds it: authorised ports, no use case), the default
// groups' rules, unused groups, required tags, stale references and the
// rules on each network interface. Findings come most serious first, then
// by group.
func Audit(inv Inventory, o AuditOptions) []AuditFinding {
	p := Plan{Groups: inv.Groups}
	ids := make(map[string]int, len(p.Groups))
	for i := range p.Groups {
		ids[p.Groups[i].ID] = i
	}
	var out []AuditFinding
	add := func(gi int, subject string, f Finding) {
		g := &p.Groups[gi]
		out = append(out, AuditFinding{Account: inv.Account, Region: inv.Region, VPC: g.VPC, GroupID: g.ID, Subject: subject, Finding: f})
	}
	// lint's checks over the account's groups as one plan: the links
	// between groups are judged as in a plan, by id.
	for _, f := range p.CheckWith(CheckOptions{Authorized: o.Authorized, Account: true}) {
		add(f.group, "", f)
	}
	used := usage(inv, ids)
	// A group is unused only when every way of using it was looked at.
	complete := true
	for _, c := range UsageSources {
		complete = complete && slices.Contains(inv.Checked, c)
	}
	for gi := range p.Groups {
		g := &p.Groups[gi]
		isDefault := g.Name == "default"
		_, borrowed := inv.OwnedElsewhere[g.ID]
		if !isDefault && !borrowed && complete && len(used[g.ID]) == 0 {
			add(gi, "", p.finding("unused-group", g, Ingress, -1, Rule{},
				fmt.Sprintf("Nothing uses %s: no network interface, launch template or other group refers to it, no other VPC is associated with it and no RAM share holds it (checked: %s).", g.ID, strings.Join(inv.Checked, ", ")),
				fmt.Sprintf("Delete it once you are sure (aws ec2 delete-security-group --group-id %s), or tag why it is kept.", g.ID)))
		}
		for _, k := range o.RequireTags {
			if !slices.ContainsFunc(g.Tags, func(t Tag) bool { return t.Key == k }) {
				add(gi, k, p.finding("missing-tag", g, Ingress, -1, Rule{},
					fmt.Sprintf("%s has no %s tag, which every group must have here.", g.ID, k),
					fmt.Sprintf("Tag it: aws ec2 create-tags --resources %s --tags Key=%s,Value=…", g.ID, k)))
			}
		}
		for _, d := range []Direction{Ingress, Egress} {
			for i, r := range g.Rules(d) {
				if r.Peer.Kind() != PeerGroupID {
					continue
				}
				if _, ok := ids[r.Peer.Ref()]; !ok && !inv.Foreign[r.Peer.Ref()] {
					add(gi, "", p.finding("stale-reference", g, d, i, r,
						fmt.Sprintf("%s names %s, which does not exist in %s any more: the rule allows nothing and hides what was meant.", g.ID, r.Peer.Ref(), inv.Region),
						"Delete the rule, or name the group that replaced it."))
				}
			}
		}
	}
	interfaceLimits(inv, p, ids, add)
	interfaceWorld(inv, p, ids, o, add)
	for _, t := range inv.Temporary {
		gi, ok := ids[t.GroupID]
		if !ok || o.Now.IsZero() || !t.Expired(o.Now) {
			continue
		}
		g := &p.Groups[gi]
		i := slices.IndexFunc(g.Rules(t.Direction), func(r Rule) bool { return r.Key() == t.Rule.Key() })
		add(gi, "", p.finding("expired-rule", g, t.Direction, i, t.Rule,
			fmt.Sprintf("%s expired at %s and still allows %s.", t.RuleID, FormatExpiry(t.Expires), t.Rule.Text(t.Direction)),
			"Run sgwiz sweep (from cron or a scheduler, it revokes every expired rule), or extend it with sgwiz allow."))
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Severity != out[j].Severity {
			return out[i].Severity > out[j].Severity
		}
		return ids[out[i].GroupID] < ids[out[j].GroupID]
	})
	return out
}

// usage says, by group id, what uses each group: interfaces, launch
// templates, rules of other groups, references from peered VPCs, the
// other VPCs it is associated with and the RAM shares that hold it.
func usage(inv Inventory, ids map[string]int) map[string][]string {
	used := map[string][]string{}
	for _, ni := range inv.Interfaces {
		for _, id := range ni.Groups {
			used[id] = append(used[id], ni.ID)
		}
	}
	for _, t := range inv.Templates {
		for _, id := range t.Groups {
			used[id] = append(used[id], fmt.Sprintf("%s v%d", t.ID, t.Version))
		}
	}
	for _, g := range inv.Groups {
		for _, d := range []Direction{Ingress, Egress} {
			for _, r := range g.Rules(d) {
				if r.Peer.Kind() == PeerGroupID && r.Peer.Ref() != g.ID {
					used[r.Peer.Ref()] = append(used[r.Peer.Ref()], g.ID)
				}
			}
		}
	}
	for id, vpcs := range inv.Referenced {
		used[id] = append(used[id], vpcs...)
	}
	for _, a := range inv.Associations {
		// The group's own VPC is not another VPC using it, should a
		// listing ever name it.
		if gi, ok := ids[a.GroupID]; ok && a.InUse() && a.VPC != inv.Groups[gi].VPC {
			used[a.GroupID] = append(used[a.GroupID], a.VPC)
		}
	}
	for id, shares := range inv.Shares {
		used[id] = append(used[id], shares...)
	}
	return used
}

// interfaceLimits finds the network interfaces whose groups hold more
// rules in one direction than AWS allows on an interface.
func interfaceLimits(inv Inventory, p Plan, ids map[string]int, add func(int, string, Finding)) {
	for _, ni := range inv.Interfaces {
		var groups []Group
		first := -1
		for _, id := range ni.Groups {
			if gi, ok := ids[id]; ok {
				if first < 0 {
					first = gi
				}
				groups = append(groups, p.Groups[gi])
			}
		}
		for _, d := range []Direction{Ingress, Egress} {
			if total := InterfaceRules(groups, d); total > MaxRulesPerInterface && first >= 0 {
				g := &p.Groups[first]
				add(first, ni.ID, p.finding("interface-rule-limit", g, d, -1, Rule{},
					fmt.Sprintf("%s carries %s with %d %s rules together; AWS allows %d per interface, so changes to them fail.", ni.ID, strings.Join(ni.Groups, ", "), total, strings.ToLower(d.Title()), MaxRulesPerInterface),
					"Merge rules into prefix lists, or give the interface fewer groups."))
			}
		}
	}
}

// interfaceWorld finds inbound traffic that the groups on one network
// interface open to the world together, though no group does alone: an
// instance is reached through all its groups at once.
func interfaceWorld(inv Inventory, p Plan, ids map[string]int, o AuditOptions, add func(int, string, Finding)) {
	public := ec2_18Default
	if len(o.Authorized) > 0 {
		public = o.Authorized
	}
	seen := map[string]bool{}
	sets := map[string]bool{}
	own := map[int]map[int][]worldPiece{} // each group's own world, by rule
	for _, ni := range inv.Interfaces {
		gs := slices.Compact(slices.Sorted(slices.Values(ni.Groups)))
		if key := strings.Join(gs, " "); len(gs) < 2 || sets[key] {
			continue // one group is judged alone; a set of groups once
		} else {
			sets[key] = true
		}
		// Only rules that are part of the world, not all of it, can add
		// up across groups.
		var rules []Rule
		var owner, local []int
		groups := map[int]bool{}
		for _, id := range gs {
			gi, ok := ids[id]
			if !ok {
				continue
			}
			for i, r := range p.Groups[gi].Ingress {
				if r.Peer.IsCIDR() && !r.Protocol.IsICMP() && !worldAlone(r) && IsPublic(r.Peer.Prefix()) {
					rules, owner, local = append(rules, r), append(owner, gi), append(local, i)
					groups[gi] = true
				}
			}
		}
		if len(groups) < 2 {
			continue
		}
		label := func(j int) string { return fmt.Sprintf("%s inbound rule %d", p.Groups[owner[j]].ID, local[j]+1) }
		world := worldOf(rules)
		for k := range rules {
			gi := owner[k]
			if _, ok := own[gi]; !ok {
				own[gi] = worldOf(p.Groups[gi].Ingress)
			}
			for _, w := range world[k] {
				if !slices.ContainsFunc(w.With, func(j int) bool { return owner[j] != gi }) ||
					slices.ContainsFunc(own[gi][local[k]], func(o worldPiece) bool { return o.Rule.Key() == w.Rule.Key() }) {
					continue // the group alone: found with its own checks
				}
				// Once per rule, piece and partner rules, whichever
				// interfaces carry them (by group and rule, not by the
				// position in this interface's list).
				partners := make([]string, len(w.With))
				for i, j := range w.With {
					partners[i] = fmt.Sprintf("%d/%d", owner[j], local[j])
				}
				slices.Sort(partners)
				key := fmt.Sprintf("%d/%d/%v/%s", gi, local[k], w.Rule.Key(), strings.Join(partners, " "))
				if seen[key] {
					continue
				}
				seen[key] = true
				g := &p.Groups[owner[k]]
				who := worldWho(rules, label, w) + " through the groups of " + ni.ID
				for _, f := range p.checkWorld(nil, g, local[k], rules[k], w, who, worldFix(rules, label, k, w), public, CheckOptions{Authorized: o.Authorized, Account: true}) {
					add(owner[k], strings.Join(partners, " "), f)
				}
			}
		}
	}
}

// Tighten is the fix of a group's high and critical findings, as a plan
// reviewed before apply: a remote administration port open to the world
// is opened to the office CIDRs instead (or closed without them), every
// other world-open rule behind a high finding is removed, and the default
// group loses its rules. Other rules stay as they are.
func Tighten(g Group, fs []Finding, office []netip.Prefix) Group {
	g.Ingress = slices.Clone(g.Ingress)
	g.Egress = slices.Clone(g.Egress)
	drop := map[[2]int]bool{}
	var admin []Rule
	for _, f := range fs {
		switch {
		case f.ID == "default-group-rules":
			g.Ingress, g.Egress = []Rule{}, []Rule{}
			return g
		case f.Severity < High || f.Index < 0:
			continue
		}
		drop[[2]int{int(f.Direction), f.Index}] = true
		if f.ID == "world-admin-port" {
			admin = append(admin, f.Rule)
		}
	}
	keep := func(d Direction, rules []Rule) []Rule {
		out := []Rule{}
		for i, r := range rules {
			if !drop[[2]int{int(d), i}] {
				out = append(out, r)
			}
		}
		return out
	}
	g.Ingress, g.Egress = keep(Ingress, g.Ingress), keep(Egress, g.Egress)
	for _, r := range admin {
		for _, o := range office {
			if (o.Addr().Is4()) != (r.Peer.Kind() == PeerIPv4) {
				continue
			}
			fixed := Rule{Protocol: r.Protocol, Ports: r.Ports, Peer: CIDR(o), Description: sanitizeDescription(TypeOf(r) + " from the office")}
			if !slices.ContainsFunc(g.Ingress, func(x Rule) bool { return x.Key() == fixed.Key() }) {
				g.Ingress = append(g.Ingress, fixed)
			}
		}
	}
	return g
}
