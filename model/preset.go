package model

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"
)

// EgressPolicy is an outbound policy a use case can take.
type EgressPolicy string

// The outbound policies.
const (
	// EgressDefault keeps AWS's rule: all traffic to 0.0.0.0/0 and ::/0.
	EgressDefault EgressPolicy = "default"
	// EgressWeb allows only HTTP and HTTPS out (updates, APIs), plus what
	// the use case itself sends (SMTP for a mail server).
	EgressWeb EgressPolicy = "web"
	// EgressGroup allows only the next tier: ALB → app port, app → database.
	EgressGroup EgressPolicy = "group"
	// EgressNone removes every outbound rule.
	EgressNone EgressPolicy = "none"
	// EgressWebMail is EgressWeb and mail submission (587, 465) to a relay
	// such as SES: a web application that sends mail.
	EgressWebMail EgressPolicy = "web-mail"
	// EgressWebDB is EgressWeb and the database engine's port to the
	// database (Inputs.DBTo: an RDS group or a CIDR); it follows the engine.
	EgressWebDB EgressPolicy = "web-db"
	// EgressCustom is chosen rule by rule in the wizard (or the plan file);
	// a preset cannot build it from flags.
	EgressCustom EgressPolicy = "custom"
)

// Egresses lists the policies in the order the wizard offers them.
var Egresses = []EgressPolicy{EgressDefault, EgressWeb, EgressWebMail, EgressWebDB, EgressGroup, EgressNone}

// About explains the egress policy in one line, for any use case; a use
// case's own label is UseCase.EgressAbout.
func (e EgressPolicy) About() string {
	switch e {
	case EgressDefault:
		return "AWS default: all traffic out to 0.0.0.0/0 and ::/0"
	case EgressWeb:
		return "Web only: HTTP and HTTPS out, for updates and APIs"
	case EgressGroup:
		return "Only to the next tier's group and port (ALB → app, app → database)"
	case EgressNone:
		return "None: the instance cannot start connections (replies still flow)"
	case EgressWebMail:
		return "Web and mail: HTTP and HTTPS out, and mail submission (587, 465) to a relay such as SES"
	case EgressWebDB:
		return "Web and a database: HTTP and HTTPS out, and the database port to its group or CIDR (RDS)"
	case EgressCustom:
		return "Custom: choose the outbound services and their destinations yourself"
	}
	return string(e)
}

// EgressAbout says in one line everything policy e opens in this use case.
func (u UseCase) EgressAbout(e EgressPolicy) string {
	switch {
	case e == EgressWeb && u.ID == "mail":
		return "Web and mail: HTTP and HTTPS out for updates, SMTP 25 to other mail servers"
	case e == EgressWeb && u.ID == "alb":
		return "Web: HTTP and HTTPS out for updates, and the load balancer to the app port"
	case e == EgressWeb && u.ID == "three-tier":
		return "Web: HTTP and HTTPS out for updates, and each tier to the next (ALB → app port, app → database)"
	case e == EgressGroup && u.ID == "alb":
		return "Only what each tier needs: the load balancer to the app port, the app HTTPS out"
	case e == EgressGroup && u.ID == "three-tier":
		return "Only to the next tier: the load balancer to the app port, the app to the database, the database nothing"
	}
	return e.About()
}

// SSHFrom says where the admin port (SSH, or RDP for Windows) is open from.
type SSHFrom string

// The admin-port choices.
const (
	SSHOffice SSHFrom = "office"
	SSHWorld  SSHFrom = "world"
	SSHNone   SSHFrom = "none"
)

