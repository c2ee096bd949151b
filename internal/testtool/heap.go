package testtool

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

// HeapPeak watches the heap in use every 20 ms until the benchmark ends;
// the returned function is the highest it saw (for peak-memory figures).
func HeapPeak(b *testing.B) func() uint64 {
	var mu sync.Mutex
	var top uint64
	done := make(chan struct{})
	b.Cleanup(func() { close(done) })
	go func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				mu.Lock()
				top = max(top, m.HeapInuse)
				mu.Unlock()
			}
		}
	}()
	return func() uint64 {
		mu.Lock()
		defer mu.Unlock()
		return top
	}
}
