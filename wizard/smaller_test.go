package wizard

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/sgwiz/sgwiz/model"
)

// readout is the screen's text with the readout's border left out and
// its lines joined, to find a wrapped sentence.
func readout(m tea.Model) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(screen(m), "│", "")), " ")
}

// TestTabIsListedOnlyWhereItMovesGroups: tab goes to the plan's next
// group; with one group it does nothing, and the help bar leaves it out.
func TestTabIsListedOnlyWhereItMovesGroups(t *testing.T) {
	m := press(t, New(Options{}), "enter", "enter") // web server: one group
	for _, step := range []string{"Services", "Sources", "Egress", "Details", "Review"} {
		atStep(t, m, step)
		if strings.Contains(screen(m), "tab group") {
			t.Errorf("%s lists tab with one group:\n%s", step, screen(m))
		}
		if step == "Services" {
			m = press(t, m, "enter", "203.0.113.10")
			continue
		}
		m = press(t, m, "enter")
	}
	three := press(t, New(Options{}), "enter", "down", "down", "enter", "enter", "enter")
	atStep(t, three, "Sources")
	if !strings.Contains(screen(three), "tab group") {
		t.Errorf("three groups: tab moves between them and is listed:\n%s", screen(three))
	}
}

// TestSpaceIsListedOnlyWhereItToggles: on the sources step space ticks a
// source; in the office field it is typed, and the help leaves it out.
func TestSpaceIsListedOnlyWhereItToggles(t *testing.T) {
	m := press(t, New(Options{}), "enter", "enter", "enter")
	atStep(t, m, "Sources")
	if src := m.(Model).steps[stepSources].(*sourcesStep); src.lines[src.cursor].kind != lineOffice {
		t.Fatalf("the sources step should start in the office field:\n%s", screen(m))
	}
	if strings.Contains(screen(m), "space toggle") {
		t.Errorf("space is typed in the office field, not a toggle:\n%s", screen(m))
	}
	m = toSourceLine(t, m, func(l srcLine, _ []model.Selection) bool { return l.kind == lineOption })
	if !strings.Contains(screen(m), "space toggle") {
		t.Errorf("on a source, space toggles and is listed:\n%s", screen(m))
	}
}

// TestSpaceChoosesAnEgressPolicy: space on the egress list chooses the
// policy under the cursor and stays, to read its rules; enter chooses
// and goes on.
func TestSpaceChoosesAnEgressPolicy(t *testing.T) {
	m := press(t, New(Options{}), "enter", "enter", "enter", "203.0.113.10", "enter")
	atStep(t, m, "Egress")
	before := m.(Model).s.egressChoice()
	m = press(t, m, "down", "space")
	atStep(t, m, "Egress")
	want := choices(m.(Model).s)[m.(Model).steps[stepEgress].(*egressStep).cursor]
	if got := m.(Model).s.egressChoice(); got != want || got == before {
		t.Errorf("space should choose %s (was %s), chose %s", want, before, got)
	}
	if !strings.Contains(screen(m), "space choose") {
		t.Errorf("the help bar should say what space does:\n%s", screen(m))
	}
	m = press(t, m, "up", "enter")
	atStep(t, m, "Details")
	if got := m.(Model).s.egressChoice(); got != before {
		t.Errorf("enter chooses the policy under the cursor: %s, want %s", got, before)
	}
}

// TestReadoutNamesWhatTheGroupProtects: the review's plain-words readout
// of the load balancer's rule says the load balancer, not an instance.
func TestReadoutNamesWhatTheGroupProtects(t *testing.T) {
	m := press(t, New(Options{}), "enter", "down", "down", "enter", "enter", "enter", "enter", "enter", "enter")
	atStep(t, m, "Review")
	if g := m.(Model).s.currentGroup(); g.Role != model.RoleLoadBalancer {
		t.Fatalf("the review should show the load balancer's group first, shows %s", g.Name)
	}
	out := readout(m)
	if !strings.Contains(out, "connections to this load balancer") || strings.Contains(out, "this instance") {
		t.Errorf("the load balancer's rule is read as an instance's:\n%s", screen(m))
	}
	m = press(t, m, "tab")
	if out := readout(m); !strings.Contains(out, "to these app servers") {
		t.Errorf("the app group's rule names the app servers:\n%s", screen(m))
	}
}

// TestHomeInAPathIsExpanded: ~/plan.yaml typed to save or open a plan
// file is the home directory's plan.yaml, as in a shell.
func TestHomeInAPathIsExpanded(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	m := press(t, New(Options{}), "enter", "enter", "enter", "203.0.113.10", "enter", "enter", "enter", "enter")
	atStep(t, m, "Export / apply")
	m = press(t, m, "down", "enter")
	for range len("plan.yaml") {
		m = press(t, m, "backspace")
	}
	m = press(t, m, "~/plan.yaml")
	m, cmd := m.Update(specialKeys["enter"])
	if cmd == nil {
		t.Fatalf("enter should save:\n%s", screen(m))
	}
	m, _ = m.Update(cmd())
	path := filepath.Join(home, "plan.yaml")
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("~/plan.yaml should be written in the home directory: %v\n%s", err, screen(m))
	}
	if !strings.Contains(oneLine(m), "saved "+path) {
		t.Errorf("the message should name the file written:\n%s", screen(m))
	}
	if _, err := os.Stat("~"); err == nil {
		t.Error("a directory named ~ was made")
	}
	opened := press(t, New(Options{}), "down", "enter", "~/plan.yaml")
	opened, cmd = opened.Update(specialKeys["enter"])
	opened, _ = opened.Update(cmd())
	atStep(t, opened, "Review")
}

// TestDetailsExplainThatTheDescriptionIsFixed: ? on the details step
// says that the description, like the name, cannot change later.
func TestDetailsExplainThatTheDescriptionIsFixed(t *testing.T) {
	m := press(t, New(Options{}), "enter", "enter", "enter", "203.0.113.10", "enter", "enter")
	atStep(t, m, "Details")
	m = press(t, m, "?")
	if out := oneLine(m); !strings.Contains(out, "Neither the group name nor its description can be changed after creation") {
		t.Errorf("? should say the description cannot change after creation:\n%s", screen(m))
	}
}

// TestApplyCountsOneRuleInTheSingular: the change list says a group
// found by name has "1 rule", not "1 rules".
func TestApplyCountsOneRuleInTheSingular(t *testing.T) {
	c, _ := sandboxCloud(t)
	other := model.Plan{Name: "elsewhere", Groups: []model.Group{{Name: "web", Description: "made elsewhere", Egress: []model.Rule{},
		Ingress: []model.Rule{{Protocol: model.TCP, Ports: model.Port(8080), Peer: model.AnyIPv4}}}}}
	ch, err := c.Plan(context.Background(), other)
	if err == nil {
		_, err = c.Apply(context.Background(), ch)
	}
	if err != nil {
		t.Fatal(err)
	}
	tm := program(t, New(Options{Cloud: c, Where: "sandbox"}))
	send(tm, "enter", "enter", "enter", "203.0.113.10")
	send(tm, "enter", "enter", "enter", "enter", "down", "down", "enter") // to the review, the action, Apply
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return strings.Contains(strings.Join(strings.Fields(ansi.Strip(string(b))), " "), ", 1 rule, found by name")
	}, teatest.WithDuration(5*time.Second))
	tm.Quit()
	tm.WaitFinished(t, teatest.WithFinalTimeout(3*time.Second))
}
