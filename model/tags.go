package model

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Tags is a set of tags as one comparable value, sorted by key, so that a
// rule carrying tags stays a comparable value (AWS holds a rule's tags as
// a set: their order means nothing). The zero Tags is empty.
type Tags struct {
	// enc is each tag as len(key):key len(value):value, sorted by key.
	enc string
}

// NewTags returns the set of ts; of two tags with one key, the last wins
// (validation reports the repeat first).
func NewTags(ts ...Tag) Tags {
	if len(ts) == 0 {
		return Tags{}
	}
	byKey := make(map[string]string, len(ts))
	for _, t := range ts {
		byKey[t.Key] = t.Value
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, s := range []string{k, byKey[k]} {
			b.WriteString(strconv.Itoa(len(s)))
			b.WriteByte(':')
			b.WriteString(s)
		}
	}
	return Tags{enc: b.String()}
}

// List returns the tags sorted by key.
func (t Tags) List() []Tag {
	var out []Tag
	next := func(s string) (string, string) {
		n, rest, _ := strings.Cut(s, ":")
		i, _ := strconv.Atoi(n)
		return rest[:i], rest[i:]
	}
	for s := t.enc; s != ""; {
		var k, v string
		k, s = next(s)
		v, s = next(s)
		out = append(out, Tag{Key: k, Value: v})
	}
	return out
}

// Len is the number of tags.
func (t Tags) Len() int { return len(t.List()) }

// IsZero reports whether there are no tags.
func (t Tags) IsZero() bool { return t.enc == "" }

// Get returns the value of key.
func (t Tags) Get(key string) (string, bool) {
	for _, tag := range t.List() {
		if tag.Key == key {
			return tag.Value, true
		}
	}
	return "", false
}

// With returns the set with key set to value.
func (t Tags) With(key, value string) Tags { return NewTags(append(t.List(), Tag{key, value})...) }

// Without returns the set without these keys.
func (t Tags) Without(keys ...string) Tags {
	return NewTags(slices.DeleteFunc(t.List(), func(tag Tag) bool { return slices.Contains(keys, tag.Key) })...)
}

// String is the tags as the wizard's fields and change lists write them:
// "cost-centre=42, team=web" (ParseTags reads it back).
func (t Tags) String() string { return FormatTags(t.List()) }

// FormatTags writes tags in their order as ParseTags reads them:
// "team=web, cost-centre=42".
func FormatTags(tags []Tag) string {
	parts := make([]string, len(tags))
	for i, tag := range tags {
		parts[i] = tag.Key + "=" + tag.Value
	}
	return strings.Join(parts, ", ")
}

// Diff returns the tags of want that t lacks or holds with another value,
// and the keys t holds that want does not, leaving out AWS's own (aws:…),
// which no one else may change.
func (t Tags) Diff(want Tags) (set []Tag, unset []string) {
	for _, w := range want.List() {
		if v, ok := t.Get(w.Key); !ok || v != w.Value {
			set = append(set, w)
		}
	}
	for _, h := range t.List() {
		if _, ok := want.Get(h.Key); !ok && !IsAWSTag(h.Key) {
			unset = append(unset, h.Key)
		}
	}
	return set, unset
}

// IsAWSTag reports whether key is one of AWS's own (aws:…), which a plan
// may not hold and sgwiz never changes.
func IsAWSTag(key string) bool { return strings.HasPrefix(strings.ToLower(key), "aws:") }

// ParseTags reads tags as people type them: KEY=VALUE, separated by
// commas, in one text or several (an empty text is no tag). Keys and
// values are trimmed; a value may be empty, the key may not. The wizard's
// tag fields and --tag read tags through it; each says the error for its
// own field. (A plan file holds tags as AWS does, spaces and all.)
func ParseTags(texts ...string) ([]Tag, error) {
	var out []Tag
	for _, s := range texts {
		for part := range strings.SplitSeq(s, ",") {
			if strings.TrimSpace(part) == "" {
				continue
			}
			t, err := ParseTag(part)
			if err != nil {
				return nil, err
			}
			out = append(out, t)
		}
	}
	return out, nil
}

