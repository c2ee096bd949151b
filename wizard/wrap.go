package wizard

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// marks open a message; its next lines start under the text after them.
var marks = []string{"✗ ", "⚠ ", "✓ "}

// wrapText word-wraps s, which may be styled, to width: a status, an
// error, a note or a hint is read whole, never cut at 80 columns. Its
// lines after the first are indented as it starts: its leading spaces,
// then as far as the mark it opens with (✗, ⚠, ✓).
func wrapText(s string, width int) []string {
	if lipgloss.Width(s) <= width {
		return []string{s}
	}
	body := strings.TrimLeft(s, " ")
	lead := s[:len(s)-len(body)]
	var hang strings.Builder
	hang.WriteString(lead)
	for _, m := range marks {
		if strings.HasPrefix(ansi.Strip(body), m) {
			hang.WriteString(strings.Repeat(" ", ansi.StringWidth(m)))
			break
		}
	}
	lines := strings.Split(lipgloss.Wrap(body, max(10, width-len(hang.String())), " "), "\n")
	for i, l := range lines {
		if i == 0 {
			lines[i] = lead + l
		} else {
			lines[i] = hang.String() + strings.TrimLeft(l, " ")
		}
	}
	return lines
}

// wrapLines is wrapText of each line of s, joined again.
func wrapLines(s string, width int) string {
	var out []string
	for l := range strings.SplitSeq(s, "\n") {
		out = append(out, wrapText(l, width)...)
	}
	return strings.Join(out, "\n")
}
