// Package mototest runs one moto_server (moto's EC2 and CloudFormation
// emulator, the project's reference peer) per test binary, on a free
// loopback port, and gives each test an account of its own on it, so
// that tests run in parallel without resetting each other's state:
//
//	func TestMain(m *testing.M) { mototest.Main(m) }
//
//	func TestX(t *testing.T) {
//		t.Parallel()
//		acct := mototest.NewAccount(t)   // acct.URL is its endpoint
//	}
//
// moto is stopped by its pid when the tests end. Where CI=true a missing
// moto_server fails the test; elsewhere the test is skipped.
package mototest

import (
	"bytes"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sgwiz/sgwiz/internal/testtool"
	"github.com/sgwiz/sgwiz/model"
)

// Server is a running moto_server.
type Server struct {
	URL string
	cmd *exec.Cmd
	// exited closes when moto_server has exited.
	exited chan struct{}
	logs   *bytes.Buffer
}

var shared struct {
	once sync.Once
	srv  *Server
	err  error
}

// Main runs the tests, then stops the package's moto_server if one was
// started. Call it from TestMain. It first removes the caller's AWS_*
// variables from the test process: tests name their endpoint and
// credentials themselves, must never reach a real account through a
// developer's AWS_PROFILE, and AWS_CA_BUNDLE (set on some machines) makes
// the SDK refuse the custom HTTP clients tests record calls with.
func Main(m *testing.M) {
	// These tests wait on moto, the aws CLI and Terraform more than they
	// use the CPU: run up to 4 at once (go test's default is the number of
	// CPUs). A -parallel on the command line still decides, since flags
	// are parsed after this.
	if f := flag.Lookup("test.parallel"); f != nil && f.Value.String() == fmt.Sprint(runtime.GOMAXPROCS(0)) && runtime.GOMAXPROCS(0) < 4 {
		_ = f.Value.Set("4")
	}
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") {
			os.Unsetenv(k)
		}
	}
	code := m.Run()
	if s := shared.srv; s != nil {
		s.stop()
	}
	os.Exit(code)
}

// Shared returns the test binary's moto_server, starting it on first use.
func Shared(t testing.TB) *Server {
	t.Helper()
	bin := testtool.Require(t, "moto_server", "pip install 'moto[server]'")
	shared.once.Do(func() { shared.srv, shared.err = start(bin) })
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.srv
}

// start runs moto_server on a free loopback port. The port is free when
// chosen but moto, a slow Python start away, binds it later: another
// server (a sandbox of a test beside it) may take it first, and then moto
// exits and that server would answer as moto. So moto is known ready by
// its own page, and a moto that exited is started again on another port.
func start(bin string) (*Server, error) {
	var err error
	for range 5 {
		var s *Server
		if s, err = startOnce(bin); err == nil {
			return s, nil
		}
	}
	return nil, err
}

func startOnce(bin string) (*Server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	// moto reads AWS settings too (an empty AWS_PROFILE makes it fail
	// every call with a 500): give it none of the caller's.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_DEFAULT_REGION=us-east-1")
	logs := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = &syncWriter{w: logs}, &syncWriter{w: logs}
	// Its own process group, stopped whole at the end; and killed with the
	// test binary should that die first (a panic, a timeout), so that no
	// moto outlives its tests.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("moto_server: %w", err)
	}
	s := &Server{URL: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd, logs: logs, exited: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(s.exited) }()
	// A busy machine starts Python slowly: wait long, but not for ever.
	deadline := time.Now().Add(60 * time.Second)
	for {
		if isMoto(s.URL) {
			break
		}
		select {
		case <-s.exited:
			return nil, fmt.Errorf("moto_server exited before it answered (port %d taken?):\n%s", port, logs.String())
		default:
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("moto_server did not answer in 60 s:\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Its first EC2 call loads the EC2 backend (about a second): make it
	// now, once, rather than in the first test that times its calls.
	resp, err := http.Post(s.URL+"/", "application/x-www-form-urlencoded",
		strings.NewReader("Action=DescribeVpcs&Version=2016-11-15"))
	if err == nil {
		resp.Body.Close()
	}
	return s, nil
}

// stop ends moto_server and the interpreter it runs in, by process group.
func (s *Server) stop() {
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.exited
	}
}

// isMoto reports whether moto's own page answers at url.
func isMoto(url string) bool {
	resp, err := http.Get(url + "/moto-api/")
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	return resp.StatusCode == http.StatusOK && bytes.Contains(page, []byte("Moto"))
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}

// DefaultAccount is the account moto acts in when a call names none (no
// x-moto-account-id header, no assumed role).
const DefaultAccount = "123456789012"

// Account is an account of its own on the shared moto: URL is an endpoint
// that sends every call to moto as this account (moto's x-moto-account-id
// header), for the SDK, the aws CLI and Terraform alike.
type Account struct {
	URL string
	ID  string
	// Region is the region the helpers use.
	Region string
}

// NewAccount makes a fresh account on the shared moto; its endpoint closes
// when the test ends.
func NewAccount(t testing.TB) *Account {
	t.Helper()
	s := Shared(t)
	n, _ := rand.Int(rand.Reader, big.NewInt(899_999_999_999))
	id := fmt.Sprintf("%012d", n.Int64()+100_000_000_000)
	target, _ := url.Parse(s.URL)
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ErrorLog = log.New(io.Discard, "", 0) // cancelled calls are expected in fault tests
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set("x-moto-account-id", id)
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)
	return &Account{URL: proxy.URL, ID: id, Region: "us-east-1"}
}

