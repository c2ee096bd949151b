package aws

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/sgwiz/sgwiz/model"
	"golang.org/x/sync/errgroup"
)

// Result is what an apply did.
type Result struct {
	// Groups are the plan's groups with their ids, in plan order.
	Groups []AppliedGroup
	// Calls counts the mutating API calls made.
	Calls int
}

// AppliedGroup is one group after apply.
type AppliedGroup struct {
	Name, ID string
	Created  bool
	Changed  bool
	Console  string // link to the group in the EC2 console
}

// Verb says what apply did to the group: created, updated or unchanged.
func (g AppliedGroup) Verb() string {
	switch {
	case g.Created:
		return "created"
	case g.Changed:
		return "updated"
	}
	return "unchanged"
}

// Progress hears about each call of an apply as it starts (done false)
// and ends (done true, err its outcome); call is a name from Changes.Calls.
// It may be called from several goroutines at once.
type Progress func(call string, done bool, err error)

// Apply makes the changes: new groups first (concurrently, tags in the
// same call), then per group and direction one revoke and one authorize
// (concurrently across groups). If a call fails, or ctx is cancelled, the
// groups this run created are removed again; a *RollbackError says what
// is left when that fails too.
func (c *Client) Apply(ctx context.Context, ch Changes) (Result, error) {
	return c.ApplyProgress(ctx, ch, nil)
}

// ApplyProgress is Apply, telling progress about each call.
func (c *Client) ApplyProgress(ctx context.Context, ch Changes, progress Progress) (Result, error) {
	if progress == nil {
		progress = func(string, bool, error) {}
	}
	run := &applyRun{c: c, ch: ch, progress: progress, ids: map[string]string{}}
	for _, g := range ch.Groups {
		run.ids[g.Name] = g.ID
	}
	err := run.createGroups(ctx)
	if err == nil {
		err = run.tagRules(ctx)
	}
	if err == nil {
		err = run.applyRules(ctx)
	}
	res := run.result()
	if err == nil {
		return res, nil
	}
	return res, run.removeCreated(ctx, err)
}

// applyRun is the state of one apply: what it applies, whom it tells, the
// ids of the plan's groups (by name) and how many calls it made.
type applyRun struct {
	c        *Client
	ch       Changes
	progress Progress

	mu    sync.Mutex // guards ids while groups are created, and calls
	ids   map[string]string
	calls int
}

// count counts one mutating call.
func (r *applyRun) count() { r.mu.Lock(); r.calls++; r.mu.Unlock() }

// createGroups creates the plan's new groups, concurrently, and notes
// their ids.
func (r *applyRun) createGroups(ctx context.Context) error {
	eg, ectx := errgroup.WithContext(ctx)
	for _, g := range r.ch.Groups {
		if !g.New() {
			continue
		}
		eg.Go(func() error { return r.createGroup(ectx, g) })
	}
	return eg.Wait()
}

// createGroup creates one new group (CreateSecurityGroup) and notes its id.
func (r *applyRun) createGroup(ctx context.Context, g GroupChange) error {
	r.count()
	r.progress(createCall(g), false, nil)
	out, err := r.c.ec2.CreateSecurityGroup(ctx, createInput(g, r.ch.VPC))
	id := ""
	if err == nil {
		id = sdk.ToString(out.GroupId)
	}
	if isCode(err, "InvalidGroup.Duplicate") {
		// The group did not exist when planned: a retried call whose
		// first try reached EC2 made it, with this plan's owner tags.
		// A group someone else made meanwhile is not taken.
		if sg, ok, ferr := r.c.findByName(ctx, r.ch.VPC, g.Name); ferr == nil && ok && r.ch.owns(g.Name, sg) {
			id, err = sdk.ToString(sg.GroupId), nil
		}
	}
	r.progress(createCall(g), true, explain(err, ""))
	if err != nil {
		return explain(err, "creating "+g.Name)
	}
	r.mu.Lock()
	r.ids[g.Name] = id
	r.mu.Unlock()
	return nil
}

