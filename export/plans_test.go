package export

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/sgwiz/sgwiz/internal/plantest"
	"github.com/sgwiz/sgwiz/model"
)

var office = []netip.Prefix{netip.MustParsePrefix("203.0.113.10/32")}

// presetPlan builds a use case with an office CIDR and nothing else.
func presetPlan(t testing.TB, id string) model.Plan {
	t.Helper()
	u, _ := model.LookupUseCase(id)
	p, err := u.Build(model.Inputs{Office: office})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// hostile is a valid plan whose names and descriptions hold everything AWS
// allows that a shell, HCL, YAML or Markdown could read as code.
const hostileText = "$(touch PWNED) ${var.x} $HOME {a}; rm -rf / [x](y) *b* _i_ #h !x @y +z =w"

func rule(t testing.TB, proto, ports, peer, desc string) model.Rule {
	t.Helper()
	r, err := model.NewRule(proto, ports, peer, desc)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// kitchenSink holds every protocol and peer kind, for the parsers and tools.
func kitchenSink(t testing.TB) model.Plan {
	return model.Plan{UseCase: "custom", Groups: []model.Group{
		{
			Name: "edge $(touch PWNED) & co", Description: hostileText + " & more",
			Tags: []model.Tag{{Key: "Owner", Value: hostileText}, {Key: "Name", Value: "edge"}},
			Ingress: []model.Rule{
				rule(t, "tcp", "443", "0.0.0.0/0", hostileText),
				rule(t, "tcp", "443", "::/0", ""),
				rule(t, "udp", "8000-9000", "10.0.0.0/8", "range"),
				rule(t, "icmp", "8", "0.0.0.0/0", "ping"),
				rule(t, "icmp", "3/4", "0.0.0.0/0", "pmtu"),
				rule(t, "icmpv6", "all", "::/0", "all icmpv6"),
				rule(t, "50", "", "198.51.100.0/24", "esp"),
				rule(t, "tcp", "22", "sg-0123456789abcdef0", "from an existing group"),
				rule(t, "tcp", "22", "pl-0123456789abcdef0", "from a prefix list"),
				rule(t, "all", "", "group:back", "all from back"),
			},
			Egress: []model.Rule{
				rule(t, "tcp", "5432", "group:back", "to back"),
			},
		},
		{
			Name: "back", Description: "Back end",
			Ingress: []model.Rule{rule(t, "tcp", "5432", "group:edge $(touch PWNED) & co", "from edge")},
			Egress:  []model.Rule{},
		},
	}}
}

// collidingNames are names whose identifiers meet each other and the
// formats' own names: a group's rule resources, the VpcId parameter, the
// script's variables, names of 255 characters.
func collidingNames(t testing.TB) model.Plan {
	long := strings.Repeat("a", 250) + " rule"
	names := []string{"edge", "edge ingress rule1", "edge egress rule1", "vpc id", "VpcIdSecurityGroup", "web-app", "web.app", "web app", "VPC_ID", long, long[:249] + " rule"}
	p := model.Plan{UseCase: "custom"}
	for i, name := range names {
		g := model.Group{Name: name, Description: "Group " + fmt.Sprint(i), Ingress: []model.Rule{
			rule(t, "tcp", fmt.Sprint(1000+i), "group:"+names[(i+1)%len(names)], "from the next"),
			rule(t, "tcp", "443", "10.0.0.0/8", "https"),
		}, Egress: []model.Rule{rule(t, "tcp", fmt.Sprint(2000+i), "group:"+names[(i+2)%len(names)], "to the one after")}}
		p.Groups = append(p.Groups, g)
	}
	return p
}

// importedPlan is two groups that exist (an import's: ids on the groups
// and their rules), with rule tags, a rule naming its own group by id, a
// rule added since the import (no id) and a temporary one.
func importedPlan(t testing.TB) model.Plan {
	tagged := func(r model.Rule, id string, tags ...model.Tag) model.Rule {
		r.ID, r.Tags = id, model.NewTags(tags...)
		return r
	}
	const web, db = "sg-0aaaaaaaaaaaaaaa1", "sg-0bbbbbbbbbbbbbbb2"
	return model.Plan{Name: "shop", Groups: []model.Group{
		{
			Name: "web", Description: "Web server", VPC: "vpc-0123456789abcdef0", ID: web,
			Tags: []model.Tag{{Key: "Owner", Value: "ops"}},
			Ingress: []model.Rule{
				tagged(rule(t, "tcp", "443", "0.0.0.0/0", "HTTPS"), "sgr-0aaaaaaaaaaaaaa01", model.Tag{Key: "team", Value: "web"}),
				tagged(rule(t, "tcp", "8443", web, "from itself"), "sgr-0aaaaaaaaaaaaaa02"),
				tagged(rule(t, "tcp", "80", "::/0", "HTTP, added since"), "", model.Tag{Key: "ticket", Value: "OPS-7"}),
			},
			Egress: []model.Rule{tagged(rule(t, "tcp", "5432", "group:db", "to the database"), "sgr-0aaaaaaaaaaaaaa03")},
		},
		{
			Name: "db", Description: "Database", VPC: "vpc-0123456789abcdef0", ID: db,
			Ingress: []model.Rule{tagged(rule(t, "tcp", "5432", "group:web", "from web"), "sgr-0bbbbbbbbbbbbbb01")},
			Egress:  []model.Rule{},
		},
	}}
}

// testPlans are the plans every format is checked on.
func testPlans(t testing.TB) map[string]model.Plan {
	return map[string]model.Plan{
		"web":         presetPlan(t, "web"),
		"alb":         presetPlan(t, "alb"),
		"three-tier":  presetPlan(t, "three-tier"),
		"mail":        presetPlan(t, "mail"),
		"bastion":     presetPlan(t, "bastion"),
		"kitchensink": kitchenSink(t),
		"colliding":   collidingNames(t),
		// Every service of the catalogue through every format's checker.
		"catalogue": plantest.CataloguePlan(),
	}
}
