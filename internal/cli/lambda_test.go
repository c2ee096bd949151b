package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/sgwiz/sgwiz/export"
	"github.com/sgwiz/sgwiz/internal/mototest"
)

// invokeSweeper runs the sweeper function once in t's Env, with the clock at now
// and the function's variables from vars.
func invokeSweeper(t *testing.T, now time.Time, vars map[string]string) (SweepResult, error) {
	t.Helper()
	env := testEnv(t)
	env.Now = func() time.Time { return now }
	env.Getenv = func(k string) string { return vars[k] }
	return sweepHandler(env)(context.Background(), json.RawMessage(`{}`))
}

// TestTheSweeperFunctionRevokesOnMoto: a rule sgwiz allow added for 2h is
// left alone by the function an hour later, said by a dry run once its
// time is over, then revoked; the next run finds nothing. The function is
// invoked in the process, as Lambda would, with its variables from a map.
func TestTheSweeperFunctionRevokesOnMoto(t *testing.T) {
	t.Parallel()
	s := mototest.NewAccount(t)
	onMoto(t, s)
	raw := motoEC2(t, s.URL)
	sg := newGroup(t, raw, "bastion")
	t0 := time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC)
	if code, out, errOut := sgwizAt(t, t0, "allow", "ssh", "--group", sg, "--from", "198.51.100.7", "--for", "2h", "--yes"); code != 0 {
		t.Fatalf("allow: exit %d\n%s\n%s", code, out, errOut)
	}
	vars := map[string]string{export.EnvRegions: s.Region}

	res, err := invokeSweeper(t, t0.Add(time.Hour), vars)
	if err != nil || res.Revoked != 0 || res.Failed != 0 || !slices.Equal(res.Args, []string{"sweep", "--region", s.Region}) ||
		!slices.Contains(res.Output, s.Region+": 0 revoked, 1 temporary rule(s) still running, the next expires at 2026-11-23T22:00:00Z") {
		t.Fatalf("before the expiry: %v\n%+v", err, res)
	}

	vars[export.EnvDryRun] = "true"
	res, err = invokeSweeper(t, t0.Add(3*time.Hour), vars)
	if err != nil || res.Revoked != 1 || !res.DryRun || !strings.Contains(strings.Join(res.Output, "\n"), ": would revoke sgr-") {
		t.Fatalf("a dry run: %v\n%+v", err, res)
	}
	delete(vars, export.EnvDryRun)

	res, err = invokeSweeper(t, t0.Add(3*time.Hour), vars)
	if err != nil || res.Revoked != 1 || res.Failed != 0 || len(res.Errors) != 0 ||
		!strings.Contains(strings.Join(res.Output, "\n"), " in "+sg+": SSH TCP 22 from 198.51.100.7/32 (expired 2026-11-23T22:00:00Z)") {
		t.Fatalf("after the expiry: %v\n%+v", err, res)
	}
	g, err := raw.DescribeSecurityGroups(context.Background(), &ec2.DescribeSecurityGroupsInput{GroupIds: []string{sg}})
	if err != nil || len(g.SecurityGroups[0].IpPermissions) != 0 {
		t.Errorf("the rule is gone: %v %v", g, err)
	}
	// What Lambda sends back.
	if b, err := json.Marshal(res); err != nil || !strings.Contains(string(b), `"revoked":1,"failed":0,"output":[`) {
		t.Errorf("the result as JSON: %s %v", b, err)
	}

	res, err = invokeSweeper(t, t0.Add(4*time.Hour), vars)
	if err != nil || res.Revoked != 0 || !slices.Contains(res.Output, s.Region+": 0 revoked, 0 temporary rule(s) still running") {
		t.Errorf("a second run finds nothing: %v\n%+v", err, res)
	}
}

// TestTheSweeperFunctionFailsWhenSweepDoes: an account sweep cannot reach
// makes the invocation an error (Lambda counts it, and may alarm on it),
// with what sweep said.
func TestTheSweeperFunctionFailsWhenSweepDoes(t *testing.T) {
	t.Parallel()
	// testEnv without onMoto connects to nothing.
	res, err := invokeSweeper(t, time.Now(), map[string]string{export.EnvRegions: "eu-west-1"})
	if err == nil || !strings.Contains(err.Error(), "sgwiz sweep --region eu-west-1 exited 2") || !strings.Contains(err.Error(), "no AWS for this test") || res.Failed != 1 {
		t.Errorf("%v\n%+v", err, res)
	}
}

