package cli

import (
	"fmt"

	"github.com/sgwiz/sgwiz/export"
	"github.com/spf13/cobra"
)

type exportOptions struct {
	env    *Env
	plan   planFlags
	format string
	output string
	force  bool
}

func newExportCmd(env *Env) *cobra.Command {
	opts := &exportOptions{env: env}
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write a plan as Terraform, CloudFormation, an AWS CLI script, JSON or Markdown",
		Example: `  sgwiz export --use-case web --office-cidr 203.0.113.10/32 --egress web --format terraform
  sgwiz export -f plan.yaml --format cloudformation -o sg.yaml
  sgwiz export --use-case three-tier --format awscli -o create-groups.sh`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return exportRun(cmd, opts) },
	}
	opts.plan.register(cmd, env)
	cmd.Flags().StringVar(&opts.format, "format", string(export.Terraform), "terraform, cloudformation, cloudformation-json, awscli, json or markdown")
	completeValues(cmd, "format", exportFormats()...)
	cmd.Flags().StringVarP(&opts.output, "output", "o", "", "write to FILE (atomically) instead of standard output")
	cmd.Flags().BoolVar(&opts.force, "force", false, "replace FILE if it exists")
	return cmd
}

func exportRun(cmd *cobra.Command, opts *exportOptions) error {
	format, err := export.ParseFormat(opts.format)
	if err != nil {
		return usageError(fmt.Errorf("--format: %w", err))
	}
	p, warnings, err := opts.plan.load(cmd)
	printWarnings(opts.env, warnings)
	if err != nil {
		return err
	}
	out, err := export.Render(format, p)
	if err != nil {
		return usageError(err)
	}
	return writeOutput(opts.env, opts.output, out, export.ModeOf(format), opts.force)
}

// writeOutput prints data, or writes it atomically to path.
func writeOutput(env *Env, path string, data []byte, mode export.FileMode, force bool) error {
	if path == "" || path == "-" {
		_, err := env.Out.Write(data)
		return err
	}
	if err := export.WriteFile(path, data, mode.Perm(), force); err != nil {
		return usageError(err)
	}
	fmt.Fprintf(env.Err, "sgwiz: wrote %s\n", path)
	return nil
}

func printWarnings(env *Env, warnings []string) {
	for _, w := range warnings {
		fmt.Fprintln(env.Err, "sgwiz: note:", w)
	}
}
