package model

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

// scopes restate each control's definition as this test reads it from the
// control's own source (the sources are cited in controls.go): whether the
// control fails a rule of a group. "group" controls judge a whole group
// and are named whenever their check fires.
var scopes = map[string]func(d Direction, r Rule) bool{
	"SecurityHub EC2.13": func(d Direction, r Rule) bool { return in0(d, r, true, true) && tcpPort(r, 22) },
	"SecurityHub EC2.14": func(d Direction, r Rule) bool { return in0(d, r, true, true) && tcpPort(r, 3389) },
	"SecurityHub EC2.18": func(d Direction, r Rule) bool {
		// authorizedTcpPorts 80 and 443; no UDP port is authorised.
		switch {
		case !in0(d, r, true, true):
			return false
		case r.Protocol == AllProtocols || r.Protocol == UDP:
			return true
		case r.Protocol == TCP:
			return r.Ports.From() != r.Ports.To() || (r.Ports.From() != 80 && r.Ports.From() != 443) || r.Ports.Count() > 2
		}
		return false
	},
	"SecurityHub EC2.19": func(d Direction, r Rule) bool {
		for _, p := range []int{20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300} {
			if in0(d, r, true, true) && tcpPort(r, p) {
				return true
			}
		}
		return false
	},
	"SecurityHub EC2.53": func(d Direction, r Rule) bool {
		return in0(d, r, true, false) && (tcpUDPPort(r, 22) || tcpUDPPort(r, 3389))
	},
	"SecurityHub EC2.54": func(d Direction, r Rule) bool {
		return in0(d, r, false, true) && (tcpUDPPort(r, 22) || tcpUDPPort(r, 3389))
	},
	"CIS AWS 3.0 5.2": func(d Direction, r Rule) bool {
		return in0(d, r, true, false) && (tcpUDPPort(r, 22) || tcpUDPPort(r, 3389))
	},
	"CIS AWS 3.0 5.3": func(d Direction, r Rule) bool {
		return in0(d, r, false, true) && (tcpUDPPort(r, 22) || tcpUDPPort(r, 3389))
	},
	"checkov CKV_AWS_24": func(d Direction, r Rule) bool { return in0(d, r, true, true) && tcpUDPPort(r, 22) },
	"checkov CKV_AWS_25": func(d Direction, r Rule) bool { return in0(d, r, true, true) && tcpUDPPort(r, 3389) },
	"checkov CKV_AWS_277": func(d Direction, r Rule) bool {
		return in0(d, r, true, true) && r.Protocol == AllProtocols
	},
	"checkov CKV_AWS_382": func(d Direction, r Rule) bool {
		return d == Egress && r.Peer.IsWorld() && r.Protocol == AllProtocols
	},
	"checkov CKV_AWS_23": func(d Direction, r Rule) bool { return r.Description == "" },
	"trivy AVD-AWS-0107": func(d Direction, r Rule) bool {
		return in0(d, r, true, true) && (tcpUDPPort(r, 22) || tcpUDPPort(r, 3389))
	},
	"trivy AVD-AWS-0104": func(d Direction, r Rule) bool { return d == Egress && r.Peer.IsWorld() },
	"trivy AVD-AWS-0124": func(d Direction, r Rule) bool { return r.Description == "" },
	"KICS 4728cd65":      func(d Direction, r Rule) bool { return in0(d, r, true, true) },
	"prowler ec2_securitygroup_allow_ingress_from_internet_to_all_ports": func(d Direction, r Rule) bool {
		return in0(d, r, true, true) && (r.Protocol == AllProtocols || r.Protocol.HasPorts() && r.Ports.Count() == 65536)
	},
	"prowler ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_*": func(d Direction, r Rule) bool {
		for _, p := range []int{22, 3389, 20, 21, 23, 1433, 1434, 3306, 5432, 9200, 9300, 5601, 7199, 9160, 8888, 1521, 2483, 27017, 27018, 6379, 11211, 9092} {
			if in0(d, r, true, true) && tcpPort(r, p) {
				return true
			}
		}
		return false
	},
	"prowler ec2_securitygroup_allow_ingress_from_internet_to_high_risk_tcp_ports": func(d Direction, r Rule) bool {
		for _, p := range []int{25, 110, 135, 143, 445, 3000, 4333, 5000, 5500, 8080, 8088} {
			if in0(d, r, true, true) && tcpPort(r, p) {
				return true
			}
		}
		return false
	},
	// Python's ip_network(cidr).is_global and a prefix of 1 to 23: is_global
	// is false only when the first and last address lie in one of its
	// private networks (or 100.64.0.0/10).
	"prowler ec2_securitygroup_allow_wide_open_public_ipv4": func(d Direction, r Rule) bool {
		p := r.Peer.Prefix()
		if r.Peer.Kind() != PeerIPv4 || p.Bits() < 1 || p.Bits() > 23 {
			return false
		}
		for _, private := range []string{"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/29", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4"} {
			q := netip.MustParsePrefix(private)
			last := lastAddr(p)
			if q.Contains(p.Addr()) && q.Contains(last) {
				return false
			}
		}
		return true
	},
	"prowler ec2_securitygroup_with_many_ingress_egress_rules": nil,
	"prowler ec2_securitygroup_from_launch_wizard":             nil,
	"prowler ec2_securitygroup_default_restrict_traffic":       nil,
	"prowler ec2_securitygroup_not_used":                       nil,
	"trivy AVD-AWS-0173":                                       nil,
	"SecurityHub EC2.2":                                        nil,
	"CIS AWS 3.0 5.4":                                          nil,
	"SecurityHub EC2.22":                                       nil,
	"SecurityHub EC2.43":                                       nil,
}

