package export

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/sgwiz/sgwiz/model"
	"github.com/zclconf/go-cty/cty"
)

// renderTerraform writes aws_security_group resources and one
// aws_vpc_security_group_{ingress,egress}_rule per rule, the AWS provider's
// recommended form. Terraform removes AWS's default egress rule from groups
// it creates, so every egress rule of the plan (the default too) is written.
func renderTerraform(p model.Plan) ([]byte, error) {
	f := hclwrite.NewEmptyFile()
	body := f.Body()
	comment(body, fmt.Sprintf("Security groups for %s, made by sgwiz.", useCaseTitle(p)),
		"Apply with: terraform init && terraform apply -var vpc_id=vpc-...")

	v := body.AppendNewBlock("variable", []string{"vpc_id"}).Body()
	v.SetAttributeValue("description", cty.StringVal("VPC of the security groups; null means the account's default VPC"))
	v.SetAttributeRaw("type", hclwrite.TokensForIdentifier("string"))
	if vpc := p.VPC(); vpc != "" {
		v.SetAttributeValue("default", cty.StringVal(vpc))
	} else {
		v.SetAttributeValue("default", cty.NullVal(cty.String))
	}

	ids := identifiers(p, false)
	used := map[string]bool{}
	for _, g := range p.Groups {
		id := ids[g.Name]
		body.AppendNewline()
		gb := body.AppendNewBlock("resource", []string{"aws_security_group", id}).Body()
		gb.SetAttributeValue("name", cty.StringVal(g.Name))
		gb.SetAttributeValue("description", cty.StringVal(g.Description))
		gb.SetAttributeTraversal("vpc_id", traversal("var", "vpc_id"))
		if len(g.Tags) > 0 {
			attrs := make([]hclwrite.ObjectAttrTokens, len(g.Tags))
			for i, t := range g.Tags {
				attrs[i] = hclwrite.ObjectAttrTokens{Name: hclwrite.TokensForValue(cty.StringVal(t.Key)), Value: hclwrite.TokensForValue(cty.StringVal(t.Value))}
			}
			gb.SetAttributeRaw("tags", hclwrite.TokensForObject(attrs))
		}
		for _, d := range []model.Direction{model.Ingress, model.Egress} {
			for _, r := range g.Rules(d) {
				name := uniqueName(used, ruleName(id, d, r, ids))
				body.AppendNewline()
				rb := body.AppendNewBlock("resource", []string{"aws_vpc_security_group_" + d.String() + "_rule", name}).Body()
				rb.SetAttributeTraversal("security_group_id", traversal("aws_security_group", id, "id"))
				if r.Description != "" {
					rb.SetAttributeValue("description", cty.StringVal(r.Description))
				}
				rb.SetAttributeValue("ip_protocol", cty.StringVal(r.Protocol.API()))
				if r.Protocol.HasPorts() || r.Protocol == model.ICMP || (r.Protocol == model.ICMPv6 && r.Ports != model.NoPorts) {
					rb.SetAttributeValue("from_port", cty.NumberIntVal(int64(r.Ports.From())))
					rb.SetAttributeValue("to_port", cty.NumberIntVal(int64(r.Ports.To())))
				}
				switch r.Peer.Kind() {
				case model.PeerIPv4:
					rb.SetAttributeValue("cidr_ipv4", cty.StringVal(r.Peer.String()))
				case model.PeerIPv6:
					rb.SetAttributeValue("cidr_ipv6", cty.StringVal(r.Peer.String()))
				case model.PeerPrefixList:
					rb.SetAttributeValue("prefix_list_id", cty.StringVal(r.Peer.Ref()))
				case model.PeerGroupID:
					rb.SetAttributeValue("referenced_security_group_id", cty.StringVal(r.Peer.Ref()))
				case model.PeerGroup:
					rb.SetAttributeTraversal("referenced_security_group_id", traversal("aws_security_group", ids[r.Peer.Ref()], "id"))
				}
			}
		}
	}
	body.AppendNewline()
	for _, g := range p.Groups {
		o := body.AppendNewBlock("output", []string{ids[g.Name] + "_id"}).Body()
		o.SetAttributeValue("description", cty.StringVal("Id of the group "+g.Name))
		o.SetAttributeTraversal("value", traversal("aws_security_group", ids[g.Name], "id"))
	}
	return f.Bytes(), nil // Bytes formats as terraform fmt does
}

func comment(body *hclwrite.Body, lines ...string) {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString("# " + l + "\n")
	}
	body.AppendUnstructuredTokens(hclwrite.Tokens{{Type: hclsyntax.TokenComment, Bytes: []byte(b.String())}})
	body.AppendNewline()
}

func traversal(root string, attrs ...string) hcl.Traversal {
	t := hcl.Traversal{hcl.TraverseRoot{Name: root}}
	for _, a := range attrs {
		t = append(t, hcl.TraverseAttr{Name: a})
	}
	return t
}

// ruleName reads like the rule: web_ingress_https_ipv6, app_egress_mysql_db.
func ruleName(group string, d model.Direction, r model.Rule, ids map[string]string) string {
	peer := ""
	switch r.Peer.Kind() {
	case model.PeerIPv4, model.PeerIPv6:
		if r.Peer.IsWorld() {
			peer = "any_ipv" + map[model.PeerKind]string{model.PeerIPv4: "4", model.PeerIPv6: "6"}[r.Peer.Kind()]
		} else {
			peer = identifier(r.Peer.String(), false)
		}
	case model.PeerGroup:
		peer = ids[r.Peer.Ref()]
	default:
		peer = identifier(r.Peer.Ref(), false)
	}
	return fmt.Sprintf("%s_%s_%s_%s", group, d, identifier(model.TypeOf(r), false), peer)
}

func uniqueName(used map[string]bool, name string) string {
	n := name
	for i := 2; used[n]; i++ {
		n = fmt.Sprintf("%s_%d", name, i)
	}
	used[n] = true
	return n
}
