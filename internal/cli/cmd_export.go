package main

import (
	"fmt"

	"github.com/sgwiz/sgwiz/export"
	"github.com/spf13/cobra"
)

type exportOptions struct {
	io     streams
	plan   planFlags
	format string
	output string
	force  bool
}

func newExportCmd(io streams) *cobra.Command {
	opts := &exportOptions{io: io}
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write a plan as Terraform, CloudFormation, an AWS CLI script, JSON or Markdown",
		Example: `  sgwiz export --use-case web --office-cidr 203.0.113.10/32 --egress web --format terraform
  sgwiz export -f plan.yaml --format cloudformation -o sg.yaml
  sgwiz export --use-case three-tier --format awscli -o create-groups.sh`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return exportRun(cmd, opts) },
	}
	opts.plan.register(cmd, io.now)
	cmd.Flags().StringVar(&opts.format, "format", string(export.Terraform), "terraform, cloudformation, cloudformation-json, awscli, json or markdown")
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
	printWarnings(opts.io, warnings)
	if err != nil {
		return err
	}
	out, err := export.Render(format, p)
	if err != nil {
		return usageError(err)
	}
	return writeOutput(opts.io, opts.output, out, export.ModeOf(format), opts.force)
}

// writeOutput prints data, or writes it atomically to path.
func writeOutput(io streams, path string, data []byte, mode export.FileMode, force bool) error {
	if path == "" || path == "-" {
		_, err := io.Out.Write(data)
		return err
	}
	if err := export.WriteFile(path, data, mode.Perm(), force); err != nil {
		return usageError(err)
	}
	fmt.Fprintf(io.Err, "sgwiz: wrote %s\n", path)
	return nil
}

func printWarnings(io streams, warnings []string) {
	for _, w := range warnings {
		fmt.Fprintln(io.Err, "sgwiz: note:", w)
	}
}
