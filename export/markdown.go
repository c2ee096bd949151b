package export

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sgwiz/sgwiz/model"
)

// renderMarkdown writes the rule tables in the console's columns, as the
// seeds and runbooks show them, followed by the findings.
func renderMarkdown(p model.Plan) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# Security groups: %s\n\n", mdText(useCaseTitle(p)))
	vpc := "the account's default VPC"
	if p.VPC() != "" {
		vpc = "`" + p.VPC() + "`"
	}
	fmt.Fprintf(&b, "Made by sgwiz. VPC: %s. Security groups are stateful: replies to allowed traffic are allowed automatically.\n", vpc)
	for _, g := range p.Groups {
		fmt.Fprintf(&b, "\n## %s\n\nDescription: %s\n", mdText(g.Name), mdText(g.Description))
		if g.ID != "" {
			fmt.Fprintf(&b, "\nExists already: `%s` (the plan changes it in place).\n", g.ID)
		}
		if tags := p.TagsOf(&g); len(tags) > 0 {
			b.WriteString("\nTags:")
			for i, t := range tags {
				sep := ","
				if i == 0 {
					sep = ""
				}
				fmt.Fprintf(&b, "%s %s = %s", sep, mdText(t.Key), mdText(t.Value))
			}
			b.WriteString("\n")
		}
		for _, d := range []model.Direction{model.Ingress, model.Egress} {
			fmt.Fprintf(&b, "\n### %s rules\n\n", d.Title())
			rules := g.Rules(d)
			if len(rules) == 0 {
				if d == model.Egress {
					b.WriteString("None: the instance cannot open connections; replies to inbound traffic still flow.\n")
				} else {
					b.WriteString("None: nothing can open a connection to the instance.\n")
				}
				continue
			}
			peer := "Source"
			if d == model.Egress {
				peer = "Destination"
			}
			// Rule tags get a column when a rule has any.
			tagged := slices.ContainsFunc(rules, func(r model.Rule) bool { return !r.AWSTags().IsZero() })
			head, line := "", ""
			if tagged {
				head, line = " Tags |", " --- |"
			}
			fmt.Fprintf(&b, "| Type | Protocol | Port range | %s | Description |%s\n| --- | --- | --- | --- | --- |%s\n", peer, head, line)
			for _, r := range rules {
				fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |", mdText(model.TypeOf(r)), r.Protocol.Title(), r.PortText(), mdText(r.Peer.Title()), mdText(r.Description))
				if tagged {
					fmt.Fprintf(&b, " %s |", mdText(r.AWSTags().String()))
				}
				b.WriteByte('\n')
			}
		}
	}
	b.WriteString("\n## Use the groups\n\n")
	b.WriteString("On a running instance: `sgwiz attach GROUP_ID --instance INSTANCE_ID` (keeps its other groups). To launch with them:\n")
	for _, g := range p.Groups {
		id := idOrPlaceholder(g)
		fmt.Fprintf(&b, "\n%s:\n\n```sh\n%s\n```\n", mdText(g.Name), fmt.Sprintf(cliUse(g), id))
	}
	findings := p.Check()
	b.WriteString("\n## Findings\n\n")
	if len(findings) == 0 {
		b.WriteString("None.\n")
		return []byte(b.String())
	}
	b.WriteString("| Severity | Id | Group | Rule | Why | Fix |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, f := range findings {
		rule := "whole group"
		if f.Index >= 0 {
			rule = fmt.Sprintf("%s %d", f.Direction.Title(), f.Index+1)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", f.Severity, f.ID, mdText(f.Group), rule, mdText(f.Why), mdText(f.Fix))
	}
	return []byte(b.String())
}

// mdText escapes the characters that CommonMark would read as markup, so
// names and descriptions show as typed and cannot break a table.
func mdText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '|', '&', '~', '#':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n', '\r':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
