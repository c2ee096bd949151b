package wizard

import (
	"strings"
	"testing"

	"github.com/sgwiz/sgwiz/model"
)

// TestReviewSaysTheFixInTheWizardsWords: the review's fix of SSH open to
// the world says the key and the step that set the office, not lint's
// flag; lint's words are unchanged.
func TestReviewSaysTheFixInTheWizardsWords(t *testing.T) {
	u, _ := model.LookupUseCase("web")
	p, err := u.Build(model.Inputs{SSHFrom: model.SSHWorld})
	if err != nil {
		t.Fatal(err)
	}
	m := New(Options{Plan: &p})
	r := m.steps[stepReview].(*reviewStep)
	var found bool
	for range len(r.items) {
		if it := r.items[r.cursor]; it.finding && r.findings[it.index].ID == "world-admin-port" {
			found = true
			break
		}
		m = press(t, m, "down").(Model)
	}
	if !found {
		t.Fatalf("no world-admin-port finding on the review:\n%s", screen(m))
	}
	out := oneLineScreen(m)
	if !strings.Contains(out, "Fix: Allow it only from your office CIDR (e: its sources, then Office / my IP), or use") {
		t.Errorf("the fix should say the wizard's key and step:\n%s", screen(m))
	}
	if strings.Contains(out, "--") {
		t.Errorf("the wizard names a flag:\n%s", screen(m))
	}
	for _, f := range p.Check() {
		if f.ID == "world-admin-port" && !strings.Contains(f.Fix, "(--office-cidr)") {
			t.Errorf("lint's fix should keep its flag: %q", f.Fix)
		}
	}
}

// TestTagErrorSaysTheWizardsKey: the expiry tag typed on a rule is
// refused with the wizard's way to make a rule temporary, not the flags'.
func TestTagErrorSaysTheWizardsKey(t *testing.T) {
	m := press(t, toReview(t), "t", "tab", "sgwiz:expires=2030-01-01T00:00:00Z", "enter")
	out := oneLineScreen(m)
	if !strings.Contains(out, "(l on its service in the sources step): write it there") {
		t.Errorf("the refusal should say the wizard's l:\n%s", screen(m))
	}
	if strings.Contains(out, "--admin-for") {
		t.Errorf("the wizard names a flag:\n%s", screen(m))
	}
}
