package ui

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/sgwiz/sgwiz/model"
)

func rule(t *testing.T, proto, ports, peer string) model.Rule {
	r, err := model.NewRule(proto, ports, peer, "d")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestReadoutSaysItInPlainWords(t *testing.T) {
	tests := []struct {
		d    model.Direction
		r    model.Rule
		want string
	}{
		{model.Ingress, rule(t, "tcp", "443", "::/0"), "Anyone on the internet (IPv6) can open HTTPS (TCP 443) connections to this instance; replies are allowed automatically."},
		{model.Ingress, rule(t, "tcp", "22", "203.0.113.10"), "Only the address 203.0.113.10 can open SSH (TCP 22) connections"},
		{model.Ingress, rule(t, "tcp", "3306", "group:app"), "Instances in the group app can open MYSQL/Aurora"},
		{model.Egress, rule(t, "all", "", "0.0.0.0/0"), "This instance can open any kind of traffic, on every port to anyone on the internet (IPv4)"},
		{model.Ingress, rule(t, "udp", "8000-9000", "10.0.0.0/8"), "The 16,777,216 addresses of 10.0.0.0/8 can open UDP traffic on 8000 - 9000"},
		{model.Ingress, rule(t, "tcp", "22", "0.0.0.0/1"), "More than half the internet (0.0.0.0/1, 2,092,957,696 public addresses) can open SSH"},
		{model.Ingress, rule(t, "tcp", "22", "172.0.0.0/11"), "The 2,097,152 addresses of 172.0.0.0/11 (1,048,576 of them public) can open SSH"},
	}
	for _, tt := range tests {
		if got := Readout("this instance", tt.d, tt.r); !strings.Contains(got, tt.want) {
			t.Errorf("Readout = %q, want it to contain %q", got, tt.want)
		}
	}
}

func TestFitKeepsStylesAndWidth(t *testing.T) {
	st := NewStyles(true)
	s := st.Error.Render("a long styled text")
	got := Fit(s, 8)
	if w := lipgloss.Width(got); w != 8 {
		t.Errorf("width %d", w)
	}
	if plain := ansi.Strip(got); plain != "a long …" {
		t.Errorf("cut to %q, want \"a long …\"", plain)
	}
	if !strings.HasPrefix(got, "\x1b[") {
		t.Errorf("the style was lost: %q", got)
	}
	if got := Fit("ab", 5); got != "ab   " {
		t.Errorf("padding: %q", got)
	}
}

func TestRuleTableFitsTheWidth(t *testing.T) {
	rules := []model.Rule{rule(t, "tcp", "443", "0.0.0.0/0"), rule(t, "tcp", "8000-9000", "2001:db8:1234:5678::/64")}
	rules[1].Description = strings.Repeat("long description ", 10)
	for _, w := range []int{40, 80, 120} {
		for line := range strings.SplitSeq(strings.TrimRight(RuleTable(NewStyles(false), model.Ingress, rules, w, 1), "\n"), "\n") {
			if lipgloss.Width(line) > w {
				t.Errorf("at %d a line is %d wide: %q", w, lipgloss.Width(line), line)
			}
		}
	}
}
