package aws_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	sgaws "github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/export"
	"github.com/sgwiz/sgwiz/internal/mototest"
	"github.com/sgwiz/sgwiz/internal/testtool"
	"github.com/sgwiz/sgwiz/model"
)

// Where moto 5.2.1 differs from Security Hub, as these tests meet it
// (read in moto/securityhub/models.py and measured):
//   - GetFindings ignores Filters (and SortCriteria): it returns every
//     finding of the account and region, archived ones and other
//     products' too. sgwiz applies its filter again to what comes back.
//   - BatchUpdateFindings is not served (404): the workflow of a resolved
//     finding is set only because moto's BatchImportFindings also updates
//     Workflow, which Security Hub keeps once a finding exists.
//   - BatchImportFindings checks only that Resources is not empty: not the
//     ASFF field rules, not that Security Hub is enabled, not the caller's
//     account against AwsAccountId and ProductArn; and it stores a finding
//     as sent, without the fields Security Hub adds (ProductName,
//     CompanyName, ProcessedAt, FindingProviderFields when absent, a
//     default RecordState and Workflow).
// The field rules are proven in export (TestASFFFollowsTheFieldRules).

// hubClient is a plain Security Hub client on the account, to look at it
// independently of sgwiz.
func hubClient(t testing.TB, url string) *securityhub.Client {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("us-east-1"),
		config.WithBaseEndpoint(url), config.WithCredentialsProvider(testCredentials))
	if err != nil {
		t.Fatal(err)
	}
	cfg.HTTPClient = sgaws.HTTPClient(cfg.HTTPClient)
	return securityhub.NewFromConfig(cfg)
}

// hubFindings reads every finding of the account and region, by Id.
func hubFindings(t testing.TB, hub *securityhub.Client) map[string]types.AwsSecurityFinding {
	t.Helper()
	out := map[string]types.AwsSecurityFinding{}
	for p := securityhub.NewGetFindingsPaginator(hub, &securityhub.GetFindingsInput{MaxResults: sdk.Int32(100)}); p.HasMorePages(); {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range page.Findings {
			if _, dup := out[sdk.ToString(f.Id)]; dup {
				t.Errorf("GetFindings returns %s twice", sdk.ToString(f.Id))
			}
			out[sdk.ToString(f.Id)] = f
		}
	}
	return out
}

