package model

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sgwiz/sgwiz/internal/yamljson"
	"go.yaml.in/yaml/v3"
)

// PlanFileVersion is the version key sgwiz writes and reads.
const PlanFileVersion = 1

const planHeader = "sgwiz plan: check it with `sgwiz lint -f FILE`, export it with `sgwiz export -f FILE --format terraform`"

// YAML returns the plan file in YAML. Loading it and saving again
// gives the same bytes.
func (p Plan) YAML() ([]byte, error) {
	doc := p.node()
	doc.HeadComment = planHeader
	return yamljson.MarshalYAML(doc)
}

// JSON returns the plan file in its JSON form, same keys and order.
func (p Plan) JSON() ([]byte, error) { return yamljson.Marshal(p.node()) }

func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func quoted(s string) *yaml.Node {
	n := str(s)
	n.Style = yaml.DoubleQuotedStyle
	return n
}

func mapping(kv ...any) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i < len(kv); i += 2 {
		v := kv[i+1]
		var vn *yaml.Node
		switch v := v.(type) {
		case *yaml.Node:
			if v == nil {
				continue
			}
			vn = v
		case string:
			if v == "" {
				continue
			}
			vn = str(v)
		}
		m.Content = append(m.Content, str(kv[i].(string)), vn)
	}
	return m
}

func (p Plan) node() *yaml.Node {
	groups := &yaml.Node{Kind: yaml.SequenceNode}
	for _, g := range p.Groups {
		groups.Content = append(groups.Content, mapping(
			"name", g.Name,
			"role", string(g.Role),
			"description", g.Description,
			"vpc_id", g.VPC,
			"id", g.ID,
			"tags", tagsNode(g.Tags),
			"ingress", rulesNode(Ingress, g.Ingress),
			"egress", rulesNode(Egress, g.Egress),
		))
	}
	var office *yaml.Node
	if len(p.Office) > 0 {
		office = &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, o := range p.Office {
			office.Content = append(office.Content, str(o.String()))
		}
	}
	var appPort *yaml.Node
	if p.AppPort != 0 {
		appPort = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(p.AppPort)}
	}
	return mapping(
		"version", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(PlanFileVersion)},
		"name", p.Name,
		"use_case", p.UseCase,
		"office", office,
		"egress", string(p.Egress),
		"engine", p.Engine,
		"app_port", appPort,
		"groups", groups,
	)
}

func rulesNode(d Direction, rules []Rule) *yaml.Node {
	seq := &yaml.Node{Kind: yaml.SequenceNode}
	if len(rules) == 0 {
		seq.Style = yaml.FlowStyle
	}
	for _, r := range rules {
		var ports *yaml.Node
		if f := r.Ports.Format(r.Protocol); f != "" {
			ports = quoted(f)
		}
		seq.Content = append(seq.Content, mapping(
			"protocol", r.Protocol.String(),
			"ports", ports,
			d.PeerField(), r.Peer.String(),
			"description", r.Description,
			"tags", tagsNode(r.Tags.List()),
			"id", r.ID,
		))
	}
	return seq
}

// tagsNode is tags as a mapping in their order, or nil for none.
func tagsNode(tags []Tag) *yaml.Node {
	if len(tags) == 0 {
		return nil
	}
	n := &yaml.Node{Kind: yaml.MappingNode}
	for _, t := range tags {
		n.Content = append(n.Content, str(t.Key), str(t.Value))
	}
	return n
}

// ParsePlan reads a plan file in YAML or JSON. Unknown keys and bad values
// are errors (Errors) naming the line and the field. Warnings report what
// was accepted but changed, such as CIDR host bits cleared.
func ParsePlan(data []byte) (p Plan, warnings []string, err error) {
	return ParsePlanWith(data, nil)
}

