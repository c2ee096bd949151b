package ui

import (
	"fmt"
	"image/color"
	"math"
	"reflect"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/sgwiz/sgwiz/model"
)

// WCAG 2 AA: 4.5:1 for text, 3:1 for what marks a state without being
// read (a border, the text cursor).
const (
	minTextContrast = 4.5
	minMarkContrast = 3.0
)

// palettes are the backgrounds each palette is drawn on: a dark terminal
// is black or a typical #1e1e1e, a light one white.
var palettes = []struct {
	name string
	dark bool
	bgs  []color.Color
}{
	{"dark", true, []color.Color{lipgloss.Color("#000000"), lipgloss.Color("#1e1e1e")}},
	{"light", false, []color.Color{lipgloss.Color("#ffffff")}},
}

// luminance is the WCAG relative luminance of c.
func luminance(c color.Color) float64 {
	lin := func(v uint32) float64 {
		x := float64(v) / 0xffff
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	r, g, b, _ := c.RGBA()
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is the WCAG contrast ratio of two colours, from 1 to 21.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

func isSet(c color.Color) bool {
	_, none := c.(lipgloss.NoColor)
	return c != nil && !none
}

func hex(c color.Color) string {
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("#%02x%02x%02x", r>>8, g>>8, b>>8)
}

// namedStyle is a style of Styles with the path that reaches it.
type namedStyle struct {
	name  string
	style lipgloss.Style
}

// allStyles walks Styles and the bubbles styles it holds (help, list
// items, text fields), so that a style added later is checked too.
func allStyles(st Styles) (styles []namedStyle, marks map[string]color.Color) {
	marks = map[string]color.Color{}
	var walk func(path string, v reflect.Value)
	walk = func(path string, v reflect.Value) {
		switch x := v.Interface().(type) {
		case lipgloss.Style:
			styles = append(styles, namedStyle{path, x})
			return
		case color.Color:
			marks[path] = x
			return
		}
		if v.Kind() != reflect.Struct {
			return
		}
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				walk(strings.TrimPrefix(path+"."+f.Name, "."), v.Field(i))
			}
		}
	}
	walk("", reflect.ValueOf(st))
	for sev := model.Info; sev <= model.Critical; sev++ {
		styles = append(styles, namedStyle{"Severity(" + sev.String() + ")", st.Severity(sev)})
	}
	return styles, marks
}

// asDrawn is the colour a terminal shows for c: as given (true colour)
// and downsampled to the 256-colour palette, where the program does that.
func asDrawn(c color.Color) []color.Color {
	return []color.Color{c, colorprofile.ANSI256.Convert(c)}
}

// TestTextContrastReachesAA: every text style's foreground, in true colour
// and downsampled to 256 colours, reaches 4.5:1 (WCAG AA) against the
// backgrounds of its palette, and against its own background where it
// sets one; borders and the text cursor, which mark a state, reach 3:1.
func TestTextContrastReachesAA(t *testing.T) {
	for _, p := range palettes {
		styles, marks := allStyles(NewStyles(p.dark))
		for _, bg := range p.bgs {
			for _, ns := range styles {
				checkText(t, p.name, ns, bg)
				if c := ns.style.GetBorderLeftForeground(); isSet(c) && ns.style.GetBorderLeft() {
					checkMark(t, p.name, ns.name+" border", c, bg)
				}
			}
			for name, c := range marks {
				checkMark(t, p.name, name, c, bg)
			}
		}
	}
}

func checkText(t *testing.T, palette string, ns namedStyle, termBg color.Color) {
	t.Helper()
	s := ns.style
	fg, bg := s.GetForeground(), s.GetBackground()
	if s.GetFaint() {
		t.Errorf("%s %s is faint: how faint is up to the terminal; choose a colour", palette, ns.name)
	}
	switch {
	case !isSet(fg) && isSet(bg):
		t.Errorf("%s %s sets a background (%s) but no foreground: the terminal's text colour may not read on it", palette, ns.name, hex(bg))
		return
	case !isSet(fg):
		return // the terminal's own text colour on its own background
	}
	// The terminal's background is what it is; the colours we give are
	// drawn as given or downsampled.
	fgs, bgs := asDrawn(fg), []color.Color{termBg}
	if isSet(bg) {
		bgs = asDrawn(bg)
	}
	if s.GetReverse() {
		fgs, bgs = bgs, fgs
	}
	for _, f := range fgs {
		for _, b := range bgs {
			if r := contrast(f, b); r < minTextContrast {
				t.Errorf("%s %s: %s on %s is %.2f:1, want at least %.1f:1", palette, ns.name, hex(f), hex(b), r, minTextContrast)
			}
		}
	}
}

func checkMark(t *testing.T, palette, name string, c, bg color.Color) {
	t.Helper()
	for _, f := range asDrawn(c) {
		if r := contrast(f, bg); r < minMarkContrast {
			t.Errorf("%s %s: %s on %s is %.2f:1, want at least %.1f:1", palette, name, hex(f), hex(bg), r, minMarkContrast)
		}
	}
}

func TestContrastRatio(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"#000000", "#ffffff", 21},
		{"#ffffff", "#ffffff", 1},
		{"#777777", "#ffffff", 4.48}, // the classic just-fails grey
		{"#ff87ff", "#ffffff", 2.07}, // bubbles' selected item, downsampled, on white
	}
	for _, tt := range tests {
		if got := contrast(lipgloss.Color(tt.a), lipgloss.Color(tt.b)); math.Abs(got-tt.want) > 0.01 {
			t.Errorf("contrast(%s, %s) = %.3f, want %.2f", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestContrastCoversEveryStyle: the walk reaches the bubbles styles
// inside Styles, so a colour given there cannot escape the check.
func TestContrastCoversEveryStyle(t *testing.T) {
	styles, marks := allStyles(NewStyles(true))
	seen := map[string]bool{}
	for _, ns := range styles {
		seen[ns.name] = true
	}
	for _, want := range []string{"Muted", "Selected", "Page", "OtherPage", "Help.ShortKey", "Help.ShortDesc", "Item.SelectedDesc", "Input.Focused.Placeholder", "Severity(critical)"} {
		if !seen[want] {
			t.Errorf("the contrast check misses %s", want)
		}
	}
	if _, ok := marks["Input.Cursor.Color"]; !ok {
		t.Errorf("the contrast check misses the text cursor: %v", marks)
	}
}
