package model

import (
	"fmt"
	"strings"
	"testing"
)

func rule(t testing.TB, proto, ports, peer, desc string) Rule {
	t.Helper()
	r, err := NewRule(proto, ports, peer, desc)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func findingIDs(fs []Finding) map[string]Finding {
	m := map[string]Finding{}
	for _, f := range fs {
		if _, ok := m[f.ID]; !ok {
			m[f.ID] = f
		}
	}
	return m
}

// SSH from the world is critical: port 22 is on Security Hub EC2.19's
// list, a critical control.
func TestSSHFromWorldIsCritical(t *testing.T) {
	p := mustBuild(t, "web", Inputs{SSHFrom: SSHWorld})
	fs := p.Check()
	f, ok := findingIDs(fs)["world-admin-port"]
	if !ok || f.Severity != Critical {
		t.Fatalf("SSH from the world: findings %v, want a critical world-admin-port", fs)
	}
	if s, _ := HighestSeverity(fs); s != Critical {
		t.Errorf("highest severity = %s, want critical", s)
	}
	if !strings.Contains(f.Why, "SSH (22)") || !strings.Contains(f.Fix, "office") {
		t.Errorf("the finding should name SSH and the office fix: %q / %q", f.Why, f.Fix)
	}
	if !strings.Contains(strings.Join(f.Controls, " "), "EC2.13") {
		t.Errorf("SSH maps to Security Hub EC2.13: %v", f.Controls)
	}
}

func TestWebWithOfficeSSHHasNothingAboveInfo(t *testing.T) {
	for _, e := range []EgressPolicy{EgressWeb, EgressDefault, EgressNone} {
		fs := mustBuild(t, "web", Inputs{Office: office, Egress: e}).Check()
		for _, f := range fs {
			if f.Severity > Info {
				t.Errorf("egress %s: %s %s: %s", e, f.Severity, f.ID, f.Why)
			}
		}
	}
}

func TestPresetDefaultsAreClean(t *testing.T) {
	for _, u := range UseCases() {
		fs := mustBuild(t, u.ID, Inputs{Office: office}).Check()
		for _, f := range fs {
			if f.Severity >= Medium {
				t.Errorf("%s with its defaults: %s %s %s", u.ID, f.Severity, f.ID, f.Why)
			}
		}
	}
}

// plan1 is a custom plan with one group holding these rules.
func plan1(name string, ingress, egress []Rule) Plan {
	return Plan{UseCase: "custom", Groups: []Group{{Name: name, Description: "test", Ingress: ingress, Egress: egress}}}
}

func TestEveryCheck(t *testing.T) {
	many := func(n int, v6 bool) []Rule {
		var rs []Rule
		for i := range n {
			peer := fmt.Sprintf("10.0.%d.0/24", i)
			if v6 {
				peer = fmt.Sprintf("2001:db8:%x::/48", i)
			}
			rs = append(rs, rule(t, "tcp", "443", peer, "many"))
		}
		return rs
	}
	tests := []struct {
		id       string
		severity Severity
		plan     Plan
		index    int
	}{
		{"world-all-traffic", Critical, plan1("g", []Rule{rule(t, "all", "", "0.0.0.0/0", "x")}, nil), 0},
		{"world-all-traffic", Critical, plan1("g", []Rule{rule(t, "tcp", "0-65535", "::/0", "x")}, nil), 0},
		{"world-admin-port", Critical, plan1("g", []Rule{rule(t, "tcp", "3389", "0.0.0.0/0", "x")}, nil), 0},
		{"world-admin-port", High, plan1("g", []Rule{rule(t, "tcp", "5985-5986", "::/0", "x")}, nil), 0},
		{"world-database-port", High, plan1("g", []Rule{rule(t, "tcp", "80", "10.0.0.0/8", "x"), rule(t, "tcp", "6379", "0.0.0.0/0", "x")}, nil), 1},
		{"world-database-port", High, plan1("g", []Rule{rule(t, "tcp", "27017-27019", "::/0", "x")}, nil), 0},
		{"world-high-risk-port", Critical, plan1("g", []Rule{rule(t, "tcp", "445", "0.0.0.0/0", "x")}, nil), 0},
		{"world-high-risk-port", Info, mustBuild(t, "mail", Inputs{Office: office}), 0},
		{"world-unneeded-port", High, plan1("g", []Rule{rule(t, "tcp", "8443", "0.0.0.0/0", "x")}, nil), 0},
		{"ipv4-ipv6-mismatch", Medium, plan1("g", []Rule{rule(t, "tcp", "22", "203.0.113.0/24", "x"), rule(t, "tcp", "22", "::/0", "x")}, nil), 1},
		{"ipv4-ipv6-mismatch", Medium, plan1("g", []Rule{rule(t, "tcp", "443", "2001:db8::/32", "x"), rule(t, "tcp", "443", "0.0.0.0/0", "x")}, nil), 1},
		{"wide-port-range", Low, plan1("g", []Rule{rule(t, "tcp", "1024-9999", "10.0.0.0/8", "x")}, nil), 0},
		{"wide-port-range", Medium, plan1("g", []Rule{rule(t, "udp", "10000-20000", "0.0.0.0/0", "x")}, nil), 0},
		{"wide-public-cidr", Low, plan1("g", []Rule{rule(t, "tcp", "443", "8.8.0.0/16", "x")}, nil), 0},
		{"duplicate-rule", Low, plan1("g", []Rule{rule(t, "tcp", "443", "10.0.0.0/8", "a"), rule(t, "tcp", "443", "10.0.0.0/8", "b")}, nil), 1},
		{"overlapping-rule", Info, plan1("g", []Rule{rule(t, "tcp", "443", "10.0.0.0/8", "a"), rule(t, "tcp", "400-500", "10.0.0.0/8", "b")}, nil), 0},
		{"missing-description", Low, plan1("g", []Rule{rule(t, "tcp", "443", "10.0.0.0/8", "")}, nil), 0},
		{"egress-open", Info, Plan{UseCase: "web", Groups: []Group{{Name: "g", Description: "d", Egress: DefaultEgress()}}}, 0},
		{"quota-near", Medium, plan1("g", many(51, false), nil), -1},
		{"world-protocol", Low, plan1("g", []Rule{rule(t, "50", "", "0.0.0.0/0", "IPsec ESP")}, nil), 0},
		{"quota-exceeded", High, plan1("g", many(61, true), nil), -1},
		{"default-group-rules", High, func() Plan {
			p := plan1("default", []Rule{rule(t, "tcp", "443", "10.0.0.0/8", "x")}, nil)
			p.Groups[0].ID = "sg-0123456789abcdef0"
			return p
		}(), -1},
		{"launch-wizard-name", Medium, plan1("launch-wizard-3", nil, nil), -1},
		{"public-all-ports", High, plan1("g", []Rule{rule(t, "tcp", "443", "10.0.0.0/8", "x"), rule(t, "all", "", "9.9.9.9/32", "x")}, nil), 1},
		{"egress-not-accepted", High, threeTier(t, func(p *Plan) { p.Groups[1].Ingress[0].Ports = Port(3000) }), 0},
		{"ingress-not-sent", High, threeTier(t, func(p *Plan) { p.Groups[0].Egress = []Rule{rule(t, "tcp", "443", "0.0.0.0/0", "x")} }), 0},
		{"tier-unreachable", High, threeTier(t, func(p *Plan) { p.Groups[2].Ingress[0].Peer = CIDR(office[0]) }), -1},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			covered[tt.id] = true
			if err := tt.plan.Validate(); err != nil {
				t.Fatalf("test plan is invalid: %v", err)
			}
			var got *Finding
			for _, f := range tt.plan.Check() {
				if f.ID == tt.id {
					got = &f
					break
				}
			}
			if got == nil {
				t.Fatalf("no %s finding in %v", tt.id, tt.plan.Check())
			}
			if got.Severity != tt.severity || got.Index != tt.index {
				t.Errorf("%s: severity %s at rule %d, want %s at %d", tt.id, got.Severity, got.Index, tt.severity, tt.index)
			}
			if got.Why == "" || got.Fix == "" || !strings.HasSuffix(got.Why, ".") {
				t.Errorf("%s needs a sentence of why and a fix: %q / %q", tt.id, got.Why, got.Fix)
			}
		})
	}
	for _, c := range Checks {
		if !covered[c.ID] && !strings.HasSuffix(c.Title, "(audit)") { // TestAuditFindsExactly has those
			t.Errorf("check %s has no test case", c.ID)
		}
	}
}

