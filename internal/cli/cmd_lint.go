package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sgwiz/sgwiz/model"
	"github.com/spf13/cobra"
)

type lintOptions struct {
	io   streams
	plan planFlags
	json bool
}

func newLintCmd(io streams) *cobra.Command {
	opts := &lintOptions{io: io}
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
	opts.plan.register(cmd, io.now)
	cmd.Flags().BoolVar(&opts.json, "json", false, "print the findings as JSON")
	return cmd
}

type findingJSON struct {
	ID        string   `json:"id"`
	Severity  string   `json:"severity"`
	Group     string   `json:"group"`
	Direction string   `json:"direction,omitempty"`
	Rule      *int     `json:"rule,omitempty"`
	RuleText  string   `json:"rule_text,omitempty"`
	Why       string   `json:"why"`
	Fix       string   `json:"fix"`
	Controls  []string `json:"controls"`
}

func lintRun(cmd *cobra.Command, opts *lintOptions) error {
	p, warnings, err := opts.plan.load(cmd)
	printWarnings(opts.io, warnings)
	if err != nil {
		return err
	}
	findings := p.Check()
	if opts.json {
		out := []findingJSON{}
		for _, f := range findings {
			fj := findingJSON{ID: f.ID, Severity: f.Severity.String(), Group: f.Group, Why: f.Why, Fix: f.Fix, Controls: f.Controls}
			if f.Index >= 0 {
				i := f.Index + 1
				fj.Direction, fj.Rule, fj.RuleText = f.Direction.String(), &i, f.Rule.Text(f.Direction)
			}
			out = append(out, fj)
		}
		enc := json.NewEncoder(opts.io.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		printFindings(opts.io, p, findings)
	}
	if s, ok := model.HighestSeverity(findings); ok && s >= model.High {
		return &exitError{exitFindings, errSilent}
	}
	return nil
}

func printFindings(io streams, p model.Plan, findings []model.Finding) {
	if len(findings) == 0 {
		fmt.Fprintf(io.Out, "No findings in %d group(s).\n", len(p.Groups))
		return
	}
	counts := map[model.Severity]int{}
	for _, f := range findings {
		counts[f.Severity]++
		where := f.Group
		if f.Index >= 0 {
			where = fmt.Sprintf("%s %s rule %d (%s)", f.Group, strings.ToLower(f.Direction.Title()), f.Index+1, f.Rule.Text(f.Direction))
		}
		fmt.Fprintf(io.Out, "%-8s %s  %s\n", strings.ToUpper(f.Severity.String()), f.ID, where)
		fmt.Fprintf(io.Out, "         why: %s\n         fix: %s\n", f.Why, f.Fix)
		if len(f.Controls) > 0 {
			fmt.Fprintf(io.Out, "         see: %s\n", strings.Join(f.Controls, ", "))
		}
	}
	var parts []string
	for s := model.Critical; ; s-- {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
		}
		if s == model.Info {
			break
		}
	}
	fmt.Fprintf(io.Out, "%d finding(s): %s\n", len(findings), strings.Join(parts, ", "))
}
