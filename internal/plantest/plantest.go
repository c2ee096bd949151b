// Package plantest builds plans for tests and benchmarks in several
// packages, such as a three-tier plan at the AWS rule quota.
package plantest

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/sgwiz/sgwiz/model"
)

// QuotaPlan is three linked groups, each with model.MaxRulesPerDirection
// inbound and outbound rules: the largest plan AWS accepts by default. Each
// group mixes IPv4, IPv6 and group references and stays within the quota as
// AWS counts it.
func QuotaPlan() model.Plan {
	names := []string{"shop-alb", "shop-app", "shop-db"}
	p := model.Plan{UseCase: "three-tier"}
	for gi, name := range names {
		g := model.Group{Name: name, Description: "Quota-size group " + name, Ingress: []model.Rule{}, Egress: []model.Rule{}}
		next := names[(gi+1)%len(names)]
		for i := range model.MaxRulesPerDirection {
			g.Ingress = append(g.Ingress, quotaRule(i, next, "in"))
			g.Egress = append(g.Egress, quotaRule(i+100, next, "out"))
		}
		p.Groups = append(p.Groups, g)
	}
	return p
}

// quotaRule is rule i of a mix: IPv4 CIDRs, IPv6 CIDRs and a group reference.
func quotaRule(i int, other, dir string) model.Rule {
	r := model.Rule{Protocol: model.TCP, Ports: model.Port(8000 + i), Description: fmt.Sprintf("rule %d %s", i, dir)}
	switch i % 3 {
	case 0:
		r.Peer = model.CIDR(netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i), 0, 0}), 16))
	case 1:
		r.Peer = model.CIDR(netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, byte(i)}), 48))
	default:
		r.Peer = model.GroupRef(other)
	}
	return r
}

// CataloguePlan holds every service of the catalogue as inbound rules, in
// groups small enough for the rule quota. Each service has a peer of its
// own (10.N.0.0/16, or fd00:N::/32 for ICMPv6), so that services sharing a
// port (MySQL and MariaDB) stay separate rules. Outbound rules are none.
func CataloguePlan() model.Plan {
	d := model.Draft{UseCase: "custom"}
	var g *model.GroupSpec
	rules := 0
	for i, s := range model.Catalogue() {
		if g == nil || rules+len(s.Ports) > 50 {
			d.Groups = append(d.Groups, model.GroupSpec{Name: fmt.Sprintf("catalogue-%d", len(d.Groups)+1), Egress: []model.Selection{}})
			g, rules = &d.Groups[len(d.Groups)-1], 0
		}
		peer := model.CIDR(netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i), 0, 0}), 16))
		if s.Ports[0].Protocol == model.ICMPv6 {
			peer = model.CIDR(netip.PrefixFrom(netip.AddrFrom16([16]byte{0xfd, 0, 0, byte(i)}), 32))
		}
		g.Ingress = append(g.Ingress, model.Selection{Service: s, Sources: []model.Source{model.FromPeer(peer)}})
		rules += len(s.Ports)
	}
	p, err := d.Plan()
	if err != nil {
		panic(fmt.Sprintf("the catalogue plan is not valid: %v", err))
	}
	return p
}

// LargestPlan is about the largest plan file sgwiz reads: model.MaxPlanGroups
// groups, each at the rule quota in both directions (the QuotaPlan mix),
// every rule with a long description, so that the file comes to nearly
// model.MaxPlanFileSize. Exports and plan files are measured on it.
func LargestPlan() model.Plan {
	p := model.Plan{UseCase: "custom"}
	pad := strings.Repeat("x", 150)
	for gi := range model.MaxPlanGroups {
		name := fmt.Sprintf("group-%03d", gi)
		next := fmt.Sprintf("group-%03d", (gi+1)%model.MaxPlanGroups)
		g := model.Group{Name: name, Description: "Largest-plan group " + name, Ingress: []model.Rule{}, Egress: []model.Rule{}}
		for i := range model.MaxRulesPerDirection {
			in, out := quotaRule(i, next, "in"), quotaRule(i+100, next, "out")
			in.Description += " " + pad
			out.Description += " " + pad
			g.Ingress = append(g.Ingress, in)
			g.Egress = append(g.Egress, out)
		}
		p.Groups = append(p.Groups, g)
	}
	return p
}