// tagRules sets and removes the tags of existing rules, concurrently,
// before their descriptions change: a rule made permanent loses its
// expiry tag (what sweep reads) first.
func (r *applyRun) tagRules(ctx context.Context) error {
	eg, ectx := errgroup.WithContext(ctx)
	for _, g := range r.ch.Groups {
		for _, rc := range g.ruleTagCalls() {
			eg.Go(func() error {
				r.count()
				r.progress(rc.name(g), false, nil)
				err := r.c.ruleTags(ectx, rc, false)
				r.progress(rc.name(g), true, explain(err, ""))
				if err != nil {
					return explain(err, "tagging the rules of "+g.Name)
				}
				return nil
			})
		}
	}
	return eg.Wait()
}

// applyRules changes the groups' tags and rules, once every group of the
// plan has an id: per group its tags, and per direction its rule calls,
// concurrently across groups and directions.
func (r *applyRun) applyRules(ctx context.Context) error {
	eg, ectx := errgroup.WithContext(ctx)
	for _, g := range r.ch.Groups {
		id := r.ids[g.Name]
		if len(g.SetTags)+len(g.UnsetTags) > 0 {
			eg.Go(func() error { return r.tagGroup(ectx, g, id) })
		}
		for _, d := range []model.Direction{model.Ingress, model.Egress} {
			if len(g.Add[d]) == 0 && len(g.Remove[d]) == 0 && len(g.Describe[d]) == 0 {
				continue
			}
			eg.Go(func() error { return r.applyDirection(ectx, g, d, id) })
		}
	}
	return eg.Wait()
}

// tagGroup sets, then removes, the tags of group id that differ from the
// plan's.
func (r *applyRun) tagGroup(ctx context.Context, g GroupChange, id string) error {
	for _, set := range []bool{true, false} {
		if set && len(g.SetTags) == 0 || !set && len(g.UnsetTags) == 0 {
			continue
		}
		r.count()
		r.progress(tagsCall(g, set), false, nil)
		err := r.c.tags(ctx, id, g, set, false)
		r.progress(tagsCall(g, set), true, explain(err, ""))
		if err != nil {
			return explain(err, "tagging "+g.Name)
		}
	}
	return nil
}

// applyDirection makes the rule calls of group id in direction d, one
// after another in the order of g.steps.
func (r *applyRun) applyDirection(ctx context.Context, g GroupChange, d model.Direction, id string) error {
	steps := g.steps(d)
	for i := 0; i < len(steps); i++ {
		st := steps[i]
		r.progress(st.name(d, g), false, nil)
		err := r.c.ruleCall(ctx, st.k, d, id, st.rules, r.ids, r.count)
		r.progress(st.name(d, g), true, explain(err, ""))
		if err != nil && i == 0 && st.k == authorizeCall && len(steps) > 1 && steps[1].k == revokeCall && isCode(err, "RulesPerSecurityGroupLimitExceeded") {
			// At the quota there is no room to add first:
			// remove, then add.
			steps[0], steps[1] = steps[1], steps[0]
			i--
			continue
		}
		if err != nil {
			return explain(err, fmt.Sprintf("%s %s rules of %s", st.k.doing(), strings.ToLower(d.Title()), g.Name))
		}
	}
	return nil
}

// result is what the apply did to each of the plan's groups.
func (r *applyRun) result() Result {
	res := Result{Calls: r.calls}
	for _, g := range r.ch.Groups {
		res.Groups = append(res.Groups, AppliedGroup{Name: g.Name, ID: r.ids[g.Name], Created: g.New(), Changed: !g.Empty(),
			Console: fmt.Sprintf("https://console.aws.amazon.com/ec2/home?region=%s#SecurityGroup:groupId=%s", r.c.Region, r.ids[g.Name])})
	}
	return res
}