// Inputs are the answers a use case asks for. Zero values take the use
// case's defaults.
type Inputs struct {
	// Name is the group name, or the prefix of the names of linked groups.
	Name string
	// VPC is the vpc-… id of every group.
	VPC string
	// Office holds the office / my-IP CIDRs for admin access.
	Office []netip.Prefix
	// SSHFrom is where the admin port is open from ("" = the use case's default).
	SSHFrom SSHFrom
	// Egress is the outbound policy ("" = the use case's default).
	Egress EgressPolicy
	// AppPort is the application port behind a load balancer (default 8080).
	AppPort int
	// Engine is the database service id (default mysql).
	Engine string
	// AppSources are who may reach a database server (CIDRs, sg-…, pl-…);
	// empty means the office CIDRs.
	AppSources []Peer
	// DBTo is where the web-db egress policy sends the engine's port: the
	// database's group (sg-…) or CIDR.
	DBTo []Peer
	// Tags are added to every group.
	Tags []Tag
	// AdminUntil, when set, makes the inbound remote administration
	// services (SSH, RDP, WinRM) temporary until then, as the wizard's l
	// does: apply tags their rules and sgwiz sweep revokes them.
	AdminUntil time.Time
}

// UseCase is a preset: a short description, the inputs it asks for and
// its defaults.
type UseCase struct {
	ID          string
	Title       string
	Description string
	// DefaultEgress is the least-privilege outbound policy for this case.
	DefaultEgress EgressPolicy
	// Egresses are the outbound policies that make sense here.
	Egresses []EgressPolicy
	// DefaultSSH is where the admin port is open from by default.
	DefaultSSH SSHFrom
	// AsksOffice, AsksAppPort and AsksEngine say which inputs it uses.
	AsksOffice, AsksAppPort, AsksEngine bool
	// PublicPorts are the TCP ports this use case is meant to serve to the
	// internet; a world-open port outside them is a finding.
	PublicPorts []int
	build       func(u UseCase, in Inputs) []GroupSpec
}

// Engines are the database services the database and three-tier cases offer.
var Engines = []string{"mysql", "postgresql", "mssql", "oracle", "redis", "mongodb", "memcached", "elasticsearch"}

var useCases = []UseCase{
	{
		ID: "web", Title: "Web server",
		Description:   "HTTP and HTTPS open to everyone (IPv4 and IPv6), SSH from your office only: the TYPO3 / Drupal marketplace case",
		DefaultEgress: EgressWeb, Egresses: []EgressPolicy{EgressDefault, EgressWeb, EgressWebMail, EgressWebDB, EgressNone},
		DefaultSSH: SSHOffice, AsksOffice: true, PublicPorts: []int{80, 443},
		build: buildWeb,
	},
	{
		ID: "alb", Title: "Web app behind a load balancer",
		Description:   "A load balancer group open to the web, and an app group that only the load balancer can reach on the app port",
		DefaultEgress: EgressGroup, Egresses: []EgressPolicy{EgressDefault, EgressWeb, EgressGroup},
		DefaultSSH: SSHNone, AsksOffice: true, AsksAppPort: true, PublicPorts: []int{80, 443},
		build: buildALB,
	},
	{
		ID: "three-tier", Title: "Three-tier: ALB → app → database",
		Description:   "Three linked groups: the load balancer takes web traffic, the app only hears the load balancer, the database only hears the app",
		DefaultEgress: EgressGroup, Egresses: []EgressPolicy{EgressDefault, EgressWeb, EgressGroup},
		DefaultSSH: SSHNone, AsksOffice: true, AsksAppPort: true, AsksEngine: true, PublicPorts: []int{80, 443},
		build: buildThreeTier,
	},
	{
		ID: "database", Title: "Database server",
		Description:   "A database (MySQL/Aurora, PostgreSQL, …) reachable only from your app servers' group or CIDR, with no outbound traffic",
		DefaultEgress: EgressNone, Egresses: []EgressPolicy{EgressDefault, EgressWeb, EgressNone},
		DefaultSSH: SSHNone, AsksOffice: true, AsksEngine: true,
		build: buildDatabase,
	},
	{
		ID: "bastion", Title: "Bastion / SSH jump host",
		Description:   "SSH from your office only; from there you reach private instances",
		DefaultEgress: EgressDefault, Egresses: []EgressPolicy{EgressDefault, EgressWeb, EgressNone},
		DefaultSSH: SSHOffice, AsksOffice: true,
		build: buildBastion,
	},
	{
		ID: "windows", Title: "Windows server (RDP)",
		Description:   "Remote Desktop from your office only, HTTP and HTTPS out for Windows Update",
		DefaultEgress: EgressWeb, Egresses: []EgressPolicy{EgressDefault, EgressWeb, EgressNone},
		DefaultSSH: SSHOffice, AsksOffice: true,
		build: buildWindows,
	},
	{
		ID: "mail", Title: "Mail server",
		Description:   "SMTP 25 for other mail servers, submission 465/587 and IMAPS/POP3S for your users, SSH from your office",
		DefaultEgress: EgressWeb, Egresses: []EgressPolicy{EgressDefault, EgressWeb, EgressNone},
		DefaultSSH: SSHOffice, AsksOffice: true, PublicPorts: []int{25, 465, 587, 993, 995},
		build: buildMail,
	},
	{
		ID: "custom", Title: "Custom",
		Description:   "Start empty and pick every service yourself",
		DefaultEgress: EgressDefault, Egresses: []EgressPolicy{EgressDefault, EgressWeb, EgressNone},
		DefaultSSH: SSHNone,
		build:      buildCustom,
	},
}

