package model

import (
	"reflect"
	"strings"
	"testing"
)

// The seeds live in testdata/fuzz; go test runs them, go test -fuzz grows them.

func FuzzParsePeer(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		p, _, err := ParsePeer(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error must say something")
			}
			return
		}
		q, note, err := ParsePeer(p.String())
		if err != nil || q != p || note != "" {
			t.Fatalf("%q parsed to %v, whose text %q parses to %v, %q, %v", s, p, p.String(), q, note, err)
		}
	})
}

func FuzzParsePortRange(f *testing.F) {
	f.Fuzz(func(t *testing.T, proto, ports string) {
		p, err := ParseProtocol(proto)
		if err != nil {
			return
		}
		r, err := ParsePortRange(p, ports)
		if err != nil {
			return
		}
		if msg := r.valid(p); msg != "" {
			t.Fatalf("ParsePortRange(%s, %q) accepted an invalid range: %s", p, ports, msg)
		}
		back, err := ParsePortRange(p, r.Format(p))
		if err != nil || back != r {
			t.Fatalf("%q → %v → %q → %v, %v", ports, r, r.Format(p), back, err)
		}
	})
}

func FuzzParsePlan(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		p, _, err := ParsePlan(data)
		if err != nil {
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("ParsePlan returned an invalid plan: %v", err)
		}
		if n, _, ok := countGroups(data); ok && n != len(p.Groups) {
			t.Fatalf("counted %d groups before reading, read %d", n, len(p.Groups))
		}
		_ = p.Check()
		for _, encode := range []func(Plan) ([]byte, error){Plan.YAML, Plan.JSON} {
			out, err := encode(p)
			if err != nil {
				t.Fatalf("cannot save a loaded plan: %v", err)
			}
			q, _, err := ParsePlan(out)
			if err != nil {
				t.Fatalf("cannot load what was saved: %v\n%s", err, out)
			}
			// The file holds each rule once: what was merged on loading
			// is gone from it.
			merged := p
			merged.Groups = append([]Group(nil), p.Groups...)
			for i := range merged.Groups {
				merged.Groups[i].Merged = nil
			}
			if !reflect.DeepEqual(merged, q) {
				t.Fatalf("save → load changed the plan:\n%+v\n%+v", merged, q)
			}
			again, _ := encode(q)
			if string(again) != string(out) {
				t.Fatalf("save → load → save changed the file:\n%s\n%s", out, again)
			}
		}
	})
}

// FuzzParseAddressBook: any config file is a book or an error that says
// something; every CIDR of a book is one a rule takes, never everyone.
func FuzzParseAddressBook(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ParseAddressBook(data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error must say something")
			}
			return
		}
		for _, name := range b.Names() {
			set, err := b.Resolve("@" + name)
			if err != nil || len(set) == 0 || len(set) > MaxAddressSet {
				t.Fatalf("%s: %v %v", name, set, err)
			}
			for _, p := range set {
				if q, note, err := ParseCIDR(p.String()); err != nil || note != "" || q != p || p.Bits() == 0 {
					t.Fatalf("%s holds %v", name, p)
				}
			}
		}
	})
}

// FuzzParseLifetime: a lifetime read is within the bounds.
func FuzzParseLifetime(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseLifetime(s)
		if err == nil && (d < MinLifetime || d > MaxLifetime) {
			t.Fatalf("%q read as %v", s, d)
		}
	})
}

func FuzzParseTags(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		tags, err := ParseTags(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error must say something")
			}
			return
		}
		set := NewTags(tags...)
		if set.Len() > len(tags) {
			t.Fatalf("%q: %d tags became %d", s, len(tags), set.Len())
		}
		// What String writes reads back as the same set, unless a key or
		// value holds the separators themselves.
		if strings.ContainsAny(s, "\x00") {
			return
		}
		for _, tag := range tags {
			if strings.ContainsAny(tag.Key+tag.Value, ",=") || strings.TrimSpace(tag.Value) != tag.Value {
				return
			}
		}
		back, err := ParseTags(set.String())
		if err != nil || NewTags(back...) != set {
			t.Fatalf("%q → %v → %q → %v, %v", s, set.List(), set.String(), back, err)
		}
	})
}