// removeCreated rolls back an apply that failed with err: it removes the
// groups this run created and returns err saying what became of them (a
// *RollbackError when some are left).
func (r *applyRun) removeCreated(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		err = cancelled{ctx.Err()}
	}
	if !slices.ContainsFunc(r.ch.Groups, GroupChange.New) {
		return err
	}
	// Roll back with a context of its own: ctx may be what was cancelled.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	// A create whose answer was lost (timeout, cancel) still made its
	// group: find this run's groups by name, not only by the ids it saw.
	// A call cancelled on the way may still reach EC2 a moment later, so
	// look again after a pause until a look finds nothing.
	// The same holds for rules: a late authorize can name a group again
	// after its references were revoked, so a failed pass is retried.
	var removed []string
	var last *rollbackFailure
	for pass := range 5 {
		if pass > 0 {
			time.Sleep(rollbackSettle * time.Duration(pass))
		}
		found, ferr := r.c.createdBy(rctx, r.ch)
		if ferr != nil {
			return &RollbackError{Cause: err, Left: seen(r.ch, r.ids), Err: ferr}
		}
		if len(found) == 0 && pass > 0 {
			last = nil
			break
		}
		last = r.c.rollback(rctx, r.ch, r.ids, found)
		for _, g := range found {
			if last == nil || !leftHas(last.left, g.ID) {
				removed = append(removed, g.Name+" ("+g.ID+")")
			}
		}
	}
	if last != nil {
		return &RollbackError{Cause: err, Left: last.left, Err: last.err}
	}
	if len(removed) == 0 {
		return err
	}
	return fmt.Errorf("%w; removed what this run created: %s", err, strings.Join(removed, ", "))
}

// cancelled says that apply was cancelled (Ctrl+C) before it finished.
type cancelled struct{ cause error }

func (c cancelled) Error() string { return "cancelled before it finished" }
func (c cancelled) Unwrap() error { return c.cause }

// rollbackSettle is how long a rollback waits before looking again for
// groups whose creation was still on its way.
const rollbackSettle = 300 * time.Millisecond

func leftHas(left []AppliedGroup, id string) bool {
	for _, g := range left {
		if g.ID == id {
			return true
		}
	}
	return false
}

// seen lists the new groups whose ids this run saw, for a report when it
// cannot look for the rest.
func seen(ch Changes, ids map[string]string) []AppliedGroup {
	var out []AppliedGroup
	for _, g := range ch.Groups {
		if g.New() && ids[g.Name] != "" {
			out = append(out, AppliedGroup{Name: g.Name, ID: ids[g.Name], Created: true})
		}
	}
	return out
}

// holds reports whether the group has every one of the rules now.
func (c *Client) holds(ctx context.Context, id string, d model.Direction, rules []model.Rule, ids map[string]string) bool {
	missing, ok := c.missing(ctx, id, d, rules, ids)
	return ok && len(missing) == 0
}

// holdsNone reports whether the group holds none of the rules: a revoke
// answered "not found" got what it wanted (a retried call whose first try
// got through, or another run's).
func (c *Client) holdsNone(ctx context.Context, id string, d model.Direction, rules []model.Rule, ids map[string]string) bool {
	missing, ok := c.missing(ctx, id, d, rules, ids)
	return ok && len(missing) == len(rules)
}

// missing are the rules the group does not hold; ok is false when the
// group could not be read.
func (c *Client) missing(ctx context.Context, id string, d model.Direction, rules []model.Rule, ids map[string]string) (missing []model.Rule, ok bool) {
	groups, err := c.describe(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{id}})
	if err != nil || len(groups) != 1 {
		return nil, false
	}
	names := map[string]string{}
	for name, gid := range ids {
		names[gid] = name
	}
	perms := groups[0].IpPermissions
	if d == model.Egress {
		perms = groups[0].IpPermissionsEgress
	}
	have, err := rulesOf(perms, names)
	if err != nil {
		return nil, false
	}
	missing, _, _, _ = diff(rules, have)
	return missing, true
}

