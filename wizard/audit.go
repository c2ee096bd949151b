package wizard

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/sgwiz/sgwiz/model"
	"github.com/sgwiz/sgwiz/ui"
)

// The start screen's audit: the region's groups, worst first, each with
// its worst finding; enter opens the group with the fix of its high
// findings applied, at the review, to look at and apply.

func newAuditView(inv model.Inventory, now time.Time) *auditView {
	v := &auditView{inv: inv}
	byID := map[string]int{}
	for i, g := range inv.Groups {
		byID[g.ID] = i
		v.rows = append(v.rows, auditRow{group: g})
	}
	for _, f := range model.Audit(inv, model.AuditOptions{Now: now}) {
		r := &v.rows[byID[f.GroupID]]
		r.findings = append(r.findings, f.Finding)
		r.worst = max(r.worst, f.Severity)
	}
	clean := 0
	kept := v.rows[:0]
	for _, r := range v.rows {
		if len(r.findings) == 0 {
			clean++
			continue
		}
		kept = append(kept, r)
	}
	v.rows = kept
	sort.SliceStable(v.rows, func(i, j int) bool { return v.rows[i].worst > v.rows[j].worst })
	v.note = fmt.Sprintf("%d groups read, %d without findings", len(inv.Groups), clean)
	if len(inv.Unchecked) > 0 {
		v.note += "; unused groups not reported: " + strings.Join(inv.Unchecked, "; ")
	}
	return v
}

func (m *startStep) auditKey(s *session, k tea.KeyPressMsg) (nav, tea.Cmd) {
	v := m.audit
	switch {
	case key.Matches(k, keyBack):
		m.audit = nil
	case key.Matches(k, keyUp, keyDown):
		v.cursor = moveCursor(k.String(), v.cursor, len(v.rows))
	case key.Matches(k, keyFix) && len(v.rows) > 0:
		r := v.rows[v.cursor]
		return stay(), s.replacing("Open "+r.group.ID+" with its fix instead?", func() (nav, tea.Cmd) {
			return stay(), openFix(s.cloud, r.group, r.findings, s.draft.Office)
		})
	}
	return stay(), nil
}

// changed reports whether the fix changes the group.
func changed(a, b model.Group) bool {
	return len(a.Ingress) != len(b.Ingress) || len(a.Egress) != len(b.Egress) ||
		fmt.Sprint(a.Ingress, a.Egress) != fmt.Sprint(b.Ingress, b.Egress)
}

func (m *startStep) auditBody(s *session, width, height int) string {
	st := s.styles
	v := m.audit
	lines := []string{"", "Audit of " + v.inv.Region + ", account " + v.inv.Account + ": worst first", ""}
	if len(v.rows) == 0 {
		lines = append(lines, st.OK.Render("✓ No findings."))
	}
	cursorLine := 0
	for i, r := range v.rows {
		mark := "  "
		if i == v.cursor {
			mark = st.Cursor.Render("▸ ")
			cursorLine = len(lines)
		}
		sev := st.Severity(r.worst).Render(fmt.Sprintf("%-8s", strings.ToUpper(r.worst.String())))
		lines = append(lines, mark+sev+" "+ui.Fit(fmt.Sprintf("%s %s · %d finding%s", r.group.ID, r.group.Name, len(r.findings), plural(len(r.findings))), width-13))
		if i == v.cursor {
			f := r.findings[0]
			lines = append(lines, wrapped("    ", f.ID+": "+f.Why, width, st.Muted)...)
			if r.worst >= model.High {
				lines = append(lines, wrapped("    ", "enter: open it with the fix of its high findings ("+fixWords(s, r)+"), to review and apply", width, st.Muted)...)
			} else {
				lines = append(lines, wrapped("    ", "enter: open it as it is, to edit", width, st.Muted)...)
			}
		}
	}
	lines = append(lines, "", st.Muted.Render(ui.Fit(v.note, width)))
	first := scrollStart(cursorLine, len(lines), height)
	return strings.Join(lines[first:min(len(lines), first+height)], "\n")
}

// fixWords says what the fix does to the row's group.
func fixWords(s *session, r auditRow) string {
	for _, f := range r.findings {
		if f.ID == "default-group-rules" {
			return "every rule removed: AWS's advice for a default group"
		}
	}
	if len(s.draft.Office) > 0 {
		return "SSH and RDP from the office " + joinPrefixes(s.draft.Office) + ", other world-open rules removed"
	}
	return "world-open rules removed; add your office on the sources step"
}
