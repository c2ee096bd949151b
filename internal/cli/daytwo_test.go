package cli

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	sgaws "github.com/sgwiz/sgwiz/aws"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/sgwiz/sgwiz/internal/mototest"
)

// motoEC2 is a plain SDK client on the moto account at url.
func motoEC2(t *testing.T, url string) *ec2.Client {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("us-east-1"), config.WithBaseEndpoint(url),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("test", "test", "")))
	if err != nil {
		t.Fatal(err)
	}
	cfg.HTTPClient = sgaws.HTTPClient(cfg.HTTPClient) // as sgwiz sends its calls
	return ec2.NewFromConfig(cfg)
}

func newGroup(t *testing.T, c *ec2.Client, name string) string {
	t.Helper()
	out, err := c.CreateSecurityGroup(context.Background(), &ec2.CreateSecurityGroupInput{GroupName: sdk.String(name), Description: sdk.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return sdk.ToString(out.GroupId)
}

// TestAllowSweepAndAuditOnMoto: sgwiz allow, then sweep before and after
// the expiry (the clock is given), and audit in between; the second sweep
// changes nothing.
func TestAllowSweepAndAuditOnMoto(t *testing.T) {
	t.Parallel()
	s := mototest.NewAccount(t)
	onMoto(t, s)
	raw := motoEC2(t, s.URL)
	sg := newGroup(t, raw, "bastion")
	t0 := time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC)

	// --from takes a list as --office-cidr does; --dry-run only shows.
	if code, out, errOut := sgwizAt(t, t0, "allow", "ssh", "--group", sg, "--from", "198.51.100.7, 198.51.100.8", "--for", "2h", "--dry-run"); code != 0 ||
		!strings.Contains(out, "would add SSH TCP 22 from 198.51.100.7/32 in "+sg) || !strings.Contains(out, "would add SSH TCP 22 from 198.51.100.8/32") {
		t.Fatalf("--dry-run: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut := sgwizAt(t, t0, "allow", "ssh", "--group", sg, "--from", "198.51.100.7", "--for", "2h"); code != 2 || !strings.Contains(errOut, "add --yes") {
		t.Fatalf("without --yes off a terminal: exit %d\n%s", code, errOut)
	}
	code, out, errOut := sgwizAt(t, t0, "allow", "ssh", "--group", sg, "--from", "198.51.100.7", "--for", "2h", "--yes")
	if code != 0 || !strings.Contains(out, "added sgr-") || !strings.Contains(out, "SSH TCP 22 from 198.51.100.7/32 in "+sg+" until 2026-11-23T22:00:00Z (2h)") || !strings.Contains(out, "sgwiz sweep") {
		t.Fatalf("allow: exit %d\n%s\n%s", code, out, errOut)
	}
	code, _, errOut = sgwiz(t, "import", sg)
	if code != 0 || !strings.Contains(errOut, "left out the temporary rule SSH TCP 22 from 198.51.100.7/32") || !strings.Contains(errOut, sg+" (bastion): used by no network interface") {
		t.Errorf("import: exit %d\n%s", code, errOut)
	}
	code, out, _ = sgwizAt(t, t0.Add(time.Hour), "sweep")
	if code != 0 || !strings.Contains(out, "0 revoked, 1 temporary rule(s) still running, the next expires at 2026-11-23T22:00:00Z") {
		t.Errorf("sweep before the expiry: exit %d\n%s", code, out)
	}
	code, out, _ = sgwizAt(t, t0.Add(3*time.Hour), "audit", "--format", "json")
	if !strings.Contains(out, `"expired-rule"`) {
		t.Errorf("audit reports the expired rule: exit %d\n%s", code, out)
	}
	code, out, _ = sgwizAt(t, t0.Add(3*time.Hour), "sweep", "--quiet")
	if code != 0 || !strings.Contains(out, "revoked sgr-") || !strings.Contains(out, " in "+sg+": SSH TCP 22 from 198.51.100.7/32 (expired 2026-11-23T22:00:00Z)") || strings.Contains(out, "still running") {
		t.Errorf("sweep after: exit %d\n%s", code, out)
	}
	code, out, _ = sgwizAt(t, t0.Add(3*time.Hour), "sweep", "--quiet")
	if code != 0 || out != "" {
		t.Errorf("a second sweep changes and says nothing with --quiet: exit %d %q", code, out)
	}
	g, err := raw.DescribeSecurityGroups(context.Background(), &ec2.DescribeSecurityGroupsInput{GroupIds: []string{sg}})
	if err != nil || len(g.SecurityGroups[0].IpPermissions) != 0 {
		t.Errorf("the rule is gone: %v %v", g, err)
	}
}

func TestAllowBadInput(t *testing.T) {
	t.Parallel()
	setVar(t, "SGWIZ_CONFIG", filepath.Join(t.TempDir(), "none.yaml"))
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"allow", "sshh", "--group", "sg-12345678"}, `"sshh" is neither a service of the catalogue`},
		{[]string{"allow", "ssh", "--group", "web"}, `--group: "web" is not a security group id`},
		{[]string{"allow", "ssh", "--group", "sg-12345678", "--for", "2 hours"}, `--for: "2 hours" is not a duration`},
		{[]string{"allow", "ssh", "--group", "sg-12345678", "--for", "30d"}, "longer than a week"},
		{[]string{"allow", "ssh", "--group", "sg-12345678", "--from", "0.0.0.0/0"}, "is everyone"},
		{[]string{"allow", "ssh", "--group", "sg-12345678", "--from", "0.0.0.0/2", "--from", "64.0.0.0/2"}, "--from: 0.0.0.0/2 and 64.0.0.0/2 hold 57% of the internet's IPv4 addresses, more than half: that is everyone, not an office"},
		{[]string{"allow", "ssh", "--group", "sg-12345678", "--from", "::/1"}, "::/1 is everyone on the internet"},
		{[]string{"allow", "ssh", "--group", "sg-12345678", "--from", "@office"}, "the address book, which is empty"},
		{[]string{"sweep", "--region", "europe"}, `--region: "europe" is not an AWS region name`},
		{[]string{"attach", "sg-12345678"}, "say where: --instance i-…"},
		{[]string{"attach", "sg-12345678", "--instance", "web-1"}, `--instance: "web-1" is not an instance id`},
		{[]string{"attach", "sg-12345678", "--eni", "eni-1", "--groups-per-interface", "17"}, "1 to 16"},
		{[]string{"prefix-list", "create", "office"}, "NAME: @office names a set of the address book, which is empty"},
	} {
		code, _, errOut := sgwiz(t, tt.args...)
		if code != 2 || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, %q, want %q", tt.args, code, errOut, tt.want)
		}
	}
}

