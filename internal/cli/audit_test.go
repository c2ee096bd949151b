package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	sgaws "github.com/sgwiz/sgwiz/aws"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/sgwiz/sgwiz/aws/awstest"
	"github.com/sgwiz/sgwiz/internal/mototest"
	"github.com/sgwiz/sgwiz/model"
)

// TestAuditTheSandbox: the example account's report in every format,
// exit 1 for its high findings, and the fix plan it writes.
func TestAuditTheSandbox(t *testing.T) {
	t.Parallel()
	code, out, errOut := sgwiz(t, "audit", "--sandbox")
	if code != 1 || !strings.Contains(out, "world-admin-port") || !strings.Contains(out, "unused-group") || errOut != "" {
		t.Fatalf("exit %d (want 1 for high findings), nothing on stderr when piped:\n%s\n%s", code, out, errOut)
	}
	code, out, _ = sgwiz(t, "audit", "--sandbox", "--format", "json")
	var doc struct {
		Scopes   []struct{ Groups, Calls int }
		Findings []struct{ ID, Severity string }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 1 || len(doc.Scopes) != 1 || doc.Scopes[0].Groups != 6 || len(doc.Findings) < 5 {
		t.Fatalf("json: exit %d, %v\n%s", code, err, out)
	}
	dir := t.TempDir()
	md := filepath.Join(dir, "audit.md")
	if code, _, errOut := sgwiz(t, "audit", "--sandbox", "--format", "markdown", "-o", md); code != 1 || !strings.Contains(errOut, "wrote "+md) {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if code, _, errOut := sgwiz(t, "audit", "--sandbox", "--format", "markdown", "-o", md); code != 2 || !strings.Contains(errOut, "--force") {
		t.Errorf("an existing report is not replaced without --force: exit %d: %s", code, errOut)
	}
	fix := filepath.Join(dir, "fix.yaml")
	code, _, errOut = sgwiz(t, "audit", "--sandbox", "--fix-plan", fix, "--office-cidr", "203.0.113.10")
	if code != 0 || !strings.Contains(errOut, "wrote "+fix+" (4 groups)") {
		t.Fatalf("fix plan: exit %d (0: a fix to apply): %s", code, errOut)
	}
	// The sandbox's example account has the same ids on every run, so a
	// script chains audit and apply on it as on AWS.
	if code, out, errOut := sgwiz(t, "apply", "--sandbox", "-f", fix, "--yes"); code != 0 || strings.Count(out, "updated sg-") != 4 {
		t.Errorf("audit --sandbox --fix-plan F && apply --sandbox -f F: exit %d\n%s\n%s", code, out, errOut)
	}
	data, _ := os.ReadFile(fix)
	p, _, err := model.ParsePlan(data)
	if err != nil {
		t.Fatalf("the fix plan does not load: %v\n%s", err, data)
	}
	for _, g := range p.Groups {
		if g.ID == "" {
			t.Errorf("%s: a fix names the group by its id, to apply by difference", g.Name)
		}
		for _, r := range g.Ingress {
			if r.Peer.IsWorld() && (r.Ports == model.Port(22) || r.Ports == model.Port(3306)) {
				t.Errorf("%s still opens %s to the world", g.Name, r.PortText())
			}
		}
		if g.Name == "web-prod" && !strings.Contains(string(data), "203.0.113.10/32") {
			t.Errorf("SSH goes to the office:\n%s", data)
		}
	}
}

// TestAuditBadInput: each mistake names its flag and the fix.
func TestAuditBadInput(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--format", "xml"}, "--format: unknown format \"xml\": use one of table, json, sarif, markdown"},
		{[]string{"--authorized-tcp-ports", "80,http"}, "--authorized-tcp-ports: port \"http\" is not a number"},
		{[]string{"--office-cidr", "203.0.113.10"}, "--office-cidr is for --fix-plan"},
		{[]string{"--fix-plan", "x.yaml", "--office-cidr", "0.0.0.0/0"}, "is everyone on the internet, not an office"},
		{[]string{"--fix-plan", "x.yaml", "--office-cidr", "0.0.0.0/1", "--office-cidr", "128.0.0.0/1"}, "0.0.0.0/1 and 128.0.0.0/1 are everyone on the internet (all of its IPv4 addresses), not an office"},
		{[]string{"--region", "europe"}, "--region: \"europe\" is not an AWS region name"},
		{[]string{"--role-arn", "arn:aws:iam::{account}:role/Audit"}, "--role-arn and --accounts go together"},
		{[]string{"--role-arn", "arn:aws:iam::{account}:role/Audit", "--accounts", "/nonexistent"}, "--accounts: open /nonexistent"},
	} {
		code, _, errOut := sgwiz(t, append([]string{"audit", "--sandbox"}, tt.args...)...)
		if code != 2 || !strings.Contains(errOut, tt.want) {
			t.Errorf("audit %v: exit %d: %s", tt.args, code, errOut)
		}
	}
	accounts := filepath.Join(t.TempDir(), "accounts.txt")
	os.WriteFile(accounts, []byte("123456789012 # prod\n12345\n"), 0o644)
	code, _, errOut := sgwiz(t, "audit", "--sandbox", "--role-arn", "arn:aws:iam::{account}:role/Audit", "--accounts", accounts)
	if code != 2 || !strings.Contains(errOut, "line 2: \"12345\" is not an account id") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

// TestAuditFixApplyAuditOnMoto: audit an account on moto, apply the fix
// plan it writes with sgwiz apply, and audit again: the high findings are
// gone and nothing else changed.
func TestAuditFixApplyAuditOnMoto(t *testing.T) {
	t.Parallel()
	s := mototest.NewAccount(t)
	onMoto(t, s)
	c := motoEC2(t, s.URL)
	ctx := context.Background()
	web, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: sdk.String("web"), Description: sdk.String("web")})
	if err != nil {
		t.Fatal(err)
	}
	tcp := func(port int32, desc string) types.IpPermission {
		return types.IpPermission{IpProtocol: sdk.String("tcp"), FromPort: sdk.Int32(port), ToPort: sdk.Int32(port),
			IpRanges: []types.IpRange{{CidrIp: sdk.String("0.0.0.0/0"), Description: sdk.String(desc)}}}
	}
	if _, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: web.GroupId,
		IpPermissions: []types.IpPermission{tcp(22, "ssh"), tcp(6379, "redis")}}); err != nil {
		t.Fatal(err)
	}
	// The rule the fix keeps has a tag of its own, which the fix keeps too.
	if _, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: web.GroupId,
		IpPermissions:     []types.IpPermission{tcp(443, "https")},
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeSecurityGroupRule, Tags: []types.Tag{{Key: sdk.String("team"), Value: sdk.String("web")}}}}}); err != nil {
		t.Fatal(err)
	}
	fix := filepath.Join(t.TempDir(), "fix.yaml")
	code, out, errOut := sgwiz(t, "audit", "--fix-plan", fix, "--office-cidr", "198.51.100.0/28")
	if code != 0 || !strings.Contains(out, "world-admin-port") || !strings.Contains(out, "world-database-port") {
		t.Fatalf("audit --fix-plan: exit %d (0: a fix to apply)\n%s\n%s", code, out, errOut)
	}
	if data, _ := os.ReadFile(fix); !strings.Contains(string(data), "        tags:\n          team: web\n        id: sgr-") {
		t.Errorf("the fix plan holds the kept rule's tag:\n%s", data)
	}
	code, out, errOut = sgwiz(t, "apply", "-f", fix, "--yes")
	if code != 0 || !strings.Contains(out, "- inbound SSH TCP 22 from 0.0.0.0/0") || !strings.Contains(out, "+ inbound SSH TCP 22 from 198.51.100.0/28") ||
		!strings.Contains(out, "- inbound Custom TCP 6379 from 0.0.0.0/0") || strings.Contains(out, "tags -team") {
		t.Fatalf("apply the fix: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = sgwiz(t, "audit", "--format", "json")
	if code != 0 || strings.Contains(out, `"severity": "high"`) {
		t.Errorf("after the fix, no high finding is left (the default group's rules were fixed too): exit %d\n%s\n%s", code, out, errOut)
	}
	// Nothing left to fix: the chain stops before apply (exit 4), and the
	// earlier fix plan is said to be stale.
	// The earlier fix plan is not replaced unasked, and that is said
	// before anything is read.
	if code, _, errOut := sgwiz(t, "audit", "--fix-plan", fix); code != 2 || !strings.Contains(errOut, "add --force") {
		t.Errorf("an existing fix plan: exit %d\n%s", code, errOut)
	}
	code, _, errOut = sgwiz(t, "audit", "--fix-plan", fix, "--office-cidr", "198.51.100.0/28", "--force")
	if code != 4 || !strings.Contains(errOut, "nothing to fix") || !strings.Contains(errOut, "from an earlier run") {
		t.Errorf("audit --fix-plan with nothing to fix: exit %d\n%s", code, errOut)
	}
}

// TestAuditKeepsGoingWhenARegionFails: a region that cannot be read is
// said in the report, in words, while the others are read; in a terminal
// a line per region says how it went.
func TestAuditKeepsGoingWhenARegionFails(t *testing.T) {
	t.Parallel()
	sb := awstest.NewServer()
	defer sb.Close()
	sb.Handler().Example()
	sb.Handler().DenyRegion("eu-west-1")
	onMoto(t, &mototest.Account{URL: sb.URL, Region: "us-east-1"})
	var out, errb strings.Builder
	env := testEnv(t)
	env.Out, env.Err, env.ErrIsTerminal = &out, &errb, true
	code := Run([]string{"audit", "--endpoint-url", sb.URL, "--region", "us-east-1", "--region", "eu-west-1", "--format", "json"}, env)
	var doc struct {
		Scopes []struct {
			Region, Error string
			Groups        int
		}
	}
	if err := json.Unmarshal([]byte(out.String()), &doc); err != nil || code != 1 || len(doc.Scopes) != 2 {
		t.Fatalf("exit %d, %v\n%s\n%s", code, err, out.String(), errb.String())
	}
	if doc.Scopes[0].Groups != 6 || doc.Scopes[0].Error != "" || !strings.Contains(doc.Scopes[1].Error, "missing IAM permission ec2:DescribeSecurityGroups") {
		t.Errorf("us-east-1 read, eu-west-1 said in words: %+v", doc.Scopes)
	}
	if !strings.Contains(errb.String(), "us-east-1: 6 groups") || !strings.Contains(errb.String(), "eu-west-1: not read: missing IAM permission") {
		t.Errorf("a progress line per region in a terminal:\n%s", errb.String())
	}
}

// TestAuditAccountsThroughRolesOnMoto: --role-arn over an accounts file
// reads each account with the role assumed in it (moto keeps accounts
// apart by the assumed role's account).
func TestAuditAccountsThroughRolesOnMoto(t *testing.T) {
	t.Parallel()
	a1, a2 := mototest.NewAccount(t), mototest.NewAccount(t)
	ctx := context.Background()
	raw := func(url string) *ec2.Client {
		cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("us-east-1"), config.WithBaseEndpoint(url),
			config.WithCredentialsProvider(sdk.CredentialsProviderFunc(func(context.Context) (sdk.Credentials, error) {
				return sdk.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}, nil
			})))
		if err != nil {
			t.Fatal(err)
		}
		cfg.HTTPClient = sgaws.HTTPClient(cfg.HTTPClient) // as sgwiz sends its calls
		return ec2.NewFromConfig(cfg)
	}
	open, err := raw(a1.URL).CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: sdk.String("open"), Description: sdk.String("open")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw(a1.URL).AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: open.GroupId, IpPermissions: []types.IpPermission{
		{IpProtocol: sdk.String("tcp"), FromPort: sdk.Int32(3389), ToPort: sdk.Int32(3389), IpRanges: []types.IpRange{{CidrIp: sdk.String("0.0.0.0/0"), Description: sdk.String("rdp")}}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := raw(a2.URL).DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{}); err != nil {
		t.Fatal(err) // makes the second account's default VPC
	}
	// The shared moto itself, without the account proxies: the role
	// decides the account.
	direct := mototest.Account{URL: mototest.Shared(t).URL, Region: "us-east-1"}
	onMoto(t, &direct)
	accounts := filepath.Join(t.TempDir(), "accounts.txt")
	os.WriteFile(accounts, []byte("# two accounts\n"+a1.ID+"\n"+a2.ID+" # empty\n"), 0o644)
	code, out, errOut := sgwiz(t, "audit", "--role-arn", "arn:aws:iam::{account}:role/SecurityAudit", "--accounts", accounts, "--format", "json")
	var doc struct {
		Scopes []struct {
			Account string
			Groups  int
		}
		Findings []struct {
			ID      string `json:"id"`
			Account string `json:"account"`
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 1 || len(doc.Scopes) != 2 {
		t.Fatalf("exit %d, %v\n%s\n%s", code, err, out, errOut)
	}
	if doc.Scopes[0].Account != a1.ID || doc.Scopes[1].Account != a2.ID || doc.Scopes[0].Groups != 2 || doc.Scopes[1].Groups != 1 {
		t.Errorf("each account read with its role: %+v", doc.Scopes)
	}
	for _, f := range doc.Findings {
		if f.ID == "world-admin-port" && f.Account != a1.ID {
			t.Errorf("RDP to the world is in %s, reported in %s", a1.ID, f.Account)
		}
	}
}

// TestAuditAnOrganizationOnMoto: --organization lists the organisation's
// ACTIVE accounts and reads each through the role; --ou narrows it to a
// unit and the units under it; sweep takes the same flags.
func TestAuditAnOrganizationOnMoto(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	direct := mototest.Account{URL: mototest.Shared(t).URL, Region: "us-east-1"}
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("us-east-1"), config.WithBaseEndpoint(direct.URL),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("test", "test", "")))
	if err != nil {
		t.Fatal(err)
	}
	org := organizations.NewFromConfig(cfg)
	// moto's default account manages the organisation (made once per moto).
	if _, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll}); err != nil &&
		!strings.Contains(err.Error(), "AlreadyInOrganization") {
		t.Fatal(err)
	}
	roots, err := org.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil {
		t.Fatal(err)
	}
	unit := func(parent, name string) string {
		ou, err := org.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: &parent, Name: &name})
		if err != nil {
			t.Fatal(err)
		}
		return sdk.ToString(ou.OrganizationalUnit.Id)
	}
	account := func(name, ou string) string {
		made, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: &name, Email: sdk.String(name + "@example.com")})
		if err != nil {
			t.Fatal(err)
		}
		st, err := org.DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: made.CreateAccountStatus.Id})
		if err != nil {
			t.Fatal(err)
		}
		id := sdk.ToString(st.CreateAccountStatus.AccountId)
		if _, err := org.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: &id, SourceParentId: roots.Roots[0].Id, DestinationParentId: &ou}); err != nil {
			t.Fatal(err)
		}
		return id
	}
	workloads := unit(sdk.ToString(roots.Roots[0].Id), "workloads-"+t.Name())
	shop := account("shop", workloads)
	deep := account("shop-eu", unit(workloads, "eu"))
	onMoto(t, &direct)
	scopes := func(args ...string) []string {
		t.Helper()
		code, out, errOut := sgwiz(t, append([]string{"audit", "--role-arn", "arn:aws:iam::{account}:role/SecurityAudit", "--format", "json"}, args...)...)
		var doc struct {
			Scopes []struct{ Account, Error string }
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil || code == 2 {
			t.Fatalf("audit %v: exit %d %v\n%s\n%s", args, code, err, out, errOut)
		}
		var ids []string
		for _, s := range doc.Scopes {
			if s.Error != "" {
				t.Errorf("%s: %s", s.Account, s.Error)
			}
			ids = append(ids, s.Account)
		}
		return ids
	}
	if got := scopes("--organization", "--ou", workloads); !slices.Equal(got, sorted(shop, deep)) {
		t.Errorf("--ou %s (and the unit under it): read %v, want %v", workloads, got, sorted(shop, deep))
	}
	if got := scopes("--organization"); !slices.Contains(got, shop) || !slices.Contains(got, deep) || !slices.Contains(got, mototest.DefaultAccount) {
		t.Errorf("--organization: read %v, want the management account %s, %s and %s among them", got, mototest.DefaultAccount, shop, deep)
	}
	code, out, errOut := sgwiz(t, "sweep", "--organization", "--ou", workloads, "--role-arn", "arn:aws:iam::{account}:role/Sweeper")
	if code != 0 || strings.Count(out, "temporary rule(s) still running") != 2 {
		t.Errorf("sweep --organization: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut := sgwiz(t, "audit", "--organization"); code != 2 || !strings.Contains(errOut, "--organization takes --role-arn") {
		t.Errorf("without a role: exit %d %s", code, errOut)
	}
}

func sorted(ids ...string) []string { return slices.Sorted(slices.Values(ids)) }

// TestAuditToSecurityHubOnMoto: --to-security-hub imports the audit's
// findings into the account's Security Hub; a second audit updates them
// instead of adding more; --format asff writes the same findings.
func TestAuditToSecurityHubOnMoto(t *testing.T) {
	t.Parallel()
	s := mototest.NewAccount(t)
	onMoto(t, s)
	ctx := context.Background()
	c := motoEC2(t, s.URL)
	open, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: sdk.String("open"), Description: sdk.String("open")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: open.GroupId, IpPermissions: []types.IpPermission{
		{IpProtocol: sdk.String("tcp"), FromPort: sdk.Int32(22), ToPort: sdk.Int32(22), IpRanges: []types.IpRange{{CidrIp: sdk.String("0.0.0.0/0"), Description: sdk.String("ssh")}}}}}); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("us-east-1"), config.WithBaseEndpoint(s.URL),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("test", "test", "")))
	if err != nil {
		t.Fatal(err)
	}
	hub := securityhub.NewFromConfig(cfg)
	if _, err := hub.EnableSecurityHub(ctx, &securityhub.EnableSecurityHubInput{}); err != nil {
		t.Fatal(err)
	}
	active := func() int {
		t.Helper()
		out, err := hub.GetFindings(ctx, &securityhub.GetFindingsInput{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, f := range out.Findings {
			if f.RecordState == shtypes.RecordStateActive && strings.HasPrefix(sdk.ToString(f.Id), "sgwiz/"+s.ID+"/") {
				n++
			}
		}
		return n
	}
	code, out, errOut := sgwiz(t, "audit", "--format", "asff", "--to-security-hub")
	var asff []map[string]any
	if err := json.Unmarshal([]byte(out), &asff); err != nil || code != 1 || len(asff) == 0 {
		t.Fatalf("exit %d %v\n%s\n%s", code, err, out, errOut)
	}
	if !strings.Contains(errOut, fmt.Sprintf("Security Hub: %s us-east-1: %d findings imported (%d new)", s.ID, len(asff), len(asff))) {
		t.Errorf("first import:\n%s", errOut)
	}
	if got := active(); got != len(asff) {
		t.Errorf("Security Hub holds %d active sgwiz findings, want %d", got, len(asff))
	}
	if code, _, errOut := sgwiz(t, "audit", "--to-security-hub"); code != 1 || !strings.Contains(errOut, "(0 new), 0 resolved") {
		t.Errorf("the second audit updates, adds nothing: exit %d\n%s", code, errOut)
	}
	if got := active(); got != len(asff) {
		t.Errorf("after a second audit, %d active findings, want still %d", got, len(asff))
	}
}

// TestAnAuditThatReadNothingIsNotClean: when no scope could be read the
// audit says so and exits 1, in every format; with --fix-plan it does
// not claim there is nothing to fix.
func TestAnAuditThatReadNothingIsNotClean(t *testing.T) {
	t.Parallel()
	sb := awstest.NewServer()
	defer sb.Close()
	sb.Handler().DenyRegion("eu-west-1")
	onMoto(t, &mototest.Account{URL: sb.URL, Region: "eu-west-1"})
	code, out, errOut := sgwiz(t, "audit", "--region", "eu-west-1")
	if code != 1 || strings.Contains(out, "No findings.\n") || !strings.Contains(out, "1 of 1 scopes could not be read") || !strings.Contains(errOut, "the audit is incomplete") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = sgwiz(t, "audit", "--region", "eu-west-1", "--format", "sarif")
	if code != 1 || !strings.Contains(out, `"executionSuccessful": false`) {
		t.Errorf("sarif: exit %d\n%s", code, out)
	}
	code, _, errOut = sgwiz(t, "audit", "--region", "eu-west-1", "--fix-plan", filepath.Join(t.TempDir(), "fix.yaml"))
	if code != 1 || strings.Contains(errOut, "nothing to fix") {
		t.Errorf("--fix-plan: exit %d\n%s", code, errOut)
	}
}

// TestARegionGivenTwiceIsReadOnce: a repeated region is one scope, so
// nothing is reported (or sent to Security Hub) twice.
func TestARegionGivenTwiceIsReadOnce(t *testing.T) {
	t.Parallel()
	code, out, errOut := sgwiz(t, "audit", "--sandbox", "--region", "us-east-1", "--region", "us-east-1", "--format", "json")
	var doc struct{ Scopes []struct{ Region string } }
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 1 || len(doc.Scopes) != 1 {
		t.Errorf("exit %d, %d scopes, want 1: %v\n%s", code, len(doc.Scopes), err, errOut)
	}
}
