package aws_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sgwiz/sgwiz/export"
	"github.com/sgwiz/sgwiz/internal/mototest"
	"github.com/sgwiz/sgwiz/internal/plantest"
	"github.com/sgwiz/sgwiz/internal/testtool"
	"github.com/sgwiz/sgwiz/model"
)

// TestTerraformOnMoto proves the terraform export with Terraform and the
// AWS provider: every preset, in a VPC with IPv4 only and in one with
// IPv6, is a module of one configuration (the export file as it is) that
// goes through init and apply (which validates and plans first) against moto. Afterwards
// moto's groups equal the json export, and a second plan shows no change.
// The catalogue (every service) is a module too, with count = 0: apply's
// validation checks it, nothing is created.
func TestTerraformOnMoto(t *testing.T) {
	t.Parallel()
	acct := mototest.NewAccount(t)
	raw := rawEC2(t, acct.URL)
	ws := newTerraform(t, acct)
	root := ws.provider
	type instance struct {
		plan model.Plan
		vpc  string
	}
	var instances []instance
	created := 0 // the resources the modules create
	module := func(name string, p model.Plan, args string) {
		t.Helper()
		src, err := export.Render(export.Terraform, p)
		if err != nil {
			t.Fatal(err)
		}
		ws.write(filepath.Join(name, "main.tf"), string(src))
		root += fmt.Sprintf("\nmodule %q {\n  source = \"./%s\"\n%s}\n", name, name, args)
		if !strings.Contains(args, "count  = 0") {
			created += strings.Count(string(src), "\nresource \"")
		}
	}
	for _, kind := range vpcKinds {
		vpc := vpcOf(t, raw, kind)
		for _, u := range model.UseCases() {
			p := presetIn(t, u.ID, model.Inputs{Name: u.ID}) // names of their own: one VPC holds every preset
			// A rule's own tags, set by Terraform on the rule resource.
			if g := &p.Groups[len(p.Groups)-1]; len(g.Egress) > 0 {
				g.Egress[0].Tags = model.NewTags(model.Tag{Key: "team", Value: u.ID}, model.Tag{Key: "ticket", Value: "OPS-1"})
			}
			// An ICMPv6 type with every code, which AWS holds (import
			// must round-trip it).
			if g := &p.Groups[0]; u.ID == "web" {
				g.Ingress = append(g.Ingress, model.Rule{Protocol: model.ICMPv6, Ports: model.ICMPType(128, -1),
					Peer: model.CIDR(netip.MustParsePrefix("2001:db8:1::/48")), Description: "Echo request, every code"})
			}
			module(u.ID+"_"+kind, p, fmt.Sprintf("  vpc_id = %q\n", vpc))
			instances = append(instances, instance{p, vpc})
		}
	}
	module("catalogue", plantest.CataloguePlan(), "  count  = 0\n")
	// Groups sgwiz applied, then imported: their export stands in the root
	// module (import blocks belong there) and must adopt every group and
	// rule, never create one (it made duplicates before it had import
	// blocks).
	adopted, targets := importedExport(t, acct.URL)
	instances = append(instances, instance{adopted, adopted.VPC()})
	root += "\n" + targets.src
	ws.write("main.tf", root)
	if out, err := ws.run("init", "-input=false", "-no-color"); err != nil {
		t.Fatalf("terraform init: %v\n%s", err, out)
	}
	// apply validates the whole configuration (the count = 0 catalogue
	// included), plans and applies it, in one process: a separate validate
	// or plan command would load the provider's schema once more (about
	// 5 s of CPU here each).
	out, err := ws.run("apply", "-input=false", "-no-color", "-auto-approve")
	if err != nil {
		t.Fatalf("terraform apply: %v\n%s", err, out)
	}
	for _, to := range targets.to {
		// "will be imported", or updated in place "(imported from …)":
		// moto drops descriptions of rules that name a group (MOTO.md).
		if strings.Contains(out, "# "+to+" will be created") {
			t.Errorf("%s should be imported, not created:\n%s", to, out)
		}
	}
	// The plan adds what the modules create, and the adopted groups and
	// rules add nothing: all of them are imports.
	if want := fmt.Sprintf("Plan: %d to import, %d to add,", len(targets.to), created); !strings.Contains(out, want) {
		t.Errorf("terraform's plan should say %q:\n%s", want, out)
	}
	if want := fmt.Sprintf("Apply complete! Resources: %d imported, %d added,", len(targets.to), created); !strings.Contains(out, want) {
		t.Errorf("terraform apply should say %q:\n%s", want, out)
	}
	for _, in := range instances {
		if got, want := described(t, raw, in.vpc, groupNames(in.plan)), wantJSON(t, in.plan); got != want {
			t.Errorf("%s in %s: after terraform apply, AWS reports:\n%s\nthe json export says:\n%s", in.plan.UseCase, in.vpc, got, want)
		}
	}
	// -detailed-exitcode: 0 no changes, 2 changes.
	out, err = ws.run("plan", "-input=false", "-no-color", "-detailed-exitcode")
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && exit.ExitCode() == 2:
		// moto drops the descriptions of rules that name a group when
		// Terraform reads a rule back (DescribeSecurityGroupRules), so
		// Terraform wants to set them again (MOTO.md); anything else is
		// a difference between the export and what AWS holds.
		known := map[string]bool{}
		for _, in := range instances {
			for _, g := range in.plan.Groups {
				for _, d := range []model.Direction{model.Ingress, model.Egress} {
					for _, r := range g.Rules(d) {
						if r.Peer.Kind() == model.PeerGroup || r.Peer.Kind() == model.PeerPrefixList {
							known[fmt.Sprintf("+ description = %q", r.Description)] = true
						}
					}
				}
			}
		}
		if other := unknownChanges(out, known); len(other) > 0 {
			t.Errorf("a second plan should change nothing but moto's known artefacts; it also changes:\n%s", strings.Join(other, "\n"))
		}
	default:
		t.Fatalf("terraform plan: %v\n%s", err, out)
	}
}