// TestAttachOnMoto: attach and detach keep the interface's other groups;
// the quota is checked before any call (moto would take a sixth group).
// moto adds an instance's launch groups to its interface's whatever is
// sent, so detaching is proven on an interface of its own.
func TestAttachOnMoto(t *testing.T) {
	t.Parallel()
	s := mototest.NewAccount(t)
	onMoto(t, s)
	raw := motoEC2(t, s.URL)
	ctx := context.Background()
	a, b := newGroup(t, raw, "a"), newGroup(t, raw, "b")
	run, err := raw.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: sdk.String("ami-12c6146b"), MinCount: sdk.Int32(1), MaxCount: sdk.Int32(1),
		SecurityGroupIds: []string{a}, TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeInstance,
			Tags: []types.Tag{{Key: sdk.String("Name"), Value: sdk.String("web-1")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	inst := sdk.ToString(run.Instances[0].InstanceId)
	groupsOf := func(eni string) []string {
		t.Helper()
		out, err := raw.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{eni}})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, g := range out.NetworkInterfaces[0].Groups {
			ids = append(ids, sdk.ToString(g.GroupId))
		}
		slices.Sort(ids)
		return ids
	}
	sorted := func(ids ...string) []string { slices.Sort(ids); return ids }
	primary := sdk.ToString(run.Instances[0].NetworkInterfaces[0].NetworkInterfaceId)

	code, out, errOut := sgwiz(t, "attach", b, "--instance", inst)
	if code != 2 || !strings.Contains(out, primary+" ("+inst+"):") || !strings.Contains(out, "before: "+a+" (a)") ||
		!strings.Contains(out, "after:  "+a+" (a), "+b+" (b)") || !strings.Contains(errOut, "--yes") {
		t.Fatalf("attach shows before and after, and asks: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, out, errOut := sgwiz(t, "attach", b, "--instance", inst, "--yes"); code != 0 || !slices.Equal(groupsOf(primary), sorted(a, b)) {
		t.Fatalf("attach: exit %d %v\n%s\n%s", code, groupsOf(primary), out, errOut)
	}
	if code, out, _ := sgwiz(t, "attach", b, "--instance", inst, "--yes"); code != 0 || !strings.Contains(out, "no change") {
		t.Errorf("attaching again changes nothing: exit %d\n%s", code, out)
	}

	subnet := run.Instances[0].SubnetId
	ni, err := raw.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: subnet, Groups: []string{a}})
	if err != nil {
		t.Fatal(err)
	}
	eni := sdk.ToString(ni.NetworkInterface.NetworkInterfaceId)
	if code, _, errOut := sgwiz(t, "attach", b, "--eni", eni, "--yes"); code != 0 || !slices.Equal(groupsOf(eni), sorted(a, b)) {
		t.Fatalf("attach to an interface: exit %d %v %s", code, groupsOf(eni), errOut)
	}
	if code, _, errOut := sgwiz(t, "detach", a, "--eni", eni, "--yes"); code != 0 || !slices.Equal(groupsOf(eni), []string{b}) {
		t.Errorf("detach a keeps b: exit %d %v %s", code, groupsOf(eni), errOut)
	}
	if code, _, errOut := sgwiz(t, "detach", b, "--eni", eni, "--yes"); code != 1 || !strings.Contains(errOut, "would carry no group") {
		t.Errorf("the last group stays: exit %d %s", code, errOut)
	}
	c := newGroup(t, raw, "c")
	if code, _, errOut := sgwiz(t, "attach", c, "--eni", eni, "--replace", b, "--yes"); code != 0 || !slices.Equal(groupsOf(eni), []string{c}) {
		t.Errorf("replace: exit %d %v %s", code, groupsOf(eni), errOut)
	}
	for _, n := range []string{"d", "e", "f", "g"} {
		if code, _, errOut := sgwiz(t, "attach", newGroup(t, raw, n), "--eni", eni, "--yes"); code != 0 {
			t.Fatalf("attach %s: %s", n, errOut)
		}
	}
	before := groupsOf(eni)
	sixth := newGroup(t, raw, "h")
	code, _, errOut = sgwiz(t, "attach", sixth, "--eni", eni, "--yes")
	if code != 1 || !strings.Contains(errOut, "would carry 6 groups") || !strings.Contains(errOut, "the account allows 5 per interface") || !slices.Equal(groupsOf(eni), before) {
		t.Errorf("a sixth group is refused before any call: exit %d %s %v", code, errOut, groupsOf(eni))
	}
	if code, _, errOut := sgwiz(t, "attach", sixth, "--eni", eni, "--yes", "--groups-per-interface", "6"); code != 0 || len(groupsOf(eni)) != 6 {
		t.Errorf("with the account's raised quota: exit %d %s", code, errOut)
	}
}

