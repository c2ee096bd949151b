package cli

import (
	"fmt"

	"github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/export"
	"github.com/sgwiz/sgwiz/model"
	"github.com/spf13/cobra"
)

type importOptions struct {
	env    *Env
	aws    awsFlags
	output string
	force  bool
	json   bool
}

func newImportCmd(env *Env) *cobra.Command {
	opts := &importOptions{env: env}
	cmd := &cobra.Command{
		Use:   "import sg-… [sg-…]",
		Short: "Write existing groups (and the groups they reference) as a plan file",
		Example: `  sgwiz import sg-0123456789abcdef0 > plan.yaml
  sgwiz import sg-0123456789abcdef0 --region eu-west-1 -o plan.yaml
  sgwiz lint -f plan.yaml && sgwiz apply -f plan.yaml   # edit, check, apply the difference`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, id := range args {
				if p, _, err := model.ParsePeer(id); err != nil || p.Kind() != model.PeerGroupID {
					return usageError(fmt.Errorf("%q is not a security group id: it is sg- and 8 or 17 lowercase hex digits", id))
				}
			}
			c, release, err := opts.aws.connect(cmd.Context(), opts.env)
			if err != nil {
				return awsFailure(err)
			}
			defer release()
			p, notes, err := c.ImportNoting(cmd.Context(), args...)
			if err != nil {
				return awsFailure(err)
			}
			for _, n := range notes {
				fmt.Fprintln(opts.env.Err, "sgwiz: "+n)
			}
			for _, g := range p.Groups {
				users, err := c.Users(cmd.Context(), g.ID)
				if err != nil {
					fmt.Fprintf(opts.env.Err, "sgwiz: %s (%s): who uses it is not known: %v\n", g.ID, g.Name, err)
					continue
				}
				fmt.Fprintf(opts.env.Err, "sgwiz: %s (%s): %s\n", g.ID, g.Name, aws.UsersText(users))
			}
			encode := p.YAML
			if opts.json {
				encode = p.JSON
			}
			out, err := encode()
			if err != nil {
				return err
			}
			return writeOutput(opts.env, opts.output, out, export.PlainFile, opts.force)
		},
	}
	opts.aws.register(cmd)
	cmd.Flags().BoolVar(&opts.json, "json", false, "write the JSON form")
	cmd.Flags().StringVarP(&opts.output, "output", "o", "", "write to FILE (atomically) instead of standard output")
	cmd.Flags().BoolVar(&opts.force, "force", false, "replace FILE if it exists")
	return cmd
}
