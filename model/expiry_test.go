package model

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestParseLifetime(t *testing.T) {
	for in, want := range map[string]time.Duration{"30m": 30 * time.Minute, "2h": 2 * time.Hour, "1h30m": 90 * time.Minute, "1d": 24 * time.Hour, "7d": 7 * 24 * time.Hour} {
		if got, err := ParseLifetime(in); err != nil || got != want {
			t.Errorf("%s: %v %v, want %v", in, got, err, want)
		}
	}
	for in, want := range map[string]string{"": "not a duration", "two hours": "not a duration", "30s": "too short", "8d": "longer than a week", "-1h": "too short", "xd": "not a duration"} {
		if _, err := ParseLifetime(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}

// TestTemporaryDescription: the expiry ends the description, replaces an
// earlier one, fits EC2's length, and reads back.
func TestTemporaryDescription(t *testing.T) {
	at := time.Date(2026, 11, 23, 21, 30, 15, 999, time.FixedZone("CET", 3600))
	r := Temporary(Rule{Description: "SSH from my IP"}, at)
	if r.Description != "SSH from my IP, sgwiz:expires=2026-11-23T20:30:15Z" {
		t.Errorf("%q", r.Description)
	}
	again := Temporary(r, at.Add(time.Hour))
	if again.Description != "SSH from my IP, sgwiz:expires=2026-11-23T21:30:15Z" {
		t.Errorf("extended: %q", again.Description)
	}
	long := Temporary(Rule{Description: strings.Repeat("x", 300)}, at)
	if len(long.Description) > MaxRuleDescriptionLen || ValidateRuleDescription(long.Description) != nil {
		t.Errorf("%d characters: %v", len(long.Description), ValidateRuleDescription(long.Description))
	}
	if got, ok := ExpiryOf(again.Description); !ok || !got.Equal(at.Add(time.Hour).Truncate(time.Second)) {
		t.Errorf("read back: %v %v", got, ok)
	}
	if _, ok := ExpiryOf("SSH from the office"); ok {
		t.Error("a permanent rule has no expiry")
	}
	if Temporary(Rule{}, at).Description != "sgwiz:expires=2026-11-23T20:30:15Z" {
		t.Error("an empty description is the marker alone")
	}
}

func TestTemporaryRuleExpired(t *testing.T) {
	at := time.Date(2026, 11, 23, 21, 0, 0, 0, time.UTC)
	tr := TemporaryRule{Expires: at}
	if tr.Expired(at.Add(-time.Second)) || !tr.Expired(at) || !tr.Expired(at.Add(time.Hour)) {
		t.Error("expired at its time, not before")
	}
	if (TemporaryRule{Problem: "bad tag"}).Expired(at) {
		t.Error("a rule whose expiry cannot be read is never expired")
	}
}

func TestCheckInterface(t *testing.T) {
	var big []Rule
	for i := range 300 {
		big = append(big, rule(t, "tcp", "443", fmt.Sprintf("10.0.%d.%d/32", i/250, i%250), "x"))
	}
	g := func(id string, rules []Rule) Group { return Group{ID: id, Name: id, Ingress: rules} }
	cases := []struct {
		groups []Group
		quota  int
		want   string
	}{
		{[]Group{g("sg-1", nil)}, 5, ""},
		{[]Group{g("sg-1", nil), g("sg-2", nil), g("sg-3", nil), g("sg-4", nil), g("sg-5", nil), g("sg-6", nil)}, 5, "would carry 6 groups (sg-1, sg-2, sg-3, sg-4, sg-5, sg-6); the account allows 5"},
		{[]Group{g("sg-1", nil), g("sg-2", nil), g("sg-3", nil), g("sg-4", nil), g("sg-5", nil), g("sg-6", nil)}, 6, ""},
		{nil, 5, "would carry no group"},
		{[]Group{g("sg-1", big), g("sg-2", big), g("sg-3", big), g("sg-4", big)}, 5, "1200 inbound rules"},
	}
	for _, c := range cases {
		err := CheckInterface("eni-1", c.groups, c.quota)
		if (c.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), c.want) {
			t.Errorf("%d groups, quota %d: %v, want %q", len(c.groups), c.quota, err, c.want)
		}
	}
}

// TestTemporarySelection: a selection made temporary gives rules that
// carry the time, the plan is valid, the other rules stay permanent, and
// the zero time makes it permanent again.
func TestTemporarySelection(t *testing.T) {
	u, _ := LookupUseCase("web")
	d, err := u.Draft(Inputs{Office: []netip.Prefix{netip.MustParsePrefix("203.0.113.10/32")}})
	if err != nil {
		t.Fatal(err)
	}
	ssh := -1
	for i, s := range d.Groups[0].Selections(Ingress) {
		if s.Service.ID == "ssh" {
			ssh = i
		}
	}
	until := time.Date(2026, 11, 23, 22, 0, 0, 0, time.UTC)
	d.SetUntil(0, Ingress, ssh, until)
	if !d.UntilOf(0, Ingress, ssh).Equal(until) {
		t.Fatal("UntilOf")
	}
	p, err := d.Plan()
	if err != nil {
		t.Fatal(err)
	}
	temporary := 0
	for _, r := range p.Groups[0].Ingress {
		at, ok := ExpiryOf(r.Description)
		switch {
		case r.Ports == Port(22) && (!ok || !at.Equal(until)):
			t.Errorf("the SSH rule carries its time: %q", r.Description)
		case r.Ports != Port(22) && ok:
			t.Errorf("other rules stay permanent: %q", r.Description)
		}
		if ok {
			temporary++
		}
	}
	if temporary == 0 {
		t.Fatal("no temporary rule")
	}
	// Reopened, the draft has the same temporary selection, and the plan
	// comes back unchanged.
	r := DraftFromPlan(p)
	if !r.UntilOf(0, Ingress, ssh).Equal(until) {
		t.Errorf("reopened: SSH until %v", r.UntilOf(0, Ingress, ssh))
	}
	if again, err := r.Plan(); err != nil || !samePlan(again, p) {
		t.Errorf("the reopened plan differs: %v", err)
	}
	d.SetUntil(0, Ingress, ssh, time.Time{})
	p, _ = d.Plan()
	for _, r := range p.Groups[0].Ingress {
		if _, ok := ExpiryOf(r.Description); ok {
			t.Errorf("permanent again: %q", r.Description)
		}
	}
}

// TestByTags: untagged permanent rules first, then one part per set of
// tags (an expiry is one) in order of first appearance.
func TestByTags(t *testing.T) {
	at := time.Date(2026, 11, 23, 22, 0, 0, 0, time.UTC)
	a := Temporary(rule(t, "tcp", "22", "198.51.100.7/32", "me"), at)
	b := rule(t, "tcp", "443", "0.0.0.0/0", "web")
	c := Temporary(rule(t, "tcp", "3389", "198.51.100.7/32", "rdp"), at.Add(time.Hour))
	d := Temporary(rule(t, "tcp", "22", "198.51.100.8/32", "you"), at)
	e := rule(t, "tcp", "80", "0.0.0.0/0", "web")
	e.Tags = NewTags(Tag{"team", "web"})
	f := d
	f.Tags = NewTags(Tag{"team", "web"})
	parts := ByTags([]Rule{a, b, c, d, e, f})
	var got []string
	for _, p := range parts {
		got = append(got, fmt.Sprintf("%d [%s] %s", len(p.Rules), p.Tags, p.Expires))
	}
	want := []string{"1 [] ", "2 [sgwiz:expires=2026-11-23T22:00:00Z] 2026-11-23T22:00:00Z", "1 [sgwiz:expires=2026-11-23T23:00:00Z] 2026-11-23T23:00:00Z",
		"1 [team=web] ", "1 [sgwiz:expires=2026-11-23T22:00:00Z, team=web] 2026-11-23T22:00:00Z"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("parts:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
