package model

import (
	"slices"
	"strings"
	"testing"
)

// keysOf are a direction's rules of group g as "key description" lines.
func keysOf(p Plan, g int, dir Direction) []string {
	var out []string
	for _, r := range p.Groups[g].Rules(dir) {
		out = append(out, ruleLine(r))
	}
	return out
}

func ruleLine(r Rule) string {
	return r.Protocol.String() + " " + r.PortText() + " " + r.Peer.String() + " | " + r.Description
}

// alone is a description as it reads once its "anywhere" pair is gone.
func alone(line string) string {
	return strings.NewReplacer(" (IPv4)", "", " (IPv6)", "").Replace(line)
}

// TestOneRuleIsEditedAndNothingElse: for every preset variant and every
// rule of every group, deleting the rule from the review removes that rule
// only, and describing it changes that description only; the other rules
// stay with their descriptions (an "anywhere" rule left alone drops its
// "(IPv4)").
func TestOneRuleIsEditedAndNothingElse(t *testing.T) {
	checked := 0
	for _, v := range presetVariants() {
		d, err := v.u.Draft(v.in)
		if err != nil {
			t.Fatal(err)
		}
		before, err := d.Plan()
		if err != nil {
			continue
		}
		for g := range d.Groups {
			for _, dir := range []Direction{Ingress, Egress} {
				want := keysOf(before, g, dir)
				for i := range want {
					checked++
					c := d.Clone()
					if err := c.RemoveRule(g, dir, i); err != nil {
						t.Fatal(err)
					}
					after, err := c.Plan()
					if err != nil {
						// A tier left without its only rule is still a plan; a
						// selection is never left without sources.
						t.Fatalf("%s: removing %s: %v", v.u.ID, want[i], err)
					}
					got := keysOf(after, g, dir)
					rest := slices.Delete(slices.Clone(want), i, i+1)
					if !sameLines(got, rest) {
						t.Fatalf("%s %s: removing %s\n got %q\nwant %q", v.u.ID, dir, want[i], got, rest)
					}
					if dir == Egress && c.Egress != EgressCustom {
						t.Errorf("an outbound rule removed by hand makes the policy custom, not %s", c.Egress)
					}
					c = d.Clone()
					if err := c.SetRuleDescription(g, dir, i, "edited in the review"); err != nil {
						t.Fatal(err)
					}
					after, _ = c.Plan()
					got = keysOf(after, g, dir)
					edited := slices.Clone(want)
					edited[i] = strings.SplitN(want[i], " | ", 2)[0] + " | edited in the review"
					if !sameLines(got, edited) {
						t.Fatalf("%s %s: describing %s\n got %q\nwant %q", v.u.ID, dir, want[i], got, edited)
					}
				}
			}
		}
	}
	if checked < 1000 {
		t.Errorf("only %d rules edited", checked)
	}
	web, _ := LookupUseCase("web")
	d, _ := web.Draft(Inputs{Office: office})
	if err := d.SetRuleDescription(0, Ingress, 0, "bad\ndescription"); err == nil {
		t.Error("a description AWS refuses is refused")
	}
	if err := d.RemoveRule(0, Ingress, 99); err == nil || !strings.Contains(err.Error(), "no rule 100") {
		t.Errorf("a rule that is not there: %v", err)
	}
}

// sameLines compares rule lines as a set in order of the wanted ones,
// allowing a lone "anywhere" rule to drop its "(IPv4)"/"(IPv6)".
func sameLines(got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	left := slices.Clone(got)
	for _, w := range want {
		i := slices.IndexFunc(left, func(g string) bool { return g == w || alone(g) == alone(w) })
		if i < 0 {
			return false
		}
		left = slices.Delete(left, i, i+1)
	}
	return true
}
