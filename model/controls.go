package model

import (
	"net/netip"
	"slices"
)

// The controls of other tools that sgwiz names beside its findings.
//
// A finding names a control only when that control, by its own
// definition, fails the rule the finding is on: most look for the
// literal 0.0.0.0/0 or ::/0 and some for particular ports or protocols,
// so a rule that sgwiz judges the world in pieces (0.0.0.0/1 and
// 128.0.0.0/1) names none of them, and sgwiz is stricter there. A
// finding is rated at least as seriously as the strictest control that
// would fail the rule written to the world, or says in its text why not.

// Control is another tool's check, with the scope of its definition.
type Control struct {
	// ID is how sgwiz prints it: "SecurityHub EC2.19".
	ID string
	// Severity is the tool's own rating; Rated is false for a tool that
	// rates none (checkov's open-source checks).
	Severity Severity
	Rated    bool
	// What says what the control fails, for the README.
	What string
	// Source is where the definition was read.
	Source string
	// Stricter says where sgwiz's checks go past the control, for the
	// README; empty: they do not.
	Stricter string
	// fires reports whether the control fails the subject; nil for a
	// control on a whole group, which fails whenever its check does.
	fires func(s subject) bool
}

// subject is what a finding is about, as a control sees it.
type subject struct {
	d Direction
	// r is the rule as written: its peer, protocol and ports.
	r Rule
	// ports are the TCP and UDP ports the finding names (nil: all of
	// the rule's).
	ports []int
	// authorized are EC2.18's authorised TCP ports.
	authorized []int
}

// reaches reports whether the subject's rule opens port over one of the
// protocols (TCP, UDP; all traffic opens every port of both), among the
// ports the finding names.
func (s subject) reaches(port int, protocols ...Protocol) bool {
	if s.ports != nil && !slices.Contains(s.ports, port) {
		return false
	}
	r := s.r
	if r.Protocol == AllProtocols {
		return true
	}
	return slices.Contains(protocols, r.Protocol) && r.Ports.ContainsPort(port)
}

func (s subject) reachesAny(ports []int, protocols ...Protocol) bool {
	return slices.ContainsFunc(ports, func(p int) bool { return s.reaches(p, protocols...) })
}

// from0 reports whether the rule is ingress from the literal 0.0.0.0/0
// (v4), ::/0 (v6) or either.
func (s subject) from0(v4, v6 bool) bool {
	if s.d != Ingress || !s.r.Peer.IsWorld() {
		return false
	}
	if s.r.Peer.Kind() == PeerIPv4 {
		return v4
	}
	return v6
}

// ec2_19Ports is Security Hub EC2.19's list of high-risk ports
// (blockedPorts, not customisable).
var ec2_19Ports = []int{20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300}

// ec2_18Default are the TCP ports EC2.18 authorises by default.
var ec2_18Default = []int{80, 443}

const (
	shDoc      = "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html"
	configDoc  = "https://docs.aws.amazon.com/config/latest/developerguide/"
	trivyRego  = "https://github.com/aquasecurity/trivy-checks/blob/main/checks/cloud/aws/ec2/"
	checkovSrc = "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/"
	prowlerSrc = "https://github.com/prowler-cloud/prowler/tree/master/prowler/providers/aws/services/ec2/"
)

// stricterWorld is where sgwiz goes past the controls that look for the
// literal 0.0.0.0/0 or ::/0.
const stricterWorld = "also the world in pieces: half the public address space, summed over a group's rules (and an interface's groups in an audit)"

