package aws

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/sgwiz/sgwiz/model"
)

// Changes is what applying a plan would do: the groups to create and the
// rules to add and remove, computed from what exists now.
type Changes struct {
	// Plan is what the changes apply; its findings decide the confirmation.
	Plan   model.Plan
	VPC    string
	Region string
	Groups []GroupChange
}

// GroupChange is one group's part of the changes.
type GroupChange struct {
	Name, Description string
	// ID is the existing group's id; empty for a group to create.
	ID string
	// Tags are the tags a new group is created with (the plan's and the
	// owner tags, model.Plan.TagsOf).
	Tags []model.Tag
	// Add and Remove hold rules by direction (model.Ingress, model.Egress);
	// Describe holds rules that exist with another description.
	Add, Remove, Describe [2][]model.Rule
	// Retag holds rules that exist with other tags: the tags to set and
	// remove on each, by its id.
	Retag [2][]RuleTags
	// Temporary are rules the group holds until their expiry (sgwiz
	// allow): not the plan's, kept, and left to sgwiz sweep.
	Temporary [2][]model.Rule
	// Found says that the group exists, was found by its name and was not
	// made by this plan (it lacks the plan's owner tags): applying adopts
	// it, which a person confirms by typing its name (or --adopt). Owner
	// says which sgwiz plan made it, if one did; Rules is how many rules it
	// holds now.
	Found bool
	Owner string
	Rules int
	// SetTags are tags to add or give a new value; UnsetTags are keys to
	// remove (tags starting with aws: are AWS's and never touched).
	SetTags   []model.Tag
	UnsetTags []string
	// Fixed says what differs and cannot be changed in place (the
	// description, the name's case), in words.
	Fixed []string
}

// RuleTags is an existing rule whose tags differ from the plan's: Rule
// is the plan's, ID the rule's id in AWS.
type RuleTags struct {
	Rule  model.Rule
	ID    string
	Set   []model.Tag
	Unset []string
}

// New reports whether the group is to be created.
func (g GroupChange) New() bool { return g.ID == "" }

// Empty reports whether the group needs no call.
func (g GroupChange) Empty() bool {
	n := len(g.SetTags) + len(g.UnsetTags)
	for d := range 2 {
		n += len(g.Add[d]) + len(g.Remove[d]) + len(g.Describe[d]) + len(g.Retag[d])
	}
	return !g.New() && n == 0
}

// Adopts reports whether applying changes a group that the plan found by
// name and did not create: that is confirmed by name (or --adopt), never
// done silently. Once adopted, the group carries the plan's owner tags.
func (g GroupChange) Adopts() bool { return g.Found && !g.Empty() }

// Confirmation is what a person must type to apply the changes, and why:
// the name of a group the plan found by name and did not create, else the
// first group's name when the plan has a high finding; "" when y will do.
func (c Changes) Confirmation() (name, why string) {
	if r := c.Adopts(); len(r) > 0 {
		g := r[0]
		return g.Name, fmt.Sprintf("%s (%s) was not made by this plan%s; applying adopts it: %s", g.Name, g.ID, madeBy(g), g.adoption())
	}
	if s, ok := model.HighestSeverity(c.Plan.Check()); ok && s >= model.High && len(c.Plan.Groups) > 0 {
		return c.Plan.Groups[0].Name, "The plan has high or critical findings (sgwiz lint shows them)"
	}
	return "", ""
}

// madeBy says who made a found group, when sgwiz did.
func madeBy(g GroupChange) string {
	if g.Owner == "" {
		return ""
	}
	return " (" + g.Owner + " made it)"
}

// adoption says what adopting the group changes, in a few words.
func (g GroupChange) adoption() string {
	var parts []string
	if n := len(g.Remove[0]) + len(g.Remove[1]); n > 0 {
		parts = append(parts, "it loses "+model.Counted(n, "rule"))
	}
	if n := len(g.Add[0]) + len(g.Add[1]); n > 0 {
		parts = append(parts, fmt.Sprintf("gains %s", model.Counted(n, "rule")))
	}
	parts = append(parts, "and is tagged as this plan's, so that later applies know it")
	return strings.Join(parts, ", ")
}

