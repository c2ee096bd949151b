package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/model"
	"github.com/spf13/cobra"
)

type attachOptions struct {
	env       *Env
	aws       awsFlags
	instance  string
	eni       string
	replace   string
	maxGroups int
	yes       bool
	dryRun    bool
	detach    bool
}

func newAttachCmd(env *Env) *cobra.Command {
	return attachCmd(env, false)
}

func newDetachCmd(env *Env) *cobra.Command {
	return attachCmd(env, true)
}

func attachCmd(env *Env, detach bool) *cobra.Command {
	o := &attachOptions{env: env, detach: detach}
	cmd := &cobra.Command{
		Use:   "attach sg-… --instance i-…|--eni eni-… [--replace sg-…]",
		Short: "Put a security group on an instance's network interface, keeping its other groups",
		Long: `attach adds the group to the groups of a network interface: the instance's
primary interface (--instance) or the one named (--eni). EC2 replaces an
interface's whole set of groups at once; sgwiz sends the current set plus
this group (minus the one --replace names), shows it before and after, and
asks. It checks first what EC2 would refuse: a group of another VPC, more
groups than the account allows per interface (--groups-per-interface, 5 by
default, up to 16), more than 1,000 rules per interface.`,
		Example: `  sgwiz attach sg-0123456789abcdef0 --instance i-0123456789abcdef0
  sgwiz attach sg-0123456789abcdef0 --eni eni-0123456789abcdef0 --replace sg-0fedcba9876543210 --yes`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return attachRun(cmd.Context(), o, args[0]) },
	}
	if detach {
		cmd.Use = "detach sg-… --instance i-…|--eni eni-…"
		cmd.Short = "Take a security group off an instance's network interface, keeping its other groups"
		cmd.Long = `detach removes the group from the groups of a network interface (the
instance's primary one, or --eni), sending the rest as EC2 wants the whole
set, after showing it before and after and asking. An interface keeps at
least one group: attach another first.`
		cmd.Example = `  sgwiz detach sg-0123456789abcdef0 --instance i-0123456789abcdef0`
	}
	o.aws.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&o.instance, "instance", "", "the instance (i-…): its primary network interface")
	fl.StringVar(&o.eni, "eni", "", "the network interface (eni-…)")
	if !detach {
		fl.StringVar(&o.replace, "replace", "", "a group (sg-…) the new one replaces on the interface")
	}
	fl.IntVar(&o.maxGroups, "groups-per-interface", model.DefaultGroupsPerInterface, "the account's quota of groups per network interface (5 unless raised, at most 16)")
	fl.BoolVarP(&o.yes, "yes", "y", false, "change without asking")
	fl.BoolVar(&o.dryRun, "dry-run", false, "show the change; make none")
	return cmd
}

func attachRun(ctx context.Context, o *attachOptions, group string) error {
	ids := map[string]string{"the group": group}
	if o.replace != "" {
		ids["--replace"] = o.replace
	}
	for what, id := range ids {
		if p, _, err := model.ParsePeer(id); err != nil || p.Kind() != model.PeerGroupID {
			return usageError(fmt.Errorf("%s: %q is not a security group id: give sg- and its hex digits", what, id))
		}
	}
	switch {
	case (o.instance == "") == (o.eni == ""):
		return usageError(errors.New("say where: --instance i-… (its primary interface) or --eni eni-…, one of them"))
	case o.instance != "" && !strings.HasPrefix(o.instance, "i-"):
		return usageError(fmt.Errorf("--instance: %q is not an instance id (i-…)", o.instance))
	case o.eni != "" && !strings.HasPrefix(o.eni, "eni-"):
		return usageError(fmt.Errorf("--eni: %q is not a network interface id (eni-…)", o.eni))
	case o.maxGroups < 1 || o.maxGroups > model.MaxGroupsPerInterface:
		return usageError(fmt.Errorf("--groups-per-interface: %d is not a quota AWS has: 1 to %d (5 unless raised)", o.maxGroups, model.MaxGroupsPerInterface))
	case o.replace == group:
		return usageError(errors.New("--replace names the group being attached: name the group it replaces"))
	}
	c, release, err := o.aws.connect(ctx, o.env)
	if err != nil {
		return awsFailure(err)
	}
	defer release()
	a, err := c.PlanAttach(ctx, aws.AttachRequest{Group: group, Instance: o.instance, ENI: o.eni, Replace: o.replace, Detach: o.detach, MaxGroups: o.maxGroups})
	if err != nil {
		return awsFailure(err)
	}
	out := o.env.Out
	for _, l := range a.Lines() {
		fmt.Fprintln(out, l)
	}
	if a.Empty() || o.dryRun {
		return nil
	}
	if !o.yes {
		if err := ask(o.env, "Change the interface's groups?", "this changes the groups of a running interface: review the change above, then add --yes (or run it in a terminal to be asked)"); err != nil {
			return err
		}
	}
	if err := c.Attach(ctx, a); err != nil {
		return awsFailure(err)
	}
	fmt.Fprintln(out, "done")
	return nil
}
