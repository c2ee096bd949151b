package aws

import (
	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/sgwiz/sgwiz/model"
)

// permissions groups rules as EC2 takes them, one IpPermission per
// protocol and port range (model.Permissions); ids gives the id of each
// group of the plan.
func permissions(rules []model.Rule, ids map[string]string) []types.IpPermission {
	var perms []types.IpPermission
	for _, mp := range model.Permissions(rules) {
		p := types.IpPermission{IpProtocol: sdk.String(mp.Protocol.API())}
		if mp.Protocol.HasPorts() || mp.Protocol.IsICMP() {
			p.FromPort, p.ToPort = sdk.Int32(int32(mp.Ports.From())), sdk.Int32(int32(mp.Ports.To()))
		}
		for _, r := range mp.Rules {
			desc := optional(r.Description)
			switch r.Peer.Kind() {
			case model.PeerIPv4:
				p.IpRanges = append(p.IpRanges, types.IpRange{CidrIp: sdk.String(r.Peer.String()), Description: desc})
			case model.PeerIPv6:
				p.Ipv6Ranges = append(p.Ipv6Ranges, types.Ipv6Range{CidrIpv6: sdk.String(r.Peer.String()), Description: desc})
			case model.PeerPrefixList:
				p.PrefixListIds = append(p.PrefixListIds, types.PrefixListId{PrefixListId: sdk.String(r.Peer.Ref()), Description: desc})
			case model.PeerGroupID:
				p.UserIdGroupPairs = append(p.UserIdGroupPairs, types.UserIdGroupPair{GroupId: sdk.String(r.Peer.Ref()), Description: desc})
			case model.PeerGroup:
				p.UserIdGroupPairs = append(p.UserIdGroupPairs, types.UserIdGroupPair{GroupId: sdk.String(ids[r.Peer.Ref()]), Description: desc})
			}
		}
		perms = append(perms, p)
	}
	return perms
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return sdk.String(s)
}

// rulesOf reads EC2's permissions back into rules; names maps the ids of
// groups of the plan back to their names.
func rulesOf(perms []types.IpPermission, names map[string]string) ([]model.Rule, error) {
	var rules []model.Rule
	for _, p := range perms {
		proto, err := model.ParseProtocol(sdk.ToString(p.IpProtocol))
		if err != nil {
			return nil, err
		}
		ports := model.NoPorts
		if proto.HasPorts() || proto.IsICMP() {
			if p.FromPort != nil && p.ToPort != nil {
				ports = portRange(proto, int(*p.FromPort), int(*p.ToPort))
			} else if proto.HasPorts() {
				ports = model.AllPorts
			}
		}
		add := func(peer model.Peer, desc *string) {
			rules = append(rules, model.Rule{Protocol: proto, Ports: ports, Peer: peer, Description: sdk.ToString(desc)})
		}
		for _, r := range p.IpRanges {
			peer, _, err := model.ParsePeer(sdk.ToString(r.CidrIp))
			if err != nil {
				return nil, err
			}
			add(peer, r.Description)
		}
		for _, r := range p.Ipv6Ranges {
			peer, _, err := model.ParsePeer(sdk.ToString(r.CidrIpv6))
			if err != nil {
				return nil, err
			}
			add(peer, r.Description)
		}
		for _, r := range p.PrefixListIds {
			add(model.PrefixList(sdk.ToString(r.PrefixListId)), r.Description)
		}
		for _, r := range p.UserIdGroupPairs {
			id := sdk.ToString(r.GroupId)
			if name, ok := names[id]; ok {
				add(model.GroupRef(name), r.Description)
			} else {
				add(model.GroupID(id), r.Description)
			}
		}
	}
	return rules, nil
}

func portRange(proto model.Protocol, from, to int) model.PortRange {
	if proto.IsICMP() {
		return model.ICMPType(from, to)
	}
	if from < 0 {
		return model.AllPorts
	}
	return model.Ports(from, to)
}

// ruleText is a rule in one line, for change lists and messages.
func ruleText(d model.Direction, r model.Rule) string { return r.Text(d) }

// idsOf are the ids of the groups an interface or instance carries.
func idsOf(groups []types.GroupIdentifier) []string {
	ids := make([]string, len(groups))
	for i, g := range groups {
		ids[i] = sdk.ToString(g.GroupId)
	}
	return ids
}
