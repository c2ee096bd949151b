package cli

import (
	"path/filepath"
	"strings"

	"github.com/sgwiz/sgwiz/export"
	"github.com/spf13/cobra"
)

type planOptions struct {
	env    *Env
	plan   planFlags
	json   bool
	output string
	force  bool
}

func newPlanCmd(env *Env) *cobra.Command {
	opts := &planOptions{env: env}
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Write the plan file (YAML, or JSON) of a use case, to edit, lint and export",
		Example: `  sgwiz plan --use-case web --office-cidr 203.0.113.10/32 -o plan.yaml
  sgwiz plan --use-case three-tier --engine postgresql --json
  sgwiz plan -f hand-written.yaml -o normalised.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return planRun(cmd, opts) },
	}
	opts.plan.register(cmd, env)
	cmd.Flags().BoolVar(&opts.json, "json", false, "write the JSON form (also chosen by a .json output name)")
	cmd.Flags().StringVarP(&opts.output, "output", "o", "", "write to FILE (atomically) instead of standard output")
	cmd.Flags().BoolVar(&opts.force, "force", false, "replace FILE if it exists")
	return cmd
}

func planRun(cmd *cobra.Command, opts *planOptions) error {
	p, warnings, err := opts.plan.load(cmd)
	printWarnings(opts.env, warnings)
	if err != nil {
		return err
	}
	encode := p.YAML
	if opts.json || strings.EqualFold(filepath.Ext(opts.output), ".json") {
		encode = p.JSON
	}
	out, err := encode()
	if err != nil {
		return err
	}
	return writeOutput(opts.env, opts.output, out, export.PlainFile, opts.force)
}