// Adopts lists the groups that applying would adopt (see
// GroupChange.Adopts).
func (c Changes) Adopts() []GroupChange {
	var out []GroupChange
	for _, g := range c.Groups {
		if g.Adopts() {
			out = append(out, g)
		}
	}
	return out
}

// Empty reports whether applying changes nothing.
func (c Changes) Empty() bool {
	for _, g := range c.Groups {
		if !g.Empty() {
			return false
		}
	}
	return true
}

// Unchangeable reports whether something differs that apply cannot change.
func (c Changes) Unchangeable() bool {
	for _, g := range c.Groups {
		if len(g.Fixed) > 0 {
			return true
		}
	}
	return false
}

// Lines describes the changes for people, one line each.
func (c Changes) Lines() []string {
	if c.Empty() && !c.Unchangeable() {
		return []string{"no changes: every group already matches the plan"}
	}
	var out []string
	for _, g := range c.Groups {
		existing := g.ID
		if g.Found {
			existing = fmt.Sprintf("existing %s, %s, found by name: this plan did not create it%s", g.ID, model.Counted(g.Rules, "rule"), madeBy(g))
		}
		switch {
		case g.New():
			out = append(out, fmt.Sprintf("create group %s in %s", g.Name, c.VPC))
		case g.Empty():
			out = append(out, fmt.Sprintf("group %s (%s): no changes", g.Name, existing))
		default:
			out = append(out, fmt.Sprintf("update group %s (%s)", g.Name, existing))
		}
		for _, f := range g.Fixed {
			out = append(out, "  ! "+f)
		}
		for _, d := range []model.Direction{model.Ingress, model.Egress} {
			for _, r := range g.Temporary[d] {
				out = append(out, fmt.Sprintf("  = keeps %s %s %s (temporary: sgwiz sweep revokes it)", strings.ToLower(d.Title()), ruleText(d, r), until(r)))
			}
		}
		if g.Empty() {
			continue
		}
		for _, t := range g.SetTags {
			out = append(out, fmt.Sprintf("  + tag %s=%s", t.Key, t.Value))
		}
		for _, k := range g.UnsetTags {
			out = append(out, "  - tag "+k)
		}
		for _, d := range []model.Direction{model.Ingress, model.Egress} {
			for _, r := range g.Remove[d] {
				out = append(out, "  - "+strings.ToLower(d.Title())+" "+ruleText(d, r))
			}
			for _, r := range g.Add[d] {
				line := "  + " + strings.ToLower(d.Title()) + " " + ruleText(d, r)
				if !r.Tags.IsZero() {
					line += " [" + r.Tags.String() + "]"
				}
				if at, ok := model.ExpiryOf(r.Description); ok {
					line += " until " + model.FormatExpiry(at) + " (tagged; sgwiz sweep revokes it then)"
				}
				out = append(out, line)
			}
			for _, r := range g.Describe[d] {
				out = append(out, fmt.Sprintf("  ~ %s %s: description %q", strings.ToLower(d.Title()), ruleText(d, r), r.Description))
			}
			for _, rt := range g.Retag[d] {
				out = append(out, fmt.Sprintf("  ~ %s %s (%s): tags %s", strings.ToLower(d.Title()), ruleText(d, rt.Rule), rt.ID, rt.changeText()))
			}
		}
	}
	return out
}

// changeText says a rule's tag changes: "+team=web -sgwiz:expires".
func (rt RuleTags) changeText() string {
	var parts []string
	for _, t := range rt.Set {
		parts = append(parts, "+"+t.Key+"="+t.Value)
	}
	for _, k := range rt.Unset {
		what := "-" + k
		if k == model.ExpiresTag {
			what += " (permanent now: sgwiz sweep leaves it)"
		}
		parts = append(parts, what)
	}
	return strings.Join(parts, " ")
}