// hubAudit is an audit of account in us-east-1: groups web-0 … web-(n-1),
// each open to the world on SSH (with open lacking the SSH rule), and each
// missing a required tag, which makes more than a hundred findings of
// several checks for n = 60.
func hubAudit(t testing.TB, account string, n int, open func(i int) bool, at time.Time) []export.ASFFFinding {
	t.Helper()
	ssh, _ := model.NewRule("tcp", "22", "0.0.0.0/0", "ssh")
	https, _ := model.NewRule("tcp", "443", "0.0.0.0/0", "https")
	inv := model.Inventory{Account: account, Region: "us-east-1",
		Checked: []string{model.CheckedInterfaces, model.CheckedTemplates, model.CheckedRules, model.CheckedPeering}}
	for i := range n {
		g := model.Group{ID: fmt.Sprintf("sg-%017x", i+1), Name: fmt.Sprintf("web-%d", i), VPC: "vpc-0123456789abcdef0", Ingress: []model.Rule{https}}
		if open(i) {
			g.Ingress = append(g.Ingress, ssh)
		}
		inv.Groups = append(inv.Groups, g)
		inv.Interfaces = append(inv.Interfaces, model.Interface{ID: fmt.Sprintf("eni-%d", i), Groups: []string{g.ID}})
	}
	fs, err := export.ASFF(export.AuditReport{Findings: model.Audit(inv, model.AuditOptions{RequireTags: []string{"Owner"}}), At: at})
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// TestSecurityHubImportUpdatesAndResolves imports an audit into moto's
// Security Hub, imports it again (updated, not copied), then an audit
// without one group's SSH finding: that finding comes back resolved and
// archived, and nothing else is touched.
func TestSecurityHubImportUpdatesAndResolves(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	acct := mototest.NewAccount(t)
	c, _ := connect(t, acct.URL)
	hub := hubClient(t, acct.URL)
	if _, err := hub.EnableSecurityHub(ctx, &securityhub.EnableSecurityHubInput{}); err != nil {
		t.Fatal(err)
	}
	// Another product's finding, and one of another tool on the default
	// product: neither is sgwiz's to resolve.
	other := func(id, generator string) types.AwsSecurityFinding {
		return types.AwsSecurityFinding{SchemaVersion: sdk.String(export.ASFFSchemaVersion), Id: sdk.String(id),
			ProductArn: sdk.String(export.ASFFProductARN(acct.ID, "us-east-1")), GeneratorId: sdk.String(generator),
			AwsAccountId: sdk.String(acct.ID), Types: []string{"Software and Configuration Checks/AWS Security Best Practices"},
			CreatedAt: sdk.String("2025-01-01T00:00:00Z"), UpdatedAt: sdk.String("2025-01-01T00:00:00Z"),
			Severity: &types.Severity{Label: types.SeverityLabelLow}, Title: sdk.String("t"), Description: sdk.String("d"),
			Resources:   []types.Resource{{Type: sdk.String("Other"), Id: sdk.String("x")}},
			RecordState: types.RecordStateActive}
	}
	if _, err := hub.BatchImportFindings(ctx, &securityhub.BatchImportFindingsInput{Findings: []types.AwsSecurityFinding{
		other("other-tool/1", "other-tool/check"), other("sgwiz/"+acct.ID+"/us-east-1/sg-00000000000000001/x/y", "someone-else/check")}}); err != nil {
		t.Fatal(err)
	}

	t0 := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	all := func(int) bool { return true }
	first := hubAudit(t, acct.ID, 60, all, t0)
	if len(first) <= sgaws.MaxImportBatch {
		t.Fatalf("the audit should need more than one batch: %d findings", len(first))
	}
	batches := (len(first) + sgaws.MaxImportBatch - 1) / sgaws.MaxImportBatch

	res, err := c.ImportFindings(ctx, acct.ID, "us-east-1", first, t0)
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != len(first) || res.New != len(first) || res.Resolved != 0 || len(res.Failed) != 0 || res.Calls != 1+batches {
		t.Fatalf("first import: %+v, want %d imported and new in %d calls", res, len(first), 1+batches)
	}
	got := hubFindings(t, hub)
	if len(got) != len(first)+2 {
		t.Fatalf("GetFindings holds %d findings, want the audit's %d and the 2 others", len(got), len(first))
	}
	for _, f := range first {
		g, ok := got[f.ID]
		switch {
		case !ok:
			t.Fatalf("%s was not imported", f.ID)
		case g.RecordState != types.RecordStateActive || g.Workflow == nil || g.Workflow.Status != types.WorkflowStatusNew ||
			g.Compliance == nil || g.Compliance.Status != types.ComplianceStatusFailed || sdk.ToString(g.GeneratorId) != f.GeneratorID:
			t.Errorf("%s is not an active, new, failed finding of its check: %+v", f.ID, g)
		case len(g.Resources) != 1 || sdk.ToString(g.Resources[0].Id) != f.Resources[0].ID || g.Severity == nil || string(g.Severity.Label) != f.Severity.Label:
			t.Errorf("%s lost its resource or severity", f.ID)
		}
	}

	// The same audit a day later: every finding updated, none added; each
	// keeps when it was first found.
	t1 := t0.Add(24 * time.Hour)
	res, err = c.ImportFindings(ctx, acct.ID, "us-east-1", hubAudit(t, acct.ID, 60, all, t1), t1)
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != len(first) || res.New != 0 || res.Resolved != 0 || len(res.Failed) != 0 || res.Calls != 2+batches {
		t.Fatalf("second import: %+v, want %d updated in %d calls (two pages read)", res, len(first), 2+batches)
	}
	got = hubFindings(t, hub)
	if len(got) != len(first)+2 {
		t.Fatalf("after the same audit again GetFindings holds %d findings, want %d", len(got), len(first)+2)
	}
	for _, f := range first {
		if g := got[f.ID]; sdk.ToString(g.CreatedAt) != "2025-03-01T10:00:00Z" || sdk.ToString(g.UpdatedAt) != "2025-03-02T10:00:00Z" {
			t.Errorf("%s: created %s, updated %s; want created when first found, updated now", f.ID, sdk.ToString(g.CreatedAt), sdk.ToString(g.UpdatedAt))
		}
	}

	// web-7's SSH rule is gone: its finding comes back resolved.
	t2 := t1.Add(time.Hour)
	third := hubAudit(t, acct.ID, 60, func(i int) bool { return i != 7 }, t2)
	now := map[string]bool{}
	for _, f := range third {
		now[f.ID] = true
	}
	var gone []string
	for _, f := range first {
		if !now[f.ID] {
			gone = append(gone, f.ID)
		}
	}
	if len(gone) != 1 || !strings.Contains(gone[0], "/sg-00000000000000008/world-admin-port/") {
		t.Fatalf("the audit without web-7's SSH rule should lose its one SSH finding: %v", gone)
	}
	res, err = c.ImportFindings(ctx, acct.ID, "us-east-1", third, t2)
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != len(third) || res.New != 0 || res.Resolved != 1 {
		t.Fatalf("third import: %+v, want %d updated and 1 resolved", res, len(third))
	}
	// moto does not serve BatchUpdateFindings, which sets the workflow of
	// a finding Security Hub holds: the one resolved finding says so.
	if len(res.Failed) != 1 || res.Failed[0].ID != gone[0] || res.Failed[0].Action != "BatchUpdateFindings" {
		t.Errorf("on moto the workflow update of the resolved finding fails (not served): %v", res.Failed)
	}
	got = hubFindings(t, hub)
	r := got[gone[0]]
	switch {
	case r.RecordState != types.RecordStateArchived:
		t.Errorf("the resolved finding is %s, not ARCHIVED", r.RecordState)
	case r.Workflow == nil || r.Workflow.Status != types.WorkflowStatusResolved:
		t.Errorf("the resolved finding's workflow is %+v, not RESOLVED", r.Workflow)
	case r.Compliance == nil || r.Compliance.Status != types.ComplianceStatusPassed || len(r.Compliance.RelatedRequirements) == 0:
		t.Errorf("the resolved finding passes, and keeps its controls: %+v", r.Compliance)
	case sdk.ToString(r.UpdatedAt) != "2025-03-02T11:00:00Z" || sdk.ToString(r.CreatedAt) != "2025-03-01T10:00:00Z":
		t.Errorf("resolved at %s (created %s), want the third audit's time", sdk.ToString(r.UpdatedAt), sdk.ToString(r.CreatedAt))
	}
	for id, g := range got {
		if id != gone[0] && g.RecordState != types.RecordStateActive {
			t.Errorf("%s is %s: only the finding no longer seen is archived", id, g.RecordState)
		}
	}

	// Once more: the archived finding is not resolved again, though moto
	// returns it (its GetFindings ignores the RecordState filter).
	res, err = c.ImportFindings(ctx, acct.ID, "us-east-1", third, t2.Add(time.Hour))
	if err != nil || res.Resolved != 0 || res.New != 0 || len(res.Failed) != 0 {
		t.Errorf("importing the same audit again resolves nothing more: %+v, %v", res, err)
	}

	// A check that did not run this time (its source could not be read)
	// proves nothing: its earlier findings are kept, not resolved.
	var without []export.ASFFFinding
	for _, f := range third {
		if f.GeneratorID != "sgwiz/world-admin-port" {
			without = append(without, f)
		}
	}
	res, err = c.ImportFindings(ctx, acct.ID, "us-east-1", without, t2.Add(2*time.Hour), "sgwiz/world-admin-port")
	if err != nil || res.Resolved != 0 {
		t.Errorf("findings of a check that did not run are kept: %+v, %v", res, err)
	}
}

// TestSecurityHubImportRefusesAnotherScope: findings of another account or
// region, or a client in another region, are refused before any call.
func TestSecurityHubImportRefusesAnotherScope(t *testing.T) {
	t.Parallel()
	c, _ := connect(t, "http://127.0.0.1:1") // nothing listens: no call may be made
	fs := hubAudit(t, "123456789012", 1, func(int) bool { return true }, time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC))
	for _, tc := range []struct{ account, region, want string }{
		{"210987654321", "us-east-1", "is of account 123456789012"},
		{"123456789012", "eu-west-1", "the client is in us-east-1"},
	} {
		if _, err := c.ImportFindings(context.Background(), tc.account, tc.region, fs, time.Now()); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %s: %v, want an error with %q", tc.account, tc.region, err, tc.want)
		}
	}
	twice := append(fs[:1:1], fs[0])
	if _, err := c.ImportFindings(context.Background(), "123456789012", "us-east-1", twice, time.Now()); err == nil || !strings.Contains(err.Error(), "given twice") {
		t.Errorf("a finding given twice: %v", err)
	}
}