// UseCases returns the presets in the order the wizard shows them.
func UseCases() []UseCase { return append([]UseCase(nil), useCases...) }

// LookupUseCase returns the preset with this id.
func LookupUseCase(id string) (UseCase, bool) {
	for _, u := range useCases {
		if u.ID == id {
			return u, true
		}
	}
	return UseCase{}, false
}

// UseCaseIDs lists the preset ids, for messages.
func UseCaseIDs() string { return strings.Join(useCaseIDs(), ", ") }

// useCaseIDs are the use cases' ids, in order.
func useCaseIDs() []string {
	ids := make([]string, len(useCases))
	for i, u := range useCases {
		ids[i] = u.ID
	}
	return ids
}

// UseCaseIDList is UseCaseIDs as a list (for shell completion).
func UseCaseIDList() []string { return useCaseIDs() }

// DefaultName is the group name (or prefix) when none is given.
func (u UseCase) DefaultName() string {
	switch u.ID {
	case "alb", "three-tier":
		return "web"
	case "database":
		return "db"
	}
	return u.ID
}

// Build turns the answers into a plan, checking the inputs first. Errors
// name the input's field (FieldOffice, FieldEngine, …).
func (u UseCase) Build(in Inputs) (Plan, error) {
	d, err := u.Draft(in)
	if err != nil {
		return Plan{}, err
	}
	if u.ID == "database" && len(in.AppSources) == 0 && len(in.Office) == 0 {
		return Plan{}, Errors{{Field: FieldAppSources, Msg: "the database server needs to know who may reach it: give your app servers' sg-… id or CIDR (or the office's)"}}
	}
	if d.Egress == EgressWebDB && len(in.DBTo) == 0 {
		return Plan{}, Errors{{Field: FieldDBTo, Msg: "the web-db egress sends to the database: give its security group (sg-…) or CIDR"}}
	}
	if d.Egress != EgressWebDB && len(in.DBTo) > 0 {
		return Plan{}, Errors{{Field: FieldDBTo, Msg: "only the web-db egress sends to a database: add --egress web-db, or leave it out"}}
	}
	return d.Plan()
}

// Draft turns the answers into the use case's groups and selections, the
// form the wizard edits. The office CIDRs may still be missing: Plan says so.
func (u UseCase) Draft(in Inputs) (Draft, error) {
	in, err := u.resolve(in)
	if err != nil {
		return Draft{}, err
	}
	d := Draft{UseCase: u.ID, Office: append([]netip.Prefix(nil), in.Office...), VPC: in.VPC,
		Tags: append([]Tag(nil), in.Tags...), Egress: in.Egress, Groups: u.build(u, in)}
	// The answers a use case does not ask are not part of its drafts.
	if u.AsksEngine || in.Egress == EgressWebDB {
		d.Engine = in.Engine
	}
	if u.AsksAppPort {
		d.AppPort = in.AppPort
	}
	for i := range d.Groups {
		g := &d.Groups[i]
		for _, dir := range []Direction{Ingress, Egress} {
			if g.Selections(dir) == nil {
				g.setSelections(dir, []Selection{})
			}
		}
		for si, sel := range g.Ingress {
			if sel.Service.Kind == KindAdmin {
				d.SetUntil(i, Ingress, si, in.AdminUntil)
			}
		}
	}
	return d, nil
}

