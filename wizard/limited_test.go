package wizard

import (
	"strings"
	"testing"
	"time"

	"github.com/sgwiz/sgwiz/model"
)

// TestSSHForALimitedTime: l on an SSH source makes its rules temporary
// from the wizard's clock, cycles 1h → 8h → 1d → 7d → permanent, shows
// the time beside the service, and the plan's rules carry it.
func TestSSHForALimitedTime(t *testing.T) {
	now := time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC)
	m := press(t, New(Options{Clock: func() time.Time { return now }}), "enter", "enter", "enter", "203.0.113.10")
	atStep(t, m, "Sources")
	step := m.(Model).steps[stepSources].(*sourcesStep)
	target := -1
	for i, l := range step.lines {
		if l.kind == lineOption && l.admin {
			target = i
			break
		}
	}
	if target < 0 {
		t.Fatal("no SSH source line")
	}
	for range 40 {
		if m.(Model).steps[stepSources].(*sourcesStep).cursor == target {
			break
		}
		m = press(t, m, "down")
	}
	if out := screen(m); !strings.Contains(out, "l for a limited time") {
		t.Errorf("the help names l on an SSH source:\n%s", out)
	}
	sshUntil := func() (time.Time, bool) {
		t.Helper()
		for _, r := range plan(t, m).Groups[0].Ingress {
			if r.Ports == model.Port(22) {
				return model.ExpiryOf(r.Description)
			}
		}
		t.Fatal("no SSH rule")
		return time.Time{}, false
	}
	for _, want := range []time.Duration{time.Hour, 8 * time.Hour, 24 * time.Hour, 7 * 24 * time.Hour} {
		m = press(t, m, "l")
		at, ok := sshUntil()
		if !ok || !at.Equal(now.Add(want)) {
			t.Fatalf("after l: %v %v, want %v", at, ok, now.Add(want))
		}
	}
	if out := strings.Join(strings.Fields(screen(m)), " "); !strings.Contains(out, "For a limited time: until 2026-11-30T20:00:00Z (7d from now)") {
		t.Errorf("the service says until when:\n%s", screen(m))
	}
	for _, r := range plan(t, m).Groups[0].Ingress {
		if _, ok := model.ExpiryOf(r.Description); ok && r.Ports != model.Port(22) {
			t.Errorf("only SSH is temporary: %v", r)
		}
	}
	m = press(t, m, "l")
	if _, ok := sshUntil(); ok {
		t.Error("after 7d, l makes it permanent again")
	}
}
