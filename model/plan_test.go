package model

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"
)

var office = []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}

func mustBuild(t testing.TB, id string, in Inputs) Plan {
	t.Helper()
	u, ok := LookupUseCase(id)
	if !ok {
		t.Fatalf("no use case %q", id)
	}
	p, err := u.Build(in)
	if err != nil {
		t.Fatalf("build %s: %v", id, err)
	}
	return p
}

func webPlan(t testing.TB) Plan { return mustBuild(t, "web", Inputs{Office: office}) }

// validationError returns the message for one field, failing if absent.
func validationError(t *testing.T, p Plan, field string) string {
	t.Helper()
	err := p.Validate()
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("Validate() = %v, want field errors", err)
	}
	for _, e := range es {
		if e.Field == field {
			return e.Msg
		}
	}
	t.Fatalf("no error for %s in:\n%v", field, err)
	return ""
}

func TestValidateNamesTheFieldAndTheFix(t *testing.T) {
	tests := []struct {
		name   string
		change func(p *Plan)
		field  string
		want   string
	}{
		{"sg- prefix", func(p *Plan) { p.Groups[0].Name = "sg-web" }, "groups[0].name", "reserves for group ids"},
		{"SG- prefix", func(p *Plan) { p.Groups[0].Name = "SG-web" }, "groups[0].name", "starts with sg-"},
		{"empty name", func(p *Plan) { p.Groups[0].Name = "" }, "groups[0].name", "needs a name"},
		{"long name", func(p *Plan) { p.Groups[0].Name = strings.Repeat("a", 256) }, "groups[0].name", "at most 255"},
		{"unicode name", func(p *Plan) { p.Groups[0].Name = "wéb" }, "groups[0].name", "does not allow"},
		{"empty description", func(p *Plan) { p.Groups[0].Description = "" }, "groups[0].description", "requires a group description"},
		{"long description", func(p *Plan) { p.Groups[0].Description = strings.Repeat("d", 256) }, "groups[0].description", "at most 255"},
		{"rule description with quote", func(p *Plan) { p.Groups[0].Ingress[0].Description = `it's` }, "groups[0].ingress[0].description", `holds '\''`},
		{"rule description with backtick", func(p *Plan) { p.Groups[0].Ingress[0].Description = "`id`" }, "groups[0].ingress[0].description", "holds '`', which AWS does not allow: use letters"},
		{"rule description with newline", func(p *Plan) { p.Groups[0].Egress[0].Description = "a\nb" }, "groups[0].egress[0].description", `holds '\n'`},
		{"dynamic reference in a name", func(p *Plan) { p.Groups[0].Name = "web{{resolve:ssm:/db/pw}}" }, "groups[0].name", "{{resolve:, which CloudFormation would replace"},
		{"dynamic reference in a description", func(p *Plan) { p.Groups[0].Description = "x {{ Resolve:secretsmanager:k}}" }, "groups[0].description", "{{resolve:"},
		{"dynamic reference in a rule", func(p *Plan) { p.Groups[0].Ingress[0].Description = "{{resolve:ssm:k}}" }, "groups[0].ingress[0].description", "{{resolve:"},
		{"dynamic reference in a tag", func(p *Plan) { p.Groups[0].Tags = []Tag{{"Owner", "{{resolve:ssm:k}}"}} }, "groups[0].tags.Owner", "{{resolve:"},
		{"too many groups", func(p *Plan) {
			for len(p.Groups) <= MaxPlanGroups {
				g := p.Clone().Groups[0]
				g.Name = fmt.Sprintf("g%d", len(p.Groups))
				p.Groups = append(p.Groups, g)
			}
		}, "groups", "at most 500"},
		{"long rule description", func(p *Plan) { p.Groups[0].Ingress[1].Description = strings.Repeat("x", 256) }, "groups[0].ingress[1].description", "at most 255"},
		{"missing group", func(p *Plan) { p.Groups[0].Ingress[0].Peer = GroupRef("db") }, "groups[0].ingress[0].from", `"db" is not in the plan`},
		{"reversed ports", func(p *Plan) { p.Groups[0].Ingress[0].Ports = Ports(90, 80) }, "groups[0].ingress[0].ports", "from ≤ to"},
		{"ports on all", func(p *Plan) { p.Groups[0].Ingress[0].Protocol = AllProtocols }, "groups[0].ingress[0].ports", "takes no ports"},
		{"no protocol", func(p *Plan) { p.Groups[0].Ingress[0].Protocol = Protocol{} }, "groups[0].ingress[0].protocol", "missing protocol"},
		{"no peer", func(p *Plan) { p.Groups[0].Egress[0].Peer = Peer{} }, "groups[0].egress[0].to", "missing to"},
		{"icmpv6 to ipv4", func(p *Plan) { p.Groups[0].Ingress[0] = Rule{Protocol: ICMPv6, Ports: NoPorts, Peer: AnyIPv4} }, "groups[0].ingress[0].from", "use protocol icmp"},
		{"bad vpc", func(p *Plan) { p.Groups[0].VPC = "vpc-1" }, "groups[0].vpc_id", "not a VPC id"},
		{"bad id", func(p *Plan) { p.Groups[0].ID = "sg-zz" }, "groups[0].id", "not a security group id"},
		{"aws: tag", func(p *Plan) { p.Groups[0].Tags = []Tag{{"aws:x", "y"}} }, "groups[0].tags.aws:x", "reserved"},
		{"duplicate tag", func(p *Plan) { p.Groups[0].Tags = []Tag{{"a", "1"}, {"a", "2"}} }, "groups[0].tags.a", "twice"},
		{"duplicate group", func(p *Plan) { p.Groups = append(p.Groups, p.Groups[0]); p.Groups[1].Name = "WEB" }, "groups[1].name", "unique in a VPC"},
		{"two VPCs", func(p *Plan) {
			p.Groups = append(p.Groups, p.Clone().Groups[0])
			p.Groups[1].Name, p.Groups[1].VPC = "other", "vpc-0123456789abcdef0"
		}, "groups[1].vpc_id", "share one VPC"},
		{"no groups", func(p *Plan) { p.Groups = nil }, "groups", "no group"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := webPlan(t)
			tt.change(&p)
			if msg := validationError(t, p, tt.field); !strings.Contains(msg, tt.want) {
				t.Errorf("%s: %q does not say %q", tt.field, msg, tt.want)
			}
		})
	}
}

