package model

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestTagsAreASetWhateverTheOrder(t *testing.T) {
	a := NewTags(Tag{"team", "web"}, Tag{"cost", "42"})
	b := NewTags(Tag{"cost", "42"}, Tag{"team", "web"})
	if a != b {
		t.Errorf("the same tags in another order differ: %v %v", a, b)
	}
	if a == NewTags(Tag{"cost", "42"}) || a.Len() != 2 || a.String() != "cost=42, team=web" {
		t.Errorf("set: %v (len %d)", a, a.Len())
	}
	if v, ok := a.Get("team"); !ok || v != "web" {
		t.Errorf("Get: %q %v", v, ok)
	}
	if got := a.With("team", "db").Without("cost"); got != NewTags(Tag{"team", "db"}) {
		t.Errorf("With/Without: %v", got)
	}
	// Any text is a key or value: nothing a separator could confuse.
	odd := NewTags(Tag{"3:x", "1:"}, Tag{"", "\x00:"})
	if got := odd.List(); !reflect.DeepEqual(got, []Tag{{"", "\x00:"}, {"3:x", "1:"}}) {
		t.Errorf("odd tags read back as %q", got)
	}
}

func TestTagsDiffLeavesAWSTagsAlone(t *testing.T) {
	have := NewTags(Tag{"aws:cloudformation:stack-name", "s"}, Tag{"team", "web"}, Tag{"old", "x"})
	set, unset := have.Diff(NewTags(Tag{"team", "db"}, Tag{"new", "y"}))
	if !reflect.DeepEqual(set, []Tag{{"new", "y"}, {"team", "db"}}) || !reflect.DeepEqual(unset, []string{"old"}) {
		t.Errorf("set %v, unset %v", set, unset)
	}
}

func TestParseTagsSaysWhatIsWrong(t *testing.T) {
	got, err := ParseTags(" team = web , cost=42,, empty= ")
	if err != nil || !reflect.DeepEqual(got, []Tag{{"team", "web"}, {"cost", "42"}, {"empty", ""}}) {
		t.Errorf("ParseTags = %v, %v", got, err)
	}
	for in, want := range map[string]string{"team": "not KEY=VALUE", "=web": "has no key"} {
		if _, err := ParseTags(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseTags(%q) = %v, want %q", in, err, want)
		}
	}
}

