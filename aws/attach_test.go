package aws_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	sgaws "github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/aws/awstest"
)

// TestAttachOnTheSandbox: an instance's primary interface gains or loses
// one group and keeps the others; its second interface is left alone and
// named; what EC2 would refuse is refused before any call.
func TestAttachOnTheSandbox(t *testing.T) {
	t.Parallel()
	c, sb := sandbox(t)
	h := sb.Handler()
	raw := rawEC2(t, sb.URL)
	ctx := context.Background()
	mk := func(name, vpc string) string {
		out, err := raw.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: sdk.String(name), Description: sdk.String(name), VpcId: sdk.String(vpc)})
		if err != nil {
			t.Fatal(err)
		}
		return sdk.ToString(out.GroupId)
	}
	a, b := mk("a", awstest.DefaultVPC), mk("b", awstest.DefaultVPC)
	inst, eni := h.AddInstance("web-1", "running", a)
	second := h.AddSecondInterface(inst, a)

	att, err := c.PlanAttach(ctx, sgaws.AttachRequest{Group: b, Instance: inst})
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(att.Lines(), "\n")
	if !strings.Contains(text, "before: "+a+" (a)\n    after:  "+a+" (a), "+b+" (b)") || !strings.Contains(text, second+" (device 1), left as it is") {
		t.Errorf("the change says before, after and what is left:\n%s", text)
	}
	if err := c.Attach(ctx, att); err != nil {
		t.Fatal(err)
	}
	if got := h.InterfaceGroups(eni); !slices.Equal(got, []string{a, b}) {
		t.Errorf("primary: %v", got)
	}
	if got := h.InterfaceGroups(second); !slices.Equal(got, []string{a}) {
		t.Errorf("the second interface is untouched: %v", got)
	}
	det, err := c.PlanAttach(ctx, sgaws.AttachRequest{Group: a, Instance: inst, Detach: true})
	if err != nil || c.Attach(ctx, det) != nil || !slices.Equal(h.InterfaceGroups(eni), []string{b}) {
		t.Errorf("detach a keeps b: %v %v", err, h.InterfaceGroups(eni))
	}
	instances, err := c.Instances(ctx, awstest.DefaultVPC)
	if err != nil || len(instances) != 1 || instances[0].Title() != "web-1 ("+inst+", running)" || len(instances[0].Interfaces) != 2 {
		t.Errorf("instances for the picker: %+v %v", instances, err)
	}
	users, err := c.Users(ctx, b)
	if err != nil || len(users) != 1 || users[0].Instance != inst || users[0].Interface != eni {
		t.Errorf("who uses b: %+v %v", users, err)
	}

	// Refused before any call.
	other := mk("other", awstest.IPv6VPC)
	big := h.Seed(5, 201)
	busy, busyENI := h.AddInstance("busy", "running", big[:4]...)
	changes := h.Changes()
	for _, tt := range []struct {
		req  sgaws.AttachRequest
		want string
	}{
		{sgaws.AttachRequest{Group: other, Instance: inst}, "is in " + awstest.IPv6VPC + ", but " + eni + " is in " + awstest.DefaultVPC},
		{sgaws.AttachRequest{Group: big[4], Instance: busy}, busyENI + " would carry 1005 inbound rules"},
		{sgaws.AttachRequest{Group: a, ENI: eni, Replace: big[0]}, "--replace: " + eni + " does not carry " + big[0]},
		{sgaws.AttachRequest{Group: a, Instance: inst, Detach: true}, "does not carry " + a + ": nothing to detach"},
		{sgaws.AttachRequest{Group: b, Instance: "i-0000000000000000f"}, "instance i-0000000000000000f does not exist"},
		{sgaws.AttachRequest{Group: b, ENI: "eni-0000000000000000f"}, "network interface eni-0000000000000000f does not exist"},
	} {
		if _, err := c.PlanAttach(ctx, tt.req); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: %v, want %q", tt.req, err, tt.want)
		}
	}
	if h.Changes() != changes {
		t.Error("a refused change makes no call that changes anything")
	}
}