// TestSecurityHubTakesTheASFFFileFromTheCLI: the asff export is what
// aws securityhub batch-import-findings --findings file://… reads.
func TestSecurityHubTakesTheASFFFileFromTheCLI(t *testing.T) {
	t.Parallel()
	awsCLI := testtool.Require(t, "aws", "pip install awscli")
	acct := mototest.NewAccount(t)
	ssh, _ := model.NewRule("tcp", "22", "0.0.0.0/0", "ssh")
	inv := model.Inventory{Account: acct.ID, Region: "us-east-1", Groups: []model.Group{{ID: "sg-0123456789abcdef0", Name: "web", Ingress: []model.Rule{ssh}}}}
	out, err := export.RenderAudit(export.AuditASFF, export.AuditReport{Findings: model.Audit(inv, model.AuditOptions{}), At: time.Now()}, "test")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "audit.asff.json")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(awsCLI, "securityhub", "batch-import-findings", "--findings", "file://"+path, "--output", "json")
	cmd.Env = acct.Env()
	res, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(res), `"FailedCount": 0`) {
		t.Fatalf("aws securityhub batch-import-findings: %v\n%s", err, res)
	}
	got := hubFindings(t, hubClient(t, acct.URL))
	if len(got) == 0 {
		t.Fatal("the CLI imported nothing")
	}
	for id, g := range got {
		if !strings.HasPrefix(id, export.ASFFPrefixOf(acct.ID, "us-east-1")) || g.RecordState != types.RecordStateActive {
			t.Errorf("%s: %s", id, g.RecordState)
		}
	}
}