func TestPlanFileKeepsRuleTagsIDsAndTheName(t *testing.T) {
	file := `name: shop
groups:
  - name: web
    description: Web server
    id: sg-0123456789abcdef0
    ingress:
      - protocol: tcp
        ports: "443"
        from: 0.0.0.0/0
        description: HTTPS
        tags:
          team: web
          cost: "42"
        id: sgr-0123456789abcdef0
    egress: default
`
	p, _, err := ParsePlan([]byte(file))
	if err != nil {
		t.Fatal(err)
	}
	r := p.Groups[0].Ingress[0]
	if p.Name != "shop" || r.ID != "sgr-0123456789abcdef0" || r.Tags != NewTags(Tag{"team", "web"}, Tag{"cost", "42"}) {
		t.Fatalf("read %q, rule %+v", p.Name, r)
	}
	out, _ := p.YAML()
	q, _, err := ParsePlan(out)
	if err != nil || !reflect.DeepEqual(p, q) {
		t.Errorf("saved and read again: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "name: shop\n") || !strings.Contains(string(out), "        tags:\n          cost: \"42\"\n          team: web\n        id: sgr-0123456789abcdef0\n") {
		t.Errorf("the file does not hold the tags and id:\n%s", out)
	}
}

// TestPlanFileRefusesWhatSgwizSetsItself: the expiry is the
// description's, the owner tags are apply's, a rule id names one rule,
// and default is the VPC's own group.
func TestPlanFileRefusesWhatSgwizSetsItself(t *testing.T) {
	for name, tt := range map[string]struct{ file, want string }{
		"expiry tag": {"groups:\n  - name: web\n    description: d\n    ingress:\n      - {service: ssh, from: 10.0.0.0/8, tags: {sgwiz:expires: 2099-01-01T00:00:00Z}}\n    egress: default\n",
			"groups[0].ingress[0].tags.sgwiz:expires: sgwiz:expires is set from the sgwiz:expires=… at the end of the rule's description"},
		"owner tag": {"groups:\n  - name: web\n    description: d\n    tags: {sgwiz:plan: other}\n    egress: default\n",
			`groups[0].tags.sgwiz:plan: sgwiz gives sgwiz:plan to the groups it creates (this one gets sgwiz:group=web, sgwiz:plan=web)`},
		"id of several rules": {"groups:\n  - name: web\n    description: d\n    ingress:\n      - {service: ssh, from: [10.0.0.0/8, 10.1.0.0/16], id: sgr-0123456789abcdef0}\n    egress: default\n",
			"groups[0].ingress[0].id: sgr-0123456789abcdef0 names one rule, and this entry makes 2"},
		"id twice": {"groups:\n  - name: web\n    description: d\n    ingress:\n      - {service: ssh, from: 10.0.0.0/8, id: sgr-0123456789abcdef0}\n      - {service: https, from: 10.0.0.0/8, id: sgr-0123456789abcdef0}\n    egress: default\n",
			"groups[0].ingress[1].id: sgr-0123456789abcdef0 is also the id of groups[0].ingress[0]"},
		"bad id": {"groups:\n  - name: web\n    description: d\n    ingress:\n      - {service: ssh, from: 10.0.0.0/8, id: sg-0123456789abcdef0}\n    egress: default\n",
			`groups[0].ingress[0].id: "sg-0123456789abcdef0" is not a security group rule id`},
		"tag key twice": {"groups:\n  - name: web\n    description: d\n    ingress:\n      - {service: ssh, from: 10.0.0.0/8, tags: {a: b, a: c}}\n    egress: default\n",
			"groups[0].ingress[0].tags.a: tag key given twice"},
		"default": {"groups:\n  - name: Default\n    description: d\n    egress: default\n",
			`groups[0].name: AWS reserves the name "Default" for each VPC's own default group`},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := ParsePlan([]byte(tt.file))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParsePlan = %v\nwant %q", err, tt.want)
			}
			var es Errors
			if errors.As(err, &es) && es[0].Line == 0 {
				t.Errorf("%v has no line", es[0])
			}
		})
	}
	// The default group itself, by its id, is a plan (an audit's fix plan
	// empties it), and an imported group keeps the owner tags AWS holds.
	p := Plan{Groups: []Group{{Name: "default", Description: "default VPC security group", ID: "sg-0123456789abcdef0",
		Tags: []Tag{{OwnerPlanTag, "x"}}, Ingress: []Rule{}, Egress: []Rule{}}}}
	if err := p.Validate(); err != nil {
		t.Errorf("the default group by id: %v", err)
	}
}

func TestNewGroupsCarryTheirOwner(t *testing.T) {
	p := mustBuild(t, "three-tier", Inputs{Office: office, Tags: []Tag{{"Owner", "ops"}}})
	for _, g := range p.Groups {
		tags := NewTags(p.TagsOf(&g)...)
		if v, _ := tags.Get(OwnerPlanTag); v != "web-alb" || !p.Owns(&g, tags) {
			t.Errorf("%s: tags %v", g.Name, tags)
		}
		if v, _ := tags.Get("Owner"); v != "ops" {
			t.Errorf("%s lost its own tags: %v", g.Name, tags)
		}
	}
	p.Name = "shop"
	g := p.Groups[1]
	if v, _ := NewTags(p.TagsOf(&g)...).Get(OwnerPlanTag); v != "shop" {
		t.Errorf("the plan's name is its key: %v", v)
	}
	if p.Owns(&g, NewTags(Tag{OwnerPlanTag, "web-alb"}, Tag{OwnerGroupTag, g.Name})) || p.Owns(&g, Tags{}) {
		t.Error("another plan's group, or one without tags, is not this plan's")
	}
	g.ID = "sg-0123456789abcdef0"
	if got := p.TagsOf(&g); !reflect.DeepEqual(got, g.Tags) {
		t.Errorf("an existing group holds its own tags only: %v", got)
	}
}