// Controls lists every control sgwiz names, with its scope.
var Controls = []Control{
	// EC2.13 (Config restricted-ssh): ingress from 0.0.0.0/0 or ::/0
	// whose TCP range holds 22, or all traffic. High.
	{ID: "SecurityHub EC2.13", Stricter: stricterWorld, Severity: High, Rated: true, Source: shDoc + "#ec2-13",
		What:  "TCP 22 (or all traffic) from 0.0.0.0/0 or ::/0",
		fires: func(s subject) bool { return s.from0(true, true) && s.reaches(22, TCP) }},
	// EC2.14 (Config restricted-common-ports, created as restricted-rdp):
	// the same for 3389. High.
	{ID: "SecurityHub EC2.14", Stricter: stricterWorld, Severity: High, Rated: true, Source: shDoc + "#ec2-14",
		What:  "TCP 3389 (or all traffic) from 0.0.0.0/0 or ::/0",
		fires: func(s subject) bool { return s.from0(true, true) && s.reaches(3389, TCP) }},
	// EC2.18 (Config vpc-sg-open-only-to-authorized-ports): ingress from
	// 0.0.0.0/0 or ::/0 on a TCP port not in authorizedTcpPorts (default
	// 80, 443) or any UDP port (authorizedUdpPorts has no default), or all
	// traffic. Rules of other protocols are not judged. High.
	{ID: "SecurityHub EC2.18", Stricter: stricterWorld, Severity: High, Rated: true, Source: shDoc + "#ec2-18",
		What: "a TCP port other than the authorised ones (80 and 443 by default), any UDP port, or all traffic, from 0.0.0.0/0 or ::/0",
		fires: func(s subject) bool {
			if !s.from0(true, true) {
				return false
			}
			switch r := s.r; {
			case r.Protocol == AllProtocols, r.Protocol == UDP:
				return true
			case r.Protocol == TCP:
				if s.ports != nil {
					return slices.ContainsFunc(s.ports, func(p int) bool { return !slices.Contains(s.authorized, p) })
				}
				for p := r.Ports.From(); p <= r.Ports.To(); p++ {
					if !slices.Contains(s.authorized, p) {
						return true
					}
				}
			}
			return false
		}},
	// EC2.19 (Config restricted-common-ports with blockedPorts): ingress
	// from 0.0.0.0/0 or ::/0 reaching a port of its list over TCP (or all
	// traffic). Critical.
	{ID: "SecurityHub EC2.19", Stricter: stricterWorld, Severity: Critical, Rated: true, Source: shDoc + "#ec2-19",
		What:  "TCP (or all traffic) to one of " + joinInts(ec2_19Ports) + " from 0.0.0.0/0 or ::/0",
		fires: func(s subject) bool { return s.from0(true, true) && s.reachesAny(ec2_19Ports, TCP) }},
	// EC2.53/EC2.54 (Config vpc-sg-port-restriction-check, restrictPorts
	// 22,3389, protocolType ALL, ipType IPv4/IPv6): TCP, UDP or all
	// traffic to 22 or 3389 from 0.0.0.0/0 (EC2.53) or ::/0 (EC2.54).
	// High. CIS AWS Foundations 3.0.0 5.2 and 5.3 are the same checks.
	{ID: "SecurityHub EC2.53", Stricter: stricterWorld, Severity: High, Rated: true, Source: shDoc + "#ec2-53",
		What:  "TCP or UDP 22 or 3389 (or all traffic) from 0.0.0.0/0",
		fires: func(s subject) bool { return s.from0(true, false) && s.reachesAny([]int{22, 3389}, TCP, UDP) }},
	{ID: "SecurityHub EC2.54", Stricter: stricterWorld, Severity: High, Rated: true, Source: shDoc + "#ec2-54",
		What:  "TCP or UDP 22 or 3389 (or all traffic) from ::/0",
		fires: func(s subject) bool { return s.from0(false, true) && s.reachesAny([]int{22, 3389}, TCP, UDP) }},
	{ID: "CIS AWS 3.0 5.2", Stricter: stricterWorld, Severity: High, Rated: true, Source: shDoc + "#ec2-53",
		What:  "as EC2.53: remote administration ports 22 and 3389 from 0.0.0.0/0",
		fires: func(s subject) bool { return s.from0(true, false) && s.reachesAny([]int{22, 3389}, TCP, UDP) }},
	{ID: "CIS AWS 3.0 5.3", Stricter: stricterWorld, Severity: High, Rated: true, Source: shDoc + "#ec2-54",
		What:  "as EC2.54: remote administration ports 22 and 3389 from ::/0",
		fires: func(s subject) bool { return s.from0(false, true) && s.reachesAny([]int{22, 3389}, TCP, UDP) }},
	// checkov AbsSecurityGroupUnrestrictedIngress: the rule's port range
	// holds the port (protocol not looked at; all traffic, 0/0, holds every
	// port) and its CIDR is 0.0.0.0/0 or ::/0. Checkov rates none; the
	// severities are Prisma Cloud's for the same policies.
	{ID: "checkov CKV_AWS_24", Stricter: stricterWorld, Severity: Low, Rated: true, Source: checkovSrc + "SecurityGroupUnrestrictedIngress22.py",
		What:  "a rule whose port range holds 22, from 0.0.0.0/0 or ::/0",
		fires: func(s subject) bool { return s.from0(true, true) && s.reaches(22, TCP, UDP) }},
	{ID: "checkov CKV_AWS_25", Stricter: stricterWorld, Severity: Low, Rated: true, Source: checkovSrc + "SecurityGroupUnrestrictedIngress3389.py",
		What:  "a rule whose port range holds 3389, from 0.0.0.0/0 or ::/0",
		fires: func(s subject) bool { return s.from0(true, true) && s.reaches(3389, TCP, UDP) }},
	// CKV_AWS_277 is the same check for "port -1": all traffic (ports
	// -1, or protocol -1), not TCP 0-65535.
	{ID: "checkov CKV_AWS_277", Stricter: stricterWorld, Severity: Medium, Rated: true, Source: checkovSrc + "SecurityGroupUnrestrictedIngressAll.py",
		What:  "all traffic (protocol -1) from 0.0.0.0/0 or ::/0",
		fires: func(s subject) bool { return s.from0(true, true) && s.r.Protocol == AllProtocols }},
	// CKV_AWS_382: egress of all traffic to 0.0.0.0/0 or ::/0.
	{ID: "checkov CKV_AWS_382", Source: checkovSrc + "SecurityGroupUnrestrictedEgressAny.py",
		What: "all traffic (protocol -1) out to 0.0.0.0/0 or ::/0",
		fires: func(s subject) bool {
			return s.d == Egress && s.r.Peer.IsWorld() && s.r.Protocol == AllProtocols
		}},
	// CKV_AWS_23: every rule has a description.
	{ID: "checkov CKV_AWS_23", Severity: Low, Rated: true, Source: checkovSrc + "SecurityGroupRuleDescription.py",
		What:  "a rule without a description",
		fires: func(s subject) bool { return s.r.Description == "" }},
	// trivy AWS-0107 (no_public_ingress_sgr.rego): ingress over TCP, UDP
	// or all traffic whose range holds 22 or 3389 (all traffic always),
	// from 0.0.0.0/0 or ::/0. HIGH.
	{ID: "trivy AVD-AWS-0107", Stricter: stricterWorld, Severity: High, Rated: true, Source: trivyRego + "no_public_ingress_sgr.rego",
		What:  "TCP or UDP 22 or 3389 (or all traffic) from 0.0.0.0/0 or ::/0",
		fires: func(s subject) bool { return s.from0(true, true) && s.reachesAny([]int{22, 3389}, TCP, UDP) }},
	// trivy AWS-0104 (no_public_egress_sgr.rego): any egress rule to
	// 0.0.0.0/0 or ::/0, any protocol and port. CRITICAL.
	{ID: "trivy AVD-AWS-0104", Severity: Critical, Rated: true, Source: trivyRego + "no_public_egress_sgr.rego",
		What:  "any rule out to 0.0.0.0/0 or ::/0",
		fires: func(s subject) bool { return s.d == Egress && s.r.Peer.IsWorld() }},
	// trivy AWS-0124: a rule without a description. LOW.
	{ID: "trivy AVD-AWS-0124", Severity: Low, Rated: true, Source: trivyRego + "add_description_to_security_group_rule.rego",
		What:  "a rule without a description",
		fires: func(s subject) bool { return s.r.Description == "" }},
	// trivy AWS-0173: the default group has rules. LOW.
	{ID: "trivy AVD-AWS-0173", Severity: Low, Rated: true, Source: trivyRego + "restrict_all_in_default_sg.rego",
		What: "the VPC's default group has inbound or outbound rules"},
	// KICS 4728cd65 (Unrestricted Security Group Ingress): any ingress rule
	// from 0.0.0.0/0 or ::/0, any port. HIGH.
	{ID: "KICS 4728cd65", Stricter: stricterWorld, Severity: High, Rated: true, Source: "https://docs.kics.io/latest/queries/terraform-queries/aws/4728cd65-a20c-49da-8b31-9c08b423e4db/",
		What:  "any rule from 0.0.0.0/0 or ::/0",
		fires: func(s subject) bool { return s.from0(true, true) }},
	// prowler ..._to_all_ports (critical): 0.0.0.0/0 or ::/0 to all
	// 65,536 ports (all traffic, or TCP or UDP 0-65535).
	{ID: "prowler ec2_securitygroup_allow_ingress_from_internet_to_all_ports", Stricter: stricterWorld, Severity: Critical, Rated: true,
		Source: prowlerSrc + "ec2_securitygroup_allow_ingress_from_internet_to_all_ports",
		What:   "every port (all traffic, or TCP or UDP 0-65535) from 0.0.0.0/0 or ::/0",
		fires:  func(s subject) bool { return s.from0(true, true) && s.r.AllPorts() && s.ports == nil }},
	// prowler's per-port checks (high): TCP (or all traffic) from
	// 0.0.0.0/0 or ::/0 to 22; 3389; 20 or 21; 23; 1433 or 1434; 3306;
	// 5432; 9200, 9300 or 5601; 7199, 9160 or 8888; 1521 or 2483; 27017 or
	// 27018; 6379; 11211; 9092. (prowler skips them for a group whose
	// all-ports check already failed.)
	{ID: "prowler ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_*", Stricter: stricterWorld, Severity: High, Rated: true,
		Source: prowlerSrc,
		What:   "TCP (or all traffic) from 0.0.0.0/0 or ::/0 to one of " + joinInts(prowlerPorts),
		fires:  func(s subject) bool { return s.from0(true, true) && s.reachesAny(prowlerPorts, TCP) }},
	// prowler ..._to_high_risk_tcp_ports (critical): TCP (or all traffic)
	// from 0.0.0.0/0 or ::/0 to ec2_high_risk_ports.
	{ID: "prowler ec2_securitygroup_allow_ingress_from_internet_to_high_risk_tcp_ports", Stricter: stricterWorld, Severity: Critical, Rated: true,
		Source: prowlerSrc + "ec2_securitygroup_allow_ingress_from_internet_to_high_risk_tcp_ports",
		What:   "TCP (or all traffic) from 0.0.0.0/0 or ::/0 to one of " + joinInts(prowlerHighRisk),
		fires:  func(s subject) bool { return s.from0(true, true) && s.reachesAny(prowlerHighRisk, TCP) }},
	// prowler ec2_securitygroup_allow_wide_open_public_ipv4 (high): an
	// IPv4 CIDR of /1 to /23, in or out, that Python's ipaddress calls
	// global: its first and last address not both inside one of Python's
	// private networks (or the shared 100.64.0.0/10). A range of /23 or
	// wider can only lie inside the larger of them.
	{ID: "prowler ec2_securitygroup_allow_wide_open_public_ipv4", Severity: High, Rated: true,
		Source: prowlerSrc + "ec2_securitygroup_allow_wide_open_public_ipv4",
		What:   "an IPv4 range of /1 to /23 not inside one private or reserved block",
		fires: func(s subject) bool {
			p := s.r.Peer.Prefix()
			return s.r.Peer.Kind() == PeerIPv4 && p.Bits() > 0 && p.Bits() < 24 &&
				!slices.ContainsFunc(pythonPrivate4, func(q netip.Prefix) bool { return q.Bits() <= p.Bits() && q.Contains(p.Addr()) })
		}},
	{ID: "prowler ec2_securitygroup_with_many_ingress_egress_rules", Severity: High, Rated: true,
		Source: prowlerSrc + "ec2_securitygroup_with_many_ingress_egress_rules",
		What:   "more than 50 inbound or outbound rules"},
	{ID: "prowler ec2_securitygroup_from_launch_wizard", Severity: Medium, Rated: true,
		Source: prowlerSrc + "ec2_securitygroup_from_launch_wizard",
		What:   "a group named launch-wizard-…"},
	{ID: "prowler ec2_securitygroup_default_restrict_traffic", Severity: High, Rated: true,
		Source: prowlerSrc + "ec2_securitygroup_default_restrict_traffic",
		What:   "the VPC's default group has rules"},
	{ID: "prowler ec2_securitygroup_not_used", Severity: Low, Rated: true,
		Source: prowlerSrc + "ec2_securitygroup_not_used",
		What:   "a group no network interface, Lambda function or other group uses"},
	{ID: "SecurityHub EC2.2", Severity: High, Rated: true, Source: shDoc + "#ec2-2",
		Stricter: "also in a plan: a plan that adopts the default group with rules",
		What:     "the VPC's default group has inbound or outbound rules"},
	{ID: "CIS AWS 3.0 5.4", Severity: High, Rated: true, Source: shDoc + "#ec2-2",
		What: "as EC2.2: the default group restricts all traffic"},
	{ID: "SecurityHub EC2.22", Severity: Medium, Rated: true, Source: shDoc + "#ec2-22",
		What: "a group attached to no instance or network interface"},
	{ID: "SecurityHub EC2.43", Severity: Low, Rated: true, Source: shDoc + "#ec2-43",
		What: "a group without tags, or without a required tag key"},
}