// TestSecurityHubErrorsSayWhatToDo: a missing permission names the
// Security Hub action, a hub not enabled says how to enable it, and an
// endpoint that is down is said as Security Hub's.
func TestSecurityHubErrorsSayWhatToDo(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, code string
		status     int
		want       string
	}{
		{"denied", "AccessDeniedException", http.StatusForbidden, "missing IAM permission securityhub:GetFindings"},
		{"not enabled", "InvalidAccessException", http.StatusUnauthorized, "Security Hub is not enabled in this account and region: enable it (aws securityhub enable-security-hub)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Amzn-ErrorType", tc.code)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				fmt.Fprintf(w, `{"Code":%q,"Message":"no"}`, tc.code)
			}))
			defer srv.Close()
			c, _ := connect(t, srv.URL)
			_, err := c.ImportFindings(context.Background(), "123456789012", "us-east-1", nil, time.Now())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%v, want %q", err, tc.want)
			}
		})
	}
	c, _ := connect(t, "http://127.0.0.1:1")
	if _, err := c.ImportFindings(context.Background(), "123456789012", "us-east-1", nil, time.Now()); err == nil || !strings.Contains(err.Error(), "cannot reach Security Hub at http://127.0.0.1:1") {
		t.Errorf("an endpoint that is down: %v", err)
	}
}
