package model

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// auditAccount is an account built with known problems, each group named
// for what it shows.
func auditAccount(t *testing.T) Inventory {
	t.Helper()
	id := func(n int) string { return fmt.Sprintf("sg-%017x", n) }
	ref := func(proto, ports string, n int, desc string) Rule {
		r := rule(t, proto, ports, "10.0.0.0/8", desc)
		r.Peer = GroupID(id(n))
		return r
	}
	owner := []Tag{{"Owner", "ops"}}
	groups := []Group{
		// 1: the VPC's default group, with AWS's own rules.
		{ID: id(1), Name: "default", VPC: "vpc-1", Tags: owner,
			Ingress: []Rule{ref("all", "", 1, "")}, Egress: []Rule{rule(t, "all", "", "0.0.0.0/0", "")}},
		// 2: used by an instance; SSH open to the world; untagged.
		{ID: id(2), Name: "web", VPC: "vpc-1",
			Ingress: []Rule{rule(t, "tcp", "443", "0.0.0.0/0", "https"), rule(t, "tcp", "22", "0.0.0.0/0", "ssh"),
				rule(t, "tcp", "22", "198.51.100.7/32", "SSH from my IP, sgwiz:expires=2026-11-23T20:00:00Z")},
			Egress: []Rule{ref("tcp", "5432", 4, "to the database")}},
		// 3: made by the console, used by nothing.
		{ID: id(3), Name: "launch-wizard-1", VPC: "vpc-1", Tags: owner, Ingress: []Rule{rule(t, "tcp", "8443", "10.0.0.0/8", "x")}},
		// 4: used only as the destination of web's rule.
		{ID: id(4), Name: "db", VPC: "vpc-1", Tags: owner, Ingress: []Rule{ref("tcp", "5432", 2, "from web")}},
		// 5: used only by a launch template.
		{ID: id(5), Name: "batch", VPC: "vpc-1", Tags: owner},
		// 6: used only from a peered VPC.
		{ID: id(6), Name: "shared", VPC: "vpc-1", Tags: owner},
		// 7: names a group that is gone; every port to a public /28.
		{ID: id(7), Name: "app", VPC: "vpc-1", Tags: owner,
			Ingress: []Rule{ref("tcp", "8080", 99, "from the old lb"), rule(t, "all", "", "9.9.9.0/28", "partner")}},
	}
	// 8–12: five groups of 201 rules each on one interface.
	var big []Rule
	for i := range 201 {
		big = append(big, rule(t, "tcp", "443", netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 1, byte(i), 0}), 24).String(), "many"))
	}
	var busy []string
	for n := 8; n <= 12; n++ {
		groups = append(groups, Group{ID: id(n), Name: fmt.Sprintf("big-%d", n), VPC: "vpc-1", Tags: owner, Ingress: big})
		busy = append(busy, id(n))
	}
	return Inventory{Account: "123456789012", Region: "eu-west-1", Groups: groups,
		Interfaces: []Interface{{ID: "eni-1", Groups: []string{id(2), id(7)}}, {ID: "eni-2", Groups: busy}},
		Templates:  []TemplateUse{{ID: "lt-1", Name: "batch", Version: 3, Groups: []string{id(5)}}},
		Referenced: map[string][]string{id(6): {"vpc-peer"}},
		Checked:    UsageSources,
		// web's SSH from one address expired at 20:00; app's 8080 from the
		// old lb runs until 23:00.
		Temporary: []TemporaryRule{
			{GroupID: id(2), RuleID: "sgr-1", Rule: rule(t, "tcp", "22", "198.51.100.7/32", ""), Expires: auditNow.Add(-time.Hour)},
			{GroupID: id(7), RuleID: "sgr-2", Rule: ref("tcp", "8080", 99, ""), Expires: auditNow.Add(2 * time.Hour)},
		},
	}
}

var auditNow = time.Date(2026, 11, 23, 21, 0, 0, 0, time.UTC)

