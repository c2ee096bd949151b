package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/sgwiz/sgwiz/internal/testtool"
	"github.com/sgwiz/sgwiz/model"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"go.yaml.in/yaml/v3"
	"mvdan.cc/sh/v3/syntax"
)

func render(t *testing.T, f Format, p model.Plan) []byte {
	t.Helper()
	out, err := Render(f, p)
	if err != nil {
		t.Fatalf("%s: %v", f, err)
	}
	return out
}

// descriptions lists every rule description of the plan, in order.
func descriptions(p model.Plan) []string {
	var ds []string
	for _, g := range p.Groups {
		for _, d := range []model.Direction{model.Ingress, model.Egress} {
			for _, r := range g.Rules(d) {
				ds = append(ds, r.Description)
			}
		}
	}
	return ds
}

func TestTerraformParsesAndKeepsTextLiteral(t *testing.T) {
	for name, p := range testPlans(t) {
		t.Run(name, func(t *testing.T) {
			src := render(t, Terraform, p)
			file, diags := hclparse.NewParser().ParseHCL(src, name+".tf")
			if diags.HasErrors() {
				t.Fatalf("HCL does not parse: %v\n%s", diags, src)
			}
			body := file.Body.(*hclsyntax.Body)
			var groups, rules int
			var gotDescs []string
			for _, b := range body.Blocks {
				if b.Type != "resource" {
					continue
				}
				switch b.Labels[0] {
				case "aws_security_group":
					groups++
					name := literal(t, b.Body.Attributes["name"])
					if p.Group(name) == nil {
						t.Errorf("group name %q came out changed", name)
					}
					if _, ok := b.Body.Attributes["egress"]; ok {
						t.Error("inline egress must not be mixed with rule resources")
					}
				case "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule":
					rules++
					desc := ""
					if a, ok := b.Body.Attributes["description"]; ok {
						desc = literal(t, a)
					}
					gotDescs = append(gotDescs, desc)
					sources := 0
					for _, k := range []string{"cidr_ipv4", "cidr_ipv6", "prefix_list_id", "referenced_security_group_id"} {
						if _, ok := b.Body.Attributes[k]; ok {
							sources++
						}
					}
					if sources != 1 {
						t.Errorf("%s has %d sources, want exactly one", b.Labels[1], sources)
					}
				}
			}
			if groups != len(p.Groups) || rules != len(descriptions(p)) {
				t.Errorf("%d groups and %d rules, want %d and %d", groups, rules, len(p.Groups), len(descriptions(p)))
			}
			if !reflect.DeepEqual(gotDescs, descriptions(p)) {
				t.Errorf("descriptions changed on the way to HCL:\n%q\n%q", gotDescs, descriptions(p))
			}
		})
	}
}

// literal evaluates an attribute with no variables: a string that holds
// ${…} only evaluates if hclwrite escaped it.
func literal(t *testing.T, a *hclsyntax.Attribute) string {
	t.Helper()
	v, diags := a.Expr.Value(&hcl.EvalContext{})
	if diags.HasErrors() {
		t.Fatalf("%s is not a literal: %v", a.Name, diags)
	}
	return v.AsString()
}

func TestCloudFormationDecodesAndPassesCfnLint(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for name, p := range testPlans(t) {
		for _, f := range []Format{CloudFormation, CloudFormationJSON} {
			src := render(t, f, p)
			var doc yaml.Node
			if err := yaml.Unmarshal(src, &doc); err != nil {
				t.Fatalf("%s %s does not decode: %v", name, f, err)
			}
			if f == CloudFormationJSON && !json.Valid(src) {
				t.Fatalf("%s: not valid JSON", name)
			}
			var tmpl struct {
				Resources map[string]struct {
					Type       string         `yaml:"Type"`
					Properties map[string]any `yaml:"Properties"`
				} `yaml:"Resources"`
			}
			if err := yaml.Unmarshal(src, &tmpl); err != nil {
				t.Fatalf("%s %s: %v", name, f, err)
			}
			if len(tmpl.Resources) < len(p.Groups) {
				t.Fatalf("%s %s: %d resources for %d groups", name, f, len(tmpl.Resources), len(p.Groups))
			}
			var got []string
			for _, r := range tmpl.Resources {
				if r.Type == "AWS::EC2::SecurityGroup" {
					n := r.Properties["GroupName"].(string)
					if p.Group(n) == nil {
						t.Errorf("%s: group %q is not in the plan", name, n)
					}
				}
				for _, key := range []string{"SecurityGroupIngress", "SecurityGroupEgress"} {
					if rs, ok := r.Properties[key].([]any); ok {
						for _, x := range rs {
							if d, ok := x.(map[string]any)["Description"].(string); ok {
								got = append(got, d)
							}
						}
					}
				}
				if d, ok := r.Properties["Description"].(string); ok {
					got = append(got, d)
				}
			}
			for _, want := range descriptions(p) {
				if want != "" && !containsString(got, want) {
					t.Errorf("%s %s: description %q is missing or changed", name, f, want)
				}
			}
			path := filepath.Join(dir, name+f.Extension())
			if err := os.WriteFile(path, src, 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, path)
		}
	}
	if warnings := cfnLint(t, files...); warnings != "" {
		t.Logf("cfn-lint warnings:\n%s", warnings)
	}
}

