package export

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/rivo/uniseg"
	"github.com/sgwiz/sgwiz/model"
	"github.com/zclconf/go-cty/cty"
)

// renderTerraform writes aws_security_group resources and one
// aws_vpc_security_group_{ingress,egress}_rule per rule, the AWS provider's
// recommended form. Terraform removes AWS's default egress rule from groups
// it creates, so every egress rule of the plan (the default too) is written.
//
// Values are encoded by hclwrite (which escapes quotes, ${ and %{); the
// blocks are laid out here already in `terraform fmt` form, which the tests
// check against hclwrite.Format. Building an hclwrite.File and formatting
// it took 44 ms for a plan at the rule quota; this takes well under that.
func renderTerraform(p model.Plan) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Security groups for %s, made by sgwiz.\n", useCaseTitle(p))
	b.WriteString("# Apply with: terraform init && terraform apply -var vpc_id=vpc-...\n")
	if adopts(p) {
		b.WriteString("# Groups and rules that exist already have import blocks (Terraform 1.5 or later):\n")
		b.WriteString("# terraform plan shows them as imports, not as resources to add.\n")
	}
	b.WriteByte('\n')

	def := []byte("null")
	if vpc := p.VPC(); vpc != "" {
		def = hclString(vpc)
	}
	writeBlock(&b, []string{"variable", "vpc_id"}, []hclAttr{
		{"description", hclString("VPC of the security groups; null means the account's default VPC"), nil},
		{"type", []byte("string"), nil},
		{"default", def, nil},
	})

	ids := identifiers(p, false)
	used := map[string]bool{}
	for _, g := range p.Groups {
		id := ids[g.Name]
		attrs := []hclAttr{
			{"name", hclString(g.Name), nil},
			{"description", hclString(g.Description), nil},
			{"vpc_id", []byte("var.vpc_id"), nil},
		}
		if tags := hclTags(p.TagsOf(&g)); tags != nil {
			attrs = append(attrs, tags[0])
		}
		b.WriteByte('\n')
		writeImport(&b, "aws_security_group."+id, g.ID)
		writeBlock(&b, []string{"resource", "aws_security_group", id}, attrs)
		for _, d := range []model.Direction{model.Ingress, model.Egress} {
			for _, r := range g.Rules(d) {
				b.WriteByte('\n')
				typ, name := "aws_vpc_security_group_"+d.String()+"_rule", uniqueName(used, ruleName(id, d, r, ids))
				writeImport(&b, typ+"."+name, r.ID)
				writeBlock(&b, []string{"resource", typ, name}, ruleAttrs(id, r, ids))
			}
		}
	}
	for _, g := range p.Groups {
		b.WriteByte('\n')
		writeBlock(&b, []string{"output", ids[g.Name] + "_id"}, []hclAttr{
			{"description", hclString("Id of the group " + g.Name), nil},
			{"value", []byte("aws_security_group." + ids[g.Name] + ".id"), nil},
		})
	}
	b.WriteString("\n# Use the groups (and sgwiz attach puts one on a running instance):\n")
	for _, g := range p.Groups {
		b.WriteString("#\n")
		for _, l := range terraformUse(g, ids[g.Name]) {
			b.WriteString(l + "\n")
		}
	}
	return b.Bytes(), nil
}

func ruleAttrs(group string, r model.Rule, ids map[string]string) []hclAttr {
	attrs := []hclAttr{{"security_group_id", []byte("aws_security_group." + group + ".id"), nil}}
	if r.Description != "" {
		attrs = append(attrs, hclAttr{"description", hclString(r.Description), nil})
	}
	attrs = append(attrs, hclAttr{"ip_protocol", hclString(r.Protocol.API()), nil})
	// from_port/to_port are required for tcp, udp and icmp; for icmpv6 only
	// when a type is given; never for all traffic or other protocols.
	if r.Protocol.HasPorts() || r.Protocol == model.ICMP || (r.Protocol == model.ICMPv6 && r.Ports != model.NoPorts) {
		attrs = append(attrs,
			hclAttr{"from_port", []byte(strconv.Itoa(r.Ports.From())), nil},
			hclAttr{"to_port", []byte(strconv.Itoa(r.Ports.To())), nil})
	}
	switch r.Peer.Kind() {
	case model.PeerIPv4:
		attrs = append(attrs, hclAttr{"cidr_ipv4", hclString(r.Peer.String()), nil})
	case model.PeerIPv6:
		attrs = append(attrs, hclAttr{"cidr_ipv6", hclString(r.Peer.String()), nil})
	case model.PeerPrefixList:
		attrs = append(attrs, hclAttr{"prefix_list_id", hclString(r.Peer.Ref()), nil})
	case model.PeerGroupID:
		attrs = append(attrs, hclAttr{"referenced_security_group_id", hclString(r.Peer.Ref()), nil})
	case model.PeerGroup:
		attrs = append(attrs, hclAttr{"referenced_security_group_id", []byte("aws_security_group." + ids[r.Peer.Ref()] + ".id"), nil})
	}
	return append(attrs, hclTags(r.AWSTags().List())...)
}

