package wizard

import (
	"slices"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/sgwiz/sgwiz/model"
)

// FrontDoor answers the wizard as a person would for the defaults of use
// case useCase, typing office into the office field and tags into the
// Tags field, on a screen wide enough that no line is cut. It returns the
// plan at the review and the text of the screens the two fields were
// typed on, for the test that holds the wizard to the flags
// (frontdoor_test.go, which imports the command package and so lives
// outside this one).
func FrontDoor(t *testing.T, book model.AddressBook, useCase, office, tags string) (model.Plan, string) {
	t.Helper()
	m, _ := New(Options{Book: book}).Update(tea.WindowSizeMsg{Width: 400, Height: 120})
	m = press(t, m, "enter")
	i := slices.IndexFunc(model.UseCases(), func(u model.UseCase) bool { return u.ID == useCase })
	for range i {
		m = press(t, m, "down")
	}
	m = press(t, m, "enter")
	if m.(Model).Step() == "Options" {
		m = press(t, m, "enter")
	}
	atStep(t, m, "Services")
	m = press(t, m, "enter")
	atStep(t, m, "Sources")
	for m.(Model).steps[stepSources].(*sourcesStep).cursor != 0 {
		m = press(t, m, "up")
	}
	m = press(t, m, office)
	screens := screen(m)
	m = press(t, m, "enter")
	atStep(t, m, "Egress")
	m = press(t, m, "enter")
	atStep(t, m, "Details")
	d := m.(Model).steps[stepDetails].(*detailsStep)
	for d.cursor != len(d.fields)-1 {
		m = press(t, m, "down")
	}
	m = press(t, m, tags)
	screens += "\n" + screen(m)
	m = press(t, m, "enter")
	atStep(t, m, "Review")
	return plan(t, m), screens
}