func (u UseCase) resolve(in Inputs) (Inputs, error) {
	var es Errors
	if in.Name == "" {
		in.Name = u.DefaultName()
	}
	if in.SSHFrom == "" {
		in.SSHFrom = u.DefaultSSH
	}
	if in.Egress == "" {
		in.Egress = u.DefaultEgress
	}
	if in.AppPort == 0 {
		in.AppPort = 8080
	}
	if in.Engine == "" {
		in.Engine = "mysql"
	}
	switch in.SSHFrom {
	case SSHOffice, SSHWorld, SSHNone:
	default:
		es.add(FieldSSHFrom, "%q is not a choice%s: use office, world or none", in.SSHFrom, DidYouMean(string(in.SSHFrom), []string{"office", "world", "none"}))
	}
	if !containsEgress(u.Egresses, in.Egress) {
		es.add(FieldEgress, "%q is not an egress choice for %s%s: use one of %s", in.Egress, u.ID, DidYouMean(string(in.Egress), egressNames(u.Egresses)), joinEgress(u.Egresses))
	}
	var d Draft
	for _, err := range []error{d.SetAppPort(in.AppPort), d.SetEngine(in.Engine), checkOffice(in.Office)} {
		var fe *FieldError
		if errors.As(err, &fe) {
			es = append(es, fe)
		}
	}
	if err := ValidateVPCID(in.VPC); err != nil {
		es.add(FieldVPC, "%v", err)
	}
	return in, es.err()
}

func containsEgress(es []EgressPolicy, e EgressPolicy) bool {
	return slices.Contains(es, e)
}

func containsString(ss []string, s string) bool {
	return slices.Contains(ss, s)
}

func joinEgress(es []EgressPolicy) string { return strings.Join(egressNames(es), ", ") }

// egressNames are the policies' names.
func egressNames(es []EgressPolicy) []string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = string(e)
	}
	return s
}

// service returns the catalogue entry; the presets name only known ids.
func service(id string) Service {
	s, ok := LookupService(id)
	if !ok {
		panic("preset names unknown service " + id)
	}
	return s
}

// sel selects a catalogue service for these sources.
func sel(id string, sources ...Source) Selection {
	return Selection{Service: service(id), Sources: sources}
}

// linked selects the service an answer names (the app port, the engine)
// for these sources; it follows the answer.
func linked(l Link, in Inputs, sources ...Source) Selection {
	s := Selection{Link: l, Sources: sources}
	if l == LinkAppPort {
		s.Service = appService(in.AppPort)
	} else {
		s.Service = service(in.Engine)
	}
	return s
}

// anywhere is both "Anywhere" choices of the console.
var anywhere = []Source{Anywhere4, Anywhere6}

// admin selects the admin service for the SSHFrom choice, or nothing.
func admin(id string, in Inputs) []Selection {
	switch in.SSHFrom {
	case SSHOffice:
		return []Selection{sel(id, Office)}
	case SSHWorld:
		return []Selection{sel(id, anywhere...)}
	}
	return nil
}

// egress selects the outbound services of a policy; extra are what the
// group sends besides HTTP and HTTPS under the web policy (SMTP for a
// mail server, the next tier).
func egress(e EgressPolicy, extra ...Selection) []Selection {
	switch e {
	case EgressDefault:
		return []Selection{sel("all-traffic", anywhere...)}
	case EgressWeb:
		return append([]Selection{sel("http", anywhere...), sel("https", anywhere...)}, extra...)
	}
	return []Selection{}
}

func single(in Inputs, role Role, ingress []Selection, egressSels []Selection) []GroupSpec {
	return []GroupSpec{{Name: in.Name, Role: role, Ingress: ingress, Egress: egressSels}}
}

