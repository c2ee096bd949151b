package wizard

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// TestStepGolden runs the real program loop (teatest) at 80×24 with the
// colour profile forced, walks to each step the way a newcomer would, and
// compares the screen with testdata/TestStepGolden/*.golden (rewrite them
// with go test ./wizard -update, then read every one).
func TestStepGolden(t *testing.T) {
	toReview := []string{"enter", "enter", "enter", "203.0.113.10", "enter", "enter", "enter"}
	tests := []struct {
		name string
		keys []string
		want string // text the screen shows once the keys are handled
	}{
		{"1-start", nil, "1/8"},
		{"2-usecase", []string{"enter"}, "2/8"},
		{"3-services", []string{"enter", "enter"}, "3/8"},
		{"4-sources", []string{"enter", "enter", "enter", "203.0.113.10"}, "= 1 address"},
		{"4-sources-world-ssh", []string{"enter", "enter", "enter", "203.0.113.10", "down", "down", "down", "down", "down", "down", "down", "down", "down", "down", "down", "down", "space"}, "⚠"},
		{"5-egress", []string{"enter", "enter", "enter", "203.0.113.10", "enter"}, "5/8"},
		{"6-details", []string{"enter", "enter", "enter", "203.0.113.10", "enter", "enter"}, "6/8"},
		{"7-review", toReview, "7/8"},
		{"7-review-three-tier", []string{"enter", "down", "down", "enter", "enter", "enter", "enter", "enter", "enter"}, "8/9"},
		{"3-options-three-tier", []string{"enter", "down", "down", "enter", "right"}, "PostgreSQL"},
		{"8-action", append(toReview, "enter"), "8/8"},
		{"8-export-terraform", append(toReview, "enter", "enter", "enter"), "terraform ·"},
		{"explainer", []string{"enter", "enter", "enter", "?"}, "CIDR notation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm := teatest.NewTestModel(t, New(Options{}),
				teatest.WithInitialTermSize(80, 24),
				teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii), tea.WithEnvironment([]string{"TERM=xterm-256color"})))
			for _, k := range tt.keys {
				if msg, ok := specialKeys[k]; ok {
					tm.Send(msg)
				} else {
					tm.Type(k)
				}
			}
			teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
				return bytes.Contains(b, []byte(tt.want))
			}, teatest.WithDuration(3*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
			if err := tm.Quit(); err != nil {
				t.Fatal(err)
			}
			final := tm.FinalModel(t, teatest.WithFinalTimeout(3*time.Second))
			golden.RequireEqual(t, fmt.Appendln(nil, ansi.Strip(final.View().Content)))
		})
	}
}
