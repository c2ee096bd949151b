package model

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// A file of 100,000 groups is refused before it is read into nodes: the
// count costs a small part of the file's size, not 190 MB.
func TestTooManyGroupsAreRefusedBeforeReading(t *testing.T) {
	yamlFile := func(indent string) []byte {
		var b bytes.Buffer
		b.WriteString("version: 1\n# a comment\ngroups:\n")
		for i := range 100_000 {
			fmt.Fprintf(&b, "%s- name: g%d\n%s  egress: default\n", indent, i, indent)
		}
		return b.Bytes()
	}
	jsonFile := func() []byte {
		var b bytes.Buffer
		b.WriteString("{\n  \"version\": 1,\n  \"groups\": [\n")
		for i := range 100_000 {
			if i > 0 {
				b.WriteString(",\n")
			}
			fmt.Fprintf(&b, "    {\"name\": \"g%d\", \"egress\": \"default\"}", i)
		}
		b.WriteString("\n  ]\n}\n")
		return b.Bytes()
	}
	for _, c := range []struct {
		name string
		data []byte
		line int
	}{
		{"YAML", yamlFile("  "), 3},
		{"YAML, items at the key's indent", yamlFile(""), 3},
		{"JSON", jsonFile(), 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, _, err := ParsePlan(c.data)
			runtime.ReadMemStats(&after)
			if err == nil || !strings.Contains(err.Error(), "100000 groups: a plan holds at most 500") || !strings.Contains(err.Error(), fmt.Sprintf("line %d", c.line)) {
				t.Fatalf("err = %v", err)
			}
			if used := after.TotalAlloc - before.TotalAlloc; used > 2*uint64(len(c.data)) {
				t.Errorf("refusing a %d-byte file allocated %d bytes: it was read whole first", len(c.data), used)
			}
		})
	}
}

// The count reads what the full reading reads: lists inside a group, block
// text and comments at any indent do not count as groups.
func TestCountGroupsAgreesWithTheReading(t *testing.T) {
	for _, src := range []string{
		"groups:\n  - name: a\n    description: >-\n      - not a group\n      - nor this\n    ingress:\n      - {protocol: tcp, ports: \"22\", from: 10.0.0.0/8}\n    egress: default\n# - a comment\n  - name: b\n    description: b\n    egress: []\nversion: 1\n",
		"version: 1\ngroups:\n- name: a\n  description: a\n  egress: default\n- name: b\n  description: b\n  egress: default\nname: x\n",
		"groups: [{name: a, description: a, egress: default}]\n",
		`{"groups": [{"name": "a", "description": "a, [b]: {c}", "egress": "default"}, {"name": "b", "description": "b", "egress": "default"}]}`,
	} {
		p, _, err := ParsePlan([]byte(src))
		if err != nil {
			t.Fatalf("%v\n%s", err, src)
		}
		n, _, ok := countGroups([]byte(src))
		if flow := strings.HasPrefix(src, "groups: ["); ok == flow || ok && n != len(p.Groups) {
			t.Errorf("counted %d (%v), read %d groups:\n%s", n, ok, len(p.Groups), src)
		}
	}
}
