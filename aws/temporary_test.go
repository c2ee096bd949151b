package aws_test

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	sgaws "github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/aws/awstest"
	"github.com/sgwiz/sgwiz/internal/mototest"
	"github.com/sgwiz/sgwiz/model"
)

// TestTemporaryAccess: allow adds a rule tagged with its expiry, extends
// or keeps it when asked again, never shadows a permanent rule; sweep
// revokes exactly the expired rules, a second sweep changes nothing. The
// clock is given, not waited on. On the sandbox and on moto.
func TestTemporaryAccess(t *testing.T) {
	t.Parallel()
	for _, engine := range []string{"sandbox", "moto"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			e := newEngine(t, engine)
			ctx := context.Background()
			out, err := e.raw.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: sdk.String("bastion"), Description: sdk.String("bastion")})
			if err != nil {
				t.Fatal(err)
			}
			sg := sdk.ToString(out.GroupId)
			// A permanent rule that temporary access must leave alone.
			if _, err := e.raw.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: out.GroupId,
				IpPermissions: []types.IpPermission{{IpProtocol: sdk.String("tcp"), FromPort: sdk.Int32(22), ToPort: sdk.Int32(22),
					IpRanges: []types.IpRange{{CidrIp: sdk.String("203.0.113.0/24"), Description: sdk.String("SSH from the office")}}}}}); err != nil {
				t.Fatal(err)
			}
			ssh, _ := model.LookupService("ssh")
			https, _ := model.LookupService("https")
			me := ssh.Rules(model.CIDR(netip.MustParsePrefix("198.51.100.7/32")), "SSH from my IP")[0]
			office := ssh.Rules(model.CIDR(netip.MustParsePrefix("203.0.113.0/24")), "SSH")[0]
			partner := https.Rules(model.CIDR(netip.MustParsePrefix("192.0.2.0/24")), "HTTPS for the partner")[0]
			t0 := time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC)

			steps := []struct {
				rule  model.Rule
				until time.Time
				verb  string
			}{
				{me, t0.Add(2 * time.Hour), "added"},
				{me, t0.Add(time.Hour), "kept"},         // already lasts longer
				{me, t0.Add(3 * time.Hour), "extended"}, // lasts longer now
				{office, t0.Add(time.Hour), "permanent"},
				{partner, t0.Add(30 * time.Minute), "added"},
			}
			var sshRule string
			for _, s := range steps {
				a, err := e.c.PlanAllow(ctx, sg, model.Ingress, s.rule, s.until)
				if err == nil {
					a, err = e.c.Allow(ctx, a)
				}
				if err != nil || a.Verb != s.verb || a.RuleID == "" {
					t.Fatalf("allow %s until %s: %+v %v, want %s", s.rule.Text(model.Ingress), s.until, a, err, s.verb)
				}
				if s.rule == me {
					sshRule = a.RuleID
				}
			}
			temp, err := e.c.TemporaryRules(ctx)
			if err != nil || len(temp) != 2 {
				t.Fatalf("two temporary rules, tagged: %+v %v", temp, err)
			}
			for _, r := range temp {
				if r.RuleID == sshRule && (!r.Expires.Equal(t0.Add(3*time.Hour)) || !strings.HasSuffix(r.Rule.Description, "sgwiz:expires=2026-11-23T23:00:00Z")) {
					t.Errorf("the extended rule carries its new expiry in tag and description: %+v", r)
				}
			}

			// Import leaves the temporary rules out, and applying the
			// import keeps them: they are sweep's.
			imported, notes, err := e.c.ImportNoting(ctx, sg)
			if err != nil || len(imported.Groups[0].Ingress) != 1 || len(notes) != 2 || !strings.Contains(notes[0], "left out the temporary rule") {
				t.Fatalf("import: %+v %q %v", imported.Groups, notes, err)
			}
			ch, err := e.c.Plan(ctx, imported)
			if err != nil || !ch.Empty() || len(ch.Groups[0].Temporary[model.Ingress]) != 2 {
				t.Errorf("apply of the import keeps the temporary rules: %q %v", ch.Lines(), err)
			}
			imported.Groups[0].Ingress = append(imported.Groups[0].Ingress, https.Rules(model.CIDR(netip.MustParsePrefix("10.0.0.0/8")), "HTTPS inside")...)
			if ch, err := e.c.Plan(ctx, imported); err != nil || !strings.Contains(strings.Join(ch.Lines(), "\n"), "  = keeps inbound SSH TCP 22 from 198.51.100.7/32 until 2026-11-23T23:00:00Z (temporary: sgwiz sweep revokes it)") {
				t.Errorf("a change says what it keeps: %q %v", ch.Lines(), err)
			}

			sweep := func(at time.Time) []string {
				t.Helper()
				s, err := e.c.Sweep(ctx, at, false)
				if err != nil || len(s.Failed) > 0 || len(s.Problems) > 0 {
					t.Fatalf("sweep at %s: %v %v %v", at, err, s.Failed, s.Problems)
				}
				var got []string
				for _, r := range s.Revoked {
					got = append(got, r.Rule.Text(r.Direction))
				}
				return got
			}
			// Dry run: says, changes nothing.
			if s, err := e.c.Sweep(ctx, t0.Add(time.Hour), true); err != nil || len(s.Revoked) != 1 || len(s.Left) != 1 {
				t.Fatalf("dry run: %+v %v", s, err)
			}
			if got := sweep(t0.Add(time.Hour)); !slices.Equal(got, []string{"HTTPS TCP 443 from 192.0.2.0/24"}) {
				t.Errorf("at +1h only the partner's rule has expired: %q", got)
			}
			if got := sweep(t0.Add(time.Hour)); len(got) != 0 {
				t.Errorf("a second sweep changes nothing: %q", got)
			}
			if got := sweep(t0.Add(4 * time.Hour)); !slices.Equal(got, []string{"SSH TCP 22 from 198.51.100.7/32"}) {
				t.Errorf("at +4h the SSH rule has expired: %q", got)
			}
			groups, err := e.raw.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{sg}})
			if err != nil {
				t.Fatal(err)
			}
			var left []string
			for _, p := range groups.SecurityGroups[0].IpPermissions {
				for _, r := range p.IpRanges {
					left = append(left, sdk.ToString(r.CidrIp))
				}
			}
			if !slices.Equal(left, []string{"203.0.113.0/24"}) {
				t.Errorf("only the permanent rule is left: %v", left)
			}
		})
	}
}

