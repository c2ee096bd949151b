package aws_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"

	"github.com/aws/aws-sdk-go-v2/credentials"
	sgaws "github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/aws/awstest"
	"github.com/sgwiz/sgwiz/model"
)

func sandbox(t *testing.T) (*sgaws.Client, *awstest.Server) {
	t.Helper()
	sb := awstest.NewServer()
	t.Cleanup(sb.Close)
	// Two attempts: failures injected for good surface quickly.
	c, err := sgaws.Connect(context.Background(), sgaws.Options{Region: "us-east-1", EndpointURL: sb.URL, MaxAttempts: 2,
		Credentials: credentials.NewStaticCredentialsProvider("sandbox", "sandbox", "")})
	if err != nil {
		t.Fatal(err)
	}
	return c, sb
}

func apply(c *sgaws.Client, p model.Plan) error {
	ch, err := c.Plan(context.Background(), p)
	if err != nil {
		return err
	}
	_, err = c.Apply(context.Background(), ch)
	return err
}

// TestErrorsAreInWords: each failure says what happened and what to do.
func TestErrorsAreInWords(t *testing.T) {
	t.Parallel()
	failOn := func(action, code string, status int) awstest.Fault {
		return func(a string, _ int) (string, int) {
			if a == action {
				return code, status
			}
			return "", 0
		}
	}
	tests := []struct {
		name  string
		fault awstest.Fault
		plan  func(t *testing.T) model.Plan
		want  []string
	}{
		{"expired credentials", failOn("DescribeVpcs", "ExpiredToken", 400), nil, []string{"credentials have expired", "aws sso login"}},
		{"wrong credentials", failOn("DescribeVpcs", "AuthFailure", 401), nil, []string{"rejected the credentials", "aws sts get-caller-identity"}},
		{"retries used up", failOn("DescribeVpcs", "InternalError", 500), nil, []string{"still failing after 2 attempts"}},
		{"missing referenced group", nil, func(t *testing.T) model.Plan {
			p := presetPlan(t, "web")
			p.Groups[0].Ingress = append(p.Groups[0].Ingress, model.Rule{Protocol: model.TCP, Ports: model.Port(5432), Peer: model.GroupID("sg-0123456789abcdef0")})
			return p
		}, []string{"security group sg-0123456789abcdef0 does not exist in us-east-1 (the web inbound rule PostgreSQL TCP 5432 from sg-0123456789abcdef0 names it)"}},
		{"missing prefix list", nil, func(t *testing.T) model.Plan {
			p := presetPlan(t, "web")
			p.Groups[0].Ingress = append(p.Groups[0].Ingress, model.Rule{Protocol: model.TCP, Ports: model.Port(443), Peer: model.PrefixList("pl-0123456789abcdef0")})
			return p
		}, []string{"prefix list pl-0123456789abcdef0 does not exist in us-east-1 (the web inbound rule HTTPS TCP 443 from pl-0123456789abcdef0 names it)"}},
		{"the plan's group is gone", nil, func(t *testing.T) model.Plan {
			p := presetPlan(t, "web")
			p.Groups[0].ID = "sg-0123456789abcdef0"
			return p
		}, []string{"group sg-0123456789abcdef0 (web in the plan) does not exist in us-east-1", "remove its id"}},
		{"the plan's default group is gone", nil, func(t *testing.T) model.Plan {
			p := presetPlan(t, "web")
			p.Groups[0].ID, p.Groups[0].Name = "sg-0123456789abcdef0", "default"
			return p
		}, []string{"group sg-0123456789abcdef0 (default in the plan) does not exist in us-east-1: a VPC's default group is never created by hand", "--region"}},
		{"missing permission", failOn("CreateSecurityGroup", "UnauthorizedOperation", 403), nil, []string{"missing IAM permission ec2:CreateSecurityGroup"}},
		{"missing permission on rules", failOn("AuthorizeSecurityGroupIngress", "UnauthorizedOperation", 403), nil, []string{"ec2:AuthorizeSecurityGroupIngress", "removed what this run created: web"}},
		{"unknown VPC", nil, func(t *testing.T) model.Plan {
			p := presetPlan(t, "web")
			p.Groups[0].VPC = "vpc-0123456789abcdef0"
			return p
		}, []string{"vpc-0123456789abcdef0: the VPC does not exist in this region", "--vpc-id"}},
		{"quota", nil, func(t *testing.T) model.Plan {
			p := presetPlan(t, "custom")
			for i := range 61 {
				r, _ := model.NewRule("tcp", fmt.Sprint(1000+i), "10.0.0.0/8", "r")
				p.Groups[0].Ingress = append(p.Groups[0].Ingress, r)
			}
			return p
		}, []string{"rule quota", "Service Quotas"}},
		{"throttled for good", func(string, int) (string, int) { return "RequestLimitExceeded", 503 }, nil, []string{"throttling"}},
		{"rollback fails too", func(a string, _ int) (string, int) {
			switch a {
			case "AuthorizeSecurityGroupIngress":
				return "InvalidParameterValue", 400
			case "DeleteSecurityGroup":
				return "UnauthorizedOperation", 403
			}
			return "", 0
		}, nil, []string{"InvalidParameterValue", "removing what this run created failed too", "rollback: deleting web: missing IAM permission ec2:DeleteSecurityGroup", "aws ec2 delete-security-group --group-id sg-"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, sb := sandbox(t)
			sb.Handler().SetFaults(tt.fault)
			p := presetPlan(t, "web")
			if tt.plan != nil {
				p = tt.plan(t)
			}
			err := apply(c, p)
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q should say %q", err, w)
				}
			}
		})
	}
	c, _ := sandbox(t)
	if err := apply(c, presetPlan(t, "web")); err != nil {
		t.Fatal(err)
	}
	p := presetPlan(t, "web")
	p.Groups[0].Ingress = append(p.Groups[0].Ingress, p.Groups[0].Ingress[0])
	if err := apply(c, p); err != nil {
		t.Errorf("a rule twice in the plan is one rule for EC2: %v", err)
	}
}

