package aws_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sgwiz/sgwiz/export"
	"github.com/sgwiz/sgwiz/internal/mototest"
	"github.com/sgwiz/sgwiz/internal/testtool"
)

// countingProxy counts the API calls that reach moto through it.
func countingProxy(b *testing.B, target string) (*httptest.Server, *atomic.Int64) {
	u, _ := url.Parse(target)
	rp := httputil.NewSingleHostReverseProxy(u)
	var n atomic.Int64
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/moto-api") {
			n.Add(1)
		}
		rp.ServeHTTP(w, r)
	}))
	b.Cleanup(s.Close)
	return s, &n
}

// BenchmarkApplyOnMoto applies the web and three-tier presets to moto three
// ways in one run: sgwiz's apply, the exported AWS CLI script, and the
// CloudFormation export as a stack. It reports the API calls each makes.
//
//	go test -run '^$' -bench ApplyOnMoto -benchtime 3x ./aws
func BenchmarkApplyOnMoto(b *testing.B) {
	awsCLI := testtool.Require(b, "aws", "pip install awscli")
	// each times apply on a new, empty account and reports the calls it
	// made; prepare runs untimed, with the account's endpoint.
	each := func(b *testing.B, apply func(acct *mototest.Account, url string)) {
		var total int64
		for b.Loop() {
			b.StopTimer()
			acct := mototest.NewAccount(b)
			proxy, calls := countingProxy(b, acct.URL)
			b.StartTimer()
			apply(acct, proxy.URL)
			total += calls.Load()
		}
		b.ReportMetric(float64(total)/float64(b.N), "calls/op")
	}
	env := func(acct *mototest.Account, url string) []string {
		return append(acct.Env(), "AWS_ENDPOINT_URL="+url, "PATH="+filepath.Dir(awsCLI)+":"+os.Getenv("PATH"))
	}
	for _, id := range []string{"web", "three-tier"} {
		p := presetPlan(b, id)
		b.Run("sgwiz/"+id, func(b *testing.B) {
			each(b, func(_ *mototest.Account, url string) {
				c, _ := connect(b, url)
				ch, err := c.Plan(context.Background(), p)
				if err == nil {
					_, err = c.Apply(context.Background(), ch)
				}
				if err != nil {
					b.Fatal(err)
				}
			})
		})
		b.Run("cli-script/"+id, func(b *testing.B) {
			script, _ := export.Render(export.AWSCLI, p)
			path := filepath.Join(b.TempDir(), "create.sh")
			os.WriteFile(path, script, 0o755)
			each(b, func(acct *mototest.Account, url string) {
				cmd := exec.Command("bash", path)
				cmd.Env = env(acct, url)
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%v\n%s", err, out)
				}
			})
		})
		b.Run("cloudformation/"+id, func(b *testing.B) {
			tmpl, _ := export.Render(export.CloudFormation, p)
			path := filepath.Join(b.TempDir(), "sg.yaml")
			os.WriteFile(path, tmpl, 0o644)
			each(b, func(acct *mototest.Account, url string) {
				aws := func(args ...string) string {
					cmd := exec.Command(awsCLI, args...)
					cmd.Env = env(acct, url)
					out, err := cmd.CombinedOutput()
					if err != nil {
						b.Fatalf("aws %v: %v\n%s", args, err, out)
					}
					return strings.TrimSpace(string(out))
				}
				vpc := aws("ec2", "describe-vpcs", "--query", "Vpcs[0].VpcId", "--output", "text")
				aws("cloudformation", "create-stack", "--stack-name", "sg", "--template-body", "file://"+path,
					"--parameters", "ParameterKey=VpcId,ParameterValue="+vpc)
				for aws("cloudformation", "describe-stacks", "--stack-name", "sg", "--query", "Stacks[0].StackStatus", "--output", "text") != "CREATE_COMPLETE" {
					time.Sleep(100 * time.Millisecond)
				}
			})
		})
	}
}
