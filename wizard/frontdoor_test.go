package wizard_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sgwiz/sgwiz/internal/cli"
	"github.com/sgwiz/sgwiz/model"
	"github.com/sgwiz/sgwiz/wizard"
)

// TestTheWizardAndTheFlagsReadTextAlike feeds the same typed text to the
// wizard's fields and to the flags, and holds them to one plan and the
// same notes: each reads it with model's one parser of that kind of value.
func TestTheWizardAndTheFlagsReadTextAlike(t *testing.T) {
	t.Parallel()
	const config = "addresses:\n  office: [198.51.100.0/28, 2001:db8:1::/48]\n"
	for _, tt := range []struct {
		name, useCase, office, tags string
		wantNote                    string // a note both must say ("" none)
	}{
		// The flags said nothing here, where the wizard warned.
		{"a private office", "web", "10.0.0.5", "", "10.0.0.5/32 is private use (RFC 1918) space (10.0.0.0/8), not a public address"},
		// The flags kept the spaces in the key ' Owner '.
		{"a tag typed with spaces", "web", "52.94.76.10", " Owner = team ,env=prod", ""},
		{"host bits", "bastion", "198.51.100.7/24", "", "198.51.100.7/24 has host bits set; using 198.51.100.0/24"},
		{"a list with a name of the book", "windows", "@office 192.0.2.1", "Owner=ops", "192.0.2.1/32 is documentation (TEST-NET-1) space"},
		{"IPv6", "database", "2001:db8::1", "", "2001:db8::1/128 is documentation space"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			cfg := filepath.Join(dir, "config.yaml")
			if err := os.WriteFile(cfg, []byte(config), 0o644); err != nil {
				t.Fatal(err)
			}
			book, err := model.ParseAddressBook([]byte(config))
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "plan.yaml")
			args := []string{"plan", "--use-case", tt.useCase, "--office-cidr", tt.office, "-o", out}
			if tt.tags != "" {
				args = append(args, "--tag", tt.tags)
			}
			var stdout, stderr bytes.Buffer
			env := &cli.Env{In: strings.NewReader(""), Out: &stdout, Err: &stderr,
				Getenv: func(k string) string { return map[string]string{"SGWIZ_CONFIG": cfg}[k] }}
			if code := cli.Run(args, env); code != 0 {
				t.Fatalf("sgwiz %s: exit %d\n%s", strings.Join(args, " "), code, stderr.String())
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			fromFlags, _, err := model.ParsePlan(data)
			if err != nil {
				t.Fatal(err)
			}
			fromWizard, screens := wizard.FrontDoor(t, book, tt.useCase, tt.office, tt.tags)
			a, _ := fromFlags.YAML()
			b, _ := fromWizard.YAML()
			if !bytes.Equal(a, b) {
				t.Errorf("the flags and the wizard made different plans:\nflags:\n%s\nwizard:\n%s", a, b)
			}
			var notes []string
			for line := range strings.Lines(stderr.String()) {
				if n, ok := strings.CutPrefix(strings.TrimSpace(line), "sgwiz: note: --office-cidr: "); ok {
					notes = append(notes, n)
				}
			}
			flat := strings.Join(strings.Fields(screens), " ")
			for _, n := range notes {
				if !strings.Contains(flat, strings.Join(strings.Fields(n), " ")) {
					t.Errorf("the flags noted %q; the wizard did not:\n%s", n, screens)
				}
			}
			if tt.wantNote != "" && !strings.Contains(strings.Join(notes, "\n"), tt.wantNote) {
				t.Errorf("the flags did not note %q:\n%s", tt.wantNote, stderr.String())
			}
			if tt.wantNote == "" && len(notes) > 0 {
				t.Errorf("notes on a plain office: %q", notes)
			}
		})
	}
}
