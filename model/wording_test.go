package model_test

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/sgwiz/sgwiz/internal/findingtest"
	"github.com/sgwiz/sgwiz/model"
)

// flag is a command-line flag named in a text: --office-cidr.
var flag = regexp.MustCompile(`(^|[\s(])--[a-z]`)

// elsewhere says every pointer as a front end without flags would.
func elsewhere() model.Wording {
	w := model.Wording{}
	for name := range model.Commands {
		w[name] = "<" + name + ">"
	}
	return w
}

// TestFixesNameFlagsOnlyForTheCommands: no finding of the corpus names a
// flag in a front end's words; the commands' words (Fix, which lint and
// audit print) are the same text with the flags.
func TestFixesNameFlagsOnlyForTheCommands(t *testing.T) {
	w := elsewhere()
	seen := map[string]bool{}
	for _, c := range findingtest.Corpus {
		p, _, err := model.ParsePlan(c.Plan())
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		for _, f := range p.Check() {
			if got := f.FixIn(w); flag.MatchString(got) {
				t.Errorf("%s: %s's fix names a flag outside the commands: %q", c.Name, f.ID, got)
			}
			if got := f.FixIn(model.Commands); got != f.Fix {
				t.Errorf("%s: %s: in the commands' words %q, Fix %q", c.Name, f.ID, got, f.Fix)
			}
			seen[f.ID] = true
		}
	}
	for _, id := range []string{"world-admin-port", "world-database-port"} {
		if !seen[id] {
			t.Errorf("the corpus has no %s finding to word", id)
		}
	}
}

// TestSSHFixPointsToTheOffice: the world-admin-port fix says the office
// as each front end gives it — lint's flag, the wizard's own words — and
// keeps the rules it names after it.
func TestSSHFixPointsToTheOffice(t *testing.T) {
	u, _ := model.LookupUseCase("web")
	p, err := u.Build(model.Inputs{SSHFrom: model.SSHWorld})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range p.Check() {
		if f.ID != "world-admin-port" {
			continue
		}
		if want := "Allow it only from your office CIDR (--office-cidr), or use Systems Manager Session Manager and remove the rule."; !strings.HasPrefix(f.Fix, want) {
			t.Errorf("lint's fix changed: %q", f.Fix)
		}
		got := f.FixIn(model.Wording{model.FieldOffice: "the office field"})
		if !strings.HasPrefix(got, "Allow it only from your office CIDR (the office field), or") || strings.Contains(got, "--") {
			t.Errorf("in the wizard's words: %q", got)
		}
		if rest := strings.TrimPrefix(f.Fix, "Allow it only from your office CIDR (--office-cidr), or use Systems Manager Session Manager and remove the rule."); !strings.HasSuffix(got, rest) {
			t.Errorf("the rules the fix names are lost: %q, want it to end %q", got, rest)
		}
		return
	}
	t.Fatal("SSH from the world: no world-admin-port finding")
}

// TestErrorsPointToAnswersInEachFrontEndsWords: an error that names a
// flag says it in the commands' words, and in a front end's through
// Wording.Error, wrapped or not.
func TestErrorsPointToAnswersInEachFrontEndsWords(t *testing.T) {
	groups := make([]model.Group, 6)
	for i := range groups {
		groups[i] = model.Group{ID: fmt.Sprintf("sg-%017d", i)}
	}
	tagErr := model.ValidateRuleTags([]model.Tag{{Key: model.ExpiresTag, Value: "2030-01-01T00:00:00Z"}})
	for _, tt := range []struct {
		name     string
		err      error
		commands string
	}{
		{"interface", fmt.Errorf("planning the attachment: %w", model.CheckInterface("eni-1", groups, 5)), "replace one with --replace sg-…"},
		{"expiry tag", tagErr, "(sgwiz allow, the wizard's l, --admin-for)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(tt.err.Error(), tt.commands) {
				t.Errorf("the commands' words changed: %q", tt.err.Error())
			}
			got := elsewhere().Error(tt.err)
			if flag.MatchString(got) || !strings.Contains(got, "<") {
				t.Errorf("in a front end's words: %q", got)
			}
			if errors.Unwrap(tt.err) != nil && !strings.HasPrefix(got, "planning the attachment: ") {
				t.Errorf("what wraps the error is lost: %q", got)
			}
		})
	}
}

// TestCountedSaysOneInTheSingular: "1 rule", never "1 rules".
func TestCountedSaysOneInTheSingular(t *testing.T) {
	for n, want := range map[int]string{0: "0 rules", 1: "1 rule", 2: "2 rules"} {
		if got := model.Counted(n, "rule"); got != want {
			t.Errorf("%d: %q, want %q", n, got, want)
		}
	}
	if got := model.Counted(3, "entry"); got != "3 entries" {
		t.Errorf("%q", got)
	}
}
