package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/sgwiz/sgwiz/model"
)

// Columns are the console's rule-table columns.
var Columns = []string{"Type", "Protocol", "Port range", "Source", "Description"}

// peerTitle is the peer's title, with its address-book name when it has one.
func peerTitle(p model.Peer, book model.AddressBook) string {
	if p.IsCIDR() {
		if name := book.NameOf(p.Prefix()); name != "" {
			return "@" + name + " " + p.Title()
		}
	}
	return p.Title()
}

// RuleTable renders rules in the console's columns within width, marking
// row selected (-1 for none).
func RuleTable(st Styles, d model.Direction, rules []model.Rule, width, selected int) string {
	head, rows := RuleRows(st, d, rules, width, nil)
	var b strings.Builder
	b.WriteString(head + "\n")
	for i, row := range rows {
		b.WriteString(Row(st, row, i == selected) + "\n")
	}
	return b.String()
}

// Row is one line of RuleRows, marked when selected.
func Row(st Styles, row string, selected bool) string {
	if selected {
		return st.Cursor.Render("▸ ") + st.Selected.Render(row)
	}
	return "  " + row
}

// RuleRows returns a rule table's header line and its rows (unmarked: see
// Row). Long cells are cut with an ellipsis; the description column takes
// what is left. With no rules, the one row says so. A CIDR of the address
// book (nil: none) shows its name first: "@office 203.0.113.0/24".
func RuleRows(st Styles, d model.Direction, rules []model.Rule, width int, book model.AddressBook) (head string, rows []string) {
	cols := append([]string(nil), Columns...)
	if d == model.Egress {
		cols[3] = "Destination"
	}
	cells := make([][]string, len(rules))
	for i, r := range rules {
		cells[i] = []string{model.TypeOf(r), r.Protocol.Title(), r.PortText(), peerTitle(r.Peer, book), r.Description}
	}
	widths := make([]int, len(cols))
	for c := range cols {
		widths[c] = lipgloss.Width(cols[c])
		for _, row := range cells {
			widths[c] = max(widths[c], lipgloss.Width(row[c]))
		}
	}
	caps := []int{18, 8, 12, 22}
	for c, limit := range caps {
		widths[c] = min(widths[c], limit)
	}
	used := 4*2 + widths[0] + widths[1] + widths[2] + widths[3]
	widths[4] = max(8, min(widths[4], width-used-2))
	// Narrow terminals: cut the row rather than wrap it.
	cut := func(row string) string {
		if lipgloss.Width(row) > width-2 {
			return ansi.Truncate(row, max(1, width-2), "…")
		}
		return row
	}
	head = "  " + st.Header.Render(cut(joinCells(cols, widths)))
	if len(rules) == 0 {
		word := "inbound"
		if d == model.Egress {
			word = "outbound"
		}
		return head, []string{st.Muted.Render("(no " + word + " rules)")}
	}
	rows = make([]string, len(cells))
	for i, row := range cells {
		rows[i] = cut(joinCells(row, widths))
	}
	return head, rows
}

func joinCells(cells []string, widths []int) string {
	parts := make([]string, len(cells))
	for i, c := range cells {
		parts[i] = Fit(c, widths[i])
	}
	return strings.Join(parts, "  ")
}

// Fit cuts s to width cells (with an ellipsis) or pads it; styled text
// keeps its escapes intact.
func Fit(s string, width int) string {
	if width <= 0 {
		return ""
	}
	if w := lipgloss.Width(s); w <= width {
		return s + strings.Repeat(" ", width-w)
	}
	return ansi.Truncate(s, width, "…")
}

// Readout says what a rule allows in plain words, for newcomers, of a
// group that protects subject: "this instance", "this load balancer"
// (model.Role.Subject).
func Readout(subject string, d model.Direction, r model.Rule) string {
	what := model.TypeOf(r)
	switch {
	case r.Protocol == model.AllProtocols:
		what = "any kind of traffic, on every port"
	case r.Protocol.HasPorts() && r.Ports == model.AllPorts:
		what = "connections on every " + r.Protocol.Title() + " port"
	case strings.HasPrefix(what, "Custom"):
		what = fmt.Sprintf("%s traffic on %s", r.Protocol.Title(), r.PortText())
	default:
		what = fmt.Sprintf("%s (%s %s) connections", what, r.Protocol.Title(), r.PortText())
	}
	who := whoText(r.Peer)
	if d == model.Ingress {
		return fmt.Sprintf("%s can open %s to %s; replies are allowed automatically.", who, what, subject)
	}
	return fmt.Sprintf("%s can open %s to %s; the replies come back automatically.", upperFirst(subject), what, lowerFirst(who))
}

func whoText(p model.Peer) string {
	switch {
	case p == model.AnyIPv4:
		return "Anyone on the internet (IPv4)"
	case p == model.AnyIPv6:
		return "Anyone on the internet (IPv6)"
	case p.IsCIDR():
		if p.Prefix().IsSingleIP() {
			return "Only the address " + p.Prefix().Addr().String()
		}
		switch n := model.PublicAddresses(p.Prefix()); {
		case model.IsWorld(p.Prefix()):
			return fmt.Sprintf("More than half the internet (%s, %s public addresses)", p, n.Words())
		case p.Kind() == model.PeerIPv4 && !n.IsZero() && n.String() != p.Addresses():
			return fmt.Sprintf("The %s addresses of %s (%s of them public)", p.Addresses(), p, n.Words())
		}
		return fmt.Sprintf("The %s addresses of %s", p.Addresses(), p)
	case p.Kind() == model.PeerGroup:
		return "Instances in the group " + p.Ref()
	case p.Kind() == model.PeerGroupID:
		return "Instances in the existing group " + p.Ref()
	case p.Kind() == model.PeerPrefixList:
		return "The addresses of the prefix list " + p.Ref()
	}
	return p.String()
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// QuotaLine is "5 IPv4 · 2 IPv6 of 60 each": a direction's rule count
// against the quota, prefix lists counted by their size as AWS counts them.
func QuotaLine(st Styles, p model.Plan, rules []model.Rule) string {
	v4, v6 := p.QuotaCount(rules)
	s := fmt.Sprintf("%d IPv4 · %d IPv6 of %d each", v4, v6, model.MaxRulesPerDirection)
	if max(v4, v6) > model.MaxRulesPerDirection {
		return st.Error.Render(s + " — over the quota")
	}
	return st.Muted.Render(s)
}

// Finding renders one finding in a line or two within width.
func Finding(st Styles, f model.Finding, width int, selected bool) string {
	sev := st.Severity(f.Severity).Render(fmt.Sprintf("%-8s", strings.ToUpper(f.Severity.String())))
	where := f.Group
	if f.Index >= 0 {
		where = fmt.Sprintf("%s %s %d", f.Group, strings.ToLower(f.Direction.Title()), f.Index+1)
	}
	head := fmt.Sprintf("%s %s · %s", sev, f.ID, where)
	body := lipgloss.NewStyle().Width(max(20, width-4)).Render(f.Why + " Fix: " + f.Fix)
	prefix := "  "
	if selected {
		prefix = st.Cursor.Render("▸ ")
	}
	return prefix + head + "\n" + indent(body, "    ")
}

func indent(s, pad string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = pad + l
	}
	return strings.Join(lines, "\n")
}
