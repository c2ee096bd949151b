package aws_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	sgaws "github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/aws/awstest"
	"github.com/sgwiz/sgwiz/model"
)

// TestLookupsForPickers: the pickers' lists come from the region as it is,
// on the sandbox and on moto: the VPC's groups with their rule counts, the
// region's prefix lists with the weight AWS counts them for.
func TestLookupsForPickers(t *testing.T) {
	t.Parallel()
	for _, engine := range []string{"sandbox", "moto"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			e := newEngine(t, engine)
			c := e.c
			ctx := context.Background()
			raw := e.raw
			vpc := defaultVPC(t, raw)
			out, err := raw.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: sdk.String("db"), Description: sdk.String("databases"), VpcId: sdk.String(vpc)})
			if err != nil {
				t.Fatal(err)
			}
			groups, err := c.Groups(ctx, vpc)
			if err != nil {
				t.Fatal(err)
			}
			var db sgaws.GroupInfo
			for _, g := range groups {
				if g.VPC != vpc {
					t.Errorf("%s is in %s, not %s", g.ID, g.VPC, vpc)
				}
				if g.Name == "db" {
					db = g
				}
			}
			if db.ID != sdk.ToString(out.GroupId) || db.Description != "databases" || db.Rules != 1 {
				t.Errorf("the new group should be listed with its one default outbound rule: %+v", db)
			}
			lists, err := c.PrefixLists(ctx)
			if err != nil {
				t.Fatal(err)
			}
			byName := map[string]sgaws.PrefixList{}
			for _, l := range lists {
				byName[l.Name] = l
			}
			cf := byName["com.amazonaws.global.cloudfront.origin-facing"]
			if !cf.AWSManaged || cf.Size.Weight != 55 || cf.Size.IPv6 {
				t.Errorf("CloudFront's list counts 55 IPv4 rules: %+v", cf)
			}
			if s3 := byName["com.amazonaws.us-east-1.s3"]; !s3.AWSManaged || s3.Size.Weight != 1 {
				t.Errorf("S3's list counts 1: %+v", s3)
			}
			if engine == "sandbox" {
				if ic := byName["com.amazonaws.us-east-1.ec2-instance-connect"]; ic.ID != awstest.InstanceConnectList || ic.Size.Weight != 2 {
					t.Errorf("EC2 Instance Connect's list counts 2: %+v", ic)
				}
				if own := byName["office-ranges"]; own.AWSManaged || own.Size.Weight != 10 {
					t.Errorf("an account's list counts its maximum entries: %+v", own)
				}
			}
		})
	}
}

// TestMyIP: the caller's address is read from a checkip-like endpoint;
// an IPv4 answer is IPv4, garbage and failures are said in words.
func TestMyIP(t *testing.T) {
	t.Parallel()
	answer := "198.51.100.7\n"
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		_, _ = w.Write([]byte(answer))
	}))
	defer srv.Close()
	ctx := context.Background()
	a, err := sgaws.MyIP(ctx, srv.Client(), srv.URL)
	if err != nil || a.String() != "198.51.100.7" || !a.Is4() {
		t.Errorf("MyIP = %v, %v", a, err)
	}
	if p := model.HostPrefix(a); p.String() != "198.51.100.7/32" {
		t.Errorf("a host is a /32: %v", p)
	}
	answer = "2001:db8::7"
	if a, err := sgaws.MyIP(ctx, srv.Client(), srv.URL); err != nil || model.HostPrefix(a).String() != "2001:db8::7/128" {
		t.Errorf("IPv6: %v, %v", a, err)
	}
	answer = "<html>captive portal</html>"
	if _, err := sgaws.MyIP(ctx, srv.Client(), srv.URL); err == nil || !strings.Contains(err.Error(), "not an address") {
		t.Errorf("a captive portal's page: %v", err)
	}
	status = http.StatusServiceUnavailable
	if _, err := sgaws.MyIP(ctx, srv.Client(), srv.URL); err == nil || !strings.Contains(err.Error(), "HTTP 503") {
		t.Errorf("a failing endpoint: %v", err)
	}
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := sgaws.MyIP(ctx, closed.Client(), closed.URL); err == nil || !strings.Contains(err.Error(), "offline?") {
		t.Errorf("no network: %v", err)
	}
}

// TestApplyARuleFromAPrefixList: a rule naming one of the region's
// prefix lists (as the wizard's picker gives it) is applied as a
// prefix-list rule, on the sandbox and on moto; the sandbox, which keeps
// its description as AWS does, has nothing left to change after it.
func TestApplyARuleFromAPrefixList(t *testing.T) {
	t.Parallel()
	for _, engine := range []string{"sandbox", "moto"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			e := newEngine(t, engine)
			c := e.c
			ctx := context.Background()
			lists, err := c.PrefixLists(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var cf string
			for _, l := range lists {
				if l.Name == "com.amazonaws.global.cloudfront.origin-facing" {
					cf = l.ID
				}
			}
			p := presetPlan(t, "web")
			p.Groups[0].Ingress = append(p.Groups[0].Ingress, model.Rule{Protocol: model.TCP, Ports: model.Port(8443), Peer: model.PrefixList(cf), Description: "from CloudFront"})
			if err := apply(c, p); err != nil {
				t.Fatal(err)
			}
			out, err := e.raw.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{{Name: sdk.String("group-name"), Values: []string{"web"}}}})
			if err != nil || len(out.SecurityGroups) != 1 {
				t.Fatalf("%v %+v", err, out)
			}
			found := false
			for _, perm := range out.SecurityGroups[0].IpPermissions {
				for _, pl := range perm.PrefixListIds {
					found = found || sdk.ToString(pl.PrefixListId) == cf && sdk.ToInt32(perm.FromPort) == 8443
				}
			}
			if !found {
				t.Errorf("no rule from %s on 8443: %+v", cf, out.SecurityGroups[0].IpPermissions)
			}
			if engine == "sandbox" {
				ch, err := c.Plan(ctx, p)
				if err != nil || !ch.Empty() {
					t.Errorf("a second apply should change nothing: %v %v", err, ch.Lines())
				}
			}
		})
	}
}