// cfnLint runs cfn-lint on the templates: its errors fail the test, and
// its warnings and notes come back for the caller to judge.
func cfnLint(t *testing.T, files ...string) (warnings string) {
	t.Helper()
	lint := testtool.Require(t, "cfn-lint", "pip install cfn-lint")
	// cfn-lint's exit code is a bit set: 2 errors, 4 warnings, 8 notes.
	out, err := exec.Command(lint, files...).CombinedOutput()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && exit.ExitCode()&2 != 0:
		t.Errorf("cfn-lint finds errors in the templates:\n%s", out)
		return "" // said once, as errors
	case err != nil && !errors.As(err, &exit):
		t.Fatalf("cfn-lint did not run: %v", err)
	}
	return string(out)
}

func containsString(ss []string, s string) bool {
	return slices.Contains(ss, s)
}

func TestJSONIsTheDescribeShape(t *testing.T) {
	for name, p := range testPlans(t) {
		src := render(t, JSON, p)
		var got []SecurityGroup
		dec := json.NewDecoder(bytes.NewReader(src))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got, SecurityGroups(p)) {
			t.Errorf("%s: JSON does not decode to the same groups", name)
		}
		var raw []map[string]any
		_ = json.Unmarshal(src, &raw)
		for _, g := range raw {
			for _, k := range []string{"GroupName", "Description", "IpPermissions", "IpPermissionsEgress"} {
				if _, ok := g[k]; !ok {
					t.Errorf("%s: group lacks %s", name, k)
				}
			}
		}
	}
	p := presetPlan(t, "three-tier")
	app := SecurityGroups(p)[1]
	if pair := app.IpPermissions[0].UserIdGroupPairs[0]; pair.GroupName != "web-alb" {
		t.Errorf("a reference to a group of the plan names it: %+v", pair)
	}
	web := SecurityGroups(presetPlan(t, "web"))[0]
	if len(web.IpPermissions) != 3 || len(web.IpPermissions[0].IpRanges) != 1 || len(web.IpPermissions[0].Ipv6Ranges) != 1 {
		t.Errorf("rules of one port share one IpPermission, as EC2 reports them: %+v", web.IpPermissions)
	}
}

func TestMarkdownTables(t *testing.T) {
	for name, p := range testPlans(t) {
		src := render(t, Markdown, p)
		md := goldmark.New(goldmark.WithExtensions(extension.Table))
		doc := md.Parser().Parse(text.NewReader(src))
		var tables [][][]string
		_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if !entering {
				return ast.WalkContinue, nil
			}
			switch n := n.(type) {
			case *east.Table:
				tables = append(tables, nil)
			case *east.TableRow, *east.TableHeader:
				var cells []string
				for c := n.FirstChild(); c != nil; c = c.NextSibling() {
					cells = append(cells, cellText(c, src))
				}
				tables[len(tables)-1] = append(tables[len(tables)-1], cells)
			}
			return ast.WalkContinue, nil
		})
		var got []string
		for _, tbl := range tables {
			if tbl[0][0] == "Severity" {
				continue
			}
			for _, row := range tbl[1:] {
				if len(row) != 5 {
					t.Errorf("%s: a rule row has %d cells: %q", name, len(row), row)
					continue
				}
				got = append(got, row[4])
			}
		}
		if !reflect.DeepEqual(got, descriptions(p)) {
			t.Errorf("%s: table descriptions differ from the plan:\n%q\n%q", name, got, descriptions(p))
		}
	}
}

