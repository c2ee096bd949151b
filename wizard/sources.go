package wizard

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/sgwiz/sgwiz/model"
	"github.com/sgwiz/sgwiz/ui"
)

// sourcesStep says, per ticked service, who may reach it: the world (IPv4,
// IPv6), the office CIDRs typed at the top, another group, or an sg-…,
// pl-… or CIDR typed under the service.
type sourcesStep struct {
	dir        model.Direction
	office     textinput.Model
	officeErr  string
	officeMsg  string
	officeNote string          // host bits cleared, shown apart so it is seen
	lookingUp  bool            // My IP is being looked up
	add        textinput.Model // the "add" line of the focused service
	addErr     string
	pick       *picker // ctrl+o's list under the add field, while it is open
	lines      []srcLine
	cursor     int
	// findings are the checks' findings per selection, for the warnings
	// shown beside each service; rebuilt with the lines.
	findings [][]model.Finding
}

var keyLimited = key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "for a limited time"))

// lifetimes are what l cycles through on an administration service.
var lifetimes = []time.Duration{time.Hour, 8 * time.Hour, 24 * time.Hour, model.MaxLifetime}

// cycleLifetime makes selection i last the next lifetime from now, or
// permanent after the longest.
func (m *sourcesStep) cycleLifetime(s *session, i int) {
	now := s.now()
	until := s.draft.UntilOf(s.group, m.dir, i)
	next := time.Duration(0)
	if until.IsZero() {
		next = lifetimes[0]
	} else {
		left := until.Sub(now)
		for _, d := range lifetimes {
			if d > left+time.Minute {
				next = d
				break
			}
		}
	}
	if next == 0 {
		s.draft.SetUntil(s.group, m.dir, i, time.Time{})
		s.status = s.selections(m.dir)[i].Service.Title + " is permanent again"
	} else {
		until := model.UntilFrom(now, next)
		s.draft.SetUntil(s.group, m.dir, i, until)
		s.status = s.selections(m.dir)[i].Service.Title + " for " + lifetimeText(next) + ": until " + model.FormatExpiry(until)
	}
	s.edited()
	m.build(s)
}

// lifetimeText is a lifetime as people say it: 45m, 1h, 8h, 1d, 7d.
func lifetimeText(d time.Duration) string {
	d = d.Round(time.Minute)
	switch {
	case d <= 0:
		return "expired"
	case d < time.Hour:
		return fmt.Sprintf("%dm", d/time.Minute)
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return fmt.Sprintf("%dh%02dm", d/time.Hour, d%time.Hour/time.Minute)
}

type lineKind uint8

const (
	lineOffice lineKind = iota
	lineMyIP            // "look up my IP": fills the office field
	lineHeader
	lineOption
	lineAdd
)

type srcLine struct {
	kind   lineKind
	sel    int
	source model.Source
	// admin marks the lines of an inbound remote administration service
	// (SSH, RDP, WinRM), which can be for a limited time, as sgwiz allow.
	admin bool
}

func newSources(dir model.Direction) *sourcesStep {
	o := newInput("Office / my IP: ", "203.0.113.10, 198.51.100.0/28", 2048)
	a := newInput("  + add: ", "10.0.0.0/16, sg-…, pl-… then enter", 64)
	return &sourcesStep{dir: dir, office: o, add: a}
}

func (m *sourcesStep) enter(s *session, f focus) tea.Cmd {
	if f.set {
		s.group = f.group
	}
	if t, ok := s.typed[model.FieldOffice]; ok {
		// As typed, though not valid yet: here or on the other
		// direction's step.
		m.office.SetValue(t.text)
	} else {
		// The office as the draft holds it: it may have been set on the
		// other direction's step, or by My IP.
		m.office.SetValue(s.officeText())
	}
	m.office.CursorEnd()
	m.parseOffice(s)
	m.build(s)
	m.cursor = 0
	switch {
	case f.set:
		for i, l := range m.lines {
			if l.kind == lineHeader && l.sel == f.index {
				m.cursor = min(i+1, len(m.lines)-1)
				break
			}
		}
	case m.dir == model.Egress && s.egressChoice() == model.EgressWebDB:
		// Where the database is: its add field, for an sg-… or a CIDR.
		for i, l := range m.lines {
			if l.kind == lineAdd && s.selections(m.dir)[l.sel].Link == model.LinkEngine {
				m.cursor = i
			}
		}
	case len(s.draft.Office) == 0 && len(s.draft.UsesOffice()) > 0:
		m.cursor = 0
	case len(m.lines) > 3:
		m.cursor = 3
	}
	return m.focusInput()
}

// officeText is the draft's office as the field shows it: a whole set of
// the address book by its @name, the rest as CIDRs.
func (s *session) officeText() string {
	rest := slices.Clone(s.draft.Office)
	var parts []string
	for _, name := range s.book.Names() {
		set := s.book[name]
		if len(set) > 0 && !slices.ContainsFunc(set, func(p netip.Prefix) bool { return !slices.Contains(rest, p) }) {
			parts = append(parts, "@"+name)
			rest = slices.DeleteFunc(rest, func(p netip.Prefix) bool { return slices.Contains(set, p) })
		}
	}
	if len(rest) > 0 {
		parts = append(parts, joinPrefixes(rest))
	}
	return strings.Join(parts, ", ")
}

func joinPrefixes(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ", ")
}

