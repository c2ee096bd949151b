package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/sgwiz/sgwiz/model"
)

// TestStatesShowWithoutColour: with the colours stripped (NO_COLOR), the
// page shown, the row and the list item under the cursor and every
// severity still read differently from the rest.
func TestStatesShowWithoutColour(t *testing.T) {
	for _, dark := range []bool{true, false} {
		st := NewStyles(dark)
		if page, other := ansi.Strip(st.Page.String()), ansi.Strip(st.OtherPage.String()); page == other || page == "" || other == "" {
			t.Errorf("the page dots read %q and %q", page, other)
		}
		if sel, row := ansi.Strip(Row(st, "HTTP", true)), ansi.Strip(Row(st, "HTTP", false)); !strings.HasPrefix(sel, "▸") || strings.Contains(row, "▸") {
			t.Errorf("the selected row reads %q, another %q", sel, row)
		}
		if sel, item := ansi.Strip(st.Item.SelectedTitle.Render("Web server")), ansi.Strip(st.Item.NormalTitle.Render("Web server")); !strings.HasPrefix(sel, "│") || strings.Contains(item, "│") {
			t.Errorf("the selected item reads %q, another %q", sel, item)
		}
		for sev := model.Info; sev <= model.Critical; sev++ {
			f := model.Finding{ID: "x", Severity: sev, Group: "web", Index: -1, Why: "Why.", Fix: "Fix."}
			if got := ansi.Strip(Finding(st, f, 80, false)); !strings.Contains(got, strings.ToUpper(sev.String())) {
				t.Errorf("a %s finding does not name its severity: %q", sev, got)
			}
		}
	}
}
