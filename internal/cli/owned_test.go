package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/sgwiz/sgwiz/internal/mototest"
	"github.com/sgwiz/sgwiz/internal/statetest"
	"github.com/sgwiz/sgwiz/model"
)

// The defects of "sgwiz knows what it owns in AWS", each on moto through
// the command line, as an operator meets them on day two.

// writeFile writes text to a file of the test's and returns its path.
func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestARuleNamingItsOwnGroupByIDConverges: an imported group gains a rule
// from itself, named by its sg- id; the first apply adds it, the second
// changes nothing (it used to revoke and re-add it on every run).
func TestARuleNamingItsOwnGroupByIDConverges(t *testing.T) {
	t.Parallel()
	s := mototest.NewAccount(t)
	onMoto(t, s)
	raw := motoEC2(t, s.URL)
	id := newGroup(t, raw, "cluster")
	imported := filepath.Join(t.TempDir(), "cluster.yaml")
	if code, _, errOut := sgwiz(t, "import", id, "-o", imported); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	data, _ := os.ReadFile(imported)
	text := strings.Replace(string(data), "    ingress: []\n", "    ingress:\n      - {protocol: tcp, ports: \"8443\", from: "+id+"}\n", 1)
	if text == string(data) {
		t.Fatalf("no empty ingress in:\n%s", data)
	}
	os.WriteFile(imported, []byte(text), 0o644)
	code, out, errOut := sgwiz(t, "apply", "-f", imported, "--yes")
	if code != 0 || !strings.Contains(out, "+ inbound Custom TCP 8443 from group cluster") {
		t.Fatalf("first apply: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = sgwiz(t, "apply", "-f", imported, "--yes")
	if code != 0 || !strings.Contains(out, "no changes") || strings.Contains(out, "inbound") {
		t.Errorf("the second apply changes nothing: exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestAGroupReferencedByIDAmongGroupsFoundByName: group b's rule names
// group a by its id, and both are found by name: the second apply changes
// nothing and needs no --adopt (it exited 2 before).
func TestAGroupReferencedByIDAmongGroupsFoundByName(t *testing.T) {
	t.Parallel()
	s := mototest.NewAccount(t)
	onMoto(t, s)
	first := writeFile(t, "plan.yaml", `name: pair
groups:
  - name: a
    description: group a
    egress: default
  - name: b
    description: group b
    ingress:
      - {protocol: tcp, ports: "5432", from: "group:a", description: from a}
    egress: default
`)
	if code, out, errOut := sgwiz(t, "apply", "-f", first, "--yes"); code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	a := groupID(t, s.URL, "a")
	byID := writeFile(t, "by-id.yaml", `name: pair
groups:
  - name: a
    description: group a
    egress: default
  - name: b
    description: group b
    ingress:
      - {protocol: tcp, ports: "5432", from: `+a+`, description: from a}
    egress: default
`)
	for run := range 2 {
		code, out, errOut := sgwiz(t, "apply", "-f", byID, "--yes")
		if code != 0 || !strings.Contains(out, "no changes: every group already matches the plan") {
			t.Errorf("apply %d of the plan naming a by id: exit %d\n%s\n%s", run+1, code, out, errOut)
		}
	}
}

// TestSweepSparesARuleThePlanMadePermanent: sgwiz allow adds SSH for a
// minute; the plan holds the same rule for good. Apply drops the expiry
// tag with the description's marker (it used to change the description
// only), the next apply changes nothing, and sweep leaves the rule.
// Following apply's advice for an expired rule of the plan (remove the
// marker from its description) does the same.
func TestSweepSparesARuleThePlanMadePermanent(t *testing.T) {
	t.Parallel()
	s := mototest.NewAccount(t)
	onMoto(t, s)
	raw := motoEC2(t, s.URL)
	sg := newGroup(t, raw, "bastion")
	t0 := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	if code, out, errOut := sgwizAt(t, t0, "allow", "ssh", "--group", sg, "--from", "198.51.100.7", "--for", "1m", "--yes"); code != 0 {
		t.Fatalf("allow: exit %d\n%s\n%s", code, out, errOut)
	}
	plan := writeFile(t, "bastion.yaml", fmt.Sprintf(`groups:
  - name: bastion
    description: bastion
    id: %s
    ingress:
      - {service: ssh, from: 198.51.100.7/32, description: SSH for the on-call engineer}
      - {service: rdp, from: 198.51.100.8/32, description: "RDP, sgwiz:expires=2026-12-02T08:00:00Z"}
    egress:
      - {protocol: all, to: 0.0.0.0/0}
`, sg))
	code, out, errOut := sgwizAt(t, t0, "apply", "-f", plan, "--yes")
	if code != 2 || !strings.Contains(errOut, "remove sgwiz:expires=… from its description") {
		t.Fatalf("an expired rule of the plan is refused, with advice: exit %d\n%s\n%s", code, out, errOut)
	}
	data, _ := os.ReadFile(plan)
	os.WriteFile(plan, []byte(strings.Replace(string(data), "RDP, sgwiz:expires=2026-12-02T08:00:00Z", "RDP", 1)), 0o644)
	code, out, errOut = sgwizAt(t, t0, "apply", "-f", plan, "--yes")
	if code != 0 || !strings.Contains(out, "~ inbound SSH TCP 22 from 198.51.100.7/32 (sgr-") || !strings.Contains(out, "tags -sgwiz:expires (permanent now") ||
		!strings.Contains(out, `~ inbound SSH TCP 22 from 198.51.100.7/32: description "SSH for the on-call engineer"`) {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = sgwizAt(t, t0, "apply", "-f", plan, "--yes")
	if code != 0 || !strings.Contains(out, "no changes") {
		t.Errorf("the second apply: exit %d\n%s", code, out)
	}
	code, out, _ = sgwizAt(t, t0.Add(time.Hour), "sweep")
	if code != 0 || !strings.Contains(out, "0 revoked") {
		t.Errorf("sweep: exit %d\n%s", code, out)
	}
	g, err := raw.DescribeSecurityGroups(context.Background(), &ec2.DescribeSecurityGroupsInput{GroupIds: []string{sg}})
	if err != nil || len(g.SecurityGroups[0].IpPermissions) != 2 {
		t.Errorf("SSH and RDP stay: %+v %v", g.SecurityGroups[0].IpPermissions, err)
	}
}

// TestRuleTagsAreThePlans: a rule's tags in the plan are set by the call
// that adds it, changed on the rule by difference (no revoke), and an
// import gives them back, so that applying the import changes nothing.
func TestRuleTagsAreThePlans(t *testing.T) {
	t.Parallel()
	s := mototest.NewAccount(t)
	onMoto(t, s)
	plan := writeFile(t, "web.yaml", `groups:
  - name: web
    description: web
    ingress:
      - {service: https, from: 0.0.0.0/0, description: HTTPS, tags: {team: web, ticket: OPS-1}}
      - {service: ssh, from: 203.0.113.0/24, description: SSH}
    egress: default
`)
	// create, the untagged rules, the tagged one, and AWS's default egress
	// made the plan's (a description, and ::/0)
	if code, out, errOut := sgwiz(t, "apply", "-f", plan, "--yes"); code != 0 || !strings.Contains(out, "+ inbound HTTPS TCP 443 from 0.0.0.0/0 [team=web, ticket=OPS-1]") || !strings.Contains(out, "done in 5 call(s)") {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	data, _ := os.ReadFile(plan)
	os.WriteFile(plan, []byte(strings.Replace(strings.Replace(string(data), "ticket: OPS-1", "ticket: OPS-2", 1), "description: SSH}", "description: SSH, tags: {team: ops}}", 1)), 0o644)
	code, out, errOut := sgwiz(t, "apply", "-f", plan, "--yes")
	if code != 0 || !strings.Contains(out, "tags +ticket=OPS-2") || !strings.Contains(out, "tags +team=ops") || strings.Contains(out, "- inbound") || !strings.Contains(out, "done in 2 call(s)") {
		t.Fatalf("retag: exit %d\n%s\n%s", code, out, errOut)
	}
	imported := filepath.Join(t.TempDir(), "imported.yaml")
	if code, _, errOut := sgwiz(t, "import", groupID(t, s.URL, "web"), "-o", imported); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	got, _ := os.ReadFile(imported)
	for _, want := range []string{"          team: web\n          ticket: OPS-2\n        id: sgr-", "          team: ops\n        id: sgr-"} {
		if !strings.Contains(string(got), want) {
			t.Errorf("the import holds the rules' tags and ids (%q):\n%s", want, got)
		}
	}
	if code, out, errOut := sgwiz(t, "apply", "-f", imported, "--yes"); code != 0 || !strings.Contains(out, "no changes") {
		t.Errorf("applying the import: exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestTheDefaultNameIsRefused: every front end refuses to make a group
// named default (AWS reserves it for the VPC's own group, which apply
// would find instead).
func TestTheDefaultNameIsRefused(t *testing.T) {
	t.Parallel()
	code, _, errOut := sgwiz(t, "apply", "--use-case", "web", "--name", "Default", "--office-cidr", "203.0.113.10", "--sandbox", "--yes")
	if code != 2 || !strings.Contains(errOut, `AWS reserves the name "Default" for each VPC's own default group`) {
		t.Errorf("--name Default: exit %d\n%s", code, errOut)
	}
	plan := writeFile(t, "default.yaml", "groups:\n  - name: default\n    description: d\n    egress: default\n")
	code, _, errOut = sgwiz(t, "lint", "-f", plan)
	if code != 2 || !strings.Contains(errOut, "line 2: groups[0].name: AWS reserves the name \"default\"") {
		t.Errorf("a plan file: exit %d\n%s", code, errOut)
	}
}

// ---- An apply killed between two calls (kill -9), then finished.

// With SGWIZ_TEST_AS_SGWIZ=1 the test binary is
// sgwiz, so that a test can run it as a process of its own and kill it.
func init() {
	if os.Getenv("SGWIZ_TEST_AS_SGWIZ") == "1" {
		os.Args = append([]string{os.Args[0]}, strings.Split(os.Getenv("SGWIZ_TEST_ARGS"), "\x1f")...)
		os.Exit(Main())
	}
}

// sgwizProcess runs sgwiz as a process with env; it returns its exit code
// and output.
func sgwizProcess(t *testing.T, env []string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(env, "SGWIZ_TEST_AS_SGWIZ=1", "SGWIZ_TEST_ARGS="+strings.Join(args, "\x1f"))
	out, err := cmd.CombinedOutput()
	code := 0
	if err != nil {
		code = -1
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
	}
	return code, string(out)
}

// killer forwards EC2 calls to moto and, once the k-th call that changes
// something has reached moto, kills the process that made it (SIGKILL: no
// rollback, no clean-up) before the answer reaches it.
type killer struct {
	k     int
	mu    sync.Mutex
	n     int
	pid   int
	proxy *httputil.ReverseProxy
}

func (k *killer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	form, _ := url.ParseQuery(string(body))
	action := form.Get("Action")
	if strings.HasPrefix(action, "Describe") || strings.HasPrefix(action, "Get") {
		k.proxy.ServeHTTP(w, r)
		return
	}
	k.mu.Lock()
	k.n++
	n, pid := k.n, k.pid
	k.mu.Unlock()
	switch {
	case n < k.k:
		k.proxy.ServeHTTP(w, r)
		return
	case n == k.k:
		k.proxy.ServeHTTP(httptest.NewRecorder(), r) // the call takes effect …
	}
	_ = syscall.Kill(pid, syscall.SIGKILL) // … and its caller never hears of it
	http.Error(w, "killed", http.StatusServiceUnavailable)
}

// TestAnApplyKilledBetweenCallsIsFinishedWithYes: a three-tier apply is
// killed after each of its calls in turn; the next `sgwiz apply --yes`
// knows the groups it made as the plan's (their owner tags), finishes the
// job, and the one after changes nothing. It exited 2 before ("an existing
// group this plan found by name and did not create"). A group of the same
// name that sgwiz did not make still needs --adopt.
func TestAnApplyKilledBetweenCallsIsFinishedWithYes(t *testing.T) {
	t.Parallel()
	plan := writeFile(t, "three-tier.yaml", "")
	if code, _, errOut := sgwiz(t, "plan", "--use-case", "three-tier", "--office-cidr", "203.0.113.10", "--egress", "group", "-o", plan, "--force"); code != 0 {
		t.Fatalf("plan: %s", errOut)
	}
	p := mustLoad(t, plan)
	// The apply's 11 mutating calls: 3 creates, an authorize of each
	// group's inbound rules, and each group's outbound rules made the
	// tiers' (AWS's default revoked; the load balancer's and the app's
	// authorized). A 12th shows that the apply ends before it.
	const calls = 12
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for k := 1; k <= calls; k++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			t.Run(fmt.Sprintf("killed-after-call-%d", k), func(t *testing.T) { killedAt(t, p, plan, k) })
		}()
	}
	wg.Wait()

	// By hand, not by sgwiz: --yes alone is not enough.
	acct := mototest.NewAccount(t)
	if _, err := motoClient(t, acct).CreateSecurityGroup(context.Background(), &ec2.CreateSecurityGroupInput{GroupName: sdk.String("web-db"), Description: sdk.String("by hand")}); err != nil {
		t.Fatal(err)
	}
	code, out := sgwizProcess(t, acct.Env(), "apply", "-f", plan, "--yes")
	if code != 2 || !strings.Contains(out, "web-db (sg-") || !strings.Contains(out, "was not made by this plan") || !strings.Contains(out, "--adopt") {
		t.Errorf("a group sgwiz did not make: exit %d\n%s", code, out)
	}
}

func mustLoad(t *testing.T, path string) model.Plan {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := model.ParsePlan(data)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// motoClient is a plain SDK client on the account.
func motoClient(t *testing.T, acct *mototest.Account) *ec2.Client {
	t.Helper()
	return ec2.New(ec2.Options{Region: acct.Region, BaseEndpoint: sdk.String(acct.URL),
		Credentials: sdk.CredentialsProviderFunc(func(context.Context) (sdk.Credentials, error) {
			return sdk.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}, nil
		})})
}

// killedAt runs the apply, kills it after its k-th call, then applies
// again with --yes, and once more.
func killedAt(t *testing.T, p model.Plan, plan string, k int) {
	acct := mototest.NewAccount(t)
	target, _ := url.Parse(acct.URL)
	kl := &killer{k: k, proxy: httputil.NewSingleHostReverseProxy(target)}
	kl.proxy.ErrorLog = log.New(io.Discard, "", 0) // the killed caller's calls end half-way
	front := httptest.NewServer(kl)
	defer front.Close()
	env := append(acct.Env(), "AWS_ENDPOINT_URL="+front.URL) // the later value wins
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(env, "SGWIZ_TEST_AS_SGWIZ=1", "SGWIZ_TEST_ARGS="+strings.Join([]string{"apply", "-f", plan, "--yes"}, "\x1f"))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	kl.mu.Lock()
	kl.pid = cmd.Process.Pid
	kl.mu.Unlock()
	err := cmd.Wait()
	if err == nil {
		if k == 1 {
			t.Fatal("the first apply was never killed")
		}
		if k <= 11 {
			t.Fatalf("the apply ended before its call %d", k)
		}
		return // the apply made fewer calls: nothing to kill
	}
	code, out := sgwizProcess(t, acct.Env(), "apply", "-f", plan, "--yes")
	if code != 0 {
		t.Fatalf("after the kill, apply --yes: exit %d\n%s", code, out)
	}
	if got, want := statetest.Described(t, motoClient(t, acct), "", groupNames(p)), statetest.Want(t, p); got != want {
		t.Errorf("AWS holds:\n%s\nthe json export says:\n%s", got, want)
	}
	code, out = sgwizProcess(t, acct.Env(), "apply", "-f", plan, "--yes")
	if code != 0 || !strings.Contains(out, "no changes: every group already matches the plan") {
		t.Errorf("the apply after that changes nothing: exit %d\n%s", code, out)
	}
}

func groupNames(p model.Plan) []string {
	var names []string
	for _, g := range p.Groups {
		names = append(names, g.Name)
	}
	return names
}
