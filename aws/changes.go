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
	ID   string
	Tags []model.Tag
	// Add and Remove hold rules by direction (model.Ingress, model.Egress);
	// Describe holds rules that exist with another description.
	Add, Remove, Describe [2][]model.Rule
	// Temporary are rules the group holds until their expiry (sgwiz
	// allow): not the plan's, kept, and left to sgwiz sweep.
	Temporary [2][]model.Rule
	// Found says that the group exists and was found by its name, not by
	// an id in the plan: the plan did not create it, and Rules is how many
	// rules it holds now.
	Found bool
	Rules int
	// SetTags are tags to add or give a new value; UnsetTags are keys to
	// remove (tags starting with aws: are AWS's and never touched).
	SetTags   []model.Tag
	UnsetTags []string
	// Fixed says what differs and cannot be changed in place (the
	// description, the name's case), in words.
	Fixed []string
}

// New reports whether the group is to be created.
func (g GroupChange) New() bool { return g.ID == "" }

// Empty reports whether the group needs no call.
func (g GroupChange) Empty() bool {
	return !g.New() && len(g.Add[0])+len(g.Add[1])+len(g.Remove[0])+len(g.Remove[1])+len(g.Describe[0])+len(g.Describe[1])+len(g.SetTags)+len(g.UnsetTags) == 0
}

// Replaces reports whether applying removes rules from a group that the
// plan found by name and did not create: such a change needs to be
// confirmed by name (or --replace-rules), never adopted silently.
func (g GroupChange) Replaces() bool { return g.Found && len(g.Remove[0])+len(g.Remove[1]) > 0 }

// Confirmation is what a person must type to apply the changes, and why:
// the name of a group the plan found by name and did not create when its
// rules would be removed, else the first group's name when the plan has a
// high finding; "" when y will do.
func (c Changes) Confirmation() (name, why string) {
	if r := c.Replaces(); len(r) > 0 {
		g := r[0]
		return g.Name, fmt.Sprintf("%s (%s) was not made by this plan and would lose %d rule(s)", g.Name, g.ID, len(g.Remove[0])+len(g.Remove[1]))
	}
	if s, ok := model.HighestSeverity(c.Plan.Check()); ok && s >= model.High && len(c.Plan.Groups) > 0 {
		return c.Plan.Groups[0].Name, "The plan has high findings (sgwiz lint shows them)"
	}
	return "", ""
}

