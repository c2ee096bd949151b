package wizard

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/model"
)

// Use a group on an instance, after apply: u lists the VPC's instances
// (name, id, state, current groups); enter shows the chosen instance's
// primary interface before and after; y attaches. EC2 takes the whole set
// of groups, so the others stay (aws.Client.PlanAttach).

var keyUse = key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "use a group on an instance"))

type attachView struct {
	groups    []aws.AppliedGroup
	group     int // which of groups (tab)
	vpc       string
	instances []aws.Instance
	loading   bool
	cursor    int
	// change is the reviewed change waiting for y; outcome what happened.
	change  *aws.Attachment
	outcome string
	err     string
}

type instancesMsg struct {
	list []aws.Instance
	err  error
}

type attachPlannedMsg struct {
	a   aws.Attachment
	err error
}

type attachedMsg struct {
	a   aws.Attachment
	err error
}

func listInstances(c Cloud, vpc string) tea.Cmd {
	return call(func(ctx context.Context) tea.Msg {
		l, err := c.Instances(ctx, vpc)
		return instancesMsg{l, err}
	})
}

func planAttach(c Cloud, r aws.AttachRequest) tea.Cmd {
	return call(func(ctx context.Context) tea.Msg {
		a, err := c.PlanAttach(ctx, r)
		return attachPlannedMsg{a, err}
	})
}

func attachGroups(c Cloud, a aws.Attachment) tea.Cmd {
	return call(func(ctx context.Context) tea.Msg {
		return attachedMsg{a, c.Attach(ctx, a)}
	})
}

// update takes the attach view's messages; false when msg is not one.
func (v *attachView) update(s *session, msg tea.Msg) (bool, tea.Cmd) {
	switch msg := msg.(type) {
	case instancesMsg:
		v.loading, v.instances = false, msg.list
		if msg.err != nil {
			v.err = "✗ cannot list the instances: " + firstLine(msg.err.Error())
		}
	case attachPlannedMsg:
		v.loading = false
		if msg.err != nil {
			v.err = "✗ " + firstLine(wizardWords.Error(msg.err))
			return true, nil
		}
		v.change = &msg.a
	case attachedMsg:
		v.loading, v.change = false, nil
		if msg.err != nil {
			v.err = "✗ not changed: " + firstLine(msg.err.Error())
			return true, nil
		}
		v.outcome = "✓ " + strings.Join(msg.a.Lines(), "\n  ")
		return true, listInstances(s.cloud, v.vpc) // the list shows the groups as they are now
	default:
		return false, nil
	}
	return true, nil
}

func (v *attachView) key(s *session, k tea.KeyPressMsg) (done bool, cmd tea.Cmd) {
	if v.loading {
		return false, nil
	}
	if v.change != nil {
		switch k.String() {
		case "y", "Y":
			v.loading, v.err = true, ""
			return false, attachGroups(s.cloud, *v.change)
		case "esc", "n":
			v.change = nil
		}
		return false, nil
	}
	switch {
	case key.Matches(k, keyBack):
		return true, nil
	case key.Matches(k, keyUp, keyDown):
		v.cursor = moveCursor(k.String(), v.cursor, len(v.instances))
	case key.Matches(k, keyGroup) && len(v.groups) > 1:
		v.group = (v.group + 1) % len(v.groups)
		if k.String() == "shift+tab" {
			v.group = (v.group + len(v.groups) - 2) % len(v.groups)
		}
	case key.Matches(k, keySelect) && len(v.instances) > 0:
		v.loading, v.err, v.outcome = true, "", ""
		in := v.instances[v.cursor]
		return false, planAttach(s.cloud, aws.AttachRequest{Group: v.groups[v.group].ID, Instance: in.ID})
	}
	return false, nil
}

func (v *attachView) view(s *session, width int) string {
	st := s.styles
	g := v.groups[v.group]
	var b strings.Builder
	b.WriteString("\n" + st.Subtitle.Render("Use "+g.Name+" ("+g.ID+") on an instance of "+v.vpc) + "\n")
	if len(v.groups) > 1 {
		b.WriteString(st.Muted.Render(fmt.Sprintf("tab: another group (%d of %d)", v.group+1, len(v.groups))) + "\n")
	}
	b.WriteString("\n")
	switch {
	case v.change != nil:
		for _, l := range v.change.Lines() {
			b.WriteString(wrapLines("  "+l, width) + "\n")
		}
		if v.change.Empty() {
			b.WriteString("\n" + st.Muted.Render("esc: back to the instances") + "\n")
		} else {
			b.WriteString("\nChange the interface's groups? y: yes · esc: no\n")
		}
	case v.loading && v.instances == nil:
		b.WriteString("  listing the VPC's instances…\n")
	case len(v.instances) == 0:
		b.WriteString("  The VPC has no instance that is not terminated. Launch one with this group:\n")
		b.WriteString("  " + st.Muted.Render("aws ec2 run-instances --security-group-ids "+g.ID+" …") + "\n")
	default:
		for i, in := range v.instances {
			cursor := "  "
			if i == v.cursor {
				cursor = st.Cursor.Render("> ")
			}
			var groups []string
			if p := in.Primary(); p != nil {
				for _, id := range p.Groups {
					groups = append(groups, s.groupName(id))
				}
			}
			line := in.Title() + " · " + st.Muted.Render("groups: "+strings.Join(groups, ", "))
			b.WriteString(cursor + lipgloss.Wrap(line, width-2, " ,") + "\n")
		}
		b.WriteString("\n" + st.Muted.Render(lipgloss.Wrap("enter: show the change on its primary interface (other interfaces stay as they are)", width, " ")) + "\n")
	}
	if v.loading && v.instances != nil {
		b.WriteString(st.Muted.Render("asking AWS…") + "\n")
	}
	if v.outcome != "" {
		b.WriteString("\n" + wrapLines(st.OK.Render(v.outcome), width) + "\n")
	}
	if v.err != "" {
		b.WriteString("\n" + wrapLines(st.Error.Render(v.err), width) + "\n")
	}
	return b.String()
}

// instancesFirst orders the applied groups for u: the groups whose role
// runs on instances (web, app, bastion, …) first, then the database's,
// which may, then the load balancer's, which never does, each kept in
// the plan's order.
func instancesFirst(s *session, groups []aws.AppliedGroup) []aws.AppliedGroup {
	rank := func(g aws.AppliedGroup) int {
		if i := s.draft.GroupIndex(g.Name); i >= 0 {
			switch s.draft.Groups[i].Role {
			case model.RoleLoadBalancer:
				return 2
			case model.RoleDatabase:
				return 1
			}
		}
		return 0
	}
	out := slices.Clone(groups)
	slices.SortStableFunc(out, func(a, b aws.AppliedGroup) int { return rank(a) - rank(b) })
	return out
}

// groupName is a group's name from the pickers' list, else its id.
func (s *session) groupName(id string) string {
	for _, g := range s.groups {
		if g.ID == id {
			return g.Name
		}
	}
	return id
}

func (v *attachView) bindings() []key.Binding {
	if v.change != nil {
		return nil
	}
	kb := []key.Binding{keyUp, keySelect, keyBack}
	if len(v.groups) > 1 {
		kb = append(kb, keyGroup)
	}
	return kb
}
