package wizard

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/aws/awstest"
	"github.com/sgwiz/sgwiz/model"
)

// connected is the wizard on a sandbox account with what Init looks up
// (VPCs, groups, prefix lists) answered, as after a second of use.
func connected(t *testing.T, c *aws.Client, opts Options) tea.Model {
	t.Helper()
	opts.Cloud, opts.Where = c, "sandbox"
	var m tea.Model = New(opts)
	for _, cmd := range []tea.Cmd{whoAmI(c), listVPCs(c), listGroups(c), listPrefixLists(c)} {
		m, _ = m.Update(cmd())
	}
	return m
}

// existingGroup creates a group in the sandbox's default VPC, with one
// inbound rule, as someone did by hand.
func existingGroup(t *testing.T, c *aws.Client, sb *awstest.Server, name string) string {
	t.Helper()
	raw := ec2.New(ec2.Options{Region: "us-east-1", BaseEndpoint: sdk.String(sb.URL),
		Credentials: sdk.CredentialsProviderFunc(func(context.Context) (sdk.Credentials, error) {
			return sdk.Credentials{AccessKeyID: "sandbox", SecretAccessKey: "sandbox"}, nil
		})})
	ctx := context.Background()
	out, err := raw.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: sdk.String(name), Description: sdk.String("made by hand"), VpcId: sdk.String(awstest.DefaultVPC)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: out.GroupId, IpPermissions: []types.IpPermission{
		{IpProtocol: sdk.String("tcp"), FromPort: sdk.Int32(5432), ToPort: sdk.Int32(5432), IpRanges: []types.IpRange{{CidrIp: sdk.String("10.0.0.0/16")}}}}}); err != nil {
		t.Fatal(err)
	}
	return sdk.ToString(out.GroupId)
}

// toSourceLine moves the inbound sources step's cursor to the line that
// matches.
func toSourceLine(t *testing.T, m tea.Model, match func(srcLine, []model.Selection) bool) tea.Model {
	t.Helper()
	for range 200 {
		src := m.(Model).steps[stepSources].(*sourcesStep)
		if match(src.lines[src.cursor], m.(Model).s.selections(model.Ingress)) {
			return m
		}
		m = press(t, m, "down")
	}
	t.Fatalf("no such line:\n%s", screen(m))
	return nil
}

// TestMyIPFillsTheOffice: enter on "Look up my IP" asks the configured
// endpoint and puts the answer in the office field as a /32; when the
// endpoint cannot be reached, the field says so and nothing is lost.
func TestMyIPFillsTheOffice(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("198.51.100.7\n")) }))
	defer srv.Close()
	lookUp := func(url string) tea.Model {
		m := press(t, New(Options{MyIPURL: url}), "enter", "enter", "enter") // web server, its services
		m = toSourceLine(t, m, func(l srcLine, _ []model.Selection) bool { return l.kind == lineMyIP })
		m, cmd := m.Update(specialKeys["enter"])
		if !strings.Contains(screen(m), "looking up your public address") {
			t.Errorf("the look-up should show while it runs:\n%s", screen(m))
		}
		if cmd == nil {
			t.Fatal("enter on the My IP line should look the address up")
		}
		m, _ = m.Update(cmd())
		return m
	}
	m := lookUp(srv.URL)
	if got := m.(Model).s.draft.Office; len(got) != 1 || got[0].String() != "198.51.100.7/32" {
		t.Errorf("office = %v, want 198.51.100.7/32", got)
	}
	if p := plan(t, press(t, m, "enter", "enter", "enter")); !strings.Contains(p.Groups[0].Ingress[len(p.Groups[0].Ingress)-1].Peer.String(), "198.51.100.7/32") {
		t.Errorf("SSH should be open from the address looked up: %+v", p.Groups[0].Ingress)
	}
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	m = lookUp(closed.URL)
	if out := screen(m); !strings.Contains(out, "offline?") || !strings.Contains(out, "type the address instead") {
		t.Errorf("an unreachable endpoint should be said:\n%s", out)
	}
}

