package cli

import (
	"bytes"
	"os/exec"
	"testing"
	"time"

	"github.com/creack/pty"
)

// BenchmarkFirstFrame is the time from starting the sgwiz process (in a
// pseudo-terminal, 80×24) to the wizard's first frame on the terminal:
// offline (no region), and with a region and credentials, when the AWS
// configuration is loaded before the program starts (the STS call runs
// in the background and is not waited for).
func BenchmarkFirstFrame(b *testing.B) {
	bin := b.TempDir() + "/sgwiz"
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/sgwiz/sgwiz").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	base := []string{"TERM=xterm-256color", "NO_COLOR=1", "HOME=" + b.TempDir()}
	b.Run("offline", func(b *testing.B) { firstFrame(b, bin, base) })
	b.Run("configured", func(b *testing.B) {
		firstFrame(b, bin, append(base, "AWS_REGION=us-east-1", "AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=y",
			"AWS_ENDPOINT_URL=http://127.0.0.1:9", "AWS_EC2_METADATA_DISABLED=true"))
	})
}

func firstFrame(b *testing.B, bin string, env []string) {
	for b.Loop() {
		cmd := exec.Command(bin)
		cmd.Env = env
		start := time.Now()
		f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
		if err != nil {
			b.Fatal(err)
		}
		var seen bytes.Buffer
		buf := make([]byte, 4096)
		for !bytes.Contains(seen.Bytes(), []byte("1/8")) {
			n, err := f.Read(buf)
			if err != nil {
				b.Fatalf("no frame: %v\n%q", err, seen.String())
			}
			seen.Write(buf[:n])
			if time.Since(start) > 5*time.Second {
				b.Fatalf("no first frame within 5 s: %q", seen.String())
			}
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/1000, "ms-to-frame")
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		f.Close()
	}
}
