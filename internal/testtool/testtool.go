// Package testtool finds the external programs some tests need (cfn-lint,
// bash, tmux, moto_server, aws). Where CI=true a missing program fails the
// test, so CI cannot pass by skipping; elsewhere the test is skipped with
// the command that installs it.
package testtool

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Require returns the path of the program, or stops the test: Fatal in CI,
// Skip elsewhere with the install hint.
func Require(t testing.TB, name, install string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return unshim(name, path)
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is required in CI and is not on PATH: %s", name, install)
	}
	t.Skipf("%s is not on PATH; install it to run this test: %s", name, install)
	return ""
}

// TerraformMirror returns the root of a filesystem mirror that holds the
// Terraform AWS provider (the folder above registry.terraform.io):
// $SGWIZ_TF_MIRROR, else the first of the usual places that has it. Like
// Require, it fails in CI and skips elsewhere when there is none.
func TerraformMirror(t testing.TB) string {
	t.Helper()
	candidates := []string{os.Getenv("SGWIZ_TF_MIRROR"), "/opt/tf-plugins", "/usr/share/terraform/plugins", "/usr/local/share/terraform/plugins"}
	if home, err := os.UserHomeDir(); err == nil {
		candidates = append(candidates, filepath.Join(home, ".terraform.d", "plugins"), filepath.Join(home, ".local", "share", "terraform", "plugins"))
	}
	for _, root := range candidates {
		if root == "" {
			continue
		}
		if m, _ := filepath.Glob(filepath.Join(root, "registry.terraform.io", "hashicorp", "aws", "*", "*", "terraform-provider-aws*")); len(m) > 0 {
			return root
		}
	}
	msg := "no Terraform AWS provider mirror (a folder holding registry.terraform.io/hashicorp/aws/VERSION/OS_ARCH/terraform-provider-aws*): set SGWIZ_TF_MIRROR to its root"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// SARIFSchema returns the path of the SARIF 2.1.0 JSON schema (from the
// npm package @microsoft/jest-sarif, which .ci/run fetches):
// $SGWIZ_SARIF_SCHEMA, else ~/.cache/sgwiz/sarif-2.1.0-rtm.5.json. Like
// Require, it fails in CI and skips elsewhere when there is none.
func SARIFSchema(t testing.TB) string {
	t.Helper()
	candidates := []string{os.Getenv("SGWIZ_SARIF_SCHEMA")}
	if dir, err := os.UserCacheDir(); err == nil {
		candidates = append(candidates, filepath.Join(dir, "sgwiz", "sarif-2.1.0-rtm.5.json"))
	}
	for _, p := range candidates {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	msg := "no SARIF 2.1.0 schema: run ./.ci/run once (it fetches it with npm), or set SGWIZ_SARIF_SCHEMA to sarif-2.1.0-rtm.5.json"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// unshim returns the program a pyenv shim runs, when path is one: the
// shim costs each call of a Python program (the aws CLI is called dozens
// of times in the tests) a tenth of a second of CPU more.
func unshim(name, path string) string {
	if filepath.Base(filepath.Dir(path)) != "shims" {
		return path
	}
	out, err := exec.Command("pyenv", "which", name).Output()
	if real := strings.TrimSpace(string(out)); err == nil && filepath.IsAbs(real) {
		if _, err := os.Stat(real); err == nil {
			return real
		}
	}
	return path
}
