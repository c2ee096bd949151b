// Package testtool finds the external programs some tests need (cfn-lint,
// bash, tmux, moto_server, aws). Where CI=true a missing program fails the
// test, so CI cannot pass by skipping; elsewhere the test is skipped with
// the command that installs it.
package testtool

import (
	"os"
	"os/exec"
	"testing"
)

// Require returns the path of the program, or stops the test: Fatal in CI,
// Skip elsewhere with the install hint.
func Require(t testing.TB, name, install string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is required in CI and is not on PATH: %s", name, install)
	}
	t.Skipf("%s is not on PATH; install it to run this test: %s", name, install)
	return ""
}
