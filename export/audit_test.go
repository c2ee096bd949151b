package export

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/sgwiz/sgwiz/internal/testtool"
	"github.com/sgwiz/sgwiz/model"
)

// sampleAudit is a small account's audit, its names and descriptions as
// hostile as AWS allows them.
func sampleAudit(t testing.TB, name, desc string) AuditReport {
	t.Helper()
	ssh, err := model.NewRule("tcp", "22", "0.0.0.0/0", "")
	if err != nil {
		t.Fatal(err)
	}
	ssh.Description = desc // as AWS holds it, whatever sgwiz would send
	https, _ := model.NewRule("tcp", "443", "0.0.0.0/0", "https")
	inv := model.Inventory{Account: "123456789012", Region: "eu-west-1",
		Groups: []model.Group{
			{ID: "sg-0123456789abcdef0", Name: name, VPC: "vpc-0123456789abcdef0", Ingress: []model.Rule{https, ssh}},
			{ID: "sg-0123456789abcdef1", Name: "default", VPC: "vpc-0123456789abcdef0", Egress: []model.Rule{https}},
		},
		Interfaces: []model.Interface{{ID: "eni-1", Groups: []string{"sg-0123456789abcdef0"}}},
		Checked:    []string{model.CheckedInterfaces, model.CheckedTemplates, model.CheckedRules, model.CheckedPeering}}
	return AuditReport{
		Scopes: []AuditScope{{Account: "123456789012", Region: "eu-west-1", Groups: 2, Interfaces: 1, Calls: 4, Checked: inv.Checked},
			{Account: "210987654321", Region: "eu-west-1", Error: "missing IAM permission ec2:DescribeSecurityGroups"}},
		Findings: model.Audit(inv, model.AuditOptions{RequireTags: []string{"Owner"}}),
	}
}

// sarifSchema compiles the SARIF 2.1.0 JSON schema.
func sarifSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	path := testtool.SARIFSchema(t)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("sarif.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("sarif.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// checkSARIF validates out against the schema and reads it back.
func checkSARIF(t testing.TB, schema *jsonschema.Schema, out []byte) map[string]any {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(string(out)))
	if err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if err := schema.Validate(inst); err != nil {
		t.Fatalf("not valid SARIF 2.1.0: %v", err)
	}
	return inst.(map[string]any)
}

