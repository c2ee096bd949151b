package cli

import (
	"context"
	"fmt"

	"github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/model"
	"github.com/spf13/cobra"
)

type sweepOptions struct {
	env *Env
	accountFlags
	dryRun, quiet bool
}

func newSweepCmd(env *Env) *cobra.Command {
	o := &sweepOptions{env: env}
	cmd := &cobra.Command{
		Use:   "sweep",
		Short: "Revoke the temporary rules (sgwiz allow) whose time is over",
		Long: `sweep reads the rules tagged sgwiz:expires in each region and revokes
those whose time is over, by rule id. Rules without the tag are never
touched. It is safe to run from cron or a scheduler, as often as you like
and several at once: a rule already gone counts as revoked, and a second
run finds nothing to do. It exits 1 when a revoke failed or an expiry tag
cannot be read (that rule is left alone), 2 on bad input.`,
		Example: `  sgwiz sweep --region eu-west-1
  sgwiz sweep --all-regions --quiet          # from cron: */5 * * * *
  sgwiz sweep --dry-run`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return sweepRun(cmd.Context(), o) },
	}
	o.accountFlags.register(cmd, "sweep")
	fl := cmd.Flags()
	fl.BoolVar(&o.dryRun, "dry-run", false, "say what would be revoked; revoke nothing")
	fl.BoolVarP(&o.quiet, "quiet", "q", false, "print only what was revoked and what failed (for cron)")
	return cmd
}

func sweepRun(ctx context.Context, o *sweepOptions) error {
	scopes, release, err := o.scopes(ctx, o.env)
	defer release()
	if err != nil {
		return err
	}
	now := o.env.now()
	results := make([]aws.Swept, len(scopes))
	errs := make([]error, len(scopes))
	fanOut(len(scopes), o.parallel, func(i int) {
		if s := scopes[i]; s.err != nil {
			errs[i] = s.err
		} else {
			results[i], errs[i] = s.client.Sweep(ctx, now, o.dryRun)
		}
	})
	out, bad := o.env.Out, 0
	verb := "revoked"
	if o.dryRun {
		verb = "would revoke"
	}
	for i, s := range scopes {
		where := s.region
		if s.account != "" {
			where = s.account + " " + where
		}
		if errs[i] != nil {
			bad++
			fmt.Fprintf(o.env.Err, "sgwiz: %s: %v\n", where, errs[i])
			continue
		}
		r := results[i]
		for _, t := range r.Revoked {
			fmt.Fprintf(out, "%s: %s %s (expired %s)\n", where, verb, t.Text(), model.FormatExpiry(t.Expires))
		}
		for _, t := range r.Gone {
			fmt.Fprintf(out, "%s: already gone %s (expired %s; removed by another run)\n", where, t.Text(), model.FormatExpiry(t.Expires))
		}
		for _, t := range r.Problems {
			bad++
			fmt.Fprintf(o.env.Err, "sgwiz: %s: left %s: %s\n", where, t.Text(), t.Problem)
		}
		for _, e := range r.Failed {
			bad++
			fmt.Fprintf(o.env.Err, "sgwiz: %s: %v\n", where, e)
		}
		if !o.quiet {
			gone := ""
			if len(r.Gone) > 0 {
				gone = fmt.Sprintf(", %d already gone", len(r.Gone))
			}
			summary := fmt.Sprintf("%s: %d %s%s, %d temporary rule(s) still running", where, len(r.Revoked), verb, gone, len(r.Left))
			if len(r.Left) > 0 {
				summary += ", the next expires at " + model.FormatExpiry(r.Left[0].Expires)
			}
			fmt.Fprintln(out, summary)
		}
	}
	if bad > 0 {
		return &exitError{exitFindings, errSilent}
	}
	return nil
}
