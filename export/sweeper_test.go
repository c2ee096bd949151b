package export

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/sgwiz/sgwiz/model"
	"go.yaml.in/yaml/v3"
)

// sweepers are the deployments the tests write: each way of choosing the
// accounts, and each place of the code.
var sweepers = map[string]Sweeper{
	"own-region": {},
	"regions":    {Regions: []string{"eu-west-1", "us-east-1"}, Zip: "build/sweeper.zip", Schedule: "cron(0/10 * * * ? *)"},
	"organization": {AllRegions: true, Organization: true, OUs: []string{"ou-ab12-cdefgh12", "ou-ab12-ijklmn34"},
		RoleARN: "arn:aws:iam::{account}:role/sgwiz-sweep", Parallel: 16, Zip: "s3://sgwiz-artifacts/sgwiz/sweeper.zip"},
	"accounts": {Name: "sweeper-dry-run", Regions: []string{"eu-west-1"}, Accounts: []string{"111111111111", "222222222222"},
		RoleARN: "arn:aws-us-gov:iam::{account}:role/ops/sgwiz-sweep", DryRun: true},
}

// TestSweeperGolden compares each sweeper, in both formats, with the
// reviewed files in testdata/sweeper.
func TestSweeperGolden(t *testing.T) {
	for name, s := range sweepers {
		for _, f := range SweeperFormats {
			path := filepath.Join("testdata", "sweeper", name+f.Extension())
			t.Run(name+"/"+string(f), func(t *testing.T) {
				if f == CloudFormation && !strings.HasPrefix(s.Zip, "s3://") {
					s.Zip = "" // CloudFormation takes code from S3 only
				}
				got, err := RenderSweeper(f, s)
				if err != nil {
					t.Fatal(err)
				}
				if *update {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./export -run TestSweeperGolden -update, then read the file)", err)
				}
				if string(got) != string(want) {
					t.Errorf("%s differs from %s; if the change is intended, run go test ./export -run TestSweeperGolden -update and review the diff", name, path)
				}
			})
		}
	}
}

// TestSweeperEnvironmentRoundTrips: what the deployment writes in the
// function's variables is what the function reads back.
func TestSweeperEnvironmentRoundTrips(t *testing.T) {
	t.Parallel()
	for name, s := range sweepers {
		env := s.Environment()
		got, err := SweeperFromEnvironment(func(k string) string { return env[k] })
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// Only what sweep does travels; where the code is, when and
		// under which name it runs are the deployment's.
		s.Name, s.Schedule, s.Zip = "", "", ""
		if !reflect.DeepEqual(got, s) {
			t.Errorf("%s: the function reads\n%+v\nfrom %v, not\n%+v", name, got, env, s)
		}
	}
}

// TestSweeperCheckNamesTheField: what cannot be deployed is refused,
// naming the field as both front ends call it.
func TestSweeperCheckNamesTheField(t *testing.T) {
	t.Parallel()
	role := "arn:aws:iam::{account}:role/sgwiz-sweep"
	many := make([]string, 320)
	for i := range many {
		many[i] = "123456789012"
	}
	for _, tt := range []struct {
		s            Sweeper
		field, words string
	}{
		{Sweeper{AllRegions: true, Regions: []string{"eu-west-1"}}, "regions", "not both"},
		{Sweeper{Organization: true, Accounts: []string{"111111111111"}, RoleARN: role}, "accounts", "not both"},
		{Sweeper{OUs: []string{"ou-ab12-cdefgh12"}}, "ou", "goes with the organisation"},
		{Sweeper{Organization: true}, "role-arn", "is needed"},
		{Sweeper{RoleARN: role}, "role-arn", "is assumed in the accounts"},
		{Sweeper{Accounts: []string{"111111111111"}, RoleARN: "arn:aws:iam::111111111111:role/x"}, "role-arn", "with {account}"},
		{Sweeper{Accounts: []string{"111111111111"}, RoleARN: "arn:aws:iam::{account}:user/x"}, "role-arn", "not a role ARN"},
		{Sweeper{Accounts: []string{"1111"}, RoleARN: role}, "accounts", "12 digits"},
		{Sweeper{Accounts: many, RoleARN: role}, "accounts", "4 KB"},
		{Sweeper{Organization: true, OUs: []string{"ou-x"}, RoleARN: role}, "ou", "not an organisational unit id"},
		{Sweeper{Parallel: -1}, "parallel", "1 or more"},
		{Sweeper{Name: strings.Repeat("s", 55)}, "name", "1 to 54"},
		{Sweeper{Schedule: "rate(5 minutes"}, "schedule", "not a schedule expression"},
		{Sweeper{Zip: "s3://bucket/"}, "zip", "s3://BUCKET/KEY"},
	} {
		var fe *model.FieldError
		if err := tt.s.Check(); !errors.As(err, &fe) || fe.Field != tt.field || !strings.Contains(fe.Msg, tt.words) {
			t.Errorf("%+v: %v, want %s: …%s…", tt.s, err, tt.field, tt.words)
		}
	}
	if _, err := RenderSweeper(JSON, Sweeper{}); err == nil {
		t.Error("the sweeper is not written as JSON")
	}
}

