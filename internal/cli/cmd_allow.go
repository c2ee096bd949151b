package cli

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/model"
	"github.com/spf13/cobra"
)

type allowOptions struct {
	env     *Env
	aws     awsFlags
	group   string
	from    []string
	lasting string
	myIP    string
	yes     bool
	dryRun  bool
}

func newAllowCmd(env *Env) *cobra.Command {
	o := &allowOptions{env: env}
	cmd := &cobra.Command{
		Use:   "allow SERVICE --group sg-… [--from my-ip|CIDR|@name]... [--for 2h]",
		Short: "Open a service to an address for a limited time (sgwiz sweep revokes it when it expires)",
		Long: `allow adds an inbound rule that expires: its description ends with
sgwiz:expires=TIME and the rule carries the tag sgwiz:expires=TIME, set by
the same call that adds it. SERVICE is a catalogue service (ssh, rdp,
https, postgresql, … as sgwiz presets lists) or a TCP port (8080).

Nothing in AWS removes a rule by itself: sgwiz sweep revokes the rules
whose time is over. Run it from cron or a scheduler, every few minutes.

Asking again for the same access extends it; a permanent rule that already
allows it is left as it is (and never swept). As apply and attach do, it
shows what it would change and asks first in a terminal; without one it
needs --yes; --dry-run only shows.`,
		Example: `  sgwiz allow ssh --group sg-0123456789abcdef0 --from my-ip --for 2h
  sgwiz allow rdp --group sg-0123456789abcdef0 --from 198.51.100.7 --for 30m --yes
  sgwiz allow 8443 --group sg-0123456789abcdef0 --from @office,198.51.100.7 --for 1d --dry-run`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return allowRun(cmd.Context(), o, args[0]) },
	}
	o.aws.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&o.group, "group", "", "the security group (sg-…)")
	fl.StringArrayVar(&o.from, "from", []string{"my-ip"}, "who may connect: my-ip (looked up), a CIDR or address, or @name from the address book; repeat for several")
	fl.StringVar(&o.lasting, "for", "1h", "how long: 30m, 2h, 1h30m, 1d (a week at most)")
	fl.BoolVar(&o.yes, "yes", false, "allow without asking (needed without a terminal)")
	fl.BoolVar(&o.dryRun, "dry-run", false, "say what would be added or extended; change nothing")
	myIPFlag(cmd, &o.myIP, env, "for --from my-ip")
	return cmd
}

func allowRun(ctx context.Context, o *allowOptions, service string) error {
	svc, err := allowedService(service)
	if err != nil {
		return usageError(err)
	}
	if p, _, err := model.ParsePeer(o.group); err != nil || p.Kind() != model.PeerGroupID {
		return usageError(fmt.Errorf("--group: %q is not a security group id: give sg- and its hex digits (aws ec2 describe-security-groups lists them)", o.group))
	}
	lasting, err := model.ParseLifetime(o.lasting)
	if err != nil {
		return usageError(fmt.Errorf("--for: %w", err))
	}
	if err := checkMyIPURL(o.myIP); err != nil {
		return err
	}
	peers, notes, err := o.temporaryPeers(ctx)
	if err != nil {
		return usageError(err)
	}
	printWarnings(o.env, notes)
	c, release, err := o.aws.connect(ctx, o.env)
	if err != nil {
		return awsFailure(err)
	}
	defer release()
	until := model.UntilFrom(o.env.now(), lasting)
	var plans []aws.Allowed
	var texts []string
	for _, p := range peers {
		for _, r := range svc.Rules(p.peer, svc.Title+" from "+p.label) {
			a, err := c.PlanAllow(ctx, o.group, model.Ingress, r, until)
			if err != nil {
				return awsFailure(err)
			}
			plans, texts = append(plans, a), append(texts, r.Text(model.Ingress))
		}
	}
	changes := slices.ContainsFunc(plans, aws.Allowed.Changes)
	if changes && (o.dryRun || !o.yes) {
		for i, a := range plans {
			if a.Changes() {
				fmt.Fprintf(o.env.Out, "would %s %s in %s until %s (%s)\n", a.Verb, texts[i], o.group, model.FormatExpiry(until), o.lasting)
			}
		}
		if o.dryRun {
			return nil
		}
		if err := ask(o.env, "Allow it?", "allow changes the group: review the rule above, then add --yes (or run it in a terminal to be asked)"); err != nil {
			return err
		}
	}
	for i, a := range plans {
		a, err := c.Allow(ctx, a)
		if err != nil {
			return awsFailure(err)
		}
		switch a.Verb {
		case "permanent":
			fmt.Fprintf(o.env.Out, "kept %s: %s is already allowed in %s by a permanent rule (nothing added, nothing to sweep)\n", a.RuleID, texts[i], o.group)
		case "kept":
			fmt.Fprintf(o.env.Out, "kept %s: %s in %s already lasts until %s\n", a.RuleID, texts[i], o.group, model.FormatExpiry(a.Expires))
		default:
			fmt.Fprintf(o.env.Out, "%s %s: %s in %s until %s (%s)\n", a.Verb, a.RuleID, texts[i], o.group, model.FormatExpiry(until), o.lasting)
		}
	}
	if o.aws.sandbox {
		fmt.Fprintln(o.env.Out, "the sandbox forgets it on exit; on AWS, sgwiz sweep revokes it once expired (nothing in AWS does by itself)")
		return nil
	}
	fmt.Fprintf(o.env.Out, "sgwiz sweep --region %s revokes it once expired; nothing in AWS does by itself (run sweep from cron, e.g. */5 * * * *)\n", c.Region)
	return nil
}