// unknownChanges returns the attribute changes of a plan's text that are
// not in known (written as "+ description = \"…\"", spaces collapsed),
// with the resource they belong to.
func unknownChanges(plan string, known map[string]bool) []string {
	var out []string
	resource := ""
	for l := range strings.SplitSeq(plan, "\n") {
		s := strings.Join(strings.Fields(l), " ")
		switch {
		case strings.HasPrefix(s, "# "):
			resource = s
		case strings.HasPrefix(s, "~ resource"), strings.HasPrefix(s, "Plan:"):
		case resource == "": // the legend before the first resource
		case strings.HasPrefix(s, "+ "), strings.HasPrefix(s, "- "), strings.HasPrefix(s, "~ "), strings.HasPrefix(s, "-/+ "):
			if !known[s] {
				out = append(out, resource+": "+s)
			}
		}
	}
	return out
}

// tfWorkspace is a Terraform configuration's folder, its CLI settings
// (the provider from the filesystem mirror) and its environment (the
// account on moto).
type tfWorkspace struct {
	t        *testing.T
	tf, dir  string
	env      []string
	provider string // the root module's terraform and provider blocks
}

func newTerraform(t *testing.T, acct *mototest.Account) *tfWorkspace {
	t.Helper()
	tf := testtool.Require(t, "terraform", "Terraform 1.x from https://developer.hashicorp.com/terraform/install, with the AWS provider in a filesystem mirror (SGWIZ_TF_MIRROR)")
	mirror := testtool.TerraformMirror(t)
	ws := &tfWorkspace{t: t, tf: tf, dir: t.TempDir()}
	ws.write("cli.tfrc", fmt.Sprintf("provider_installation {\n  filesystem_mirror {\n    path    = %q\n    include = [\"registry.terraform.io/hashicorp/aws\"]\n  }\n  direct {\n    exclude = [\"registry.terraform.io/hashicorp/aws\"]\n  }\n}\n", mirror))
	// skip_requesting_account_id stays false: moto reports group
	// references as ACCOUNT/sg-…, which otherwise re-plan (MOTO.md).
	ws.provider = fmt.Sprintf(`terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = ">= 5.0" }
  }
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  endpoints {
    ec2 = %[1]q
    sts = %[1]q
  }
}
`, acct.URL)
	// GOGC=400: Terraform and the provider (Go programs holding a 13 MB
	// schema) spend a third less CPU collecting garbage, at some hundreds
	// of MB more memory; measured on a plan, 8.5 s of CPU became 5.3 s.
	ws.env = append(acct.Env(), "TF_CLI_CONFIG_FILE="+filepath.Join(ws.dir, "cli.tfrc"), "TF_IN_AUTOMATION=1", "TF_INPUT=0",
		"CHECKPOINT_DISABLE=1", "TF_DATA_DIR="+filepath.Join(ws.dir, ".terraform"), "HOME="+ws.dir, "GOGC=400")
	return ws
}

// write writes a file of the configuration.
func (ws *tfWorkspace) write(path, text string) {
	ws.t.Helper()
	path = filepath.Join(ws.dir, path)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		ws.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		ws.t.Fatal(err)
	}
}

// run runs a terraform command in the configuration's folder.
func (ws *tfWorkspace) run(args ...string) (string, error) {
	cmd := exec.Command(ws.tf, args...)
	cmd.Dir, cmd.Env = ws.dir, ws.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	ws.t.Logf("terraform %s: %s wall, %s user", args[0], time.Since(start).Round(time.Millisecond), cmd.ProcessState.UserTime().Round(time.Millisecond))
	return out.String(), err
}

// adoption is an imported plan's Terraform export and the resources its
// import blocks adopt.
type adoption struct {
	src string
	to  []string
}

// importedExport applies the load-balancer preset (named adopted-…) with
// sgwiz, imports it, and exports the import to Terraform.
func importedExport(t *testing.T, url string) (model.Plan, adoption) {
	t.Helper()
	c, _ := connect(t, url)
	ctx := context.Background()
	ch, err := c.Plan(ctx, presetIn(t, "alb", model.Inputs{Name: "adopted"}))
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Apply(ctx, ch)
	if err != nil {
		t.Fatal(err)
	}
	imported, err := c.Import(ctx, res.Groups[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	src, err := export.Render(export.Terraform, imported)
	if err != nil {
		t.Fatal(err)
	}
	var a adoption
	a.src = string(src)
	for l := range strings.SplitSeq(a.src, "\n") {
		if to, ok := strings.CutPrefix(l, "  to = "); ok {
			a.to = append(a.to, to)
		}
	}
	rules := 0
	for _, g := range imported.Groups {
		rules += len(g.Ingress) + len(g.Egress)
	}
	if len(a.to) != len(imported.Groups)+rules {
		t.Fatalf("%d import blocks for %d groups and %d rules:\n%s", len(a.to), len(imported.Groups), rules, src)
	}
	return imported, a
}
