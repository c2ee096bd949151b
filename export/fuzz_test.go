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
	yaml2 "go.yaml.in/yaml/v2"
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
		if format == CloudFormation {
			readsAsYAML11(t, out)
		}
	case AWSCLI:
		if _, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(out), "f.sh"); err != nil {
			t.Fatalf("script: %v\n%s", err, out)
		}
	case Markdown:
		for line := range strings.SplitSeq(string(out), "\n") {
			// A row of five cells or more has six pipes that no backslash
			// escapes.
			if strings.HasPrefix(line, "| ") && strings.Count(line, "|")-strings.Count(line, `\|`) < 6 {
				t.Fatalf("a table row lost its cells: %q", line)
			}
		}
	}
}

// readsAsYAML11 reads a CloudFormation template back as YAML 1.1 (as
// CloudFormation does; go.yaml.in/yaml/v2 resolves its booleans and
// numbers) and fails if a name, description or tag is not a string there.
func readsAsYAML11(t *testing.T, out []byte) {
	t.Helper()
	var doc map[string]any
	if err := yaml2.Unmarshal(out, &doc); err != nil {
		t.Fatalf("YAML 1.1: %v\n%s", err, out)
	}
	var walk func(x any)
	walk = func(x any) {
		switch x := x.(type) {
		case map[any]any:
			for k, v := range x {
				switch k {
				case "GroupName", "GroupDescription", "Description", "Key", "Value":
					if _, ok := v.(string); !ok {
						t.Fatalf("YAML 1.1 reads %s as %T %v:\n%s", k, v, v, out)
					}
				}
				walk(v)
			}
		case []any:
			for _, v := range x {
				walk(v)
			}
		}
	}
	walk(doc["Resources"])
}

// FuzzRuleTagsAndExistingGroups: a plan whose groups may exist already
// (ids, rule ids) and whose rule carries any tags a person can type:
// every format either writes it and parses back with the tags unchanged,
// or (CloudFormation, which can hold neither) refuses it in words.
func FuzzRuleTagsAndExistingGroups(f *testing.F) {
	f.Fuzz(func(t *testing.T, tagText, ruleDesc string, existing bool) {
		tags, err := model.ParseTags(tagText)
		if err != nil || model.ValidateRuleTags(tags) != nil {
			return
		}
		r := model.Rule{Protocol: model.TCP, Ports: model.Port(443), Peer: model.AnyIPv4, Description: ruleDesc, Tags: model.NewTags(tags...)}
		p := model.Plan{Groups: []model.Group{
			{Name: "web", Description: "web", Ingress: []model.Rule{r}, Egress: []model.Rule{}},
			{Name: "other", Description: "other", Ingress: []model.Rule{{Protocol: model.TCP, Ports: model.Port(5432), Peer: model.GroupRef("web"), Description: "other", Tags: model.NewTags(tags...)}}, Egress: []model.Rule{}},
		}}
		if existing {
			p.Groups[0].ID, p.Groups[1].ID = "sg-0123456789abcdef0", "sg-0123456789abcdef1"
			p.Groups[0].Ingress[0].ID = "sgr-0123456789abcdef0"
		}
		if p.Validate() != nil {
			return
		}
		if _, temporary := model.ExpiryOf(ruleDesc); temporary {
			return // FuzzExportsParse covers temporary rules
		}
		for _, format := range Formats {
			out, err := Render(format, p)
			if format == CloudFormation || format == CloudFormationJSON {
				if (existing || len(tags) > 0) != (err != nil) {
					t.Fatalf("%s: existing %v, tags %v: %v", format, existing, tags, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			checkParses(t, format, out, p)
			if format == JSON {
				var groups []SecurityGroup
				if err := json.Unmarshal(out, &groups); err != nil {
					t.Fatal(err)
				}
				var got []model.Tag
				for _, tag := range groups[0].IpPermissions[0].IpRanges[0].Tags {
					got = append(got, model.Tag{Key: tag.Key, Value: tag.Value})
				}
				if model.NewTags(got...) != r.Tags {
					t.Fatalf("the json export's rule tags %v, the plan's %v", got, r.Tags)
				}
			}
			if format == AWSCLI && existing && !strings.Contains(string(out), "SG_WEB=sg-0123456789abcdef0") {
				t.Fatalf("the script names the existing group by its id:\n%s", out)
			}
			if format == Terraform && existing && !strings.Contains(string(out), `id = "sgr-0123456789abcdef0"`) {
				t.Fatalf("the rule's import block:\n%s", out)
			}
		}
	})
}