// TestAGroupByIDIsTheGroupByName: EC2 holds one rule for both.
func TestAGroupByIDIsTheGroupByName(t *testing.T) {
	const id = "sg-0123456789abcdef0"
	p := plan1("web", []Rule{rule(t, "tcp", "8443", id, "by id"), rule(t, "tcp", "8443", "group:web", "by name"), rule(t, "tcp", "22", "sg-0fedcba987654321f", "other")}, nil)
	p.Groups[0].ID = id
	m := p.MergeDuplicates()
	in := m.Groups[0].Ingress
	if len(in) != 2 || in[0].Peer != GroupRef("web") || in[0].Description != "by id" || in[1].Peer != GroupID("sg-0fedcba987654321f") {
		t.Errorf("merged: %v", in)
	}
	if f := findingIDs(m.Check()); f["duplicate-rule"].ID == "" {
		t.Errorf("the repeat is a finding: %v", f)
	}
	// Apply knows the ids of groups it found by name.
	q := plan1("web", []Rule{rule(t, "tcp", "8443", id, "")}, nil)
	if got := q.ResolveGroupIDs(map[string]string{id: "web"}).Groups[0].Ingress[0].Peer; got != GroupRef("web") {
		t.Errorf("known id: %v", got)
	}
	if got := q.ResolveGroupIDs(nil).Groups[0].Ingress[0].Peer; got != GroupID(id) {
		t.Errorf("an id no group of the plan has stays: %v", got)
	}
}

func TestTemporaryRulesCarryTheirExpiryAsATag(t *testing.T) {
	at := time.Date(2026, 12, 2, 18, 0, 0, 0, time.UTC)
	r := Temporary(rule(t, "tcp", "22", "198.51.100.7/32", "me"), at)
	r.Tags = NewTags(Tag{"ticket", "OPS-1"})
	if got := r.AWSTags(); got != NewTags(Tag{"ticket", "OPS-1"}, Tag{ExpiresTag, "2026-12-02T18:00:00Z"}) {
		t.Errorf("AWSTags = %v", got)
	}
	r.Description = "me"
	if got := r.AWSTags(); got != r.Tags {
		t.Errorf("a permanent rule holds its own tags: %v", got)
	}
}

// TestDraftKeepsRuleTagsAndIDs: the wizard edits an imported plan without
// losing what its rules carry, and a rule's tags are set from the review.
func TestDraftKeepsRuleTagsAndIDs(t *testing.T) {
	p := mustBuild(t, "three-tier", Inputs{Office: office})
	p.Name = "shop"
	p.Groups[2].Ingress[0].ID = "sgr-0123456789abcdef0"
	p.Groups[2].Ingress[0].Tags = NewTags(Tag{"team", "db"})
	d := DraftFromPlan(p)
	got, err := d.Plan()
	if err != nil || !samePlan(got, p) {
		t.Fatalf("reopened: %v\n%+v\n%+v", err, got.Groups[2].Ingress, p.Groups[2].Ingress)
	}
	if d.Groups[2].Ingress[0].Link != LinkEngine {
		t.Errorf("the database's rule still follows the engine: %+v", d.Groups[2].Ingress[0])
	}
	if err := d.SetRuleTags(0, Ingress, 0, []Tag{{"cdn", "yes"}}); err != nil {
		t.Fatal(err)
	}
	if err := d.SetRuleTags(0, Ingress, 1, []Tag{{ExpiresTag, "x"}}); err == nil {
		t.Error("the expiry is not a tag to set")
	}
	d.RenameGroup("web-app", "shop-app")
	got, err = d.Plan()
	if err != nil {
		t.Fatal(err)
	}
	if got.Groups[0].Ingress[0].Tags != NewTags(Tag{"cdn", "yes"}) || got.Groups[0].Ingress[1].Tags.Len() != 0 {
		t.Errorf("tags set in the review: %v", got.Groups[0].Ingress)
	}
	db := got.Groups[2].Ingress[0]
	if db.Peer != GroupRef("shop-app") || db.ID != "sgr-0123456789abcdef0" || db.Tags != NewTags(Tag{"team", "db"}) {
		t.Errorf("a renamed peer keeps its rule's tags and id: %+v", db)
	}
	if err := d.SetRuleTags(2, Ingress, 0, nil); err != nil {
		t.Fatal(err)
	}
	got, _ = d.Plan()
	if db := got.Groups[2].Ingress[0]; db.Tags.Len() != 0 || db.ID != "sgr-0123456789abcdef0" {
		t.Errorf("tags removed, id kept: %+v", db)
	}
}
