package aws_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	sgaws "github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/export"
	"github.com/sgwiz/sgwiz/internal/mototest"
)

// faultProxy sits in front of moto and breaks call number k (counting the
// EC2 calls of one apply) in one of several ways.
type faultProxy struct {
	*httptest.Server
	k      int64
	kind   string
	calls  atomic.Int64
	cancel context.CancelFunc
	mu     sync.Mutex
}

func newFaultProxy(t *testing.T, target string) *faultProxy {
	u, _ := url.Parse(target)
	rp := httputil.NewSingleHostReverseProxy(u)
	fp := &faultProxy{}
	fp.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/moto-api") {
			rp.ServeHTTP(w, r)
			return
		}
		n := fp.calls.Add(1)
		fp.mu.Lock()
		k, kind, cancel := fp.k, fp.kind, fp.cancel
		fp.mu.Unlock()
		if n != k {
			rp.ServeHTTP(w, r)
			return
		}
		switch kind {
		case "throttle":
			ec2Error(w, 503, "RequestLimitExceeded")
		case "500":
			ec2Error(w, 500, "InternalError")
		case "denied":
			ec2Error(w, 403, "UnauthorizedOperation")
		case "reset":
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		case "timeout":
			// The call reaches moto and takes effect; its answer comes
			// after the client has given up (a lost answer, then a retry).
			rec := httptest.NewRecorder()
			rp.ServeHTTP(rec, r)
			time.Sleep(1500 * time.Millisecond)
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			w.Write(rec.Body.Bytes())
		case "cancel":
			cancel() // as Ctrl+C would, while the call is in flight
			time.Sleep(50 * time.Millisecond)
			rp.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(fp.Close)
	return fp
}

func ec2Error(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>%s</Code><Message>injected</Message></Error></Errors><RequestID>x</RequestID></Response>`, code)
}

// TestFaultsLeaveAllOrNothing breaks each call k of a three-tier apply in
// each way. After every run the account holds the full plan or nothing the
// run created, and a rerun converges.
func TestFaultsLeaveAllOrNothing(t *testing.T) {
	s := mototest.Start(t)
	s.SetEnv(t)
	fp := newFaultProxy(t, s.URL)
	p := presetPlan(t, "three-tier")
	want := normalised(t, export.SecurityGroups(p))
	raw := rawEC2(t, s.URL)
	kinds := []string{"throttle", "500", "reset", "timeout", "denied", "cancel"}
	for _, kind := range kinds {
		for k := int64(1); k <= 13; k++ {
			name := fmt.Sprintf("%s/call%d", kind, k)
			t.Run(name, func(t *testing.T) {
				s.Reset(t)
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				fp.mu.Lock()
				fp.k, fp.kind, fp.cancel = k, kind, cancel
				fp.mu.Unlock()
				fp.calls.Store(0)
				c, err := sgaws.Connect(ctx, sgaws.Options{Region: "us-east-1", EndpointURL: fp.URL,
					HTTPClient: &http.Client{Timeout: time.Second}})
				if err != nil {
					t.Fatal(err)
				}
				ch, err := c.Plan(ctx, p)
				if err == nil {
					_, err = c.Apply(ctx, ch)
				}
				var rb *sgaws.RollbackError
				if errors.As(err, &rb) {
					t.Fatalf("the rollback failed: %v", err)
				}
				groups := existing(t, raw)
				switch {
				case err == nil:
					if got := described(t, raw, groupNames(p)); got != want {
						t.Fatalf("apply succeeded but the account differs:\n%s", got)
					}
				case len(groups) > 0:
					t.Fatalf("apply failed (%v) and left %v behind", err, groups)
				}
				// A rerun without faults converges.
				fp.mu.Lock()
				fp.k = 0
				fp.mu.Unlock()
				c2, _ := sgaws.Connect(context.Background(), sgaws.Options{Region: "us-east-1", EndpointURL: s.URL})
				ch, err = c2.Plan(context.Background(), p)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := c2.Apply(context.Background(), ch); err != nil {
					t.Fatalf("rerun: %v", err)
				}
				if got := described(t, raw, groupNames(p)); got != want {
					t.Fatalf("after a rerun the account differs:\n%s", got)
				}
			})
		}
	}
}

// existing lists the groups other than the VPC's default ones.
func existing(t *testing.T, c *ec2.Client) []string {
	t.Helper()
	out, err := c.DescribeSecurityGroups(context.Background(), &ec2.DescribeSecurityGroupsInput{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, sg := range out.SecurityGroups {
		if n := sdk.ToString(sg.GroupName); n != "default" {
			names = append(names, n)
		}
	}
	return names
}