// cellText is the text a reader sees in a cell: escapes resolved.
func cellText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			b.Write(util.UnescapePunctuations(t.Segment.Value(src)))
		}
		if s, ok := c.(*ast.String); ok && entering {
			b.Write(s.Value)
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

func TestScriptParses(t *testing.T) {
	bash := testtool.Require(t, "bash", "apt-get install -y bash")
	for name, p := range testPlans(t) {
		src := render(t, AWSCLI, p)
		if _, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(src), name+".sh"); err != nil {
			t.Errorf("%s: mvdan.cc/sh cannot parse the script: %v", name, err)
		}
		cmd := exec.Command(bash, "-n")
		cmd.Stdin = bytes.NewReader(src)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: bash -n: %v\n%s", name, err, out)
		}
	}
}

// fakeAWS records each call's arguments (NUL-separated, one call a line)
// and answers like the aws CLI would with --output text.
const fakeAWS = `#!/usr/bin/env bash
printf '%s\0' "$@" >> "$AWS_LOG"; echo >> "$AWS_LOG"
case "$2" in
  create-security-group) n=$(grep -c create-security-group "$AWS_LOG"); printf 'sg-%017d\n' "$n" ;;
  describe-vpcs) printf 'vpc-0123456789abcdef0\t%s\n' "${FAKE_IPV6:-None}" ;;
  describe-security-groups) for id in "$@"; do
      [[ $id == sg-* ]] || continue
      tags=; [ "$id" != "${FAKE_FOR:-}" ] || tags=${FAKE_TAGS:-}
      printf '%s\x1evpc-0123456789abcdef0\x1e%s\x1e%s\t' "$id" "${FAKE_DESCRIPTION:-}" "$tags"
    done; echo ;;
  describe-security-group-rules) printf '%s\n' "${FAKE_RULES:-}" ;;
  authorize-*) if [ -n "${FAKE_QUOTA:-}" ] && ! grep -q revoke-security-group "$AWS_LOG"; then
      echo "An error occurred (RulesPerSecurityGroupLimitExceeded) when calling the AuthorizeSecurityGroupIngress operation: The maximum number of rules per security group has been reached." >&2
      exit 254
    fi; echo True ;;
  *) echo True ;;
esac
`

type awsCall []string

// input decodes create-security-group's --cli-input-json.
func (c awsCall) input(t *testing.T) createInput {
	t.Helper()
	var in createInput
	dec := json.NewDecoder(strings.NewReader(c.flag("--cli-input-json")))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		t.Fatalf("--cli-input-json: %v: %s", err, c.flag("--cli-input-json"))
	}
	return in
}

func (c awsCall) flag(name string) string {
	for i, a := range c {
		if a == name && i+1 < len(c) {
			return c[i+1]
		}
	}
	return ""
}

// runScript runs the script with a fake aws on PATH, in an empty folder.
func runScript(t *testing.T, src []byte, env ...string) (calls []awsCall, dir, stdout string) {
	t.Helper()
	calls, dir, stdout, err := tryScript(t, src, env...)
	if err != nil {
		t.Fatalf("script failed: %v\n%s", err, stdout)
	}
	return calls, dir, stdout
}

// tryScript is runScript for a script that may fail.
func tryScript(t *testing.T, src []byte, env ...string) (calls []awsCall, dir, stdout string, err error) {
	bash := testtool.Require(t, "bash", "apt-get install -y bash")
	dir = t.TempDir()
	bin := filepath.Join(dir, "bin")
	_ = os.Mkdir(bin, 0o755)
	if err := os.WriteFile(filepath.Join(bin, "aws"), []byte(fakeAWS), 0o755); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(dir, "calls")
	script := filepath.Join(dir, "create.sh")
	_ = os.WriteFile(script, src, 0o755)
	cmd := exec.Command(bash, script)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + bin + ":" + os.Getenv("PATH"), "AWS_LOG=" + log, "HOME=" + dir}, env...)
	out, err := cmd.CombinedOutput()
	data, _ := os.ReadFile(log)
	for line := range strings.SplitSeq(strings.TrimSuffix(string(data), "\n"), "\n") {
		calls = append(calls, strings.Split(strings.TrimSuffix(line, "\x00"), "\x00"))
	}
	return calls, dir, string(out), err
}