// TestSweeperTerraformParses: the Terraform is HCL as terraform fmt lays
// it out, with the function's variables as written, and the revoke
// statement says what IAM cannot restrict.
func TestSweeperTerraformParses(t *testing.T) {
	t.Parallel()
	for name, s := range sweepers {
		src, err := RenderSweeper(Terraform, s)
		if err != nil {
			t.Fatal(err)
		}
		if formatted := hclwrite.Format(src); string(formatted) != string(src) {
			t.Errorf("%s is not formatted:\n%s", name, diffLines(string(src), string(formatted)))
		}
		f, diags := hclsyntax.ParseConfig(src, name+".tf", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("%s: %v", name, diags)
		}
		vars := map[string]string{}
		for _, b := range f.Body.(*hclsyntax.Body).Blocks {
			if b.Type != "resource" || b.Labels[0] != "aws_lambda_function" {
				continue
			}
			for _, env := range b.Body.Blocks {
				v, diags := env.Body.Attributes["variables"].Expr.Value(nil)
				if diags.HasErrors() {
					t.Fatalf("%s: %v", name, diags)
				}
				for k, x := range v.AsValueMap() {
					vars[k] = x.AsString()
				}
			}
		}
		if want := s.Environment(); !reflect.DeepEqual(vars, want) {
			t.Errorf("%s: the function's variables are %v, want %v", name, vars, want)
		}
		// Only a sweeper that revokes in its own account may revoke, and
		// it says what IAM cannot restrict.
		revokes := strings.Contains(string(src), `"ec2:RevokeSecurityGroupIngress"`)
		if says := strings.Contains(string(src), "# IAM cannot limit these to the rules tagged sgwiz:expires."); revokes != (!s.DryRun && len(s.Accounts) == 0) || says != revokes {
			t.Errorf("%s: revokes %v, says what IAM cannot restrict %v", name, revokes, says)
		}
		if reads := strings.Contains(string(src), `"ec2:DescribeSecurityGroupRules"`); reads != (len(s.Accounts) == 0) {
			t.Errorf("%s: reads rules with its own role: %v", name, reads)
		}
	}
}

// TestSweeperCloudFormationPassesCfnLint: every sweeper's template
// decodes, with the function's variables as written, and cfn-lint finds
// no error in it.
func TestSweeperCloudFormationPassesCfnLint(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for name, s := range sweepers {
		if s.Zip != "" && !strings.HasPrefix(s.Zip, "s3://") {
			if _, err := RenderSweeper(CloudFormation, s); err == nil || !strings.Contains(err.Error(), "CloudFormation takes a function's code from S3") {
				t.Errorf("%s: a local zip for CloudFormation: %v", name, err)
			}
			s.Zip = ""
		}
		src, err := RenderSweeper(CloudFormation, s)
		if err != nil {
			t.Fatal(err)
		}
		var tmpl struct {
			Resources map[string]struct {
				Type       string `yaml:"Type"`
				Properties struct {
					Environment struct {
						Variables map[string]string `yaml:"Variables"`
					} `yaml:"Environment"`
				} `yaml:"Properties"`
			} `yaml:"Resources"`
		}
		if err := yaml.Unmarshal(src, &tmpl); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		fn := tmpl.Resources["SweeperFunction"]
		if want := s.Environment(); fn.Type != "AWS::Lambda::Function" || !reflect.DeepEqual(fn.Properties.Environment.Variables, want) && len(want) > 0 {
			t.Errorf("%s: the function's variables are %v, want %v", name, fn.Properties.Environment.Variables, want)
		}
		path := filepath.Join(dir, name+".yaml")
		if err := os.WriteFile(path, src, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, path)
	}
	if warnings := cfnLint(t, files...); warnings != "" {
		t.Errorf("cfn-lint warns about the templates:\n%s", warnings)
	}
}

// FuzzSweeperFromEnvironment: whatever the variables hold, reading them
// does not panic, and what Check accepts is written back as the function
// reads it.
func FuzzSweeperFromEnvironment(f *testing.F) {
	f.Add("eu-west-1,us-east-1", "", "", "", "", "", "")
	f.Add("all", "true", "ou-ab12-cdefgh12", "", "arn:aws:iam::{account}:role/x", "4", "false")
	f.Add(" ", "1", "", "111111111111 222222222222", "arn:aws:iam::{account}:role/x", "", "T")
	f.Fuzz(func(t *testing.T, regions, org, ou, accounts, role, parallel, dry string) {
		vars := map[string]string{EnvRegions: regions, EnvOrganization: org, EnvOU: ou, EnvAccounts: accounts, EnvRoleARN: role, EnvParallel: parallel, EnvDryRun: dry}
		s, err := SweeperFromEnvironment(func(k string) string { return vars[k] })
		if err != nil || s.Check() != nil {
			return
		}
		env := s.Environment()
		again, err := SweeperFromEnvironment(func(k string) string { return env[k] })
		if err != nil || !reflect.DeepEqual(again, s) {
			t.Errorf("%v read as %+v, written as %v, read again as %+v (%v)", vars, s, env, again, err)
		}
	})
}