// TestApplyTagsTemporaryRules: a plan whose SSH selection is temporary
// (the wizard's "for a limited time") applies with the rule tagged by the
// authorize call, so sweep finds it; the other rules stay permanent.
func TestApplyTagsTemporaryRules(t *testing.T) {
	t.Parallel()
	for _, engine := range []string{"sandbox", "moto"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			e := newEngine(t, engine)
			ctx := context.Background()
			u, _ := model.LookupUseCase("web")
			d, err := u.Draft(model.Inputs{Office: []netip.Prefix{netip.MustParsePrefix("203.0.113.10/32")}})
			if err != nil {
				t.Fatal(err)
			}
			until := time.Date(2026, 11, 23, 22, 0, 0, 0, time.UTC)
			for i, s := range d.Groups[0].Selections(model.Ingress) {
				if s.Service.ID == "ssh" {
					d.SetUntil(0, model.Ingress, i, until)
				}
			}
			p, err := d.Plan()
			if err != nil {
				t.Fatal(err)
			}
			ch, err := e.c.Plan(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			res, err := e.c.Apply(ctx, ch)
			if err != nil {
				t.Fatal(err)
			}
			temp, err := e.c.TemporaryRules(ctx)
			if err != nil || len(temp) != 1 || temp[0].Rule.Ports != model.Port(22) || !temp[0].Expires.Equal(until) {
				t.Fatalf("one tagged rule, SSH until %s: %+v %v", until, temp, err)
			}
			if res.Calls != len(ch.Calls())+1 {
				t.Errorf("%d calls, want the %d of the change and one authorize for the temporary rule", res.Calls, len(ch.Calls()))
			}
			if again, err := e.c.Plan(ctx, p); err != nil || !again.Empty() {
				t.Errorf("applying again changes nothing: %q %v", again.Lines(), err)
			}
			if s, err := e.c.Sweep(ctx, until, false); err != nil || len(s.Revoked) != 1 {
				t.Errorf("sweep at its time revokes it: %+v %v", s, err)
			}
		})
	}
}