func TestScriptKeepsDescriptionsInert(t *testing.T) {
	p := kitchenSink(t)
	calls, dir, out := runScript(t, render(t, AWSCLI, p))
	if _, err := os.Stat(filepath.Join(dir, "PWNED")); err == nil {
		t.Fatal("a description ran as a command")
	}
	var creates, ingress, egress int
	var got []string
	for _, c := range calls {
		switch c[1] {
		case "create-security-group":
			creates++
			in := c.input(t)
			if g := p.Group(in.GroupName); g == nil || g.Description != in.Description {
				t.Errorf("name or description changed on the way: %q / %q", in.GroupName, in.Description)
			}
			if in.VpcId != "vpc-0123456789abcdef0" {
				t.Errorf("without VPC_ID the default VPC is used, got %q", in.VpcId)
			}
			if in.GroupName == p.Groups[0].Name && (len(in.TagSpecifications) != 1 || in.TagSpecifications[0].Tags[0].Value != hostileText) {
				t.Errorf("tags changed: %+v", in.TagSpecifications)
			}
		case "authorize-security-group-ingress", "authorize-security-group-egress":
			if c[1] == "authorize-security-group-ingress" {
				ingress++
			} else {
				egress++
			}
			var perms []IpPermission
			if err := json.Unmarshal([]byte(c.flag("--ip-permissions")), &perms); err != nil {
				t.Fatalf("--ip-permissions is not JSON: %v: %s", err, c.flag("--ip-permissions"))
			}
			for _, perm := range perms {
				for _, r := range perm.IpRanges {
					got = append(got, r.Description)
				}
				for _, pair := range perm.UserIdGroupPairs {
					if !strings.HasPrefix(pair.GroupId, "sg-") {
						t.Errorf("a group reference was not replaced by the created id: %+v", pair)
					}
				}
			}
		}
	}
	if creates != 2 || ingress != 2 || egress != 1 {
		t.Errorf("calls: %d create, %d ingress, %d egress; want one create per group and one authorize per group and non-empty direction", creates, ingress, egress)
	}
	if !containsString(got, hostileText) {
		t.Errorf("the hostile description did not arrive literally: %q", got)
	}
	if !strings.Contains(out, "created edge $(touch PWNED) & co: sg-00000000000000001") {
		t.Errorf("the script should print the ids it created:\n%s", out)
	}
}

func TestScriptHonoursVPCAndRegion(t *testing.T) {
	p := presetPlan(t, "web")
	calls, _, _ := runScript(t, render(t, AWSCLI, p), "VPC_ID=vpc-11111111", "AWS_REGION=eu-west-1")
	for _, c := range calls {
		if c[1] == "describe-vpcs" && (c.flag("--vpc-ids") != "vpc-11111111" || c.flag("--filters") != "") {
			t.Errorf("VPC_ID was given: the script asks for that VPC, not the default one: %q", c)
		}
		if c[1] == "create-security-group" && c.input(t).VpcId != "vpc-0123456789abcdef0" {
			t.Errorf("the VPC is the one describe-vpcs answered, got %q", c.input(t).VpcId)
		}
	}
	p.Groups[0].VPC = "vpc-22222222"
	calls, _, _ = runScript(t, render(t, AWSCLI, p))
	if c := calls[0]; c[1] != "describe-vpcs" || c.flag("--vpc-ids") != "vpc-22222222" {
		t.Errorf("the plan's VPC is asked for first: %q", c)
	}
}

// TestScriptAdaptsToTheVPCsDefaultEgress: AWS gives a new group all
// traffic to ::/0 too in a VPC with IPv6; the script removes or keeps it
// as the plan says, in one call per kind.
func TestScriptAdaptsToTheVPCsDefaultEgress(t *testing.T) {
	egressCalls := func(calls []awsCall) map[string]string {
		m := map[string]string{}
		for _, c := range calls {
			if strings.HasSuffix(c[1], "-egress") {
				m[c[1]] += c.flag("--ip-permissions")
			}
		}
		return m
	}
	u, _ := model.LookupUseCase("web")
	for _, e := range []model.EgressPolicy{model.EgressNone, model.EgressWeb, model.EgressDefault} {
		p, err := u.Build(model.Inputs{Office: office, Egress: e})
		if err != nil {
			t.Fatal(err)
		}
		src := render(t, AWSCLI, p)
		v6, _, _ := runScript(t, src, "FAKE_IPV6=2600:1f18::/56")
		v4, _, _ := runScript(t, src)
		got6, got4 := egressCalls(v6), egressCalls(v4)
		switch e {
		case model.EgressDefault:
			// Kept, described, never revoked.
			if got6["revoke-security-group-egress"] != "" || got4["revoke-security-group-egress"] != "" {
				t.Errorf("default egress must not be revoked: %v / %v", got6, got4)
			}
			if !strings.Contains(got6["update-security-group-rule-descriptions-egress"], `"::/0","Description":"All traffic to anywhere (IPv6)"`) {
				t.Errorf("IPv6 VPC: the ::/0 rule AWS made gets its description: %v", got6)
			}
			if !strings.Contains(got4["authorize-security-group-egress"], `"CidrIpv6":"::/0"`) {
				t.Errorf("IPv4 VPC: the ::/0 rule is added: %v", got4)
			}
		default:
			if !strings.Contains(got6["revoke-security-group-egress"], `"Ipv6Ranges":[{"CidrIpv6":"::/0"}]`) {
				t.Errorf("%s, IPv6 VPC: all traffic to ::/0 must be revoked: %v", e, got6)
			}
			if strings.Contains(got4["revoke-security-group-egress"], "::/0") {
				t.Errorf("%s, IPv4 VPC: there is no ::/0 rule to revoke: %v", e, got4)
			}
		}
	}
}

