// Package model holds sgwiz's domain: protocols, port ranges, peers, rules,
// groups and plans as comparable values, the service catalogue, the use-case
// presets, the findings, the plan file and validation. It does no I/O.
package model

import (
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Tag is one key/value tag of a group; tags keep the order they were given.
type Tag struct {
	Key, Value string
}

// Group is one security group of a plan.
type Group struct {
	// Name is the group name, unique in the VPC; it cannot change later.
	Name string
	// Role is what the group is for in its use case ("" for a custom or
	// imported group); the checks of linked tiers follow it.
	Role        Role
	Description string
	// VPC is the vpc-… id; empty means the exporter's variable or the
	// account's default VPC.
	VPC string
	// ID is set when the group exists already (sg-…).
	ID      string
	Tags    []Tag
	Ingress []Rule
	Egress  []Rule
	// Merged lists the rules given twice that MergeDuplicates merged; it
	// is not part of the plan file (which holds each rule once).
	Merged []Merge
}

// Rules returns the rules of one direction.
func (g *Group) Rules(d Direction) []Rule {
	if d == Egress {
		return g.Egress
	}
	return g.Ingress
}

// Plan is one or more groups that belong together, plus the use case that
// made them (empty for a hand-written plan) and the answers given to it,
// which the rules already hold and which let the wizard reopen the plan as
// it was made.
type Plan struct {
	// Name names the plan; apply tags the groups it creates with it (Key,
	// OwnerTags). Empty means the first group's name.
	Name    string
	UseCase string
	// Office are the office / my-IP CIDRs; Egress the outbound policy;
	// Engine and AppPort the database and the port behind the load
	// balancer, for the use cases that ask them.
	Office  []netip.Prefix
	Egress  EgressPolicy
	Engine  string
	AppPort int
	Groups  []Group
	// PrefixLists are the sizes of the managed prefix lists the rules name,
	// when known from AWS, for the quota; they are not part of the file.
	PrefixLists map[string]PrefixListSize
}

// VPC is the plan's VPC (all its groups share one), or "" when not chosen.
func (p Plan) VPC() string {
	if len(p.Groups) == 0 {
		return ""
	}
	return p.Groups[0].VPC
}

// Group returns the group with this name, or nil.
func (p Plan) Group(name string) *Group {
	for i := range p.Groups {
		if p.Groups[i].Name == name {
			return &p.Groups[i]
		}
	}
	return nil
}

// Clone returns a deep copy that shares nothing with p.
func (p Plan) Clone() Plan {
	q := p
	q.Office = append([]netip.Prefix(nil), p.Office...)
	if p.PrefixLists != nil {
		q.PrefixLists = make(map[string]PrefixListSize, len(p.PrefixLists))
		maps.Copy(q.PrefixLists, p.PrefixLists)
	}
	q.Groups = make([]Group, len(p.Groups))
	for i, g := range p.Groups {
		g.Tags = append([]Tag(nil), g.Tags...)
		g.Ingress = append([]Rule(nil), g.Ingress...)
		g.Egress = append([]Rule(nil), g.Egress...)
		g.Merged = append([]Merge(nil), g.Merged...)
		q.Groups[i] = g
	}
	return q
}

// FieldError is a problem with one field of the input: a plan-file key, a
// flag or a wizard field. It says what is wrong and how to fix it.
type FieldError struct {
	// Field is the path of the field, such as groups[0].ingress[2].from.
	Field string
	// Line is the plan-file line, when known.
	Line int
	Msg  string
}

func (e *FieldError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s: %s", e.Line, e.Field, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Field, e.Msg)
}

// Errors is a list of field errors, reported together.
type Errors []*FieldError

func (es Errors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// err returns es as an error, or nil when empty.
func (es Errors) err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

func (es *Errors) add(field, format string, args ...any) {
	*es = append(*es, &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
}

var vpcIDPattern = regexp.MustCompile(`^vpc-([0-9a-f]{8}|[0-9a-f]{17})$`)

// ValidateGroupName checks a name against EC2's rules.
func ValidateGroupName(name string) error {
	switch {
	case name == "":
		return errors.New("a group needs a name: use " + textCharsHelp + " (up to 255)")
	case len(name) > MaxNameLen:
		return fmt.Errorf("name is %d characters: AWS allows at most %d", len(name), MaxNameLen)
	case strings.HasPrefix(strings.ToLower(name), "sg-"):
		return fmt.Errorf("name %q starts with sg-, which AWS reserves for group ids: choose another name", name)
	case strings.EqualFold(name, DefaultGroupName):
		return fmt.Errorf("AWS reserves the name %q for each VPC's own default group, which it makes with the VPC: a new group cannot have it, and sgwiz would find that group instead (its description cannot change); choose another name, or import the default group by its id (sgwiz import sg-…) to change its rules", name)
	}
	return checkText("name", name)
}

// DefaultGroupName is the name of the group AWS makes with each VPC.
const DefaultGroupName = "default"

// ValidateGroupDescription checks a group description against EC2's rules.
func ValidateGroupDescription(d string) error {
	switch {
	case d == "":
		return errors.New("AWS requires a group description: say what the group is for")
	case len(d) > MaxNameLen:
		return fmt.Errorf("description is %d characters: AWS allows at most %d", len(d), MaxNameLen)
	}
	return checkText("description", d)
}

// ValidateRuleDescription checks a rule description against EC2's rules
// (the same characters as a group's). An empty description is allowed.
func ValidateRuleDescription(d string) error {
	if len(d) > MaxRuleDescriptionLen {
		return fmt.Errorf("description is %d characters: AWS allows at most %d", len(d), MaxRuleDescriptionLen)
	}
	return checkText("description", d)
}

// dynamicReference is CloudFormation's {{resolve:service:key}}, which it
// replaces with a parameter or a secret at deploy time wherever it stands.
var dynamicReference = regexp.MustCompile(`(?i)\{\{\s*resolve\s*:`)

// HasDynamicReference reports whether s holds a CloudFormation dynamic
// reference ({{resolve:…}}), which no template can keep literal.
func HasDynamicReference(s string) bool { return dynamicReference.MatchString(s) }

// checkText checks the characters of a name or description: EC2's set,
// and no {{resolve:…}}, which CloudFormation would replace with a secret.
func checkText(what, s string) error {
	if c, bad := textCharset.invalid(s); bad {
		return fmt.Errorf("%s holds %q, which AWS does not allow: use %s", what, c, textCharsHelp)
	}
	if HasDynamicReference(s) {
		return fmt.Errorf("%s holds {{resolve:, which CloudFormation would replace with a parameter or secret at deploy time: write it without the braces", what)
	}
	return nil
}

// ValidateVPCID checks a vpc-… id; empty is allowed (decided at export or apply).
func ValidateVPCID(id string) error {
	if id != "" && !vpcIDPattern.MatchString(id) {
		return fmt.Errorf("%q is not a VPC id: it is vpc- and 8 or 17 lowercase hex digits", id)
	}
	return nil
}

// Validate checks the whole plan: names, descriptions, tags, every rule, and
// references between groups. It returns Errors naming each field.
func (p Plan) Validate() error {
	var es Errors
	p.validateAnswers(&es)
	if p.Name != "" {
		if err := ValidateTag(Tag{Key: OwnerPlanTag, Value: p.Name}); err != nil {
			es.add("name", "%v", err)
		}
	}
	switch {
	case len(p.Groups) == 0:
		es.add("groups", "the plan has no group: add at least one")
	case len(p.Groups) > MaxPlanGroups:
		es.add("groups", "%d groups: a plan holds at most %d; split it into several plans", len(p.Groups), MaxPlanGroups)
		return es.err()
	}
	seen := map[string]int{}
	ruleIDs := map[string]string{}
	for i := range p.Groups {
		g := &p.Groups[i]
		f := fmt.Sprintf("groups[%d]", i)
		// The name, description and tags of a group that exists are what
		// AWS holds: AWS accepted them, and they are never sent again.
		existing := g.ID != ""
		switch err := ValidateGroupName(g.Name); {
		case err == nil:
		case !existing || g.Name == "":
			es.add(f+".name", "%v", err)
		}
		if j, dup := seen[strings.ToLower(g.Name)]; dup {
			es.add(f+".name", "%q is already the name of groups[%d]: names are unique in a VPC (ignoring case)", g.Name, j)
		}
		seen[strings.ToLower(g.Name)] = i
		if err := ValidateGroupDescription(g.Description); err != nil && !existing {
			es.add(f+".description", "%v", err)
		}
		if err := ValidateVPCID(g.VPC); err != nil {
			es.add(f+".vpc_id", "%v", err)
		} else if g.VPC != p.Groups[0].VPC {
			es.add(f+".vpc_id", "%q differs from groups[0]'s %q: the groups of a plan share one VPC (they reference each other); make one plan per VPC", g.VPC, p.Groups[0].VPC)
		}
		if existing && !groupIDPattern.MatchString(g.ID) {
			es.add(f+".id", "%q is not a security group id: it is sg- and 8 or 17 lowercase hex digits", g.ID)
		}
		validateTags(&es, f+".tags", g.Tags, existing, "group")
		if !existing {
			for _, t := range g.Tags {
				if IsOwnerTag(t.Key) {
					es.add(f+".tags."+t.Key, "sgwiz gives %s to the groups it creates (this one gets %s): remove it from the plan; the plan's name: key sets the plan's part", t.Key, NewTags(p.OwnerTags(g)...))
				}
			}
		}
		for _, d := range []Direction{Ingress, Egress} {
			rules := g.Rules(d)
			if len(rules) > MaxPlanRules {
				es.add(fmt.Sprintf("%s.%s", f, d), "%d rules: sgwiz reads at most %d per group and direction (AWS allows %d by default)", len(rules), MaxPlanRules, MaxRulesPerDirection)
				continue
			}
			for j, r := range rules {
				p.validateRule(&es, i, j, d, r, existing)
				if r.ID == "" {
					continue
				}
				if at, dup := ruleIDs[r.ID]; dup {
					es.add(fmt.Sprintf("%s.%s[%d].id", f, d, j), "%s is also the id of %s: a rule id names one rule; remove one (sgwiz import writes them)", r.ID, at)
				}
				ruleIDs[r.ID] = fmt.Sprintf("%s.%s[%d]", f, d, j)
			}
		}
	}
	return es.err()
}

// validateAnswers checks the use case's answers the plan keeps.
func (p Plan) validateAnswers(es *Errors) {
	if err := checkOffice(p.Office); err != nil {
		*es = append(*es, err.(*FieldError))
	}
	if p.Egress != "" && p.Egress != EgressCustom {
		if u, ok := LookupUseCase(p.UseCase); ok && !containsEgress(u.Egresses, p.Egress) || !ok && !containsEgress(Egresses, p.Egress) {
			es.add(FieldEgress, "%q is not an egress choice for this plan's use case: use one of %s or custom", p.Egress, joinEgress(Egresses))
		}
	}
	if p.Engine != "" {
		if err := (&Draft{}).SetEngine(p.Engine); err != nil {
			*es = append(*es, err.(*FieldError))
		}
	}
	if p.AppPort != 0 {
		if err := (&Draft{}).SetAppPort(p.AppPort); err != nil {
			*es = append(*es, err.(*FieldError))
		}
	}
}

// ValidateTag checks one tag as the plan checks it, for a field that
// holds one tag's value.
func ValidateTag(t Tag) error {
	var es Errors
	validateTags(&es, "tag", []Tag{t}, false, "resource")
	if len(es) > 0 {
		return errors.New(es[0].Msg)
	}
	return nil
}

// ValidateRuleTags checks a rule's tags as the plan checks them, for a
// field that holds them.
func ValidateRuleTags(tags []Tag) error {
	var es Errors
	validateRuleTags(&es, "tags", tags, false)
	switch {
	case len(es) == 0:
		return nil
	case es[0].Msg == errReservedRuleTag.Error():
		return errReservedRuleTag // a front end says how it makes a rule temporary
	}
	return errors.New(es[0].Msg)
}

func validateRuleTags(es *Errors, f string, tags []Tag, existing bool) {
	validateTags(es, f, tags, existing, "rule")
	for _, t := range tags {
		if t.Key == ExpiresTag {
			es.add(f+"."+t.Key, "%v", errReservedRuleTag)
		}
	}
}

// validateTags checks the tags of a group or rule (what) at field f.
func validateTags(es *Errors, f string, tags []Tag, existing bool, what string) {
	if len(tags) > MaxTags {
		es.add(f, "%d tags: AWS allows at most %d per %s", len(tags), MaxTags, what)
	}
	keys := map[string]bool{}
	for _, t := range tags {
		tf := fmt.Sprintf("%s.%s", f, t.Key)
		switch {
		case t.Key == "":
			es.add(f, "a tag has an empty key: give every tag a key")
		case utf8.RuneCountInString(t.Key) > MaxTagKeyLen:
			es.add(tf, "tag key is %d characters: AWS allows at most %d", utf8.RuneCountInString(t.Key), MaxTagKeyLen)
		case strings.HasPrefix(strings.ToLower(t.Key), "aws:"):
			es.add(tf, "tag keys starting with aws: are reserved by AWS: choose another key")
		case keys[t.Key]:
			es.add(tf, "tag key given twice: keep one")
		}
		if utf8.RuneCountInString(t.Value) > MaxTagValueLen {
			es.add(tf, "tag value is %d characters: AWS allows at most %d", utf8.RuneCountInString(t.Value), MaxTagValueLen)
		}
		// An existing resource keeps the tags AWS accepted (EC2 takes more
		// characters than other services).
		if !existing {
			if strings.ContainsFunc(t.Key+t.Value, unicode.IsControl) || !utf8.ValidString(t.Key) || !utf8.ValidString(t.Value) {
				es.add(tf, "tags cannot hold control characters, newlines or invalid UTF-8: remove them")
			}
			if HasDynamicReference(t.Key) || HasDynamicReference(t.Value) {
				es.add(tf, "tag holds {{resolve:, which CloudFormation would replace with a parameter or secret at deploy time: write it without the braces")
			}
		}
		keys[t.Key] = true
	}
}

// problem is one error in a rule, before its field path is known.
type problem struct{ suffix, msg string }

type problems []problem

// with returns ps and one more problem; a value method, so a valid rule
// allocates nothing.
func (ps problems) with(suffix, format string, args ...any) problems {
	return append(ps, problem{suffix, fmt.Sprintf(format, args...)})
}

// validateRule builds the rule's field path only when it has a problem, so
// a valid plan is checked without allocating.
func (p Plan) validateRule(es *Errors, gi, ri int, d Direction, r Rule, existing bool) {
	problems := p.ruleProblems(d, r, existing)
	if len(problems) == 0 {
		return
	}
	f := fmt.Sprintf("groups[%d].%s[%d]", gi, d, ri)
	for _, pr := range problems {
		*es = append(*es, &FieldError{Field: f + pr.suffix, Msg: pr.msg})
	}
}

// ruleProblems checks one rule. In a group that exists (existing), a
// description is checked only for length: it may be what AWS holds, and
// apply checks every rule it sends (CheckSent).
func (p Plan) ruleProblems(d Direction, r Rule, existing bool) problems {
	var ps problems
	if !r.Protocol.IsValid() {
		ps = ps.with(".protocol", "missing protocol: use tcp, udp, icmp, icmpv6, all or a number")
		return ps
	}
	if msg := r.Ports.valid(r.Protocol); msg != "" {
		ps = ps.with(".ports", "%s", msg)
	}
	pf := d.PeerFieldSuffix()
	switch r.Peer.Kind() {
	case PeerInvalid:
		ps = ps.with(pf, "missing %s: give a CIDR, sg-… id, pl-… id or group:NAME", d.PeerField())
	case PeerGroup:
		if p.Group(r.Peer.Ref()) == nil {
			ps = ps.with(pf, "group %q is not in the plan: name one of its groups (%s) or use an sg-… id", r.Peer.Ref(), strings.Join(p.groupNames(), ", "))
		}
	case PeerIPv4:
		if r.Protocol == ICMPv6 {
			ps = ps.with(pf, "ICMPv6 with an IPv4 %s matches nothing: use protocol icmp, or an IPv6 CIDR", d.PeerField())
		}
	case PeerIPv6:
		if r.Protocol == ICMP {
			ps = ps.with(pf, "ICMP (IPv4) with an IPv6 %s matches nothing: use protocol icmpv6, or an IPv4 CIDR", d.PeerField())
		}
	}
	// AWS holds no rule description longer than its limit, nor one with
	// control characters or that is not UTF-8: an existing group's too.
	if err := ValidateRuleDescription(r.Description); err != nil && (!existing || len(r.Description) > MaxRuleDescriptionLen || !utf8.ValidString(r.Description) ||
		strings.ContainsFunc(r.Description, unicode.IsControl)) {
		ps = ps.with(".description", "%v", err)
	}
	if r.ID != "" && !ruleIDPattern.MatchString(r.ID) {
		ps = ps.with(".id", "%q is not a security group rule id: it is sgr- and 17 lowercase hex digits (sgwiz import writes them)", r.ID)
	}
	if !r.Tags.IsZero() {
		var es Errors
		validateRuleTags(&es, "", r.Tags.List(), existing)
		for _, e := range es {
			ps = ps.with(".tags"+e.Field, "%s", e.Msg)
		}
	}
	return ps
}

var ruleIDPattern = regexp.MustCompile(`^sgr-([0-9a-f]{8}|[0-9a-f]{17})$`)

func (p Plan) groupNames() []string {
	names := make([]string, len(p.Groups))
	for i, g := range p.Groups {
		names[i] = g.Name
	}
	return names
}

// ValidAccount reports whether id has the shape of an AWS account id (12
// digits): --accounts, a sweeper's accounts.
func ValidAccount(id string) bool { return accountPattern.MatchString(id) }

var accountPattern = regexp.MustCompile(`^[0-9]{12}$`)