// owns reports whether sg, a group of the name, carries the owner tags
// this plan gives its group: an earlier try of this run, or an earlier
// run of this plan, made it.
func (ch Changes) owns(name string, sg types.SecurityGroup) bool {
	g := ch.Plan.Group(name)
	return g != nil && ch.Plan.Owns(g, tagsOf(sg.Tags))
}

// findByName finds a group by name in the VPC.
func (c *Client) findByName(ctx context.Context, vpc, name string) (types.SecurityGroup, bool, error) {
	groups, err := c.describe(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{
		{Name: sdk.String("vpc-id"), Values: []string{vpc}},
		{Name: sdk.String("group-name"), Values: []string{name}},
	}})
	if err != nil || len(groups) == 0 {
		return types.SecurityGroup{}, false, err
	}
	return groups[0], true, nil
}

// createdBy returns the groups this run created: every group of the
// plan that was new when planned and exists now, by name in the VPC,
// with this plan's owner tags (a group of the name that someone else made
// meanwhile is not this run's to remove).
func (c *Client) createdBy(ctx context.Context, ch Changes) ([]GroupChange, error) {
	var names []string
	byName := map[string]GroupChange{}
	for _, g := range ch.Groups {
		if g.New() {
			names = append(names, g.Name)
			byName[g.Name] = g
		}
	}
	groups, err := c.describe(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{
		{Name: sdk.String("vpc-id"), Values: []string{ch.VPC}},
		{Name: sdk.String("group-name"), Values: names},
	}})
	if err != nil {
		return nil, err
	}
	var out []GroupChange
	for _, sg := range groups {
		g, ok := byName[sdk.ToString(sg.GroupName)]
		if !ok || !ch.owns(g.Name, sg) {
			continue
		}
		g.ID = sdk.ToString(sg.GroupId)
		out = append(out, g)
	}
	return out, nil
}

// ruleCall makes one call on a group's rules. An authorize refused as a
// duplicate succeeded if the group now holds every rule, a revoke refused
// as not found if it holds none: a retried call whose first try got
// through.
//
// Temporary rules (model.Temporary) are authorized apart, a call per
// expiry, with the tag sweep reads set by the call itself (rule tags
// through TagSpecifications): a temporary rule never exists untagged.
// count is called once per call made.
func (c *Client) ruleCall(ctx context.Context, k ruleCall, d model.Direction, id string, rules []model.Rule, ids map[string]string, count func()) error {
	if k != authorizeCall {
		count()
		err := c.send(ctx, k, d, id, permissions(rules, ids), false)
		if k == revokeCall && isCode(err, "InvalidPermission.NotFound") && c.holdsNone(ctx, id, d, rules, ids) {
			return nil // gone is the goal
		}
		return err
	}
	for _, part := range model.ByTags(rules) {
		count()
		_, err := c.authorize(ctx, d, id, permissions(part.Rules, ids), ruleTagSpecs(part.Tags), false)
		if isCode(err, "InvalidPermission.Duplicate") && c.holds(ctx, id, d, part.Rules, ids) {
			continue
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// ruleTagSpecs are the tags an authorize call gives the rules it makes
// (none for untagged rules).
func ruleTagSpecs(tags model.Tags) []types.TagSpecification {
	if tags.IsZero() {
		return nil
	}
	return []types.TagSpecification{{ResourceType: types.ResourceTypeSecurityGroupRule, Tags: sdkTags(tags.List())}}
}

// sdkTags are tags in the SDK's type.
func sdkTags(tags []model.Tag) []types.Tag {
	out := make([]types.Tag, len(tags))
	for i, t := range tags {
		out[i] = types.Tag{Key: sdk.String(t.Key), Value: sdk.String(t.Value)}
	}
	return out
}

// ruleTags makes one CreateTags or DeleteTags call on rules; dry sets
// EC2's DryRun flag.
func (c *Client) ruleTags(ctx context.Context, rc ruleTagCall, dry bool) error {
	if rc.set {
		_, err := c.ec2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: rc.rules, Tags: sdkTags(rc.tags), DryRun: sdk.Bool(dry)})
		return err
	}
	keys := make([]types.Tag, len(rc.tags))
	for i, t := range rc.tags {
		keys[i] = types.Tag{Key: sdk.String(t.Key)}
	}
	_, err := c.ec2.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: rc.rules, Tags: keys, DryRun: sdk.Bool(dry)})
	return err
}

