package export

import (
	"bytes"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/sgwiz/sgwiz/internal/yamljson"
	"github.com/sgwiz/sgwiz/model"
	"go.yaml.in/yaml/v3"
)

// renderCloudFormation writes AWS::EC2::SecurityGroup resources with their
// rules inline, except rules between groups of the plan, which are the
// standalone AWS::EC2::SecurityGroupIngress/Egress resources so that linked
// groups have no circular dependency. CloudFormation keeps AWS's allow-all
// egress rule unless a group lists egress rules inline, so a group whose
// egress is empty, or only references other groups, gets an inert rule
// in its place (noEgress).
//
// Logical ids are unique by construction: a group's ends in SecurityGroup,
// a standalone rule's in IngressRuleN or EgressRuleN after its group's
// identifier (identifiers are unique), and neither can be the VpcId
// parameter. Text goes into the template as it is, so a {{resolve:…}}
// dynamic reference, which CloudFormation would replace with a parameter
// or secret at deploy time, is refused (validation refuses it for groups
// the plan creates; an imported group may hold one).
func renderCloudFormation(p model.Plan, asJSON bool) ([]byte, error) {
	if err := dynamicReferences(p); err != nil {
		return nil, err
	}
	if err := cfnCannotHold(p); err != nil {
		return nil, err
	}
	base := identifiers(p, true)
	resources := mapping()
	outputs := mapping()
	var written bytes.Buffer // the resources in YAML, a group at a time
	ids := make(map[string]string, len(base))
	for name, b := range base {
		ids[name] = b + "SecurityGroup"
	}
	for _, g := range p.Groups {
		id := ids[g.Name]
		props := mapping(
			"GroupName", str(g.Name),
			"GroupDescription", str(g.Description),
			"VpcId", tagged("!Ref", "VpcId"),
		)
		if tags := p.TagsOf(&g); len(tags) > 0 {
			list := &yaml.Node{Kind: yaml.SequenceNode}
			for _, t := range tags {
				list.Content = append(list.Content, mapping("Key", str(t.Key), "Value", str(t.Value)))
			}
			add(props, "Tags", list)
		}
		var standalone []*yaml.Node
		for _, d := range []model.Direction{model.Ingress, model.Egress} {
			inline := &yaml.Node{Kind: yaml.SequenceNode}
			for i, r := range g.Rules(d) {
				if r.Peer.Kind() == model.PeerGroup {
					name := fmt.Sprintf("%s%sRule%d", base[g.Name], map[model.Direction]string{model.Ingress: "Ingress", model.Egress: "Egress"}[d], i+1)
					rule := cfnRule(d, r, ids)
					rule.Content = append([]*yaml.Node{str("GroupId"), tagged("!GetAtt", id+".GroupId")}, rule.Content...)
					typ := "AWS::EC2::SecurityGroupIngress"
					if d == model.Egress {
						typ = "AWS::EC2::SecurityGroupEgress"
					}
					standalone = append(standalone, str(name), mapping("Type", str(typ), "Properties", rule))
					continue
				}
				inline.Content = append(inline.Content, cfnRule(d, r, ids))
			}
			if d == model.Egress && len(inline.Content) == 0 {
				inline.Content = append(inline.Content, cfnRule(d, noEgress, ids))
			}
			if len(inline.Content) > 0 {
				key := "SecurityGroupIngress"
				if d == model.Egress {
					key = "SecurityGroupEgress"
				}
				add(props, key, inline)
			}
		}
		add(resources, id, mapping("Type", str("AWS::EC2::SecurityGroup"), "Properties", props))
		resources.Content = append(resources.Content, standalone...)
		if !asJSON {
			// Written now and dropped: the template is never whole in
			// memory (the largest plan's was 900 MB as nodes and events).
			if err := yamljson.AppendChildren(&written, resources); err != nil {
				return nil, err
			}
			clear(resources.Content)
			resources.Content = resources.Content[:0]
		}
		add(outputs, id+"Id", mapping(
			"Description", str("Id of the group "+g.Name+", for "+cfnUse(g)),
			"Value", tagged("!GetAtt", id+".GroupId"),
		))
	}
	// CloudFormation cannot look up the default VPC, and egress rules need
	// a VPC: the parameter is required unless the plan names one.
	vpcParam := mapping(
		"Type", str("AWS::EC2::VPC::Id"),
		"Description", str("VPC of the security groups"),
	)
	if vpc := p.VPC(); vpc != "" {
		add(vpcParam, "Default", str(vpc))
	}
	head := []any{
		"AWSTemplateFormatVersion", str("2010-09-09"),
		"Description", str(fmt.Sprintf("Security groups for %s, made by sgwiz", useCaseTitle(p))),
		"Parameters", mapping("VpcId", vpcParam),
	}
	if asJSON {
		return yamljson.Marshal(mapping(append(head, "Resources", resources, "Outputs", outputs)...))
	}
	out, err := yamljson.MarshalYAML(mapping(head...))
	if err != nil {
		return nil, err
	}
	tail, err := yamljson.MarshalYAML(mapping("Outputs", outputs))
	if err != nil {
		return nil, err
	}
	out = append(append(out, "Resources:\n"...), written.Bytes()...)
	return append(out, tail...), nil
}

