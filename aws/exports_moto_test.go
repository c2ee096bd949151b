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
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/sgwiz/sgwiz/export"
	"github.com/sgwiz/sgwiz/internal/mototest"
	"github.com/sgwiz/sgwiz/internal/statetest"
	"github.com/sgwiz/sgwiz/internal/testtool"
	"github.com/sgwiz/sgwiz/model"
)

// scriptPlan is one plan that meets every path of the CLI script: every
// egress policy (AWS's default kept, web only, only the next tier, none),
// references between groups, tags, and names that read alike to a shell
// or that the aws CLI would read as a file to load.
func scriptPlan(t testing.TB) model.Plan {
	t.Helper()
	build := func(id string, in model.Inputs, names ...string) []model.Group {
		u, _ := model.LookupUseCase(id)
		in.Office = office
		in.Tags = []model.Tag{{Key: "Owner", Value: "sgwiz-test"}}
		d, err := u.Draft(in)
		if err != nil {
			t.Fatal(err)
		}
		for i := len(names) - 1; i >= 0; i-- { // last first: web-alb becomes web-app once web-app is renamed
			d.RenameGroup(d.Groups[i].Name, names[i])
		}
		p, err := d.Plan()
		if err != nil {
			t.Fatal(err)
		}
		return p.Groups
	}
	p := model.Plan{UseCase: "custom"}
	p.Groups = append(p.Groups, build("alb", model.Inputs{}, "web-app", "web.app")...)
	p.Groups = append(p.Groups, build("web", model.Inputs{}, "file:///etc/hostname")...)
	p.Groups = append(p.Groups, build("database", model.Inputs{AppSources: []model.Peer{model.CIDR(office[0])}}, "web app")...)
	p.Groups = append(p.Groups, build("bastion", model.Inputs{Egress: model.EgressDefault}, "vpc")...)
	// The bastion's SSH is temporary ("for a limited time" in the wizard):
	// the script authorizes it apart, tagged with its expiry.
	for i, r := range p.Groups[len(p.Groups)-1].Ingress {
		if r.Ports == model.Port(22) {
			p.Groups[len(p.Groups)-1].Ingress[i] = model.Temporary(r, scriptExpiry)
		}
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	return p
}

// scriptExpiry is far ahead: the script adds a temporary rule only before
// its time (TestScriptLeavesOutExpiredRules has one that is over).
var scriptExpiry = time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)

// TestCLIScriptOnMoto runs the awscli export unchanged with the real aws
// CLI against moto, in a VPC with IPv4 only and in one with IPv6; the
// groups must equal the json export.
func TestCLIScriptOnMoto(t *testing.T) {
	t.Parallel()
	awsCLI := testtool.Require(t, "aws", "pip install awscli")
	bash := testtool.Require(t, "bash", "apt-get install -y bash")
	full := scriptPlan(t)
	// The kind of VPC changes only what the script does with the outbound
	// rules: the IPv4 run leaves the inbound ones out (half the aws CLI
	// calls, each half a second of CPU).
	outOnly := full.Clone()
	for i := range outOnly.Groups {
		outOnly.Groups[i].Ingress = []model.Rule{}
	}
	fanOut(t, 2, vpcKinds, func(t *testing.T, i int) {
		p := map[string]model.Plan{"ipv4": outOnly, "ipv6": full}[vpcKinds[i]]
		script, err := export.Render(export.AWSCLI, p)
		if err != nil {
			t.Fatal(err)
		}
		acct := mototest.NewAccount(t)
		raw := rawEC2(t, acct.URL)
		vpc := vpcOf(t, raw, vpcKinds[i])
		path := filepath.Join(t.TempDir(), "create.sh")
		os.WriteFile(path, script, 0o755)
		cmd := exec.Command(bash, path)
		cmd.Dir = filepath.Dir(path)
		cmd.Env = append(acct.Env(), "PATH="+filepath.Dir(awsCLI)+":"+os.Getenv("PATH"), "VPC_ID="+vpc)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("the script failed: %v\n%s", err, out)
		}
		for _, g := range p.Groups {
			if !strings.Contains(string(out), "created "+g.Name+": sg-") {
				t.Errorf("the script should print the id of %s:\n%s", g.Name, out)
			}
		}
		if got, want := described(t, raw, vpc, groupNames(p)), wantJSON(t, p); got != want {
			t.Errorf("after the script, AWS reports:\n%s\nthe json export says:\n%s", got, want)
		}
		if vpcKinds[i] == "ipv6" {
			c, _ := connect(t, acct.URL)
			temp, err := c.TemporaryRules(context.Background())
			if err != nil || len(temp) == 0 || !temp[0].Expires.Equal(scriptExpiry) || temp[0].Rule.Ports != model.Port(22) {
				t.Errorf("the temporary SSH rules are tagged for sweep: %+v %v", temp, err)
			}
		}
	})
}

// TestCloudFormationStackOnMoto creates the cloudformation export as a
// stack on moto, through the SDK's CloudFormation client. moto applies only IPv4 ingress and references between
// groups (see ../shared/MOTO.md), without descriptions, so those are what
// is compared; cfn-lint checks the rest (export tests).
func TestCloudFormationStackOnMoto(t *testing.T) {
	t.Parallel()
	fanOut(t, 2, []string{"web", "three-tier"}, func(t *testing.T, i int) {
		id := []string{"web", "three-tier"}[i]
		acct := mototest.NewAccount(t)
		raw := rawEC2(t, acct.URL)
		vpc := defaultVPC(t, raw)
		p := presetPlan(t, id)
		tmpl, err := export.Render(export.CloudFormation, p)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion(acct.Region),
			config.WithBaseEndpoint(acct.URL), config.WithCredentialsProvider(testCredentials))
		if err != nil {
			t.Fatal(err)
		}
		cf := cloudformation.NewFromConfig(cfg)
		stack := sdk.String("sgwiz-" + id)
		if _, err := cf.CreateStack(context.Background(), &cloudformation.CreateStackInput{StackName: stack, TemplateBody: sdk.String(string(tmpl)),
			Parameters: []cftypes.Parameter{{ParameterKey: sdk.String("VpcId"), ParameterValue: sdk.String(vpc)}}}); err != nil {
			t.Fatalf("create-stack: %v", err)
		}
		// moto creates the stack within the call; wait a little if not.
		for deadline := time.Now().Add(30 * time.Second); ; {
			out, err := cf.DescribeStacks(context.Background(), &cloudformation.DescribeStacksInput{StackName: stack})
			if err != nil {
				t.Fatal(err)
			}
			status := string(out.Stacks[0].StackStatus)
			if status == "CREATE_COMPLETE" {
				break
			}
			if strings.HasSuffix(status, "FAILED") || strings.Contains(status, "ROLLBACK") || time.Now().After(deadline) {
				t.Fatalf("stack status %s: %s", status, sdk.ToString(out.Stacks[0].StackStatusReason))
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
		want := ingressOnly(t, wantJSON(t, onlyV4))
		got := ingressOnly(t, described(t, raw, vpc, groupNames(p)))
		if got != want {
			t.Errorf("the stack's inbound rules (IPv4 and references):\n%s\nthe json export's:\n%s", got, want)
		}
	})
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
			// moto's CloudFormation drops rule descriptions (MOTO.md);
			// cfn-lint checks them.
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
	return statetest.Normalised(t, groups)
}
