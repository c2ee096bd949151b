package model

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestPlanFileRoundTripsByteForByte(t *testing.T) {
	for _, u := range UseCases() {
		p := mustBuild(t, u.ID, Inputs{Office: office, VPC: "vpc-0123456789abcdef0", Tags: []Tag{{"Owner", "ops"}, {"Env", "prod"}}})
		for _, form := range []struct {
			name   string
			encode func(Plan) ([]byte, error)
		}{{"yaml", Plan.YAML}, {"json", Plan.JSON}} {
			t.Run(u.ID+"/"+form.name, func(t *testing.T) {
				first, err := form.encode(p)
				if err != nil {
					t.Fatal(err)
				}
				q, warnings, err := ParsePlan(first)
				if err != nil || len(warnings) > 0 {
					t.Fatalf("loading what sgwiz wrote: %v %v\n%s", err, warnings, first)
				}
				if !reflect.DeepEqual(p, q) {
					t.Errorf("loaded plan differs from the saved one:\n%+v\n%+v", p, q)
				}
				second, _ := form.encode(q)
				if string(first) != string(second) {
					t.Errorf("load → save changed the file:\n%s\n---\n%s", first, second)
				}
			})
		}
	}
}

func TestPlanFileErrorsHaveLines(t *testing.T) {
	tests := []struct {
		name, file, want string
		line             int
	}{
		{"unknown top key", "version: 1\ngroupz: []\n", `unknown key "groupz"`, 2},
		{"unknown group key", "groups:\n  - name: web\n    description: d\n    colour: red\n    egress: default\n", `groups[0].colour: unknown key "colour"`, 4},
		{"unknown rule key", "groups:\n  - name: web\n    description: d\n    ingress:\n      - protocol: tcp\n        ports: \"22\"\n        source: 10.0.0.0/8\n    egress: default\n", `unknown key "source": the keys here are service, protocol, ports, from, description`, 7},
		{"bad port", "groups:\n  - name: web\n    description: d\n    ingress:\n      - protocol: tcp\n        ports: \"70000\"\n        from: 10.0.0.0/8\n    egress: default\n", "groups[0].ingress[0].ports: port 70000 is outside 0–65535", 6},
		{"reversed", "groups:\n  - name: web\n    description: d\n    ingress:\n      - {protocol: tcp, ports: 90-80, from: 10.0.0.0/8}\n    egress: default\n", "reversed: write 80-90", 5},
		{"bad protocol", "groups:\n  - name: web\n    description: d\n    egress:\n      - protocol: foo\n        to: 10.0.0.0/8\n", `unknown protocol "foo"`, 5},
		{"bad cidr", "groups:\n  - name: web\n    description: d\n    ingress:\n      - service: ssh\n        from: 10.0.0.0/33\n    egress: default\n", "groups[0].ingress[0].from", 6},
		{"unknown service", "groups:\n  - name: web\n    description: d\n    ingress:\n      - service: gopher\n        from: 10.0.0.0/8\n    egress: default\n", `unknown service "gopher"`, 5},
		{"missing from", "groups:\n  - name: web\n    description: d\n    ingress:\n      - service: ssh\n    egress: default\n", "missing from", 5},
		{"sg- name", "groups:\n  - name: sg-web\n    description: d\n    egress: default\n", "groups[0].name: name \"sg-web\" starts with sg-", 2},
		{"missing group ref", "groups:\n  - name: web\n    description: d\n    ingress:\n      - service: ssh\n        from: group:bastion\n    egress: default\n", `group "bastion" is not in the plan`, 6},
		{"description with quote", "groups:\n  - name: web\n    description: d\n    ingress:\n      - service: ssh\n        from: 10.0.0.0/8\n        description: \"it's\"\n    egress: default\n", "groups[0].ingress[0].description", 7},
		{"version", "version: 2\ngroups: []\n", "reads version 1", 1},
		{"use case", "use_case: blog\ngroups: []\n", `unknown use case "blog"`, 1},
		{"json unknown key", "{\n\t\"groups\": [\n\t\t{\"name\": \"web\", \"description\": \"d\", \"extra\": 1}\n\t]\n}\n", `unknown key "extra"`, 3},
		{"groups not a list", "groups: web\n", "expected a list of groups", 1},
		{"a list, not a plan", "[1, 2]\n", "the file holds a list, not a plan: a plan file is a mapping of version", 1},
		{"tcp port -1", "groups:\n  - name: web\n    description: d\n    ingress:\n      - protocol: tcp\n        ports: \"-1\"\n        from: 10.0.0.0/8\n    egress: default\n", "-1 is not a port: write 0-65535 (or all) for every tcp port, or protocol: all for all traffic", 6},
		{"control character", "groups:\n  - name: web\x01\n    egress: default\n", "column 14: control character U+0001", 2},
		{"C1 control character", "groups:\n  - name: web\n    description: \u0085ok \u0090\n    egress: default\n", "column 22: control character U+0090", 3},
		{"not UTF-8", "version: 1\ngroups:\n  - name: w\xffeb\n    egress: default\n", "column 12: byte 0xff is not UTF-8", 3},
		{"nested too deep", "groups:\n  - " + strings.Repeat("[", 65) + strings.Repeat("]", 65) + "\n", "column 69: brackets nested more than 64 deep", 2},
		{"a long unknown key", "version: 1\n" + strings.Repeat("k", 1000) + ": 1\n", `unknown key "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk… (1000 characters)"`, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ParsePlan([]byte(tt.file))
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("ParsePlan = %v, want field errors", err)
			}
			for _, e := range es {
				if strings.Contains(e.Error(), tt.want) {
					if e.Line != tt.line {
						t.Errorf("%q is reported at line %d, want %d", e, e.Line, tt.line)
					}
					return
				}
			}
			t.Errorf("no error saying %q in:\n%v", tt.want, err)
		})
	}
}