// TestTheSweeperFunctionNamesAWrongVariable: a variable the function
// cannot use is an error naming it, before anything is read.
func TestTheSweeperFunctionNamesAWrongVariable(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		vars map[string]string
		want string
	}{
		{map[string]string{export.EnvRegions: "europe"}, `SGWIZ_REGIONS: "europe" is not an AWS region name`},
		{map[string]string{export.EnvRegions: "all,eu-west-1"}, "SGWIZ_REGIONS: give region names or all, not both"},
		{map[string]string{export.EnvDryRun: "maybe"}, `SGWIZ_DRY_RUN: "maybe" is neither true nor false`},
		{map[string]string{export.EnvOrganization: "yes"}, `SGWIZ_ORGANIZATION: "yes" is neither true nor false`},
		{map[string]string{export.EnvParallel: "0"}, `SGWIZ_PARALLEL: "0" is not a number of 1 or more`},
		{map[string]string{export.EnvAccounts: "111111111111"}, "SGWIZ_ROLE_ARN: is needed to sweep other accounts"},
		{map[string]string{export.EnvAccounts: "111111111111,2", export.EnvRoleARN: "arn:aws:iam::{account}:role/sweep"}, `SGWIZ_ACCOUNTS: "2" is not an account id (12 digits)`},
		{map[string]string{export.EnvOrganization: "true", export.EnvRoleARN: "arn:aws:iam::111111111111:role/sweep"}, "SGWIZ_ROLE_ARN: \"arn:aws:iam::111111111111:role/sweep\" is not a role ARN with {account}"},
		{map[string]string{export.EnvOU: "ou-ab12-cdefgh12"}, "SGWIZ_OU: narrows the organisation"},
		{map[string]string{export.EnvRoleARN: "arn:aws:iam::{account}:role/sweep"}, "SGWIZ_ROLE_ARN: is assumed in the accounts of the organisation or of a list"},
	} {
		res, err := invokeSweeper(t, time.Now(), tt.vars)
		if err == nil || !strings.Contains(err.Error(), tt.want) || res.Args != nil {
			t.Errorf("%v: %v, want %q", tt.vars, err, tt.want)
		}
	}
}

// TestTheSweeperFunctionRunsSweepsFlags: each variable becomes the sweep
// flag it stands for; the accounts go in a file, removed afterwards.
func TestTheSweeperFunctionRunsSweepsFlags(t *testing.T) {
	t.Parallel()
	vars := map[string]string{export.EnvRegions: " ALL ", export.EnvOrganization: "true", export.EnvOU: "ou-ab12-cdefgh12, r-ab12",
		export.EnvRoleARN: "arn:aws:iam::{account}:role/sgwiz-sweep", export.EnvParallel: "3", export.EnvDryRun: "1"}
	s, err := export.SweeperFromEnvironment(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	args, cleanup, err := sweepArgs(s)
	defer cleanup()
	want := []string{"sweep", "--all-regions", "--organization", "--ou", "ou-ab12-cdefgh12", "--ou", "r-ab12", "--role-arn", "arn:aws:iam::{account}:role/sgwiz-sweep", "--parallel", "3", "--dry-run"}
	if err != nil || !slices.Equal(args, want) {
		t.Errorf("%v %q", err, args)
	}

	s = export.Sweeper{Regions: []string{"eu-west-1", "us-east-1"}, Accounts: []string{"111111111111", "222222222222"}, RoleARN: "arn:aws:iam::{account}:role/sgwiz-sweep"}
	args, cleanup, err = sweepArgs(s)
	if err != nil || len(args) != 9 || args[7] != "--accounts" {
		t.Fatalf("%v %q", err, args)
	}
	file := args[8]
	if ids, err := readAccounts(file); err != nil || !slices.Equal(ids, s.Accounts) {
		t.Errorf("sweep reads %v from the accounts file: %v", ids, err)
	}
	cleanup()
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("the accounts file is left: %v", err)
	}
}