// build lists the lines: the office field, then per service its header,
// its source options and its add field.
func (m *sourcesStep) build(s *session) {
	m.lines = []srcLine{{kind: lineOffice}, {kind: lineMyIP}}
	m.findings = nil
	sels := s.selections(m.dir)
	for i, sel := range sels {
		admin := m.dir == model.Ingress && sel.Service.Kind == model.KindAdmin
		m.lines = append(m.lines, srcLine{kind: lineHeader, sel: i, admin: admin})
		opts := []model.Source{model.Anywhere4, model.Anywhere6, model.Office}
		if ic, ok := s.instanceConnect(); ok && m.dir == model.Ingress && sel.Service.ID == "ssh" {
			// The console's Connect button, without SSH open to the world.
			opts = append(opts, model.FromPeer(model.PrefixList(ic.ID)))
		}
		for _, other := range s.draft.Groups {
			opts = append(opts, model.FromGroup(other.Name))
		}
		for _, src := range sel.Sources {
			if !containsSource(opts, src) {
				opts = append(opts, src)
			}
		}
		for _, src := range opts {
			m.lines = append(m.lines, srcLine{kind: lineOption, sel: i, source: src, admin: admin})
		}
		m.lines = append(m.lines, srcLine{kind: lineAdd, sel: i, admin: admin})
	}
	if len(sels) > 0 {
		m.findings = s.draft.FindingsBySelection(s.group, m.dir)
	}
	m.cursor = min(m.cursor, len(m.lines)-1)
}

func containsSource(srcs []model.Source, x model.Source) bool {
	return slices.Contains(srcs, x)
}

// parseOffice reads the office field with model.ParsePlaces: CIDRs, bare
// addresses and @names separated by commas or spaces, as typed; never
// everyone; a private address gets a hint.
func (m *sourcesStep) parseOffice(s *session) {
	m.officeErr, m.officeMsg, m.officeNote = "", "", ""
	l, err := model.ParsePlaces(s.book, m.office.Value())
	if err != nil {
		m.officeErr = err.Error()
	}
	prefixes := l.Prefixes()
	var counts []string
	for _, it := range l.Items {
		if it.IsRef() {
			counts = append(counts, fmt.Sprintf("%s = %s", it.Text, joinPrefixes(it.Prefixes())))
			continue
		}
		p := it.Peers[0]
		counts = append(counts, fmt.Sprintf("%s = %s address%s", p.Prefix(), p.Addresses(), map[bool]string{true: "", false: "es"}[p.Addresses() == "1"]))
	}
	notes := slices.Concat(l.Notes, l.Hints)
	if m.officeErr == "" && !equalPrefixes(prefixes, s.draft.Office) {
		if err := s.draft.SetOffice(prefixes); err != nil {
			m.officeErr = strings.TrimPrefix(err.Error(), model.FieldOffice+": ")
		} else {
			s.edited()
			m.build(s) // the office's rules have findings of their own
		}
	}
	s.typing(model.FieldOffice, m.office.Value(), m.officeErr)
	if m.officeErr != "" {
		// No office from before the last keystroke shows while the field
		// is wrong: the draft has none until it is right again.
		if len(s.draft.Office) > 0 {
			_ = s.draft.SetOffice(nil)
			s.edited()
			m.build(s)
		}
		return
	}
	m.officeMsg = strings.Join(counts, " · ")
	m.officeNote = strings.Join(notes, " · ")
}

