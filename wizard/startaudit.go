package wizard

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/sgwiz/sgwiz/model"
	"github.com/sgwiz/sgwiz/ui"
)

// auditView lists the region's groups by their worst finding, on the
// start screen once an audit is asked for.
type auditView struct {
	rows   []auditRow
	cursor int
	inv    model.Inventory
	note   string // what could not be read, or how many groups are clean
}

type auditRow struct {
	group    model.Group
	findings []model.Finding
	worst    model.Severity
}

// update moves on the list and opens the group under the cursor with its
// fix; it returns back() when esc leaves the audit for the start menu.
func (v *auditView) update(s *session, k tea.KeyPressMsg) (nav, tea.Cmd) {
	switch {
	case key.Matches(k, keyBack):
		return back(), nil
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

func (v *auditView) view(s *session, width, height int) string {
	st := s.styles
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
