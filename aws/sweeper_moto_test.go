package aws_test

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/sgwiz/sgwiz/export"
	"github.com/sgwiz/sgwiz/internal/mototest"
)

// TestSweeperTerraformOnMoto proves the sweeper's Terraform with
// Terraform and the AWS provider: each export passes terraform fmt and
// validate, and two of them (the function's own region; an organisation
// in every region), modules of one configuration, go through apply
// against moto, which serves IAM, CloudWatch Logs, Lambda's
// CreateFunction and EventBridge Scheduler. Then the functions and
// schedules are read back with the SDK: the runtime, handler,
// architecture and environment variables the export wrote, and a
// schedule that invokes that function through its own role.
func TestSweeperTerraformOnMoto(t *testing.T) {
	t.Parallel()
	acct := mototest.NewAccount(t)
	ws := newTerraform(t, acct)
	code := sweeperZip(t, ws.dir)
	sweepers := map[string]export.Sweeper{
		"own": {Name: "sweeper-own"},
		"org": {Name: "sweeper-org", AllRegions: true, Organization: true, OUs: []string{"ou-ab12-cdefgh12"},
			RoleARN: "arn:aws:iam::{account}:role/sgwiz-sweep", Parallel: 4, Schedule: "rate(10 minutes)"},
		// Validated only: its code would be in S3.
		"accounts": {Name: "sweeper-accounts", Regions: []string{"eu-west-1", "us-east-1"}, Accounts: []string{"111111111111", "222222222222"},
			RoleARN: "arn:aws:iam::{account}:role/sgwiz-sweep", DryRun: true, Zip: "s3://sgwiz-artifacts/sgwiz/sweeper.zip"},
	}
	// The provider as the project's other Terraform tests have it, with
	// every service the sweeper uses sent to moto.
	services := []string{"ec2", "iam", "lambda", "logs", "scheduler", "sts"}
	var endpoints strings.Builder
	for _, s := range services {
		fmt.Fprintf(&endpoints, "    %s = %q\n", s, acct.URL)
	}
	provider := strings.Replace(ws.provider, fmt.Sprintf("    ec2 = %[1]q\n    sts = %[1]q\n", acct.URL), endpoints.String(), 1)
	if provider == ws.provider {
		t.Fatalf("the provider block changed shape:\n%s", ws.provider)
	}
	var root strings.Builder
	root.WriteString(provider)
	for _, name := range slices.Sorted(maps.Keys(sweepers)) {
		src, err := export.RenderSweeper(export.Terraform, sweepers[name])
		if err != nil {
			t.Fatal(err)
		}
		ws.write(filepath.Join(name, "main.tf"), string(src))
		count := ""
		if name == "accounts" {
			count = "  count  = 0\n"
		} else {
			count = fmt.Sprintf("  zip    = %q\n", code)
		}
		root.WriteString(fmt.Sprintf("\nmodule %q {\n  source = \"./%s\"\n%s}\n", name, name, count))
	}
	ws.write("main.tf", root.String())
	if out, err := ws.run(append([]string{"fmt", "-check", "-diff"}, slices.Sorted(maps.Keys(sweepers))...)...); err != nil {
		t.Errorf("terraform fmt would change the exports: %v\n%s", err, out)
	}
	if out, err := ws.run("init", "-input=false", "-no-color"); err != nil {
		t.Fatalf("terraform init: %v\n%s", err, out)
	}
	if out, err := ws.run("validate", "-no-color"); err != nil {
		t.Fatalf("terraform validate: %v\n%s", err, out)
	}
	out, err := ws.run("apply", "-input=false", "-no-color", "-auto-approve")
	if err != nil {
		t.Fatalf("terraform apply: %v\n%s", err, out)
	}
	// Per sweeper: 2 roles, 2 inline policies, a log group, the function
	// and the schedule.
	if !strings.Contains(out, "Apply complete! Resources: 14 added, 0 changed, 0 destroyed.") {
		t.Errorf("terraform apply should add 7 resources for each of 2 sweepers:\n%s", out)
	}

	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion(acct.Region),
		config.WithBaseEndpoint(acct.URL), config.WithCredentialsProvider(testCredentials))
	if err != nil {
		t.Fatal(err)
	}
	lc, sc, ic := lambda.NewFromConfig(cfg), scheduler.NewFromConfig(cfg), iam.NewFromConfig(cfg)
	ctx := context.Background()
	for _, name := range []string{"own", "org"} {
		s := sweepers[name]
		fn, err := lc.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: sdk.String(s.Name)})
		if err != nil {
			t.Fatalf("%s: the function: %v", name, err)
		}
		c := fn.Configuration
		if got := fmt.Sprint(c.Runtime, " ", sdk.ToString(c.Handler), " ", c.Architectures); got != "provided.al2023 bootstrap [arm64]" {
			t.Errorf("%s: the function runs %s, not provided.al2023 bootstrap [arm64]", name, got)
		}
		var vars map[string]string
		if c.Environment != nil {
			vars = c.Environment.Variables
		}
		if want := s.Environment(); !maps.Equal(vars, want) && !(len(vars) == 0 && len(want) == 0) {
			t.Errorf("%s: the function's variables are %v, the export's %v", name, vars, want)
		}
		sch, err := sc.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: sdk.String(s.Name)})
		if err != nil {
			t.Fatalf("%s: the schedule: %v", name, err)
		}
		if got, want := sdk.ToString(sch.ScheduleExpression), cmpOr(s.Schedule, export.DefaultSchedule); got != want {
			t.Errorf("%s: the schedule runs at %q, not %q", name, got, want)
		}
		if got := sdk.ToString(sch.Target.Arn); got != sdk.ToString(c.FunctionArn) {
			t.Errorf("%s: the schedule invokes %s, not the function %s", name, got, sdk.ToString(c.FunctionArn))
		}
		if sch.Target.RetryPolicy == nil || sdk.ToInt32(sch.Target.RetryPolicy.MaximumRetryAttempts) != 0 {
			t.Errorf("%s: the schedule retries: %+v", name, sch.Target.RetryPolicy)
		}
		// The schedule's role may invoke this function and nothing else.
		roleName := sdk.ToString(sch.Target.RoleArn)[strings.LastIndex(sdk.ToString(sch.Target.RoleArn), "/")+1:]
		if roleName != s.Name+"-scheduler" {
			t.Errorf("%s: the schedule acts as %s", name, sdk.ToString(sch.Target.RoleArn))
		}
		if got := rolePolicy(t, ic, roleName, "invoke-the-sweeper"); fmt.Sprint(got) != fmt.Sprintf("[{InvokeTheSweeper [lambda:InvokeFunction] [%s]}]", sdk.ToString(c.FunctionArn)) {
			t.Errorf("%s: the schedule's role may do %v", name, got)
		}
		// The function's role: the actions sweep makes, revokes on the
		// account's groups, and the organisation's listing for org.
		var actions []string
		for _, st := range rolePolicy(t, ic, s.Name, "sweep") {
			actions = append(actions, st.Action...)
			if st.Sid == "RevokeExpiredRules" {
				region := acct.Region
				if s.AllRegions {
					region = "*"
				}
				if want := fmt.Sprintf("arn:aws:ec2:%s:%s:security-group/*", region, acct.ID); fmt.Sprint(st.Resource) != "["+want+"]" {
					t.Errorf("%s: revokes on %v, not %s", name, st.Resource, want)
				}
			}
		}
		want := "ec2:DescribeSecurityGroupRules ec2:RevokeSecurityGroupEgress ec2:RevokeSecurityGroupIngress logs:CreateLogStream logs:PutLogEvents"
		if name == "org" {
			want = "ec2:DescribeSecurityGroupRules ec2:DescribeRegions ec2:RevokeSecurityGroupEgress ec2:RevokeSecurityGroupIngress sts:AssumeRole " +
				"organizations:DescribeOrganization organizations:ListAccountsForParent organizations:ListOrganizationalUnitsForParent logs:CreateLogStream logs:PutLogEvents"
		}
		// aws_iam_policy_document writes actions as a set, in its order.
		slices.Sort(actions)
		if want := slices.Sorted(strings.FieldsSeq(want)); !slices.Equal(actions, want) {
			t.Errorf("%s: the function's role may do\n%v\nnot\n%v", name, actions, want)
		}
	}
}

