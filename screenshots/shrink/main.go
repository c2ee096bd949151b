// Command shrink scales the PNGs that freeze writes (always at 4×) down to
// a size that reads well in the README and keeps the repository small.
//
//	go run ./shrink -width 1200 a.png b.png
package main

import (
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"

	"golang.org/x/image/draw"
)

func main() {
	width := flag.Int("width", 1200, "width in pixels of the result")
	flag.Parse()
	for _, path := range flag.Args() {
		if err := shrink(path, *width); err != nil {
			fmt.Fprintln(os.Stderr, "shrink:", err)
			os.Exit(1)
		}
	}
}

func shrink(path string, width int) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	src, err := png.Decode(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	b := src.Bounds()
	if b.Dx() <= width {
		return nil
	}
	dst := image.NewRGBA(image.Rect(0, 0, width, b.Dy()*width/b.Dx()))
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Over, nil)
	tmp := path + ".tmp"
	out, err := os.Create(tmp)
	if err != nil {
		return err
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(out, dst); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