func TestQuotaCountsIPv4AndIPv6Apart(t *testing.T) {
	var rules []Rule
	for i := range 40 {
		rules = append(rules, rule(t, "tcp", fmt.Sprint(1000+i), "10.0.0.0/8", "v4"), rule(t, "tcp", fmt.Sprint(1000+i), "2001:db8::/32", "v6"))
	}
	for _, f := range plan1("g", rules, nil).Check() {
		if strings.HasPrefix(f.ID, "quota") {
			t.Errorf("40 IPv4 + 40 IPv6 rules are within the quota, got %s", f.ID)
		}
	}
	v4, v6 := QuotaCount(append(rules, Rule{Protocol: TCP, Ports: Port(1), Peer: GroupRef("g")}))
	if v4 != 41 || v6 != 41 {
		t.Errorf("a group reference counts for both: %d %d", v4, v6)
	}
}

func TestFindingsAreMostSeriousFirst(t *testing.T) {
	p := plan1("launch-wizard-1", []Rule{rule(t, "tcp", "443", "10.0.0.0/8", ""), rule(t, "all", "", "0.0.0.0/0", "x")}, nil)
	fs := p.Check()
	for i := 1; i < len(fs); i++ {
		if fs[i].Severity > fs[i-1].Severity {
			t.Fatalf("finding %d (%s) is more serious than %d (%s)", i, fs[i].Severity, i-1, fs[i-1].Severity)
		}
	}
	if fs[0].ID != "world-all-traffic" {
		t.Errorf("first finding = %s", fs[0].ID)
	}
}