func equalPrefixes(a, b []netip.Prefix) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// focusInput focuses the text field under the cursor, if any.
func (m *sourcesStep) focusInput() tea.Cmd {
	m.office.Blur()
	m.add.Blur()
	switch m.lines[m.cursor].kind {
	case lineOffice:
		return m.office.Focus()
	case lineAdd:
		return m.add.Focus()
	}
	return nil
}

func (m *sourcesStep) update(s *session, msg tea.Msg) (nav, tea.Cmd) {
	if r, isIP := msg.(myIPMsg); isIP {
		m.myIP(s, r)
		return stay(), nil
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return stay(), nil
	}
	line := m.lines[m.cursor]
	if m.pick != nil {
		return stay(), m.pickKey(s, line, k)
	}
	switch {
	case key.Matches(k, keyBack):
		return back(), nil
	case key.Matches(k, keyGroup):
		s.nextGroup(k.String() == "shift+tab")
		m.cursor = 0
		m.build(s)
		return stay(), m.focusInput()
	case key.Matches(k, keyUp, keyDown):
		return stay(), m.move(k.String())
	case line.kind == lineMyIP && (key.Matches(k, keyNext) || key.Matches(k, keyToggle)):
		return stay(), m.startLookUp(s)
	case line.kind == lineAdd && key.Matches(k, keyOpenPick):
		return stay(), m.openPicker(s)
	case key.Matches(k, keyNext):
		return m.enterKey(s, line)
	case line.kind == lineOption && key.Matches(k, keyToggle):
		m.toggle(s, line.sel, line.source)
		return stay(), nil
	case line.kind == lineOption && line.admin && key.Matches(k, keyLimited):
		m.cycleLifetime(s, line.sel)
		return stay(), nil
	}
	return stay(), m.typed(s, line.kind, k)
}

// move puts the cursor on the next line up or down that is not a header,
// and empties the add field.
func (m *sourcesStep) move(k string) tea.Cmd {
	for {
		m.cursor = moveCursor(k, m.cursor, len(m.lines))
		if m.lines[m.cursor].kind != lineHeader {
			break
		}
	}
	m.addErr = ""
	m.add.SetValue("")
	return m.focusInput()
}

// startLookUp looks up My IP, unless it is being looked up already.
func (m *sourcesStep) startLookUp(s *session) tea.Cmd {
	if m.lookingUp {
		return nil
	}
	m.lookingUp, m.officeErr = true, ""
	return lookUpMyIP(s.myIPURL)
}

// openPicker opens ctrl+o's list of the VPC's groups and the region's
// prefix lists, filtered by what the add field holds.
func (m *sourcesStep) openPicker(s *session) tea.Cmd {
	picks := m.picks(s)
	if len(picks) == 0 {
		return nil
	}
	var cmd tea.Cmd
	m.pick, cmd = newPicker(picks, m.add.Value())
	m.add.Blur()
	m.addErr = ""
	return cmd
}

// pickKey gives k to the open picker; what it picks is added to the
// service's sources at once, as if typed in the add field.
func (m *sourcesStep) pickKey(s *session, line srcLine, k tea.KeyPressMsg) tea.Cmd {
	value, done, cmd := m.pick.update(k)
	if !done {
		return cmd
	}
	m.pick = nil
	if value != "" && line.kind == lineAdd {
		m.add.SetValue(value)
		m.addPeer(s, line.sel)
	}
	return m.focusInput()
}

// enterKey adds what the add field under the cursor holds, or else goes
// on when the answers make a plan.
func (m *sourcesStep) enterKey(s *session, line srcLine) (nav, tea.Cmd) {
	if line.kind == lineAdd && strings.TrimSpace(m.add.Value()) != "" {
		// Enter works on what the cursor is on: the add field. Empty,
		// there is nothing to add, and enter goes on.
		m.addPeer(s, line.sel)
		return stay(), nil
	}
	if err := m.check(s); err != "" {
		s.status = s.styles.Error.Render("✗ " + err)
		return stay(), nil
	}
	return next(), nil
}

