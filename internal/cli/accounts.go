package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/model"
	"github.com/spf13/cobra"
)

// auditScope is one account and region to read.
type auditScope struct {
	account string // the account id, when known before reading
	client  *aws.Client
	region  string
	err     error // why the scope cannot be read at all
}

// accountFlags choose the accounts and regions a command reads across:
// audit and sweep.
type accountFlags struct {
	regions, profiles   []string
	allRegions, sandbox bool
	endpoint            string
	roleARN, accounts   string
	parallel            int
	organization        bool
	verb                string // audit or sweep, for messages
	ous                 []string
}

// register adds the flags; verb is the command's, for the help.
func (o *accountFlags) register(cmd *cobra.Command, verb string) {
	o.verb = verb
	fl := cmd.Flags()
	fl.StringArrayVar(&o.regions, "region", nil, "a region to "+verb+" (repeatable; default: AWS_REGION or the profile's)")
	fl.BoolVar(&o.allRegions, "all-regions", false, verb+" every region the account has enabled")
	fl.StringArrayVar(&o.profiles, "profile", nil, "an AWS profile, one account each (repeatable; default: AWS_PROFILE, else default)")
	fl.StringVar(&o.roleARN, "role-arn", "", "assume this role in each account of --accounts; {account} stands for the account id")
	fl.StringVar(&o.accounts, "accounts", "", "a file of account ids, one a line (# starts a comment), for --role-arn")
	fl.StringVar(&o.endpoint, "endpoint-url", "", "send the EC2 calls to this endpoint (default: AWS_ENDPOINT_URL)")
	fl.BoolVar(&o.sandbox, "sandbox", false, verb+" the in-process EC2 sandbox (an example account)")
	fl.IntVar(&o.parallel, "parallel", 8, "how many regions and accounts are read at once")
	fl.BoolVar(&o.organization, "organization", false, "read the organisation's ACTIVE accounts (from the management account or a delegated administrator), each through --role-arn")
	fl.StringArrayVar(&o.ous, "ou", nil, "with --organization: only the accounts under this organisational unit and its children (ou-…; repeatable)")
}

// scopes are the accounts and regions to read: each profile (or each
// account of --accounts, through --role-arn) in each region asked for.
func (o *accountFlags) scopes(ctx context.Context, env *Env) ([]auditScope, func(), error) {
	if o.parallel < 1 {
		return nil, func() {}, usageError(errors.New("--parallel: give 1 or more"))
	}
	for _, r := range o.regions {
		if !aws.ValidRegion(r) {
			return nil, func() {}, usageError(fmt.Errorf("--region: %q is not an AWS region name: give one such as eu-west-1", r))
		}
	}
	bases, accounts, release, err := o.baseClients(ctx, env)
	if err != nil {
		return nil, release, err
	}
	if bases, accounts, err = o.accountClients(ctx, bases, accounts); err != nil {
		return nil, release, err
	}
	var scopes []auditScope
	for i, c := range bases {
		regions := unique(o.regions) // a region given twice is read once
		if o.allRegions {
			all, err := c.Regions(ctx)
			if err != nil {
				scopes = append(scopes, auditScope{account: accounts[i], client: c, region: "all regions", err: err})
				continue
			}
			regions = all
		}
		if len(regions) == 0 {
			regions = []string{c.Region}
		}
		for _, r := range regions {
			rc, err := c.InRegion(r)
			scopes = append(scopes, auditScope{account: accounts[i], client: rc, region: r, err: err})
		}
	}
	return scopes, release, nil
}

func first(xs []string) string {
	if len(xs) > 0 {
		return xs[0]
	}
	return ""
}

// readAccounts reads account ids, one a line; # starts a comment.
func readAccounts(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--accounts: %w", err)
	}
	defer f.Close()
	var ids []string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		if !model.ValidAccount(line) {
			return nil, fmt.Errorf("--accounts: %s line %d: %q is not an account id (12 digits)", path, n, line)
		}
		ids = append(ids, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("--accounts: %w", err)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("--accounts: %s holds no account id", path)
	}
	return unique(ids), nil // an account listed twice is read once
}

