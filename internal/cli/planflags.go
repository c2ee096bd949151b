package cli

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/sgwiz/sgwiz/export"
	"github.com/sgwiz/sgwiz/model"
	"github.com/spf13/cobra"
)

// planFlags are the inputs every plan-reading command shares: a plan file,
// or a use case and its answers.
type planFlags struct {
	file       string
	useCase    string
	name       string
	vpcID      string
	office     []string
	sshFrom    string
	egress     string
	appPort    int
	engine     string
	appSources []string
	dbTo       []string
	tags       []string
	adminFor   string
	// env gives the clock --admin-for counts from, and the address book.
	env *Env
}

func (f *planFlags) register(cmd *cobra.Command, env *Env) {
	f.env = env
	fl := cmd.Flags()
	fl.StringVarP(&f.file, "file", "f", "", "read the plan from this plan file (YAML or JSON)")
	fl.StringVar(&f.useCase, "use-case", "", "build the plan from a use case: "+model.UseCaseIDs())
	fl.StringVar(&f.name, "name", "", "group name, or the prefix of linked groups' names (default: the use case's)")
	fl.StringVar(&f.vpcID, "vpc-id", "", "VPC of the groups (default: exporters ask, or the default VPC)")
	fl.StringSliceVar(&f.office, "office-cidr", nil, "office / my-IP CIDR for admin access (repeatable; a bare address becomes /32 or /128; @name for a set of the address book)")
	fl.StringVar(&f.sshFrom, "ssh-from", "", "where SSH (RDP for windows) is open from: office, world or none")
	fl.StringVar(&f.egress, "egress", "", "outbound policy: "+egressChoices())
	fl.IntVar(&f.appPort, "app-port", 0, "application port behind the load balancer (default 8080)")
	fl.StringVar(&f.engine, "engine", "", "database engine: "+strings.Join(model.Engines, ", "))
	fl.StringSliceVar(&f.appSources, "app-source", nil, "who may reach the database: CIDR, sg-… or pl-… (repeatable)")
	fl.StringSliceVar(&f.dbTo, "db-to", nil, "with --egress web-db, the database the web server sends to: its sg-… (RDS) or CIDR (repeatable); --engine says its port")
	fl.StringArrayVar(&f.tags, "tag", nil, "tag every group, KEY=VALUE (repeatable)")
	fl.StringVar(&f.adminFor, "admin-for", "", "make SSH/RDP/WinRM temporary for this long from now (30m, 2h, 1d): apply tags the rules, sgwiz sweep revokes them")
	completePlanFlags(cmd)
}

// load builds the plan from the file or the use-case flags; warnings are
// printed by the caller. Errors are usage errors naming the flag or line.
func (f *planFlags) load(cmd *cobra.Command) (model.Plan, []string, error) {
	useCaseFlags := []string{"name", "vpc-id", "office-cidr", "ssh-from", "egress", "app-port", "engine", "app-source", "db-to", "tag", "admin-for"}
	switch {
	case f.file != "" && f.useCase != "":
		return model.Plan{}, nil, usageError(errors.New("give either -f plan.yaml or --use-case, not both"))
	case f.file != "":
		for _, name := range useCaseFlags {
			if cmd.Flags().Changed(name) {
				return model.Plan{}, nil, usageError(fmt.Errorf("--%s builds a plan from a use case and does nothing with -f: edit the plan file instead", name))
			}
		}
		book, notes, err := f.env.addressBook()
		if err != nil {
			return model.Plan{}, nil, usageError(err)
		}
		p, warnings, err := readPlanFile(f.file, book)
		return p, append(notes, warnings...), err
	case f.useCase == "":
		return model.Plan{}, nil, usageError(fmt.Errorf("say what to build: -f plan.yaml, or --use-case with one of %s", model.UseCaseIDs()))
	}
	u, ok := model.LookupUseCase(f.useCase)
	if !ok {
		return model.Plan{}, nil, usageError(fmt.Errorf("--use-case: unknown use case %q%s: use one of %s", f.useCase, model.DidYouMean(f.useCase, model.UseCaseIDList()), model.UseCaseIDs()))
	}
	in, warnings, err := f.inputs()
	if err != nil {
		return model.Plan{}, warnings, usageError(err)
	}
	p, err := u.Build(in)
	if err != nil {
		return model.Plan{}, warnings, usageError(inFlagWords(err))
	}
	if len(in.Office) > 0 && !usesAny(p, in.Office) {
		warnings = append(warnings, fmt.Sprintf("--office-cidr: no rule of this %s plan uses it (add --ssh-from office to open SSH from it)", u.ID))
	}
	return p, warnings, nil
}