// ParsePlanWith is ParsePlan with an address book: a peer or an office
// written @name stands for the set's CIDRs, one rule each.
func ParsePlanWith(data []byte, book AddressBook) (p Plan, warnings []string, err error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		// JSON allows tabs where YAML does not; outside strings they are
		// only white space, and inside valid JSON strings they are escaped.
		data = bytes.ReplaceAll(data, []byte("\t"), []byte(" "))
	}
	if len(data) > MaxPlanFileSize {
		return Plan{}, nil, fmt.Errorf("the file holds more than %d MiB: a plan file is at most %d MiB (one at the rule quota is about 100 KB); is it the right file?", MaxPlanFileSize>>20, MaxPlanFileSize>>20)
	}
	if err := checkFileText(data); err != nil {
		return Plan{}, nil, err
	}
	if n, line, ok := countGroups(data); ok && n > MaxPlanGroups {
		return Plan{}, nil, Errors{{Field: "groups", Line: line, Msg: fmt.Sprintf("%d groups: a plan holds at most %d; split it into several plans", n, MaxPlanGroups)}}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil && err != io.EOF {
		return Plan{}, nil, fmt.Errorf("not a valid plan file: %w", err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return Plan{}, nil, Errors{{Field: "groups", Msg: "the file is empty: a plan needs at least one group"}}
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == io.EOF:
	case err == nil:
		return Plan{}, nil, Errors{{Field: "file", Line: extra.Line, Msg: "a second YAML document starts here: a plan file holds one plan; remove it, or put it in a file of its own"}}
	default:
		return Plan{}, nil, fmt.Errorf("text after the plan: %w: remove it", err)
	}
	if n := findAlias(&doc); n != nil {
		return Plan{}, nil, Errors{{Field: "file", Line: n.Line, Msg: fmt.Sprintf("YAML alias *%s: plan files do not take aliases; write the value out in full", n.Value)}}
	}
	r := &reader{book: book}
	p = r.plan(doc.Content[0])
	if len(r.errs) > 0 {
		return Plan{}, r.warnings, r.errs
	}
	if err := p.Validate(); err != nil {
		r.locate(err.(Errors))
		return Plan{}, r.warnings, err
	}
	return p.MergeDuplicates(), r.warnings, nil
}

// findAlias returns the first alias node under n, or nil.
func findAlias(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode {
		return n
	}
	for _, c := range n.Content {
		if a := findAlias(c); a != nil {
			return a
		}
	}
	return nil
}

// reader walks the node tree, collecting errors with lines.
type reader struct {
	book     AddressBook
	errs     Errors
	warnings []string
	lines    map[string]int // field path → line, for validation errors
}

func (r *reader) fail(n *yaml.Node, field, format string, args ...any) {
	r.errs = append(r.errs, &FieldError{Field: field, Line: n.Line, Msg: fmt.Sprintf(format, args...)})
}

func (r *reader) mark(field string, n *yaml.Node) {
	if r.lines == nil {
		r.lines = map[string]int{}
	}
	r.lines[field] = n.Line
}

// locate gives validation errors the line of their field (or its parent).
func (r *reader) locate(es Errors) {
	for _, e := range es {
		for f := e.Field; f != ""; {
			if l, ok := r.lines[f]; ok {
				e.Line = l
				break
			}
			i := strings.LastIndexAny(f, ".[")
			if i < 0 {
				break
			}
			f = f[:i]
		}
	}
}

// fields checks that n is a mapping whose keys are all known, and returns
// the values by key.
func (r *reader) fields(n *yaml.Node, field string, known ...string) map[string]*yaml.Node {
	if n.Kind != yaml.MappingNode {
		if field == "" {
			r.fail(n, "file", "the file holds %s, not a plan: a plan file is a mapping of %s", nodeKind(n), strings.Join(known, ", "))
		} else {
			r.fail(n, field, "expected a mapping of %s", strings.Join(known, ", "))
		}
		return nil
	}
	r.mark(field, n)
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !containsString(known, k.Value) {
			r.fail(k, joinField(field, clip(k.Value)), "unknown key %q: the keys here are %s", clip(k.Value), strings.Join(known, ", "))
			continue
		}
		if _, dup := out[k.Value]; dup {
			r.fail(k, joinField(field, k.Value), "key given twice: keep one")
		}
		out[k.Value] = v
		r.mark(joinField(field, k.Value), v)
	}
	return out
}

