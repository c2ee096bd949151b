package aws

import (
	"context"
	"fmt"
	"slices"
	"time"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/sgwiz/sgwiz/model"
)

// Temporary access: rules that carry their expiry in a rule tag
// (model.ExpiresTag), added by Allow, revoked by Sweep once expired.

// Allowed is what Allow did, or (from PlanAllow) would do.
type Allowed struct {
	// RuleID is the rule that allows the access (new, extended or kept);
	// empty for a rule still to add.
	RuleID string
	// Verb is "added", "extended" (an earlier temporary rule now lasts
	// longer), "kept" (one already lasts as long or longer) or
	// "permanent" (a rule without expiry already allows it); PlanAllow
	// says "add" and "extend" for what is still to do.
	Verb    string
	Expires time.Time

	group string
	dir   model.Direction
	rule  model.Rule
}

// Changes reports whether Allow would change the group.
func (a Allowed) Changes() bool { return a.Verb == "add" || a.Verb == "extend" }

// PlanAllow reads the group and says what Allow would do to give r in
// direction d until the given time: add it, extend an earlier temporary
// rule, or nothing (one lasts as long, or a permanent rule allows it).
func (c *Client) PlanAllow(ctx context.Context, groupID string, d model.Direction, r model.Rule, until time.Time) (Allowed, error) {
	have, err := c.groupRules(ctx, groupID)
	if err != nil {
		return Allowed{}, err
	}
	if len(have) == 0 {
		// No rule is also what a group that does not exist has: ask for it,
		// so that --dry-run does not promise what Allow would refuse.
		if _, err := c.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{groupID}}); err != nil {
			return Allowed{}, explain(err, "")
		}
	}
	a := Allowed{group: groupID, dir: d, rule: r, Verb: "add", Expires: until}
	for _, h := range have {
		if h.Direction != d || h.Rule.Key() != r.Key() {
			continue
		}
		switch {
		case h.Problem == "" && h.Expires.IsZero():
			return Allowed{RuleID: h.RuleID, Verb: "permanent"}, nil
		case h.Problem == "" && !h.Expires.Before(until):
			return Allowed{RuleID: h.RuleID, Verb: "kept", Expires: h.Expires}, nil
		}
		a.RuleID, a.Verb = h.RuleID, "extend"
		return a, nil
	}
	if err := model.ValidateRuleDescription(model.Temporary(r, until).Description); err != nil {
		return Allowed{}, fmt.Errorf("the rule's description: %w", err)
	}
	return a, nil
}

// Allow does what PlanAllow said: it adds the rule until its time, with
// the expiry in a rule tag (set by the authorize call itself, so a rule
// never exists without it) and in its description, or extends the earlier
// temporary rule (the tag first, which sweep reads, then the
// description). A temporary rule never replaces a permanent one.
func (c *Client) Allow(ctx context.Context, a Allowed) (Allowed, error) {
	until, t := a.Expires, model.Temporary(a.rule, a.Expires)
	switch a.Verb {
	case "extend":
		if _, err := c.ec2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{a.RuleID},
			Tags: sdkTags([]model.Tag{{Key: model.ExpiresTag, Value: model.FormatExpiry(until)}})}); err != nil {
			return Allowed{}, explain(err, "extending "+a.RuleID)
		}
		if err := c.send(ctx, describeCall, a.dir, a.group, permissions([]model.Rule{t}, nil), false); err != nil {
			return Allowed{}, explain(err, "")
		}
		return Allowed{RuleID: a.RuleID, Verb: "extended", Expires: until}, nil
	case "add":
		made, err := c.authorize(ctx, a.dir, a.group, permissions([]model.Rule{t}, nil), ruleTagSpecs(t.AWSTags()), false)
		if err != nil {
			return Allowed{}, explain(err, "")
		}
		done := Allowed{Verb: "added", Expires: until}
		if len(made) > 0 {
			done.RuleID = sdk.ToString(made[0].SecurityGroupRuleId)
		}
		return done, nil
	}
	return a, nil // nothing to do
}

