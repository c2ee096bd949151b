// Package cli is sgwiz's command line: the wizard's front door and the
// commands for scripts and CI, a file each, with the flag readers they
// share. Every command takes what it needs from the world through one
// Env, so tests build an Env instead of changing the process.
package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"runtime/debug"

	tea "charm.land/bubbletea/v2"
	"github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/wizard"
	"github.com/spf13/cobra"
)

// Exit codes the commands share.
const (
	exitOK       = 0
	exitFindings = 1 // lint found a high finding; apply failed or was declined
	exitUsage    = 2 // bad input: a flag, a plan file, a path
	exitLeftover = 3 // apply failed and could not remove what it created
	// exitNothingToFix: audit --fix-plan found no high finding and wrote
	// no fix plan, so that "audit --fix-plan F && apply -f F" stops there.
	exitNothingToFix = 4
	exitInterrupted  = 130 // ctrl+c, as shells count a SIGINT
)

// exitError carries an exit code out of a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError marks err as bad input (exit 2).
func usageError(err error) error { return &exitError{exitUsage, err} }

// Main runs sgwiz with the process's arguments and world, and returns the
// exit code; started by AWS Lambda, it serves the sweeper (lambda.go).
func Main() int {
	if startedByLambda(os.Getenv) {
		return startLambda()
	}
	return Run(os.Args[1:], System())
}

// Run executes the command line in env and returns the exit code.
func Run(args []string, env *Env) int {
	root := newRootCmd(env)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err != errSilent {
			fmt.Fprintln(env.Err, "sgwiz:", ee.err)
		}
		return ee.code
	}
	// cobra's own errors (unknown flag, bad value) are usage errors.
	fmt.Fprintln(env.Err, "sgwiz:", err)
	return exitUsage
}

// errSilent ends a command with a code and nothing more to print.
var errSilent = errors.New("")

func newRootCmd(env *Env) *cobra.Command {
	var file, myIP string
	var cloud awsFlags
	root := &cobra.Command{
		Use:   "sgwiz",
		Short: "Build least-privilege AWS EC2 security groups, then export or apply them",
		Long: `sgwiz turns "what is this machine for?" into a correct, least-privilege
EC2 security group (or a linked set), shows the rule table with findings,
and exports it as Terraform, CloudFormation, an AWS CLI script, JSON or
Markdown. Run it with no arguments in a terminal for the wizard, or with
-f plan.yaml to reopen a saved plan at its review.`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return wizardRun(cmd.Context(), env, file, myIP, cloud)
		},
	}
	root.Version = version()
	root.SetVersionTemplate("sgwiz {{.Version}} (" + runtime.Version() + ")\n")
	root.Flags().StringVarP(&file, "file", "f", "", "open this plan file at the review")
	myIPFlag(root, &myIP, env, "for the wizard's \"Look up my IP\"")
	cloud.register(root)
	root.SetOut(env.Out)
	root.SetErr(env.Err)
	root.AddCommand(newPresetsCmd(env), newExportCmd(env), newLintCmd(env), newPlanCmd(env), newApplyCmd(env), newImportCmd(env), newAuditCmd(env),
		newAllowCmd(env), newSweepCmd(env), newAttachCmd(env), newDetachCmd(env), newPrefixListCmd(env))
	return root
}

// version is the module version sgwiz was built at (go install …@v1.2.3),
// else the commit it was built from ("dev abc123def456"), else "dev"; for
// --version and SARIF's tool.driver.version.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = " (modified)"
			}
		}
	}
	if rev == "" {
		return "dev"
	}
	return fmt.Sprintf("dev %.12s%s", rev, modified)
}

// noTTYMessage names the commands that do without a terminal.
const noTTYMessage = `sgwiz: the wizard needs a terminal. Without one, use:
  sgwiz presets [--json]                    use cases and services
  sgwiz plan --use-case web --office-cidr 203.0.113.10/32 -o plan.yaml
  sgwiz lint -f plan.yaml [--json]          findings; exit 1 on high
  sgwiz export -f plan.yaml --format terraform|cloudformation|cloudformation-json|awscli|json|markdown [-o FILE]
  sgwiz apply -f plan.yaml [--dry-run | --yes]   import sg-… -o plan.yaml   audit [--fix-plan fix.yaml]
  sgwiz allow, sweep, attach, detach, prefix-list create   (each with --sandbox to try it)
Run sgwiz --help for every command and flag.`

// wizardRun starts the wizard, at the review of file when given.
func wizardRun(ctx context.Context, env *Env, file, myIP string, cloud awsFlags) error {
	if err := checkMyIPURL(myIP); err != nil {
		return err
	}
	if !env.IsTerminal {
		fmt.Fprintln(env.Err, noTTYMessage)
		return &exitError{exitUsage, errSilent}
	}
	book, notes, err := env.addressBook()
	if err != nil {
		return usageError(err)
	}
	printWarnings(env, notes)
	opts := wizard.Options{MyIPURL: myIP, Book: book}
	if file != "" {
		p, warnings, err := readPlanFile(file, book)
		printWarnings(env, warnings)
		if err != nil {
			return err
		}
		opts.Plan = &p
	}
	// Connecting makes no call; the wizard asks who we are in the background.
	if c, release, err := cloud.connect(ctx, env); err != nil {
		opts.Offline = err.Error()
	} else {
		defer release()
		opts.Cloud = c
		opts.Where = cloud.describe(env, c.Region)
	}
	final, err := tea.NewProgram(wizard.New(opts), tea.WithInput(env.In), tea.WithOutput(env.Out), tea.WithFPS(120)).Run()
	if w, ok := final.(wizard.Model); ok {
		// The console links of what was applied, whole: the screen cut them.
		fmt.Fprint(env.Out, w.Links())
	}
	if errors.Is(err, tea.ErrInterrupted) {
		return &exitError{exitInterrupted, errSilent}
	}
	return err
}

// myIPFlag registers --myip-url, the endpoint "my IP" is asked at, for
// every command that asks it (the wizard, allow --from my-ip): its
// default is SGWIZ_MYIP_URL, else AWS's.
func myIPFlag(cmd *cobra.Command, v *string, env *Env, what string) {
	cmd.Flags().StringVar(v, "myip-url", cmp.Or(env.getenv("SGWIZ_MYIP_URL"), aws.DefaultMyIPURL),
		"the HTTPS endpoint that answers with your public address, "+what+" (env SGWIZ_MYIP_URL)")
}

// checkMyIPURL refuses a --myip-url that is not an http(s) URL.
func checkMyIPURL(v string) error {
	if u, err := url.Parse(v); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return usageError(fmt.Errorf("--myip-url %q is not an http(s) URL: give one such as %s", v, aws.DefaultMyIPURL))
	}
	return nil
}
