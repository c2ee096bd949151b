package cli

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"sync"
	"time"

	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/charmbracelet/x/ansi"
	sgaws "github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/internal/mototest"
	"github.com/sgwiz/sgwiz/model"
)

// sgwiz runs the command line with buffers and returns the exit code.
func sgwiz(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return sgwizAt(t, time.Time{}, args...)
}

// sgwizAt runs the command line with the clock at now (the zero time is
// the real clock) in the test's own Env: buffers for the streams, the
// variables setVar gave (HOME is an empty directory, so no one's config
// file is read), and AWS where onMoto points. Nothing of the process is
// changed, so tests that use it can run in parallel.
func sgwizAt(t *testing.T, now time.Time, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := testEnv(t)
	env.Out, env.Err = &out, &errb
	if !now.IsZero() {
		env.Now = func() time.Time { return now }
	}
	code = Run(args, env)
	return code, out.String(), errb.String()
}

// testWorld is each test's environment variables and moto account, by
// test name (a subtest sees its parent's).
var testWorld sync.Map // string → *world

type world struct {
	mu   sync.Mutex
	vars map[string]string
	acct *mototest.Account
}

func worldOf(t *testing.T) *world {
	w, _ := testWorld.LoadOrStore(t.Name(), &world{vars: map[string]string{"HOME": t.TempDir()}})
	return w.(*world)
}

// findWorld is the world of t or of its nearest parent that has one.
func findWorld(t *testing.T) *world {
	for name := t.Name(); ; {
		if w, ok := testWorld.Load(name); ok {
			return w.(*world)
		}
		i := strings.LastIndex(name, "/")
		if i < 0 {
			return worldOf(t)
		}
		name = name[:i]
	}
}

// setVar sets an environment variable for the test's commands only.
func setVar(t *testing.T, k, v string) {
	w := worldOf(t)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.vars[k] = v
}

// onMoto points the test's commands at acct (an endpoint that takes any
// credentials: moto, the sandbox's HTTP server), through the Env's
// connector rather than the process's AWS_ variables.
func onMoto(t *testing.T, acct *mototest.Account) {
	w := worldOf(t)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.acct = acct
}

// testEnv is the Env of t's commands, with empty streams.
func testEnv(t *testing.T) *Env {
	w := findWorld(t)
	w.mu.Lock()
	defer w.mu.Unlock()
	vars := maps.Clone(w.vars)
	env := &Env{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard,
		Getenv: func(k string) string { return vars[k] },
		Connect: func(context.Context, sgaws.Options) (*sgaws.Client, error) {
			return nil, errors.New("no AWS for this test: onMoto points it at one")
		}}
	if acct := w.acct; acct != nil {
		env.Connect = func(ctx context.Context, o sgaws.Options) (*sgaws.Client, error) {
			o.EndpointURL = cmp.Or(o.EndpointURL, acct.URL)
			o.Region = cmp.Or(o.Region, acct.Region)
			o.Credentials = credentials.NewStaticCredentialsProvider("test", "test", "")
			return sgaws.Connect(ctx, o)
		}
	}
	return env
}