// flagOf names each field of the use-case answers by its flag.
var flagOf = map[string]string{
	model.FieldOffice: "--office-cidr", model.FieldEngine: "--engine", model.FieldAppPort: "--app-port",
	model.FieldEgress: "--egress", model.FieldSSHFrom: "--ssh-from", model.FieldVPC: "--vpc-id",
	model.FieldAppSources: "--app-source", model.FieldDBTo: "--db-to",
}

// egressChoices lists the outbound policies, for the flag's help.
func egressChoices() string {
	names := make([]string, len(model.Egresses))
	for i, e := range model.Egresses {
		names[i] = string(e)
	}
	return strings.Join(names, ", ") + " (which ones a use case offers: sgwiz presets)"
}

// inFlagWords says the model's field names as the flags that set them.
func inFlagWords(err error) error {
	var es model.Errors
	var fe *model.FieldError
	switch {
	case errors.As(err, &es):
		for _, e := range es {
			if f, ok := flagOf[e.Field]; ok {
				e.Field = f
			}
		}
	case errors.As(err, &fe):
		if f, ok := flagOf[fe.Field]; ok {
			fe.Field = f
		}
	}
	return err
}

func (f *planFlags) inputs() (model.Inputs, []string, error) {
	in := model.Inputs{Name: f.name, VPC: f.vpcID, SSHFrom: model.SSHFrom(f.sshFrom),
		Egress: model.EgressPolicy(f.egress), AppPort: f.appPort, Engine: f.engine}
	var es model.Errors
	var warnings []string
	var broken error // the config file, when an @name needs it
	read := func(notes []string, err error) {
		warnings = append(warnings, notes...)
		var fe *model.FieldError
		switch {
		case errors.As(err, &fe):
			es = append(es, fe)
		case err != nil:
			broken = err
		}
	}
	var notes []string
	var err error
	in.Office, notes, err = f.env.placeFlag("--office-cidr", f.office)
	read(notes, err)
	in.AppSources, notes, err = f.env.peerFlag("--app-source", f.appSources, "a database plan has no other group to name: give the app servers' sg-… id or CIDR")
	read(notes, err)
	in.DBTo, notes, err = f.env.peerFlag("--db-to", f.dbTo, "the database is not a group of this plan: give its sg-… id or CIDR")
	read(notes, err)
	if f.adminFor != "" {
		d, err := model.ParseLifetime(f.adminFor)
		if err != nil {
			es = append(es, &model.FieldError{Field: "--admin-for", Msg: err.Error()})
		}
		in.AdminUntil = model.UntilFrom(f.env.now(), d)
	}
	if broken != nil {
		return in, warnings, broken
	}
	tags, err := model.ParseTags(f.tags...)
	if err != nil {
		es = append(es, &model.FieldError{Field: "--tag", Msg: err.Error()})
	}
	in.Tags = tags
	if len(es) > 0 {
		return in, warnings, es
	}
	return in, warnings, nil
}

// readPlanFile loads a plan file; its errors are usage errors naming the
// file (and, from the parser, the line and field).
func readPlanFile(path string, book model.AddressBook) (model.Plan, []string, error) {
	p, warnings, err := export.ReadPlanFile(path, book)
	if err != nil {
		return model.Plan{}, warnings, usageError(err)
	}
	return p, warnings, nil
}

// usesAny reports whether a rule of p opens to or from one of prefixes.
func usesAny(p model.Plan, prefixes []netip.Prefix) bool {
	for _, g := range p.Groups {
		for _, d := range []model.Direction{model.Ingress, model.Egress} {
			for _, r := range g.Rules(d) {
				if r.Peer.IsCIDR() && slices.Contains(prefixes, r.Peer.Prefix()) {
					return true
				}
			}
		}
	}
	return false
}