// hclTags is the tags attribute for tags, or nothing for none.
func hclTags(tags []model.Tag) []hclAttr {
	if len(tags) == 0 {
		return nil
	}
	object := make([]hclAttr, len(tags))
	for i, t := range tags {
		object[i] = hclAttr{string(hclString(t.Key)), hclString(t.Value), nil}
	}
	return []hclAttr{{"tags", nil, object}}
}

// writeImport writes an import block that adopts the existing resource
// id as the resource to; nothing when id is empty (a resource to create).
func writeImport(b *bytes.Buffer, to, id string) {
	if id == "" {
		return
	}
	writeBlock(b, []string{"import"}, []hclAttr{{"to", []byte(to), nil}, {"id", hclString(id), nil}})
	b.WriteByte('\n')
}

// adopts reports whether the plan holds a group that exists already.
func adopts(p model.Plan) bool {
	for _, g := range p.Groups {
		if g.ID != "" {
			return true
		}
	}
	return false
}

// hclAttr is one attribute: name = value, or name = { object } when
// object is set (its names are already-quoted keys).
type hclAttr struct {
	name   string
	value  []byte
	object []hclAttr
}

// hclString is a string literal as hclwrite writes it: quoted, with quotes,
// backslashes, ${ and %{ escaped.
func hclString(s string) []byte {
	if plainHCL(s) {
		return []byte(`"` + s + `"`) // nothing to escape: the common case, made fast
	}
	return hclwrite.TokensForValue(cty.StringVal(s)).Bytes()
}

// plainHCL reports whether s is printable ASCII with nothing HCL escapes.
func plainHCL(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '$' || c == '%' {
			return false
		}
	}
	return true
}

// columns counts what terraform fmt aligns by: grapheme clusters.
func columns(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] > 0x7e {
			return uniseg.GraphemeClusterCount(s)
		}
	}
	return len(s)
}

// writeBlock writes a block as terraform fmt lays it out: two-space
// indents, and the = of consecutive one-line attributes aligned; a
// multi-line attribute (an object) ends the run.
func writeBlock(b *bytes.Buffer, labels []string, attrs []hclAttr) {
	b.WriteString(labels[0])
	for _, l := range labels[1:] {
		b.WriteByte(' ')
		b.Write(hclString(l))
	}
	b.WriteString(" {\n")
	writeAttrs(b, attrs, "  ")
	b.WriteString("}\n")
}

func writeAttrs(b *bytes.Buffer, attrs []hclAttr, indent string) {
	for i := 0; i < len(attrs); {
		if attrs[i].object != nil {
			b.WriteString(indent + attrs[i].name + " = {\n")
			writeAttrs(b, attrs[i].object, indent+"  ")
			b.WriteString(indent + "}\n")
			i++
			continue
		}
		j, width := i, 0
		for ; j < len(attrs) && attrs[j].object == nil; j++ {
			width = max(width, columns(attrs[j].name))
		}
		for _, a := range attrs[i:j] {
			b.WriteString(indent + a.name)
			b.WriteString(strings.Repeat(" ", width-columns(a.name)))
			b.WriteString(" = ")
			b.Write(a.value)
			b.WriteByte('\n')
		}
		i = j
	}
}

// ruleName reads like the rule: web_ingress_https_any_ipv6,
// app_egress_mysql_aurora_db, alb_egress_tcp_8080_app.
func ruleName(group string, d model.Direction, r model.Rule, ids map[string]string) string {
	peer := ""
	switch r.Peer.Kind() {
	case model.PeerIPv4, model.PeerIPv6:
		if r.Peer.IsWorld() {
			peer = "any_ipv" + map[model.PeerKind]string{model.PeerIPv4: "4", model.PeerIPv6: "6"}[r.Peer.Kind()]
		} else {
			peer = words(r.Peer.String())
		}
	case model.PeerGroup:
		peer = ids[r.Peer.Ref()]
	default:
		peer = words(r.Peer.Ref())
	}
	kind := identifier(model.TypeOf(r), false)
	if strings.HasPrefix(kind, "custom_") {
		kind = words(r.Protocol.String() + " " + r.Ports.Format(r.Protocol)) // tcp_8080, not custom_tcp
	}
	return fmt.Sprintf("%s_%s_%s_%s", group, d, kind, peer)
}

// words is s in lower-case snake_case: 203.0.113.10/32 → 203_0_113_10_32.
// It follows the group's identifier in a name, so it may start with a digit.
func words(s string) string { return strings.ToLower(strings.Join(asciiWords(s), "_")) }

func uniqueName(used map[string]bool, name string) string {
	n := name
	for i := 2; used[n]; i++ {
		n = fmt.Sprintf("%s_%d", name, i)
	}
	used[n] = true
	return n
}