// clip shortens text a person wrote for a message: its first 40
// characters.
func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + fmt.Sprintf("… (%d characters)", len(r))
	}
	return s
}

// nodeKind says what a YAML node is, for a message.
func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("the single value %q", clip(n.Value))
	}
	return "something else"
}

// maxNesting is how deep brackets may nest in a plan file: a plan needs
// five levels; YAML's own limit (10,000) is met only by a broken or hostile
// file, and costs memory first.
const maxNesting = 64

// checkFileText finds what the YAML reader refuses without a line: a control
// character, bytes that are not UTF-8, brackets nested too deep. The error
// names the line and column.
func checkFileText(data []byte) error {
	line, col, depth := 1, 0, 0
	quote := byte(0)
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		col++
		switch {
		case r == utf8.RuneError && size <= 1:
			return fileTextError(line, col, "byte 0x%02x is not UTF-8: save the file as UTF-8", data[i])
		case r == '\n':
			line, col = line+1, 0
		case textControl(r):
			return fileTextError(line, col, "control character U+%04X: remove it (a plan file holds text)", r)
		case quote != 0:
			if closesQuote(data, i, r, quote) {
				quote = 0
			}
		case r == '"' || r == '\'':
			quote = byte(r)
		case r == '#':
			// a comment to the end of the line: nothing in it nests
			i = commentEnd(data, i)
			continue
		case r == '[' || r == '{':
			if depth++; depth > maxNesting {
				return fileTextError(line, col, "brackets nested more than %d deep: a plan file needs a few levels; is it the right file?", maxNesting)
			}
		case r == ']' || r == '}':
			depth = max(depth-1, 0)
		}
		i += size
	}
	return nil
}

// fileTextError is checkFileText's error at a line and column.
func fileTextError(line, col int, format string, args ...any) error {
	return Errors{{Field: "file", Line: line, Msg: fmt.Sprintf("column %d: ", col) + fmt.Sprintf(format, args...)}}
}

// textControl reports whether r, not a newline, is a control character
// a plan file may not hold (it may hold tabs and carriage returns).
func textControl(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\r' && r != '\n' ||
		r >= 0x7f && r <= 0x9f && r != 0x85 ||
		r == 0xfffe || r == 0xffff
}

// closesQuote reports whether r, at data[i], ends a string opened by
// quote: a single quote always does, a double quote unless escaped.
func closesQuote(data []byte, i int, r rune, quote byte) bool {
	return byte(r) == quote && (quote == '\'' || i == 0 || data[i-1] != '\\')
}

// commentEnd returns where the comment starting at data[i] ends: at the
// newline, or at a byte that checkFileText must judge (not UTF-8, or a
// control character).
func commentEnd(data []byte, i int) int {
	for i < len(data) && data[i] != '\n' {
		c, n := utf8.DecodeRune(data[i:])
		if (c == utf8.RuneError && n <= 1) || (c < 0x20 && c != '\t' && c != '\r') || c == 0x7f {
			break
		}
		i += n // a whole character: "# café" is a comment, not a broken byte
	}
	return i
}