// allowedService is a catalogue service by id, or a TCP port.
func allowedService(s string) (model.Service, error) {
	if svc, ok := model.LookupService(strings.ToLower(s)); ok {
		return svc, nil
	}
	if n, err := model.ParsePort(s); err == nil {
		return model.CustomService(model.TCP, model.Port(n)), nil
	}
	var ids []string
	for _, svc := range model.Catalogue() {
		ids = append(ids, svc.ID)
	}
	return model.Service{}, fmt.Errorf("%q is neither a service of the catalogue%s (ssh, rdp, https, postgresql, … : sgwiz presets lists them) nor a TCP port", s, model.DidYouMean(s, ids))
}

type temporaryPeer struct {
	peer  model.Peer
	label string
}

// temporaryPeers reads --from: my-ip, addresses and CIDRs, @names, as
// one list (commas or repeats); never everyone. Notes and hints come back
// in the flag's words.
func (o *allowOptions) temporaryPeers(ctx context.Context) ([]temporaryPeer, []string, error) {
	var places []string
	var out []temporaryPeer
	for _, f := range model.SplitList(o.from...) {
		if !strings.EqualFold(f, "my-ip") {
			places = append(places, f)
			continue
		}
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		a, err := aws.MyIP(ctx, o.env.httpClient(), o.myIP)
		cancel()
		if err != nil {
			return nil, nil, fmt.Errorf("--from my-ip: %w (or give the address: --from 198.51.100.7)", err)
		}
		out = append(out, temporaryPeer{model.CIDR(model.HostPrefix(a)), "my IP"})
	}
	book, notes, err := o.env.bookFor(places)
	if err != nil {
		return nil, nil, err
	}
	l, err := model.ParsePlaces(book, places...)
	if err != nil {
		return nil, nil, &model.FieldError{Field: "--from", Msg: err.Error()}
	}
	for _, it := range l.Items {
		for _, p := range it.Peers {
			label := p.Prefix().String()
			if it.IsRef() {
				label = strings.TrimPrefix(it.Text, "@")
			}
			out = append(out, temporaryPeer{p, label})
		}
	}
	if len(out) == 0 {
		return nil, nil, errors.New("--from: give who may connect: my-ip, an address or @name")
	}
	// Each one a place, and all of them together not everyone either.
	all := make([]netip.Prefix, len(out))
	for i, p := range out {
		all[i] = p.peer.Prefix()
	}
	if err := model.NotAPlace(all); err != nil {
		return nil, nil, &model.FieldError{Field: "--from", Msg: err.Error()}
	}
	return out, append(notes, flagNotes("--from", l)...), nil
}
