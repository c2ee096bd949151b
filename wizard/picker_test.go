package wizard

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/sgwiz/sgwiz/model"
)

var ctrlO = tea.KeyPressMsg{Code: 'o', Mod: tea.ModCtrl}

// TestPickerIsAList: ctrl+o under a service opens a list of the VPC's
// groups and the region's prefix lists; ↑/↓ move both ways, typing
// filters, enter picks (the source is added), esc closes it.
func TestPickerIsAList(t *testing.T) {
	c, sb := sandboxCloud(t)
	payments := existingGroup(t, c, sb, "payments-db")
	existingGroup(t, c, sb, "legacy-api")
	m := press(t, connected(t, c, Options{}), "enter", "enter", "enter", "203.0.113.10")
	m = toSourceLine(t, m, func(l srcLine, sels []model.Selection) bool {
		return l.kind == lineAdd && sels[l.sel].Service.ID == "https"
	})
	src := func(m tea.Model) *sourcesStep { return m.(Model).steps[stepSources].(*sourcesStep) }
	m, _ = m.Update(ctrlO)
	p := src(m).pick
	if p == nil || len(p.shown) < 3 {
		t.Fatalf("ctrl+o should open the list:\n%s", screen(m))
	}
	if out := screen(m); !strings.Contains(out, "enter pick") || !strings.Contains(out, "esc close the list") || !strings.Contains(out, "▸ "+p.shown[0].label) {
		t.Errorf("the open list marks its first pick and its help says enter and esc:\n%s", out)
	}
	m = press(t, m, "down", "down")
	if got := src(m).pick.cursor; got != 2 {
		t.Errorf("↓↓: cursor %d, want 2", got)
	}
	m = press(t, m, "up")
	if got := src(m).pick.cursor; got != 1 {
		t.Errorf("↑ goes back: cursor %d, want 1", got)
	}
	m = press(t, m, "up", "up")
	if got, n := src(m).pick.cursor, len(src(m).pick.shown); got != n-1 {
		t.Errorf("↑ on the first pick wraps to the last: cursor %d of %d", got, n)
	}
	if out := screen(m); !strings.Contains(out, "▸ "+src(m).pick.shown[src(m).pick.cursor].label) {
		t.Errorf("the cursor's pick is marked:\n%s", out)
	}
	m = press(t, m, "payments")
	if out := screen(m); !strings.Contains(out, payments+"  payments-db") || strings.Contains(out, "legacy-api") || len(src(m).pick.shown) != 1 {
		t.Errorf("typing filters the list:\n%s", out)
	}
	m = press(t, m, "enter")
	if src(m).pick != nil {
		t.Fatalf("enter picks and closes the list:\n%s", screen(m))
	}
	sels := m.(Model).s.selections(model.Ingress)
	var https model.Selection
	for _, sel := range sels {
		if sel.Service.ID == "https" {
			https = sel
		}
	}
	if !https.Has(model.FromPeer(model.GroupID(payments))) {
		t.Errorf("the picked group should be a source of HTTPS: %+v", https.Sources)
	}
	if out := screen(m); !strings.Contains(out, "[x] "+payments+" (payments-db, 2 rules)") {
		t.Errorf("the picked group shows ticked:\n%s", out)
	}
	m = toSourceLine(t, m, func(l srcLine, sels []model.Selection) bool {
		return l.kind == lineAdd && sels[l.sel].Service.ID == "https"
	})
	m, _ = m.Update(ctrlO)
	m = press(t, m, "esc")
	if src(m).pick != nil || m.(Model).Step() != "Sources" || src(m).lines[src(m).cursor].kind != lineAdd {
		t.Errorf("esc closes the list and stays on the add field:\n%s", screen(m))
	}
	if len(m.(Model).s.selections(model.Ingress)) != len(sels) {
		t.Error("esc picks nothing")
	}
}
