package cli

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/sgwiz/sgwiz/model"
)

// readmePath is the README of the repository, two levels up.
const readmePath = "../../README.md"

var updateReadme = flag.Bool("update-readme", false, "rewrite the README's generated tables")

// TestReadmeTablesAreTheChecks: the README's tables of checks, controls
// and non-public ranges are made from the checks themselves (rewrite them
// with go test -run TestReadme -update-readme, then read the diff).
func TestReadmeTablesAreTheChecks(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for name, table := range map[string]string{"checks": checksTable(), "controls": controlsTable(), "not-public": notPublicTable()} {
		begin, end := "<!-- "+name+" -->\n", "<!-- /"+name+" -->"
		i, j := strings.Index(text, begin), strings.Index(text, end)
		if i < 0 || j < i {
			t.Fatalf("README.md has no %q … %q block", begin, end)
		}
		if got := text[i+len(begin) : j]; got != table {
			if !*updateReadme {
				t.Errorf("README.md's %s table is not the checks' (go test -run TestReadme -update-readme):\n%s", name, table)
				continue
			}
			text = text[:i+len(begin)] + table + text[j:]
		}
	}
	if *updateReadme {
		if err := os.WriteFile(readmePath, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func checksTable() string {
	var b strings.Builder
	b.WriteString("| id | severity | finds | controls it may name |\n|---|---|---|---|\n")
	for _, c := range model.Checks {
		cs := "—"
		if len(c.Controls) > 0 {
			cs = strings.Join(c.Controls, ", ")
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", c.ID, c.Severity, c.Title, mdCell(cs))
	}
	return b.String()
}

func controlsTable() string {
	var b strings.Builder
	b.WriteString("| control | its severity | fails | sgwiz checks that name it | where sgwiz differs |\n|---|---|---|---|---|\n")
	for _, c := range model.Controls {
		var checks, differs []string
		for _, k := range model.Checks {
			for _, id := range k.Controls {
				if id == c.ID {
					checks = append(checks, "`"+k.ID+"`")
					if k.Differs != "" && c.Rated && c.Severity > k.Severity {
						differs = append(differs, fmt.Sprintf("`%s` is rated %s: %s", k.ID, k.Severity, k.Differs))
					}
				}
			}
		}
		if c.Stricter != "" {
			differs = append([]string{"stricter: " + c.Stricter}, differs...)
		}
		sev := "none"
		if c.Rated {
			sev = c.Severity.String()
		}
		d := "—"
		if len(differs) > 0 {
			d = strings.Join(differs, "; ")
		}
		fmt.Fprintf(&b, "| [%s](%s) | %s | %s | %s | %s |\n", mdCell(c.ID), c.Source, sev, mdCell(c.What), strings.Join(checks, ", "), mdCell(d))
	}
	return b.String()
}

func notPublicTable() string {
	var b strings.Builder
	b.WriteString("| range | what it is |\n|---|---|\n")
	for _, f := range []model.Family{model.IPv4, model.IPv6} {
		for _, r := range model.NotPublic(f) {
			fmt.Fprintf(&b, "| `%s` | %s |\n", r.Prefix, mdCell(r.Name))
		}
	}
	return b.String()
}

func mdCell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", "\\|"), "*", "\\*")
}