// typed gives k to the text field of a line of kind, if it has one.
func (m *sourcesStep) typed(s *session, kind lineKind, k tea.KeyPressMsg) tea.Cmd {
	var cmd tea.Cmd
	switch kind {
	case lineOffice:
		m.office, cmd = m.office.Update(k)
		m.parseOffice(s)
	case lineAdd:
		m.add, cmd = m.add.Update(k)
		m.addErr = ""
	}
	return cmd
}

// myIP adds the looked-up address to the office field, as a /32 (or
// /128), unless it is there; a failure is said under the field.
func (m *sourcesStep) myIP(s *session, r myIPMsg) {
	m.lookingUp = false
	if r.err != nil {
		m.officeErr = r.err.Error() + "; type the address instead"
		return
	}
	host := model.HostPrefix(r.addr)
	for _, p := range s.draft.Office {
		if p.Contains(host.Addr()) {
			m.parseOffice(s)
			m.officeMsg = host.String() + " is in the office field already · " + m.officeMsg
			return
		}
	}
	v := strings.TrimRight(strings.TrimSpace(m.office.Value()), ",")
	if v != "" {
		v += ", "
	}
	m.office.SetValue(v + host.String())
	m.office.CursorEnd()
	m.parseOffice(s)
}

// picks are what ctrl+o offers in the add field: the VPC's existing
// groups, then the region's prefix lists.
func (m *sourcesStep) picks(s *session) []pick {
	return append(s.groupPicks(), s.listPicks()...)
}

// addPeer adds the typed CIDR, sg-… or pl-… to the service's sources.
func (m *sourcesStep) addPeer(s *session, sel int) {
	l, err := model.ParsePeers(s.book, m.add.Value())
	if err != nil {
		m.addErr = "✗ " + err.Error()
		return
	}
	for _, p := range l.Peers() {
		if p.Kind() == model.PeerGroup && s.draft.GroupIndex(p.Ref()) < 0 {
			m.addErr = fmt.Sprintf("✗ no group %q in this plan", p.Ref())
			return
		}
	}
	for _, p := range l.Peers() {
		if src := model.FromPeer(p); !s.selections(m.dir)[sel].Has(src) {
			m.toggle(s, sel, src)
		}
	}
	m.add.SetValue("")
	m.addErr = ""
	if len(l.Notes) > 0 {
		m.addErr = "⚠ " + strings.Join(l.Notes, " · ")
	}
	m.build(s)
}

// toggle adds or removes a source, saying at once when a rule it makes
// repeats another service's.
func (m *sourcesStep) toggle(s *session, sel int, src model.Source) {
	if notice := s.draft.ToggleSource(s.group, m.dir, sel, src); notice != "" {
		s.status = s.styles.Warning.Render("⚠ " + notice)
	}
	s.edited()
	m.build(s)
}

// check says what keeps the answers from making a plan, or "".
func (m *sourcesStep) check(s *session) string {
	if m.officeErr != "" {
		return "office / my IP: " + m.officeErr
	}
	if _, err := s.plan(); err != nil {
		return inWords(err)
	}
	return ""
}

func (m *sourcesStep) view(s *session, width, height int) string {
	st := s.styles
	sels := s.selections(m.dir)
	var out []string
	cursorLine := 0
	for i, l := range m.lines {
		if i == m.cursor {
			cursorLine = len(out)
		}
		out = append(out, m.lineView(s, st, sels, l, i == m.cursor, width)...)
	}
	head := []string{groupTabs(s, width)}
	if s.currentGroup() != nil && len(sels) == 0 {
		if m.dir == model.Egress {
			out = append(out, st.Muted.Render("  No outbound services: the instances cannot open connections."))
		} else {
			out = append(out, st.Muted.Render("  This group has no inbound services: nothing can connect to it."))
		}
	}
	rows := max(1, height-len(head))
	first := scrollStart(cursorLine, len(out), rows)
	end := min(len(out), first+rows)
	return strings.Join(append(head, out[first:end]...), "\n")
}