// authorize adds permissions to a group in direction d, the new rules
// tagged with tags, and returns the rules EC2 made.
func (c *Client) authorize(ctx context.Context, d model.Direction, id string, perms []types.IpPermission, tags []types.TagSpecification, dry bool) ([]types.SecurityGroupRule, error) {
	gid, dr := sdk.String(id), sdk.Bool(dry)
	if d == model.Ingress {
		out, err := c.ec2.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: gid, IpPermissions: perms, TagSpecifications: tags, DryRun: dr})
		if err != nil {
			return nil, err
		}
		return out.SecurityGroupRules, nil
	}
	out, err := c.ec2.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{GroupId: gid, IpPermissions: perms, TagSpecifications: tags, DryRun: dr})
	if err != nil {
		return nil, err
	}
	return out.SecurityGroupRules, nil
}

// send makes the EC2 call of kind k for direction d; dry sets DryRun.
func (c *Client) send(ctx context.Context, k ruleCall, d model.Direction, id string, perms []types.IpPermission, dry bool) error {
	gid, dr := sdk.String(id), sdk.Bool(dry)
	var err error
	switch {
	case k == authorizeCall:
		_, err = c.authorize(ctx, d, id, perms, nil, dry)
	case k == revokeCall && d == model.Ingress:
		_, err = c.ec2.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: gid, IpPermissions: perms, DryRun: dr})
	case k == revokeCall:
		_, err = c.ec2.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: gid, IpPermissions: perms, DryRun: dr})
	case d == model.Ingress:
		_, err = c.ec2.UpdateSecurityGroupRuleDescriptionsIngress(ctx, &ec2.UpdateSecurityGroupRuleDescriptionsIngressInput{GroupId: gid, IpPermissions: perms, DryRun: dr})
	default:
		_, err = c.ec2.UpdateSecurityGroupRuleDescriptionsEgress(ctx, &ec2.UpdateSecurityGroupRuleDescriptionsEgressInput{GroupId: gid, IpPermissions: perms, DryRun: dr})
	}
	return err
}

// tags sets (CreateTags) or removes (DeleteTags) the group's tags that
// differ from the plan's; dry sets EC2's DryRun flag.
func (c *Client) tags(ctx context.Context, id string, g GroupChange, set, dry bool) error {
	if set {
		_, err := c.ec2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{id}, Tags: sdkTags(g.SetTags), DryRun: sdk.Bool(dry)})
		return err
	}
	in := &ec2.DeleteTagsInput{Resources: []string{id}, DryRun: sdk.Bool(dry)}
	for _, k := range g.UnsetTags {
		in.Tags = append(in.Tags, types.Tag{Key: sdk.String(k)})
	}
	_, err := c.ec2.DeleteTags(ctx, in)
	return err
}

// createInput is the CreateSecurityGroup call for a new group, its tags
// (the owner tags among them) in the same call: a group sgwiz makes never
// exists without them.
func createInput(g GroupChange, vpc string) *ec2.CreateSecurityGroupInput {
	in := &ec2.CreateSecurityGroupInput{GroupName: sdk.String(g.Name), Description: sdk.String(g.Description), VpcId: sdk.String(vpc)}
	if len(g.Tags) > 0 {
		in.TagSpecifications = []types.TagSpecification{{ResourceType: types.ResourceTypeSecurityGroup, Tags: sdkTags(g.Tags)}}
	}
	return in
}

// RollbackError says that apply failed and its clean-up did too: Left
// lists what this run created that still exists, with how to remove it.
type RollbackError struct {
	Cause error
	Left  []AppliedGroup
	Err   error
}

