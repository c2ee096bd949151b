package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sgwiz/sgwiz/internal/testtool"
)

// buildBinary builds sgwiz once for the tests that run the real program.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "sgwiz")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/sgwiz/sgwiz").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// terminal is a tmux session on a private server, running one command.
type terminal struct {
	t      *testing.T
	tmux   string
	socket string
}

func startTerminal(t *testing.T, width, height int, env []string, command ...string) *terminal {
	tmux := testtool.Require(t, "tmux", "apt-get install -y tmux")
	term := &terminal{t: t, tmux: tmux, socket: fmt.Sprintf("sgwiz-test-%d", time.Now().UnixNano())}
	args := []string{"new-session", "-d", "-s", "main", "-x", fmt.Sprint(width), "-y", fmt.Sprint(height)}
	for _, e := range env {
		args = append(args, "-e", e)
	}
	term.run(append(args, command...)...)
	t.Cleanup(func() { _ = exec.Command(tmux, "-L", term.socket, "kill-server").Run() })
	return term
}

func (term *terminal) run(args ...string) string {
	term.t.Helper()
	out, err := exec.Command(term.tmux, append([]string{"-L", term.socket}, args...)...).CombinedOutput()
	if err != nil {
		term.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// keys sends tmux key names (Enter, Down, …); text is sent literally.
func (term *terminal) keys(keys ...string) {
	term.run(append([]string{"send-keys", "-t", "main"}, keys...)...)
}
func (term *terminal) text(s string)  { term.run("send-keys", "-t", "main", "-l", s) }
func (term *terminal) screen() string { return term.run("capture-pane", "-t", "main", "-p") }

// waitFor polls the screen until it holds want, or fails after 10 s.
func (term *terminal) waitFor(want string) string {
	term.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := term.screen()
		if strings.Contains(s, want) {
			return s
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("the screen never showed %q:\n%s", want, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// step sends keys, then waits for the screen to show want.
func (term *terminal) step(want string, keys ...string) string {
	term.keys(keys...)
	return term.waitFor(want)
}

var plainEnv = []string{"TERM=xterm-256color", "NO_COLOR=1", "HOME=" + os.TempDir()}

// TestWizardInARealTerminal types the office CIDR, accepts every default
// and checks the review the real binary shows.
func TestWizardInARealTerminal(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	term := startTerminal(t, 80, 24, plainEnv, bin)
	term.waitFor("1/8 Start")
	term.step("2/8 Use case", "Enter")
	term.step("3/8 Services", "Enter")
	term.step("4/8 Sources", "Enter")
	term.text("203.0.113.10")
	term.waitFor("203.0.113.10/32 = 1 address")
	term.step("5/8 Egress", "Enter")
	term.step("6/8 Details", "Enter")
	s := term.step("7/8 Review", "Enter")
	for _, want := range []string{"SSH    TCP       22          203.0.113.10/32", "HTTPS  TCP       443         ::/0", "No findings for web", "Anyone on the internet (IPv4) can open HTTP"} {
		if !strings.Contains(s, want) {
			t.Errorf("the review lacks %q:\n%s", want, s)
		}
	}
	term.step("8/8", "Enter")
	term.step("Discard your answers", "C-c")
	term.keys("y")
	// The program exits, and with it the tmux session.
	deadline := time.Now().Add(5 * time.Second)
	for exec.Command(term.tmux, "-L", term.socket, "has-session", "-t", "main").Run() == nil {
		if time.Now().After(deadline) {
			t.Fatalf("y did not quit:\n%s", term.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestWizardAfterResize starts large, reaches the review, shrinks the
// terminal to 80×24 and checks that the screen is whole: header on the
// first line, key help (on two lines at 80 columns) at the bottom,
// nothing wider than 80.
func TestWizardAfterResize(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	term := startTerminal(t, 120, 40, plainEnv, bin)
	term.waitFor("1/8 Start")
	term.step("2/8", "Enter")
	term.step("3/9 Options", "Down", "Down", "Enter")
	term.step("4/9", "Enter")
	term.step("5/9", "Enter")
	term.step("6/9", "Enter")
	term.step("7/9", "Enter")
	term.step("8/9 Review", "Enter")
	term.run("resize-window", "-t", "main", "-x", "80", "-y", "24")
	deadline := time.Now().Add(5 * time.Second)
	for {
		s := term.screen()
		lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
		ok := len(lines) == 24 && strings.HasPrefix(lines[0], "sgwiz · 8/9 Review") &&
			strings.Contains(lines[22]+lines[23], "move") && strings.Contains(lines[23], "quit") && strings.Contains(s, "web-alb")
		if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the resize the screen is not whole (%d lines):\n%s", len(lines), s)
		}
		time.Sleep(50 * time.Millisecond)
	}
	s := term.step("Instances in the group web-alb can open", "Tab")
	for l := range strings.SplitSeq(s, "\n") {
		if w := len([]rune(l)); w > 80 {
			t.Errorf("a line is %d wide after the resize: %q", w, l)
		}
	}
}

// TestNoTTYExitsAtOnce: without a terminal sgwiz does not hang.
func TestNoTTYExitsAtOnce(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	cmd := exec.Command(bin)
	cmd.Stdin = strings.NewReader("")
	done := make(chan struct{})
	var out []byte
	var err error
	go func() { out, err = cmd.CombinedOutput(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("sgwiz without a terminal did not exit")
	}
	if code := cmd.ProcessState.ExitCode(); code != 2 || !strings.Contains(string(out), "sgwiz lint -f plan.yaml") {
		t.Errorf("exit %d (%v):\n%s", code, err, out)
	}
}
