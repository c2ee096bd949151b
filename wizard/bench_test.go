package wizard

import (
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/sgwiz/sgwiz/internal/plantest"
)

// BenchmarkReviewKeystroke is one key (Update + View) on the review of a
// three-tier plan at the rule quota: 3 groups × 120 rules.
func BenchmarkReviewKeystroke(b *testing.B) {
	p := plantest.QuotaPlan()
	var m tea.Model = New(Options{Plan: &p})
	m, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	down := tea.KeyPressMsg{Code: tea.KeyDown}
	b.ReportAllocs()
	for b.Loop() {
		m, _ = m.Update(down)
		_ = m.View()
	}
}

// BenchmarkSourcesKeystroke is one typed character in the office field.
func BenchmarkSourcesKeystroke(b *testing.B) {
	m := press(b, New(Options{}), "enter", "enter", "enter")
	keys := []tea.KeyPressMsg{{Code: '1', Text: "1"}, {Code: tea.KeyBackspace}}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m, _ = m.Update(keys[i%2])
		_ = m.View()
		i++
	}
}