func (m *sourcesStep) lineView(s *session, st ui.Styles, sels []model.Selection, l srcLine, focused bool, width int) []string {
	mark := "  "
	if focused {
		mark = st.Cursor.Render("▸ ")
	}
	switch l.kind {
	case lineOffice:
		return m.officeView(s, st, mark, width)
	case lineMyIP:
		return m.myIPView(s, st, mark, focused, width)
	case lineHeader:
		return m.headerView(s, st, sels[l.sel], l, width)
	case lineOption:
		sel := sels[l.sel]
		box := "[ ]"
		if sel.Has(l.source) {
			box = st.Checked.Render("[x]")
		}
		return []string{mark + "  " + box + " " + sourceLabel(s, l.source)}
	case lineAdd:
		return m.addLines(s, st, mark, focused, width)
	}
	return nil
}

// officeView is the office field, then what it holds, what is wrong with
// it, or how to fill it.
func (m *sourcesStep) officeView(s *session, st ui.Styles, mark string, width int) []string {
	m.office.SetWidth(max(10, width-20))
	s.styled(&m.office, &m.add)
	lines := []string{mark + m.office.View()}
	switch {
	case m.officeErr != "":
		lines = append(lines, wrapped("    ", "✗ "+m.officeErr, width, st.Error)...)
	case m.officeMsg != "":
		lines = append(lines, wrapText("    "+st.OK.Render("✓ ")+st.Muted.Render(m.officeMsg), width)...)
		if m.officeNote != "" {
			lines = append(lines, wrapped("    ", "⚠ "+m.officeNote, width, st.Warning)...)
		}
	case len(s.book) > 0:
		lines = append(lines, wrapped("    ", "a bare address becomes /32 or /128 · address book: @"+strings.Join(s.book.Names(), ", @"), width, st.Muted)...)
	default:
		lines = append(lines, "    "+st.Muted.Render("a bare address becomes /32 (IPv4) or /128 (IPv6)"))
	}
	return lines
}

// myIPView is the "look up my IP" line, wrapped when its address is long.
func (m *sourcesStep) myIPView(s *session, st ui.Styles, mark string, focused bool, width int) []string {
	text := "→ Look up my IP (" + strings.TrimPrefix(s.myIPURL, "https://") + ")"
	if m.lookingUp {
		text = "→ looking up your public address…"
	}
	if focused {
		return wrapText(mark+st.Selected.Render(text)+st.Muted.Render("  enter"), width)
	}
	return wrapText(mark+st.Muted.Render(text), width)
}

// headerView is a service's title and ports, its findings, and its notes:
// how to connect without the admin port, and its lifetime.
func (m *sourcesStep) headerView(s *session, st ui.Styles, sel model.Selection, l srcLine, width int) []string {
	lines := []string{"", st.Subtitle.Render(sel.Service.Title) + st.Muted.Render(" ("+sel.Service.PortsText()+")")}
	// The same checks as lint and the review, beside the service.
	if l.sel < len(m.findings) {
		for _, f := range m.findings[l.sel] {
			if f.Severity >= model.Medium {
				text := strings.ToUpper(f.Severity.String()) + " ⚠ " + f.Why
				for l := range strings.SplitSeq(wordWrap(text, width-4), "\n") {
					lines = append(lines, "  "+st.Warning.Render(l))
				}
			}
		}
	}
	if id := sel.Service.ID; m.dir == model.Ingress && (id == "ssh" || id == "rdp") {
		lines = append(lines, wrapped("  ", connectNote(s, id), width, st.Muted)...)
	}
	if l.admin {
		lines = append(lines, m.lifetimeView(s, st, l.sel, width)...)
	}
	return lines
}

// lifetimeView says how long an administration service's rules last, and
// how to change it.
func (m *sourcesStep) lifetimeView(s *session, st ui.Styles, sel, width int) []string {
	if until := s.draft.UntilOf(s.group, m.dir, sel); !until.IsZero() {
		return wrapped("  ", fmt.Sprintf("For a limited time: until %s (%s from now); apply tags the rules and sgwiz sweep revokes them then · l: longer, or permanent after 7d",
			model.FormatExpiry(until), lifetimeText(until.Sub(s.now()))), width, st.Warning)
	}
	return wrapped("  ", "l: for a limited time (1h, 8h, 1d, 7d), revoked by sgwiz sweep", width, st.Muted)
}

