package cli

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/model"
	"github.com/spf13/cobra"
)

func newPrefixListCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "prefix-list",
		Short: "Customer-managed prefix lists from the address book",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	var o prefixListOptions
	create := &cobra.Command{
		Use:   "create NAME [--max-entries N]",
		Short: "Turn an address book set into a customer-managed prefix list that groups share",
		Long: `create makes a customer-managed prefix list of the address book's set NAME
(one list per address family: NAME for IPv4, NAME-ipv6 for IPv6), so that
several groups name one list instead of repeating CIDRs. A rule naming the
list counts its maximum entries against a group's rule quota (60 per
direction by default), not its entries: --max-entries leaves room to grow
at that cost. Running it again finds the list it made. As apply does, it
shows what it would create and asks first in a terminal; without one it
needs --yes; --dry-run only shows.`,
		Example: `  sgwiz prefix-list create office --dry-run
  sgwiz prefix-list create office --max-entries 10 --region eu-west-1 --yes`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.maxGiven = cmd.Flags().Changed("max-entries")
			return prefixListCreate(cmd.Context(), env, o, args[0])
		},
	}
	o.cloud.register(create)
	create.Flags().BoolVar(&o.yes, "yes", false, "create without asking (needed without a terminal)")
	create.Flags().BoolVar(&o.dryRun, "dry-run", false, "say what would be created; create nothing")
	create.Flags().IntVar(&o.max, "max-entries", 0, "the most entries the list may hold, which is what a rule naming it counts for in the quota (default: as many as it has)")
	cmd.AddCommand(create)
	return cmd
}

// prefixListOptions are prefix-list create's flags.
type prefixListOptions struct {
	cloud       awsFlags
	max         int
	maxGiven    bool
	yes, dryRun bool
}

func prefixListCreate(ctx context.Context, env *Env, o prefixListOptions, name string) error {
	book, notes, err := env.addressBook()
	if err != nil {
		return usageError(err)
	}
	printWarnings(env, notes)
	name = strings.TrimPrefix(name, "@") // prefix-list create @office, as it is written elsewhere
	set, err := book.Resolve("@" + name)
	if err != nil {
		return usageError(fmt.Errorf("NAME: %w (config file %s)", err, env.configPath()))
	}
	var lists []aws.NewPrefixList
	for _, ipv6 := range []bool{false, true} {
		l := aws.NewPrefixList{Name: name, IPv6: ipv6, Description: "address book " + name + " (sgwiz)"}
		if ipv6 {
			l.Name += "-ipv6"
		}
		for _, p := range set {
			if p.Addr().Is6() == ipv6 {
				l.Entries = append(l.Entries, p)
			}
		}
		if len(l.Entries) == 0 {
			continue
		}
		l.MaxEntries = len(l.Entries)
		if o.maxGiven {
			if o.max < len(l.Entries) || o.max > 1000 {
				return usageError(fmt.Errorf("--max-entries: %d does not hold the %d entries of %s: give %d to 1000", o.max, len(l.Entries), l.Name, len(l.Entries)))
			}
			l.MaxEntries = o.max
		}
		lists = append(lists, l)
	}
	c, release, err := o.cloud.connect(ctx, env)
	if err != nil {
		return awsFailure(err)
	}
	defer release()
	var toMake int
	for _, l := range lists {
		id, err := c.FindPrefixList(ctx, l)
		if err != nil {
			return awsFailure(err)
		}
		if id == "" {
			toMake++
			fmt.Fprintf(env.Out, "would create %s (%s, %s: %s, max %d)\n", l.Name, family(l), model.Counted(len(l.Entries), "entry"), prefixesText(l.Entries), l.MaxEntries)
		}
	}
	if o.dryRun {
		return nil
	}
	if toMake > 0 && !o.yes {
		if err := ask(env, "Create it?", "prefix-list create changes the account: review the list above, then add --yes (or run it in a terminal to be asked)"); err != nil {
			return err
		}
	}
	for _, l := range lists {
		id, existed, err := c.CreatePrefixList(ctx, l)
		if err != nil {
			return awsFailure(err)
		}
		verb := "created"
		if existed {
			verb = "exists"
		}
		fam := family(l)
		fmt.Fprintf(env.Out, "%s %s %s (%s, %s: %s)\n  a rule naming it counts %d against a group's %s rule quota (its maximum entries)\n",
			verb, id, l.Name, fam, model.Counted(len(l.Entries), "entry"), prefixesText(l.Entries), l.MaxEntries, fam)
	}
	fmt.Fprintln(env.Out, "use it as a source or destination: from: pl-… in a plan file, --app-source pl-…, or ctrl+o in the wizard's sources")
	return nil
}

func prefixesText(ps []netip.Prefix) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.String()
	}
	return strings.Join(parts, ", ")
}

// family names a list's address family.
func family(l aws.NewPrefixList) string {
	if l.IPv6 {
		return "IPv6"
	}
	return "IPv4"
}
