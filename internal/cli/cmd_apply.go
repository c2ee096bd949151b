package cli

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/model"
	"github.com/spf13/cobra"
)

type applyOptions struct {
	env    *Env
	plan   planFlags
	aws    awsFlags
	dryRun bool
	yes    bool
	// adopt allows changing groups the plan found by name and did not
	// create (they lack its owner tags): apply then tags them as its own.
	adopt bool
}

func newApplyCmd(env *Env) *cobra.Command {
	opts := &applyOptions{env: env}
	cmd := &cobra.Command{
		Use:   "apply",
		Short: "Create or update the plan's groups in AWS, sending only the difference",
		Long: `apply compares the plan with the account (groups found by id, or by name in
the VPC), shows the change, asks for confirmation, and makes it: new groups
first, then one call per group and direction. A failure part-way removes
what this run created. Applying twice changes nothing the second time.

The groups apply creates carry the tags sgwiz:plan (the plan's name) and
sgwiz:group (the group's), set by the create call itself: a later apply of
the same plan knows them as its own, even after an apply that was cut off.
A group of the plan's name that it did not create is adopted only when you
type its name, or with --adopt.`,
		Example: `  sgwiz apply -f plan.yaml --dry-run
  sgwiz apply -f plan.yaml --profile prod --region eu-west-1
  sgwiz apply --use-case web --office-cidr 203.0.113.10 --sandbox --yes`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return applyRun(cmd, opts) },
	}
	opts.plan.register(cmd, env)
	opts.aws.register(cmd)
	cmd.Flags().BoolVar(&opts.dryRun, "dry-run", false, "show the calls and check permissions with EC2's DryRun flag; change nothing")
	cmd.Flags().BoolVarP(&opts.yes, "yes", "y", false, "apply without asking")
	cmd.Flags().BoolVar(&opts.adopt, "adopt", false, "with --yes, also change existing groups that the plan found by name and did not create (their rules become the plan's, and they are tagged as its own)")
	cmd.Flags().BoolVar(&opts.adopt, "replace-rules", false, "the old name of --adopt")
	_ = cmd.Flags().MarkDeprecated("replace-rules", "use --adopt")
	return cmd
}

func applyRun(cmd *cobra.Command, opts *applyOptions) error {
	p, warnings, err := opts.plan.load(cmd)
	printWarnings(opts.env, warnings)
	if err != nil {
		return err
	}
	if expired := p.ExpiredRules(opts.env.now()); len(expired) > 0 {
		return usageError(fmt.Errorf("%s: make it temporary again (the wizard's l, or sgwiz allow) or permanent (remove sgwiz:expires=… from its description)", strings.Join(expired, "; ")))
	}
	// Ctrl+C cancels the calls; apply then removes what it created.
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
	defer stop()
	c, release, err := opts.aws.connect(ctx, opts.env)
	if err != nil {
		return awsFailure(err)
	}
	defer release()
	out := opts.env.Out
	ch, err := c.Plan(ctx, p)
	if err != nil {
		return awsFailure(err)
	}
	fmt.Fprintf(out, "Region %s, VPC %s:\n", c.Region, ch.VPC)
	for _, l := range ch.Lines() {
		fmt.Fprintln(out, "  "+l)
	}
	if ch.Empty() {
		return nil
	}
	adopted := ch.Adopts()
	if opts.dryRun {
		fmt.Fprintln(out, "Calls:")
		for _, call := range ch.Calls() {
			fmt.Fprintln(out, "  "+call)
		}
		checks, err := c.DryRun(ctx, ch)
		if err != nil {
			return awsFailure(err)
		}
		fmt.Fprintln(out, "Permissions (EC2 DryRun):")
		denied, unchecked := 0, 0
		for _, k := range checks {
			mark := "ok  "
			switch {
			case k.Unchecked:
				mark, unchecked = "??  ", unchecked+1
			case !k.Allowed:
				mark, denied = "FAIL", denied+1
			}
			fmt.Fprintf(out, "  %s %s: %s\n", mark, k.Call, k.Note)
		}
		if unchecked > 0 {
			fmt.Fprintf(out, "%d call(s) not checked: they act on groups the apply creates first (README: the IAM actions apply needs).\n", unchecked)
		}
		if denied > 0 {
			return &exitError{exitFindings, fmt.Errorf("%d call(s) would be refused", denied)}
		}
		return nil
	}
	// High findings are said whichever way apply runs: before the
	// question in a terminal, on stderr with --yes.
	for _, f := range p.Check() {
		if f.Severity >= model.High {
			fmt.Fprintf(opts.env.Err, "sgwiz: %s %s in %s: %s\n", strings.ToUpper(f.Severity.String()), f.ID, f.Group, f.Why)
		}
	}
	switch {
	case !opts.yes:
		if err := confirm(opts.env, ch); err != nil {
			return err
		}
	case len(adopted) > 0 && !opts.adopt:
		_, why := ch.Confirmation()
		return usageError(fmt.Errorf("%s: review the change above, then add --adopt (with --yes), or run it in a terminal to be asked", why))
	}
	res, err := c.Apply(ctx, ch)
	var rb *aws.RollbackError
	if errors.As(err, &rb) {
		return &exitError{exitLeftover, err}
	}
	if err != nil {
		return awsFailure(err)
	}
	for _, g := range res.Groups {
		fmt.Fprintf(out, "%s %s %s\n  %s\n", g.Verb(), g.ID, g.Name, g.Console)
	}
	fmt.Fprintf(out, "done in %d call(s)\n", res.Calls)
	return nil
}

// awsFailure is an error from AWS: exit 1, not the 2 of bad input.
func awsFailure(err error) error { return &exitError{exitFindings, err} }

// ask asks question in a terminal and returns nil on y or yes; without a
// terminal it refuses with needYes (exit 2), a "not changed" on any other
// answer (exit 1). Commands that change AWS ask through it.
func ask(env *Env, question, needYes string) error {
	if !env.IsTerminal {
		return usageError(errors.New(needYes))
	}
	fmt.Fprint(env.Out, question+" [y/N] ")
	line, _ := bufio.NewReader(env.In).ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
		return &exitError{exitFindings, errors.New("not changed")}
	}
	return nil
}

// confirm asks before apply changes anything: y, or the group name that
// Changes.Confirmation asks for.
func confirm(env *Env, ch aws.Changes) error {
	if !env.IsTerminal {
		return usageError(errors.New("apply changes AWS: review the change above, then add --yes (or run it in a terminal to be asked)"))
	}
	r := bufio.NewReader(env.In)
	if name, why := ch.Confirmation(); name != "" {
		fmt.Fprintf(env.Out, "%s. Type the group name %q to apply anyway: ", why, name)
		line, _ := r.ReadString('\n')
		if strings.TrimSpace(line) != name {
			return &exitError{exitFindings, errors.New("not applied")}
		}
		return nil
	}
	fmt.Fprint(env.Out, "Apply these changes? [y/N] ")
	line, _ := r.ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
		return &exitError{exitFindings, errors.New("not applied")}
	}
	return nil
}
