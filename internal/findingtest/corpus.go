// Package findingtest is a corpus of small plans, each with the findings
// every path must give for it: lint on the plan, and audit on the same
// groups applied to an account. Each expected control was read in that
// control's own definition (model.Controls cites them).
package findingtest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sgwiz/sgwiz/model"
)

// Case is one plan and its findings.
type Case struct {
	Name string
	// Groups are the plan's groups, in the plan file's YAML.
	Groups string
	// Want are the findings, "id severity group where [controls]", where
	// is "in N", "out N" or "-" for the group, controls short names (see
	// Short) separated by spaces.
	Want []string
	// Why are words each finding's why must hold, by finding id (the
	// reasons sgwiz rates below a control it names).
	Why map[string]string
	// PlanOnly says why an account cannot show the case (roles are the
	// plan's: AWS holds none); empty: audit gives the same findings.
	PlanOnly string
}

// Short names the controls in Want.
var Short = map[string]string{
	"EC2.2": "SecurityHub EC2.2", "EC2.13": "SecurityHub EC2.13", "EC2.14": "SecurityHub EC2.14",
	"EC2.18": "SecurityHub EC2.18", "EC2.19": "SecurityHub EC2.19", "EC2.53": "SecurityHub EC2.53", "EC2.54": "SecurityHub EC2.54",
	"CIS5.2": "CIS AWS 3.0 5.2", "CIS5.3": "CIS AWS 3.0 5.3", "CIS5.4": "CIS AWS 3.0 5.4",
	"CKV23": "checkov CKV_AWS_23", "CKV24": "checkov CKV_AWS_24", "CKV25": "checkov CKV_AWS_25", "CKV277": "checkov CKV_AWS_277", "CKV382": "checkov CKV_AWS_382",
	"0104": "trivy AVD-AWS-0104", "0107": "trivy AVD-AWS-0107", "0124": "trivy AVD-AWS-0124", "0173": "trivy AVD-AWS-0173",
	"KICS":     "KICS 4728cd65",
	"p:all":    "prowler ec2_securitygroup_allow_ingress_from_internet_to_all_ports",
	"p:port":   "prowler ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_*",
	"p:risk":   "prowler ec2_securitygroup_allow_ingress_from_internet_to_high_risk_tcp_ports",
	"p:wide":   "prowler ec2_securitygroup_allow_wide_open_public_ipv4",
	"p:wizard": "prowler ec2_securitygroup_from_launch_wizard",
	"p:many":   "prowler ec2_securitygroup_with_many_ingress_egress_rules",
}

// Plan is the case's plan file.
func (c Case) Plan() []byte {
	return []byte("version: 1\nuse_case: custom\ngroups:\n" + c.Groups)
}

// Line is how a finding reads in Want: peers that name a group by id are
// given by the group's name (ids maps id to name), so a plan and the
// account it was applied to read alike.
func Line(f model.Finding) string {
	where := "-"
	if f.Index >= 0 {
		where = fmt.Sprintf("%s %d", map[model.Direction]string{model.Ingress: "in", model.Egress: "out"}[f.Direction], f.Index+1)
	}
	short := make([]string, 0, len(f.Controls))
	for _, c := range f.Controls {
		name := c
		for k, v := range Short {
			if v == c {
				name = k
			}
		}
		short = append(short, name)
	}
	slices.Sort(short)
	return fmt.Sprintf("%s %s %s %s [%s]", f.ID, f.Severity, f.Group, where, strings.Join(short, " "))
}

// Check compares findings with the case's: the same lines, and the why
// of each holding the case's words.
func Check(t testing.TB, c Case, fs []model.Finding) {
	t.Helper()
	var got, want []string
	for _, f := range fs {
		got = append(got, Line(f))
		if w, ok := c.Why[f.ID]; ok && !strings.Contains(f.Why, w) {
			t.Errorf("%s: why should say %q: %s", f.ID, w, f.Why)
		}
	}
	for _, w := range c.Want {
		want = append(want, Normal(w))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n got %q\nwant %q", got, want)
	}
}

