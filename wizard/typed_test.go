package wizard

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// toSources goes from the start to the web server's sources, the cursor
// on the office field.
func toSources(t *testing.T) tea.Model {
	t.Helper()
	m := press(t, New(Options{}), "enter", "enter", "enter")
	if got := m.(Model).Step(); got != "Sources" {
		t.Fatalf("at %s, want Sources:\n%s", got, screen(m))
	}
	return m
}

// backspaces erases n characters of the focused field.
func backspaces(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = "backspace"
	}
	return keys
}

// officeField is the text of the inbound sources' office field.
func officeField(m tea.Model) string {
	return m.(Model).steps[stepSources].(*sourcesStep).office.Value()
}

// TestWrongOfficeShowsNoOlderValue: while the office field is not a CIDR,
// no row shows the office from before the last keystroke (10.0.0.30/32
// for 10.0.0.300/24, 2000::/12 for 2001:db8::/129): the rows say to fix
// the field, and enter is refused with the field's error.
func TestWrongOfficeShowsNoOlderValue(t *testing.T) {
	for _, tt := range []struct{ typed, older string }{
		{"10.0.0.300/24", "10.0.0.30/32"},
		{"2001:db8::/129", "2000::/12"},
	} {
		t.Run(tt.typed, func(t *testing.T) {
			m := press(t, toSources(t), tt.typed)
			out := screen(m)
			if strings.Contains(out, tt.older) {
				t.Errorf("the screen shows %s, which was not typed:\n%s", tt.older, out)
			}
			if !strings.Contains(out, "Office / my IP (fix the office field)") {
				t.Errorf("the office rows should say the field is to fix:\n%s", out)
			}
			if _, err := m.(Model).Plan(); err == nil {
				t.Error("the answers make a plan while the office is wrong")
			}
			m = press(t, m, "enter")
			if got := m.(Model).Step(); got != "Sources" {
				t.Fatalf("enter went on to %s with a wrong office", got)
			}
			if out := oneLineScreen(m); !strings.Contains(out, "✗ office / my IP: \""+tt.typed+"\"") {
				t.Errorf("enter should say what is wrong with the office:\n%s", screen(m))
			}
		})
	}
}

// oneLineScreen is the screen with its lines joined by spaces, to find a
// message however it wraps.
func oneLineScreen(m tea.Model) string { return strings.Join(strings.Fields(screen(m)), " ") }

// TestBackAndForthKeepsWhatWasTyped: esc and enter back to the sources
// show the office as typed — wrong, or empty — not an older valid one.
func TestBackAndForthKeepsWhatWasTyped(t *testing.T) {
	m := press(t, toSources(t), "203.0.113.10", "x")
	m = press(t, m, "esc", "enter")
	if got := officeField(m); got != "203.0.113.10x" {
		t.Errorf("back and forth, the office field holds %q, want what was typed", got)
	}
	if strings.Contains(screen(m), "(203.0.113.10/32)") {
		t.Errorf("the rows show the office from before the x:\n%s", screen(m))
	}
	m = press(t, m, backspaces(20)...)
	m = press(t, m, "esc", "enter")
	if got := officeField(m); got != "" {
		t.Errorf("an emptied office field comes back as %q", got)
	}
}

// TestReviewRefusesAWrongOffice: an edit from the review that leaves the
// office wrong goes back to a review that says so, not to the older plan.
func TestReviewRefusesAWrongOffice(t *testing.T) {
	m := press(t, toReview(t), "down", "down", "down", "down", "e") // the SSH rule's sources
	atStep(t, m, "Sources")
	for src := m.(Model).steps[stepSources].(*sourcesStep); src.lines[src.cursor].kind != lineOffice; {
		m = press(t, m, "up")
	}
	m = press(t, m, backspaces(20)...)
	m = press(t, m, "203.0.113.10/99", "esc")
	atStep(t, m, "Review")
	out := oneLineScreen(m)
	if !strings.Contains(out, "not make a valid plan") || !strings.Contains(out, "Office / my IP: \"203.0.113.10/99\"") {
		t.Errorf("the review should say the office is wrong:\n%s", screen(m))
	}
	m = press(t, m, "enter")
	if got := m.(Model).Step(); got != "Review" || !strings.Contains(oneLineScreen(m), "fix this first: Office / my IP:") {
		t.Errorf("enter on the review should be refused with the office's error, at %s:\n%s", got, screen(m))
	}
}

// toOptions goes from the start to the three-tier's options, the cursor
// on the app port.
func toOptions(t *testing.T) tea.Model {
	t.Helper()
	m := press(t, New(Options{}), "enter", "down", "down", "enter", "tab")
	if got := m.(Model).Step(); got != "Options" {
		t.Fatalf("at %s, want Options:\n%s", got, screen(m))
	}
	return m
}

// TestWrongAppPortShowsNoOlderValue: app port 70000 does not show the
// tiers sending to 7000; enter is refused; esc and enter bring back what
// was typed — 70000, or an emptied field — not the port before it.
func TestWrongAppPortShowsNoOlderValue(t *testing.T) {
	m := press(t, toOptions(t), backspaces(4)...)
	m = press(t, m, "70000")
	out := screen(m)
	if strings.Contains(out, "7000 ") || strings.Contains(out, "TCP 7000") {
		t.Errorf("the tiers show port 7000, which was not typed:\n%s", out)
	}
	if !strings.Contains(out, "sends the app port (fix the field above) to web-app") {
		t.Errorf("the tiers should say the app port is to fix:\n%s", out)
	}
	m = press(t, m, "enter")
	if got := m.(Model).Step(); got != "Options" || !strings.Contains(oneLineScreen(m), "App port: port 70000") {
		t.Fatalf("enter should be refused with the app port's error, at %s:\n%s", got, screen(m))
	}
	m = press(t, m, "esc", "enter", "tab")
	port := m.(Model).steps[stepOptions].(*optionsStep).port
	if got := port.Value(); got != "70000" {
		t.Errorf("back and forth, the app port holds %q, want 70000 as typed", got)
	}
	m = press(t, m, backspaces(5)...)
	m = press(t, m, "esc", "enter", "tab")
	if got := m.(Model).steps[stepOptions].(*optionsStep).port.Value(); got != "" {
		t.Errorf("an emptied app port comes back as %q, an older port", got)
	}
	if _, err := m.(Model).Plan(); err == nil || !strings.Contains(inWords(err), "App port") {
		t.Errorf("an empty app port makes a plan: %v", err)
	}
	m = press(t, m, "3000")
	if p := plan(t, m); p.AppPort != 3000 || !strings.Contains(screen(m), "App port 3000 (TCP 3000) to web-app") {
		t.Errorf("a valid port again: plan port %d\n%s", p.AppPort, screen(m))
	}
}