// Calls lists the API calls applying makes, in order of phase: one create
// per new group, then per group and direction a revoke, an authorize and a
// description update where needed. Apply reports progress with these names.
func (c Changes) Calls() []string {
	var calls []string
	for _, g := range c.Groups {
		if g.New() {
			calls = append(calls, createCall(g))
		}
	}
	for _, g := range c.Groups {
		for _, rc := range g.ruleTagCalls() {
			calls = append(calls, rc.name(g))
		}
	}
	for _, g := range c.Groups {
		if len(g.SetTags) > 0 {
			calls = append(calls, tagsCall(g, true))
		}
		if len(g.UnsetTags) > 0 {
			calls = append(calls, tagsCall(g, false))
		}
		for _, d := range []model.Direction{model.Ingress, model.Egress} {
			for _, st := range g.steps(d) {
				calls = append(calls, st.name(d, g))
			}
		}
	}
	return calls
}

// ruleTagCall is one CreateTags or DeleteTags call on rules of a group:
// every rule that gains the same tags (or loses the same keys) at once.
type ruleTagCall struct {
	set   bool
	tags  []model.Tag // set: the tags; else the keys (Value unused)
	rules []string    // sgr- ids
}

func (rc ruleTagCall) name(g GroupChange) string {
	verb := "DeleteTags"
	if rc.set {
		verb = "CreateTags"
	}
	return fmt.Sprintf("%s rules of %s (%s)", verb, g.Name, model.Counted(len(rc.rules), "rule"))
}

// ruleTagCalls are the calls that give the group's existing rules the
// plan's tags: one per distinct set of tags to add, one per distinct set
// of keys to remove. The number of calls does not grow with the rules.
func (g GroupChange) ruleTagCalls() []ruleTagCall {
	var calls []ruleTagCall
	index := map[string]int{}
	add := func(set bool, tags []model.Tag, id string) {
		k := fmt.Sprint(set, model.NewTags(tags...))
		i, ok := index[k]
		if !ok {
			i = len(calls)
			index[k] = i
			calls = append(calls, ruleTagCall{set: set, tags: tags})
		}
		calls[i].rules = append(calls[i].rules, id)
	}
	for _, d := range []model.Direction{model.Ingress, model.Egress} {
		for _, rt := range g.Retag[d] {
			if len(rt.Unset) > 0 {
				keys := make([]model.Tag, len(rt.Unset))
				for i, k := range rt.Unset {
					keys[i] = model.Tag{Key: k}
				}
				add(false, keys, rt.ID)
			}
			if len(rt.Set) > 0 {
				add(true, rt.Set, rt.ID)
			}
		}
	}
	return calls
}

func tagsCall(g GroupChange, set bool) string {
	if set {
		return fmt.Sprintf("CreateTags %s (%d tags)", g.Name, len(g.SetTags))
	}
	return fmt.Sprintf("DeleteTags %s (%d tags)", g.Name, len(g.UnsetTags))
}

func createCall(g GroupChange) string { return "CreateSecurityGroup " + g.Name }

// ruleCall is one of the three kinds of call on a group's rules.
type ruleCall uint8

const (
	revokeCall ruleCall = iota
	authorizeCall
	describeCall
)

// ruleStep is one call of the rules of a group in one direction.
type ruleStep struct {
	k     ruleCall
	rules []model.Rule
}

// steps are a group's rule calls in one direction, in order: the rules to
// add first, then those to remove, so that an update (SSH from a new
// address) never leaves a moment with neither; a rule removed and added
// again with the same key (a new group's own egress rule, to tag it) is
// added after its removal; descriptions last.
func (g GroupChange) steps(d model.Direction) []ruleStep {
	removed := map[model.RuleKey]bool{}
	for _, r := range g.Remove[d] {
		removed[r.Key()] = true
	}
	var fresh, again []model.Rule
	for _, r := range g.Add[d] {
		if removed[r.Key()] {
			again = append(again, r)
		} else {
			fresh = append(fresh, r)
		}
	}
	var out []ruleStep
	for _, st := range []ruleStep{{authorizeCall, fresh}, {revokeCall, g.Remove[d]}, {authorizeCall, again}, {describeCall, g.Describe[d]}} {
		if len(st.rules) > 0 {
			out = append(out, st)
		}
	}
	return out
}

func dirName(d model.Direction) string {
	if d == model.Egress {
		return "Egress"
	}
	return "Ingress"
}

// doing is the call's work in words, for errors.
func (k ruleCall) doing() string {
	return [...]string{"removing", "adding", "updating the descriptions of"}[k]
}

