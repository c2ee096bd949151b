package wizard

import (
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/sgwiz/sgwiz/model"
)

// uncut fails when a line of the screen is wider than 80 columns or is
// cut with an ellipsis at its edge, and when want is not on it whole,
// however it wraps.
func uncut(t *testing.T, m tea.Model, want string) {
	t.Helper()
	for i, l := range strings.Split(screen(m), "\n") {
		if w := ansi.StringWidth(l); w > 80 || w == 80 && strings.HasSuffix(l, "…") {
			t.Errorf("line %d is cut: %q\n%s", i+1, l, screen(m))
		}
	}
	if !strings.Contains(oneLineScreen(m), want) {
		t.Errorf("the screen should say, whole: %q\n%s", want, screen(m))
	}
}

// TestStatusWraps: a status line longer than the screen wraps, the way
// to the sandbox included.
func TestStatusWraps(t *testing.T) {
	m := press(t, New(Options{}), "down", "down", "enter") // Edit an existing group, offline
	uncut(t, m, "Editing an existing group needs AWS: configure a profile, or try the sandbox (sgwiz --sandbox).")
}

// TestPlanErrorWraps: the error that keeps the sources from going on —
// a service without a source — is read to its end.
func TestPlanErrorWraps(t *testing.T) {
	m := toUseCase(t, slices.IndexFunc(model.UseCases(), func(u model.UseCase) bool { return u.ID == "mail" }))
	m = typeOffice(t, press(t, m, "enter"))
	sel := func(l srcLine, s model.Selection) bool { return s.Service.ID == "smtp-submission" }
	m = moveTo(t, m, func(l srcLine, s model.Selection) bool { return l.kind == lineOption && sel(l, s) })
	for {
		src := m.(Model).steps[stepSources].(*sourcesStep)
		l := src.lines[src.cursor]
		if l.kind != lineOption {
			break
		}
		if m.(Model).s.selections(model.Ingress)[l.sel].Has(l.source) {
			m = press(t, m, "space")
		}
		m = press(t, m, "down")
	}
	m = press(t, m, "enter")
	atStep(t, m, "Sources")
	uncut(t, m, "SMTP submission has no source: choose one, or unselect the service")
}

// TestOpenErrorWraps: a plan file that cannot be read says why to the
// end of the reason, under the start menu.
func TestOpenErrorWraps(t *testing.T) {
	path := t.TempDir() + "/a/directory/that/is/not/there/with/a/long/name/plan.yaml"
	m := press(t, New(Options{}), "down", "enter")
	_ = screen(m) // the field learns its width, as on a screen
	m, cmd := press(t, m, path).Update(specialKeys["enter"])
	m = settle(m, cmd)
	uncut(t, m, "no such file or directory")
}

// TestOfficeNotesWrap: what the office field holds, address by address,
// and the hint on a private address are read whole.
func TestOfficeNotesWrap(t *testing.T) {
	m := press(t, toSources(t), "10.0.0.5, 192.168.1.0/24, 172.16.0.0/12")
	uncut(t, m, "192.168.1.0/24 = 256 addresses · 172.16.0.0/12 = 1,048,576 addresses")
	uncut(t, m, "AWS sees your office by its public address (curl checkip.amazonaws.com tells it)")
}