func joinField(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

func (r *reader) scalar(n *yaml.Node, field string) (string, bool) {
	if n == nil {
		return "", false
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		r.fail(n, field, "expected a single value")
		return "", false
	}
	return n.Value, true
}

func (r *reader) plan(n *yaml.Node) Plan {
	var p Plan
	f := r.fields(n, "", "version", "name", "use_case", "office", "egress", "engine", "app_port", "groups")
	if f == nil {
		return p
	}
	p.Name, _ = r.scalar(f["name"], "name")
	if on := f["office"]; on != nil {
		items := []*yaml.Node{on}
		if on.Kind == yaml.SequenceNode {
			items = on.Content
		}
		for _, item := range items {
			v, ok := r.scalar(item, "office")
			if !ok {
				continue
			}
			l, err := ParsePlaces(r.book, v)
			if err != nil {
				r.fail(item, "office", "%v", err)
				continue
			}
			for _, note := range l.Notes {
				r.warnings = append(r.warnings, fmt.Sprintf("line %d: office: %s", item.Line, note))
			}
			p.Office = append(p.Office, l.Prefixes()...)
		}
	}
	if v, ok := r.scalar(f["egress"], "egress"); ok {
		p.Egress = EgressPolicy(v)
	}
	if v, ok := r.scalar(f["engine"], "engine"); ok {
		p.Engine = v
	}
	if v, ok := r.scalar(f["app_port"], "app_port"); ok {
		n, err := strconv.Atoi(v)
		if err != nil {
			r.fail(f["app_port"], "app_port", "%q is not a port: use 1–65535", v)
		}
		p.AppPort = n
	}
	if v, ok := r.scalar(f["version"], "version"); ok && v != strconv.Itoa(PlanFileVersion) {
		r.fail(f["version"], "version", "version %s is not one this sgwiz reads: it reads version %d", v, PlanFileVersion)
	}
	if v, ok := r.scalar(f["use_case"], "use_case"); ok {
		if _, known := LookupUseCase(v); !known {
			r.fail(f["use_case"], "use_case", "unknown use case %q%s: use one of %s, or leave it out", v, DidYouMean(v, useCaseIDs()), UseCaseIDs())
		}
		p.UseCase = v
	}
	gs := f["groups"]
	if gs == nil {
		r.fail(n, "groups", "missing groups: a plan needs at least one group")
		return p
	}
	if gs.Kind != yaml.SequenceNode {
		r.fail(gs, "groups", "expected a list of groups")
		return p
	}
	if len(gs.Content) > MaxPlanGroups {
		r.fail(gs, "groups", "%d groups: a plan holds at most %d; split it into several plans", len(gs.Content), MaxPlanGroups)
		return p
	}
	for i, gn := range gs.Content {
		p.Groups = append(p.Groups, r.group(gn, fmt.Sprintf("groups[%d]", i)))
		gs.Content[i] = nil // read: its nodes can go while the rest is read
	}
	return p
}

func (r *reader) group(n *yaml.Node, field string) Group {
	var g Group
	f := r.fields(n, field, "name", "role", "description", "vpc_id", "id", "tags", "ingress", "egress")
	if f == nil {
		return g
	}
	g.Name, _ = r.scalar(f["name"], field+".name")
	if v, ok := r.scalar(f["role"], field+".role"); ok {
		role, err := ParseRole(v)
		if err != nil {
			r.fail(f["role"], field+".role", "%v", err)
		}
		g.Role = role
	}
	g.Description, _ = r.scalar(f["description"], field+".description")
	g.VPC, _ = r.scalar(f["vpc_id"], field+".vpc_id")
	g.ID, _ = r.scalar(f["id"], field+".id")
	g.Tags = r.tags(f["tags"], field+".tags")
	g.Ingress = r.rules(f["ingress"], field, Ingress)
	switch e := f["egress"]; {
	case e == nil:
		// A file cut short must not open all outbound traffic.
		r.fail(n, field+".egress", "%s says nothing of its outbound rules: write egress: default for AWS's allow-all (what a plan file of sgwiz before 2026-12 meant by leaving the key out), egress: [] for none, or the rules", cmp.Or(g.Name, "the group"))
	case e.Kind == yaml.ScalarNode && e.Tag != "!!null" && e.Value == "default":
		g.Egress = DefaultEgress()
	default:
		g.Egress = r.rules(e, field, Egress)
	}
	return g
}

// tags reads a mapping of tag keys to values, in order; a key given twice
// is an error (AWS holds one value per key).
func (r *reader) tags(n *yaml.Node, field string) []Tag {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		r.fail(n, field, "expected a mapping of tag keys to values")
		return nil
	}
	var tags []Tag
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if seen[k.Value] {
			r.fail(k, field+"."+k.Value, "tag key given twice: keep one")
		}
		seen[k.Value] = true
		v, _ := r.scalar(n.Content[i+1], field+"."+k.Value)
		tags = append(tags, Tag{Key: k.Value, Value: v}) // as saved: AWS keeps spaces a tag was given
	}
	return tags
}

