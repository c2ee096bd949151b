package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sgwiz/sgwiz/model"
)

// AuditReport is what an audit found in the accounts and regions it read.
type AuditReport struct {
	Scopes   []AuditScope
	Findings []model.AuditFinding
	// At is when the audit read the accounts (its AuditOptions.Now): the
	// time its ASFF findings carry.
	At time.Time
}

// AuditScope is one account in one region: what was read, or why not.
type AuditScope struct {
	Account, Region string
	// Groups, Interfaces and Templates are how many were read; Calls how
	// many API calls that took.
	Groups, Interfaces, Templates, Calls int
	// Checked and Unchecked say what was looked at to find unused groups.
	Checked, Unchecked []string
	// Error says why the scope could not be read; the others were.
	Error string
}

// AuditFormat is a report format of sgwiz audit.
type AuditFormat string

// The report formats.
const (
	AuditTable    AuditFormat = "table"
	AuditJSON     AuditFormat = "json"
	AuditSARIF    AuditFormat = "sarif"
	AuditMarkdown AuditFormat = "markdown"
	// AuditASFF is the AWS Security Finding Format, for Security Hub.
	AuditASFF AuditFormat = "asff"
)

// AuditFormats lists them, for help and errors.
var AuditFormats = []AuditFormat{AuditTable, AuditJSON, AuditSARIF, AuditMarkdown, AuditASFF}

// ParseAuditFormat reads --format.
func ParseAuditFormat(s string) (AuditFormat, error) {
	for _, f := range AuditFormats {
		if string(f) == s {
			return f, nil
		}
	}
	names := make([]string, len(AuditFormats))
	for i, f := range AuditFormats {
		names[i] = string(f)
	}
	return "", fmt.Errorf("unknown format %q%s: use one of %s", s, model.DidYouMean(s, names), strings.Join(names, ", "))
}

// RenderAudit writes the report in a format; version is sgwiz's, for SARIF.
func RenderAudit(f AuditFormat, r AuditReport, version string) ([]byte, error) {
	switch f {
	case AuditTable:
		return auditTable(r), nil
	case AuditJSON:
		return auditJSON(r)
	case AuditSARIF:
		return auditSARIF(r, version)
	case AuditMarkdown:
		return auditMarkdown(r), nil
	case AuditASFF:
		return auditASFF(r)
	}
	_, err := ParseAuditFormat(string(f))
	return nil, err
}

// ruleText is where a finding is: a rule, or the whole group.
func ruleText(f model.AuditFinding) string {
	if f.Index < 0 {
		return "whole group"
	}
	return fmt.Sprintf("%s %d: %s", strings.ToLower(f.Direction.Title()), f.Index+1, f.Rule.Text(f.Direction))
}

// oneLine keeps a text that came from AWS on one line, for tables.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// Summary sums up one scope in words, as the report ends and as audit's
// progress lines say it.
func (s AuditScope) Summary(findings int) string {
	if s.Error != "" {
		return fmt.Sprintf("%s %s: not read: %s", s.Account, s.Region, s.Error)
	}
	line := fmt.Sprintf("%s %s: %d groups, %d network interfaces, %d launch template versions read in %d calls; %d findings",
		s.Account, s.Region, s.Groups, s.Interfaces, s.Templates, s.Calls, findings)
	if len(s.Unchecked) > 0 {
		line += "; unused groups not reported, as these could not be read: " + strings.Join(s.Unchecked, "; ")
	}
	return line
}

// counts are the findings per scope (account and region).
func counts(r AuditReport) map[[2]string]int {
	n := map[[2]string]int{}
	for _, f := range r.Findings {
		n[[2]string{f.Account, f.Region}]++
	}
	return n
}

// Unread counts the scopes the audit could not read.
func (r AuditReport) Unread() int {
	n := 0
	for _, s := range r.Scopes {
		if s.Error != "" {
			n++
		}
	}
	return n
}

// noFindings says there were none, and whether everything was read.
func noFindings(r AuditReport) string {
	if n := r.Unread(); n > 0 {
		return fmt.Sprintf("No findings in what was read; %d of %d scopes could not be read (below).\n", n, len(r.Scopes))
	}
	return "No findings.\n"
}

func auditTable(r AuditReport) []byte {
	var b bytes.Buffer
	if len(r.Findings) == 0 {
		b.WriteString(noFindings(r))
	} else {
		w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(w, "SEVERITY\tCHECK\tACCOUNT\tREGION\tGROUP\tWHERE\tWHY")
		for _, f := range r.Findings {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s %s\t%s\t%s\n", f.Severity, f.ID, f.Account, f.Region, f.GroupID, oneLine(f.Group), oneLine(ruleText(f)), oneLine(f.Why))
		}
		_ = w.Flush()
	}
	n := counts(r)
	b.WriteString("\n")
	for _, s := range r.Scopes {
		b.WriteString(oneLine(s.Summary(n[[2]string{s.Account, s.Region}])) + "\n")
	}
	return b.Bytes()
}

// jsonReport is the json format, documented in the README; its field
// names are stable.
type jsonReport struct {
	Version  int           `json:"version"`
	Scopes   []jsonScope   `json:"scopes"`
	Findings []jsonFinding `json:"findings"`
}