func TestStartedByLambda(t *testing.T) {
	t.Parallel()
	for vars, want := range map[string]bool{"": false, "_HANDLER=bootstrap": false, "AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001": true} {
		k, v, _ := strings.Cut(vars, "=")
		if got := startedByLambda(func(name string) string { return map[string]string{k: v}[name] }); got != want {
			t.Errorf("%q: %v", vars, got)
		}
	}
}

// TestExportSweeper: sgwiz export sweeper writes the deployment, with the
// function's variables from its flags, and names a wrong flag; the plan
// export beside it is as before.
func TestExportSweeper(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	accounts := filepath.Join(dir, "accounts.txt")
	if err := os.WriteFile(accounts, []byte("# prod\n111111111111\n222222222222\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "sweeper.yaml")
	code, _, errOut := sgwiz(t, "export", "sweeper", "--format", "cloudformation", "--regions", "eu-west-1,us-east-1", "--accounts", accounts,
		"--role-arn", "arn:aws:iam::{account}:role/sgwiz-sweep", "--zip", "s3://artifacts/sweeper.zip", "--schedule", "rate(15 minutes)", "-o", out)
	data, _ := os.ReadFile(out)
	for _, want := range []string{"SGWIZ_REGIONS: eu-west-1,us-east-1", "SGWIZ_ACCOUNTS: 111111111111,222222222222", "SGWIZ_ROLE_ARN: arn:aws:iam::{account}:role/sgwiz-sweep",
		"Default: rate(15 minutes)", "Default: artifacts", "Default: sweeper.zip", "- arn:aws:iam::*:role/sgwiz-sweep"} {
		if code != 0 || !strings.Contains(string(data), want) {
			t.Errorf("exit %d %s: the template lacks %q:\n%s", code, errOut, want, data)
		}
	}
	code, stdout, _ := sgwiz(t, "export", "--format", "terraform", "sweeper", "--accounts", "111111111111, 222222222222", "--role-arn", "arn:aws:iam::{account}:role/sgwiz-sweep")
	if code != 0 || !strings.Contains(stdout, `SGWIZ_ACCOUNTS = "111111111111,222222222222"`) || !strings.Contains(stdout, `filename         = var.zip`) {
		t.Errorf("exit %d:\n%s", code, stdout)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--format", "json"}, "--format: the sweeper is written as terraform or cloudformation, not json"},
		{[]string{"--format", "yaml"}, `--format: the sweeper is written as terraform or cloudformation, not yaml`},
		{[]string{"--regions", "europe"}, `--regions: "europe" is not an AWS region name`},
		{[]string{"--regions", "all,eu-west-1"}, "--regions: give region names or all, not both"},
		{[]string{"--organization"}, "--role-arn: is needed to sweep other accounts"},
		{[]string{"--organization", "--accounts", "111111111111", "--role-arn", "arn:aws:iam::{account}:role/x"}, "--accounts: give the organisation or a list of accounts, not both"},
		{[]string{"--accounts", "111111111111,22", "--role-arn", "arn:aws:iam::{account}:role/x"}, `--accounts: "22" is not an account id (12 digits)`},
		{[]string{"--accounts", filepath.Join(dir, "none.txt")}, "--accounts: open"},
		{[]string{"--schedule", "every 5 minutes"}, `--schedule: "every 5 minutes" is not a schedule expression`},
		{[]string{"--name", "sgwiz sweeper"}, `--name: "sgwiz sweeper" is not a function name`},
		{[]string{"--format", "cloudformation", "--zip", "sweeper.zip"}, "--zip: CloudFormation takes a function's code from S3"},
		{[]string{"--zip", "s3://bucket"}, `--zip: "s3://bucket" is not an S3 location`},
	} {
		code, _, errOut := sgwiz(t, append([]string{"export", "sweeper"}, tt.args...)...)
		if code != 2 || !strings.Contains(errOut, tt.want) {
			t.Errorf("%q: exit %d %s, want %q", tt.args, code, errOut, tt.want)
		}
	}
	if code, stdout, _ := sgwiz(t, "export", "--use-case", "web", "--office-cidr", "198.51.100.7", "--format", "terraform"); code != 0 || !strings.Contains(stdout, `resource "aws_security_group" "web"`) {
		t.Errorf("the plan export: exit %d\n%s", code, stdout)
	}
}