// policyStatement is a statement of an IAM policy as the sweeper writes
// it: every Action and Resource a list.
type policyStatement struct {
	Sid      string
	Action   []string
	Resource []string
}

// rolePolicy reads a role's inline policy.
func rolePolicy(t *testing.T, ic *iam.Client, role, policy string) []policyStatement {
	t.Helper()
	out, err := ic.GetRolePolicy(context.Background(), &iam.GetRolePolicyInput{RoleName: sdk.String(role), PolicyName: sdk.String(policy)})
	if err != nil {
		t.Fatalf("the policy %s of %s: %v", policy, role, err)
	}
	doc, err := url.QueryUnescape(sdk.ToString(out.PolicyDocument))
	if err != nil {
		t.Fatal(err)
	}
	var p struct{ Statement []json.RawMessage }
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		t.Fatalf("the policy %s of %s: %v\n%s", policy, role, err, doc)
	}
	var sts []policyStatement
	for _, raw := range p.Statement {
		// aws_iam_policy_document writes a list of one as a string.
		var st struct {
			Sid              string
			Action, Resource any
		}
		if err := json.Unmarshal(raw, &st); err != nil {
			t.Fatal(err)
		}
		sts = append(sts, policyStatement{st.Sid, stringList(st.Action), stringList(st.Resource)})
	}
	return sts
}

func stringList(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			out = append(out, fmt.Sprint(x))
		}
		return out
	}
	return nil
}

// sweeperZip writes a zip holding a bootstrap, as Lambda takes a
// function's code (moto stores it; nothing runs it).
func sweeperZip(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "sweeper.zip")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "bootstrap", Method: zip.Deflate, ExternalAttrs: 0o755 << 16})
	if err == nil {
		_, err = w.Write([]byte("#!/bin/sh\necho 'a stand-in for the sgwiz binary'\n"))
	}
	if err == nil {
		err = zw.Close()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