// groupRules reads every rule of one group with its id and expiry (zero
// for a permanent rule).
func (c *Client) groupRules(ctx context.Context, groupID string) ([]model.TemporaryRule, error) {
	return c.securityGroupRules(ctx, []types.Filter{{Name: sdk.String("group-id"), Values: []string{groupID}}}, nil, nil)
}

// TemporaryRules lists the region's rules that carry an expiry tag, in
// pages of 1000.
func (c *Client) TemporaryRules(ctx context.Context) ([]model.TemporaryRule, error) {
	return c.temporaryRules(ctx, nil)
}

// temporaryRules is TemporaryRules calling count once per call.
func (c *Client) temporaryRules(ctx context.Context, count func()) ([]model.TemporaryRule, error) {
	return c.securityGroupRules(ctx, []types.Filter{{Name: sdk.String("tag-key"), Values: []string{model.ExpiresTag}}}, nil, count)
}

// securityGroupRules reads the rules the filters choose, each with its
// id, its tags and its expiry (if any); names maps group ids to the
// names a plan gives them, as rulesOf does. count, when set, is called
// once per call.
func (c *Client) securityGroupRules(ctx context.Context, filters []types.Filter, names map[string]string, count func()) ([]model.TemporaryRule, error) {
	var out []model.TemporaryRule
	p := ec2.NewDescribeSecurityGroupRulesPaginator(c.ec2, &ec2.DescribeSecurityGroupRulesInput{Filters: filters, MaxResults: sdk.Int32(1000)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if count != nil {
			count()
		}
		if err != nil {
			return nil, explain(err, "")
		}
		for _, sr := range page.SecurityGroupRules {
			t, err := temporaryOf(sr, names)
			if err != nil {
				return nil, err
			}
			out = append(out, t)
		}
	}
	return out, nil
}

// temporaryOf reads one rule of DescribeSecurityGroupRules, with its tags.
func temporaryOf(sr types.SecurityGroupRule, names map[string]string) (model.TemporaryRule, error) {
	t := model.TemporaryRule{GroupID: sdk.ToString(sr.GroupId), RuleID: sdk.ToString(sr.SecurityGroupRuleId)}
	if sdk.ToBool(sr.IsEgress) {
		t.Direction = model.Egress
	}
	p := types.IpPermission{IpProtocol: sr.IpProtocol, FromPort: sr.FromPort, ToPort: sr.ToPort}
	switch {
	case sr.CidrIpv4 != nil:
		p.IpRanges = []types.IpRange{{CidrIp: sr.CidrIpv4, Description: sr.Description}}
	case sr.CidrIpv6 != nil:
		p.Ipv6Ranges = []types.Ipv6Range{{CidrIpv6: sr.CidrIpv6, Description: sr.Description}}
	case sr.PrefixListId != nil:
		p.PrefixListIds = []types.PrefixListId{{PrefixListId: sr.PrefixListId, Description: sr.Description}}
	case sr.ReferencedGroupInfo != nil:
		p.UserIdGroupPairs = []types.UserIdGroupPair{{GroupId: sr.ReferencedGroupInfo.GroupId, Description: sr.Description}}
	}
	rules, err := rulesOf([]types.IpPermission{p}, names)
	if err != nil {
		return t, fmt.Errorf("rule %s of %s: %w", t.RuleID, t.GroupID, err)
	}
	if len(rules) == 1 {
		t.Rule = rules[0]
	}
	t.Rule.ID, t.Rule.Tags = t.RuleID, tagsOf(sr.Tags)
	for _, tag := range sr.Tags {
		if sdk.ToString(tag.Key) != model.ExpiresTag {
			continue
		}
		at, err := model.ParseExpiry(sdk.ToString(tag.Value))
		if err != nil {
			t.Problem = err.Error()
		} else {
			t.Expires = at
		}
	}
	return t, nil
}

// Swept is what one Sweep did.
type Swept struct {
	// Revoked are the expired rules this run removed.
	Revoked []model.TemporaryRule
	// Gone are expired rules something else removed first (another sweep
	// running at the same time, a person): nothing left to do.
	Gone []model.TemporaryRule
	// Left are the temporary rules still running, soonest first.
	Left []model.TemporaryRule
	// Problems are rules whose expiry tag cannot be read, left alone.
	Problems []model.TemporaryRule
	// Failed are the rules whose revoke failed, with why.
	Failed []error
}

// Sweep revokes the region's temporary rules whose time is over at now:
// one revoke call per group and direction, by rule id. A rule another
// sweep removed meanwhile is gone, not revoked, so sweeps can overlap and
// repeat: a second run finds nothing to do.
func (c *Client) Sweep(ctx context.Context, now time.Time, dryRun bool) (Swept, error) {
	rules, err := c.TemporaryRules(ctx)
	if err != nil {
		return Swept{}, err
	}
	var s Swept
	type key struct {
		group string
		d     model.Direction
	}
	due := map[key][]model.TemporaryRule{}
	var order []key
	for _, t := range rules {
		switch {
		case t.Problem != "":
			s.Problems = append(s.Problems, t)
		case t.Expired(now):
			k := key{t.GroupID, t.Direction}
			if due[k] == nil {
				order = append(order, k)
			}
			due[k] = append(due[k], t)
		default:
			s.Left = append(s.Left, t)
		}
	}
	for _, k := range order {
		if dryRun {
			s.Revoked = append(s.Revoked, due[k]...)
			continue
		}
		c.sweepGroup(ctx, k.group, k.d, due[k], &s)
	}
	slices.SortStableFunc(s.Left, func(a, b model.TemporaryRule) int { return a.Expires.Compare(b.Expires) })
	return s, nil
}

// sweepRetries bounds the revokes of one group and direction when other
// runs keep removing its rules first.
const sweepRetries = 3

// sweepGroup revokes a group's expired rules of one direction in one call.
// EC2 refuses the whole call when one of the rules is gone (another sweep
// got there first): sweep then reads which are still there (one call) and
// revokes those, so a lost race costs two calls, not one per rule, and a
// rule another run removed is reported gone, not revoked.
func (c *Client) sweepGroup(ctx context.Context, group string, d model.Direction, due []model.TemporaryRule, s *Swept) {
	pending := due
	for try := 0; len(pending) > 0; try++ {
		ids := make([]string, len(pending))
		for i, t := range pending {
			ids[i] = t.RuleID
		}
		err := c.revokeIDs(ctx, group, d, ids)
		switch {
		case err == nil:
			s.Revoked = append(s.Revoked, pending...)
			return
		case !gone(err):
			s.Failed = append(s.Failed, explain(err, fmt.Sprintf("revoking %d rule(s) of %s", len(ids), group)))
			return
		case isCode(err, "InvalidGroup.NotFound"):
			s.Gone = append(s.Gone, pending...)
			return
		case try == sweepRetries:
			s.Failed = append(s.Failed, fmt.Errorf("revoking %d rule(s) of %s: other runs kept removing its rules first; run sweep again", len(ids), group))
			return
		}
		have, rerr := c.groupRules(ctx, group)
		if rerr != nil {
			s.Failed = append(s.Failed, explain(rerr, "reading the rules of "+group))
			return
		}
		there := map[string]bool{}
		for _, h := range have {
			there[h.RuleID] = true
		}
		var still []model.TemporaryRule
		for _, t := range pending {
			if there[t.RuleID] {
				still = append(still, t)
			} else {
				s.Gone = append(s.Gone, t)
			}
		}
		pending = still
	}
}

// revokeIDs revokes rules of a group by their ids, all or none.
func (c *Client) revokeIDs(ctx context.Context, group string, d model.Direction, ids []string) error {
	var err error
	if d == model.Egress {
		_, err = c.ec2.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: sdk.String(group), SecurityGroupRuleIds: ids})
	} else {
		_, err = c.ec2.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: sdk.String(group), SecurityGroupRuleIds: ids})
	}
	return err
}

// gone reports an error that says a rule (or its group) no longer exists:
// another sweep, or a person, removed it first.
func gone(err error) bool {
	return isCode(err, "InvalidSecurityGroupRuleId.NotFound", "InvalidGroup.NotFound", "InvalidPermission.NotFound")
}