// TestAuditFindsExactly: an account built with known problems gives
// exactly the expected findings, and nothing else; every check that needs
// the account is among them.
func TestAuditFindsExactly(t *testing.T) {
	inv := auditAccount(t)
	fs := Audit(inv, AuditOptions{RequireTags: []string{"Owner"}, Now: auditNow})
	var got []string
	for _, f := range fs {
		got = append(got, fmt.Sprintf("%s %s %s %d", f.GroupID[len(f.GroupID)-2:], f.ID, f.Severity, f.Index))
	}
	want := []string{
		"01 default-group-rules high -1", // AWS's own rules need no description
		"01 egress-open info 0",
		"02 world-admin-port critical 1", "02 missing-tag low -1", "02 expired-rule medium 2",
		"03 launch-wizard-name medium -1", "03 unused-group low -1",
		"07 public-all-ports high 1", "07 stale-reference medium 0",
		"08 interface-rule-limit high -1",
	}
	for n := 8; n <= 12; n++ {
		want = append(want, fmt.Sprintf("%02x quota-near medium -1", n))
	}
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n got %q\nwant %q", got, want)
	}
	if fs[0].Severity != Critical || fs[len(fs)-1].Severity != Info {
		t.Errorf("most serious first: %s … %s", fs[0].Severity, fs[len(fs)-1].Severity)
	}
	covered := map[string]bool{}
	for _, f := range fs {
		covered[f.ID] = true
		if f.Account != inv.Account || f.Region != inv.Region || f.VPC != "vpc-1" || f.Why == "" || f.Fix == "" {
			t.Errorf("%+v: each finding names the account, region, VPC, why and fix", f)
		}
	}
	for _, c := range Checks {
		if strings.HasSuffix(c.Title, "(audit)") && !covered[c.ID] {
			t.Errorf("the audit check %s is not in the test account", c.ID)
		}
	}
	for _, f := range fs {
		if f.ID == "unused-group" && !strings.Contains(f.Why, "checked: other groups' rules, network interfaces, launch templates, peered VPCs' references, VPC associations, RAM shares") {
			t.Errorf("unused says what it checked: %s", f.Why)
		}
	}
}

// TestUnusedCountsAssociationsAndShares: a group associated with another
// VPC (or being associated, or not yet disassociated), or held by a RAM
// share, is used there; an association that ended or failed, or names the
// group's own VPC, is not; a group another account
// owns is the owner's to judge.
func TestUnusedCountsAssociationsAndShares(t *testing.T) {
	const id, vpc = "sg-0000000000000000a", "vpc-1"
	for _, tc := range []struct {
		name   string
		inv    Inventory
		unused bool
	}{
		{"nothing uses it", Inventory{}, true},
		{"associated with another VPC", Inventory{Associations: []VPCAssociation{{id, "vpc-2", "associated"}}}, false},
		{"the association is being made", Inventory{Associations: []VPCAssociation{{id, "vpc-2", "associating"}}}, false},
		{"being disassociated (which fails while interfaces there use it)", Inventory{Associations: []VPCAssociation{{id, "vpc-2", "disassociating"}}}, false},
		{"the disassociation failed", Inventory{Associations: []VPCAssociation{{id, "vpc-2", "disassociation-failed"}}}, false},
		{"the association failed", Inventory{Associations: []VPCAssociation{{id, "vpc-2", "association-failed"}}}, true},
		{"disassociated", Inventory{Associations: []VPCAssociation{{id, "vpc-2", "disassociated"}}}, true},
		{"the listing names its own VPC", Inventory{Associations: []VPCAssociation{{id, vpc, "associated"}}}, true},
		{"another group is associated", Inventory{Associations: []VPCAssociation{{"sg-0000000000000000b", "vpc-2", "associated"}}}, true},
		{"in a RAM share", Inventory{Shares: map[string][]string{id: {"arn:aws:ram:eu-west-1:123456789012:resource-share/x"}}}, false},
		{"owned by another account", Inventory{OwnedElsewhere: map[string]string{id: "210987654321"}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv := tc.inv
			inv.Groups = []Group{{ID: id, Name: "baseline", VPC: vpc}}
			inv.Checked = UsageSources
			got := slices.ContainsFunc(Audit(inv, AuditOptions{}), func(f AuditFinding) bool { return f.ID == "unused-group" })
			if got != tc.unused {
				t.Errorf("unused-group reported: %v, want %v", got, tc.unused)
			}
		})
	}
}