// TestScriptVariablesAreUniqueByConstruction: names that read alike to a
// shell (web-app, web.app, web app) and names like the script's own
// variables get variables of their own.
func TestScriptVariablesAreUniqueByConstruction(t *testing.T) {
	p := model.Plan{Groups: []model.Group{}}
	for _, name := range []string{"web-app", "web.app", "web app", "web app 2", "vpc", "VPC_ID", "egress", "created"} {
		p.Groups = append(p.Groups, model.Group{Name: name, Description: "d", Ingress: []model.Rule{rule(t, "tcp", "22", "group:web-app", name)}})
	}
	src := render(t, AWSCLI, p)
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(src), "s.sh")
	if err != nil {
		t.Fatal(err)
	}
	assigned := map[string]int{}
	syntax.Walk(f, func(n syntax.Node) bool {
		if a, ok := n.(*syntax.Assign); ok {
			assigned[a.Name.Value]++
		}
		return true
	})
	vars := 0
	for name, n := range assigned {
		if strings.HasPrefix(name, "SG_") {
			vars++
			if n != 1 {
				t.Errorf("%s is assigned %d times", name, n)
			}
		}
	}
	if vars != len(p.Groups) {
		t.Errorf("%d group variables for %d groups: %v", vars, len(p.Groups), assigned)
	}
	calls, _, _ := runScript(t, src)
	ids := map[string]string{} // the id each group's rules went to, by description
	for _, c := range calls {
		if c[1] == "authorize-security-group-ingress" {
			var perms []IpPermission
			_ = json.Unmarshal([]byte(c.flag("--ip-permissions")), &perms)
			ids[perms[0].UserIdGroupPairs[0].Description] = c.flag("--group-id")
		}
	}
	seen := map[string]bool{}
	for _, id := range ids {
		seen[id] = true
	}
	if len(ids) != len(p.Groups) || len(seen) != len(p.Groups) {
		t.Errorf("each group's rules go to its own group: %v", ids)
	}
}

// TestTerraformIsAlreadyFormatted: the export is laid out exactly as
// terraform fmt (hclwrite.Format) would lay it out.
func TestTerraformIsAlreadyFormatted(t *testing.T) {
	plans := testPlans(t)
	tagged := presetPlan(t, "alb")
	for i := range tagged.Groups {
		tagged.Groups[i].Tags = []model.Tag{{Key: "Owner", Value: "ops"}, {Key: "cost-centre", Value: "42"}, {Key: "Ünïcode", Value: "é"}}
	}
	plans["tagged"] = tagged
	for name, p := range plans {
		out := render(t, Terraform, p)
		if formatted := hclwrite.Format(out); string(formatted) != string(out) {
			t.Errorf("%s: terraform fmt would change the export:\n%s", name, diffLines(string(out), string(formatted)))
		}
	}
}

func diffLines(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n  ours: %q\n  fmt:  %q", i+1, al[i], bl[i])
		}
	}
	return "lengths differ"
}

// TestTemplateSequencesStayInert: Terraform's ${ and %{ come out as
// literal text; a {{resolve:…}} that AWS holds in an existing group is
// refused by the CloudFormation export alone, in words.
func TestTemplateSequencesStayInert(t *testing.T) {
	p := presetPlan(t, "web")
	tmpl := "%{ for x in var.y }${x}%{ endfor }"
	p.Groups[0].Tags = []model.Tag{{Key: "Note", Value: tmpl}}
	p.Groups[0].Ingress[0].Description = "${var.x}"
	file, diags := hclparse.NewParser().ParseHCL(render(t, Terraform, p), "t.tf")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for _, b := range file.Body.(*hclsyntax.Body).Blocks {
		if a, ok := b.Body.Attributes["tags"]; ok {
			v, diags := a.Expr.Value(&hcl.EvalContext{})
			if diags.HasErrors() || v.GetAttr("Note").AsString() != tmpl {
				t.Errorf("the tag is not literal: %v %v", v, diags)
			}
		}
	}

	p.Groups[0].ID = "sg-0123456789abcdef0"
	p.Groups[0].Description = "db password {{resolve:secretsmanager:prod}}"
	if err := p.Validate(); err != nil {
		t.Fatalf("an existing group keeps what AWS holds: %v", err)
	}
	for _, f := range Formats {
		_, err := Render(f, p)
		switch {
		case f == CloudFormation || f == CloudFormationJSON:
			if err == nil || !strings.Contains(err.Error(), "{{resolve:, which CloudFormation would replace") {
				t.Errorf("%s: %v", f, err)
			}
		case err != nil:
			t.Errorf("%s: %v", f, err)
		}
	}
}

