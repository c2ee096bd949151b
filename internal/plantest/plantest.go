// Package plantest builds plans for tests and benchmarks in several
// packages, such as a three-tier plan at the AWS rule quota.
package plantest

import (
	"fmt"
	"net/netip"

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
