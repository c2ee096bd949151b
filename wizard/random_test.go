package wizard

import (
	"math/rand/v2"
	"reflect"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/sgwiz/sgwiz/model"
)

// withoutMerges is p as a plan file holds it: what MergeDuplicates
// recorded is not part of the file.
func withoutMerges(p model.Plan) model.Plan {
	p = p.Clone()
	for i := range p.Groups {
		p.Groups[i].Merged = nil
	}
	return p
}

// TestRandomKeys sends 100,000 random keys (letters, digits, arrows, tab,
// esc, enter, backspace, space, ?, ctrl+c and resizes), starting from every
// step: no panic, and whenever the review shows a plan, the plan is valid.
func TestRandomKeys(t *testing.T) {
	const total = 100_000
	keys := []string{"enter", "esc", "tab", "shift+tab", "up", "down", "left", "right", "space", "backspace", "pgdown", "ctrl+c"}
	text := []rune("abcdefghijklmnopqrstuvwxyz0123456789./-:,=?sgpl ")
	starts := [][]string{
		{},
		{"enter"},
		{"enter", "enter"},
		{"enter", "enter", "enter"},
		{"enter", "enter", "enter", "203.0.113.10", "enter"},
		{"enter", "enter", "enter", "203.0.113.10", "enter", "enter"},
		{"enter", "enter", "enter", "203.0.113.10", "enter", "enter", "enter"},
		{"enter", "enter", "enter", "203.0.113.10", "enter", "enter", "enter", "enter"},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	per := total / len(starts)
	reviews := 0
	for si, start := range starts {
		m := press(t, New(Options{}), start...)
		for i := range per {
			var msg tea.Msg
			switch r := rng.IntN(100); {
			case r < 2:
				msg = tea.WindowSizeMsg{Width: 20 + rng.IntN(140), Height: 8 + rng.IntN(50)}
			case r < 45:
				k := keys[rng.IntN(len(keys))]
				msg = specialKeys[k]
			default:
				c := text[rng.IntN(len(text))]
				msg = tea.KeyPressMsg{Code: c, Text: string(c)}
			}
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Fatalf("start %d, key %d (%v): panic: %v\n%s", si, i, msg, p, screen(m))
					}
				}()
				m, _ = m.Update(msg)
				wm := m.(Model)
				if wm.s.asking != nil && rng.IntN(2) == 0 {
					m, _ = m.Update(tea.KeyPressMsg{Code: 'n', Text: "n"})
				}
				if i%16 == 0 || wm.cur == stepReview {
					_ = m.View()
				}
				if wm.cur == stepReview && wm.steps[stepReview].(*reviewStep).err == nil {
					reviews++
					// Whatever the keys made, the plan on the review is one
					// a plan file holds and gives back, draft and all.
					p, err := wm.Plan()
					if err != nil {
						t.Fatalf("the review shows a plan its draft cannot make: %v", err)
					}
					file, err := p.YAML()
					if err != nil {
						t.Fatal(err)
					}
					q, _, err := model.ParsePlan(file)
					if err != nil {
						t.Fatalf("the reviewed plan does not load: %v\n%s", err, file)
					}
					if again, err := model.DraftFromPlan(q).Plan(); err != nil || !reflect.DeepEqual(withoutMerges(again), withoutMerges(p)) {
						t.Fatalf("the reviewed plan does not reopen as itself: %v\n%s", err, file)
					}
				}
			}()
		}
	}
	if reviews == 0 {
		t.Error("the random keys never reached a review; the test proves little")
	}
	t.Logf("%d keys, %d of them at a valid review", total, reviews)
}
