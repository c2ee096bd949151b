package wizard

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/model"
	"github.com/sgwiz/sgwiz/ui"
)

// detailsStep names the groups and picks the VPC and tags, checking each
// field against AWS's rules as it is typed.
type detailsStep struct {
	fields []field
	cursor int
}

// field is one input with its check and where its value goes.
type field struct {
	label string
	input textinput.Model
	check func(string) error
	apply func(s *session, v string)
	err   string
}

func newDetails() *detailsStep { return &detailsStep{} }

func newField(label, value, placeholder string, limit int) textinput.Model {
	ti := newInput("", placeholder, limit)
	ti.SetValue(value)
	return ti
}

func (m *detailsStep) enter(s *session, f focus) tea.Cmd {
	m.fields = nil
	for i := range s.draft.Groups {
		g := s.draft.Groups[i]
		m.fields = append(m.fields,
			field{label: "Name", input: newField("Name", g.Name, "web-prod", 300),
				check: func(v string) error {
					if id := s.draft.Groups[i].ID; id != "" && v == g.Name {
						return nil // an existing group's name, as AWS holds it (the default group's too)
					}
					if err := model.ValidateGroupName(v); err != nil {
						return err
					}
					for j, o := range s.draft.Groups {
						if j != i && strings.EqualFold(o.Name, v) {
							return fmt.Errorf("another group of the plan is named %s", o.Name)
						}
					}
					return nil
				},
				apply: func(s *session, v string) { s.draft.RenameGroup(s.draft.Groups[i].Name, v) }},
			field{label: "Description", input: newField("Description", s.draft.GroupDescription(i), "Shop web servers", 300),
				check: model.ValidateGroupDescription,
				apply: func(s *session, v string) { s.draft.SetGroupDescription(i, v) }},
			field{label: "Name tag", input: newField("Name tag", s.draft.GroupTag(i, "Name"), g.Name+" (empty: no Name tag)", 256),
				check: func(v string) error { return model.ValidateTag(model.Tag{Key: "Name", Value: v}) },
				apply: func(s *session, v string) { s.draft.SetGroupTag(i, "Name", v) }},
		)
	}
	m.fields = append(m.fields,
		field{label: "VPC", input: newField("VPC", s.draft.VPC, "vpc-0123456789abcdef0 (empty: decide later)", 32),
			check: model.ValidateVPCID,
			apply: func(s *session, v string) { s.draft.VPC = v }},
		field{label: "Tags", input: newField("Tags", model.FormatTags(s.draft.Tags), "Owner=ops, Env=prod", 2048),
			check: func(v string) error { _, err := model.ParseTags(v); return err },
			apply: func(s *session, v string) { s.draft.Tags, _ = model.ParseTags(v) }},
	)
	m.cursor = min(m.cursor, len(m.fields)-1)
	return m.fields[m.cursor].input.Focus()
}

func (m *detailsStep) update(s *session, msg tea.Msg) (nav, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return stay(), nil
	}
	switch {
	case key.Matches(k, keyBack):
		return back(), nil
	case key.Matches(k, keyUp, keyDown), key.Matches(k, keyField):
		dir := k.String()
		if dir == "tab" {
			dir = "down"
		} else if dir == "shift+tab" {
			dir = "up"
		}
		m.fields[m.cursor].input.Blur()
		m.cursor = moveCursor(dir, m.cursor, len(m.fields))
		return stay(), m.fields[m.cursor].input.Focus()
	case key.Matches(k, keyNext):
		for i, f := range m.fields {
			if f.err != "" {
				m.fields[m.cursor].input.Blur()
				m.cursor = i
				s.status = s.styles.Error.Render("✗ " + f.label + ": " + f.err)
				return stay(), m.fields[i].input.Focus()
			}
		}
		if _, err := s.plan(); err != nil {
			s.status = s.styles.Error.Render("✗ " + inWords(err))
			return stay(), nil
		}
		return next(), nil
	}
	f := &m.fields[m.cursor]
	if key.Matches(k, keyOpenPick) && f.label == "VPC" && len(s.vpcs) > 0 {
		// Pick the next VPC of the account.
		next := s.vpcs[0].ID
		for i, v := range s.vpcs {
			if v.ID == f.input.Value() {
				next = s.vpcs[(i+1)%len(s.vpcs)].ID
			}
		}
		f.input.SetValue(next)
		f.input.CursorEnd()
		f.err = ""
		f.apply(s, next)
		s.edited()
		return stay(), nil
	}
	before := f.input.Value()
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(k)
	if v := f.input.Value(); v != before {
		f.err = ""
		if err := f.check(v); err != nil {
			f.err = err.Error()
		} else {
			f.apply(s, v)
			s.edited()
		}
	}
	return stay(), cmd
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}

