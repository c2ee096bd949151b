package wizard

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// lineWith is the first line of the screen (colours stripped) that holds
// s, or "".
func lineWith(m tea.Model, s string) string {
	for l := range strings.SplitSeq(screen(m), "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// TestUseCasePagesShowWithoutColour: with NO_COLOR, the use-case list
// still shows that there is a second page and which page is shown, on a
// dark and on a light background.
func TestUseCasePagesShowWithoutColour(t *testing.T) {
	for _, bg := range []string{"#000000", "#ffffff"} {
		m, _ := New(Options{}).Update(tea.BackgroundColorMsg{Color: lipgloss.Color(bg)})
		m = press(t, m, "enter")
		if got := lineWith(m, "page "); !strings.Contains(got, "● ○") || !strings.Contains(got, "page 1/2") {
			t.Fatalf("on %s the first page reads %q:\n%s", bg, got, screen(m))
		}
		m = press(t, m, "right")
		if got := lineWith(m, "page "); !strings.Contains(got, "○ ●") || !strings.Contains(got, "page 2/2") {
			t.Errorf("on %s the second page reads %q:\n%s", bg, got, screen(m))
		}
	}
}

// TestCurrentGroupShowsWithoutColour: with NO_COLOR, the groups line
// marks the current group by brackets, not by bold or a background alone.
func TestCurrentGroupShowsWithoutColour(t *testing.T) {
	m := toUseCase(t, 2) // three-tier: web-alb, web-app, web-db
	got := lineWith(m, "Groups")
	if !strings.Contains(got, "[web-alb]") || strings.Contains(got, "[web-app]") {
		t.Fatalf("the first group is not the marked one: %q", got)
	}
	m = press(t, m, "tab")
	if got := lineWith(m, "Groups"); !strings.Contains(got, "[web-app]") || strings.Contains(got, "[web-alb]") {
		t.Errorf("after tab the groups line reads %q", got)
	}
}