func (e *RollbackError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v\nremoving what this run created failed too: %v\nstill there:", e.Cause, e.Err)
	for _, g := range e.Left {
		fmt.Fprintf(&b, "\n  %s %s", g.ID, g.Name)
	}
	b.WriteString("\nto finish instead, run the same sgwiz apply again (it applies the difference); to remove them:")
	for _, g := range e.Left {
		fmt.Fprintf(&b, "\n  aws ec2 delete-security-group --group-id %s", g.ID)
	}
	b.WriteString("\n(if a delete says DependencyViolation, first revoke the rules of other groups that name it)")
	return b.String()
}

func (e *RollbackError) Unwrap() error { return e.Cause }

type rollbackFailure struct {
	left []AppliedGroup
	err  error
}

// rollback removes the groups this run created: first every rule that
// names one of them (in the created groups and in the plan's existing
// groups, which AWS would otherwise refuse with DependencyViolation), then
// the groups.
func (c *Client) rollback(ctx context.Context, ch Changes, ids map[string]string, created []GroupChange) *rollbackFailure {
	createdID := map[string]bool{}
	for _, g := range created {
		createdID[g.ID] = true
		ids[g.Name] = g.ID
	}
	var errs []error
	// Every group of the plan that exists may hold a rule naming a new one.
	var all []string
	for _, g := range ch.Groups {
		if id := ids[g.Name]; id != "" {
			all = append(all, id)
		}
	}
	groups, err := c.describe(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: all})
	if err != nil {
		errs = append(errs, err)
	}
	for _, sg := range groups {
		for _, d := range []model.Direction{model.Ingress, model.Egress} {
			perms := sg.IpPermissions
			if d == model.Egress {
				perms = sg.IpPermissionsEgress
			}
			if refs := referencing(perms, createdID); len(refs) > 0 {
				err := c.send(ctx, revokeCall, d, sdk.ToString(sg.GroupId), refs, false)
				if isCode(err, "InvalidPermission.NotFound") && len(refs) > 1 {
					// One of them is gone already (gone is the goal), and
					// EC2 refused the whole call for it: one at a time.
					err = nil
					for _, ref := range refs {
						if e := c.send(ctx, revokeCall, d, sdk.ToString(sg.GroupId), []types.IpPermission{ref}, false); e != nil && !isCode(e, "InvalidPermission.NotFound") {
							err = e
						}
					}
				}
				if err != nil && !isCode(err, "InvalidPermission.NotFound") {
					errs = append(errs, explain(err, "rollback: revoking rules of "+sdk.ToString(sg.GroupName)))
				}
			}
		}
	}
	var left []AppliedGroup
	for _, g := range created {
		_, err := c.ec2.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: sdk.String(g.ID)})
		if err != nil && !isCode(err, "InvalidGroup.NotFound") {
			errs = append(errs, explain(err, "rollback: deleting "+g.Name))
			left = append(left, AppliedGroup{Name: g.Name, ID: g.ID, Created: true})
		}
	}
	if len(errs) == 0 {
		return nil
	}
	if len(left) == 0 {
		// The groups are gone; a failed revoke left nothing behind.
		return nil
	}
	return &rollbackFailure{left: left, err: errors.Join(errs...)}
}

// referencing returns the parts of perms that name one of the groups.
func referencing(perms []types.IpPermission, ids map[string]bool) []types.IpPermission {
	var out []types.IpPermission
	for _, p := range perms {
		var pairs []types.UserIdGroupPair
		for _, pair := range p.UserIdGroupPairs {
			if ids[sdk.ToString(pair.GroupId)] {
				pairs = append(pairs, types.UserIdGroupPair{GroupId: pair.GroupId})
			}
		}
		if len(pairs) > 0 {
			out = append(out, types.IpPermission{IpProtocol: p.IpProtocol, FromPort: p.FromPort, ToPort: p.ToPort, UserIdGroupPairs: pairs})
		}
	}
	return out
}
