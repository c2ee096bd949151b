package aws_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

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
		{"expired credentials", failOn("DescribeVpcs", "ExpiredToken", 400), nil, []string{"credentials", "aws sso login"}},
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
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