// ParseTag reads one KEY=VALUE, both trimmed.
func ParseTag(s string) (Tag, error) {
	k, v, ok := strings.Cut(s, "=")
	k, v = strings.TrimSpace(k), strings.TrimSpace(v)
	switch {
	case !ok:
		return Tag{}, fmt.Errorf("%q is not KEY=VALUE: write a key, =, and its value (it may be empty)", strings.TrimSpace(s))
	case k == "":
		return Tag{}, fmt.Errorf("%q has no key: write KEY=VALUE", strings.TrimSpace(s))
	}
	return Tag{Key: k, Value: v}, nil
}

// The tags sgwiz sets on what it makes, so that it knows them again by
// tag and id, never by name alone.
const (
	// OwnerPlanTag names the plan that created a group (Plan.Key), and
	// OwnerGroupTag the group of that plan: a later apply of the same plan
	// knows the group as its own, even when an earlier run was cut off.
	OwnerPlanTag  = "sgwiz:plan"
	OwnerGroupTag = "sgwiz:group"
)

// ownerKeys are the group tags sgwiz sets itself on the groups it creates.
var ownerKeys = []string{OwnerPlanTag, OwnerGroupTag}

// IsOwnerTag reports whether key is one of the tags sgwiz sets on the
// groups it creates.
func IsOwnerTag(key string) bool { return slices.Contains(ownerKeys, key) }

// Key is the plan's name as its groups' owner tag holds it: the name the
// plan file gives (name:), else the name of its first group.
func (p Plan) Key() string {
	if p.Name != "" {
		return p.Name
	}
	if len(p.Groups) > 0 {
		return p.Groups[0].Name
	}
	return ""
}

// OwnerTags are the tags sgwiz gives group g of the plan when it creates
// it: the plan's key and the group's name.
func (p Plan) OwnerTags(g *Group) []Tag {
	return []Tag{{OwnerPlanTag, p.Key()}, {OwnerGroupTag, g.Name}}
}

// TagsOf are the tags AWS holds for group g once the plan is applied:
// its own, and for a group to create, the owner tags (OwnerTags). Apply
// and every export write these.
func (p Plan) TagsOf(g *Group) []Tag {
	if g.ID != "" {
		return g.Tags
	}
	return append(append(make([]Tag, 0, len(g.Tags)+len(ownerKeys)), g.Tags...), p.OwnerTags(g)...)
}

// Owns reports whether tags (a group's, as AWS holds them) say that this
// plan created group g: a later apply knows the group as its own.
func (p Plan) Owns(g *Group, tags Tags) bool { return owns(p.Key(), g.Name, tags) }

// Owns is Plan.Owns for the draft's plan: whether tags say that it made
// the group of this name.
func (d Draft) Owns(group string, tags Tags) bool {
	key := d.Name
	if key == "" && len(d.Groups) > 0 {
		key = d.Groups[0].Name
	}
	return owns(key, group, tags)
}

func owns(plan, group string, tags Tags) bool {
	p, ok1 := tags.Get(OwnerPlanTag)
	g, ok2 := tags.Get(OwnerGroupTag)
	return ok1 && ok2 && p == plan && g == group
}

// OwnerOf says which sgwiz plan created a group, from its tags ("" when
// none did).
func OwnerOf(tags Tags) string {
	plan, ok := tags.Get(OwnerPlanTag)
	if !ok {
		return ""
	}
	group, _ := tags.Get(OwnerGroupTag)
	return fmt.Sprintf("sgwiz plan %q (group %q)", plan, group)
}

// AWSTags are the tags AWS holds for the rule: its own, and for a
// temporary rule the expiry (ExpiresTag) that its description carries.
func (r Rule) AWSTags() Tags {
	at, ok := ExpiryOf(r.Description)
	if !ok {
		return r.Tags
	}
	return r.Tags.With(ExpiresTag, FormatExpiry(at))
}

// errReservedRuleTag says why a rule's tags cannot set the expiry.
var errReservedRuleTag = &wordedError{ExpiresTag + " is set from the sgwiz:expires=… at the end of the rule's description ({" + RefTemporary + "}): write it there, or leave it out to keep the rule"}
