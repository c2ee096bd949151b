package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	sgaws "github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/internal/mototest"
	"github.com/sgwiz/sgwiz/internal/testtool"
)

var orgAccounts = flag.Int("org-accounts", 200, "accounts in BenchmarkAuditOrganization's organisation")

// BenchmarkAuditOrganization audits an organisation of -org-accounts
// accounts (200) in four regions on moto, through --organization and a
// role in each, eight scopes at a time: the calls (every HTTP request:
// Organizations, STS and EC2), the wall time per audit, and the peak Go
// heap while it runs.
//
//	go test -run '^$' -bench AuditOrganization -benchtime 1x ./internal/cli
func BenchmarkAuditOrganization(b *testing.B) {
	ctx := context.Background()
	direct := mototest.Account{URL: mototest.Shared(b).URL, Region: "us-east-1"}
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("us-east-1"), config.WithBaseEndpoint(direct.URL),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("test", "test", "")))
	if err != nil {
		b.Fatal(err)
	}
	org := organizations.NewFromConfig(cfg)
	if _, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll}); err != nil &&
		!strings.Contains(err.Error(), "AlreadyInOrganization") {
		b.Fatal(err)
	}
	roots, err := org.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil {
		b.Fatal(err)
	}
	ou, err := org.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: roots.Roots[0].Id, Name: sdk.String(fmt.Sprintf("bench-%d", time.Now().UnixNano()))})
	if err != nil {
		b.Fatal(err)
	}
	for i := range *orgAccounts {
		name := fmt.Sprintf("bench-%d", i)
		made, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: &name, Email: sdk.String(name + "@example.com")})
		if err != nil {
			b.Fatal(err)
		}
		st, err := org.DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: made.CreateAccountStatus.Id})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := org.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: st.CreateAccountStatus.AccountId,
			SourceParentId: roots.Roots[0].Id, DestinationParentId: ou.OrganizationalUnit.Id}); err != nil {
			b.Fatal(err)
		}
	}
	var calls atomic.Int64
	env := &Env{In: strings.NewReader(""), Err: io.Discard, Getenv: func(string) string { return "" },
		Connect: func(ctx context.Context, o sgaws.Options) (*sgaws.Client, error) {
			o.EndpointURL, o.Region = direct.URL, "us-east-1"
			o.Credentials = credentials.NewStaticCredentialsProvider("test", "test", "")
			o.HTTPClient = &http.Client{Transport: counting{&calls, http.DefaultTransport}}
			return sgaws.Connect(ctx, o)
		}}
	args := []string{"audit", "--organization", "--ou", *ou.OrganizationalUnit.Id, "--role-arn", "arn:aws:iam::{account}:role/SecurityAudit",
		"--region", "us-east-1", "--region", "eu-west-1", "--region", "ap-southeast-2", "--region", "sa-east-1", "--format", "json", "--parallel", "8"}
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	peak := testtool.HeapPeak(b)
	calls.Store(0)
	b.ResetTimer()
	for b.Loop() {
		var out bytes.Buffer
		env.Out = &out
		if code := Run(args, env); code == 2 {
			b.Fatalf("exit %d", code)
		}
		var doc struct{ Scopes []struct{ Error string } }
		if err := json.Unmarshal(out.Bytes(), &doc); err != nil || len(doc.Scopes) != 4**orgAccounts {
			b.Fatalf("%d scopes, want %d: %v", len(doc.Scopes), 4**orgAccounts, err)
		}
		for _, s := range doc.Scopes {
			if s.Error != "" {
				b.Fatalf("a scope failed: %s", s.Error)
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(calls.Load())/float64(b.N), "calls/op")
	b.ReportMetric(float64(peak()-min(peak(), base.HeapInuse))/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(4**orgAccounts), "scopes")
}

// counting counts the requests it carries.
type counting struct {
	n    *atomic.Int64
	next http.RoundTripper
}

func (c counting) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}
