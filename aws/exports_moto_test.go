package aws_test

import (
	"context"
	"fmt"
	sgaws "github.com/sgwiz/sgwiz/aws"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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
	awsCLI := testtool.AWSCLI(t)
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
		cmd.Env = append(acct.Env(), "PATH="+awsCLI+":"+os.Getenv("PATH"), "VPC_ID="+vpc)
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

// TestCLIScriptAdoptsAnImportOnMoto: groups sgwiz applied are imported and
// edited (a rule added with tags, one removed, a description and a rule's
// tags changed, a group tag changed); the awscli export of the edited plan
// changes the groups by their ids (it created a second group and failed
// with InvalidGroup.Duplicate before). Afterwards AWS holds the json export
// of the plan, sgwiz apply finds nothing to do (the script and apply end
// alike), and a second run of the script only reads.
func TestCLIScriptAdoptsAnImportOnMoto(t *testing.T) {
	t.Parallel()
	awsCLI := filepath.Join(testtool.AWSCLI(t), "aws")
	bash := testtool.Require(t, "bash", "apt-get install -y bash")
	acct := mototest.NewAccount(t)
	c, _ := connect(t, acct.URL)
	ctx := context.Background()
	// One group, to keep the aws CLI's calls (most of a second of CPU
	// each) few: the script's paths between groups are checked with a
	// fake aws in export's TestScriptChangesExistingGroupsByID.
	ch, err := c.Plan(ctx, presetPlan(t, "web"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Apply(ctx, ch)
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Import(ctx, res.Groups[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	web := &p.Groups[0]
	web.Ingress[0].Description = "HTTP, described again"
	web.Ingress[1].Tags = model.NewTags(model.Tag{Key: "team", Value: "edge"})
	web.Ingress = append(web.Ingress[:2], web.Ingress[3:]...)
	web.Ingress = append(web.Ingress,
		model.Rule{Protocol: model.TCP, Ports: model.Port(8443), Peer: model.CIDR(office[0]), Description: "admin console", Tags: model.NewTags(model.Tag{Key: "ticket", Value: "OPS-9"})},
		model.Rule{Protocol: model.TCP, Ports: model.Port(9000), Peer: model.GroupRef("web"), Description: "from itself"})
	web.Tags[slices.IndexFunc(web.Tags, func(t model.Tag) bool { return t.Key == "Owner" })].Value = "edge-team"
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	script, err := export.Render(export.AWSCLI, p)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "adopt.sh")
	os.WriteFile(path, script, 0o755)
	// An aws on PATH that notes each call's verb and permissions, then
	// runs the real one.
	calls := filepath.Join(dir, "calls")
	os.MkdirAll(filepath.Join(dir, "bin"), 0o755)
	os.WriteFile(filepath.Join(dir, "bin", "aws"), fmt.Appendf(nil, "#!/usr/bin/env bash\nperms=\nfor ((i=1; i<$#; i++)); do [ \"${!i}\" = --ip-permissions ] && j=$((i+1)) && perms=${!j}; done\nprintf '%%s %%s\\n' \"$2\" \"$perms\" >> %q\nexec %q \"$@\"\n", calls, awsCLI), 0o755)
	raw := rawEC2(t, acct.URL)
	for run := range 2 {
		os.Remove(calls)
		cmd := exec.Command(bash, path)
		cmd.Env = append(acct.Env(), "PATH="+filepath.Join(dir, "bin")+":"+os.Getenv("PATH"))
		out, err := cmd.CombinedOutput()
		if err != nil || strings.Contains(string(out), "created ") || !strings.Contains(string(out), "existing web: "+res.Groups[0].ID) {
			t.Fatalf("run %d of the script: %v\n%s", run+1, err, out)
		}
		if got, want := described(t, raw, p.VPC(), groupNames(p)), wantJSON(t, p); got != want {
			t.Errorf("after run %d, AWS reports:\n%s\nthe json export says:\n%s", run+1, got, want)
		}
		log, _ := os.ReadFile(calls)
		if run == 0 {
			continue
		}
		for l := range strings.Lines(string(log)) {
			verb, perms, _ := strings.Cut(strings.TrimSpace(l), " ")
			// moto drops the descriptions of rules naming a group when it
			// lists rules (MOTO.md), so the script sets them on each run.
			if !strings.HasPrefix(verb, "describe-") && !(strings.HasPrefix(verb, "update-security-group-rule-descriptions-") && !strings.Contains(perms, "Cidr")) {
				t.Errorf("the second run changes something: %s", l)
			}
		}
	}
	again, err := c.Plan(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Empty() {
		t.Errorf("after the script, apply would still change:\n%s", strings.Join(again.Lines(), "\n"))
	}
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
		cfg.HTTPClient = sgaws.HTTPClient(cfg.HTTPClient) // as sgwiz sends its calls
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
