// Package mototest starts moto_server (moto's EC2 and CloudFormation
// emulator, the project's reference peer) on a free loopback port for a
// test, and stops it by its pid when the test ends. Where CI=true a missing
// moto_server fails the test; elsewhere the test is skipped.
package mototest

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sgwiz/sgwiz/internal/testtool"
)

// Server is a running moto_server.
type Server struct {
	URL string
	cmd *exec.Cmd
}

// Start runs moto_server and waits until it answers.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := testtool.Require(t, "moto_server", "pip install 'moto[server]'")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
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
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("moto_server: %v", err)
	}
	s := &Server{URL: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd}
	t.Cleanup(func() {
		// Stop it (and the interpreter it runs in) by its process group.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(s.URL + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto_server did not answer in 20 s:\n%s", logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	return s
}

// Reset empties moto's state, for the next case of a test.
func (s *Server) Reset(t testing.TB) {
	t.Helper()
	resp, err := http.Post(s.URL+"/moto-api/reset", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

// SetEnv points the SDK and the aws CLI at the server for the rest of the
// test, with test credentials. It also clears AWS_CA_BUNDLE: set on some
// machines, it makes the SDK refuse a custom HTTP client (tests record
// or break calls with one), and moto speaks plain HTTP anyway.
func (s *Server) SetEnv(t testing.TB) {
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
		"AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
		"AWS_ENDPOINT_URL": s.URL, "AWS_EC2_METADATA_DISABLED": "true", "AWS_CA_BUNDLE": "",
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
		for _, kv := range strings.Split(string(body), "&") {
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