// TestDryRunChangesNothing checks permissions without creating anything.
func TestDryRunChangesNothing(t *testing.T) {
	c, sb := sandbox(t)
	ch, err := c.Plan(context.Background(), presetPlan(t, "web"))
	if err != nil {
		t.Fatal(err)
	}
	checks, err := c.DryRun(context.Background(), ch)
	if err != nil || len(checks) == 0 || !checks[0].Allowed || checks[0].Call != "CreateSecurityGroup web" {
		t.Fatalf("checks = %+v, %v", checks, err)
	}
	if got := sb.Handler().Groups(); len(got) != 1 {
		t.Errorf("a dry run created %v", got)
	}
	sb.Handler().SetFaults(func(a string, _ int) (string, int) {
		if a == "CreateSecurityGroup" {
			return "UnauthorizedOperation", 403
		}
		return "", 0
	})
	checks, _ = c.DryRun(context.Background(), ch)
	if checks[0].Allowed || !strings.Contains(checks[0].Note, "ec2:CreateSecurityGroup") {
		t.Errorf("a denied call should name the permission: %+v", checks[0])
	}
}

// TestRollbackRevokesReferencesFirst: on the sandbox, as on AWS, a group
// another rule names cannot be deleted; the rollback must revoke first.
func TestRollbackRevokesReferencesFirst(t *testing.T) {
	c, sb := sandbox(t)
	n := 0
	sb.Handler().SetFaults(func(a string, _ int) (string, int) {
		if strings.HasPrefix(a, "Authorize") {
			n++
			if n == 5 { // the last authorize of a three-tier apply
				return "InvalidParameterValue", 400
			}
		}
		return "", 0
	})
	err := apply(c, presetPlan(t, "three-tier"))
	if err == nil || !strings.Contains(err.Error(), "removed what this run created") {
		t.Fatalf("err = %v", err)
	}
	if got := sb.Handler().Groups(); len(got) != 1 || got[0] != "default" {
		t.Errorf("left behind: %v", got)
	}
}

// TestUnreachableAWSIsSaidAtOnce: an endpoint that is down, a region with
// no endpoint and a profile that does not exist are each said in words,
// naming what to check, within seconds and without a stack.
func TestUnreachableAWSIsSaidAtOnce(t *testing.T) {
	// Port 1 (tcpmux) is never served here; a port freed by the test
	// could be taken by a sandbox of a test beside it.
	down := "http://127.0.0.1:1"
	config := filepath.Join(t.TempDir(), "config")
	os.WriteFile(config, []byte("[profile dev]\nregion = eu-west-1\n"), 0o600)
	t.Setenv("AWS_CONFIG_FILE", config)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", config)
	tests := []struct {
		name string
		opts sgaws.Options
		want string
	}{
		{"endpoint down", sgaws.Options{Region: "us-east-1", EndpointURL: down, Credentials: testCredentials}, "cannot reach EC2 at " + down + ": the connection was refused"},
		{"no such region", sgaws.Options{Region: "eu-nowhere-1", Credentials: testCredentials}, "cannot reach EC2 at https://ec2.eu-nowhere-1.amazonaws.com: no such host: check --region"},
		{"not a region", sgaws.Options{Region: "Frankfurt", Credentials: testCredentials}, `"Frankfurt" is not an AWS region name`},
		{"unknown profile", sgaws.Options{Profile: "prod"}, `profile "prod" is not in ~/.aws/config or ~/.aws/credentials`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			c, err := sgaws.Connect(context.Background(), tt.opts)
			if err == nil {
				_, err = c.Plan(context.Background(), presetPlan(t, "web"))
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %s: an endpoint that is down must fail in under 5 s", d)
			}
		})
	}
}