// TestPickersOfferWhatTheRegionHas: connected, the add field picks the
// VPC's existing groups (name, id, rule count) and the region's prefix
// lists; a picked list counts in the quota as AWS counts it; SSH offers
// EC2 Instance Connect's list and says Session Manager needs no rule.
func TestPickersOfferWhatTheRegionHas(t *testing.T) {
	c, sb := sandboxCloud(t)
	id := existingGroup(t, c, sb, "payments-db")
	m := press(t, connected(t, c, Options{}), "enter", "enter", "enter", "203.0.113.10")
	m = toSourceLine(t, m, func(l srcLine, sels []model.Selection) bool {
		return l.kind == lineAdd && sels[l.sel].Service.ID == "https"
	})
	m, _ = m.Update(ctrlO)
	out := screen(m)
	if !strings.Contains(out, id+"  payments-db · 2 rules") {
		t.Errorf("the picker should list the VPC's group with its rule count:\n%s", out)
	}
	m = press(t, m, "cloudfront", "enter")
	if out := screen(m); !strings.Contains(out, "pl-3b927c52 (global.cloudfront.origin-facing, counts 55)") {
		t.Errorf("the list's source should say its name and weight:\n%s", out)
	}
	m = toSourceLine(t, m, func(l srcLine, sels []model.Selection) bool {
		return l.kind == lineOption && sels[l.sel].Service.ID == "ssh" && l.source.Peer == model.PrefixList(awstest.InstanceConnectList)
	})
	if out := screen(m); !strings.Contains(out, "EC2 Instance Connect ("+awstest.InstanceConnectList) || !strings.Contains(out, "Session Manager needs no inbound rule") {
		t.Errorf("SSH should offer EC2 Instance Connect and say Session Manager needs no rule:\n%s", out)
	}
	m = press(t, m, "space", "enter", "enter", "enter")
	p := plan(t, m)
	var viaList []string
	for _, r := range p.Groups[0].Ingress {
		if r.Peer.Kind() == model.PeerPrefixList {
			viaList = append(viaList, r.Peer.Ref()+" "+r.PortText())
		}
	}
	if strings.Join(viaList, ", ") != awstest.CloudFrontList+" 443, "+awstest.InstanceConnectList+" 22" {
		t.Errorf("rules from prefix lists: %v", viaList)
	}
	if out := screen(m); !strings.Contains(out, "60 IPv4 · 2 IPv6 of 60 each") || !strings.Contains(out, "quota-near") {
		t.Errorf("CloudFront's list counts 55 and Instance Connect's 2 in the review's quota line, beside 3 IPv4 rules:\n%s", out)
	}
}

// TestDetailsSayAnExistingGroupIsUpdated: a group of the plan's name in
// the VPC is said at once, with what apply would do to it; a Name tag
// goes to the group.
func TestDetailsSayAnExistingGroupIsUpdated(t *testing.T) {
	c, sb := sandboxCloud(t)
	id := existingGroup(t, c, sb, "web")
	m := press(t, connected(t, c, Options{}), "enter", "enter", "enter", "203.0.113.10", "enter", "enter")
	atStep(t, m, "Details")
	if out := strings.Join(strings.Fields(screen(m)), " "); !strings.Contains(out, id+" named web exists in "+awstest.DefaultVPC+" (2 rules) and this plan did not make it: apply will adopt it after you type its name") {
		t.Errorf("the details step should say the name is taken:\n%s", out)
	}
	m = press(t, m, "-2")
	if out := screen(m); strings.Contains(out, "exists in") {
		t.Errorf("a new name is free:\n%s", out)
	}
	m = press(t, m, "down", "down", "shop front")
	p := plan(t, m)
	if tags := p.Groups[0].Tags; len(tags) != 1 || tags[0] != (model.Tag{Key: "Name", Value: "shop front"}) {
		t.Errorf("tags = %v, want Name=shop front", tags)
	}
}

// TestDetailsRefuseTheDefaultName: default is the VPC's own group; the
// name field says so as it is typed.
func TestDetailsRefuseTheDefaultName(t *testing.T) {
	m := press(t, New(Options{}), "enter", "enter", "enter", "203.0.113.10", "enter", "enter")
	atStep(t, m, "Details")
	m = press(t, m, "backspace", "backspace", "backspace", "Default")
	if out := strings.Join(strings.Fields(screen(m)), " "); !strings.Contains(out, `AWS reserves the name "Default" for each VPC's own default group`) {
		t.Errorf("the name field should refuse default:\n%s", out)
	}
}

// TestDetailsKnowAGroupThisPlanMade: a group of the name that an earlier
// apply of this plan made (its owner tags say so) is updated as the
// plan's own, without adopting it.
func TestDetailsKnowAGroupThisPlanMade(t *testing.T) {
	c, _ := sandboxCloud(t)
	u, _ := model.LookupUseCase("web")
	p, err := u.Build(model.Inputs{Office: []netip.Prefix{netip.MustParsePrefix("203.0.113.10/32")}})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := c.Plan(context.Background(), p)
	if err == nil {
		_, err = c.Apply(context.Background(), ch)
	}
	if err != nil {
		t.Fatal(err)
	}
	m := press(t, connected(t, c, Options{}), "enter", "enter", "enter", "203.0.113.10", "enter", "enter")
	atStep(t, m, "Details")
	if out := strings.Join(strings.Fields(screen(m)), " "); !strings.Contains(out, "named web exists in "+awstest.DefaultVPC+" (9 rules), made by this plan: apply will update it to the plan") {
		t.Errorf("the details step should know the group as the plan's:\n%s", out)
	}
}