// TestRepeatedRulesAreWrittenOnce: a rule given twice (custom TCP 22 beside
// SSH, same peer) is one rule in every format, with the first description,
// as AWS holds it.
func TestRepeatedRulesAreWrittenOnce(t *testing.T) {
	p := presetPlan(t, "bastion")
	ssh := p.Groups[0].Ingress[0]
	again := ssh
	again.Description = "the copy"
	p.Groups[0].Ingress = append(p.Groups[0].Ingress, again)
	for _, f := range Formats {
		out := string(render(t, f, p))
		if f == Markdown {
			out, _, _ = strings.Cut(out, "## Findings") // which quote the copy
		}
		if strings.Contains(out, "the copy") {
			t.Errorf("%s writes the repeated rule:\n%s", f, out)
		}
		if !strings.Contains(out, ssh.Description) {
			t.Errorf("%s lost the first rule's description", f)
		}
	}
	if !strings.Contains(string(render(t, Markdown, p)), "duplicate-rule") {
		t.Error("the Markdown findings report the merge")
	}
}

// TestTemporaryRulesOnlyWhereTheyCanExpire: Terraform and CloudFormation
// refuse a rule that expires (they would put it back after sweep), naming
// it; the script tags it; JSON and Markdown carry it as it is.
func TestTemporaryRulesOnlyWhereTheyCanExpire(t *testing.T) {
	u, _ := model.LookupUseCase("bastion")
	p, err := u.Build(model.Inputs{Office: []netip.Prefix{netip.MustParsePrefix("203.0.113.10/32")}})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 23, 22, 0, 0, 0, time.UTC)
	p.Groups[0].Ingress[0] = model.Temporary(p.Groups[0].Ingress[0], at)
	for _, f := range []Format{Terraform, CloudFormation, CloudFormationJSON} {
		if _, err := Render(f, p); err == nil || !strings.Contains(err.Error(), "expires at 2026-11-23T22:00:00Z") || !strings.Contains(err.Error(), "would put it back") {
			t.Errorf("%s: %v", f, err)
		}
	}
	script, err := Render(AWSCLI, p)
	if err != nil || !strings.Contains(string(script), `--tag-specifications '[{"ResourceType":"security-group-rule","Tags":[{"Key":"sgwiz:expires","Value":"2026-11-23T22:00:00Z"}]}]'`) {
		t.Errorf("the script tags the rule: %v\n%s", err, script)
	}
	// Run, the script adds a temporary rule before its time only, tagged.
	later := p.Clone()
	later.Groups[0].Ingress[0] = model.Temporary(p.Groups[0].Ingress[0], time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC))
	later.Groups[0].Ingress = append(later.Groups[0].Ingress, model.Temporary(rule(t, "tcp", "3389", "198.51.100.7/32", "RDP"), time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)))
	calls, _, out := runScript(t, render(t, AWSCLI, later))
	var tagged []string
	for _, c := range calls {
		if spec := c.flag("--tag-specifications"); spec != "" {
			tagged = append(tagged, spec)
		}
	}
	if len(tagged) != 1 || !strings.Contains(tagged[0], "2099-01-01T00:00:00Z") || !strings.Contains(out, "left out 1 rule(s) that expired at 2000-01-01T00:00:00Z") {
		t.Errorf("tagged calls %q\n%s", tagged, out)
	}
	for _, f := range []Format{JSON, Markdown} {
		if out, err := Render(f, p); err != nil || !strings.Contains(string(out), "sgwiz:expires=2026-11-23T22:00:00Z") {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// TestCloudFormationSaysWhatItCannotHold: a stack cannot adopt a group
// that exists, and a rule of a template cannot carry tags; the export says
// so, and what to do instead.
func TestCloudFormationSaysWhatItCannotHold(t *testing.T) {
	imported := importedPlan(t)
	_, err := Render(CloudFormation, imported)
	if err == nil || !strings.Contains(err.Error(), "web exists already (sg-0aaaaaaaaaaaaaaa1), and a CloudFormation stack creates the groups it holds") ||
		!strings.Contains(err.Error(), "--change-set-type IMPORT") || !strings.Contains(err.Error(), "export terraform (its import blocks adopt the group and its rules)") {
		t.Errorf("an existing group: %v", err)
	}
	p := presetPlan(t, "web")
	p.Groups[0].Ingress[0].Tags = model.NewTags(model.Tag{Key: "team", Value: "web"})
	_, err = Render(CloudFormationJSON, p)
	if err == nil || !strings.Contains(err.Error(), "groups[0].ingress[0].tags: the inbound rule HTTP TCP 80 from 0.0.0.0/0 of web has tags (team=web), and CloudFormation's security group rules cannot carry tags") {
		t.Errorf("a tagged rule: %v", err)
	}
	p = presetPlan(t, "web")
	p.Groups[0].Ingress = append(p.Groups[0].Ingress, model.Rule{Protocol: model.ICMPv6, Ports: model.ICMPType(128, -1), Peer: model.AnyIPv6, Description: "echo, every code"})
	if _, err = Render(CloudFormation, p); err == nil || !strings.Contains(err.Error(), "is ICMPv6 type 128 with every code, which AWS holds but CloudFormation's checker refuses (cfn-lint E3688") {
		t.Errorf("ICMPv6 type 128 with every code: %v", err)
	}
	for _, f := range []Format{Terraform, AWSCLI, JSON, Markdown} {
		if _, err := Render(f, p); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// TestScriptChangesExistingGroupsByID: an imported plan's script creates
// no group: it reads each one by its id and makes its rules the plan's
// (the whole run is proven on moto: TestCLIScriptAdoptsAnImportOnMoto).
func TestScriptChangesExistingGroupsByID(t *testing.T) {
	src := render(t, AWSCLI, importedPlan(t))
	// The group holds the plan's HTTPS rule with another tag besides its
	// own, and with its description; the plan's 8443 rule with another
	// description; SSH, which the plan lacks; and a temporary rule.
	const web = "sg-0aaaaaaaaaaaaaaa1|"
	rules := strings.Join([]string{
		web + "false|tcp|443|443|0.0.0.0/0\x1esgr-0aaaaaaaaaaaaaa01\x1eHTTPS\x1eold\x1fx\x1dteam\x1fweb",
		web + "false|tcp|8443|8443|sg-0aaaaaaaaaaaaaaa1\x1esgr-0aaaaaaaaaaaaaa02\x1efrom itself, once\x1e",
		web + "false|tcp|22|22|0.0.0.0/0\x1esgr-0aaaaaaaaaaaaaa09\x1e\x1e",
		web + "false|tcp|23|23|0.0.0.0/0\x1esgr-0aaaaaaaaaaaaaa08\x1e\x1esgwiz:expires\x1f2099-01-01T00:00:00Z",
	}, "\t")
	calls, _, out := runScript(t, src, "FAKE_DESCRIPTION=Web server", "FAKE_FOR=sg-0aaaaaaaaaaaaaaa1", "FAKE_RULES="+rules,
		"FAKE_TAGS=Owner\x1fops\x1dStale\x1fx\x1daws:cloudformation:stack-name\x1fs")
	var verbs []string
	for _, c := range calls {
		if len(c) > 1 {
			verbs = append(verbs, c[1])
		}
		switch c[1] {
		case "create-security-group":
			t.Errorf("an existing group is not created: %q", c)
		case "revoke-security-group-ingress":
			if ids := strings.Join(c[slices.Index(c, "--security-group-rule-ids")+1:], " "); !strings.HasPrefix(ids, "sgr-0aaaaaaaaaaaaaa09 --output") {
				t.Errorf("only the rule the plan lacks is revoked, by id, not the temporary one: %q", c)
			}
		case "delete-tags":
			if r := c.flag("--resources"); !(r == "sgr-0aaaaaaaaaaaaaa01" && c.flag("--tags") == `[{"Key":"old"}]` || r == "sg-0aaaaaaaaaaaaaaa1" && c.flag("--tags") == `[{"Key":"Stale"}]`) {
				t.Errorf("delete-tags removes what the plan does not hold, never aws: tags: %q", c)
			}
		case "create-tags":
			if r := c.flag("--resources"); r == "sgr-0aaaaaaaaaaaaaa02" {
				t.Errorf("a rule that holds the plan's tags (none) is not tagged again: %q", c)
			}
		case "authorize-security-group-ingress":
			if c.flag("--group-id") == "sg-0aaaaaaaaaaaaaaa1" && !strings.Contains(c.flag("--ip-permissions"), `"FromPort":80,`) {
				t.Errorf("only the rule the group lacks is added: %q", c)
			}
		case "update-security-group-rule-descriptions-ingress":
			if perms := c.flag("--ip-permissions"); c.flag("--group-id") == "sg-0aaaaaaaaaaaaaaa1" && (!strings.Contains(perms, "from itself") || strings.Contains(perms, "HTTPS")) {
				t.Errorf("only the description that differs is set: %q", c)
			}
		}
	}
	for _, want := range []string{"existing web: sg-0aaaaaaaaaaaaaaa1", "existing db: sg-0bbbbbbbbbbbbbbb2"} {
		if !strings.Contains(out, want) {
			t.Errorf("the script should say %q:\n%s", want, out)
		}
	}
	if got := strings.Join(verbs, " "); got != "describe-vpcs describe-security-groups describe-security-group-rules delete-tags create-tags delete-tags create-tags authorize-security-group-ingress revoke-security-group-ingress update-security-group-rule-descriptions-ingress authorize-security-group-egress authorize-security-group-ingress" {
		t.Errorf("calls: %s", got)
	}
	// At the rules quota the add is refused: the script removes the rule
	// the plan lacks first and adds again, as apply does.
	calls, _, out = runScript(t, src, "FAKE_DESCRIPTION=Web server", "FAKE_FOR=sg-0aaaaaaaaaaaaaaa1", "FAKE_RULES="+rules, "FAKE_QUOTA=1")
	verbs = verbs[:0]
	for _, c := range calls {
		if strings.HasPrefix(c[1], "authorize-") || strings.HasPrefix(c[1], "revoke-") {
			verbs = append(verbs, c[1])
		}
	}
	if got := strings.Join(verbs, " "); !strings.HasPrefix(got, "authorize-security-group-ingress revoke-security-group-ingress authorize-security-group-ingress") {
		t.Errorf("at the quota: %s\n%s", got, out)
	}
	if !strings.Contains(out, "was at its rules quota: removed the 1 rule(s)") {
		t.Errorf("the script says why it removes first:\n%s", out)
	}
	// At the quota with nothing to remove, AWS's error stands.
	calls, _, out, err := tryScript(t, src, "FAKE_DESCRIPTION=Web server", "FAKE_FOR=sg-0aaaaaaaaaaaaaaa1", "FAKE_QUOTA=1")
	adds := 0
	for _, c := range calls {
		if len(c) > 1 && strings.HasPrefix(c[1], "authorize-") {
			adds++
		}
	}
	if err == nil || adds != 1 || !strings.Contains(out, "RulesPerSecurityGroupLimitExceeded") || strings.Contains(out, "rules quota") {
		t.Errorf("at the quota with nothing to remove: %v, %d adds\n%s", err, adds, out)
	}
	_, _, out = runScript(t, src, "FAKE_DESCRIPTION=Something else")
	if !strings.Contains(out, "sgwiz: web keeps its description Something else: AWS cannot change a group's description") {
		t.Errorf("a description that differs is said:\n%s", out)
	}
}

// A new group's outbound rules change in apply's order: the plan's rules
// are added before AWS's allow-all is revoked, unless adding first would
// pass the rules quota, where apply too removes first.
func TestScriptAddsOutboundBeforeItRevokes(t *testing.T) {
	order := func(p model.Plan) string {
		src := string(render(t, AWSCLI, p))
		add, revoke := strings.Index(src, "aws ec2 authorize-security-group-egress"), strings.Index(src, "aws ec2 revoke-security-group-egress")
		if add < 0 || revoke < 0 {
			t.Fatalf("no add or no revoke:\n%s", src)
		}
		if add < revoke {
			return "add, revoke"
		}
		return "revoke, add"
	}
	if got := order(presetPlan(t, "web")); got != "add, revoke" {
		t.Errorf("web: %s", got)
	}
	p := presetPlan(t, "web")
	p.Groups[0].Egress = nil
	for i := range model.MaxRulesPerDirection {
		p.Groups[0].Egress = append(p.Groups[0].Egress, model.Rule{Protocol: model.TCP, Ports: model.Port(1000 + i), Peer: model.CIDR(netip.MustParsePrefix("10.0.0.0/8"))})
	}
	if got := order(p); got != "revoke, add" {
		t.Errorf("60 outbound rules (61 with AWS's): %s", got)
	}
}