// addLines are a service's add field and, while it is focused, what is
// wrong in it and what ctrl+o picks from.
func (m *sourcesStep) addLines(s *session, st ui.Styles, mark string, focused bool, width int) []string {
	lines := []string{mark + m.addView(focused && m.pick == nil)}
	if focused && m.addErr != "" {
		style := st.Warning // notes on what was added
		if strings.HasPrefix(m.addErr, "✗") {
			style = st.Error // what was refused
		}
		lines = append(lines, wrapped("      ", m.addErr, width, style)...)
	}
	switch picks := m.picks(s); {
	case focused && m.pick != nil:
		lines = append(lines, m.pick.view(s, "      ", width)...)
	case focused && len(picks) > 0:
		lines = append(lines, "      "+st.Muted.Render(fmt.Sprintf("ctrl+o: pick one of %d existing groups and prefix lists", len(picks))))
	}
	return lines
}

func (m *sourcesStep) addView(focused bool) string {
	m.add.SetWidth(40)
	if focused {
		return m.add.View()
	}
	return "  + add: …"
}

func sourceLabel(s *session, src model.Source) string {
	switch src.Kind {
	case model.SourceAnyIPv4:
		return "Anywhere IPv4 (0.0.0.0/0)"
	case model.SourceAnyIPv6:
		return "Anywhere IPv6 (::/0)"
	case model.SourceOffice:
		if _, wrong := s.typed[model.FieldOffice]; wrong {
			return "Office / my IP (fix the office field)"
		}
		if len(s.draft.Office) == 0 {
			return "Office / my IP (type it at the top)"
		}
		return "Office / my IP (" + joinPrefixes(s.draft.Office) + ")"
	}
	if src.Peer.Kind() == model.PeerGroup {
		if g := s.currentGroup(); g != nil && g.Name == src.Peer.Ref() {
			return "This group " + src.Peer.Ref() + " (its instances reach each other)"
		}
		return "Group " + src.Peer.Ref()
	}
	switch id := src.Peer.Ref(); src.Peer.Kind() {
	case model.PeerPrefixList:
		if l, ok := s.prefixList(id); ok {
			if strings.HasSuffix(l.Name, "ec2-instance-connect") {
				return fmt.Sprintf("EC2 Instance Connect (%s, the console's Connect; counts %d)", id, l.Size.Weight)
			}
			return fmt.Sprintf("%s (%s, counts %d)", id, strings.TrimPrefix(l.Name, "com.amazonaws."), l.Size.Weight)
		}
	case model.PeerGroupID:
		if g, ok := s.groupInfo(id); ok {
			return fmt.Sprintf("%s (%s, %s)", id, g.Name, model.Counted(g.Rules, "rule"))
		}
	}
	return src.Peer.String()
}

// connectNote says how to reach an instance without opening the admin
// port: EC2 Instance Connect's prefix list, or Session Manager, which
// needs no inbound rule at all.
func connectNote(s *session, service string) string {
	ssm := "Session Manager needs no inbound rule: with the SSM agent and an instance profile, unselect " + strings.ToUpper(service) + "."
	if service != "ssh" {
		return ssm
	}
	if _, ok := s.instanceConnect(); ok {
		return "The console's Connect (EC2 Instance Connect) works from its prefix list below. " + ssm
	}
	return "The console's Connect (EC2 Instance Connect) needs the region's ec2-instance-connect prefix list: add its pl- id. " + ssm
}

func (m *sourcesStep) bindings() []key.Binding {
	if m.pick != nil {
		return pickerBindings()
	}
	l := m.lines[m.cursor]
	kb := []key.Binding{keyUp}
	if l.kind == lineOption {
		kb = append(kb, keyToggle) // in the text fields space is typed
	}
	kb = append(kb, keyNext, keyBack, keyGroup)
	if l.kind == lineOption && l.admin {
		kb = append(kb, keyLimited)
	}
	return kb
}

// wordWrap breaks text into lines of at most width cells, at spaces.
func wordWrap(text string, width int) string {
	return lipgloss.Wrap(text, max(10, width), " ")
}

// wrapped is text broken into lines of at most width cells, each prefixed
// with indent and styled: nothing a person needs is cut at 80 columns.
func wrapped(indent, text string, width int, style lipgloss.Style) []string {
	var out []string
	for l := range strings.SplitSeq(wordWrap(text, width-lipgloss.Width(indent)), "\n") {
		out = append(out, indent+style.Render(l))
	}
	return out
}
