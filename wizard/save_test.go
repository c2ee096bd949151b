package wizard

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/sgwiz/sgwiz/model"
)

func program(t *testing.T, m tea.Model) *teatest.TestModel {
	return teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
}

func send(tm *teatest.TestModel, keys ...string) {
	for _, k := range keys {
		if msg, ok := specialKeys[k]; ok {
			tm.Send(msg)
		} else {
			tm.Type(k)
		}
	}
}

func waitScreen(t *testing.T, tm *teatest.TestModel, want string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(want)) },
		teatest.WithDuration(3*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

// waitFile waits until a command of the program has written path.
func waitFile(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		if _, err := os.Stat(path); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s was not written", path)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// clearField erases the text of the focused field.
func clearField(tm *teatest.TestModel) {
	for range 40 {
		tm.Send(specialKeys["backspace"])
	}
}

func TestExportSaveAsksBeforeReplacing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "web.tf")
	tm := program(t, New(Options{}))
	send(tm, "enter", "enter", "enter", "203.0.113.10", "enter", "enter", "enter", "enter", "enter", "enter")
	waitScreen(t, tm, "terraform ·")
	send(tm, "s")
	waitScreen(t, tm, "Save to:")
	clearField(tm)
	send(tm, path, "enter")
	waitScreen(t, tm, "wrote")
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), `resource "aws_security_group" "web"`) {
		t.Fatalf("the export was not written: %v\n%s", err, data)
	}
	os.WriteFile(path, []byte("mine"), 0o644)
	send(tm, "s", "enter")
	waitScreen(t, tm, "Replace it?")
	if b, _ := os.ReadFile(path); string(b) != "mine" {
		t.Fatal("the file was replaced before the answer")
	}
	send(tm, "y")
	waitScreen(t, tm, "wrote")
	if b, _ := os.ReadFile(path); !strings.Contains(string(b), "aws_security_group") {
		t.Error("y should replace the file")
	}
	tm.Quit()
	tm.WaitFinished(t, teatest.WithFinalTimeout(3*time.Second))
}

func TestSavedPlanReopensAtTheReview(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plan.yaml")
	tm := program(t, New(Options{}))
	send(tm, "enter", "down", "down", "enter", "enter", "enter", "enter", "enter", "enter", "enter", "down", "enter")
	clearField(tm)
	send(tm, path, "enter")
	waitFile(t, path)
	tm.Quit()
	final := tm.FinalModel(t, teatest.WithFinalTimeout(3*time.Second)).(Model)
	want, _ := final.Plan()

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := model.ParsePlan(data)
	if err != nil || !reflect.DeepEqual(p, want) {
		t.Fatalf("the saved plan differs: %v", err)
	}
	// From the start screen: open a saved plan file.
	tm = program(t, New(Options{}))
	send(tm, "down", "enter", path, "enter")
	// The read is a command; its answer arrives soon after the keys.
	time.Sleep(500 * time.Millisecond)
	tm.Quit()
	reopened := tm.FinalModel(t, teatest.WithFinalTimeout(3*time.Second)).(Model)
	if reopened.Step() != "Review" {
		t.Fatalf("opening a plan file should land on the review, at %s", reopened.Step())
	}
	if got, err := reopened.Plan(); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("reopening changed the plan: %v", err)
	}
	if !reopened.s.saved {
		t.Error("a reopened plan has nothing unsaved yet")
	}
}

func TestOpenBadPlanFileSaysWhy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(path, []byte("groups:\n  - name: sg-x\n    description: d\n    egress: default\n"), 0o644)
	tm := program(t, New(Options{}))
	send(tm, "down", "enter", path, "enter")
	waitScreen(t, tm, "starts with sg-")
	tm.Quit()
	tm.WaitFinished(t, teatest.WithFinalTimeout(3*time.Second))
}

func TestLightBackground(t *testing.T) {
	m := tea.Model(New(Options{}))
	m, _ = m.Update(tea.BackgroundColorMsg{Color: colorWhite{}})
	if m.(Model).s.dark {
		t.Error("a white background is light")
	}
	// Every screen with text fields: nothing in white, which a light
	// background hides (bubbles' own field styles draw prompt and cursor
	// in colour 7).
	for _, k := range []string{"enter", "enter", "enter", "203.0.113.10", "enter", "enter"} {
		m = press(t, m, k)
		for _, white := range []string{"\x1b[37m", "\x1b[97m", "38;5;7m", "38;5;15m", "38;2;255;255;255m"} {
			if strings.Contains(m.View().Content, white) {
				t.Errorf("%s on a light background draws in white (%q)", m.(Model).Step(), white)
			}
		}
	}
	m = press(t, m, "enter")
	if !strings.Contains(screen(m), "7/8 Review") {
		t.Error("the wizard should work on a light background")
	}
}

type colorWhite struct{}

func (colorWhite) RGBA() (r, g, b, a uint32) { return 0xffff, 0xffff, 0xffff, 0xffff }
