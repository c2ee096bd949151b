package export

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sgwiz/sgwiz/model"
)

// The ASFF field rules, from the AwsSecurityFinding reference of the
// Security Hub API and the user guide's "Required top-level ASFF
// attributes" (BatchImportFindings: at most 240 KB a finding).
var (
	asffRequired = []string{"AwsAccountId", "CreatedAt", "Description", "GeneratorId", "Id", "ProductArn",
		"Resources", "SchemaVersion", "Severity", "Title", "Types", "UpdatedAt"}
	// asffKnown are the top-level attributes sgwiz may send: a name
	// outside them is a typo Security Hub would refuse.
	asffKnown = append(slices.Clone(asffRequired), "Region", "Remediation", "ProductFields", "Compliance",
		"FindingProviderFields", "Workflow", "RecordState")
	// asffTime is the timestamp form Security Hub accepts: RFC 3339 with
	// at most 9 digits of fraction and an offset of Z or ±HH[:MM].
	asffTime       = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}(:?\d{2})?)$`)
	asffAccount    = regexp.MustCompile(`^\d{12}$`)
	asffProduct    = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):securityhub:([a-z0-9-]+):(\d{12}):product/(\d{12})/default$`)
	asffGroupARN   = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):ec2:([a-z0-9-]+):(\d{12}):security-group/sg-[0-9a-f]+$`)
	asffNamespaces = []string{"Software and Configuration Checks", "TTPs", "Effects", "Unusual Behaviors", "Sensitive Data Identifications"}
	asffSeverities = []string{"INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"}
)

// validateASFF checks a finding as decoded from JSON against the ASFF
// rules: required attributes, their JSON types, lengths and values.
func validateASFF(f map[string]any) []string {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	str := func(obj map[string]any, key string, min, max int) string {
		v, ok := obj[key]
		if !ok {
			return ""
		}
		s, ok := v.(string)
		switch n := utf8.RuneCountInString(s); {
		case !ok:
			bad("%s is %T, not a string", key, v)
		case n < min || n > max:
			bad("%s has %d characters, not %d to %d", key, n, min, max)
		case len(s) > max:
			bad("%s has %d bytes, more than %d", key, len(s), max)
		case min > 0 && strings.TrimSpace(s) == "":
			bad("%s is blank", key)
		}
		return s
	}
	obj := func(parent map[string]any, key string) map[string]any {
		v, ok := parent[key]
		if !ok {
			return nil
		}
		m, ok := v.(map[string]any)
		if !ok {
			bad("%s is %T, not an object", key, v)
		}
		return m
	}
	strings_ := func(parent map[string]any, key string, max int) []string {
		v, ok := parent[key]
		if !ok {
			return nil
		}
		list, ok := v.([]any)
		if !ok {
			bad("%s is %T, not an array", key, v)
			return nil
		}
		if len(list) > max {
			bad("%s has %d entries, more than %d", key, len(list), max)
		}
		var out []string
		for i, e := range list {
			s, ok := e.(string)
			if !ok {
				bad("%s[%d] is %T, not a string", key, i, e)
			}
			out = append(out, s)
		}
		return out
	}
	types := func(key string, ts []string) {
		if len(ts) == 0 {
			bad("%s is empty", key)
		}
		for _, t := range ts {
			parts := strings.Split(t, "/")
			if len(parts) < 2 || len(parts) > 3 || !slices.Contains(asffNamespaces, parts[0]) || slices.Contains(parts, "") {
				bad("%s %q is not namespace/category[/classifier] of a known namespace", key, t)
			}
		}
	}
	severity := func(key string, s map[string]any) {
		if s == nil {
			return
		}
		if l := str(s, "Label", 1, 13); !slices.Contains(asffSeverities, l) {
			bad("%s.Label %q is not a severity label", key, l)
		}
		str(s, "Original", 1, 64)
	}
	oneOf := func(key, v string, allowed ...string) {
		if v != "" && !slices.Contains(allowed, v) {
			bad("%s %q is not one of %v", key, v, allowed)
		}
	}

	for _, k := range asffRequired {
		if _, ok := f[k]; !ok {
			bad("no %s", k)
		}
	}
	for k := range f {
		if !slices.Contains(asffKnown, k) {
			bad("unknown attribute %s", k)
		}
	}
	if v := str(f, "SchemaVersion", 1, 16); v != ASFFSchemaVersion {
		bad("SchemaVersion %q", v)
	}
	account := str(f, "AwsAccountId", 12, 12)
	if !asffAccount.MatchString(account) {
		bad("AwsAccountId %q is not 12 digits", account)
	}
	str(f, "Id", 1, 512)
	str(f, "GeneratorId", 1, 512)
	region := str(f, "Region", 1, 16)
	product := str(f, "ProductArn", 12, 2048)
	if m := asffProduct.FindStringSubmatch(product); m == nil || m[3] != account || m[4] != account || (region != "" && m[2] != region) {
		bad("ProductArn %q is not the account's default product in its region", product)
	}
	for _, k := range []string{"CreatedAt", "UpdatedAt"} {
		if v := str(f, k, 1, 64); !asffTime.MatchString(v) {
			bad("%s %q is not a timestamp Security Hub accepts", k, v)
		}
	}
	str(f, "Title", 1, 256)
	str(f, "Description", 1, 1024)
	types("Types", strings_(f, "Types", 50))
	severity("Severity", obj(f, "Severity"))
	if r := obj(f, "Remediation"); r != nil {
		if rec := obj(r, "Recommendation"); rec != nil {
			str(rec, "Text", 1, 512)
		}
	}
	if pf := obj(f, "ProductFields"); pf != nil {
		if len(pf) > 50 {
			bad("ProductFields has %d pairs, more than 50", len(pf))
		}
		for k := range pf {
			if n := utf8.RuneCountInString(k); n < 1 || n > 128 {
				bad("ProductFields key %q", k)
			}
			str(pf, k, 1, 2048)
		}
	}
	if rs, ok := f["Resources"].([]any); !ok || len(rs) < 1 || len(rs) > 32 {
		bad("Resources is not an array of 1 to 32 resources")
	} else {
		for _, r := range rs {
			res, ok := r.(map[string]any)
			if !ok {
				bad("a resource is %T, not an object", r)
				continue
			}
			str(res, "Type", 1, 256)
			if id := str(res, "Id", 1, 2048); res["Type"] == "AwsEc2SecurityGroup" && !asffGroupARN.MatchString(id) {
				bad("resource Id %q is not a security group's ARN", id)
			}
			oneOf("Resources.Partition", str(res, "Partition", 1, 16), "aws", "aws-cn", "aws-us-gov")
			str(res, "Region", 1, 16)
		}
	}
	if c := obj(f, "Compliance"); c != nil {
		oneOf("Compliance.Status", str(c, "Status", 1, 16), "PASSED", "WARNING", "FAILED", "NOT_AVAILABLE")
		for i, r := range strings_(c, "RelatedRequirements", 32) {
			if n := utf8.RuneCountInString(r); n < 1 || n > 256 {
				bad("RelatedRequirements[%d] has %d characters", i, n)
			}
		}
	}
	if p := obj(f, "FindingProviderFields"); p != nil {
		severity("FindingProviderFields.Severity", obj(p, "Severity"))
		if _, ok := p["Types"]; ok {
			types("FindingProviderFields.Types", strings_(p, "Types", 50))
		}
	}
	if w := obj(f, "Workflow"); w != nil {
		oneOf("Workflow.Status", str(w, "Status", 1, 16), "NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED")
	}
	if _, ok := f["RecordState"]; ok {
		oneOf("RecordState", str(f, "RecordState", 1, 16), "ACTIVE", "ARCHIVED")
	}
	if b, _ := json.Marshal(f); len(b) > 240*1024 {
		bad("%d bytes, more than the 240 KB a finding may have", len(b))
	}
	return errs
}

// checkASFF reads an asff export as the AWS CLI's --findings file:// does
// (a JSON array of findings), validates every finding, and returns them.
func checkASFF(t testing.TB, out []byte) []map[string]any {
	t.Helper()
	var fs []map[string]any
	if err := json.Unmarshal(out, &fs); err != nil {
		t.Fatalf("not a JSON array of findings: %v\n%s", err, out)
	}
	ids := map[string]bool{}
	for i, f := range fs {
		if errs := validateASFF(f); len(errs) > 0 {
			t.Errorf("finding %d (%v) breaks the ASFF rules:\n  %s", i, f["Id"], strings.Join(errs, "\n  "))
		}
		id, _ := f["Id"].(string)
		if ids[id] {
			t.Errorf("Id %s is given twice", id)
		}
		ids[id] = true
	}
	return fs
}

var asffClock = time.Date(2025, 3, 4, 5, 6, 7, 890, time.UTC)

func renderASFF(t testing.TB, r AuditReport) []byte {
	t.Helper()
	r.At = asffClock
	out, err := RenderAudit(AuditASFF, r, "test")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestASFFFollowsTheFieldRules: every finding of an audit is valid ASFF,
// one per audit finding, with the values Security Hub expects of a
// custom integration.
func TestASFFFollowsTheFieldRules(t *testing.T) {
	if f, err := ParseAuditFormat("asff"); err != nil || f != AuditASFF {
		t.Fatalf("--format asff: %v", err)
	}
	r := sampleAudit(t, "web|prod\n`x`", "ssh | from *anywhere*")
	fs := checkASFF(t, renderASFF(t, r))
	if len(fs) != len(r.Findings) {
		t.Fatalf("%d ASFF findings for %d audit findings", len(fs), len(r.Findings))
	}
	labels := map[model.Severity]string{model.Info: "INFORMATIONAL", model.Low: "LOW", model.Medium: "MEDIUM", model.High: "HIGH", model.Critical: "CRITICAL"}
	for i, f := range fs {
		a := r.Findings[i]
		sev := f["Severity"].(map[string]any)
		res := f["Resources"].([]any)[0].(map[string]any)
		comp := f["Compliance"].(map[string]any)
		switch {
		case f["GeneratorId"] != "sgwiz/"+a.ID:
			t.Errorf("GeneratorId %v for check %s", f["GeneratorId"], a.ID)
		case !strings.HasPrefix(f["Id"].(string), "sgwiz/123456789012/eu-west-1/"+a.GroupID+"/"+a.ID+"/"):
			t.Errorf("Id %v does not say account, region, group and check", f["Id"])
		case f["ProductArn"] != "arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default":
			t.Errorf("ProductArn %v", f["ProductArn"])
		case sev["Label"] != labels[a.Severity] || sev["Original"] != a.Severity.String():
			t.Errorf("severity %v for %s", sev, a.Severity)
		case f["CreatedAt"] != "2025-03-04T05:06:07Z" || f["UpdatedAt"] != f["CreatedAt"]:
			t.Errorf("times %v %v, not the audit's", f["CreatedAt"], f["UpdatedAt"])
		case res["Type"] != "AwsEc2SecurityGroup" || res["Id"] != "arn:aws:ec2:eu-west-1:123456789012:security-group/"+a.GroupID || res["Partition"] != "aws":
			t.Errorf("resource %v", res)
		case comp["Status"] != "FAILED" || f["RecordState"] != "ACTIVE" || f["Workflow"].(map[string]any)["Status"] != "NEW":
			t.Errorf("a finding is FAILED, ACTIVE and NEW: %v %v %v", comp, f["RecordState"], f["Workflow"])
		case len(a.Controls) > 0 && fmt.Sprint(comp["RelatedRequirements"]) != fmt.Sprint(a.Controls):
			t.Errorf("RelatedRequirements %v, the controls %v", comp["RelatedRequirements"], a.Controls)
		case !strings.Contains(f["Description"].(string), a.Why):
			t.Errorf("the description does not say why: %v", f["Description"])
		}
		if a.ID == "world-admin-port" {
			types := fmt.Sprint(f["Types"])
			if !strings.Contains(types, "Network Reachability") || !strings.Contains(types, "AWS-Foundational-Security-Best-Practices") || !strings.Contains(types, "CIS AWS Foundations Benchmark") {
				t.Errorf("SSH to the world is network reachability, of FSBP and CIS: %v", types)
			}
		}
	}
	if _, err := RenderAudit(AuditASFF, r, "test"); err == nil || !strings.Contains(err.Error(), "AuditReport.At") {
		t.Errorf("a report without a time cannot be ASFF: %v", err)
	}
}

// TestASFFIdsAreStable: the same audit gives the same findings, byte for
// byte; a finding keeps its Id when other rules come and go before its
// rule, and findings that share group, check and rule (two missing tags)
// each have their own.
func TestASFFIdsAreStable(t *testing.T) {
	r := sampleAudit(t, "web", "ssh")
	first, second := renderASFF(t, r), renderASFF(t, sampleAudit(t, "web", "ssh"))
	if string(first) != string(second) {
		t.Fatalf("two renders of one audit differ:\n%s\n%s", first, second)
	}
	ids := func(fs []map[string]any) map[string]string {
		m := map[string]string{}
		for _, f := range fs {
			m[f["Id"].(string)] = f["GeneratorId"].(string)
		}
		return m
	}
	before := ids(checkASFF(t, first))

	// The same account with one more rule first in the group and two
	// required tags: the earlier findings keep their Ids.
	telnet, _ := model.NewRule("tcp", "23", "0.0.0.0/0", "telnet")
	https, _ := model.NewRule("tcp", "443", "0.0.0.0/0", "https")
	ssh, _ := model.NewRule("tcp", "22", "0.0.0.0/0", "ssh")
	ssh2, _ := model.NewRule("tcp", "22", "0.0.0.0/0", "ssh")
	ssh2.Description = "another description: the same rule"
	inv := func(ingress ...model.Rule) model.Inventory {
		return model.Inventory{Account: "123456789012", Region: "eu-west-1",
			Groups: []model.Group{
				{ID: "sg-0123456789abcdef0", Name: "web", VPC: "vpc-0123456789abcdef0", Ingress: ingress},
				{ID: "sg-0123456789abcdef1", Name: "default", VPC: "vpc-0123456789abcdef0", Egress: []model.Rule{https}},
			},
			Interfaces: []model.Interface{{ID: "eni-1", Groups: []string{"sg-0123456789abcdef0"}}},
			Checked:    []string{model.CheckedInterfaces, model.CheckedTemplates, model.CheckedRules, model.CheckedPeering}}
	}
	grown := AuditReport{Findings: model.Audit(inv(telnet, https, ssh2), model.AuditOptions{RequireTags: []string{"Owner", "Team"}})}
	after := ids(checkASFF(t, renderASFF(t, grown)))
	for id, gen := range before {
		if gen == "sgwiz/missing-tag" {
			continue // told apart by the tag now that two are missing
		}
		if _, ok := after[id]; !ok {
			t.Errorf("%s (%s) has another Id once a rule is added before it: %v", id, gen, after)
		}
	}
	tags := 0
	for _, gen := range after {
		if gen == "sgwiz/missing-tag" {
			tags++
		}
	}
	if tags != 4 {
		t.Errorf("two groups each missing two tags: %d missing-tag findings of their own, want 4", tags)
	}

	// The rule, not its description or place, makes the Id.
	a := ids(checkASFF(t, renderASFF(t, AuditReport{Findings: model.Audit(inv(ssh), model.AuditOptions{})})))
	b := ids(checkASFF(t, renderASFF(t, AuditReport{Findings: model.Audit(inv(https, ssh2), model.AuditOptions{})})))
	for id, gen := range a {
		if _, ok := b[id]; !ok && gen != "sgwiz/missing-description" {
			t.Errorf("%s changed with the rule's description or place", id)
		}
	}
}

// TestASFFClipsToTheLimits: long texts are cut within ASFF's limits on a
// character boundary, and many controls within RelatedRequirements's 32.
func TestASFFClipsToTheLimits(t *testing.T) {
	long := strings.Repeat("é", 2000)
	f := model.AuditFinding{Account: "123456789012", Region: "cn-north-1", GroupID: "sg-0123456789abcdef0",
		Finding: model.Finding{ID: "world-admin-port", Severity: model.High, Group: long, Index: -1, Why: long, Fix: long}}
	for i := range 40 {
		f.Controls = append(f.Controls, fmt.Sprintf("control %d %s", i, strings.Repeat("x", 300)))
	}
	fs := checkASFF(t, renderASFF(t, AuditReport{Findings: []model.AuditFinding{f}}))
	got := fs[0]
	if d := got["Description"].(string); !utf8.ValidString(d) || !strings.HasSuffix(d, "…") {
		t.Errorf("the description is cut on a character, with an ellipsis: %q", d[len(d)-8:])
	}
	if got["ProductArn"] != "arn:aws-cn:securityhub:cn-north-1:123456789012:product/123456789012/default" {
		t.Errorf("China's partition: %v", got["ProductArn"])
	}
}

// TestASFFValidatorRefusesWhatSecurityHubRefuses: the validator the tests
// rely on finds each kind of broken finding.
func TestASFFValidatorRefusesWhatSecurityHubRefuses(t *testing.T) {
	var fs []map[string]any
	if err := json.Unmarshal(renderASFF(t, sampleAudit(t, "web", "ssh")), &fs); err != nil {
		t.Fatal(err)
	}
	if errs := validateASFF(fs[0]); len(errs) > 0 {
		t.Fatalf("the sample is valid: %v", errs)
	}
	for name, c := range map[string]struct {
		change func(f map[string]any)
		want   string
	}{
		"no Id":               {func(f map[string]any) { delete(f, "Id") }, "no Id"},
		"numeric account":     {func(f map[string]any) { f["AwsAccountId"] = float64(123456789012) }, "AwsAccountId is float64"},
		"short account":       {func(f map[string]any) { f["AwsAccountId"] = "12345" }, "AwsAccountId has 5 characters"},
		"other account":       {func(f map[string]any) { f["ProductArn"] = ASFFProductARN("210987654321", "eu-west-1") }, "ProductArn"},
		"bad label":           {func(f map[string]any) { f["Severity"] = map[string]any{"Label": "SEVERE"} }, `Severity.Label "SEVERE"`},
		"long title":          {func(f map[string]any) { f["Title"] = strings.Repeat("t", 257) }, "Title has 257 characters"},
		"blank description":   {func(f map[string]any) { f["Description"] = "  " }, "Description is blank"},
		"unknown namespace":   {func(f map[string]any) { f["Types"] = []any{"Security/Groups"} }, "not namespace/category"},
		"no types":            {func(f map[string]any) { f["Types"] = []any{} }, "Types is empty"},
		"local time":          {func(f map[string]any) { f["CreatedAt"] = "2025-03-04 05:06:07" }, "CreatedAt"},
		"ten fraction digits": {func(f map[string]any) { f["UpdatedAt"] = "2025-03-04T05:06:07.1234567890Z" }, "UpdatedAt"},
		"no resources":        {func(f map[string]any) { f["Resources"] = []any{} }, "Resources is not an array"},
		"resource not an ARN": {func(f map[string]any) {
			f["Resources"] = []any{map[string]any{"Type": "AwsEc2SecurityGroup", "Id": "sg-1", "Partition": "aws"}}
		}, "not a security group's ARN"},
		"33 requirements": {func(f map[string]any) {
			f["Compliance"] = map[string]any{"Status": "FAILED", "RelatedRequirements": make([]any, 33)}
		}, "RelatedRequirements has 33 entries"},
		"workflow":     {func(f map[string]any) { f["Workflow"] = map[string]any{"Status": "DONE"} }, "Workflow.Status"},
		"record state": {func(f map[string]any) { f["RecordState"] = "DELETED" }, "RecordState"},
		"typo":         {func(f map[string]any) { f["Severty"] = f["Severity"] }, "unknown attribute Severty"},
	} {
		t.Run(name, func(t *testing.T) {
			var f map[string]any
			b, _ := json.Marshal(fs[0])
			_ = json.Unmarshal(b, &f)
			c.change(f)
			errs := strings.Join(validateASFF(f), "\n")
			if !strings.Contains(errs, c.want) {
				t.Errorf("want an error with %q, got %q", c.want, errs)
			}
		})
	}
}

// FuzzASFF: whatever a group's name and a rule's description hold, every
// finding stays valid ASFF with its own Id.
func FuzzASFF(f *testing.F) {
	for _, seed := range [][2]string{{"web", "ssh"}, {"a|b", "x\ny"}, {"\u202e", "\x00"}, {"", ""}, {strings.Repeat("\xff", 300), "\t"}} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, name, desc string) {
		r := sampleAudit(t, name, desc)
		if fs := checkASFF(t, renderASFF(t, r)); len(fs) != len(r.Findings) {
			t.Fatalf("%d ASFF findings for %d audit findings", len(fs), len(r.Findings))
		}
	})
}

// TestIdsDoNotFollowTheWords: a finding whose words change with what the
// audit could check (unused-group lists the sources it read) keeps its
// ASFF Id and SARIF fingerprint; two tags missing on one group are two.
func TestIdsDoNotFollowTheWords(t *testing.T) {
	f := model.AuditFinding{Account: "123456789012", Region: "eu-west-1", GroupID: "sg-0123456789abcdef0",
		Finding: model.Finding{ID: "unused-group", Index: -1, Why: "Nothing uses it (checked: a, b)."}}
	g := f
	g.Why = "Nothing uses it (checked: a, b, c)."
	if a, b := asffIDs([]model.AuditFinding{f}), asffIDs([]model.AuditFinding{g}); a[0] != b[0] {
		t.Errorf("the Id moved with the words: %s, %s", a[0], b[0])
	}
	owner, team := f, f
	owner.ID, owner.Subject, team.ID, team.Subject = "missing-tag", "Owner", "missing-tag", "Team"
	if ids := asffIDs([]model.AuditFinding{owner, team}); ids[0] == ids[1] || strings.HasSuffix(ids[1], "-2") {
		t.Errorf("two missing tags are two findings: %v", ids)
	}
	if findingKey(owner) == findingKey(team) {
		t.Error("SARIF would fingerprint two missing tags alike")
	}
}
