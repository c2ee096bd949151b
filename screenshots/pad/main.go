// Command pad fills each line of a captured screen with spaces to the
// terminal's width, so that every screenshot has one size and one scale
// whatever its longest line.
//
//	pad -width 80 < screen.ansi > padded.ansi
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

func main() {
	width := flag.Int("width", 80, "the terminal's width in cells")
	flag.Parse()
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	// tmux writes an attribute only where it changes, so a style that goes
	// on over several lines is set on the first alone; each line here ends
	// with a reset (the padding is plain), so the next one starts with the
	// style the last one left on.
	active := ""
	for in.Scan() {
		line := in.Text()
		fmt.Fprintln(out, active+line+"\x1b[0m"+strings.Repeat(" ", max(0, *width-ansi.StringWidth(line))))
		active = styleAtEnd(active, line)
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "pad:", err)
		os.Exit(1)
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "pad:", err)
		os.Exit(1)
	}
}

// sgr finds the SGR sequences (ESC [ … m) of a line.
var sgr = regexp.MustCompile("\x1b\\[[0-9;:]*m")

// styleAtEnd is the style on at the end of line, given the style it
// started with: the SGR sequences since the last reset.
func styleAtEnd(start, line string) string {
	active := start
	for _, seq := range sgr.FindAllString(line, -1) {
		params := strings.TrimSuffix(strings.TrimPrefix(seq, "\x1b["), "m")
		if params == "" || params == "0" {
			active = ""
			continue
		}
		if strings.HasPrefix(params, "0;") {
			active = ""
		}
		active += seq
	}
	return active
}
