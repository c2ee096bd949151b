package model

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Temporary access: a rule that carries the time it expires, in a rule tag
// (what sgwiz sweep reads) and at the end of its description (what a
// person reads in the console).

// ExpiresTag is the key of the tag that carries a temporary rule's expiry,
// and the marker in its description: "sgwiz:expires=2026-11-23T21:00:00Z".
const ExpiresTag = "sgwiz:expires"

// Bounds of temporary access: a minute at least; beyond a week, a rule is
// meant to stay and belongs in a reviewed plan.
const (
	MinLifetime = time.Minute
	MaxLifetime = 7 * 24 * time.Hour
)

// ParseLifetime reads how long access lasts: Go durations ("90m", "2h",
// "1h30m") and whole days ("1d", "7d").
func ParseLifetime(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	var d time.Duration
	var err error
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, e := strconv.Atoi(days)
		if e != nil || n < 0 {
			return 0, fmt.Errorf("%q is not a duration: write it as 30m, 2h, 1h30m or 1d", s)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else if d, err = time.ParseDuration(s); err != nil {
		return 0, fmt.Errorf("%q is not a duration: write it as 30m, 2h, 1h30m or 1d", s)
	}
	switch {
	case d < MinLifetime:
		return 0, fmt.Errorf("%s is too short: temporary access lasts a minute at least", s)
	case d > MaxLifetime:
		return 0, fmt.Errorf("%s is longer than a week: a rule meant to stay belongs in a plan (sgwiz plan, then sgwiz apply)", s)
	}
	return d, nil
}

// UntilFrom is when access given at now for d ends, to the minute (zero
// when d is): the wizard, sgwiz allow and --admin-for count alike.
func UntilFrom(now time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return time.Time{}
	}
	return now.Add(d).UTC().Truncate(time.Minute)
}

// FormatExpiry writes an expiry as the tag and the description hold it:
// RFC 3339 in UTC, to the second.
func FormatExpiry(t time.Time) string { return t.UTC().Truncate(time.Second).Format(time.RFC3339) }

// ParseExpiry reads an expiry tag's value.
func ParseExpiry(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, fmt.Errorf("%s=%q is not a time: it is written as 2026-11-23T21:00:00Z", ExpiresTag, s)
	}
	return t, nil
}

// Temporary returns r with until at the end of its description, shortened
// so that the whole stays within what EC2 takes.
func Temporary(r Rule, until time.Time) Rule {
	mark := ExpiresTag + "=" + FormatExpiry(until)
	desc := strings.TrimSpace(r.Description)
	if i := strings.Index(desc, ExpiresTag+"="); i >= 0 {
		desc = strings.TrimRight(strings.TrimSpace(desc[:i]), ",")
	}
	room := MaxRuleDescriptionLen - len(mark) - 2
	if len(desc) > room {
		desc = strings.TrimSpace(desc[:room])
	}
	if desc == "" {
		r.Description = mark
	} else {
		r.Description = desc + ", " + mark
	}
	return r
}

// ExpiryOf reads the expiry a rule's description carries, if any.
func ExpiryOf(description string) (time.Time, bool) {
	i := strings.Index(description, ExpiresTag+"=")
	if i < 0 {
		return time.Time{}, false
	}
	v, _, _ := strings.Cut(description[i+len(ExpiresTag)+1:], " ")
	t, err := ParseExpiry(strings.TrimRight(v, ",;"))
	return t, err == nil
}

// TemporaryRule is a rule of an account that carries an expiry tag, as
// sgwiz sweep and sgwiz audit read it.
type TemporaryRule struct {
	GroupID   string
	RuleID    string
	Direction Direction
	Rule      Rule
	// Expires is when it ends; zero when the tag's value is not a time
	// (Problem says why, and the rule is left alone).
	Expires time.Time
	Problem string
}

// Expired reports whether the rule's time is over at now.
func (t TemporaryRule) Expired(now time.Time) bool {
	return t.Problem == "" && !now.Before(t.Expires)
}

// Text says the rule in one line: "sgr-… in sg-…: SSH TCP 22 from
// 198.51.100.7/32".
func (t TemporaryRule) Text() string {
	return fmt.Sprintf("%s in %s: %s", t.RuleID, t.GroupID, t.Rule.Text(t.Direction))
}

// SetUntil makes the rules of selection i temporary until the given time,
// or permanent again with the zero time.
func (d *Draft) SetUntil(g int, dir Direction, i int, until time.Time) {
	sels := d.Groups[g].Selections(dir)
	if i < 0 || i >= len(sels) {
		return
	}
	sels[i].Until = until
}

// UntilOf is when selection i's rules expire (zero: never).
func (d Draft) UntilOf(g int, dir Direction, i int) time.Time {
	sels := d.Groups[g].Selections(dir)
	if i < 0 || i >= len(sels) {
		return time.Time{}
	}
	return sels[i].Until
}

// ExpiringRule is a temporary rule of a plan.
type ExpiringRule struct {
	Group     string
	Direction Direction
	Rule      Rule
	Expires   time.Time
}

// Text says it in a line: "bastion: the inbound rule SSH TCP 22 from …".
func (e ExpiringRule) Text() string {
	return fmt.Sprintf("%s: the %s rule %s", e.Group, strings.ToLower(e.Direction.Title()), e.Rule.Text(e.Direction))
}

// Expiring lists the plan's temporary rules, in plan order.
func (p Plan) Expiring() []ExpiringRule {
	var out []ExpiringRule
	for _, g := range p.Groups {
		for _, d := range []Direction{Ingress, Egress} {
			for _, r := range g.Rules(d) {
				if at, ok := ExpiryOf(r.Description); ok {
					out = append(out, ExpiringRule{g.Name, d, r, at})
				}
			}
		}
	}
	return out
}

// ExpiredRules says, a line each, the plan's temporary rules whose time is
// over at now: applying them would add rules that sweep revokes at once.
func (p Plan) ExpiredRules(now time.Time) []string {
	var out []string
	for _, e := range p.Expiring() {
		if !now.Before(e.Expires) {
			out = append(out, e.Text()+" expired at "+FormatExpiry(e.Expires))
		}
	}
	return out
}

// TagPart is rules that one authorize call adds with one set of rule
// tags (TagSpecifications tag every rule of the call alike).
type TagPart struct {
	// Tags are the rules' tags as AWS holds them (Rule.AWSTags); Expires
	// is their expiry tag's value, "" for permanent rules.
	Tags    Tags
	Expires string
	Rules   []Rule
}

// ByTags splits rules by the tags AWS is to hold for them: the untagged
// permanent ones first, then one part per set of tags (a temporary rule's
// expiry is one of its tags), in order of first appearance. Apply and the
// CLI script add the parts a call each, so that a rule is tagged by the
// call that makes it and never exists without its tags.
func ByTags(rules []Rule) []TagPart {
	var parts []TagPart
	index := map[Tags]int{}
	for _, r := range rules {
		tags := r.AWSTags()
		i, ok := index[tags]
		if !ok {
			i = len(parts)
			index[tags] = i
			expires, _ := tags.Get(ExpiresTag)
			parts = append(parts, TagPart{Tags: tags, Expires: expires})
		}
		parts[i].Rules = append(parts[i].Rules, r)
	}
	slices.SortStableFunc(parts, func(a, b TagPart) int { return min(a.Tags.Len(), 1) - min(b.Tags.Len(), 1) })
	return parts
}
