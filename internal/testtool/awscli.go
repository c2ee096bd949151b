package testtool

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The aws CLI (v1) is a Python program that spends most of a second of
// CPU importing itself and its service models on every call, and the CLI
// script tests call it dozens of times. AWSCLI puts before it on PATH an
// aws that runs the installed aws CLI's own code, awscli.clidriver.main,
// in a Python process that imported the aws CLI once and forks a child
// per call. The child takes the caller's arguments, environment, working
// folder and standard streams, and its exit code is the caller's: the
// script meets the real aws CLI, a few times faster (about 0.2 s of CPU a
// call instead of 0.8 s here). SGWIZ_AWS_CLI=plain uses the installed aws
// as it is.

// preloadServer imports the aws CLI, listens on an abstract Unix socket
// (no file), and forks a child per connection that runs one aws command
// with the caller's streams (passed as descriptors), environment and
// folder, and sends back its exit code. It ends when its standard input,
// a pipe from the test binary, closes.
const preloadServer = `
import json, os, select, signal, socket, struct, sys
before = dict(os.environ)
import awscli.clidriver, awscli.handlers, awscli.customizations, botocore.session
# What importing the aws CLI put in the environment (its data path), which
# each call's own environment then needs too.
added = {k: v for k, v in os.environ.items() if before.get(k) != v}
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind('\0' + sys.argv[1])
srv.listen(64)
print('ready', flush=True)
while True:
    ready, _, _ = select.select([srv, sys.stdin], [], [])
    if sys.stdin in ready and not os.read(0, 1):
        break
    if srv not in ready:
        continue
    conn, _ = srv.accept()
    if os.fork():
        conn.close()
        continue
    srv.close()
    head, fds, _, _ = socket.recv_fds(conn, 4, 3)
    n = struct.unpack('i', head)[0]
    data = b''
    while len(data) < n:
        data += conn.recv(n - len(data))
    req = json.loads(data)
    for i, fd in enumerate(fds):
        os.dup2(fd, i)
        os.close(fd)
    os.chdir(req['cwd'])
    os.environ.clear()
    os.environ.update(req['env'])
    if os.environ.get('LC_CTYPE', '') == 'UTF-8':
        os.environ['LC_CTYPE'] = 'en_US.UTF-8'  # as the aws script does
    for k, v in added.items():
        os.environ[k] = v if k not in req['env'] else os.pathsep.join([req['env'][k], v])
    sys.argv = ['aws'] + req['argv']
    try:
        rc = awscli.clidriver.main()
    except SystemExit as e:
        rc = e.code if isinstance(e.code, int) else 1
    sys.stdout.flush()
    sys.stderr.flush()
    conn.sendall(struct.pack('i', rc or 0))
    os._exit(rc or 0)
`

// preloadClient is the aws the scripts run: it hands its arguments,
// environment, folder and streams to the server and exits with the code
// it gets back.
const preloadClient = `#!%s -S
import json, os, socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect('\0%s')
data = json.dumps({'argv': sys.argv[1:], 'env': dict(os.environ), 'cwd': os.getcwd()}).encode()
socket.send_fds(s, [struct.pack('i', len(data))], [0, 1, 2])
s.sendall(data)
rc = b''
while len(rc) < 4:
    chunk = s.recv(4 - len(rc))
    if not chunk:
        sys.exit(255)
    rc += chunk
sys.exit(struct.unpack('i', rc)[0])
`

var preloaded struct {
	once        sync.Once
	interpreter string
	socket      string
	err         error
	// pipes keeps the server's standard streams open for the life of the
	// test binary.
	pipes []any
}

// AWSCLI returns the folder to put first on PATH for scripts that call
// aws: one holding the preloading aws above, or, where that cannot run
// (not a Python aws CLI, SGWIZ_AWS_CLI=plain), the installed aws's own.
// Like Require, it fails in CI and skips elsewhere without an aws CLI.
func AWSCLI(t testing.TB) string {
	t.Helper()
	aws := Require(t, "aws", "pip install awscli")
	if os.Getenv("SGWIZ_AWS_CLI") == "plain" {
		return filepath.Dir(aws)
	}
	preloaded.once.Do(func() { preloaded.interpreter, preloaded.socket, preloaded.err = startPreload(aws) })
	if preloaded.err != nil {
		t.Logf("the aws CLI runs as it is (%v)", preloaded.err)
		return filepath.Dir(aws)
	}
	dir := t.TempDir()
	client := fmt.Sprintf(preloadClient, preloaded.interpreter, preloaded.socket)
	if err := os.WriteFile(filepath.Join(dir, "aws"), []byte(client), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// startPreload starts the server with the interpreter of the aws script.
func startPreload(aws string) (interpreter, socket string, err error) {
	f, err := os.Open(aws)
	if err != nil {
		return "", "", err
	}
	defer f.Close()
	first, _ := bufio.NewReader(f).ReadString('\n')
	interpreter, ok := strings.CutPrefix(strings.TrimSpace(first), "#!")
	if !ok || !strings.Contains(interpreter, "python") || strings.Contains(interpreter, " ") {
		return "", "", fmt.Errorf("%s is not a Python script", aws)
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	socket = fmt.Sprintf("sgwiz-awscli-%d-%s", os.Getpid(), hex.EncodeToString(b))
	cmd := exec.Command(interpreter, "-c", preloadServer, socket)
	// Its stdin is a pipe from this process: when the test binary ends, it
	// reads end of file and ends too.
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", "", err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", "", err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return "", "", err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "ready" {
		_ = cmd.Process.Kill()
		return "", "", fmt.Errorf("the preloaded aws CLI did not start: %q %v", line, err)
	}
	preloaded.pipes = append(preloaded.pipes, stdin, out)
	return interpreter, socket, nil
}