// Replaces lists the groups whose rules apply would replace (see
// GroupChange.Replaces).
func (c Changes) Replaces() []GroupChange {
	var out []GroupChange
	for _, g := range c.Groups {
		if g.Replaces() {
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
			existing = fmt.Sprintf("existing %s, %d rules, found by name: this plan did not create it", g.ID, g.Rules)
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
				at, _ := model.ExpiryOf(r.Description)
				out = append(out, fmt.Sprintf("  = keeps %s %s until %s (temporary: sgwiz sweep revokes it)", strings.ToLower(d.Title()), ruleText(d, r), model.FormatExpiry(at)))
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
				if at, ok := model.ExpiryOf(r.Description); ok {
					line += " until " + model.FormatExpiry(at) + " (tagged; sgwiz sweep revokes it then)"
				}
				out = append(out, line)
			}
			for _, r := range g.Describe[d] {
				out = append(out, fmt.Sprintf("  ~ %s %s: description %q", strings.ToLower(d.Title()), ruleText(d, r), r.Description))
			}
		}
	}
	return out
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
		if len(g.SetTags) > 0 {
			calls = append(calls, tagsCall(g, true))
		}
		if len(g.UnsetTags) > 0 {
			calls = append(calls, tagsCall(g, false))
		}
		for _, d := range []model.Direction{model.Ingress, model.Egress} {
			for _, k := range []ruleCall{revokeCall, authorizeCall, describeCall} {
				if n := len(g.rules(k)[d]); n > 0 {
					calls = append(calls, k.name(d, g))
				}
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

func (g GroupChange) rules(k ruleCall) [2][]model.Rule {
	switch k {
	case revokeCall:
		return g.Remove
	case authorizeCall:
		return g.Add
	}
	return g.Describe
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

func (k ruleCall) name(d model.Direction, g GroupChange) string {
	verb := [...]string{"RevokeSecurityGroup", "AuthorizeSecurityGroup", "UpdateSecurityGroupRuleDescriptions"}[k]
	return fmt.Sprintf("%s%s %s (%d rules)", verb, dirName(d), g.Name, len(g.rules(k)[d]))
}

// Plan compares the plan with the account: it finds the VPC (the plan's,
// else the default one), finds each group by id or by name in the VPC, and
// computes the rules and tags to add and remove. It changes nothing. Every
// sg-… a rule names must exist, and every rule it would send must be one
// AWS takes.
func (c *Client) Plan(ctx context.Context, p model.Plan) (Changes, error) {
	if err := p.Validate(); err != nil {
		return Changes{}, err
	}
	p = p.MergeDuplicates()
	vpc, ipv6, err := c.vpc(ctx, p.VPC())
	if err != nil {
		return Changes{}, err
	}
	existing, err := c.findGroups(ctx, p, vpc)
	if err != nil {
		return Changes{}, err
	}
	if err := c.checkReferences(ctx, p); err != nil {
		return Changes{}, err
	}
	names := map[string]string{} // id → plan name
	for name, sg := range existing {
		names[sdk.ToString(sg.GroupId)] = name
	}
	ch := Changes{Plan: p, VPC: vpc, Region: c.Region}
	for _, g := range p.Groups {
		gc := GroupChange{Name: g.Name, Description: g.Description, Tags: g.Tags}
		var have [2][]model.Rule
		if sg, ok := existing[g.Name]; ok {
			gc.ID = sdk.ToString(sg.GroupId)
			gc.Found = g.ID == ""
			if have[model.Ingress], err = rulesOf(sg.IpPermissions, names); err != nil {
				return Changes{}, err
			}
			if have[model.Egress], err = rulesOf(sg.IpPermissionsEgress, names); err != nil {
				return Changes{}, err
			}
			gc.Rules = len(have[model.Ingress]) + len(have[model.Egress])
			gc.SetTags, gc.UnsetTags = diffTags(g.Tags, sg.Tags)
			gc.Fixed = fixed(g, sg)
		} else {
			have[model.Egress] = model.NewGroupEgress(ipv6)
		}
		for _, d := range []model.Direction{model.Ingress, model.Egress} {
			// A rule AWS holds with another description (a new group's
			// default egress has none) is described in place: never
			// revoked and added again, which would leave a gap.
			gc.Add[d], gc.Remove[d], gc.Describe[d] = diff(g.Rules(d), have[d])
			gc.Remove[d] = slices.DeleteFunc(gc.Remove[d], func(r model.Rule) bool {
				if _, ok := model.ExpiryOf(r.Description); ok {
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

// diffTags returns the plan's tags that AWS lacks or holds with another
// value, and the keys AWS holds that the plan does not (but aws:… ones).
func diffTags(want []model.Tag, have []types.Tag) (set []model.Tag, unset []string) {
	held := map[string]string{}
	for _, t := range have {
		held[sdk.ToString(t.Key)] = sdk.ToString(t.Value)
	}
	wanted := map[string]bool{}
	for _, t := range want {
		wanted[t.Key] = true
		if v, ok := held[t.Key]; !ok || v != t.Value {
			set = append(set, t)
		}
	}
	for _, t := range have {
		k := sdk.ToString(t.Key)
		if !wanted[k] && !strings.HasPrefix(strings.ToLower(k), "aws:") {
			unset = append(unset, k)
		}
	}
	return set, unset
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
// in want, by rule identity (descriptions do not count, as for EC2), and
// the rules of want that exist with another description.
func diff(want, have []model.Rule) (add, remove, describe []model.Rule) {
	haveDesc := make(map[model.RuleKey]string, len(have))
	for _, r := range have {
		haveDesc[r.Key()] = r.Description
	}
	wantSet := make(map[model.RuleKey]bool, len(want))
	for _, r := range want {
		if wantSet[r.Key()] {
			continue // a duplicate in the plan is one rule
		}
		wantSet[r.Key()] = true
		switch d, ok := haveDesc[r.Key()]; {
		case !ok:
			add = append(add, r)
		case d != r.Description:
			describe = append(describe, r)
		}
	}
	for _, r := range have {
		if !wantSet[r.Key()] {
			remove = append(remove, r)
		}
	}
	return add, remove, describe
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
				return nil, fmt.Errorf("group %s (%s in the plan) does not exist in %s: it was deleted, or the region is another; remove its id from the plan to create it again", id, byID[id], c.Region)
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