// TestConcurrentSweepsRevokeEachRuleOnce: five sweeps at once over 50
// expired rules of one group: each rule is revoked by exactly one of them
// and reported gone (not revoked) by any other that found it, none fails,
// and a run that lost the race makes a bounded number of calls (a list, a
// revoke, then a read and a revoke per lost race), not one per rule. On
// the sandbox and on moto.
func TestConcurrentSweepsRevokeEachRuleOnce(t *testing.T) {
	t.Parallel()
	for _, engine := range []string{"sandbox", "moto"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			var url string
			if engine == "sandbox" {
				sb := awstest.NewServer()
				t.Cleanup(sb.Close)
				url = sb.URL
			} else {
				url = mototest.NewAccount(t).URL
			}
			raw := rawEC2(t, url)
			ctx := context.Background()
			out, err := raw.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: sdk.String("bastion"), Description: sdk.String("bastion")})
			if err != nil {
				t.Fatal(err)
			}
			expired := time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC)
			var ranges []types.IpRange
			for i := range 50 {
				ranges = append(ranges, types.IpRange{CidrIp: sdk.String(fmt.Sprintf("198.51.100.%d/32", i+1)), Description: sdk.String("SSH for a while")})
			}
			if _, err := raw.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: out.GroupId,
				IpPermissions: []types.IpPermission{{IpProtocol: sdk.String("tcp"), FromPort: sdk.Int32(22), ToPort: sdk.Int32(22), IpRanges: ranges}},
				TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeSecurityGroupRule,
					Tags: []types.Tag{{Key: sdk.String(model.ExpiresTag), Value: sdk.String(model.FormatExpiry(expired))}}}}}); err != nil {
				t.Fatal(err)
			}
			const runs = 5
			results := make([]sgaws.Swept, runs)
			calls := make([]int, runs)
			errs := make([]error, runs)
			var wg sync.WaitGroup
			for i := range runs {
				c, rec := connect(t, url)
				wg.Go(func() {
					results[i], errs[i] = c.Sweep(ctx, expired.Add(time.Hour), false)
					calls[i] = len(rec.Actions())
				})
			}
			wg.Wait()
			revokedBy := map[string]int{}
			for i, r := range results {
				if errs[i] != nil || len(r.Failed) > 0 {
					t.Errorf("run %d: %v %v", i, errs[i], r.Failed)
				}
				for _, x := range r.Revoked {
					revokedBy[x.RuleID]++
				}
				for _, x := range r.Gone {
					if slices.ContainsFunc(r.Revoked, func(y model.TemporaryRule) bool { return y.RuleID == x.RuleID }) {
						t.Errorf("run %d says %s is both revoked and gone", i, x.RuleID)
					}
				}
				if calls[i] > 2+2*3 {
					t.Errorf("run %d made %d calls (%v)", i, calls[i], results[i])
				}
			}
			if len(revokedBy) != 50 {
				t.Errorf("%d rules revoked, want 50", len(revokedBy))
			}
			for id, n := range revokedBy {
				if n != 1 {
					t.Errorf("%s revoked by %d runs", id, n)
				}
			}
			left, err := raw.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{Filters: []types.Filter{{Name: sdk.String("group-id"), Values: []string{sdk.ToString(out.GroupId)}}}})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range left.SecurityGroupRules {
				if !sdk.ToBool(r.IsEgress) {
					t.Errorf("rule %s is still there", sdk.ToString(r.SecurityGroupRuleId))
				}
			}
		})
	}
}
