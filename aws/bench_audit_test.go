package aws_test

import (
	"context"
	"runtime"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"
	sgaws "github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/aws/awstest"
	"github.com/sgwiz/sgwiz/internal/testtool"
	"github.com/sgwiz/sgwiz/model"
)

// BenchmarkAuditLargeAccount audits an account of 10,000 groups and
// 200,000 rules (20 each) with an interface each, served by the sandbox on
// loopback: reading (Inventory) and checking (model.Audit). It reports the
// API calls, the peak Go heap during an audit, and the process's peak
// resident memory (sandbox included).
func BenchmarkAuditLargeAccount(b *testing.B) {
	sb := awstest.NewServer()
	defer sb.Close()
	sb.Handler().Seed(10_000, 20)
	c, err := sgaws.Connect(context.Background(), sgaws.Options{Region: "us-east-1", EndpointURL: sb.URL,
		Credentials: credentials.NewStaticCredentialsProvider("sandbox", "sandbox", "")})
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	peak := testtool.HeapPeak(b)
	b.ResetTimer()
	var calls, findings int
	for b.Loop() {
		inv, n, err := c.Inventory(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		calls, findings = n, len(model.Audit(inv, model.AuditOptions{}))
		if len(inv.Groups) != 10_001 {
			b.Fatalf("read %d groups", len(inv.Groups))
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(calls), "calls")
	b.ReportMetric(float64(findings), "findings")
	b.ReportMetric(float64(peak()-base.HeapInuse)/(1<<20), "peak-heap-MB")
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "maxrss-MB")
	}
}
