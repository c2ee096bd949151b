package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/sgwiz/sgwiz/internal/mototest"
	"github.com/sgwiz/sgwiz/model"
)

// One moto_server serves the package's tests, an account each.
func TestMain(m *testing.M) { mototest.Main(m) }

func mustPlanFile(t *testing.T, args ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "plan.yaml")
	if code, _, errOut := sgwiz(t, append([]string{"plan", "-o", path}, args...)...); code != 0 {
		t.Fatalf("plan: %s", errOut)
	}
	return path
}

func TestApplyInTheSandboxNeedsNoAccount(t *testing.T) {
	t.Parallel() // its Env reaches no AWS: the sandbox must not need one
	code, out, errOut := sgwiz(t, "apply", "--use-case", "three-tier", "--sandbox", "--yes")
	if code != 0 || !strings.Contains(out, "created sg-") || !strings.Contains(out, "web-db") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
}

func TestApplyAsksFirstAndNeedsYesWithoutATerminal(t *testing.T) {
	t.Parallel()
	code, out, errOut := sgwiz(t, "apply", "--use-case", "web", "--office-cidr", "203.0.113.10", "--sandbox")
	if code != 2 || !strings.Contains(errOut, "--yes") || !strings.Contains(out, "create group web") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestApplyAndImportOnMoto: sgwiz apply, then apply again (no changes),
// then import one group and apply the imported plan (no changes either).
func TestApplyAndImportOnMoto(t *testing.T) {
	t.Parallel()
	s := mototest.NewAccount(t)
	onMoto(t, s)
	plan := mustPlanFile(t, "--use-case", "three-tier", "--engine", "postgresql")
	code, out, errOut := sgwiz(t, "apply", "-f", plan, "--yes")
	if code != 0 || strings.Count(out, "created sg-") != 3 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = sgwiz(t, "apply", "-f", plan, "--yes")
	if code != 0 || !strings.Contains(out, "no changes") || strings.Contains(out, "created") {
		t.Errorf("the second apply should change nothing: exit %d\n%s", code, out)
	}
	code, out, _ = sgwiz(t, "apply", "-f", plan, "--dry-run")
	if code != 0 || !strings.Contains(out, "no changes") {
		t.Errorf("dry run after apply: %d\n%s", code, out)
	}
	imported := filepath.Join(t.TempDir(), "imported.yaml")
	appID := groupID(t, s.URL, "web-app")
	if code, _, errOut := sgwiz(t, "import", appID, "-o", imported); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	data, _ := os.ReadFile(imported)
	p, _, err := model.ParsePlan(data)
	if err != nil {
		t.Fatalf("the imported plan does not load: %v\n%s", err, data)
	}
	if len(p.Groups) != 3 {
		t.Errorf("import follows references: %d groups\n%s", len(p.Groups), data)
	}
	code, out, errOut = sgwiz(t, "apply", "-f", imported, "--yes")
	if code != 0 || !strings.Contains(out, "no changes") {
		t.Errorf("applying an import changes nothing: %d\n%s\n%s", code, out, errOut)
	}
	// Edit the imported plan: the app's outbound database port (the first
	// 5432 in the file) becomes 5433; apply revokes the one rule and adds
	// the other, in two calls, and touches no other group.
	edited := strings.Replace(string(data), "ports: \"5432\"", "ports: \"5433\"", 1)
	os.WriteFile(imported, []byte(edited), 0o644)
	code, out, errOut = sgwiz(t, "apply", "-f", imported, "--yes")
	if code != 0 || !strings.Contains(out, "- outbound PostgreSQL TCP 5432 to group web-db") ||
		!strings.Contains(out, "+ outbound Custom TCP 5433 to group web-db") ||
		strings.Count(out, "update group") != 1 || !strings.Contains(out, "done in 2 call(s)") {
		t.Errorf("an edit applies as its difference: %d\n%s\n%s", code, out, errOut)
	}
}

// groupID looks a group up by name with a plain SDK client.
func groupID(t *testing.T, url, name string) string {
	t.Helper()
	out, err := motoEC2(t, url).DescribeSecurityGroups(context.Background(), &ec2.DescribeSecurityGroupsInput{
		Filters: []types.Filter{{Name: sdk.String("group-name"), Values: []string{name}}}})
	if err != nil || len(out.SecurityGroups) != 1 {
		t.Fatalf("no group %s: %v", name, err)
	}
	return sdk.ToString(out.SecurityGroups[0].GroupId)
}

// TestApplyAsksBeforeReplacingRulesItDidNotCreate: a group of the plan's
// name that exists already keeps its rules unless --adopt says
// otherwise (with --yes); the change list says whose group it is.
func TestApplyAsksBeforeReplacingRulesItDidNotCreate(t *testing.T) {
	t.Parallel()
	s := mototest.NewAccount(t)
	onMoto(t, s)
	c := motoEC2(t, s.URL)
	out, err := c.CreateSecurityGroup(context.Background(), &ec2.CreateSecurityGroupInput{GroupName: sdk.String("bastion"), Description: sdk.String("by hand")})
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"apply", "--use-case", "bastion", "--office-cidr", "203.0.113.10", "--egress", "none"}
	code, stdout, errOut := sgwiz(t, append(args, "--yes")...)
	if code != 2 || !strings.Contains(stdout, "existing "+sdk.ToString(out.GroupId)+", 1 rule, found by name") || !strings.Contains(errOut, "--adopt") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, errOut)
	}
	code, stdout, errOut = sgwiz(t, append(args, "--yes", "--adopt")...)
	if code != 0 || !strings.Contains(stdout, "updated "+sdk.ToString(out.GroupId)) || !strings.Contains(stdout, `description stays "by hand"`) {
		t.Errorf("exit %d\n%s\n%s", code, stdout, errOut)
	}
	// Adopted, it carries the plan's owner tags: --yes alone will do now.
	code, stdout, errOut = sgwiz(t, append(args, "--yes")...)
	if code != 0 || !strings.Contains(stdout, "group bastion ("+sdk.ToString(out.GroupId)+"): no changes") {
		t.Errorf("after adopting: exit %d\n%s\n%s", code, stdout, errOut)
	}
}