func (m *detailsStep) view(s *session, width, height int) string {
	st := s.styles
	var lines []string
	cursorLine := 0
	for i, f := range m.fields {
		if i%perGroup == 0 && i/perGroup < len(s.draft.Groups) {
			lines = append(lines, "", st.Subtitle.Render(fmt.Sprintf("Group %d of %d", i/perGroup+1, len(s.draft.Groups))))
		} else if i == perGroup*len(s.draft.Groups) {
			lines = append(lines, "", st.Subtitle.Render("All groups"))
		}
		if i == m.cursor {
			cursorLine = len(lines)
		}
		mark := "  "
		if i == m.cursor {
			mark = st.Cursor.Render("▸ ")
		}
		m.fields[i].input.SetWidth(max(10, width-18))
		s.styled(&m.fields[i].input)
		lines = append(lines, mark+fmt.Sprintf("%-12s ", f.label+":")+m.fields[i].input.View())
		if f.label == "Name" && f.err == "" {
			if g, ok := s.existing(f.input.Value()); ok {
				lines = append(lines, wrapped("    ", "⚠ "+existingNote(s, g), width, st.Warning)...)
			}
		}
		switch {
		case f.err != "":
			lines = append(lines, wrapped("    ", "✗ "+f.err, width, st.Error)...)
		case i == m.cursor && f.label == "VPC" && len(s.vpcs) > 0:
			lines = append(lines, "    "+st.Muted.Render("ctrl+o: next VPC of the account"))
			for _, v := range s.vpcs {
				mark := "  "
				if v.ID == f.input.Value() {
					mark = st.Checked.Render("• ")
				}
				desc := v.ID + "  " + v.CIDR
				if v.Default {
					desc += "  (default)"
				}
				if v.Name != "" {
					desc += "  " + v.Name
				}
				lines = append(lines, "    "+mark+ui.Fit(desc, width-8))
			}
		case i == m.cursor:
			lines = append(lines, wrapped("    ", fieldHint(f.label), width, st.Muted)...)
		}
	}
	first := scrollStart(cursorLine, len(lines), height)
	return strings.Join(lines[first:min(len(lines), first+height)], "\n")
}

// perGroup is the number of fields of each group: name, description and
// Name tag; the plan's fields follow the groups'.
const perGroup = 3

// existingNote says what apply does to a group of the VPC that has the
// plan group's name: it updates it rather than creating one, as its own
// when this plan made it (its owner tags say so), else after you confirm.
func existingNote(s *session, g aws.GroupInfo) string {
	if s.draft.Owns(g.Name, g.Tags) {
		return fmt.Sprintf("%s named %s exists in %s (%s), made by this plan: apply will update it to the plan; its description stays %q.",
			g.ID, g.Name, g.VPC, model.Counted(g.Rules, "rule"), g.Description)
	}
	by := "this plan did not make it"
	if owner := model.OwnerOf(g.Tags); owner != "" {
		by = owner + " made it, not this plan"
	}
	return fmt.Sprintf("%s named %s exists in %s (%s) and %s: apply will adopt it after you type its name — its rules become the plan's, its description stays %q. Rename to create a new one.",
		g.ID, g.Name, g.VPC, model.Counted(g.Rules, "rule"), by, g.Description)
}

func fieldHint(label string) string {
	switch label {
	case "Name":
		return "up to 255 characters, not starting with sg-; cannot be changed after creation"
	case "Description":
		return "required by AWS; letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*"
	case "VPC":
		return "the network of the instances; empty: the default VPC (CLI, Terraform) or a parameter"
	case "Name tag":
		return "the console shows it in the Name column; optional"
	}
	return "optional, KEY=VALUE separated by commas"
}

func (m *detailsStep) bindings() []key.Binding {
	return []key.Binding{keyUp, keyField, keyNext, keyBack}
}