// Normal sorts a Want list's controls, as Line writes them.
func Normal(want string) string {
	open := strings.Index(want, "[")
	if open < 0 {
		return want
	}
	cs := strings.Fields(strings.Trim(want[open:], "[]"))
	slices.Sort(cs)
	return want[:open] + "[" + strings.Join(cs, " ") + "]"
}

// in is an inbound rule of the YAML.
func in(proto, ports, from, desc string) string {
	s := "      - protocol: " + proto + "\n"
	if ports != "" {
		s += "        ports: \"" + ports + "\"\n"
	}
	return s + "        from: " + from + "\n        description: " + desc + "\n"
}

func out(proto, ports, to, desc string) string {
	s := "      - protocol: " + proto + "\n"
	if ports != "" {
		s += "        ports: \"" + ports + "\"\n"
	}
	return s + "        to: " + to + "\n        description: " + desc + "\n"
}

// group is a group of the YAML with its inbound and outbound rules (none
// outbound unless given).
func group(name, role string, ingress, egress []string) string {
	s := "  - name: " + name + "\n    description: corpus group " + name + "\n"
	if role != "" {
		s += "    role: " + role + "\n"
	}
	s += "    ingress:"
	if len(ingress) == 0 {
		s += " []\n"
	} else {
		s += "\n" + strings.Join(ingress, "")
	}
	s += "    egress:"
	if len(egress) == 0 {
		s += " []\n"
	} else {
		s += "\n" + strings.Join(egress, "")
	}
	return s
}

func one(ingress ...string) string { return group("g", "", ingress, nil) }

// sshControls are the controls of TCP 22 from 0.0.0.0/0 or ::/0.
const (
	ssh4 = "EC2.19 EC2.13 EC2.53 CIS5.2 EC2.18 CKV24 0107 KICS p:port"
	ssh6 = "EC2.19 EC2.13 EC2.54 CIS5.3 EC2.18 CKV24 0107 KICS p:port"
)

