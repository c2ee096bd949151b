package export

import (
	"bytes"
	"encoding/json"

	"github.com/sgwiz/sgwiz/model"
)

// SecurityGroup is one group in the field names of `aws ec2
// describe-security-groups`, so an export compares directly with what AWS
// reports after apply.
type SecurityGroup struct {
	GroupName           string
	Description         string
	VpcId               string `json:",omitempty"`
	GroupId             string `json:",omitempty"`
	Tags                []Tag  `json:",omitempty"`
	IpPermissions       []IpPermission
	IpPermissionsEgress []IpPermission
}

// Tag is an EC2 tag.
type Tag struct {
	Key, Value string
}

// IpPermission is EC2's permission: one protocol and port range, with every
// peer it applies to.
type IpPermission struct {
	IpProtocol       string
	FromPort         *int `json:",omitempty"`
	ToPort           *int `json:",omitempty"`
	IpRanges         []IpRange
	Ipv6Ranges       []Ipv6Range
	PrefixListIds    []PrefixListId
	UserIdGroupPairs []UserIdGroupPair
}

// IpRange is an IPv4 CIDR peer.
type IpRange struct {
	CidrIp      string
	Description string `json:",omitempty"`
	// Tags are the rule's tags; describe-security-groups has none
	// (describe-security-group-rules shows them).
	Tags []Tag `json:",omitempty"`
}

// Ipv6Range is an IPv6 CIDR peer.
type Ipv6Range struct {
	CidrIpv6    string
	Description string `json:",omitempty"`
	// Tags are the rule's tags; describe-security-groups has none
	// (describe-security-group-rules shows them).
	Tags []Tag `json:",omitempty"`
}

// PrefixListId is a managed prefix list peer.
type PrefixListId struct {
	PrefixListId string
	Description  string `json:",omitempty"`
	// Tags are the rule's tags; describe-security-groups has none
	// (describe-security-group-rules shows them).
	Tags []Tag `json:",omitempty"`
}

// UserIdGroupPair is a group peer: GroupId for an existing group, GroupName
// for a group of the plan.
type UserIdGroupPair struct {
	GroupId     string `json:",omitempty"`
	GroupName   string `json:",omitempty"`
	Description string `json:",omitempty"`
	// Tags are the rule's tags; describe-security-groups has none
	// (describe-security-group-rules shows them).
	Tags []Tag `json:",omitempty"`
}

// Permissions is the rules in EC2's IpPermissions shape (model.Permissions
// groups them), as the API takes them: without tags. groupPair names a
// group of the plan in UserIdGroupPairs: it returns the pair to write.
func Permissions(rules []model.Rule, groupPair func(name string) UserIdGroupPair) []IpPermission {
	return permissions(rules, groupPair, false)
}

// permissions is Permissions, with each rule's tags when withTags is set.
func permissions(rules []model.Rule, groupPair func(name string) UserIdGroupPair, withTags bool) []IpPermission {
	perms := []IpPermission{}
	for _, mp := range model.Permissions(rules) {
		p := IpPermission{IpProtocol: mp.Protocol.API(), IpRanges: []IpRange{}, Ipv6Ranges: []Ipv6Range{}, PrefixListIds: []PrefixListId{}, UserIdGroupPairs: []UserIdGroupPair{}}
		if mp.Protocol.HasPorts() || mp.Protocol.IsICMP() {
			from, to := mp.Ports.From(), mp.Ports.To()
			p.FromPort, p.ToPort = &from, &to
		}
		for _, r := range mp.Rules {
			var tags []Tag
			if withTags {
				tags = exportTags(r.AWSTags().List())
			}
			switch r.Peer.Kind() {
			case model.PeerIPv4:
				p.IpRanges = append(p.IpRanges, IpRange{CidrIp: r.Peer.String(), Description: r.Description, Tags: tags})
			case model.PeerIPv6:
				p.Ipv6Ranges = append(p.Ipv6Ranges, Ipv6Range{CidrIpv6: r.Peer.String(), Description: r.Description, Tags: tags})
			case model.PeerPrefixList:
				p.PrefixListIds = append(p.PrefixListIds, PrefixListId{PrefixListId: r.Peer.Ref(), Description: r.Description, Tags: tags})
			case model.PeerGroupID:
				p.UserIdGroupPairs = append(p.UserIdGroupPairs, UserIdGroupPair{GroupId: r.Peer.Ref(), Description: r.Description, Tags: tags})
			case model.PeerGroup:
				pair := groupPair(r.Peer.Ref())
				pair.Description, pair.Tags = r.Description, tags
				p.UserIdGroupPairs = append(p.UserIdGroupPairs, pair)
			}
		}
		perms = append(perms, p)
	}
	return perms
}

// SecurityGroups returns the plan as describe-security-groups would show it.
func SecurityGroups(p model.Plan) []SecurityGroup {
	byName := func(name string) UserIdGroupPair { return UserIdGroupPair{GroupName: name} }
	groups := make([]SecurityGroup, len(p.Groups))
	for i, g := range p.Groups {
		sg := SecurityGroup{GroupName: g.Name, Description: g.Description, VpcId: g.VPC, GroupId: g.ID, Tags: exportTags(p.TagsOf(&g))}
		sg.IpPermissions = permissions(g.Ingress, byName, true)
		sg.IpPermissionsEgress = permissions(g.Egress, byName, true)
		groups[i] = sg
	}
	return groups
}

// exportTags are tags in the exports' type, nil for none.
func exportTags(tags []model.Tag) []Tag {
	if len(tags) == 0 {
		return nil
	}
	out := make([]Tag, len(tags))
	for i, t := range tags {
		out[i] = Tag{t.Key, t.Value}
	}
	return out
}

func marshalJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func renderJSON(p model.Plan) ([]byte, error) { return marshalJSON(SecurityGroups(p)) }