// Env is the environment for a program (the aws CLI, a script, Terraform)
// that should talk to this account: the caller's, without its AWS
// settings, plus test credentials, the region and the endpoint.
func (a *Account) Env() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	return append(env, "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
		"AWS_REGION="+a.Region, "AWS_DEFAULT_REGION="+a.Region, "AWS_ENDPOINT_URL="+a.URL,
		"AWS_EC2_METADATA_DISABLED=true")
}

// SetEnv points the SDK of this process at the account for the rest of the
// test (so it cannot run in parallel), with test credentials. It clears
// AWS_CA_BUNDLE: set on some machines, it makes the SDK refuse a custom
// HTTP client, and moto speaks plain HTTP anyway.
func (a *Account) SetEnv(t testing.TB) {
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
		"AWS_REGION": a.Region, "AWS_DEFAULT_REGION": a.Region,
		"AWS_ENDPOINT_URL": a.URL, "AWS_EC2_METADATA_DISABLED": "true", "AWS_CA_BUNDLE": "",
	} {
		t.Setenv(k, v)
	}
	// Unset, not empty: the aws CLI reads AWS_PROFILE="" as a profile
	// named "" and stops.
	for _, k := range []string{"AWS_PROFILE", "AWS_SESSION_TOKEN"} {
		if old, ok := os.LookupEnv(k); ok {
			t.Setenv(k, old) // registers the restore
			os.Unsetenv(k)
		}
	}
}

// Recorder is an http.RoundTripper that records each EC2 call's Action.
type Recorder struct {
	Next    http.RoundTripper
	mu      sync.Mutex
	actions []string
}

// RoundTrip implements http.RoundTripper.
func (r *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(body))
		for kv := range strings.SplitSeq(string(body), "&") {
			if a, ok := strings.CutPrefix(kv, "Action="); ok {
				r.mu.Lock()
				r.actions = append(r.actions, a)
				r.mu.Unlock()
			}
		}
	}
	next := r.Next
	if next == nil {
		next = http.DefaultTransport
	}
	return next.RoundTrip(req)
}

// Actions returns the actions recorded so far and forgets them.
func (r *Recorder) Actions() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	a := r.actions
	r.actions = nil
	return a
}

// Mutating counts the calls that change something.
func Mutating(actions []string) int {
	n := 0
	for _, a := range actions {
		if !strings.HasPrefix(a, "Describe") && !strings.HasPrefix(a, "Get") {
			n++
		}
	}
	return n
}

// Crashes reports whether moto 5.2.1 answers a rule with a 500 where AWS
// takes it (MOTO.md): a protocol number without ports (50, ESP) and
// ICMPv6 without a type. Tests leave such rules out on moto, and prove
// them on the sandbox, which follows AWS.
func Crashes(r model.Rule) bool {
	if r.Protocol == model.ICMPv6 {
		return r.Ports == model.NoPorts
	}
	return r.Protocol != model.AllProtocols && !r.Protocol.HasPorts() && !r.Protocol.IsICMP()
}

// WithoutCrashes returns p without the rules moto cannot take (Crashes).
func WithoutCrashes(p model.Plan) model.Plan {
	q := p.Clone()
	for i := range q.Groups {
		g := &q.Groups[i]
		g.Ingress = keep(g.Ingress)
		g.Egress = keep(g.Egress)
	}
	return q
}

func keep(rules []model.Rule) []model.Rule {
	out := []model.Rule{}
	for _, r := range rules {
		if !Crashes(r) {
			out = append(out, r)
		}
	}
	return out
}