// pythonPrivate4 are the networks of Python's ipaddress (3.11) that can
// hold a /23: its private list, and the shared address space is_global
// leaves out.
var pythonPrivate4 = pfxs("0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "198.18.0.0/15", "240.0.0.0/4")

// prowlerPorts are the TCP ports of prowler's per-port ingress checks,
// prowlerHighRisk those of its high-risk check (ec2_high_risk_ports).
var (
	prowlerPorts    = []int{20, 21, 22, 23, 1433, 1434, 1521, 2483, 3306, 3389, 5432, 5601, 6379, 7199, 8888, 9092, 9160, 9200, 9300, 11211, 27017, 27018}
	prowlerHighRisk = []int{25, 110, 135, 143, 445, 3000, 4333, 5000, 5500, 8080, 8088}
)

var controlByID = func() map[string]Control {
	m := make(map[string]Control, len(Controls))
	for _, c := range Controls {
		m[c.ID] = c
	}
	return m
}()

// rate sets a finding of check c's controls, those of the check that fail
// the subject, and its severity: at least the strictest of them, judged as
// if the rule were written to the world when it opens as much (asWorld),
// unless the check says why it rates lower (then the finding says so).
func rate(f *Finding, c Check, s subject, asWorld bool) {
	f.Controls = []string{}
	judge := s
	if asWorld && s.r.Peer.IsCIDR() {
		judge.r.Peer = worldPeer(FamilyOf(s.r.Peer.Prefix()))
	}
	for _, id := range c.Controls {
		ctl := controlByID[id]
		if ctl.fires == nil || ctl.fires(s) {
			f.Controls = append(f.Controls, id)
		}
		if ctl.Rated && (ctl.fires == nil || ctl.fires(judge)) && ctl.Severity > f.Severity {
			if c.Differs != "" {
				continue
			}
			f.Severity = ctl.Severity
		}
	}
	if c.Differs != "" && stricter(f, c, judge) {
		f.Why += " " + c.Differs
	}
}

// stricter reports whether a control of the check rates the subject
// above the finding.
func stricter(f *Finding, c Check, s subject) bool {
	for _, id := range c.Controls {
		ctl := controlByID[id]
		if ctl.Rated && ctl.Severity > f.Severity && (ctl.fires == nil || ctl.fires(s)) {
			return true
		}
	}
	return false
}

func worldPeer(f Family) Peer {
	if f == IPv6 {
		return CIDR(pfx("::/0"))
	}
	return CIDR(pfx("0.0.0.0/0"))
}
