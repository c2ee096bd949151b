package cli

import (
	"github.com/sgwiz/sgwiz/export"
	"github.com/sgwiz/sgwiz/model"
	"github.com/spf13/cobra"
)

type lintOptions struct {
	env  *Env
	plan planFlags
	json bool
}

func newLintCmd(env *Env) *cobra.Command {
	opts := &lintOptions{env: env}
	cmd := &cobra.Command{
		Use:   "lint",
		Short: "Check a plan: findings with severity, why and fix; exit 1 on a high finding",
		Long: `lint runs every check over the plan and prints the findings, most serious
first. It exits 0 when nothing is high or critical, 1 when something is, and 2
on bad input. Finding ids and severity names are stable.`,
		Example: `  sgwiz lint -f plan.yaml
  sgwiz lint --use-case web --office-cidr 203.0.113.10/32 --ssh-from world --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return lintRun(cmd, opts) },
	}
	opts.plan.register(cmd, env)
	cmd.Flags().BoolVar(&opts.json, "json", false, "print the findings as JSON")
	return cmd
}

func lintRun(cmd *cobra.Command, opts *lintOptions) error {
	p, warnings, err := opts.plan.load(cmd)
	printWarnings(opts.env, warnings)
	if err != nil {
		return err
	}
	findings := p.Check()
	format := export.LintText
	if opts.json {
		format = export.LintJSON
	}
	out, err := export.RenderLint(format, p, findings)
	if err != nil {
		return err
	}
	if _, err := opts.env.Out.Write(out); err != nil {
		return err
	}
	if s, ok := model.HighestSeverity(findings); ok && s >= model.High {
		return &exitError{exitFindings, errSilent}
	}
	return nil
}