// TestUnusedNeedsEverySource: when any source of use could not be read,
// no group is said to be unused.
func TestUnusedNeedsEverySource(t *testing.T) {
	for _, missing := range UsageSources {
		t.Run(missing, func(t *testing.T) {
			inv := Inventory{Groups: []Group{{ID: "sg-0000000000000000a", Name: "baseline", VPC: "vpc-1"}},
				Checked: slices.DeleteFunc(slices.Clone(UsageSources), func(s string) bool { return s == missing })}
			for _, f := range Audit(inv, AuditOptions{}) {
				if f.ID == "unused-group" {
					t.Errorf("%s was not read, yet: %s", missing, f.Why)
				}
			}
		})
	}
}

// TestAuditAuthorizedPorts: EC2.18's authorised ports decide which world
// ports are findings.
func TestAuditAuthorizedPorts(t *testing.T) {
	inv := Inventory{Groups: []Group{{ID: "sg-1", Name: "g", VPC: "vpc-1",
		Ingress: []Rule{rule(t, "tcp", "8443", "0.0.0.0/0", "alt https")}}},
		Interfaces: []Interface{{ID: "eni-1", Groups: []string{"sg-1"}}}}
	has := func(fs []AuditFinding) bool {
		return slices.ContainsFunc(fs, func(f AuditFinding) bool { return f.ID == "world-unneeded-port" })
	}
	if !has(Audit(inv, AuditOptions{})) {
		t.Error("8443 to the world is not among the default authorised ports 80, 443")
	}
	if has(Audit(inv, AuditOptions{Authorized: []int{443, 8443}})) {
		t.Error("8443 is authorised")
	}
}

// TestTightenFixesTheHighFindings: world SSH becomes the office, a world
// database port goes, the default group loses its rules, the rest stays.
func TestTightenFixesTheHighFindings(t *testing.T) {
	g := Group{ID: "sg-1", Name: "web", VPC: "vpc-1", Ingress: []Rule{
		rule(t, "tcp", "443", "0.0.0.0/0", "https"), rule(t, "tcp", "22", "0.0.0.0/0", "ssh"),
		rule(t, "tcp", "22", "::/0", "ssh6"), rule(t, "tcp", "3306", "0.0.0.0/0", "mysql")}}
	var fs []Finding
	for _, f := range Audit(Inventory{Groups: []Group{g}}, AuditOptions{}) {
		fs = append(fs, f.Finding)
	}
	office := []netip.Prefix{netip.MustParsePrefix("203.0.113.10/32")}
	fixed := Tighten(g, fs, office)
	var lines []string
	for _, r := range fixed.Ingress {
		lines = append(lines, r.PortText()+" "+r.Peer.String())
	}
	if want := []string{"443 0.0.0.0/0", "22 203.0.113.10/32"}; !slices.Equal(lines, want) {
		t.Errorf("tightened: %v, want %v", lines, want)
	}
	if len(g.Ingress) != 4 {
		t.Error("Tighten must not change the group it was given")
	}
	def := Group{ID: "sg-2", Name: "default", VPC: "vpc-1", Egress: []Rule{rule(t, "all", "", "0.0.0.0/0", "")}}
	var dfs []Finding
	for _, f := range Audit(Inventory{Groups: []Group{def}}, AuditOptions{}) {
		dfs = append(dfs, f.Finding)
	}
	if d := Tighten(def, dfs, office); len(d.Ingress)+len(d.Egress) != 0 {
		t.Errorf("the default group keeps no rules: %+v", d)
	}
}