// TestAddressBookInFlagsAndPlanFiles: @office in --office-cidr and in a
// plan file stands for the set; a prefix list is made of it on moto.
func TestAddressBookInFlagsAndPlanFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte("addresses:\n  office: [203.0.113.0/24, 2001:db8::/48]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	setVar(t, "SGWIZ_CONFIG", cfg)
	code, out, errOut := sgwiz(t, "plan", "--use-case", "web", "--office-cidr", "@office")
	if code != 0 || !strings.Contains(out, "203.0.113.0/24") || !strings.Contains(out, "2001:db8::/48") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	plan := filepath.Join(dir, "plan.yaml")
	os.WriteFile(plan, []byte("groups:\n  - name: bastion\n    description: SSH\n    ingress:\n      - {protocol: tcp, ports: \"22\", from: \"@office\", description: SSH from the office}\n    egress: default\n"), 0o644)
	code, out, _ = sgwiz(t, "export", "-f", plan, "--format", "json")
	if code != 0 || !strings.Contains(out, `"CidrIp": "203.0.113.0/24"`) || !strings.Contains(out, `"CidrIpv6": "2001:db8::/48"`) {
		t.Errorf("plan file: exit %d\n%s", code, out)
	}
	if code, _, errOut := sgwiz(t, "plan", "--use-case", "web", "--office-cidr", "@vpn"); code != 2 || !strings.Contains(errOut, "--office-cidr: @vpn is not in the address book: it names office") {
		t.Errorf("unknown name: exit %d %s", code, errOut)
	}

	s := mototest.NewAccount(t)
	onMoto(t, s)
	// As apply does: shown, and not made without --yes off a terminal.
	code, out, errOut = sgwiz(t, "prefix-list", "create", "office", "--max-entries", "5", "--dry-run")
	if code != 0 || strings.Count(out, "would create office") != 2 || strings.Contains(out, "created") {
		t.Fatalf("--dry-run: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut := sgwiz(t, "prefix-list", "create", "office", "--max-entries", "5"); code != 2 || !strings.Contains(errOut, "add --yes") {
		t.Fatalf("without --yes: exit %d\n%s", code, errOut)
	}
	code, out, errOut = sgwiz(t, "prefix-list", "create", "office", "--max-entries", "5", "--yes")
	if code != 0 || !strings.Contains(out, "created pl-") || !strings.Contains(out, "office (IPv4, 1 entry: 203.0.113.0/24)") ||
		!strings.Contains(out, "office-ipv6 (IPv6") || !strings.Contains(out, "counts 5 against a group's IPv4 rule quota") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if code, out, _ := sgwiz(t, "prefix-list", "create", "office", "--max-entries", "5"); code != 0 || strings.Count(out, "exists pl-") != 2 {
		// nothing to create: nothing to ask
		t.Errorf("again: the lists are found, not made twice: exit %d\n%s", code, out)
	}
}

// TestApplyRefusesAnExpiredTemporaryRule: a saved plan whose temporary
// rule's time is over is not applied (sweep would revoke it at once).
func TestApplyRefusesAnExpiredTemporaryRule(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	plan := filepath.Join(dir, "plan.yaml")
	os.WriteFile(plan, []byte("groups:\n  - name: bastion\n    description: SSH\n    ingress:\n      - {protocol: tcp, ports: \"22\", from: 198.51.100.7/32, description: \"SSH from my IP, sgwiz:expires=2026-11-23T20:00:00Z\"}\n    egress: default\n"), 0o644)
	code, _, errOut := sgwizAt(t, time.Date(2026, 11, 23, 21, 0, 0, 0, time.UTC), "apply", "-f", plan, "--sandbox", "--yes")
	if code != 2 || !strings.Contains(errOut, "bastion: the inbound rule SSH TCP 22 from 198.51.100.7/32 expired at 2026-11-23T20:00:00Z") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	if code, out, errOut := sgwizAt(t, time.Date(2026, 11, 23, 19, 0, 0, 0, time.UTC), "apply", "-f", plan, "--sandbox", "--yes"); code != 0 || !strings.Contains(out, "until 2026-11-23T20:00:00Z (tagged; sgwiz sweep revokes it then)") {
		t.Errorf("before its time it applies, tagged: exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestAdminForFlag: --admin-for makes the admin service temporary from the
// clock, as the wizard's l does; its mistakes name the flag.
func TestAdminForFlag(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 20, 0, 30, 0, time.UTC)
	code, out, errOut := sgwizAt(t, now, "plan", "--use-case", "bastion", "--office-cidr", "203.0.113.10", "--admin-for", "2h")
	if code != 0 || !strings.Contains(out, "sgwiz:expires=2026-11-23T22:00:00Z") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut := sgwiz(t, "plan", "--use-case", "bastion", "--office-cidr", "203.0.113.10", "--admin-for", "2 hours"); code != 2 || !strings.Contains(errOut, `--admin-for: "2 hours" is not a duration`) {
		t.Errorf("exit %d: %s", code, errOut)
	}
	if code, _, errOut := sgwiz(t, "export", "--use-case", "bastion", "--office-cidr", "203.0.113.10", "--admin-for", "2h", "--format", "terraform"); code != 2 || !strings.Contains(errOut, "would put it back") {
		t.Errorf("terraform refuses it: exit %d: %s", code, errOut)
	}
}
