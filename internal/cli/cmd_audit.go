package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/export"
	"github.com/sgwiz/sgwiz/model"
	"github.com/spf13/cobra"
)

type auditOptions struct {
	io streams
	accountFlags
	authorized     string
	requireTags    []string
	format, output string
	force          bool
	fixPlan        string
	office         []string
	parallel       int
}

func newAuditCmd(io streams) *cobra.Command {
	o := &auditOptions{io: io}
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Check every security group of an account (or several): findings, unused groups, and a fix plan",
		Long: `audit reads every security group of the account in each region, with the
network interfaces and launch templates that use them, runs every lint check
(links between groups by id, as lint does by name; tiers only in a plan,
whose roles AWS does not hold) plus those only an account can answer
(unused groups, required tags, stale references, rules per network
interface, and traffic the groups on one interface open to the world
together), and prints a report. It exits 0 when nothing is high or critical, 1 when
something is, 2 on bad input. A region or account that cannot be read is
said in the report; the others are read all the same.

--fix-plan writes the groups with high findings, tightened, as a plan file
to review and apply with sgwiz apply (by difference).`,
		Example: `  sgwiz audit --all-regions --format markdown -o audit.md
  sgwiz audit --region eu-west-1 --authorized-tcp-ports 80,443,8443 --require-tag Owner --format sarif -o audit.sarif
  sgwiz audit --role-arn 'arn:aws:iam::{account}:role/SecurityAudit' --accounts accounts.txt --all-regions
  sgwiz audit --fix-plan fix.yaml --office-cidr 203.0.113.10/32 && sgwiz apply -f fix.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return auditRun(cmd.Context(), o) },
	}
	o.accountFlags.register(cmd, "audit")
	fl := cmd.Flags()
	fl.StringVar(&o.authorized, "authorized-tcp-ports", "80,443", "TCP ports that may be open to the internet (Security Hub EC2.18), such as 80,443,1020-1025")
	fl.StringArrayVar(&o.requireTags, "require-tag", nil, "a tag key every group must have (Security Hub EC2.43; repeatable)")
	fl.StringVar(&o.format, "format", "table", "report format: table, json, sarif or markdown")
	fl.StringVarP(&o.output, "output", "o", "", "write the report to FILE (atomically) instead of standard output")
	fl.BoolVar(&o.force, "force", false, "replace FILE (and the fix plan) if it exists")
	fl.StringVar(&o.fixPlan, "fix-plan", "", "write the groups with high findings, tightened, as a plan file to review and apply")
	fl.StringArrayVar(&o.office, "office-cidr", nil, "with --fix-plan: where SSH and RDP open to the world are opened from instead (repeatable; @name from the address book)")
	fl.IntVar(&o.parallel, "parallel", 8, "how many regions and accounts are read at once")
	return cmd
}

// auditScope is one account and region to read.
type auditScope struct {
	account string // the account id, when known before reading
	client  *aws.Client
	region  string
	err     error // why the scope cannot be read at all
}

func auditRun(ctx context.Context, o *auditOptions) error {
	format, err := export.ParseAuditFormat(o.format)
	if err != nil {
		return usageError(fmt.Errorf("--format: %w", err))
	}
	authorized, err := parsePorts(o.authorized)
	if err != nil {
		return usageError(fmt.Errorf("--authorized-tcp-ports: %w", err))
	}
	office, err := parseOffice(o.office)
	if err != nil {
		return usageError(err)
	}
	if len(o.office) > 0 && o.fixPlan == "" {
		return usageError(errors.New("--office-cidr is for --fix-plan: add --fix-plan FILE, or leave it out"))
	}
	if o.parallel < 1 {
		return usageError(errors.New("--parallel: give 1 or more"))
	}
	scopes, release, err := o.scopes(ctx)
	defer release()
	if err != nil {
		return err
	}
	report := o.read(ctx, scopes, model.AuditOptions{Authorized: authorized, RequireTags: o.requireTags, Now: o.io.now()})
	out, err := export.RenderAudit(format, report.AuditReport, version())
	if err != nil {
		return err
	}
	if err := writeOutput(o.io, o.output, out, export.PlainFile, o.force); err != nil {
		return err
	}
	if o.fixPlan != "" {
		if err := o.writeFixPlans(ctx, report, office); err != nil {
			return err
		}
	}
	if s, ok := highest(report.Findings); ok && s >= model.High {
		return &exitError{exitFindings, errSilent}
	}
	return nil
}

func highest(fs []model.AuditFinding) (model.Severity, bool) {
	plain := make([]model.Finding, len(fs))
	for i, f := range fs {
		plain[i] = f.Finding
	}
	return model.HighestSeverity(plain)
}

// parsePorts reads "80,443,1020-1025" as a list of ports.
func parsePorts(s string) ([]int, error) {
	var ports []int
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		from, to, isRange := strings.Cut(part, "-")
		a, errA := strconv.Atoi(from)
		b := a
		var errB error
		if isRange {
			b, errB = strconv.Atoi(to)
		}
		if errA != nil || errB != nil || a < 0 || b > 65535 || a > b {
			return nil, fmt.Errorf("%q is not a port or a range of ports such as 1020-1025", part)
		}
		if b-a > 4096 {
			return nil, fmt.Errorf("%q holds %d ports: authorise the ports one by one or in small ranges", part, b-a+1)
		}
		for p := a; p <= b; p++ {
			ports = append(ports, p)
		}
	}
	if len(ports) == 0 {
		return nil, errors.New("give at least one port, such as 80,443")
	}
	return ports, nil
}

func parseOffice(cidrs []string) ([]netip.Prefix, error) {
	office, _, err := placeFlag("--office-cidr", cidrs)
	return office, err
}

// accountFlags choose the accounts and regions a command reads across:
// audit and sweep.
type accountFlags struct {
	regions, profiles   []string
	allRegions, sandbox bool
	endpoint            string
	roleARN, accounts   string
}

// register adds the flags; verb is the command's, for the help.
func (o *accountFlags) register(cmd *cobra.Command, verb string) {
	fl := cmd.Flags()
	fl.StringArrayVar(&o.regions, "region", nil, "a region to "+verb+" (repeatable; default: AWS_REGION or the profile's)")
	fl.BoolVar(&o.allRegions, "all-regions", false, verb+" every region the account has enabled")
	fl.StringArrayVar(&o.profiles, "profile", nil, "an AWS profile, one account each (repeatable; default: AWS_PROFILE, else default)")
	fl.StringVar(&o.roleARN, "role-arn", "", "assume this role in each account of --accounts; {account} stands for the account id")
	fl.StringVar(&o.accounts, "accounts", "", "a file of account ids, one a line (# starts a comment), for --role-arn")
	fl.StringVar(&o.endpoint, "endpoint-url", "", "send the EC2 calls to this endpoint (default: AWS_ENDPOINT_URL)")
	fl.BoolVar(&o.sandbox, "sandbox", false, verb+" the in-process EC2 sandbox (an example account)")
}

// scopes are the accounts and regions to read: each profile (or each
// account of --accounts, through --role-arn) in each region asked for.
func (o *accountFlags) scopes(ctx context.Context) ([]auditScope, func(), error) {
	for _, r := range o.regions {
		if !aws.ValidRegion(r) {
			return nil, func() {}, usageError(fmt.Errorf("--region: %q is not an AWS region name: give one such as eu-west-1", r))
		}
	}
	release := func() {}
	var bases []*aws.Client
	var accounts []string
	switch {
	case o.sandbox:
		c, done, err := (&awsFlags{sandbox: true, region: first(o.regions)}).connect(ctx)
		if err != nil {
			return nil, release, err
		}
		release = done
		bases, accounts = []*aws.Client{c}, []string{""}
	default:
		profiles := o.profiles
		if len(profiles) == 0 {
			profiles = []string{""}
		}
		for _, p := range profiles {
			c, err := aws.Connect(ctx, aws.Options{Profile: p, Region: first(o.regions), EndpointURL: o.endpoint})
			if err != nil {
				return nil, release, usageError(fmt.Errorf("%w (to try sgwiz audit without an account: --sandbox)", err))
			}
			bases, accounts = append(bases, c), append(accounts, "")
		}
	}
	if o.roleARN != "" || o.accounts != "" {
		if o.roleARN == "" || o.accounts == "" || !strings.Contains(o.roleARN, "{account}") || len(bases) != 1 {
			return nil, release, usageError(errors.New("--role-arn and --accounts go together, with one profile: --role-arn 'arn:aws:iam::{account}:role/NAME' --accounts FILE"))
		}
		ids, err := readAccounts(o.accounts)
		if err != nil {
			return nil, release, usageError(err)
		}
		base := bases[0]
		bases, accounts = nil, nil
		for _, id := range ids {
			bases = append(bases, base.AssumeRole(strings.ReplaceAll(o.roleARN, "{account}", id)))
			accounts = append(accounts, id)
		}
	}
	var scopes []auditScope
	for i, c := range bases {
		regions := o.regions
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

var accountRe = regexp.MustCompile(`^[0-9]{12}$`)

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
		if !accountRe.MatchString(line) {
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
	return ids, nil
}

// auditResult is the report with what the fix plan needs.
type auditResult struct {
	export.AuditReport
	// groups are the groups read, by account, region and id.
	groups map[[3]string]model.Group
	// clients read each account and region.
	clients map[[2]string]*aws.Client
}

// read reads every scope, at most o.parallel at once, and audits it; a
// scope that fails is said in the report.
func (o *auditOptions) read(ctx context.Context, scopes []auditScope, ao model.AuditOptions) auditResult {
	res := auditResult{groups: map[[3]string]model.Group{}, clients: map[[2]string]*aws.Client{}}
	results := make([]export.AuditScope, len(scopes))
	findings := make([][]model.AuditFinding, len(scopes))
	invs := make([]model.Inventory, len(scopes))
	sem := make(chan struct{}, o.parallel)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i, s := range scopes {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			start := time.Now()
			scope := export.AuditScope{Account: s.account, Region: s.region}
			if s.err != nil {
				scope.Error = s.err.Error()
			} else {
				inv, calls, err := s.client.Inventory(ctx)
				scope.Calls = calls
				if err != nil {
					scope.Error = strings.ReplaceAll(err.Error(), "\n", "; ")
				} else {
					if inv.Account != "" {
						scope.Account = inv.Account
					}
					inv.Account = scope.Account
					scope.Groups, scope.Interfaces, scope.Templates = len(inv.Groups), len(inv.Interfaces), len(inv.Templates)
					scope.Checked, scope.Unchecked = inv.Checked, inv.Unchecked
					findings[i], invs[i] = model.Audit(inv, ao), inv
				}
			}
			results[i] = scope
			if o.io.ErrIsTerminal {
				mu.Lock()
				fmt.Fprintf(o.io.Err, "audit: %s (%.1f s)\n", scopeWords(scope, len(findings[i])), time.Since(start).Seconds())
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	res.Scopes = results
	for i := range scopes {
		res.Findings = append(res.Findings, findings[i]...)
		for _, g := range invs[i].Groups {
			res.groups[[3]string{invs[i].Account, invs[i].Region, g.ID}] = g
		}
		res.clients[[2]string{invs[i].Account, invs[i].Region}] = scopes[i].client
	}
	sort.SliceStable(res.Findings, func(i, j int) bool { return res.Findings[i].Severity > res.Findings[j].Severity })
	return res
}

func scopeWords(s export.AuditScope, findings int) string {
	if s.Error != "" {
		return fmt.Sprintf("%s %s: not read: %s", s.Account, s.Region, s.Error)
	}
	return fmt.Sprintf("%s %s: %d groups, %d findings", s.Account, s.Region, s.Groups, findings)
}

// writeFixPlans writes the groups with high findings, tightened, as plan
// files: one per account, region and VPC (a plan's groups share a VPC).
func (o *auditOptions) writeFixPlans(ctx context.Context, r auditResult, office []netip.Prefix) error {
	type key struct{ account, region, vpc string }
	byGroup := map[[3]string][]model.Finding{}
	var order [][3]string
	for _, f := range r.Findings {
		k := [3]string{f.Account, f.Region, f.GroupID}
		if f.Severity >= model.High && byGroup[k] == nil {
			order = append(order, k)
		}
		byGroup[k] = append(byGroup[k], f.Finding)
	}
	// The rules' tags, which the audit does not read (a call per 1,000
	// rules of the region): the fix keeps them. One read per account and
	// region, of the groups to fix.
	toFix := map[[2]string][]model.Group{}
	for _, k := range order {
		toFix[[2]string{k[0], k[1]}] = append(toFix[[2]string{k[0], k[1]}], r.groups[k])
	}
	tagged := map[[3]string]model.Group{}
	for where, groups := range toFix {
		read, err := r.clients[where].WithRuleTags(ctx, groups...)
		if err != nil {
			return awsFailure(fmt.Errorf("%s %s: the fix plan keeps the rules' tags, and they cannot be read: %w", where[0], where[1], err))
		}
		for _, g := range read {
			tagged[[3]string{where[0], where[1], g.ID}] = g
		}
	}
	plans := map[key]*model.Plan{}
	var keys []key
	for _, k := range order {
		g := tagged[k]
		pk := key{k[0], k[1], g.VPC}
		if plans[pk] == nil {
			plans[pk] = &model.Plan{}
			keys = append(keys, pk)
		}
		plans[pk].Groups = append(plans[pk].Groups, model.Tighten(g, byGroup[k], office))
	}
	if len(keys) == 0 {
		fmt.Fprintln(o.io.Err, "sgwiz: no group has a high finding: no fix plan written")
		return nil
	}
	for _, k := range keys {
		path := o.fixPlan
		if len(keys) > 1 {
			ext := filepath.Ext(path)
			path = fmt.Sprintf("%s.%s.%s.%s%s", strings.TrimSuffix(path, ext), k.account, k.region, k.vpc, ext)
		}
		file, err := plans[k].YAML()
		if err != nil {
			return err
		}
		head := fmt.Sprintf("# sgwiz audit fix for account %s, region %s, %s: review it, then sgwiz apply -f %s --region %s\n", k.account, k.region, k.vpc, filepath.Base(path), k.region)
		if err := export.WriteFile(path, append([]byte(head), file...), export.PlainFile.Perm(), o.force); err != nil {
			return usageError(err)
		}
		fmt.Fprintf(o.io.Err, "sgwiz: wrote %s (%d groups)\n", path, len(plans[k].Groups))
	}
	return nil
}