func (st ruleStep) name(d model.Direction, g GroupChange) string {
	verb := [...]string{"RevokeSecurityGroup", "AuthorizeSecurityGroup", "UpdateSecurityGroupRuleDescriptions"}[st.k]
	return fmt.Sprintf("%s%s %s (%s)", verb, dirName(d), g.Name, model.Counted(len(st.rules), "rule"))
}

// Plan compares the plan with the account: it finds the VPC (the plan's,
// else the default one), finds each group by id or by name in the VPC,
// reads the rules' ids and tags, and computes the rules and tags to add
// and remove. It changes nothing. Every sg-… a rule names must exist, and
// every rule it would send must be one AWS takes.
//
// A group found by name is the plan's when it carries the plan's owner
// tags (model.Plan.Owns: an earlier apply of this plan made it, even one
// cut off half-way); else applying adopts it, which is confirmed first
// (GroupChange.Adopts). A rule naming a group of the plan by its sg- id is
// the rule naming it by name.
// missingGroup says that a group the plan names by id is not there, and
// what to do: a default group is made with its VPC and cannot be created
// again, any other can be.
func missingGroup(id, name, region string) error {
	if strings.EqualFold(name, model.DefaultGroupName) {
		return fmt.Errorf("group %s (%s in the plan) does not exist in %s: a VPC's default group is never created by hand; check --region, or import the VPC's default group again (sgwiz import sg-…) for its id", id, name, region)
	}
	return fmt.Errorf("group %s (%s in the plan) does not exist in %s: it was deleted, or the region is another; remove its id from the plan to create it again", id, name, region)
}

func (c *Client) Plan(ctx context.Context, p model.Plan) (Changes, error) {
	if err := p.Validate(); err != nil {
		return Changes{}, err
	}
	vpc, ipv6, err := c.vpc(ctx, p.VPC())
	if err != nil {
		return Changes{}, err
	}
	existing, err := c.findGroups(ctx, p, vpc)
	if err != nil {
		return Changes{}, err
	}
	names := map[string]string{} // id → plan name
	var ids []string
	for name, sg := range existing {
		names[sdk.ToString(sg.GroupId)] = name
		ids = append(ids, sdk.ToString(sg.GroupId))
	}
	p = p.ResolveGroupIDs(names).MergeDuplicates()
	if err := c.checkReferences(ctx, p); err != nil {
		return Changes{}, err
	}
	extras, err := c.ruleExtras(ctx, ids, names)
	if err != nil {
		return Changes{}, err
	}
	ch := Changes{Plan: p, VPC: vpc, Region: c.Region}
	for i := range p.Groups {
		g := &p.Groups[i]
		gc := GroupChange{Name: g.Name, Description: g.Description, Tags: p.TagsOf(g)}
		var have [2][]model.Rule
		if sg, ok := existing[g.Name]; ok {
			gc.ID = sdk.ToString(sg.GroupId)
			held := tagsOf(sg.Tags)
			gc.Found = g.ID == "" && !p.Owns(g, held)
			gc.Owner = model.OwnerOf(held)
			if have[model.Ingress], err = rulesOf(sg.IpPermissions, names); err != nil {
				return Changes{}, err
			}
			if have[model.Egress], err = rulesOf(sg.IpPermissionsEgress, names); err != nil {
				return Changes{}, err
			}
			for d := range have {
				extras.fill(gc.ID, model.Direction(d), have[d])
			}
			gc.Rules = len(have[model.Ingress]) + len(have[model.Egress])
			gc.SetTags, gc.UnsetTags = held.Diff(model.NewTags(gc.Tags...))
			gc.SetTags = inOrder(gc.SetTags, gc.Tags)
			gc.Fixed = fixed(*g, sg)
		} else {
			have[model.Egress] = model.NewGroupEgress(ipv6)
		}
		for _, d := range []model.Direction{model.Ingress, model.Egress} {
			gc.Add[d], gc.Remove[d], gc.Describe[d], gc.Retag[d] = diff(g.Rules(d), have[d])
			// A rule whose id is not known yet (the egress rule AWS gives a
			// group it creates) gets its tags as it is made: revoked and
			// added again, tagged by the call, before any instance uses
			// the new group.
			gc.Retag[d] = slices.DeleteFunc(gc.Retag[d], func(rt RuleTags) bool {
				if !gc.New() {
					return false
				}
				gc.Remove[d] = append(gc.Remove[d], rt.Rule)
				gc.Add[d] = append(gc.Add[d], rt.Rule)
				gc.Describe[d] = slices.DeleteFunc(gc.Describe[d], func(r model.Rule) bool { return r.Key() == rt.Rule.Key() })
				return true
			})
			// Temporary rules the plan does not hold are sgwiz sweep's to
			// revoke: kept. Those the plan holds are the plan's (their tags
			// follow it: a rule made permanent loses its expiry tag).
			gc.Remove[d] = slices.DeleteFunc(gc.Remove[d], func(r model.Rule) bool {
				if temporary(r) {
					gc.Temporary[d] = append(gc.Temporary[d], r)
					return true
				}
				return false
			})
		}
		if err := checkSent(gc); err != nil {
			return Changes{}, err
		}
		ch.Groups = append(ch.Groups, gc)
	}
	return ch, nil
}

