package wizard

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/list"
	"charm.land/bubbles/v2/paginator"
	tea "charm.land/bubbletea/v2"
	"github.com/sgwiz/sgwiz/model"
	"github.com/sgwiz/sgwiz/ui"
)

// useCaseStep lists the presets with their descriptions.
type useCaseStep struct {
	list list.Model
}

type useCaseItem struct{ u model.UseCase }

func (i useCaseItem) Title() string       { return i.u.Title }
func (i useCaseItem) Description() string { return i.u.Description }
func (i useCaseItem) FilterValue() string { return i.u.Title }

func newUseCase() *useCaseStep {
	var items []list.Item
	for _, u := range model.UseCases() {
		items = append(items, useCaseItem{u})
	}
	l := list.New(items, list.NewDefaultDelegate(), 80, 20)
	l.DisableQuitKeybindings()
	l.SetShowTitle(false)
	l.SetShowHelp(false)
	l.SetShowStatusBar(false)
	l.SetShowPagination(false) // pagesView says it without colour
	l.SetFilteringEnabled(false)
	return &useCaseStep{list: l}
}

func (m *useCaseStep) enter(s *session, f focus) tea.Cmd {
	d := list.NewDefaultDelegate()
	d.Styles = s.styles.Item
	m.list.SetDelegate(d)
	for i, it := range m.list.Items() {
		if it.(useCaseItem).u.ID == s.useCase.ID {
			m.list.Select(i)
		}
	}
	return nil
}

func (m *useCaseStep) update(s *session, msg tea.Msg) (nav, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, keyBack):
			return back(), nil
		case key.Matches(k, keySelect):
			u := m.list.SelectedItem().(useCaseItem).u
			if u.ID == s.useCase.ID && len(s.draft.Groups) > 0 {
				return next(), nil
			}
			choose := func() (nav, tea.Cmd) {
				if err := s.chooseUseCase(u); err != nil {
					s.status = s.styles.Error.Render("✗ " + inWords(err))
					return stay(), nil
				}
				return next(), nil
			}
			if s.unsaved() && len(s.draft.Groups) > 0 {
				s.ask(fmt.Sprintf("Start over with %s? Your answers for %s are not saved.", u.Title, s.useCase.Title), false, choose)
				return stay(), nil
			}
			return choose()
		}
	}
	var cmd tea.Cmd
	m.list, cmd = m.list.Update(msg)
	return stay(), cmd
}

// chooseUseCase starts a draft from the preset's defaults, keeping the
// answers that do not depend on it (office CIDRs, VPC, tags).
func (s *session) chooseUseCase(u model.UseCase) error {
	// The office, VPC and tags you gave carry over to the new use case;
	// those of a group opened from AWS (an edit, an audit's fix) were
	// AWS's, not yours, and do not.
	in := model.Inputs{Office: s.draft.Office, VPC: s.draft.VPC, Tags: s.draft.Tags}
	if slices.ContainsFunc(s.draft.Groups, func(g model.GroupSpec) bool { return g.ID != "" }) {
		in.VPC, in.Tags = "", nil
	}
	d, err := u.Draft(in)
	if err != nil {
		return err
	}
	s.useCase, s.draft, s.group = u, d, 0
	delete(s.typed, model.FieldAppPort) // the new draft's own
	s.setPrefixLists(s.lists)
	s.edited()
	return nil
}

func (m *useCaseStep) view(s *session, width, height int) string {
	// The list cuts descriptions to a line: the chosen one is shown whole
	// below it.
	var about []string
	if it, ok := m.list.SelectedItem().(useCaseItem); ok {
		about = append([]string{""}, wrapped("", it.u.Description, width, s.styles.Muted)...)
	}
	m.list.SetSize(width, max(3, height-len(about)-1))
	return m.list.View() + "\n" + pagesView(s.styles, m.list.Paginator) + "\n" + strings.Join(about, "\n")
}

// pagesView is "● ○  page 1/2" under a list of more than one page: the
// page shown is marked by its shape and the count, not by colour alone.
func pagesView(st ui.Styles, p paginator.Model) string {
	if p.TotalPages < 2 {
		return ""
	}
	dots := make([]string, p.TotalPages)
	for i := range dots {
		dots[i] = st.OtherPage.String()
		if i == p.Page {
			dots[i] = st.Page.String()
		}
	}
	return "  " + strings.Join(dots, " ") + st.Muted.Render(fmt.Sprintf("  page %d/%d", p.Page+1, p.TotalPages))
}

func (m *useCaseStep) bindings() []key.Binding { return []key.Binding{keyUp, keySelect, keyBack} }
