package aws_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	sgaws "github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/aws/awstest"
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
}

func newFaultProxy(t *testing.T, target string, k int64, kind string, cancel context.CancelFunc) *faultProxy {
	u, _ := url.Parse(target)
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ErrorLog = log.New(io.Discard, "", 0)
	fp := &faultProxy{k: k, kind: kind, cancel: cancel}
	fp.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/moto-api") {
			rp.ServeHTTP(w, r)
			return
		}
		n := fp.calls.Add(1)
		k, kind, cancel := fp.k, fp.kind, fp.cancel
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
			select { // until the client gives up (faultTimeout)
			case <-r.Context().Done():
			case <-time.After(faultTimeout + time.Second):
			}
			maps.Copy(w.Header(), rec.Header())
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

// faultTimeout is how long the client waits for an answer. A lost answer
// costs that long; a call moto answers in time must never reach it, also
// while other processes keep every core busy (at one second, a loaded
// machine lost DescribeVpcs answers five times in a row).
const faultTimeout = 3 * time.Second

func ec2Error(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>%s</Code><Message>injected</Message></Error></Errors><RequestID>x</RequestID></Response>`, code)
}

// TestFaultsLeaveAllOrNothing breaks each call k of a three-tier apply in
// each way. After every run the account holds the full plan or nothing the
// run created, and a rerun converges. Every case runs on the sandbox,
// which refuses to delete a group another rule names, as AWS does; a lost
// answer and a cancel, whose call may still take effect, run on moto too. Each case has an account of its own, so the cases run
// side by side.
func TestFaultsLeaveAllOrNothing(t *testing.T) {
	t.Parallel()
	p := presetPlan(t, "three-tier")
	want := wantJSON(t, p)
	kinds := []string{"throttle", "500", "denied", "reset", "timeout", "cancel"}
	onMoto := map[string]bool{"timeout": true, "cancel": true}
	type fault struct {
		kind, engine string
		k            int64
	}
	var names []string
	var faults []fault
	for _, engine := range []string{"sandbox", "moto"} {
		for _, kind := range kinds {
			if engine == "moto" && !onMoto[kind] {
				continue
			}
			for k := int64(1); k <= 13; k++ {
				names = append(names, fmt.Sprintf("%s/%s/call%d", engine, kind, k))
				faults = append(faults, fault{kind, engine, k})
			}
		}
	}
	fanOut(t, 16, names, func(t *testing.T, i int) {
		f := faults[i]
		url := ""
		if f.engine == "moto" {
			url = mototest.NewAccount(t).URL
		} else {
			sb := awstest.NewServer()
			t.Cleanup(sb.Close)
			url = sb.URL
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		fp := newFaultProxy(t, url, f.k, f.kind, cancel)
		raw := rawEC2(t, url)
		c, err := sgaws.Connect(ctx, sgaws.Options{Region: "us-east-1", EndpointURL: fp.URL, Credentials: testCredentials,
			HTTPClient: &http.Client{Timeout: faultTimeout}})
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
		if f.kind == "timeout" && err != nil {
			// A lost answer is retried, and the retry finds the call's
			// effect: a duplicate that is there, a revoke that is gone.
			t.Fatalf("a lost answer should be retried to success: %v", err)
		}
		switch {
		case err == nil:
			if got := described(t, raw, "", groupNames(p)); got != want {
				t.Fatalf("apply succeeded but the account differs:\n%s", got)
			}
		case len(groups) > 0:
			t.Fatalf("apply failed (%v) and left %v behind", err, groups)
		}
		// A rerun without faults converges.
		c2, _ := connect(t, url)
		ch, err = c2.Plan(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c2.Apply(context.Background(), ch); err != nil {
			t.Fatalf("rerun: %v", err)
		}
		if got := described(t, raw, "", groupNames(p)); got != want {
			t.Fatalf("after a rerun the account differs:\n%s", got)
		}
	})
}

// existing lists the groups other than the VPC's default ones.
func existing(t testing.TB, c *ec2.Client) []string {
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
