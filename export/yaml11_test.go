package export

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sgwiz/sgwiz/internal/testtool"
	"github.com/sgwiz/sgwiz/model"
)

// yaml11Strings are strings YAML 1.1 reads as something else when plain.
var yaml11Strings = []string{"yes", "No", "ON", "off", "y", "N", "true", "1:20", "190:20:30.15", "0777", "0b101", "0x1F", "1_000", "+12", ".5", "1e3",
	".inf", ".NaN", "~", "null", "=", "<<", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "12", "-0"}

// TestCloudFormationYAMLReadsBackAsYAML11: CloudFormation reads its YAML
// as YAML 1.1; every name, description and tag of the template reads back
// as the string it was (PyYAML, a YAML 1.1 reader), and cfn-lint takes it.
func TestCloudFormationYAMLReadsBackAsYAML11(t *testing.T) {
	python := testtool.Require(t, "python3", "apt-get install -y python3 python3-yaml (cfn-lint brings PyYAML)")
	p := model.Plan{UseCase: "custom"}
	var want []string
	for i, s := range yaml11Strings {
		g := model.Group{Name: "g" + s, Description: s, Tags: []model.Tag{{Key: "k" + s, Value: s}, {Key: s, Value: "v"}},
			Ingress: []model.Rule{{Protocol: model.TCP, Ports: model.Port(1000 + i), Peer: model.AnyIPv4, Description: s}}, Egress: []model.Rule{}}
		if i == 0 {
			g.Name = s // a group named yes
		}
		if strings.ContainsAny(s, "~<") { // not in names and descriptions: tags only
			g.Name, g.Description, g.Ingress[0].Description = fmt.Sprintf("t%d", i), "tags", "tags"
		}
		p.Groups = append(p.Groups, g)
		want = append(want, g.Name, g.Description, s, "k"+s)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	src, err := Render(CloudFormation, p)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "template.yaml")
	os.WriteFile(path, src, 0o644)
	// PyYAML with CloudFormation's two tags; each name, description, tag
	// key and value it read, as JSON.
	script := `import sys, json, yaml
class L(yaml.SafeLoader): pass
L.add_multi_constructor("!", lambda l, s, n: None)
doc = yaml.load(open(sys.argv[1]), Loader=L)
out = []
def walk(x):
    if isinstance(x, dict):
        for k, v in x.items():
            if k in ("GroupName", "GroupDescription", "Description", "Key", "Value"): out.append(v)
            walk(v)
    elif isinstance(x, list):
        for v in x: walk(v)
walk(doc["Resources"])
print(json.dumps([x if isinstance(x, str) else {"not a string": repr(x)} for x in out]))`
	out, err := exec.Command(python, "-c", script, path).CombinedOutput()
	if err != nil {
		if strings.Contains(string(out), "No module named 'yaml'") && os.Getenv("CI") != "true" {
			t.Skip("PyYAML is not installed: apt-get install -y python3-yaml")
		}
		t.Fatalf("PyYAML: %v\n%s", err, out)
	}
	var read []any
	if err := json.Unmarshal(out, &read); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, x := range read {
		if s, ok := x.(string); ok {
			got[s] = true
		} else {
			t.Errorf("YAML 1.1 reads a value as %v", x)
		}
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("%q does not read back as itself", w)
		}
	}
	lint := testtool.Require(t, "cfn-lint", "pip install cfn-lint")
	if out, err := exec.Command(lint, path).CombinedOutput(); err != nil && strings.Contains(string(out), "E") {
		t.Errorf("cfn-lint: %v\n%s", err, out)
	}
}