// temporary reports whether a rule AWS holds is temporary (sgwiz allow):
// it carries the expiry tag, which is what sweep reads (an expiry only in
// a description is a plan's to set: apply tags the rule to match).
func temporary(r model.Rule) bool {
	_, tagged := r.Tags.Get(model.ExpiresTag)
	return tagged
}

// until says when a temporary rule ends, as its tag says.
func until(r model.Rule) string {
	v, _ := r.Tags.Get(model.ExpiresTag)
	return "until " + v
}

// tagsOf reads EC2's tags into a set.
func tagsOf(tags []types.Tag) model.Tags {
	list := make([]model.Tag, len(tags))
	for i, t := range tags {
		list[i] = model.Tag{Key: sdk.ToString(t.Key), Value: sdk.ToString(t.Value)}
	}
	return model.NewTags(list...)
}

// inOrder puts tags in the order the plan gives them.
func inOrder(tags, order []model.Tag) []model.Tag {
	at := func(t model.Tag) int {
		return slices.IndexFunc(order, func(o model.Tag) bool { return o.Key == t.Key })
	}
	slices.SortStableFunc(tags, func(a, b model.Tag) int { return at(a) - at(b) })
	return tags
}

// ruleExtras is what DescribeSecurityGroupRules says of the rules of some
// groups that DescribeSecurityGroups does not: their ids and tags, by
// group, direction and rule.
type ruleExtras map[string]map[model.RuleRef]model.RuleExtra

// fill gives the rules of a group's direction their ids and tags.
func (x ruleExtras) fill(group string, d model.Direction, rules []model.Rule) {
	for i := range rules {
		if e, ok := x[group][model.RuleRef{Dir: d, Key: rules[i].Key()}]; ok {
			rules[i].ID, rules[i].Tags = e.ID, e.Tags
		}
	}
}

// ruleExtras reads the ids and tags of the rules of these groups, in
// pages of 1000, 200 groups a call (the filter's limit); names maps ids
// of the plan's groups to their names, as rulesOf does.
func (c *Client) ruleExtras(ctx context.Context, groups []string, names map[string]string) (ruleExtras, error) {
	out := ruleExtras{}
	for batch := range slices.Chunk(slices.Sorted(slices.Values(groups)), 200) {
		rules, err := c.securityGroupRules(ctx, []types.Filter{{Name: sdk.String("group-id"), Values: batch}}, names, nil)
		if err != nil {
			return nil, err
		}
		for _, t := range rules {
			if out[t.GroupID] == nil {
				out[t.GroupID] = map[model.RuleRef]model.RuleExtra{}
			}
			out[t.GroupID][model.RuleRef{Dir: t.Direction, Key: t.Rule.Key()}] = model.RuleExtra{ID: t.RuleID, Tags: t.Rule.Tags}
		}
	}
	return out, nil
}