// TestAuditReports: every format says the same findings; SARIF is valid
// SARIF 2.1.0 (the OASIS schema); JSON has the documented fields; the
// markdown tables hold one row per finding whatever the names hold.
func TestAuditReports(t *testing.T) {
	r := sampleAudit(t, "web|prod\n`x`", "ssh | from *anywhere*")
	if len(r.Findings) < 4 {
		t.Fatalf("the sample should have findings: %+v", r.Findings)
	}
	sarif, err := RenderAudit(AuditSARIF, r, "test")
	if err != nil {
		t.Fatal(err)
	}
	log := checkSARIF(t, sarifSchema(t), sarif)
	run := log["runs"].([]any)[0].(map[string]any)
	results := run["results"].([]any)
	if len(results) != len(r.Findings) {
		t.Errorf("%d results for %d findings", len(results), len(r.Findings))
	}
	first := results[0].(map[string]any)
	loc := first["locations"].([]any)[0].(map[string]any)["physicalLocation"].(map[string]any)["artifactLocation"].(map[string]any)["uri"]
	if first["level"] != "error" || !strings.HasPrefix(loc.(string), "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-") {
		t.Errorf("the first result is an error at the group's ARN: %v %v", first["level"], loc)
	}
	notes := run["invocations"].([]any)[0].(map[string]any)["toolExecutionNotifications"].([]any)
	if len(notes) != 1 || !strings.Contains(notes[0].(map[string]any)["message"].(map[string]any)["text"].(string), "210987654321 eu-west-1 not read: missing IAM permission") {
		t.Errorf("the account that could not be read is a notification: %v", notes)
	}

	js, err := RenderAudit(AuditJSON, r, "test")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version  int
		Scopes   []map[string]any
		Findings []struct {
			ID        string `json:"id"`
			Severity  string `json:"severity"`
			GroupID   string `json:"group_id"`
			GroupName string `json:"group_name"`
			RuleIndex *int   `json:"rule_index"`
			Rule      *struct {
				Description string `json:"description"`
			} `json:"rule"`
			Controls []string `json:"controls"`
		}
	}
	if err := json.Unmarshal(js, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != 1 || len(doc.Findings) != len(r.Findings) || doc.Scopes[1]["error"] == nil {
		t.Fatalf("json: %s", js)
	}
	for _, f := range doc.Findings {
		if f.ID == "world-admin-port" && (f.GroupName != "web|prod\n`x`" || *f.RuleIndex != 1 || f.Rule.Description != "ssh | from *anywhere*" || len(f.Controls) == 0) {
			t.Errorf("the SSH finding keeps the names as they are: %+v", f)
		}
	}

	md, _ := RenderAudit(AuditMarkdown, r, "test")
	rows := 0
	for line := range strings.SplitSeq(string(md), "\n") {
		if isRow(line) {
			rows++
			if n := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|"); n != 7 && n != 6 {
				t.Errorf("a row with %d cell borders: %q", n, line)
			}
		}
	}
	if rows != len(r.Findings)+len(r.Scopes) {
		t.Errorf("%d markdown rows for %d findings and %d scopes:\n%s", rows, len(r.Findings), len(r.Scopes), md)
	}
	table, _ := RenderAudit(AuditTable, r, "test")
	if strings.Count(string(table), "\n") != len(r.Findings)+1+1+len(r.Scopes) || !strings.Contains(string(table), "world-admin-port") {
		t.Errorf("the table has a header, a line per finding, then a line per scope:\n%s", table)
	}
	if _, err := ParseAuditFormat("xml"); err == nil || !strings.Contains(err.Error(), "table, json, sarif, markdown") {
		t.Errorf("an unknown format names the known ones: %v", err)
	}
}

// FuzzAuditReports: whatever a group's name and a rule's description hold
// (AWS accepts much), the JSON keeps them exactly, the SARIF stays valid,
// and the markdown keeps one row per finding.
func FuzzAuditReports(f *testing.F) {
	for _, seed := range [][2]string{{"web", "ssh"}, {"a|b", "x\ny"}, {"<script>", "${x} {{resolve:y}}"}, {"\u202e", "\x00"}, {"", ""}} {
		f.Add(seed[0], seed[1])
	}
	schema := sarifSchema(f)
	f.Fuzz(func(t *testing.T, name, desc string) {
		r := sampleAudit(t, name, desc)
		js, err := RenderAudit(AuditJSON, r, "fuzz")
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Findings []struct {
				GroupName string `json:"group_name"`
				ID        string `json:"id"`
				Rule      *struct {
					Description string `json:"description"`
				} `json:"rule"`
			} `json:"findings"`
		}
		if err := json.Unmarshal(js, &doc); err != nil {
			t.Fatal(err)
		}
		for i, fd := range doc.Findings {
			// AWS's names are UTF-8; JSON writes each invalid byte as U+FFFD.
			if want := r.Findings[i].Group; utf8.ValidString(want) && fd.GroupName != want {
				t.Fatalf("group name %q came back as %q", want, fd.GroupName)
			}
		}
		sarif, err := RenderAudit(AuditSARIF, r, "fuzz")
		if err != nil {
			t.Fatal(err)
		}
		checkSARIF(t, schema, sarif)
		md, _ := RenderAudit(AuditMarkdown, r, "fuzz")
		rows := 0
		for line := range strings.SplitSeq(string(md), "\n") {
			if isRow(line) {
				rows++
			}
		}
		if rows != len(r.Findings)+len(r.Scopes) {
			t.Fatalf("%d markdown rows for %d findings and %d scopes:\n%s", rows, len(r.Findings), len(r.Scopes), md)
		}
	})
}

// isRow reports whether a markdown line is a table row of data.
func isRow(line string) bool {
	return strings.HasPrefix(line, "| ") && !strings.HasPrefix(line, "| ---") && !strings.HasPrefix(line, "| Check") && !strings.HasPrefix(line, "| Account")
}