type jsonScope struct {
	Account    string   `json:"account"`
	Region     string   `json:"region"`
	Groups     int      `json:"groups"`
	Interfaces int      `json:"network_interfaces"`
	Templates  int      `json:"launch_template_versions"`
	Calls      int      `json:"calls"`
	Checked    []string `json:"checked"`
	Unchecked  []string `json:"not_checked"`
	Error      string   `json:"error,omitempty"`
}

type jsonFinding struct {
	ID        string         `json:"id"`
	Severity  model.Severity `json:"severity"`
	Account   string         `json:"account"`
	Region    string         `json:"region"`
	VPC       string         `json:"vpc_id"`
	GroupID   string         `json:"group_id"`
	Group     string         `json:"group_name"`
	Direction string         `json:"direction,omitempty"`
	Index     *int           `json:"rule_index,omitempty"`
	Rule      *jsonRule      `json:"rule,omitempty"`
	Why       string         `json:"why"`
	Fix       string         `json:"fix"`
	Controls  []string       `json:"controls"`
}

type jsonRule struct {
	Protocol    string `json:"protocol"`
	Ports       string `json:"ports"`
	Peer        string `json:"peer"`
	Description string `json:"description"`
}

func auditJSON(r AuditReport) ([]byte, error) {
	out := jsonReport{Version: 1, Scopes: []jsonScope{}, Findings: []jsonFinding{}}
	for _, s := range r.Scopes {
		out.Scopes = append(out.Scopes, jsonScope{Account: s.Account, Region: s.Region, Groups: s.Groups, Interfaces: s.Interfaces,
			Templates: s.Templates, Calls: s.Calls, Checked: nonNil(s.Checked), Unchecked: nonNil(s.Unchecked), Error: s.Error})
	}
	for _, f := range r.Findings {
		j := jsonFinding{ID: f.ID, Severity: f.Severity, Account: f.Account, Region: f.Region, VPC: f.VPC, GroupID: f.GroupID,
			Group: f.Group, Why: f.Why, Fix: f.Fix, Controls: nonNil(f.Controls)}
		if f.Index >= 0 {
			i := f.Index
			j.Direction, j.Index = f.Direction.String(), &i
			j.Rule = &jsonRule{Protocol: f.Rule.Protocol.String(), Ports: f.Rule.Ports.Format(f.Rule.Protocol), Peer: f.Rule.Peer.String(), Description: f.Rule.Description}
		}
		out.Findings = append(out.Findings, j)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	return append(b, '\n'), err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func auditMarkdown(r AuditReport) []byte {
	var b strings.Builder
	b.WriteString("# Security group audit\n\nMade by sgwiz audit.\n\n")
	n := counts(r)
	b.WriteString("| Account | Region | Groups | Findings | Notes |\n| --- | --- | --- | --- | --- |\n")
	for _, s := range r.Scopes {
		note := ""
		switch {
		case s.Error != "":
			note = "not read: " + s.Error
		case len(s.Unchecked) > 0:
			note = "unused groups not reported: " + strings.Join(s.Unchecked, "; ")
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %s |\n", mdText(s.Account), mdText(s.Region), s.Groups, n[[2]string{s.Account, s.Region}], mdText(note))
	}
	if len(r.Findings) == 0 {
		b.WriteString("\n" + noFindings(r))
		return []byte(b.String())
	}
	bySeverity := map[model.Severity][]model.AuditFinding{}
	var sevs []model.Severity
	for _, f := range r.Findings {
		if bySeverity[f.Severity] == nil {
			sevs = append(sevs, f.Severity)
		}
		bySeverity[f.Severity] = append(bySeverity[f.Severity], f)
	}
	sort.Slice(sevs, func(i, j int) bool { return sevs[i] > sevs[j] })
	for _, sev := range sevs {
		fmt.Fprintf(&b, "\n## %s (%d)\n\n| Check | Group | Where | Why | Fix | Controls |\n| --- | --- | --- | --- | --- | --- |\n",
			strings.ToUpper(sev.String()[:1])+sev.String()[1:], len(bySeverity[sev]))
		for _, f := range bySeverity[sev] {
			fmt.Fprintf(&b, "| %s | %s %s (%s, %s) | %s | %s | %s | %s |\n", f.ID, mdText(f.GroupID), mdText(f.Group), mdText(f.Account), mdText(f.Region),
				mdText(ruleText(f)), mdText(f.Why), mdText(f.Fix), mdText(strings.Join(f.Controls, ", ")))
		}
	}
	return []byte(b.String())
}

// findingKey is what a finding is about, for the ids and fingerprints of
// every report (ASFF, SARIF): the rule (direction, protocol, ports, peer)
// or the whole group, and the finding's subject (which tag, which
// interface). Its words are left out: they change with what was checked.
func findingKey(f model.AuditFinding) string {
	about := []string{"group", f.Direction.String()}
	if f.Index >= 0 {
		about = []string{f.Direction.String(), f.Rule.Protocol.String(), f.Rule.Ports.Format(f.Rule.Protocol), f.Rule.Peer.String()}
	}
	return strings.Join(append(about, f.Subject), "\x00")
}
