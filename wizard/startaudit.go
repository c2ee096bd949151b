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

// fixes reports whether enter opens the row's group with a fix: the fix
// removes high findings; a group without one opens as it is.
func (r auditRow) fixes() bool { return r.worst >= model.High }

// keyOpenAsIs is enter on a group without high findings.
var keyOpenAsIs = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open as it is"))

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
		question := "Open " + r.group.ID + " instead?"
		if r.fixes() {
			question = "Open " + r.group.ID + " with its fix instead?"
		}
		return stay(), s.replacing(question, func() (nav, tea.Cmd) {
			return stay(), openFix(s.cloud, r.group, r.findings, s.draft.Office)
		})
	}
	return stay(), nil
}

func (v *auditView) view(s *session, width, height int) string {
	st := s.styles
	lines := []string{"", "Account " + v.inv.Account + "'s groups with findings, worst first:", ""}
	if len(v.rows) == 0 {
		lines = append(lines, st.OK.Render("✓ No findings."))
	}
	// The selected group's lines, kept on screen: its row, every finding
	// and what enter does.
	from, to := 0, 0
	for i, r := range v.rows {
		mark := "  "
		if i == v.cursor {
			mark = st.Cursor.Render("▸ ")
			from = len(lines)
		}
		sev := st.Severity(r.worst).Render(fmt.Sprintf("%-8s", strings.ToUpper(r.worst.String())))
		lines = append(lines, mark+sev+" "+ui.Fit(fmt.Sprintf("%s %s · %s", r.group.ID, r.group.Name, model.Counted(len(r.findings), "finding")), width-13))
		if i == v.cursor {
			for _, f := range r.findings {
				// A bullet each, its lines under its text.
				item := wrapped("      ", f.ID+" ("+f.Severity.String()+"): "+f.Why, width, st.Muted)
				item[0] = "    • " + strings.TrimPrefix(item[0], "      ")
				lines = append(lines, item...)
			}
			if r.fixes() {
				lines = append(lines, wrapped("    ", "enter: open it with the fix of its high findings ("+fixWords(s, r)+"), to review and apply", width, st.Muted)...)
			} else {
				lines = append(lines, wrapped("    ", "enter: open it as it is, to edit", width, st.Muted)...)
			}
			to = len(lines)
		}
	}
	lines = append(append(lines, ""), wrapped("", v.note, width, st.Muted)...)
	focus := (from + to) / 2
	if to-from >= height {
		focus = from + height/2 // the row first, then as many findings as fit
	}
	first := scrollStart(focus, len(lines), height)
	return strings.Join(lines[first:min(len(lines), first+height)], "\n")
}

func (v *auditView) bindings() []key.Binding {
	if len(v.rows) == 0 {
		return []key.Binding{keyBack}
	}
	open := keyFix
	if !v.rows[v.cursor].fixes() {
		open = keyOpenAsIs
	}
	return []key.Binding{keyUp, open, keyBack}
}

// asideTitle is the header's title while the audit is shown: the start
// screen's audit is no step of the path.
func (m *startStep) asideTitle(s *session) string {
	if m.audit == nil {
		return ""
	}
	return "Audit of " + m.audit.inv.Region
}

// asideExplainer is ?'s text while the audit is shown.
func (m *startStep) asideExplainer() string { return auditExplainer }