func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	host := 32 - p.Bits()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]) | (1<<host - 1)
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// in0: ingress from the literal 0.0.0.0/0 (v4) or ::/0 (v6).
func in0(d Direction, r Rule, v4, v6 bool) bool {
	if d != Ingress || !r.Peer.IsWorld() {
		return false
	}
	return map[PeerKind]bool{PeerIPv4: v4, PeerIPv6: v6}[r.Peer.Kind()]
}

func tcpPort(r Rule, p int) bool {
	return r.Protocol == AllProtocols || r.Protocol == TCP && r.Ports.ContainsPort(p)
}

func tcpUDPPort(r Rule, p int) bool {
	return r.Protocol == AllProtocols || r.Protocol.HasPorts() && r.Ports.ContainsPort(p)
}

// TestEveryControlHasAScope: the test's table and the controls sgwiz
// names are the same set, and every check names only known controls.
func TestEveryControlHasAScope(t *testing.T) {
	for _, c := range Controls {
		if _, ok := scopes[c.ID]; !ok {
			t.Errorf("control %s has no scope in the test", c.ID)
		}
		if (scopes[c.ID] == nil) != (c.fires == nil) {
			t.Errorf("control %s: the test and sgwiz disagree on whether it judges a rule or a group", c.ID)
		}
		if c.What == "" || !strings.HasPrefix(c.Source, "https://") {
			t.Errorf("control %s needs what it checks and its source", c.ID)
		}
	}
	if len(scopes) != len(Controls) {
		t.Errorf("%d scopes for %d controls", len(scopes), len(Controls))
	}
	for _, c := range Checks {
		for _, id := range c.Controls {
			if _, ok := controlByID[id]; !ok {
				t.Errorf("check %s names unknown control %q", c.ID, id)
			}
		}
	}
}

// walkRules are rules of every shape the controls tell apart.
func walkRules(t *testing.T) []Rule {
	var rules []Rule
	peers := []string{"0.0.0.0/0", "::/0", "0.0.0.0/1", "128.0.0.0/1", "8.8.0.0/16", "9.9.9.0/28", "10.0.0.0/8", "fd00::/8", "2000::/4"}
	shapes := [][2]string{{"all", ""}, {"tcp", "22"}, {"tcp", "3389"}, {"udp", "22"}, {"udp", "3389"}, {"tcp", "20-23"}, {"tcp", "0-65535"},
		{"udp", "0-65535"}, {"tcp", "80"}, {"tcp", "443"}, {"tcp", "8888"}, {"tcp", "445"}, {"tcp", "6379"}, {"tcp", "5985"}, {"udp", "137-138"},
		{"tcp", "8000-9000"}, {"tcp", "1024-65535"}, {"udp", "161"}, {"50", ""}, {"icmp", "8/0"}, {"icmpv6", "all"}, {"tcp", "2383"}, {"tcp", "27017-27019"}}
	for _, peer := range peers {
		for _, s := range shapes {
			for _, desc := range []string{"x", ""} {
				r, err := NewRule(s[0], s[1], peer, desc)
				if err != nil {
					continue // ICMP of the other family
				}
				rules = append(rules, r)
			}
		}
	}
	return rules
}

// TestControlsFireOnTheirRules walks every rule of walkRules, in and out,
// alone in a group: each control a finding names fails that rule in the
// control's definition (scopes), each control of a check that fired and
// that fails the rule is named, a finding is rated at least as the
// strictest control it names or says why not, and every (check, control)
// pair is seen.
func TestControlsFireOnTheirRules(t *testing.T) {
	seen := map[[2]string]bool{}
	for _, r := range walkRules(t) {
		for _, d := range []Direction{Ingress, Egress} {
			g := Group{Name: "g", Description: "walk"}
			if d == Ingress {
				g.Ingress = []Rule{r}
			} else {
				g.Egress = []Rule{r}
			}
			p := Plan{UseCase: "custom", Groups: []Group{g}}
			where := fmt.Sprintf("%s %s", d, r.Text(d))
			printed, mapped := map[string]bool{}, map[string]bool{}
			for _, f := range p.Check() {
				if f.Index != 0 {
					continue
				}
				for _, id := range checkByID[f.ID].Controls {
					mapped[id] = true
				}
				for _, id := range f.Controls {
					printed[id] = true
					seen[[2]string{f.ID, id}] = true
					if fires := scopes[id]; fires != nil && !fires(d, r) {
						t.Errorf("%s: %s names %s, which does not fail it", where, f.ID, id)
					}
					if c := controlByID[id]; c.Rated && c.Severity > f.Severity {
						token := id[strings.LastIndex(id, " ")+1:]
						if tool := strings.Fields(id)[0]; tool == "prowler" || tool == "KICS" {
							token = tool
						}
						if !strings.Contains(f.Why, token) {
							t.Errorf("%s: %s is %s but names %s (%s) without saying why it differs: %s", where, f.ID, f.Severity, id, c.Severity, f.Why)
						}
					}
				}
			}
			for id := range mapped {
				if fires := scopes[id]; fires != nil && fires(d, r) && !printed[id] {
					t.Errorf("%s: fails %s, which none of its findings names", where, id)
				}
			}
		}
	}
	for _, c := range Checks {
		for _, id := range c.Controls {
			if scopes[id] != nil && !seen[[2]string{c.ID, id}] && !slices.Contains(walkUnseen, c.ID+" "+id) {
				t.Errorf("no rule of the walk shows %s naming %s", c.ID, id)
			}
		}
	}
}

// walkUnseen are pairs the walk of one-rule groups cannot show.
var walkUnseen = []string{}
