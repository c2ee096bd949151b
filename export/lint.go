package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sgwiz/sgwiz/model"
)

// LintFormat is a format of lint's report on a plan.
type LintFormat int

// Lint's formats: text for people, JSON for scripts.
const (
	LintText LintFormat = iota
	LintJSON
)

// lintFinding is one finding of lint's JSON; its field names are stable
// (the README documents them).
type lintFinding struct {
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

// RenderLint writes the findings of plan p in format f, as sgwiz lint
// prints them.
func RenderLint(f LintFormat, p model.Plan, findings []model.Finding) ([]byte, error) {
	if f == LintJSON {
		return lintJSON(findings)
	}
	return lintText(p, findings), nil
}

func lintJSON(findings []model.Finding) ([]byte, error) {
	out := []lintFinding{}
	for _, f := range findings {
		fj := lintFinding{ID: f.ID, Severity: f.Severity.String(), Group: f.Group, Why: f.Why, Fix: f.Fix, Controls: f.Controls}
		if f.Index >= 0 {
			i := f.Index + 1
			fj.Direction, fj.Rule, fj.RuleText = f.Direction.String(), &i, f.Rule.Text(f.Direction)
		}
		out = append(out, fj)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	err := enc.Encode(out)
	return b.Bytes(), err
}

func lintText(p model.Plan, findings []model.Finding) []byte {
	var b bytes.Buffer
	if len(findings) == 0 {
		fmt.Fprintf(&b, "No findings in %d group(s).\n", len(p.Groups))
		return b.Bytes()
	}
	counts := map[model.Severity]int{}
	for _, f := range findings {
		counts[f.Severity]++
		where := f.Group
		if f.Index >= 0 {
			where = fmt.Sprintf("%s %s rule %d (%s)", f.Group, strings.ToLower(f.Direction.Title()), f.Index+1, f.Rule.Text(f.Direction))
		}
		fmt.Fprintf(&b, "%-8s %s  %s\n", strings.ToUpper(f.Severity.String()), f.ID, where)
		fmt.Fprintf(&b, "         why: %s\n         fix: %s\n", f.Why, f.Fix)
		if len(f.Controls) > 0 {
			fmt.Fprintf(&b, "         see: %s\n", strings.Join(f.Controls, ", "))
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
	fmt.Fprintf(&b, "%d finding(s): %s\n", len(findings), strings.Join(parts, ", "))
	return b.Bytes()
}
