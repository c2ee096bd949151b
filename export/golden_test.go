package export

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/sgwiz/sgwiz/model"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGolden compares every format of the web, load-balancer and three-tier
// presets, and of an imported plan, with the reviewed files in
// testdata/golden.
func TestGolden(t *testing.T) {
	for _, id := range []string{"web", "alb", "three-tier", "imported"} {
		var p model.Plan
		formats := Formats
		if id == "imported" {
			// Groups that exist already, with rule ids and tags; a stack
			// cannot adopt them (TestCloudFormationSaysWhatItCannotHold).
			p, formats = importedPlan(t), []Format{Terraform, AWSCLI, JSON, Markdown}
		} else {
			p = presetPlan(t, id)
		}
		for _, f := range formats {
			name := filepath.Join("testdata", "golden", id+"."+string(f)+f.Extension())
			t.Run(id+"/"+string(f), func(t *testing.T) {
				got, err := Render(f, p)
				if err != nil {
					t.Fatal(err)
				}
				if *update {
					if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(name, got, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(name)
				if err != nil {
					t.Fatalf("%v (run go test ./export -update, then read the file)", err)
				}
				if string(got) != string(want) {
					t.Errorf("%s differs from %s; if the change is intended, run go test ./export -run TestGolden -update and review the diff", id, name)
				}
			})
		}
	}
}