// threeTier is the three-tier preset, changed by edit.
func threeTier(t *testing.T, edit func(*Plan)) Plan {
	p := mustBuild(t, "three-tier", Inputs{})
	edit(&p)
	return p
}

// TestLinkedTiersMatchForEveryChoice: whatever engine, app port and egress
// policy, the tiers of alb and three-tier can talk to each other, also
// after the engine and the port change in the draft.
func TestLinkedTiersMatchForEveryChoice(t *testing.T) {
	for _, id := range []string{"alb", "three-tier"} {
		u, _ := LookupUseCase(id)
		for _, e := range u.Egresses {
			for _, eng := range Engines {
				d, err := u.Draft(Inputs{Egress: e, AppPort: 3000})
				if err != nil {
					t.Fatal(err)
				}
				if u.AsksEngine {
					if err := d.SetEngine(eng); err != nil {
						t.Fatal(err)
					}
				}
				if err := d.SetAppPort(9000); err != nil {
					t.Fatal(err)
				}
				p, err := d.Plan()
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range p.Check() {
					if f.Severity >= High {
						t.Errorf("%s, %s egress, %s, port 9000: %s %s", id, e, eng, f.ID, f.Why)
					}
				}
				want, _ := u.Build(Inputs{Egress: e, Engine: map[bool]string{true: eng}[u.AsksEngine], AppPort: 9000})
				if !samePlan(p, want) {
					t.Errorf("%s: changing engine and port in the draft differs from choosing them first", id)
				}
			}
		}
	}
}

// TestPrefixListsCountTheirSize: a prefix list counts in the quota as AWS
// counts it once its size is known: CloudFront's origin-facing list is 55
// rules of IPv4, and with four more rules the group nears the quota.
func TestPrefixListsCountTheirSize(t *testing.T) {
	p := plan1("alb", []Rule{rule(t, "tcp", "443", "pl-0123456789abcdef0", "from CloudFront")}, nil)
	if v4, v6 := p.QuotaCount(p.Groups[0].Ingress); v4 != 1 || v6 != 1 {
		t.Errorf("unknown size: %d/%d, want 1/1", v4, v6)
	}
	p.PrefixLists = map[string]PrefixListSize{"pl-0123456789abcdef0": {Weight: 55}}
	if v4, v6 := p.QuotaCount(p.Groups[0].Ingress); v4 != 55 || v6 != 0 {
		t.Errorf("CloudFront's list: %d/%d, want 55/0", v4, v6)
	}
	found := false
	for _, f := range p.Check() {
		found = found || f.ID == "quota-near"
	}
	if !found {
		t.Error("55 of 60 rules is near the quota")
	}
}