// fixed says, in words, what differs between the plan's group and AWS's
// that EC2 cannot change in place.
func fixed(g model.Group, sg types.SecurityGroup) []string {
	var out []string
	how := fmt.Sprintf("to change it, create a group under a new name, move the instances to it, then delete %s", sdk.ToString(sg.GroupId))
	if d := sdk.ToString(sg.Description); d != g.Description {
		out = append(out, fmt.Sprintf("description stays %q (the plan says %q): AWS cannot change a group's description; %s", d, g.Description, how))
	}
	if n := sdk.ToString(sg.GroupName); n != g.Name {
		out = append(out, fmt.Sprintf("name stays %q (the plan says %q): AWS cannot rename a group; %s", n, g.Name, how))
	}
	return out
}

// checkSent checks what apply would send as a new rule or description:
// rules already in AWS are never sent, so an imported group keeps what AWS
// holds, but a rule it gains must be one AWS takes.
func checkSent(g GroupChange) error {
	var es model.Errors
	for _, d := range []model.Direction{model.Ingress, model.Egress} {
		for _, rules := range [][]model.Rule{g.Add[d], g.Describe[d]} {
			for _, r := range rules {
				if err := model.ValidateRuleDescription(r.Description); err != nil {
					es = append(es, &model.FieldError{Field: fmt.Sprintf("%s: %s rule %s", g.Name, strings.ToLower(d.Title()), ruleText(d, r)), Msg: err.Error()})
				}
			}
		}
	}
	if len(es) > 0 {
		return es
	}
	return nil
}

// checkReferences finds the existing groups (sg-…) and prefix lists (pl-…)
// the plan's rules name that are not in the region, and names them with
// the rule.
func (c *Client) checkReferences(ctx context.Context, p model.Plan) error {
	where := map[string]string{}
	var ids, lists []string
	for _, g := range p.Groups {
		for _, d := range []model.Direction{model.Ingress, model.Egress} {
			for _, r := range g.Rules(d) {
				k := r.Peer.Kind()
				if (k == model.PeerGroupID || k == model.PeerPrefixList) && where[r.Peer.Ref()] == "" {
					where[r.Peer.Ref()] = fmt.Sprintf("%s %s rule %s", g.Name, strings.ToLower(d.Title()), ruleText(d, r))
					if k == model.PeerGroupID {
						ids = append(ids, r.Peer.Ref())
					} else {
						lists = append(lists, r.Peer.Ref())
					}
				}
			}
		}
	}
	there := map[string]bool{}
	if len(ids) > 0 {
		found, err := c.describe(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{{Name: sdk.String("group-id"), Values: ids}}})
		if err != nil {
			return err
		}
		for _, sg := range found {
			there[sdk.ToString(sg.GroupId)] = true
		}
	}
	if len(lists) > 0 {
		out, err := c.ec2.DescribeManagedPrefixLists(ctx, &ec2.DescribeManagedPrefixListsInput{Filters: []types.Filter{{Name: sdk.String("prefix-list-id"), Values: lists}}})
		if err != nil {
			return explain(err, "")
		}
		for _, l := range out.PrefixLists {
			there[sdk.ToString(l.PrefixListId)] = true
		}
	}
	var missing []string
	for _, id := range append(ids, lists...) {
		if !there[id] {
			what := "security group"
			if strings.HasPrefix(id, "pl-") {
				what = "prefix list"
			}
			missing = append(missing, fmt.Sprintf("%s %s does not exist in %s (the %s names it): check the id, or the region", what, id, c.Region, where[id]))
		}
	}
	if len(missing) > 0 {
		return errors.New(strings.Join(missing, "\n"))
	}
	return nil
}

// diff returns the rules of want missing from have, the rules of have not
// in want, by rule identity (descriptions and tags do not count, as for
// EC2), the rules of want that exist with another description, and those
// that exist with other tags (AWS's own aws:… tags aside).
func diff(want, have []model.Rule) (add, remove, describe []model.Rule, retag []RuleTags) {
	held := make(map[model.RuleKey]model.Rule, len(have))
	for _, r := range have {
		held[r.Key()] = r
	}
	wantSet := make(map[model.RuleKey]bool, len(want))
	for _, r := range want {
		if wantSet[r.Key()] {
			continue // a duplicate in the plan is one rule
		}
		wantSet[r.Key()] = true
		h, ok := held[r.Key()]
		if !ok {
			add = append(add, r)
			continue
		}
		if h.Description != r.Description {
			describe = append(describe, r)
		}
		if set, unset := h.Tags.Diff(r.AWSTags()); len(set)+len(unset) > 0 {
			retag = append(retag, RuleTags{Rule: r, ID: h.ID, Set: set, Unset: unset})
		}
	}
	for _, r := range have {
		if !wantSet[r.Key()] {
			remove = append(remove, r)
		}
	}
	return add, remove, describe, retag
}

