package aws_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/sgwiz/sgwiz/export"
	"github.com/sgwiz/sgwiz/internal/mototest"
	"github.com/sgwiz/sgwiz/internal/testtool"
	"github.com/sgwiz/sgwiz/model"
)

// TestCLIScriptOnMoto runs the awscli export unchanged with the real aws
// CLI against moto; the groups must equal the json export.
func TestCLIScriptOnMoto(t *testing.T) {
	awsCLI := testtool.Require(t, "aws", "pip install awscli")
	bash := testtool.Require(t, "bash", "apt-get install -y bash")
	s := mototest.Start(t)
	s.SetEnv(t)
	for _, id := range []string{"web", "alb", "three-tier", "mail"} {
		t.Run(id, func(t *testing.T) {
			s.Reset(t)
			p := presetPlan(t, id)
			script, err := export.Render(export.AWSCLI, p)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "create.sh")
			os.WriteFile(path, script, 0o755)
			cmd := exec.Command(bash, path)
			cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(awsCLI)+":"+os.Getenv("PATH"), "AWS_DEFAULT_REGION=", "AWS_REGION=us-east-1")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("the script failed: %v\n%s", err, out)
			}
			for _, g := range p.Groups {
				if !strings.Contains(string(out), "created "+g.Name+": sg-") {
					t.Errorf("the script should print the id of %s:\n%s", g.Name, out)
				}
			}
			want := normalised(t, export.SecurityGroups(p))
			if got := described(t, rawEC2(t, s.URL), groupNames(p)); got != want {
				t.Errorf("after the script, AWS reports:\n%s\nthe json export says:\n%s", got, want)
			}
		})
	}
}

// TestCloudFormationStackOnMoto creates the cloudformation export as a
// stack on moto. moto applies only IPv4 ingress and references between
// groups (see ../shared/MOTO.md), without descriptions, so those are what
// is compared.
func TestCloudFormationStackOnMoto(t *testing.T) {
	awsCLI := testtool.Require(t, "aws", "pip install awscli")
	s := mototest.Start(t)
	s.SetEnv(t)
	ctx := context.Background()
	vpcs, err := rawEC2(t, s.URL).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{{Name: sdk.String("is-default"), Values: []string{"true"}}}})
	if err != nil || len(vpcs.Vpcs) == 0 {
		t.Fatalf("no default VPC on moto: %v", err)
	}
	vpc := sdk.ToString(vpcs.Vpcs[0].VpcId)
	for _, id := range []string{"web", "three-tier"} {
		t.Run(id, func(t *testing.T) {
			p := presetPlan(t, id)
			tmpl, err := export.Render(export.CloudFormation, p)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "sg.yaml")
			os.WriteFile(path, tmpl, 0o644)
			stack := "sgwiz-" + id
			run := func(args ...string) string {
				cmd := exec.Command(awsCLI, args...)
				cmd.Env = os.Environ()
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
				}
				return strings.TrimSpace(string(out))
			}
			run("cloudformation", "create-stack", "--stack-name", stack, "--template-body", "file://"+path,
				"--parameters", "ParameterKey=VpcId,ParameterValue="+vpc)
			deadline := time.Now().Add(30 * time.Second)
			for {
				status := run("cloudformation", "describe-stacks", "--stack-name", stack, "--query", "Stacks[0].StackStatus", "--output", "text")
				if status == "CREATE_COMPLETE" {
					break
				}
				if strings.HasSuffix(status, "FAILED") || strings.Contains(status, "ROLLBACK") || time.Now().After(deadline) {
					t.Fatalf("stack status %s", status)
				}
				time.Sleep(200 * time.Millisecond)
			}
			// Compare what moto applies: IPv4 ingress and group references.
			onlyV4 := p.Clone()
			for i := range onlyV4.Groups {
				g := &onlyV4.Groups[i]
				var keep []model.Rule
				for _, r := range g.Ingress {
					if r.Peer.Kind() == model.PeerIPv4 || r.Peer.Kind() == model.PeerGroup {
						keep = append(keep, r)
					}
				}
				g.Ingress = keep
			}
			want := ingressOnly(t, normalised(t, export.SecurityGroups(onlyV4)))
			got := ingressOnly(t, described(t, rawEC2(t, s.URL), groupNames(p)))
			if got != want {
				t.Errorf("the stack's inbound rules (IPv4 and references):\n%s\nthe json export's:\n%s", got, want)
			}
		})
	}
}

// ingressOnly keeps each group's name and IpPermissions from normalised JSON.
func ingressOnly(t *testing.T, js string) string {
	t.Helper()
	var groups []export.SecurityGroup
	if err := jsonUnmarshal(js, &groups); err != nil {
		t.Fatal(err)
	}
	for i := range groups {
		groups[i].IpPermissionsEgress = nil
		groups[i].Tags = nil
		var perms []export.IpPermission
		for _, p := range groups[i].IpPermissions {
			// moto's CloudFormation also drops rule descriptions (not in
			// MOTO.md; cfn-lint checks them): compare without them.
			for j := range p.IpRanges {
				p.IpRanges[j].Description = ""
			}
			for j := range p.UserIdGroupPairs {
				p.UserIdGroupPairs[j].Description = ""
			}
			p.Ipv6Ranges = []export.Ipv6Range{}
			if len(p.IpRanges)+len(p.UserIdGroupPairs) > 0 {
				perms = append(perms, p)
			}
		}
		groups[i].IpPermissions = perms
	}
	return normalised(t, groups)
}