// TestApplyOnAGroupFoundByName: a group of the plan's name that exists
// already is marked as not made by this plan, its tags are set by
// difference, what cannot change is said, and it is changed only after a
// confirmation (Adopts); once adopted, it carries the plan's owner tags,
// and a later apply knows it as the plan's.
func TestApplyOnAGroupFoundByName(t *testing.T) {
	c, sb := sandbox(t)
	raw := rawEC2(t, sb.URL)
	ctx := context.Background()
	out, err := raw.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: sdk.String("web"), Description: sdk.String("made by hand"),
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeSecurityGroup, Tags: []types.Tag{
			{Key: sdk.String("Owner"), Value: sdk.String("alice")}, {Key: sdk.String("Stale"), Value: sdk.String("x")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	id := sdk.ToString(out.GroupId)
	if _, err := raw.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: out.GroupId, IpPermissions: []types.IpPermission{
		{IpProtocol: sdk.String("tcp"), FromPort: sdk.Int32(8080), ToPort: sdk.Int32(8080), IpRanges: []types.IpRange{{CidrIp: sdk.String("0.0.0.0/0")}}}}}); err != nil {
		t.Fatal(err)
	}
	p := presetPlan(t, "web")
	ch, err := c.Plan(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Join(ch.Lines(), "\n")
	for _, want := range []string{
		"update group web (existing " + id + ", 2 rules, found by name: this plan did not create it)",
		`! description stays "made by hand"`, "AWS cannot change a group's description; to change it, create a group under a new name",
		"+ tag Owner=sgwiz-test", "- tag Stale", "- inbound Custom TCP 8080 from 0.0.0.0/0",
	} {
		if !strings.Contains(lines, want) {
			t.Errorf("the change list should say %q:\n%s", want, lines)
		}
	}
	if r := ch.Adopts(); len(r) != 1 || r[0].ID != id {
		t.Errorf("changing a group the plan did not create needs a confirmation: %+v", r)
	}
	if name, why := ch.Confirmation(); name != "web" || !strings.Contains(why, "web ("+id+") was not made by this plan; applying adopts it: it loses 2 rules, gains 9 rules, and is tagged as this plan's") {
		t.Errorf("confirmation %q: %s", name, why)
	}
	if _, err := c.Apply(ctx, ch); err != nil {
		t.Fatal(err)
	}
	got, _ := raw.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{id}})
	sg := got.SecurityGroups[0]
	tags := map[string]string{}
	for _, tg := range sg.Tags {
		tags[sdk.ToString(tg.Key)] = sdk.ToString(tg.Value)
	}
	if len(tags) != 3 || tags["Owner"] != "sgwiz-test" || tags[model.OwnerPlanTag] != "web" || tags[model.OwnerGroupTag] != "web" || sdk.ToString(sg.Description) != "made by hand" {
		t.Errorf("after apply: tags %v, description %q", tags, sdk.ToString(sg.Description))
	}
	again, err := c.Plan(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Empty() || len(again.Adopts()) != 0 || strings.Contains(strings.Join(again.Lines(), "\n"), "no changes: every group") {
		t.Errorf("after apply only the description differs, and that is said, never 'no changes':\n%s", strings.Join(again.Lines(), "\n"))
	}
}

