package model

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// AddressBook names sets of CIDRs ("office" rather than 203.0.113.0/24),
// read from the config file's addresses key:
//
//	addresses:
//	  office: [203.0.113.0/24, 2001:db8::/48]
//	  vpn: [198.51.100.0/24]
//
// A set is used by name, @office, wherever a CIDR is taken (flags, plan
// files, the wizard's sources) and stands for all its CIDRs; rules hold
// the CIDRs, and the review shows the name beside them.
type AddressBook map[string][]netip.Prefix

// MaxAddressSet is the most CIDRs one name holds (a group's rule quota).
const MaxAddressSet = 60

var addressName = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,62}$`)

// ParseAddressBook reads a config file; errors name the line and the key.
// An empty file is an empty book.
func ParseAddressBook(data []byte) (AddressBook, error) {
	b, _, err := ParseAddressBookNoting(data)
	return b, err
}

// ParseAddressBookNoting is ParseAddressBook with notes of what was
// accepted but changed, as a plan file's: a CIDR's host bits cleared.
func ParseAddressBookNoting(data []byte) (book AddressBook, notes []string, err error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return AddressBook{}, nil, nil
		}
		return nil, nil, fmt.Errorf("not valid YAML: %w", err)
	}
	if n := findAlias(&doc); n != nil {
		return nil, nil, fmt.Errorf("line %d: YAML alias *%s: write the value out in full", n.Line, n.Value)
	}
	book = AddressBook{}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, nil, fmt.Errorf("line %d: the config file is a mapping with the key addresses", root.Line)
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value != "addresses" {
			return nil, nil, fmt.Errorf("line %d: unknown key %q: the config file holds addresses (named CIDR sets)", k.Line, k.Value)
		}
		if v.Kind != yaml.MappingNode {
			return nil, nil, fmt.Errorf("line %d: addresses maps names to lists of CIDRs, such as office: [203.0.113.0/24]", v.Line)
		}
		for j := 0; j+1 < len(v.Content); j += 2 {
			name, set := v.Content[j], v.Content[j+1]
			if !addressName.MatchString(name.Value) {
				return nil, nil, fmt.Errorf("line %d: addresses: %q is not a name: lowercase letters, digits, - and _, starting with a letter", name.Line, name.Value)
			}
			if _, dup := book[name.Value]; dup {
				return nil, nil, fmt.Errorf("line %d: addresses: %s is named twice", name.Line, name.Value)
			}
			items := []*yaml.Node{set}
			if set.Kind == yaml.SequenceNode {
				items = set.Content
			}
			var prefixes []netip.Prefix
			for _, it := range items {
				if it.Kind != yaml.ScalarNode {
					return nil, nil, fmt.Errorf("line %d: addresses.%s: give CIDRs, such as 203.0.113.0/24", it.Line, name.Value)
				}
				p, note, err := ParseCIDR(it.Value)
				switch {
				case err != nil:
					return nil, nil, fmt.Errorf("line %d: addresses.%s: %v", it.Line, name.Value, err)
				case note != "":
					notes = append(notes, fmt.Sprintf("line %d: addresses.%s: %s", it.Line, name.Value, note))
				}
				if !slices.Contains(prefixes, p) {
					prefixes = append(prefixes, p)
				}
			}
			if err := NotAPlace(prefixes); err != nil {
				return nil, nil, fmt.Errorf("line %d: addresses.%s: %v", name.Line, name.Value, err)
			}
			if len(prefixes) == 0 || len(prefixes) > MaxAddressSet {
				return nil, nil, fmt.Errorf("line %d: addresses.%s holds %d CIDRs: a set holds 1 to %d", name.Line, name.Value, len(prefixes), MaxAddressSet)
			}
			book[name.Value] = prefixes
		}
	}
	return book, notes, nil
}

// Names are the book's names, sorted.
func (b AddressBook) Names() []string {
	names := make([]string, 0, len(b))
	for n := range b {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// IsAddressRef reports whether s names a set of the book (@office).
func IsAddressRef(s string) bool { return strings.HasPrefix(strings.TrimSpace(s), "@") }

// Resolve returns the CIDRs of @name.
func (b AddressBook) Resolve(ref string) ([]netip.Prefix, error) {
	name := strings.TrimPrefix(strings.TrimSpace(ref), "@")
	if set, ok := b[name]; ok {
		return slices.Clone(set), nil
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("%s names a set of the address book, which is empty: add it to the config file (addresses: {%s: [203.0.113.0/24]})", ref, name)
	}
	return nil, fmt.Errorf("%s is not in the address book: it names %s", ref, strings.Join(b.Names(), ", "))
}

// NameOf is the name of the set that holds p ("" when none does), for
// showing rules by name.
func (b AddressBook) NameOf(p netip.Prefix) string {
	for _, n := range b.Names() {
		if slices.Contains(b[n], p) {
			return n
		}
	}
	return ""
}