func TestPlanFileSyntaxErrorsAreClear(t *testing.T) {
	_, _, err := ParsePlan([]byte("groups:\n  - name: [unclosed\n    egress: default\n"))
	if err == nil || !strings.Contains(err.Error(), "not a valid plan file") || !strings.Contains(err.Error(), "line") {
		t.Errorf("syntax error = %v", err)
	}
	_, _, err = ParsePlan(nil)
	if err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty file error = %v", err)
	}
}

func TestHandWrittenPlanFile(t *testing.T) {
	file := `
use_case: custom
groups:
  - name: cache
    description: Redis for the app
    tags: {Team: platform}
    ingress:
      - service: redis
        from: [group:app, 10.0.0.5/24]
      - service: consul
        from: sg-0123456789abcdef0
    egress: []
  - name: app
    description: App
    egress: default
`
	p, warnings, err := ParsePlan([]byte(file))
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "10.0.0.5/24 has host bits set; using 10.0.0.0/24") {
		t.Errorf("warnings = %v, want the host bits reported", warnings)
	}
	cache := p.Groups[0]
	if len(cache.Ingress) != 2+10 {
		t.Errorf("redis from two peers and consul's ten ports should give 12 rules, got %d", len(cache.Ingress))
	}
	if cache.Ingress[1].Peer.String() != "10.0.0.0/24" {
		t.Errorf("host bits not cleared: %s", cache.Ingress[1].Peer)
	}
	if got := p.Groups[1].Egress; len(got) != 2 || got[0].Protocol != AllProtocols {
		t.Errorf("egress: default is AWS's default egress, got %v", got)
	}
	if cache.Tags[0] != (Tag{"Team", "platform"}) {
		t.Errorf("tags = %v", cache.Tags)
	}
}

func TestPlanFileInputIsBounded(t *testing.T) {
	one := "groups:\n  - name: web\n    description: d\n    ingress: []\n    egress: default\n"
	many := "groups:\n" + strings.Repeat("  - {name: g, description: d}\n", MaxPlanGroups+1)
	peers := "groups:\n  - name: web\n    description: d\n    egress: default\n    ingress:\n      - service: consul\n        from: [" + strings.TrimSuffix(strings.Repeat("10.0.0.0/8, ", 600), ", ") + "]\n"
	tests := []struct {
		name, file, want string
	}{
		{"second document", one + "---\n" + one, "line 6: file: a second YAML document starts here"},
		{"text after JSON", `{"groups": [{"name": "web", "description": "d"}]} trailing`, "text after the plan"},
		{"two JSON values", `{"groups": [{"name": "web", "description": "d"}]}{"groups": []}`, "text after the plan"},
		{"alias", "groups:\n  - name: web\n    description: &d text\n    egress: default\n  - name: db\n    description: *d\n    egress: default\n", "line 6: file: YAML alias *d: plan files do not take aliases"},
		{"too many groups", many, "at most 500"},
		{"too many rules", peers, "more than 5000 rules"},
		{"too large", strings.Repeat("#", MaxPlanFileSize+1), "at most 16 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ParsePlan([]byte(tt.file))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParsePlan = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestPlanFileCommentsMayHoldAnyText: a comment in any language is a
// comment (it was refused at its first byte above ASCII).
func TestPlanFileCommentsMayHoldAnyText(t *testing.T) {
	for _, c := range []string{"# café, naïve, 東京, 🙂", "version: 1 # Zürich office"} {
		doc := c + "\nversion: 1\ngroups:\n  - name: web\n    description: web\n    egress: default\n"
		if strings.HasPrefix(c, "version") {
			doc = c + "\ngroups:\n  - name: web\n    description: web\n    egress: default\n"
		}
		if _, _, err := ParsePlan([]byte(doc)); err != nil {
			t.Errorf("%q: %v", c, err)
		}
	}
}
