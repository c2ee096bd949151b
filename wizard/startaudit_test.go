package wizard

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// audited is the start screen's audit of the sandbox's example account.
func audited(t *testing.T) tea.Model {
	t.Helper()
	c, sb := sandboxCloud(t)
	sb.Handler().Example()
	m := press(t, connected(t, c, Options{}), "down", "down", "down")
	m, cmd := m.Update(specialKeys["enter"])
	if cmd == nil {
		t.Fatal("the audit should start")
	}
	m, _ = m.Update(cmd())
	if m.(Model).steps[stepStart].(*startStep).audit == nil {
		t.Fatalf("no audit:\n%s", screen(m))
	}
	return m
}

// auditTo moves the audit's cursor to the group named name.
func auditTo(t *testing.T, m tea.Model, name string) (tea.Model, auditRow) {
	t.Helper()
	v := m.(Model).steps[stepStart].(*startStep).audit
	for range v.rows {
		if r := v.rows[v.cursor]; r.group.Name == name {
			return m, r
		}
		m = press(t, m, "down")
	}
	t.Fatalf("no group %s in the audit:\n%s", name, screen(m))
	return nil, auditRow{}
}

// oneLine is the screen with its lines joined, to find wrapped text.
func oneLine(m tea.Model) string { return strings.Join(strings.Fields(screen(m)), " ") }

// TestAuditSpellsOutEveryFinding: the selected group shows each of its
// findings, id and why, wrapped at 80 columns, not only the first.
func TestAuditSpellsOutEveryFinding(t *testing.T) {
	m, r := auditTo(t, audited(t), "launch-wizard-1")
	if len(r.findings) < 3 {
		t.Fatalf("launch-wizard-1 should have several findings: %v", r.findings)
	}
	// Compared without spaces: a line may break at a hyphen.
	bare := func(s string) string { return strings.Join(strings.Fields(s), "") }
	out := bare(screen(m))
	for _, f := range r.findings {
		if !strings.Contains(out, bare(f.ID+" ("+f.Severity.String()+"): "+f.Why)) {
			t.Errorf("finding %s is not spelled out:\n%s", f.ID, screen(m))
		}
	}
	for i, l := range strings.Split(screen(m), "\n") {
		if strings.HasSuffix(l, "…") {
			t.Errorf("line %d is cut: %q", i, l)
		}
	}
}

// TestAuditHelpSaysWhatEnterDoes: the help bar says what enter does to
// the selected group: open it with the fix where it has a high finding,
// as it is where it has none.
func TestAuditHelpSaysWhatEnterDoes(t *testing.T) {
	m, _ := auditTo(t, audited(t), "web-prod")
	if out := screen(m); !strings.Contains(out, "enter open with the fix") || !strings.Contains(out, "enter: open it with the fix") {
		t.Errorf("a group with a high finding opens with its fix:\n%s", out)
	}
	m, r := auditTo(t, m, "batch")
	if r.fixes() {
		t.Fatalf("batch should have no high finding: %v", r.findings)
	}
	out := screen(m)
	if !strings.Contains(out, "enter open as it is") || strings.Contains(out, "open with the fix") {
		t.Errorf("the help bar should say enter opens batch as it is, as the item does:\n%s", out)
	}
}

// TestAuditSaysItIsTheAudit: the header names the audit and its region
// instead of the start step, and ? explains the audit, not the start.
func TestAuditSaysItIsTheAudit(t *testing.T) {
	m := audited(t)
	head := strings.Split(screen(m), "\n")[0]
	if !strings.Contains(head, "Audit of us-east-1") || strings.Contains(head, "Start") || strings.Contains(head, "1/") {
		t.Errorf("header = %q, want the audit and its region", head)
	}
	m = press(t, m, "?")
	out := oneLine(m)
	if !strings.Contains(out, "The audit reads every security group of the region") || !strings.Contains(out, "opens it with the fix") {
		t.Errorf("? should explain the audit:\n%s", screen(m))
	}
	if strings.Contains(out, "A security group is a firewall") {
		t.Errorf("? explains the start screen, not the audit:\n%s", screen(m))
	}
	m = press(t, m, "?", "esc")
	if head := strings.Split(screen(m), "\n")[0]; !strings.Contains(head, "Start") {
		t.Errorf("esc leaves the audit for the start menu: %q", head)
	}
}