// TestUpdatesAddBeforeTheyRemove: changing SSH's source adds the new rule
// before it removes the old one, so a failure between the two leaves the
// old access, never none; at the rule quota, where there is no room to add
// first, it removes first.
func TestUpdatesAddBeforeTheyRemove(t *testing.T) {
	t.Parallel()
	ssh := func(cidr string) model.Rule {
		return model.Rule{Protocol: model.TCP, Ports: model.Port(22), Peer: model.CIDR(netip.MustParsePrefix(cidr)), Description: "SSH from the office"}
	}
	plan := func(rules ...model.Rule) model.Plan {
		return model.Plan{UseCase: "custom", Groups: []model.Group{{Name: "bastion", Description: "bastion", Ingress: rules, Egress: []model.Rule{}}}}
	}
	c, sb := sandbox(t)
	if err := apply(c, plan(ssh("198.51.100.7/32"))); err != nil {
		t.Fatal(err)
	}
	sb.Handler().SetFaults(func(action string, _ int) (string, int) {
		if action == "AuthorizeSecurityGroupIngress" {
			return "InternalError", 500
		}
		return "", 0
	})
	if err := apply(c, plan(ssh("203.0.113.9/32"))); err == nil {
		t.Fatal("the authorize was made to fail")
	}
	sb.Handler().SetFaults(nil)
	if got := described(t, rawEC2(t, sb.URL), "", []string{"bastion"}); !strings.Contains(got, "198.51.100.7/32") {
		t.Errorf("the old SSH rule was removed before the new one was added:\n%s", got)
	}
	if err := apply(c, plan(ssh("203.0.113.9/32"))); err != nil {
		t.Fatal(err)
	}

	// A group at the quota: sixty rules, one of them replaced.
	var full []model.Rule
	for i := range model.MaxRulesPerDirection {
		full = append(full, ssh(fmt.Sprintf("198.51.100.%d/32", i+1)))
	}
	if err := apply(c, plan(full...)); err != nil {
		t.Fatal(err)
	}
	full[0] = ssh("203.0.113.200/32")
	if err := apply(c, plan(full...)); err != nil {
		t.Fatalf("at the quota, apply should remove first: %v", err)
	}
	if got := described(t, rawEC2(t, sb.URL), "", []string{"bastion"}); !strings.Contains(got, "203.0.113.200/32") || strings.Contains(got, "198.51.100.1/32") {
		t.Errorf("the replaced rule:\n%s", got)
	}
}

// TestDryRunChecksTaggedAddsWithTheirTags: an add of tagged rules (a
// temporary rule's expiry) is checked as apply sends it, with its
// TagSpecifications, so a role that may add rules but not tag them is
// found before the apply.
func TestDryRunChecksTaggedAddsWithTheirTags(t *testing.T) {
	sb := awstest.NewServer()
	t.Cleanup(sb.Close)
	var mu sync.Mutex
	var forms []url.Values
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f, _ := url.ParseQuery(string(body))
		mu.Lock()
		forms = append(forms, f)
		mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		sb.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)
	c, err := sgaws.Connect(context.Background(), sgaws.Options{Region: "us-east-1", EndpointURL: proxy.URL, Credentials: testCredentials})
	if err != nil {
		t.Fatal(err)
	}
	p := presetPlan(t, "web")
	if err := apply(c, p); err != nil {
		t.Fatal(err)
	}
	r := p.Groups[0].Ingress[0]
	r.Ports, r.Description, r.Tags = model.Port(8443), "for a day", model.NewTags(model.Tag{Key: "ticket", Value: "OPS-7"})
	p.Groups[0].Ingress = append(p.Groups[0].Ingress, r)
	ch, err := c.Plan(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	forms = nil
	mu.Unlock()
	if _, err := c.DryRun(context.Background(), ch); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, f := range forms {
		if f.Get("Action") == "AuthorizeSecurityGroupIngress" && f.Get("DryRun") == "true" && f.Get("TagSpecification.1.Tag.1.Key") == "ticket" {
			return
		}
	}
	t.Errorf("no dry-run authorize carried the rule's tags: %v", forms)
}

// TestARoleThatCannotBeAssumedIsSaid: an account whose role cannot be
// assumed is said as that, not as a missing EC2 permission (the sandbox
// serves no sts:AssumeRole, as an account without the role).
func TestARoleThatCannotBeAssumedIsSaid(t *testing.T) {
	t.Parallel()
	c, _ := sandbox(t)
	_, _, err := c.AssumeRole("arn:aws:iam::111111111111:role/SecurityAudit").Inventory(context.Background())
	if err == nil || !strings.Contains(err.Error(), "the role could not be assumed in this account") || strings.Contains(err.Error(), "ec2:") {
		t.Errorf("got %v", err)
	}
}

// TestOnlyARefusedRoleIsAMissingRole: an expired login or throttling
// while assuming a role is not "the role does not exist".
func TestOnlyARefusedRoleIsAMissingRole(t *testing.T) {
	t.Parallel()
	assume := func(code string) error {
		inner := &smithy.OperationError{ServiceID: "STS", OperationName: "AssumeRole", Err: &smithy.GenericAPIError{Code: code, Message: code}}
		return &smithy.OperationError{ServiceID: "EC2", OperationName: "DescribeSecurityGroups", Err: fmt.Errorf("get identity: %w", inner)}
	}
	for code, want := range map[string]bool{"AccessDenied": true, "ExpiredToken": false, "Throttling": false, "RegionDisabledException": false} {
		if got := sgaws.RoleMissing(assume(code)); got != want {
			t.Errorf("%s: RoleMissing %v, want %v", code, got, want)
		}
	}
}
