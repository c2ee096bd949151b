package wizard

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sgwiz/sgwiz/model"
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

// changed reports whether the fix changes the group.
func changed(a, b model.Group) bool {
	return len(a.Ingress) != len(b.Ingress) || len(a.Egress) != len(b.Egress) ||
		fmt.Sprint(a.Ingress, a.Egress) != fmt.Sprint(b.Ingress, b.Egress)
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
