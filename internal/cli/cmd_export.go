package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sgwiz/sgwiz/export"
	"github.com/sgwiz/sgwiz/model"
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
	cmd.AddCommand(newExportSweeperCmd(env))
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

type exportSweeperOptions struct {
	env            *Env
	format, output string
	force          bool
	s              export.Sweeper
	regions        []string
	accounts       string
}

func newExportSweeperCmd(env *Env) *cobra.Command {
	o := &exportSweeperOptions{env: env}
	cmd := &cobra.Command{
		Use:   "sweeper",
		Short: "Write the deployment of sgwiz sweep on AWS's scheduler: a Lambda function, its roles, an EventBridge schedule",
		Long: `export sweeper writes, as Terraform or a CloudFormation template, sgwiz sweep
deployed on AWS's own engines: this binary as a Lambda function (runtime
provided.al2023, arm64), which runs sweep when Lambda starts it; an
EventBridge Scheduler schedule that invokes it (every 5 minutes unless
--schedule says otherwise); and a role for each, with only what it does.
The flags say what the function sweeps, as sweep's do; the function reads
them from its environment variables (SGWIZ_REGIONS, SGWIZ_ORGANIZATION,
SGWIZ_OU, SGWIZ_ACCOUNTS, SGWIZ_ROLE_ARN, SGWIZ_PARALLEL, SGWIZ_DRY_RUN).

Build the function's code first:
  GOOS=linux GOARCH=arm64 go build -tags lambda.norpc -o bootstrap . && zip sweeper.zip bootstrap`,
		Example: `  sgwiz export sweeper --format terraform -o sweeper.tf --regions eu-west-1,us-east-1
  sgwiz export sweeper --format cloudformation --regions all --zip s3://my-bucket/sgwiz/sweeper.zip -o sweeper.yaml
  sgwiz export sweeper --organization --ou ou-ab12-cdefgh12 --role-arn 'arn:aws:iam::{account}:role/sgwiz-sweep' --regions all
  sgwiz export sweeper --accounts 111111111111,222222222222 --role-arn 'arn:aws:iam::{account}:role/sgwiz-sweep'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return exportSweeperRun(o) },
	}
	fl := cmd.Flags()
	fl.StringVar(&o.format, "format", string(export.Terraform), "terraform or cloudformation")
	completeValues(cmd, "format", string(export.Terraform), string(export.CloudFormation))
	fl.StringVarP(&o.output, "output", "o", "", "write to FILE (atomically) instead of standard output")
	fl.BoolVar(&o.force, "force", false, "replace FILE if it exists")
	fl.StringSliceVar(&o.regions, "regions", nil, "the regions to sweep, eu-west-1,us-east-1, or all (default: the function's own)")
	fl.BoolVar(&o.s.Organization, "organization", false, "sweep the organisation's ACTIVE accounts, each through --role-arn (deploy in the management account or a delegated administrator)")
	fl.StringArrayVar(&o.s.OUs, "ou", nil, "with --organization: only the accounts under this organisational unit and its children (ou-…; repeatable)")
	fl.StringVar(&o.accounts, "accounts", "", "sweep these accounts, each through --role-arn: ids (111111111111,222222222222) or a FILE of them, one a line")
	fl.StringVar(&o.s.RoleARN, "role-arn", "", "the role sweep assumes in each account; {account} stands for the account id")
	fl.IntVar(&o.s.Parallel, "parallel", 0, "how many regions and accounts are read at once (default: sweep's, 8)")
	fl.BoolVar(&o.s.DryRun, "dry-run", false, "deploy a sweeper that says what it would revoke and revokes nothing")
	fl.StringVar(&o.s.Schedule, "schedule", export.DefaultSchedule, "when it runs: an EventBridge Scheduler expression, rate(…), cron(…) or at(…)")
	fl.StringVar(&o.s.Zip, "zip", "", "the function's code: a zip holding the binary as bootstrap, a FILE (Terraform uploads it; default sweeper.zip) or s3://BUCKET/KEY")
	fl.StringVar(&o.s.Name, "name", export.DefaultSweeperName, "the function's name (and its roles', log group's and schedule's)")
	return cmd
}

func exportSweeperRun(o *exportSweeperOptions) error {
	format, err := export.ParseFormat(o.format)
	if ok := []string{string(export.Terraform), string(export.CloudFormation)}; err != nil || (format != export.Terraform && format != export.CloudFormation) {
		err = fmt.Errorf("the sweeper is written as terraform or cloudformation, not %s%s", o.format, model.DidYouMean(o.format, ok))
	}
	if err != nil {
		return usageError(fmt.Errorf("--format: %w", err))
	}
	s := o.s
	s.Regions, s.AllRegions = export.SplitRegions(o.regions)
	if o.accounts != "" {
		if s.Accounts, err = accountList(o.accounts); err != nil {
			return usageError(err)
		}
	}
	flagName := func(field string) string { return "--" + field }
	if err := checkSweeper(s, flagName); err != nil {
		return usageError(err)
	}
	out, err := export.RenderSweeper(format, s)
	if fe := (*model.FieldError)(nil); errors.As(err, &fe) {
		return usageError(fmt.Errorf("--%s: %s", fe.Field, fe.Msg))
	} else if err != nil {
		return usageError(err)
	}
	return writeOutput(o.env, o.output, out, export.ModeOf(format), o.force)
}

// accountList reads --accounts: account ids with commas, or a file of
// them as sweep's --accounts reads it.
func accountList(v string) ([]string, error) {
	ids := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })
	if len(ids) == 1 && !model.ValidAccount(ids[0]) && !strings.Contains(v, ",") {
		return readAccounts(v)
	}
	for _, id := range ids {
		if !model.ValidAccount(id) {
			return nil, fmt.Errorf("--accounts: %q is not an account id (12 digits)", id)
		}
	}
	return ids, nil
}
