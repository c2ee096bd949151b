package export

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/sgwiz/sgwiz/model"
	"go.yaml.in/yaml/v3"
	"mvdan.cc/sh/v3/syntax"
)

// FuzzExportsParse: every export of a valid plan parses with its format's
// parser, and the text fields come out unchanged. Seeds are in testdata/fuzz.
func FuzzExportsParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, name, groupDesc, ruleDesc, proto, ports, peer string) {
		r, err := model.NewRule(proto, ports, peer, ruleDesc)
		if err != nil {
			return
		}
		p := model.Plan{Groups: []model.Group{
			{Name: name, Description: groupDesc, Tags: []model.Tag{{Key: "k", Value: groupDesc}}, Ingress: []model.Rule{r}, Egress: []model.Rule{r}},
			{Name: "other", Description: "other", Ingress: []model.Rule{{Protocol: model.TCP, Ports: model.Port(22), Peer: model.GroupRef(name), Description: ruleDesc}}},
		}}
		if p.Validate() != nil {
			return
		}
		_, temporary := model.ExpiryOf(ruleDesc)
		for _, format := range Formats {
			out, err := Render(format, p)
			if err != nil && temporary && (format == Terraform || format == CloudFormation || format == CloudFormationJSON) {
				continue // a rule that expires has no place in a format with state
			}
			if err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			checkParses(t, format, out, p)
		}
	})
}

func checkParses(t *testing.T, format Format, out []byte, p model.Plan) {
	switch format {
	case Terraform:
		if formatted := hclwrite.Format(out); string(formatted) != string(out) {
			t.Fatalf("terraform fmt would change the export:\n%s", diffLines(string(out), string(formatted)))
		}
		file, diags := hclparse.NewParser().ParseHCL(out, "f.tf")
		if diags.HasErrors() {
			t.Fatalf("HCL: %v\n%s", diags, out)
		}
		for _, b := range file.Body.(*hclsyntax.Body).Blocks {
			if a, ok := b.Body.Attributes["description"]; ok {
				v, diags := a.Expr.Value(&hcl.EvalContext{})
				if diags.HasErrors() {
					t.Fatalf("description is not literal: %v\n%s", diags, out)
				}
				s := v.AsString()
				if s != p.Groups[0].Description && s != p.Groups[0].Ingress[0].Description && !strings.HasPrefix(s, "VPC") && s != "other" && !strings.HasPrefix(s, "Id of") {
					t.Fatalf("description changed: %q", s)
				}
			}
		}
	case CloudFormation, CloudFormationJSON, JSON:
		var v any
		if err := yaml.Unmarshal(out, &v); err != nil {
			t.Fatalf("%s: %v\n%s", format, err, out)
		}
		if format != CloudFormation && !json.Valid(out) {
			t.Fatalf("%s is not JSON:\n%s", format, out)
		}
	case AWSCLI:
		if _, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(out), "f.sh"); err != nil {
			t.Fatalf("script: %v\n%s", err, out)
		}
	case Markdown:
		for line := range strings.SplitSeq(string(out), "\n") {
			if strings.HasPrefix(line, "| ") && strings.Count(line, " | ")-strings.Count(line, `\|`) < 4 {
				t.Fatalf("a table row lost its cells: %q", line)
			}
		}
	}
}
