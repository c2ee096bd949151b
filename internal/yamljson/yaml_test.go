package yamljson_test

import (
	"bytes"
	"testing"

	"github.com/sgwiz/sgwiz/export"
	"github.com/sgwiz/sgwiz/internal/plantest"
	"github.com/sgwiz/sgwiz/internal/yamljson"
	"go.yaml.in/yaml/v3"
)

// whole is what one yaml.v3 encoder writes.
func whole(t testing.TB, n *yaml.Node) ([]byte, error) {
	t.Helper()
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// same checks that the text of src, read into nodes and written piece by
// piece, is what one encoder writes. Text yaml.v3 cannot read or write
// back is skipped when fuzzing and an error otherwise.
func same(t *testing.T, src []byte, fuzzing bool) {
	t.Helper()
	var n yaml.Node
	err := yaml.Unmarshal(src, &n)
	var want []byte
	if err == nil && n.Kind != 0 {
		want, err = whole(t, &n)
	}
	if err != nil || n.Kind == 0 {
		if !fuzzing {
			t.Fatalf("yaml.v3 cannot read and write it: %v\n%s", err, src)
		}
		return
	}
	got, err := yamljson.MarshalYAML(&n)
	if err != nil {
		t.Fatalf("MarshalYAML: %v, one encoder wrote\n%s", err, want)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("written in pieces:\n%s\none encoder:\n%s", got, want)
	}
}

func TestMarshalYAMLIsOneEncodersText(t *testing.T) {
	for _, p := range []struct {
		name string
		plan func() ([]byte, error)
	}{
		{"quota plan", plantest.QuotaPlan().YAML},
		{"catalogue plan", plantest.CataloguePlan().YAML},
	} {
		data, err := p.plan()
		if err != nil {
			t.Fatal(err)
		}
		t.Run(p.name, func(t *testing.T) { same(t, data, false) })
		plan := plantest.QuotaPlan()
		if p.name == "catalogue plan" {
			plan = plantest.CataloguePlan()
		}
		cfn, err := export.Render(export.CloudFormation, plan)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(p.name+" as CloudFormation", func(t *testing.T) { same(t, cfn, false) })
	}
	t.Run("comments and block scalars", func(t *testing.T) {
		same(t, []byte("# head\na: 1\n# before b\nb:\n  - x\n  - |\n    two\n\n    lines\n  - y # line\n  - z\n  - 1\n  - 2\n  - 3\n  - 4\n  - 5\nc:\n  k1: v\n  k2: v\n  k3: v\n  k4: v\n  k5: v\n  k6: v\n  k7: v\n  k8: v\n  # foot of k9\n  k9: {a: b}\n"), false)
	})
}

// FuzzMarshalYAML: whatever yaml.v3 reads and writes, MarshalYAML writes
// the same.
func FuzzMarshalYAML(f *testing.F) {
	f.Add([]byte("a: 1\nb: [1, 2]\nc:\n  - 1\n  - 2\n  - 3\n  - 4\n  - 5\n  - 6\n  - 7\n  - 8\n  - 9\n"))
	f.Add([]byte("groups:\n  - name: a\n    egress: default\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		same(t, data, true)
	})
}