func TestDescriptionsWithShellMetacharactersAreValid(t *testing.T) {
	// AWS allows $ ( ) { } ; ! * in descriptions: exporters must keep them inert.
	p := webPlan(t)
	p.Groups[0].Description = "$(touch /tmp/pwned) ${var.x} ; rm -rf / & echo !"
	p.Groups[0].Ingress[0].Description = "$(touch /tmp/pwned) ${var.x}; [x](y) *b* #h"
	if err := p.Validate(); err != nil {
		t.Fatalf("AWS accepts these characters, so sgwiz must too: %v", err)
	}
}

func TestRuleDescriptionsTakeAmpersand(t *testing.T) {
	// The current EC2 API reference allows & in rule descriptions.
	p := webPlan(t)
	p.Groups[0].Ingress[0].Description = "R&D office"
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestExistingGroupsKeepWhatAWSHolds(t *testing.T) {
	// An imported group's name, description, tags and rule descriptions
	// are what AWS accepted: validation must not refuse them.
	p := webPlan(t)
	g := &p.Groups[0]
	g.ID = "sg-0123456789abcdef0"
	g.Name, g.Description = "Büro", "Gruppe für's Büro"
	g.Tags = []Tag{{"Note", "line one\nline two"}}
	g.Ingress[0].Description = "it's the café's"
	if err := p.Validate(); err != nil {
		t.Fatalf("an existing group's values must validate: %v", err)
	}
	g.Ingress[0].Description = strings.Repeat("x", 256)
	if err := p.Validate(); err == nil {
		t.Error("the length limit still holds")
	}
}

func TestCloneSharesNothing(t *testing.T) {
	p := webPlan(t)
	q := p.Clone()
	q.Groups[0].Ingress[0].Description = "changed"
	q.Groups[0].Tags = append(q.Groups[0].Tags, Tag{"k", "v"})
	if p.Groups[0].Ingress[0].Description == "changed" || len(p.Groups[0].Tags) != 0 {
		t.Error("changing a clone changed the original")
	}
}