func (r *reader) rules(n *yaml.Node, group string, d Direction) []Rule {
	rules := []Rule{}
	if n == nil {
		return rules
	}
	field := group + "." + d.String()
	if n.Kind != yaml.SequenceNode {
		r.fail(n, field, "expected a list of rules (write [] for none)")
		return rules
	}
	for i, rn := range n.Content {
		rules = append(rules, r.rule(rn, fmt.Sprintf("%s[%d]", field, i), d)...)
		if len(rules) > MaxPlanRules {
			r.fail(rn, field, "more than %d rules: sgwiz reads at most %d per group and direction (AWS allows %d by default)", MaxPlanRules, MaxPlanRules, MaxRulesPerDirection)
			return rules
		}
	}
	return rules
}

// rule reads one entry; a service or a list of peers gives several rules.
func (r *reader) rule(n *yaml.Node, field string, d Direction) []Rule {
	pf := d.PeerField()
	f := r.fields(n, field, "service", "protocol", "ports", pf, "description", "tags", "id")
	if f == nil {
		return nil
	}
	var specs []PortSpec
	if sn := f["service"]; sn != nil {
		id, _ := r.scalar(sn, field+".service")
		s, ok := LookupService(id)
		switch {
		case !ok:
			r.fail(sn, field+".service", "unknown service %q: see `sgwiz presets` for the ids, or give protocol and ports", id)
		case s.Kind == KindCustom:
			r.fail(sn, field+".service", "%q has no fixed port: give protocol and ports instead", id)
		case f["protocol"] != nil || f["ports"] != nil:
			r.fail(sn, field+".service", "give either service or protocol and ports, not both")
		default:
			specs = s.Ports
		}
	} else if pn := f["protocol"]; pn != nil {
		ps, _ := r.scalar(pn, field+".protocol")
		proto, err := ParseProtocol(ps)
		if err != nil {
			r.fail(pn, field+".protocol", "%v", err)
		} else {
			portText := ""
			if n := f["ports"]; n != nil {
				portText, _ = r.scalar(n, field+".ports")
			}
			ports, err := ParsePortRange(proto, portText)
			if err != nil {
				at := f["ports"]
				if at == nil {
					at = pn
				}
				r.fail(at, field+".ports", "%v", err)
			} else {
				specs = []PortSpec{{proto, ports}}
			}
		}
	} else {
		r.fail(n, field, "a rule needs a service (such as https) or a protocol and ports")
	}
	desc := ""
	if dn := f["description"]; dn != nil {
		desc, _ = r.scalar(dn, field+".description")
	}
	tags := NewTags(r.tags(f["tags"], field+".tags")...)
	id := ""
	if in := f["id"]; in != nil {
		id, _ = r.scalar(in, field+".id")
	}
	peers := r.peers(f[pf], n, field+"."+pf, pf)
	var rules []Rule
	for _, peer := range peers {
		for _, s := range specs {
			rules = append(rules, Rule{Protocol: s.Protocol, Ports: s.Ports, Peer: peer, Description: desc, Tags: tags, ID: id})
		}
	}
	if id != "" && len(rules) > 1 {
		r.fail(f["id"], field+".id", "%s names one rule, and this entry makes %d (several ports or peers): give each rule an entry of its own, or leave the id out", id, len(rules))
	}
	return rules
}

func (r *reader) peers(n, parent *yaml.Node, field, key string) []Peer {
	if n == nil {
		r.fail(parent, field, "missing %s: give a CIDR, sg-… id, pl-… id or group:NAME", key)
		return nil
	}
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
	}
	var peers []Peer
	for _, item := range items {
		s, ok := r.scalar(item, field)
		if !ok {
			continue
		}
		l, err := ParsePeers(r.book, s)
		if err != nil {
			r.fail(item, field, "%v", err)
			continue
		}
		for _, note := range l.Notes {
			r.warnings = append(r.warnings, fmt.Sprintf("line %d: %s: %s", item.Line, field, note))
		}
		peers = append(peers, l.Peers()...)
	}
	return peers
}