// TestEditExistingPicksTheGroup: "Edit an existing group" offers the
// region's groups with ctrl+o.
func TestEditExistingPicksTheGroup(t *testing.T) {
	c, sb := sandboxCloud(t)
	id := existingGroup(t, c, sb, "legacy")
	m := press(t, connected(t, c, Options{}), "down", "down", "enter")
	m, _ = m.Update(ctrlO)
	m = press(t, m, "legacy")
	if out := screen(m); !strings.Contains(out, id+"  legacy · "+awstest.DefaultVPC+" · 2 rules") {
		t.Errorf("the picker should list the group:\n%s", out)
	}
	m = press(t, m, "enter")
	if got := m.(Model).steps[stepStart].(*startStep).path.Value(); got != id {
		t.Fatalf("enter in the picker puts the group's id in the field: %q\n%s", got, screen(m))
	}
	m, cmd := m.Update(specialKeys["enter"])
	m, _ = m.Update(cmd())
	atStep(t, m, "Review")
	if p := plan(t, m); p.Groups[0].ID != id || p.Groups[0].Name != "legacy" {
		t.Errorf("imported %+v", p.Groups[0])
	}
}

// TestAuditFromTheStart: "Audit this account" lists the region's groups
// worst first; enter opens one with the fix of its high findings, at the
// review, unsaved until applied or saved.
func TestAuditFromTheStart(t *testing.T) {
	c, sb := sandboxCloud(t)
	sb.Handler().Example()
	// web-prod's HTTPS rule, which the fix keeps, has a tag: the fix keeps
	// it too (the audit itself does not read rule tags).
	raw := ec2.New(ec2.Options{Region: "us-east-1", BaseEndpoint: sdk.String(sb.URL),
		Credentials: sdk.CredentialsProviderFunc(func(context.Context) (sdk.Credentials, error) {
			return sdk.Credentials{AccessKeyID: "sandbox", SecretAccessKey: "sandbox"}, nil
		})})
	rules, err := raw.DescribeSecurityGroupRules(context.Background(), &ec2.DescribeSecurityGroupRulesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules.SecurityGroupRules {
		if sdk.ToInt32(r.FromPort) == 443 {
			if _, err := raw.CreateTags(context.Background(), &ec2.CreateTagsInput{Resources: []string{sdk.ToString(r.SecurityGroupRuleId)},
				Tags: []types.Tag{{Key: sdk.String("team"), Value: sdk.String("web")}}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	m := press(t, connected(t, c, Options{}), "down", "down", "down")
	m, cmd := m.Update(specialKeys["enter"])
	if !strings.Contains(screen(m), "reading the region's groups") || cmd == nil {
		t.Fatalf("the audit should start and say so:\n%s", screen(m))
	}
	m, _ = m.Update(cmd())
	out := screen(m)
	if !strings.Contains(out, "HIGH") || !strings.Contains(out, "web-prod") || !strings.Contains(out, "launch-wizard-1") || !strings.Contains(out, " groups read, ") {
		t.Fatalf("the audit lists the groups with findings, worst first:\n%s", out)
	}
	for !strings.Contains(m.(Model).steps[stepStart].(*startStep).audit.rows[m.(Model).steps[stepStart].(*startStep).audit.cursor].group.Name, "web-prod") {
		m = press(t, m, "down")
	}
	m, cmd = m.Update(specialKeys["enter"])
	m, _ = m.Update(cmd())
	atStep(t, m, "Review")
	p := plan(t, m)
	if len(p.Groups) != 1 || p.Groups[0].Name != "web-prod" || p.Groups[0].ID == "" {
		t.Fatalf("the fix is the group, by id: %+v", p.Groups)
	}
	for _, r := range p.Groups[0].Ingress {
		if r.Peer.IsWorld() && r.Ports == model.Port(22) {
			t.Errorf("SSH to the world is gone in the fix: %+v", p.Groups[0].Ingress)
		}
		if r.Ports == model.Port(443) && r.Tags != model.NewTags(model.Tag{Key: "team", Value: "web"}) {
			t.Errorf("the HTTPS rule keeps its tag: %+v", r)
		}
	}
	if !m.(Model).s.unsaved() {
		t.Error("the fix is not in AWS yet: leaving asks first")
	}
}
