package wizard

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/model"
)

// What the wizard looks up besides the plan: the region's groups and
// prefix lists for the pickers, and the caller's public address (My IP).

// groupsMsg lists the region's security groups, of every VPC.
type groupsMsg struct {
	groups []aws.GroupInfo
	err    error
}

func listGroups(c Cloud) tea.Cmd {
	return call(func(ctx context.Context) tea.Msg {
		g, err := c.Groups(ctx, "")
		return groupsMsg{g, err}
	})
}

// listsMsg lists the region's managed prefix lists.
type listsMsg struct {
	lists []aws.PrefixList
	err   error
}

func listPrefixLists(c Cloud) tea.Cmd {
	return call(func(ctx context.Context) tea.Msg {
		l, err := c.PrefixLists(ctx)
		return listsMsg{l, err}
	})
}

// myIPMsg is the caller's public address, or why it is not known.
type myIPMsg struct {
	addr netip.Addr
	err  error
}

// myIPTimeout bounds the look-up: a person is waiting for it.
const myIPTimeout = 5 * time.Second

func lookUpMyIP(url string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), myIPTimeout)
		defer cancel()
		a, err := aws.MyIP(ctx, &http.Client{Timeout: myIPTimeout}, url)
		return myIPMsg{a, err}
	}
}

// setPrefixLists keeps the region's lists and gives the draft their sizes,
// so that every check counts them as AWS does.
func (s *session) setPrefixLists(lists []aws.PrefixList) {
	s.lists = lists
	if len(lists) == 0 {
		s.draft.PrefixLists = nil
		return
	}
	sizes := make(map[string]model.PrefixListSize, len(lists))
	for _, l := range lists {
		sizes[l.ID] = l.Size
	}
	s.draft.PrefixLists = sizes
}

// vpcID is the VPC the plan's groups go to: the draft's, or the region's
// default VPC, or "" when neither is known.
func (s *session) vpcID() string {
	if s.draft.VPC != "" {
		return s.draft.VPC
	}
	for _, v := range s.vpcs {
		if v.Default {
			return v.ID
		}
	}
	return ""
}

// groupsInVPC are the existing groups of the plan's VPC.
func (s *session) groupsInVPC() []aws.GroupInfo {
	vpc := s.vpcID()
	var out []aws.GroupInfo
	for _, g := range s.groups {
		if vpc != "" && g.VPC == vpc {
			out = append(out, g)
		}
	}
	return out
}

// existing is the group of the plan's VPC named name (names are unique
// in a VPC, ignoring case), as apply would find it.
func (s *session) existing(name string) (aws.GroupInfo, bool) {
	for _, g := range s.groupsInVPC() {
		if strings.EqualFold(g.Name, name) {
			return g, true
		}
	}
	return aws.GroupInfo{}, false
}

// groupInfo is the existing group with this id, if it is known.
func (s *session) groupInfo(id string) (aws.GroupInfo, bool) {
	for _, g := range s.groups {
		if g.ID == id {
			return g, true
		}
	}
	return aws.GroupInfo{}, false
}

// prefixList is the region's prefix list with this id, if it is known.
func (s *session) prefixList(id string) (aws.PrefixList, bool) {
	for _, l := range s.lists {
		if l.ID == id {
			return l, true
		}
	}
	return aws.PrefixList{}, false
}

// instanceConnect is the region's EC2 Instance Connect prefix list (IPv4),
// the source the console's Connect button uses, if it is known.
func (s *session) instanceConnect() (aws.PrefixList, bool) {
	for _, l := range s.lists {
		if l.AWSManaged && !l.Size.IPv6 && strings.HasSuffix(l.Name, ".ec2-instance-connect") {
			return l, true
		}
	}
	return aws.PrefixList{}, false
}

// pick is one choice of a picker: the value a field takes and its label.
type pick struct{ value, label string }

// groupPicks are the existing groups of the plan's VPC that are not the
// plan's own, as sources: name, id and rule count.
func (s *session) groupPicks() []pick {
	var out []pick
	for _, g := range s.groupsInVPC() {
		if s.draft.GroupIndex(g.Name) >= 0 {
			continue
		}
		out = append(out, pick{g.ID, groupLabel(g)})
	}
	return out
}

func groupLabel(g aws.GroupInfo) string {
	return fmt.Sprintf("%s  %s · %s", g.ID, g.Name, model.Counted(g.Rules, "rule"))
}

// listPicks are the region's prefix lists, with what each counts for.
func (s *session) listPicks() []pick {
	out := make([]pick, len(s.lists))
	for i, l := range s.lists {
		out[i] = pick{l.ID, listLabel(l)}
	}
	return out
}

func listLabel(l aws.PrefixList) string {
	family := "IPv4"
	if l.Size.IPv6 {
		family = "IPv6"
	}
	return fmt.Sprintf("%s  %s · counts %d (%s)", l.ID, strings.TrimPrefix(l.Name, "com.amazonaws."), l.Size.Weight, family)
}

// usersMsg says who uses existing groups, by id (aws.UsersText).
type usersMsg struct{ users map[string]string }

// lookUpUsers asks which network interfaces (and instances) carry each
// group; a group that cannot be asked about says why.
func lookUpUsers(c Cloud, ids []string) tea.Cmd {
	return call(func(ctx context.Context) tea.Msg {
		out := map[string]string{}
		for _, id := range ids {
			users, err := c.Users(ctx, id)
			if err != nil {
				out[id] = "who uses it is not known: " + firstLine(err.Error())
				continue
			}
			out[id] = aws.UsersText(users)
		}
		return usersMsg{out}
	})
}