// noEgress stands in for "no outbound rule", which CloudFormation cannot
// express: ICMP type 252 code 86 to the broadcast address 255.255.255.255
// matches no packet an instance sends, and no scanner flags it as open
// egress (AWS's own example, all protocols to 127.0.0.1/32, is flagged).
var noEgress = model.Rule{Protocol: model.ICMP, Ports: model.ICMPType(252, 86),
	Peer:        model.CIDR(netip.MustParsePrefix("255.255.255.255/32")),
	Description: "No outbound traffic: stands in for none, which CloudFormation cannot express"}

// cfnCannotHold refuses what a template cannot say: a group that exists
// already (a stack creates its resources; taking over an existing group is
// a resource import, a change set of its own), rules with tags (neither
// an inline rule nor AWS::EC2::SecurityGroupIngress/Egress has Tags), and
// an ICMPv6 type with every code (cfn-lint refuses ToPort -1 beside a
// type).
func cfnCannotHold(p model.Plan) error {
	for i, g := range p.Groups {
		if g.ID != "" {
			return &model.FieldError{Field: fmt.Sprintf("groups[%d]", i), Msg: fmt.Sprintf("%s exists already (%s), and a CloudFormation stack creates the groups it holds: "+
				"it takes over an existing group only by a resource import (aws cloudformation create-change-set --change-set-type IMPORT --resources-to-import naming %s), "+
				"which this template cannot do for you; export terraform (its import blocks adopt the group and its rules) or awscli (it changes the group by id), "+
				"or remove the group's id from the plan to create a new group", g.Name, g.ID, g.ID)}
		}
		for _, d := range []model.Direction{model.Ingress, model.Egress} {
			for j, r := range g.Rules(d) {
				if r.Protocol == model.ICMPv6 && r.Ports.From() != -1 && r.Ports.To() == -1 {
					return &model.FieldError{Field: fmt.Sprintf("groups[%d].%s[%d].ports", i, d, j), Msg: fmt.Sprintf("the %s rule %s of %s is ICMPv6 type %d with every code, which AWS holds but CloudFormation's checker refuses (cfn-lint E3688: both ports -1 when one is): "+
						"export terraform or awscli, or give the code (%d/0 for echo)", strings.ToLower(d.Title()), r.Text(d), g.Name, r.Ports.From(), r.Ports.From())}
				}
				if !r.Tags.IsZero() {
					return &model.FieldError{Field: fmt.Sprintf("groups[%d].%s[%d].tags", i, d, j), Msg: fmt.Sprintf("the %s rule %s of %s has tags (%s), and CloudFormation's security group rules cannot carry tags (neither inline rules nor AWS::EC2::SecurityGroupIngress/Egress have Tags): "+
						"export terraform or awscli, which tag each rule, or remove the rule's tags", strings.ToLower(d.Title()), r.Text(d), g.Name, r.Tags)}
				}
			}
		}
	}
	return nil
}

// dynamicReferences refuses text that CloudFormation would resolve.
func dynamicReferences(p model.Plan) error {
	for i, g := range p.Groups {
		texts := []string{g.Name, g.Description}
		for _, t := range g.Tags {
			texts = append(texts, t.Key, t.Value)
		}
		for _, d := range []model.Direction{model.Ingress, model.Egress} {
			for _, r := range g.Rules(d) {
				texts = append(texts, r.Description)
			}
		}
		for _, t := range texts {
			if model.HasDynamicReference(t) {
				return &model.FieldError{Field: fmt.Sprintf("groups[%d]", i), Msg: fmt.Sprintf("%q holds {{resolve:, which CloudFormation would replace with a parameter or secret at deploy time and no template can keep literal: export another format, or change the text in AWS", t)}
			}
		}
	}
	return nil
}

// cfnRule is one rule in CloudFormation's property names.
func cfnRule(d model.Direction, r model.Rule, ids map[string]string) *yaml.Node {
	n := mapping("IpProtocol", str(r.Protocol.API()))
	if r.Protocol.HasPorts() || r.Protocol == model.ICMP || (r.Protocol == model.ICMPv6 && r.Ports != model.NoPorts) {
		add(n, "FromPort", integer(r.Ports.From()))
		add(n, "ToPort", integer(r.Ports.To()))
	}
	src, dst := "Source", "Destination"
	side := src
	if d == model.Egress {
		side = dst
	}
	switch r.Peer.Kind() {
	case model.PeerIPv4:
		add(n, "CidrIp", str(r.Peer.String()))
	case model.PeerIPv6:
		add(n, "CidrIpv6", str(r.Peer.String()))
	case model.PeerPrefixList:
		add(n, side+"PrefixListId", str(r.Peer.Ref()))
	case model.PeerGroupID:
		add(n, side+"SecurityGroupId", str(r.Peer.Ref()))
	case model.PeerGroup:
		add(n, side+"SecurityGroupId", tagged("!GetAtt", ids[r.Peer.Ref()]+".GroupId"))
	}
	if r.Description != "" {
		add(n, "Description", str(r.Description))
	}
	return n
}

// str is a string scalar, double-quoted where YAML 1.1 (CloudFormation's
// reader) would read it plain as something else.
func str(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if notStringIn11(s) {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

func integer(i int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(i)}
}

func tagged(tag, value string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value}
}

func mapping(kv ...any) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i < len(kv); i += 2 {
		add(m, kv[i].(string), kv[i+1].(*yaml.Node))
	}
	return m
}

func add(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, str(key), v)
}