// fanOut calls read(i) for each of n scopes, at most parallel at once,
// and returns when all have: audit and sweep read accounts and regions
// alike, so neither opens hundreds of connections at once.
func fanOut(n, parallel int, read func(i int)) {
	sem := make(chan struct{}, max(parallel, 1))
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			read(i)
		})
	}
	wg.Wait()
}

// organizationClients are a client for each ACTIVE account of base's
// organisation (or of --ou), acting as --role-arn there. The management
// account is read with base's own credentials when base is in it and the
// role does not exist there (the usual case: StackSets do not deploy to
// it).
func (o *accountFlags) organizationClients(ctx context.Context, base *aws.Client) ([]*aws.Client, []string, error) {
	org, err := base.OrganizationAccounts(ctx, o.ous)
	if err != nil {
		return nil, nil, awsFailure(err)
	}
	if len(org.Accounts) == 0 {
		where := "the organisation"
		if len(o.ous) > 0 {
			where = strings.Join(o.ous, ", ")
		}
		return nil, nil, usageError(fmt.Errorf("--organization: no ACTIVE account in %s", where))
	}
	me, err := base.WhoAmI(ctx)
	if err != nil {
		return nil, nil, awsFailure(err)
	}
	var clients []*aws.Client
	var ids []string
	for _, a := range org.Accounts {
		c := base.AssumeRole(strings.ReplaceAll(o.roleARN, "{account}", a.ID))
		if a.ID == org.Management && a.ID == me.Account {
			if _, err := c.WhoAmI(ctx); aws.RoleMissing(err) {
				c = base // no role here: the caller's own credentials
			}
		}
		clients, ids = append(clients, c), append(ids, a.ID)
	}
	return clients, ids, nil
}

// baseClients are the sandbox's client, or one per profile (the default
// one without --profile); release frees the sandbox.
func (o *accountFlags) baseClients(ctx context.Context, env *Env) (bases []*aws.Client, accounts []string, release func(), err error) {
	release = func() {}
	if o.sandbox {
		c, done, err := (&awsFlags{sandbox: true, region: first(o.regions)}).connect(ctx, env)
		if err != nil {
			return nil, nil, release, err
		}
		return []*aws.Client{c}, []string{""}, done, nil
	}
	profiles := o.profiles
	if len(profiles) == 0 {
		profiles = []string{""}
	}
	for _, p := range profiles {
		c, err := env.connect(ctx, aws.Options{Profile: p, Region: first(o.regions), EndpointURL: o.endpoint})
		if err != nil {
			return nil, nil, release, usageError(fmt.Errorf("%w (to try sgwiz %s without an account: --sandbox)", err, o.verb))
		}
		bases, accounts = append(bases, c), append(accounts, "")
	}
	return bases, accounts, release, nil
}

// accountClients turn the base clients into one per account to read:
// the organisation's (--organization), those of --accounts through
// --role-arn, or the bases themselves.
func (o *accountFlags) accountClients(ctx context.Context, bases []*aws.Client, accounts []string) ([]*aws.Client, []string, error) {
	switch {
	case o.organization || len(o.ous) > 0:
		if !o.organization || o.accounts != "" || !strings.Contains(o.roleARN, "{account}") || len(bases) != 1 || o.sandbox {
			return nil, nil, usageError(errors.New("--organization takes --role-arn 'arn:aws:iam::{account}:role/NAME' (and --ou ou-… to narrow it), with one profile, not --accounts or --sandbox"))
		}
		return o.organizationClients(ctx, bases[0])
	case o.roleARN != "" || o.accounts != "":
		if o.roleARN == "" || o.accounts == "" || !strings.Contains(o.roleARN, "{account}") || len(bases) != 1 {
			return nil, nil, usageError(errors.New("--role-arn and --accounts go together, with one profile: --role-arn 'arn:aws:iam::{account}:role/NAME' --accounts FILE"))
		}
		ids, err := readAccounts(o.accounts)
		if err != nil {
			return nil, nil, usageError(err)
		}
		var clients []*aws.Client
		for _, id := range ids {
			clients = append(clients, bases[0].AssumeRole(strings.ReplaceAll(o.roleARN, "{account}", id)))
		}
		return clients, ids, nil
	}
	return bases, accounts, nil
}

// unique is xs without repeats, in their first order.
func unique(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
