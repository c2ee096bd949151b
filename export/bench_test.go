package export

import (
	"testing"

	"github.com/sgwiz/sgwiz/internal/plantest"
)

func BenchmarkExportQuotaPlan(b *testing.B) {
	p := plantest.QuotaPlan()
	for _, f := range Formats {
		b.Run(string(f), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Render(f, p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkExportWeb is the typical case: the web preset's five inbound and
// four outbound rules.
func BenchmarkExportWeb(b *testing.B) {
	p := presetPlan(b, "web")
	for _, f := range Formats {
		b.Run(string(f), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Render(f, p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