func buildWeb(u UseCase, in Inputs) []GroupSpec {
	var out []Selection
	switch in.Egress {
	case EgressWebMail:
		out = egress(EgressWeb, sel("smtp-submission", anywhere...), sel("smtps", anywhere...))
	case EgressWebDB:
		var to []Source
		for _, p := range in.DBTo {
			to = append(to, FromPeer(p))
		}
		out = egress(EgressWeb, linked(LinkEngine, in, to...))
	default:
		out = egress(in.Egress)
	}
	return single(in, RoleWeb,
		append([]Selection{sel("http", anywhere...), sel("https", anywhere...)}, admin("ssh", in)...), out)
}

func buildBastion(u UseCase, in Inputs) []GroupSpec {
	return single(in, RoleBastion, admin("ssh", in), egress(in.Egress))
}

func buildWindows(u UseCase, in Inputs) []GroupSpec {
	return single(in, RoleWindows, admin("rdp", in), egress(in.Egress))
}

func buildMail(u UseCase, in Inputs) []GroupSpec {
	ingress := []Selection{
		sel("smtp", anywhere...), sel("smtps", anywhere...), sel("smtp-submission", anywhere...),
		sel("imaps", anywhere...), sel("pop3s", anywhere...),
	}
	return single(in, RoleMail, append(ingress, admin("ssh", in)...), egress(in.Egress, sel("smtp", anywhere...)))
}

func buildCustom(u UseCase, in Inputs) []GroupSpec {
	return single(in, RoleCustom, append([]Selection{}, admin("ssh", in)...), egress(in.Egress))
}

func buildDatabase(u UseCase, in Inputs) []GroupSpec {
	sources := []Source{Office}
	if len(in.AppSources) > 0 {
		sources = nil
		for _, p := range in.AppSources {
			sources = append(sources, FromPeer(p))
		}
	}
	return single(in, RoleDatabase, append([]Selection{linked(LinkEngine, in, sources...)}, admin("ssh", in)...), egress(in.Egress))
}

// appService is the app port behind the load balancer.
func appService(port int) Service {
	s := service("http-8080")
	s.ID, s.Title = "app-port", fmt.Sprintf("App port %d", port)
	s.Kind = KindCustom
	s.Ports = []PortSpec{{TCP, Port(port)}}
	return s
}

// tiers builds the load balancer and app groups shared by alb and
// three-tier; next is what the app sends to the tier after it.
func tiers(in Inputs, next []Selection) (lb, ap GroupSpec) {
	lbName, appName := in.Name+"-alb", in.Name+"-app"
	toApp := linked(LinkAppPort, in, FromGroup(appName))
	lb = GroupSpec{Name: lbName, Role: RoleLoadBalancer,
		Ingress: []Selection{sel("http", anywhere...), sel("https", anywhere...)}}
	ap = GroupSpec{Name: appName, Role: RoleApp,
		Ingress: append([]Selection{linked(LinkAppPort, in, FromGroup(lbName))}, admin("ssh", in)...)}
	switch in.Egress {
	case EgressGroup:
		lb.Egress = []Selection{toApp}
		ap.Egress = next
	case EgressWeb:
		lb.Egress = egress(in.Egress, toApp)
		ap.Egress = egress(in.Egress, next...)
	default:
		lb.Egress = egress(in.Egress)
		ap.Egress = egress(in.Egress)
	}
	return lb, ap
}

func buildALB(u UseCase, in Inputs) []GroupSpec {
	next := []Selection{}
	if in.Egress == EgressGroup {
		next = []Selection{sel("https", anywhere...)} // updates and APIs
	}
	lb, ap := tiers(in, next)
	return []GroupSpec{lb, ap}
}

func buildThreeTier(u UseCase, in Inputs) []GroupSpec {
	dbName := in.Name + "-db"
	lb, ap := tiers(in, []Selection{linked(LinkEngine, in, FromGroup(dbName))})
	db := GroupSpec{Name: dbName, Role: RoleDatabase,
		Ingress: []Selection{linked(LinkEngine, in, FromGroup(ap.Name))}}
	if in.Egress == EgressGroup {
		db.Egress = []Selection{}
	} else {
		db.Egress = egress(in.Egress)
	}
	return []GroupSpec{lb, ap, db}
}