// vpc returns the VPC to use and whether it has IPv6.
func (c *Client) vpc(ctx context.Context, id string) (string, bool, error) {
	in := &ec2.DescribeVpcsInput{}
	if id != "" {
		in.VpcIds = []string{id}
	} else {
		in.Filters = []types.Filter{{Name: sdk.String("is-default"), Values: []string{"true"}}}
	}
	out, err := c.ec2.DescribeVpcs(ctx, in)
	if err != nil {
		return "", false, explain(err, id)
	}
	if len(out.Vpcs) == 0 {
		if id != "" {
			return "", false, fmt.Errorf("VPC %s does not exist in %s: check the plan's vpc_id and --region", id, c.Region)
		}
		return "", false, fmt.Errorf("%s has no default VPC: set vpc_id in the plan (or --vpc-id)", c.Region)
	}
	v := out.Vpcs[0]
	ipv6 := false
	for _, a := range v.Ipv6CidrBlockAssociationSet {
		ipv6 = ipv6 || a.Ipv6CidrBlockState == nil || a.Ipv6CidrBlockState.State == types.VpcCidrBlockStateCodeAssociated
	}
	return sdk.ToString(v.VpcId), ipv6, nil
}

// findGroups returns the plan's groups that exist: by id when the plan
// gives one, else by name in the VPC.
func (c *Client) findGroups(ctx context.Context, p model.Plan, vpc string) (map[string]types.SecurityGroup, error) {
	found := map[string]types.SecurityGroup{}
	var ids, names []string
	byID := map[string]string{}
	for _, g := range p.Groups {
		if g.ID != "" {
			ids = append(ids, g.ID)
			byID[g.ID] = g.Name
		} else {
			names = append(names, g.Name)
		}
	}
	if len(ids) > 0 {
		// A filter, not GroupIds: an id that is gone is then named below,
		// instead of failing the whole call.
		groups, err := c.describe(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{{Name: sdk.String("group-id"), Values: ids}}})
		if err != nil {
			return nil, err
		}
		for _, sg := range groups {
			if sdk.ToString(sg.VpcId) != vpc {
				return nil, fmt.Errorf("group %s is in %s, not in the plan's VPC %s", sdk.ToString(sg.GroupId), sdk.ToString(sg.VpcId), vpc)
			}
			found[byID[sdk.ToString(sg.GroupId)]] = sg
		}
		for _, id := range ids {
			if _, ok := found[byID[id]]; !ok {
				return nil, missingGroup(id, byID[id], c.Region)
			}
		}
	}
	if len(names) > 0 {
		groups, err := c.describe(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{
			{Name: sdk.String("vpc-id"), Values: []string{vpc}},
			{Name: sdk.String("group-name"), Values: names},
		}})
		if err != nil {
			return nil, err
		}
		for _, sg := range groups {
			for _, n := range names {
				// Names are unique in a VPC ignoring case.
				if strings.EqualFold(n, sdk.ToString(sg.GroupName)) {
					found[n] = sg
				}
			}
		}
	}
	return found, nil
}

// describe pages through DescribeSecurityGroups.
func (c *Client) describe(ctx context.Context, in *ec2.DescribeSecurityGroupsInput) ([]types.SecurityGroup, error) {
	var groups []types.SecurityGroup
	if len(in.GroupIds) == 0 {
		in.MaxResults = sdk.Int32(1000)
	}
	p := ec2.NewDescribeSecurityGroupsPaginator(c.ec2, in)
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, explain(err, strings.Join(in.GroupIds, ", "))
		}
		groups = append(groups, out.SecurityGroups...)
	}
	sort.SliceStable(groups, func(i, j int) bool { return sdk.ToString(groups[i].GroupName) < sdk.ToString(groups[j].GroupName) })
	return groups, nil
}