// Corpus is every case.
var Corpus = []Case{
	// The world, written as such.
	{Name: "ssh from 0.0.0.0/0", Groups: one(in("tcp", "22", "0.0.0.0/0", "ssh")),
		Want: []string{"world-admin-port critical g in 1 [" + ssh4 + "]"}},
	{Name: "ssh from ::/0", Groups: one(in("tcp", "22", "::/0", "ssh")),
		Want: []string{"world-admin-port critical g in 1 [" + ssh6 + "]"}},
	{Name: "rdp from 0.0.0.0/0", Groups: one(in("tcp", "3389", "0.0.0.0/0", "rdp")),
		Want: []string{"world-admin-port critical g in 1 [EC2.19 EC2.14 EC2.53 CIS5.2 EC2.18 CKV25 0107 KICS p:port]"}},
	{Name: "all traffic from 0.0.0.0/0", Groups: one(in("all", "", "0.0.0.0/0", "everything")),
		Want: []string{"world-all-traffic critical g in 1 [EC2.19 EC2.18 EC2.13 EC2.14 EC2.53 CIS5.2 CKV24 CKV25 CKV277 0107 KICS p:all]"}},
	{Name: "every tcp port from ::/0", Groups: one(in("tcp", "0-65535", "::/0", "every port")),
		Want: []string{"world-all-traffic critical g in 1 [EC2.19 EC2.18 EC2.13 EC2.14 EC2.54 CIS5.3 CKV24 CKV25 0107 KICS p:all]"}},
	{Name: "every udp port from 0.0.0.0/0", Groups: one(in("udp", "0-65535", "0.0.0.0/0", "every port")),
		Want: []string{"world-all-traffic critical g in 1 [EC2.18 EC2.53 CIS5.2 CKV24 CKV25 0107 KICS p:all]"}},

	// The world in pieces: no control looks past 0.0.0.0/0 and ::/0, so
	// none is named, but the finding is rated as if it were.
	{Name: "ssh from the two halves of IPv4", Groups: one(in("tcp", "22", "0.0.0.0/1", "lower half"), in("tcp", "22", "128.0.0.0/1", "upper half")),
		Want: []string{"world-admin-port critical g in 1 []", "wide-public-cidr low g in 2 [p:wide]"}},
	{Name: "mysql from three quarters of IPv4", Groups: one(in("tcp", "3306", "64.0.0.0/2", "q2"), in("tcp", "3306", "128.0.0.0/2", "q3"), in("tcp", "3306", "192.0.0.0/2", "q4")),
		Want: []string{"world-database-port critical g in 1 []", "world-database-port critical g in 2 []", "world-database-port critical g in 3 []"}},
	{Name: "all traffic from three quarters of IPv4", Groups: one(in("all", "", "0.0.0.0/2", "q1"), in("all", "", "64.0.0.0/2", "q2"), in("all", "", "128.0.0.0/2", "q3")),
		Want: []string{"world-all-traffic critical g in 1 []", "world-all-traffic critical g in 2 []", "world-all-traffic critical g in 3 []"}},
	{Name: "ssh from ::/1 (all of 2000::/3)", Groups: one(in("tcp", "22", "::/1", "half of IPv6")),
		Want: []string{"world-admin-port critical g in 1 []"}},
	{Name: "ssh from three /5s of IPv6", Groups: one(in("tcp", "22", "2000::/5", "a"), in("tcp", "22", "2800::/5", "b"), in("tcp", "22", "3000::/5", "c")),
		Want: []string{"world-admin-port critical g in 1 []", "world-admin-port critical g in 2 []", "world-admin-port critical g in 3 []"}},
	{Name: "all traffic from a half and tcp 22 from the other half", Groups: one(in("all", "", "128.0.0.0/1", "upper half"), in("tcp", "22", "64.0.0.0/2", "q2"), in("tcp", "22", "0.0.0.0/2", "q1")),
		Want: []string{"world-admin-port critical g in 1 []", "world-admin-port critical g in 2 []", "world-admin-port critical g in 3 []",
			"public-all-ports high g in 1 []", "wide-public-cidr low g in 1 [p:wide]"}},
	{Name: "a /32 inside a world of /2s adds nothing", Groups: one(in("tcp", "443", "8.8.8.8/32", "one host"), in("tcp", "3306", "0.0.0.0/2", "q1"), in("tcp", "3306", "64.0.0.0/2", "q2"), in("tcp", "3306", "128.0.0.0/2", "q3"), in("tcp", "3306", "8.8.4.4/32", "inside q1")),
		Want: []string{"world-database-port critical g in 2 []", "world-database-port critical g in 3 []", "world-database-port critical g in 4 []"}},

	// Which addresses are public.
	{Name: "all traffic from ranges that hold no public address", Groups: one(
		in("all", "", "10.0.0.0/8", "private"), in("all", "", "169.254.0.0/16", "link local"), in("all", "", "0.0.0.0/8", "this network"),
		in("all", "", "198.51.100.0/24", "documentation"), in("all", "", "fd00::/8", "unique local"), in("all", "", "fe80::/10", "link local v6"),
		in("all", "", "2001:db8::/32", "documentation v6"), in("all", "", "fc00::/7", "unique local all")),
		Want: nil},
	{Name: "all traffic from a public /28", Groups: one(in("all", "", "9.9.9.0/28", "partner")),
		Want: []string{"public-all-ports high g in 1 []"}},
	{Name: "a public /16", Groups: one(in("tcp", "443", "8.8.0.0/16", "partner")),
		Want: []string{"wide-public-cidr low g in 1 [p:wide]"}, Why: map[string]string{"wide-public-cidr": "prowler rates"}},
	{Name: "a /11 half private", Groups: one(in("tcp", "443", "172.0.0.0/11", "mixed")),
		Want: []string{"wide-public-cidr low g in 1 [p:wide]"}, Why: map[string]string{"wide-public-cidr": "prowler rates"}},
	{Name: "ssh from 3000::/4, just under half of IPv6", Groups: one(in("tcp", "22", "3000::/4", "not quite half")),
		Want: []string{"wide-public-cidr low g in 1 []"}},
	{Name: "a public /47 and a /48 of IPv6", Groups: one(in("tcp", "443", "2a00:1450::/47", "two sites"), in("tcp", "443", "2a00:1460::/48", "one site")),
		Want: []string{"wide-public-cidr low g in 1 []"}},

	// Protocols that are not all traffic.
	{Name: "esp from 0.0.0.0/0", Groups: one(in("50", "", "0.0.0.0/0", "IPsec ESP")),
		Want: []string{"world-protocol low g in 1 [KICS]"}, Why: map[string]string{"world-protocol": "KICS rates"}},
	{Name: "gre from ::/0", Groups: one(in("47", "", "::/0", "GRE")),
		Want: []string{"world-protocol low g in 1 [KICS]"}, Why: map[string]string{"world-protocol": "KICS rates"}},

	// Ports, rated at the strictest control.
	{Name: "smb 445", Groups: one(in("tcp", "445", "0.0.0.0/0", "smb")),
		Want: []string{"world-high-risk-port critical g in 1 [EC2.19 EC2.18 KICS p:risk]"}},
	{Name: "ms rpc 135", Groups: one(in("tcp", "135", "0.0.0.0/0", "rpc")),
		Want: []string{"world-high-risk-port critical g in 1 [EC2.19 EC2.18 KICS p:risk]"}},
	{Name: "jupyter 8888", Groups: one(in("tcp", "8888", "0.0.0.0/0", "jupyter")),
		Want: []string{"world-high-risk-port critical g in 1 [EC2.19 EC2.18 KICS p:port]"}},
	{Name: "netbios udp 137-138", Groups: one(in("udp", "137-138", "0.0.0.0/0", "netbios")),
		Want: []string{"world-unneeded-port high g in 1 [EC2.18 KICS]"}},
	{Name: "snmp udp 161", Groups: one(in("udp", "161", "::/0", "snmp")),
		Want: []string{"world-unneeded-port high g in 1 [EC2.18 KICS]"}},
	{Name: "docker api 2375-2376", Groups: one(in("tcp", "2375-2376", "0.0.0.0/0", "docker")),
		Want: []string{"world-unneeded-port high g in 1 [EC2.18 KICS]"}},
	{Name: "kubelet 10250", Groups: one(in("tcp", "10250", "0.0.0.0/0", "kubelet")),
		Want: []string{"world-unneeded-port high g in 1 [EC2.18 KICS]"}},
	{Name: "saltstack 4505-4506", Groups: one(in("tcp", "4505-4506", "0.0.0.0/0", "salt")),
		Want: []string{"world-unneeded-port high g in 1 [EC2.18 KICS]"}},
	{Name: "telnet 23", Groups: one(in("tcp", "23", "0.0.0.0/0", "telnet")),
		Want: []string{"world-admin-port critical g in 1 [EC2.19 EC2.18 KICS p:port]"}},
	{Name: "ftp 20-21", Groups: one(in("tcp", "20-21", "0.0.0.0/0", "ftp")),
		Want: []string{"world-admin-port critical g in 1 [EC2.19 EC2.18 KICS p:port]"}},
	{Name: "winrm 5985", Groups: one(in("tcp", "5985", "0.0.0.0/0", "winrm")),
		Want: []string{"world-admin-port high g in 1 [EC2.18 KICS]"}},
	{Name: "vnc 5900", Groups: one(in("tcp", "5900", "::/0", "vnc")),
		Want: []string{"world-admin-port high g in 1 [EC2.18 KICS]"}},
	{Name: "kubernetes api 6443", Groups: one(in("tcp", "6443", "0.0.0.0/0", "k8s")),
		Want: []string{"world-admin-port high g in 1 [EC2.18 KICS]"}},
	{Name: "redis 6379", Groups: one(in("tcp", "6379", "0.0.0.0/0", "redis")),
		Want: []string{"world-database-port high g in 1 [EC2.18 KICS p:port]"}},
	{Name: "mongodb 27017-27019", Groups: one(in("tcp", "27017-27019", "::/0", "mongo")),
		Want: []string{"world-database-port high g in 1 [EC2.18 KICS p:port]"}},
	{Name: "mssql analytics 2383 and broker 4022", Groups: one(in("tcp", "2383", "0.0.0.0/0", "ssas"), in("tcp", "4022", "0.0.0.0/0", "broker")),
		Want: []string{"world-database-port high g in 1 [EC2.18 KICS]", "world-database-port high g in 2 [EC2.18 KICS]"}},
	{Name: "https is what the internet may reach", Groups: one(in("tcp", "443", "0.0.0.0/0", "https"), in("tcp", "80", "::/0", "http")),
		Want: nil},

	// Outbound.
	{Name: "all traffic out, as AWS makes it", Groups: group("g", "", nil, []string{out("all", "", "0.0.0.0/0", "all out"), out("all", "", "::/0", "all out v6")}),
		Want: []string{"egress-open info g out 1 [CKV382 0104]", "egress-open info g out 2 [CKV382 0104]"},
		Why:  map[string]string{"egress-open": "trivy AVD-AWS-0104 rates"}},
	{Name: "https out to everyone", Groups: group("g", "", nil, []string{out("tcp", "443", "0.0.0.0/0", "updates")}),
		Want: nil},

	// Both families.
	{Name: "ssh restricted on IPv4, open on IPv6", Groups: one(in("tcp", "22", "9.9.9.0/28", "office"), in("tcp", "22", "::/0", "anyone v6")),
		Want: []string{"ipv4-ipv6-mismatch medium g in 2 []", "world-admin-port critical g in 2 [" + ssh6 + "]"}},

	// Names.
	{Name: "a launch wizard group", Groups: group("launch-wizard-1", "", []string{in("tcp", "443", "10.0.0.0/8", "https")}, nil),
		Want: []string{"launch-wizard-name medium launch-wizard-1 - [p:wizard]"}},

	// Links between groups.
	{Name: "inbound from a group that cannot send it", Groups: group("app", "", nil, []string{out("tcp", "443", "0.0.0.0/0", "updates")}) +
		group("db", "", []string{in("tcp", "5432", "group:app", "from app")}, nil),
		Want: []string{"ingress-not-sent high db in 1 []"}},
	{Name: "outbound to a group that does not accept it", Groups: group("app", "", nil, []string{out("tcp", "5432", "group:db", "to db")}) +
		group("db", "", []string{in("tcp", "3306", "group:app", "from app")}, nil),
		Want: []string{"egress-not-accepted high app out 1 []", "ingress-not-sent high db in 1 []"}},
	// The first load balancer and the first app are not a pair: the
	// plan's references say which tiers are.
	{Name: "two unrelated pairs of tiers", Groups: group("lb1", "load-balancer", []string{in("tcp", "443", "10.0.0.0/8", "https")}, []string{out("tcp", "8080", "group:app1", "to app1")}) +
		group("lb2", "load-balancer", []string{in("tcp", "443", "10.0.0.0/8", "https")}, []string{out("tcp", "8080", "group:app2", "to app2")}) +
		group("app2", "app", []string{in("tcp", "8080", "group:lb2", "from lb2")}, nil) +
		group("app1", "app", []string{in("tcp", "8080", "group:lb1", "from lb1")}, nil),
		Want: nil},
	{Name: "a tier that accepts nothing from the one before", PlanOnly: "tiers are the plan's roles, which AWS does not hold", Groups: group("lb", "load-balancer", []string{in("tcp", "443", "10.0.0.0/8", "https")}, []string{out("tcp", "8080", "10.0.0.0/8", "to the vpc")}) +
		group("app", "app", []string{in("tcp", "8080", "10.0.0.0/8", "from the vpc")}, nil),
		Want: []string{"tier-unreachable high app - []"}},
}