// TestDryRunSaysWhatItCouldNotCheck: a call on a group apply creates
// cannot be asked of EC2 before the group exists; the dry run says it was
// not checked, never "ok". The change list tells ESP from GRE.
func TestDryRunSaysWhatItCouldNotCheck(t *testing.T) {
	t.Parallel()
	plan := filepath.Join(t.TempDir(), "tunnel.yaml")
	os.WriteFile(plan, []byte(`version: 1
use_case: custom
groups:
  - name: tunnel
    description: IPsec and GRE from the peer
    ingress:
      - {protocol: "50", from: 198.51.100.7/32, description: ESP from the peer}
      - {protocol: "47", from: 198.51.100.7/32, description: GRE from the peer}
    egress: []
`), 0o644)
	code, out, errOut := sgwiz(t, "apply", "-f", plan, "--sandbox", "--dry-run")
	if code != 0 || !strings.Contains(out, "ok   CreateSecurityGroup tunnel: allowed") ||
		!strings.Contains(out, "??   AuthorizeSecurityGroupIngress tunnel (2 rules): not checked") ||
		!strings.Contains(out, "??   RevokeSecurityGroupEgress tunnel (1 rule): not checked") ||
		strings.Contains(out, "ok   Authorize") || !strings.Contains(out, "2 call(s) not checked") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "+ inbound ESP (protocol 50) from 198.51.100.7/32") || !strings.Contains(out, "+ inbound GRE (protocol 47) from 198.51.100.7/32") {
		t.Errorf("the change list should tell ESP from GRE:\n%s", out)
	}
}
