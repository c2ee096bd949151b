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
	"strings"

	"github.com/charmbracelet/x/ansi"
)

func main() {
	width := flag.Int("width", 80, "the terminal's width in cells")
	flag.Parse()
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	for in.Scan() {
		line := in.Text()
		fmt.Fprintln(out, line+"\x1b[0m"+strings.Repeat(" ", max(0, *width-ansi.StringWidth(line))))
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