func TestPresetsJSON(t *testing.T) {
	t.Parallel()
	code, out, _ := sgwiz(t, "presets", "--json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var got struct {
		UseCases []map[string]any `json:"use_cases"`
		Services []map[string]any `json:"services"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.UseCases) < 8 || len(got.Services) < 90 {
		t.Errorf("%d use cases and %d services", len(got.UseCases), len(got.Services))
	}
	for _, k := range []string{"id", "title", "description"} {
		if _, ok := got.UseCases[0][k]; !ok {
			t.Errorf("use cases lack %q", k)
		}
	}
	for _, s := range got.Services {
		for _, k := range []string{"id", "title", "protocol", "from_port", "to_port"} {
			if _, ok := s[k]; !ok {
				t.Errorf("service %v lacks %q", s["id"], k)
			}
		}
		if s["id"] == "ssh" && (s["protocol"] != "tcp" || s["from_port"] != 22.0 || s["to_port"] != 22.0) {
			t.Errorf("ssh = %v", s)
		}
	}
}

func TestPresetsTable(t *testing.T) {
	t.Parallel()
	code, out, _ := sgwiz(t, "presets")
	if code != 0 || !strings.Contains(out, "three-tier") || !strings.Contains(out, "TCP 22") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// TestVersion: --version says what sgwiz was built from.
func TestVersion(t *testing.T) {
	t.Parallel()
	code, out, _ := sgwiz(t, "--version")
	if code != 0 || !strings.HasPrefix(out, "sgwiz ") || !strings.Contains(out, "(go1.") {
		t.Errorf("exit %d: %q", code, out)
	}
}

func TestLintExitCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"lint", "--use-case", "web", "--ssh-from", "world"}, 1, "world-admin-port"},
		{[]string{"lint", "--use-case", "web", "--office-cidr", "203.0.113.10"}, 0, "No findings"},
		{[]string{"lint", "--use-case", "web"}, 2, "--office-cidr"},
		{[]string{"lint", "--use-case", "blog"}, 2, `unknown use case "blog"`},
		{[]string{"lint", "--use-case", "web", "--office-cidr", "10.0.0.0/33"}, 2, "--office-cidr: \"10.0.0.0/33\": prefix length /33"},
		{[]string{"lint", "--use-case", "web", "--office-cidr", "0.0.0.0/1", "--office-cidr", "128.0.0.0/1"}, 2, "--office-cidr: 0.0.0.0/1 and 128.0.0.0/1 are everyone on the internet (all of its IPv4 addresses), not an office"},
		{[]string{"lint", "--use-case", "web", "--office-cidr", "2000::/4,3000::/4"}, 2, "are everyone on the internet"},
		{[]string{"lint"}, 2, "-f plan.yaml, or --use-case"},
		{[]string{"lint", "-f", "missing.yaml"}, 2, "cannot read the plan file"},
		{[]string{"lint", "--frobnicate"}, 2, "unknown flag"},
	}
	for _, tt := range tests {
		code, out, errOut := sgwiz(t, tt.args...)
		if code != tt.code || !strings.Contains(out+errOut, tt.out) {
			t.Errorf("sgwiz %s: exit %d, want %d with %q\n%s%s", strings.Join(tt.args, " "), code, tt.code, tt.out, out, errOut)
		}
	}
}

func TestLintJSON(t *testing.T) {
	t.Parallel()
	code, out, _ := sgwiz(t, "lint", "--use-case", "web", "--ssh-from", "world", "--json")
	var fs []map[string]any
	if err := json.Unmarshal([]byte(out), &fs); err != nil || code != 1 {
		t.Fatalf("exit %d, %v:\n%s", code, err, out)
	}
	if fs[0]["id"] != "world-admin-port" || fs[0]["severity"] != "critical" || fs[0]["group"] != "web" || fs[0]["rule"] == nil {
		t.Errorf("first finding = %v", fs[0])
	}
	_, out, _ = sgwiz(t, "lint", "--use-case", "web", "--ssh-from", "none", "--json")
	if strings.TrimSpace(out) != "[]" {
		t.Errorf("no findings should print [], got %s", out)
	}
}

// TestACutPlanFileIsNotAllOpen: a plan file cut short before a group's
// egress is an error naming the group's line, not AWS's allow-all.
func TestACutPlanFileIsNotAllOpen(t *testing.T) {
	t.Parallel()
	whole := mustPlanFile(t, "--use-case", "web", "--office-cidr", "198.51.100.7")
	data, _ := os.ReadFile(whole)
	cut := data[:bytes.Index(data, []byte("    egress:"))]
	path := filepath.Join(t.TempDir(), "cut.yaml")
	os.WriteFile(path, cut, 0o644)
	code, out, errOut := sgwiz(t, "lint", "-f", path)
	if code != 2 || !strings.Contains(errOut, "groups[0].egress: web says nothing of its outbound rules: write egress: default for AWS's allow-all") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
}

func TestPlanFileErrorsNameTheLine(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "plan.yaml")
	os.WriteFile(path, []byte("groups:\n  - name: web\n    description: d\n    ingress:\n      - service: ssh\n        from: 0.0.0.0/99\n    egress: default\n"), 0o644)
	code, _, errOut := sgwiz(t, "lint", "-f", path)
	if code != 2 || !strings.Contains(errOut, "line 6: groups[0].ingress[0].from") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	code, _, errOut = sgwiz(t, "lint", "-f", path, "--egress", "web")
	if code != 2 || !strings.Contains(errOut, "--egress builds a plan from a use case") {
		t.Errorf("mixing -f with use-case flags: exit %d: %s", code, errOut)
	}
}

// TestPlanFileGivesTheSameExports: sgwiz plan, then export -f, equals
// export from the flags, for every format.
func TestPlanFileGivesTheSameExports(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	flags := []string{"--use-case", "three-tier", "--engine", "postgresql", "--app-port", "9000", "--tag", "Env=prod", "--vpc-id", "vpc-0123456789abcdef0"}
	for _, form := range []string{"plan.yaml", "plan.json"} {
		path := filepath.Join(dir, form)
		if code, _, errOut := sgwiz(t, append([]string{"plan", "-o", path}, flags...)...); code != 0 {
			t.Fatalf("plan: %s", errOut)
		}
		for _, f := range []string{"terraform", "cloudformation", "cloudformation-json", "awscli", "json", "markdown"} {
			_, fromFlags, _ := sgwiz(t, append([]string{"export", "--format", f}, flags...)...)
			_, fromFile, errOut := sgwiz(t, "export", "-f", path, "--format", f)
			if fromFlags == "" || fromFlags != fromFile {
				t.Errorf("%s from %s differs from the flags' export: %s", f, form, errOut)
			}
		}
	}
	data, _ := os.ReadFile(filepath.Join(dir, "plan.json"))
	if !json.Valid(data) {
		t.Error("plan -o plan.json should write the JSON form")
	}
}

func TestExportWritesAtomicallyAndAsksBeforeReplacing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "sg.tf")
	os.WriteFile(path, []byte("keep me"), 0o644)
	args := []string{"export", "--use-case", "web", "--office-cidr", "203.0.113.10", "-o", path}
	code, _, errOut := sgwiz(t, args...)
	if code != 2 || !strings.Contains(errOut, "--force") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	if data, _ := os.ReadFile(path); string(data) != "keep me" {
		t.Error("an existing file was overwritten without --force")
	}
	if code, _, errOut = sgwiz(t, append(args, "--force")...); code != 0 {
		t.Fatalf("--force: %s", errOut)
	}
	if data, _ := os.ReadFile(path); !strings.Contains(string(data), `resource "aws_security_group" "web"`) {
		t.Errorf("not replaced: %s", data)
	}
	script := filepath.Join(dir, "create.sh")
	sgwiz(t, "export", "--use-case", "web", "--office-cidr", "203.0.113.10", "--format", "awscli", "-o", script)
	if st, err := os.Stat(script); err != nil || st.Mode().Perm()&0o100 == 0 {
		t.Errorf("the script should be executable: %v %v", st.Mode(), err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	code, _, errOut = sgwiz(t, "export", "--use-case", "web", "--office-cidr", "203.0.113.10", "-o", filepath.Join(dir, "no", "such", "dir.tf"))
	if code != 2 || !strings.Contains(errOut, "cannot write in") {
		t.Errorf("a missing folder: exit %d %s", code, errOut)
	}
}

func TestExportUnknownFormat(t *testing.T) {
	t.Parallel()
	code, _, errOut := sgwiz(t, "export", "--use-case", "web", "--format", "pulumi")
	if code != 2 || !strings.Contains(errOut, "use one of terraform, cloudformation") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

func TestWithoutATerminalSgwizNamesTheCommands(t *testing.T) {
	t.Parallel()
	code, out, errOut := sgwiz(t)
	if code != 2 || out != "" {
		t.Errorf("exit %d, stdout %q", code, out)
	}
	for _, cmd := range []string{"sgwiz presets", "sgwiz plan", "sgwiz lint", "sgwiz export"} {
		if !strings.Contains(errOut, cmd) {
			t.Errorf("the message should name %s:\n%s", cmd, errOut)
		}
	}
}

// TestMyIPURLIsChecked: a My IP endpoint that is not an http(s) URL is
// refused at once, naming the flag and an example.
func TestMyIPURLIsChecked(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"ftp://example.com", "checkip.amazonaws.com", "https://"} {
		code, _, errOut := sgwiz(t, "--myip-url", bad)
		if code != 2 || !strings.Contains(errOut, "--myip-url") || !strings.Contains(errOut, "https://checkip.amazonaws.com") {
			t.Errorf("--myip-url %s: exit %d: %s", bad, code, errOut)
		}
	}
	setVar(t, "SGWIZ_MYIP_URL", "gopher://x")
	if code, _, errOut := sgwiz(t); code != 2 || !strings.Contains(errOut, "gopher://x") {
		t.Errorf("SGWIZ_MYIP_URL is the default of --myip-url: exit %d: %s", code, errOut)
	}
}

func TestHostBitsAreReported(t *testing.T) {
	t.Parallel()
	code, out, errOut := sgwiz(t, "plan", "--use-case", "web", "--office-cidr", "203.0.113.77/24")
	if code != 0 || !strings.Contains(errOut, "203.0.113.77/24 has host bits set; using 203.0.113.0/24") || !strings.Contains(out, "from: 203.0.113.0/24") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
}

func TestImportNamesABadID(t *testing.T) {
	t.Parallel()
	code, _, errOut := sgwiz(t, "import", "sg-123", "--sandbox")
	if code != 2 || !strings.Contains(errOut, `"sg-123" is not a security group id`) {
		t.Errorf("exit %d: %s", code, errOut)
	}
	code, _, errOut = sgwiz(t, "import", "sg-0123456789abcdef0", "--sandbox")
	if code != 1 || !strings.Contains(errOut, "does not exist") {
		t.Errorf("a missing group: exit %d: %s", code, errOut)
	}
}

// TestBadPlanFilesFailAtOnce: a device that never ends, a file of two
// documents: each is refused in words with exit 2, without hanging.
func TestBadPlanFilesFailAtOnce(t *testing.T) {
	t.Parallel()
	code, _, errOut := sgwiz(t, "lint", "-f", "/dev/zero")
	if code != 2 || !strings.Contains(errOut, "more than 16 MiB") {
		t.Errorf("-f /dev/zero: exit %d: %s", code, errOut)
	}
	path := filepath.Join(t.TempDir(), "two.yaml")
	os.WriteFile(path, []byte("groups:\n  - {name: a, description: d}\n---\ngroups: []\n"), 0o644)
	code, _, errOut = sgwiz(t, "export", "-f", path)
	if code != 2 || !strings.Contains(errOut, "line 3: file: a second YAML document") {
		t.Errorf("two documents: exit %d: %s", code, errOut)
	}
}

// TestTheAddressBookIsReadOnce: two flags naming its sets say the config
// file's notes once, not once a flag.
func TestTheAddressBookIsReadOnce(t *testing.T) {
	t.Parallel()
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, []byte("addresses:\n  office: [198.51.100.7/28]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	setVar(t, "SGWIZ_CONFIG", cfg)
	code, _, errOut := sgwiz(t, "lint", "--use-case", "database", "--office-cidr", "@office", "--app-source", "@office")
	if code != 0 || strings.Count(errOut, "has host bits set") != 1 {
		t.Errorf("exit %d, want the config file's note once:\n%s", code, errOut)
	}
}

// TestSweepReadsWithAuditsBound: sweep takes --parallel as audit does.
func TestSweepReadsWithAuditsBound(t *testing.T) {
	t.Parallel()
	if code, _, errOut := sgwiz(t, "sweep", "--sandbox", "--parallel", "0"); code != 2 || !strings.Contains(errOut, "--parallel: give 1 or more") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	if code, out, errOut := sgwiz(t, "sweep", "--sandbox", "--parallel", "1", "--region", "us-east-1", "--region", "eu-west-1"); code != 0 || strings.Count(out, "temporary rule(s) still running") != 2 {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestCompletionOffersValues: the shell completes a flag's fixed values,
// not file names.
func TestCompletionOffersValues(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "--format", ""}, "cloudformation-json"},
		{[]string{"audit", "--format", ""}, "sarif"},
		{[]string{"plan", "--use-case", ""}, "three-tier"},
		{[]string{"lint", "--egress", ""}, "web-db"},
		{[]string{"apply", "--engine", ""}, "postgresql"},
		{[]string{"export", "--ssh-from", ""}, "world"},
	} {
		code, out, _ := sgwiz(t, append([]string{"__complete"}, tt.args...)...)
		if code != 0 || !strings.Contains(out, tt.want+"\n") || !strings.Contains(out, ":4\n") {
			t.Errorf("%v: exit %d, want %q and no file names (:4):\n%s", tt.args, code, tt.want, out)
		}
	}
}

// TestAMistypedValueGetsASuggestion: a value close to a choice names it.
func TestAMistypedValueGetsASuggestion(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"plan", "--use-case", "database", "--engine", "postgres"}, `"postgres" is not a database engine (did you mean postgresql?)`},
		{[]string{"plan", "--use-case", "thre-tier"}, "(did you mean three-tier?)"},
		{[]string{"export", "--use-case", "web", "--format", "terrafrom"}, "(did you mean terraform?)"},
		{[]string{"audit", "--sandbox", "--format", "sraif"}, "(did you mean sarif?)"},
		{[]string{"plan", "--use-case", "web", "--egress", "webmail"}, "(did you mean web-mail?)"},
		{[]string{"allow", "sshh", "--group", "sg-12345678"}, "(did you mean ssh?)"},
	} {
		if code, _, errOut := sgwiz(t, tt.args...); code != 2 || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d: %s", tt.args, code, errOut)
		}
	}
}

// TestPresetsFitTheTerminal: no line is wider than the terminal (80 when
// piped), and nothing is cut: every description is there, word for word.
func TestPresetsFitTheTerminal(t *testing.T) {
	t.Parallel()
	for _, width := range []int{0, 60, 80, 120, 250} {
		var out bytes.Buffer
		env := testEnv(t)
		env.Out, env.Width = &out, func() int { return width }
		if code := Run([]string{"presets"}, env); code != 0 {
			t.Fatalf("exit %d", code)
		}
		limit := cmp.Or(width, 80)
		for line := range strings.Lines(out.String()) {
			if w := ansi.StringWidth(strings.TrimRight(line, "\n")); w > limit {
				t.Errorf("width %d: a line of %d columns: %q", width, w, line)
			}
		}
		flat := strings.Join(strings.Fields(out.String()), " ")
		for _, u := range model.UseCases() {
			if !strings.Contains(flat, strings.Join(strings.Fields(u.Description), " ")) {
				t.Errorf("width %d: %s's description is cut", width, u.ID)
			}
		}
	}
}

// TestWhatAScriptWriterMetIsSaid: cases a script writer met, each said
// in words instead of passed over in silence.
func TestWhatAScriptWriterMetIsSaid(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		// alb opens SSH only when asked: the office would do nothing.
		{[]string{"plan", "--use-case", "alb", "--office-cidr", "52.94.76.10"}, 0, "--office-cidr: no rule of this alb plan uses it (add --ssh-from office"},
		// --dry-run does not promise what allow would refuse.
		{[]string{"allow", "ssh", "--sandbox", "--group", "sg-0000000000000000a", "--from", "52.94.76.10", "--dry-run"}, 1, "security group sg-0000000000000000a does not exist"},
		// In the sandbox, the advice stays in the sandbox.
		{[]string{"allow", "ssh", "--sandbox", "--group", "sg-02e530225487d9955", "--from", "52.94.76.10", "--yes"}, 0, "the sandbox forgets it on exit"},
		{[]string{"plan", "--use-case", "web", "--ssh-from", "wrold"}, 2, "(did you mean world?)"},
		{[]string{"export", "sweeper", "--format", "cfn"}, 2, "not cfn"},
	} {
		code, out, errOut := sgwiz(t, tt.args...)
		if code != tt.code || !strings.Contains(out+errOut, tt.want) {
			t.Errorf("%v: exit %d, want %d and %q:\n%s%s", tt.args, code, tt.code, tt.want, out, errOut)
		}
	}
}

// TestAnEnvOfOnlyStreamsWorks: Env's nil fields mean "none" (no
// variables, no terminal, the real clock): nothing panics on them.
func TestAnEnvOfOnlyStreamsWorks(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if code := Run([]string{"presets"}, &Env{Out: &out, Err: &out}); code != 0 || !strings.Contains(out.String(), "three-tier") {
		t.Errorf("exit %d\n%s", code, out.String())
	}
	if code := Run([]string{"allow", "ssh", "--group", "sg-12345678", "--myip-url", "gopher://x"}, &Env{Out: &out, Err: &out}); code != 2 || !strings.Contains(out.String(), "--myip-url \"gopher://x\" is not an http(s) URL") {
		t.Errorf("allow checks --myip-url as the wizard does: exit %d\n%s", code, out.String())
	}
}
