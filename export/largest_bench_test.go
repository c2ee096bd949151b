package export

import (
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/sgwiz/sgwiz/internal/plantest"
	"github.com/sgwiz/sgwiz/model"
)

// peakHeap runs f and returns the most heap it held at once (sampled
// every millisecond), above what was held before.
func peakHeap(f func()) uint64 {
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak uint64 // read after wg.Wait: the sampler is done with it
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapAlloc)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	f()
	close(done)
	wg.Wait()
	return peak - min(peak, before.HeapAlloc)
}

// BenchmarkExportLargestPlan reads the largest plan file sgwiz accepts
// (15.5 MB) and writes it in each format, as sgwiz export -f does;
// peak-MB is the most heap held at once, input-x that as a multiple of
// the file.
func BenchmarkExportLargestPlan(b *testing.B) {
	data, err := plantest.LargestPlan().YAML()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("read", func(b *testing.B) {
		b.ReportAllocs()
		var peak uint64
		for b.Loop() {
			peak = max(peak, peakHeap(func() {
				if _, _, err := model.ParsePlan(data); err != nil {
					b.Fatal(err)
				}
			}))
		}
		b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
		b.ReportMetric(float64(peak)/float64(len(data)), "input-x")
	})
	for _, f := range Formats {
		b.Run(string(f), func(b *testing.B) {
			b.ReportAllocs()
			var peak uint64
			for b.Loop() {
				peak = max(peak, peakHeap(func() {
					p, _, err := model.ParsePlan(data)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := Render(f, p); err != nil {
						b.Fatal(err)
					}
				}))
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
			b.ReportMetric(float64(peak)/float64(len(data)), "input-x")
		})
	}
}