// TestAuditSumsTheGroupsOfAnInterface: an instance is reached through all
// its groups at once, so SSH from 43% of the internet in one group and 28%
// in another is SSH from the world on an interface that carries both (once
// however many interfaces do), and on none that carries one.
func TestAuditSumsTheGroupsOfAnInterface(t *testing.T) {
	a := Group{ID: "sg-0000000000000000a", Name: "a", VPC: "vpc-1", Ingress: []Rule{rule(t, "tcp", "22", "128.0.0.0/1", "upper half")}, Egress: []Rule{}}
	b := Group{ID: "sg-0000000000000000b", Name: "b", VPC: "vpc-1", Ingress: []Rule{rule(t, "tcp", "22", "0.0.0.0/2", "a quarter")}, Egress: []Rule{}}
	inv := Inventory{Groups: []Group{a, b}, Checked: []string{CheckedInterfaces},
		Interfaces: []Interface{{ID: "eni-1", Groups: []string{a.ID}}, {ID: "eni-2", Groups: []string{b.ID}}}}
	for _, f := range Audit(inv, AuditOptions{}) {
		if strings.HasPrefix(f.ID, "world-") {
			t.Errorf("no interface carries both groups: %s %s", f.ID, f.Why)
		}
	}
	inv.Interfaces = append(inv.Interfaces, Interface{ID: "eni-3", Groups: []string{b.ID, a.ID}}, Interface{ID: "eni-4", Groups: []string{a.ID, b.ID}})
	var got []string
	for _, f := range Audit(inv, AuditOptions{}) {
		if strings.HasPrefix(f.ID, "world-") {
			got = append(got, fmt.Sprintf("%s %s %s %d", f.Group, f.ID, f.Severity, f.Index))
			if !strings.Contains(f.Why, "through the groups of eni-3") || !strings.Contains(f.Fix, "sg-0000000000000000a inbound rule 1 (128.0.0.0/1)") || len(f.Controls) != 0 {
				t.Errorf("the finding should name the interface and both rules, and no control (none sums): %s / %s / %v", f.Why, f.Fix, f.Controls)
			}
		}
	}
	sort.Strings(got)
	if want := []string{"a world-admin-port critical 0", "b world-admin-port critical 0"}; !slices.Equal(got, want) {
		t.Errorf("findings %q, want %q", got, want)
	}

	// A third group whose id sorts first, on a fourth interface with
	// both: the same sum is still said once per rule.
	c := Group{ID: "sg-00000000000000000", Name: "c", VPC: "vpc-1", Ingress: []Rule{rule(t, "tcp", "443", "8.8.8.0/24", "a resolver")}, Egress: []Rule{}}
	inv.Groups = append(inv.Groups, c)
	inv.Interfaces = append(inv.Interfaces, Interface{ID: "eni-5", Groups: []string{c.ID, a.ID, b.ID}})
	if got := worldFindings(Audit(inv, AuditOptions{})); !slices.Equal(got, []string{"a world-admin-port critical 0", "b world-admin-port critical 0"}) {
		t.Errorf("with a third group on another interface: %q", got)
	}

	// A group that is the world on its own, beside another on one
	// interface: each rule's finding is its own group's, said once.
	d := Group{ID: "sg-0000000000000000d", Name: "d", VPC: "vpc-1", Ingress: []Rule{
		rule(t, "tcp", "22", "0.0.0.0/2", "1"), rule(t, "tcp", "22", "64.0.0.0/2", "2"), rule(t, "tcp", "22", "128.0.0.0/2", "3")}, Egress: []Rule{}}
	e := Group{ID: "sg-0000000000000000e", Name: "e", VPC: "vpc-1", Ingress: []Rule{rule(t, "tcp", "22", "192.0.0.0/2", "4")}, Egress: []Rule{}}
	inv = Inventory{Groups: []Group{d, e}, Checked: []string{CheckedInterfaces}, Interfaces: []Interface{{ID: "eni-1", Groups: []string{d.ID, e.ID}}}}
	got = worldFindings(Audit(inv, AuditOptions{}))
	if want := []string{"d world-admin-port critical 0", "d world-admin-port critical 1", "d world-admin-port critical 2", "e world-admin-port critical 0"}; !slices.Equal(got, want) {
		t.Errorf("a group that is the world alone, with another: %q, want %q", got, want)
	}
}

// worldFindings are the world- findings as "group id severity index", sorted.
func worldFindings(fs []AuditFinding) []string {
	var out []string
	for _, f := range fs {
		if strings.HasPrefix(f.ID, "world-") {
			out = append(out, fmt.Sprintf("%s %s %s %d", f.Group, f.ID, f.Severity, f.Index))
		}
	}
	sort.Strings(out)
	return out
}
