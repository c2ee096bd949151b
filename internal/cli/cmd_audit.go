package cli

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/export"
	"github.com/sgwiz/sgwiz/model"
	"github.com/spf13/cobra"
)

type auditOptions struct {
	env *Env
	accountFlags
	authorized     string
	requireTags    []string
	format, output string
	force          bool
	fixPlan        string
	office         []string
	toSecurityHub  bool
}

func newAuditCmd(env *Env) *cobra.Command {
	o := &auditOptions{env: env}
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
to review and apply with sgwiz apply (by difference). Then the exit code
says whether there is a fix to apply: 0 when the fix plan was written, 4
when no group has a high finding (no file is written), so that
"sgwiz audit --fix-plan fix.yaml && sgwiz apply -f fix.yaml" applies
exactly what this audit found.`,
		Example: `  sgwiz audit --all-regions --format markdown -o audit.md
  sgwiz audit --region eu-west-1 --authorized-tcp-ports 80,443,8443 --require-tag Owner --format sarif -o audit.sarif
  sgwiz audit --role-arn 'arn:aws:iam::{account}:role/SecurityAudit' --accounts accounts.txt --all-regions
  sgwiz audit --fix-plan fix.yaml --force --office-cidr 203.0.113.10/32 && sgwiz apply -f fix.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return auditRun(cmd.Context(), o) },
	}
	o.accountFlags.register(cmd, "audit")
	fl := cmd.Flags()
	fl.StringVar(&o.authorized, "authorized-tcp-ports", "80,443", "TCP ports that may be open to the internet (Security Hub EC2.18), such as 80,443,1020-1025")
	fl.StringArrayVar(&o.requireTags, "require-tag", nil, "a tag key every group must have (Security Hub EC2.43; repeatable)")
	fl.StringVar(&o.format, "format", "table", "report format: table, json, sarif, markdown or asff (AWS Security Finding Format)")
	completeValues(cmd, "format", auditFormats()...)
	fl.StringVarP(&o.output, "output", "o", "", "write the report to FILE (atomically) instead of standard output")
	fl.BoolVar(&o.force, "force", false, "replace FILE (and the fix plan) if it exists")
	fl.BoolVar(&o.toSecurityHub, "to-security-hub", false, "send the findings to Security Hub (BatchImportFindings) in each account and region read, under that account's role; findings no longer seen are resolved")
	fl.StringVar(&o.fixPlan, "fix-plan", "", "write the groups with high findings, tightened, as a plan file to review and apply")
	fl.StringArrayVar(&o.office, "office-cidr", nil, "with --fix-plan: where SSH and RDP open to the world are opened from instead (repeatable; @name from the address book)")
	return cmd
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
	office, notes, err := o.env.placeFlag("--office-cidr", o.office)
	if err != nil {
		return usageError(err)
	}
	printWarnings(o.env, notes)
	if o.fixPlan != "" && !o.force {
		if _, err := os.Stat(o.fixPlan); err == nil {
			return usageError(fmt.Errorf("--fix-plan: %s exists (an earlier fix?): add --force to replace it, or choose another path", o.fixPlan))
		}
	}
	if len(o.office) > 0 && o.fixPlan == "" {
		return usageError(errors.New("--office-cidr is for --fix-plan: add --fix-plan FILE, or leave it out"))
	}
	scopes, release, err := o.scopes(ctx, o.env)
	defer release()
	if err != nil {
		return err
	}
	now := o.env.now()
	report := o.read(ctx, scopes, model.AuditOptions{Authorized: authorized, RequireTags: o.requireTags, Now: now})
	report.At = now
	out, err := export.RenderAudit(format, report.AuditReport, version())
	if err != nil {
		return err
	}
	if err := writeOutput(o.env, o.output, out, export.PlainFile, o.force); err != nil {
		return err
	}
	var hubErr error
	if o.fixPlan != "" {
		// With a fix plan the exit code says whether there is one to
		// apply: 0 written, 4 nothing to fix, so the chain
		// audit --fix-plan F && apply -f F applies exactly what was found.
		// Written before Security Hub is told, which may fail alone.
		fixErr := o.writeFixPlans(ctx, report, office)
		if o.toSecurityHub {
			hubErr = o.sendToSecurityHub(ctx, report, now)
		}
		if fixErr != nil {
			return fixErr
		}
	} else if o.toSecurityHub {
		hubErr = o.sendToSecurityHub(ctx, report, now)
	}
	if hubErr != nil {
		return hubErr
	}
	// An audit that could not read a scope has not shown it clean.
	if n := report.Unread(); n > 0 {
		return &exitError{exitFindings, fmt.Errorf("%d of %d scopes could not be read: the audit is incomplete (exit 1)", n, len(report.Scopes))}
	}
	if s, ok := highest(report.Findings); ok && s >= model.High && o.fixPlan == "" {
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

// parsePorts reads "80,443,1020-1025" (model.ParsePortList) as a list of
// ports.
func parsePorts(s string) ([]int, error) {
	ranges, err := model.ParsePortList(s)
	if err != nil {
		return nil, err
	}
	var ports []int
	for _, r := range ranges {
		if r.Count() > 4096 {
			return nil, fmt.Errorf("%s holds %d ports: authorise the ports one by one or in small ranges", r.Format(model.TCP), r.Count())
		}
		for p := r.From(); p <= r.To(); p++ {
			ports = append(ports, p)
		}
	}
	return ports, nil
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
	var mu sync.Mutex
	fanOut(len(scopes), o.parallel, func(i int) {
		s := scopes[i]
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
				if scope.Account == "" { // known from --accounts or the organisation: kept
					scope.Account = inv.Account
				}
				inv.Account = scope.Account
				scope.Groups, scope.Interfaces, scope.Templates = len(inv.Groups), len(inv.Interfaces), len(inv.Templates)
				scope.Checked, scope.Unchecked = inv.Checked, inv.Unchecked
				findings[i], invs[i] = model.Audit(inv, ao), inv
			}
		}
		results[i] = scope
		if o.env.ErrIsTerminal {
			mu.Lock()
			fmt.Fprintf(o.env.Err, "audit: %s (%.1f s)\n", scope.Summary(len(findings[i])), time.Since(start).Seconds())
			mu.Unlock()
		}
	})
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
	if len(keys) == 0 && r.Unread() > 0 {
		fmt.Fprintln(o.env.Err, "sgwiz: no group read has a high finding, but not every scope was read: no fix plan written")
		return nil
	}
	if len(keys) == 0 {
		msg := "no group has a high finding: nothing to fix, no fix plan written (exit 4)"
		if _, err := os.Stat(o.fixPlan); err == nil {
			msg += "; " + o.fixPlan + " is from an earlier run and was left as it is"
		}
		return &exitError{exitNothingToFix, errors.New(msg)}
	}
	var paths []string
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
		where := "--region " + k.region
		if o.sandbox {
			where = "--sandbox" // the same example account, not AWS
		}
		head := fmt.Sprintf("# sgwiz audit fix for account %s, region %s, %s: review it, then sgwiz apply -f %s %s\n", k.account, k.region, k.vpc, filepath.Base(path), where)
		if err := export.WriteFile(path, append([]byte(head), file...), export.PlainFile.Perm(), o.force); err != nil {
			return usageError(err)
		}
		fmt.Fprintf(o.env.Err, "sgwiz: wrote %s (%s)\n", path, model.Counted(len(plans[k].Groups), "group"))
		paths = append(paths, path)
	}
	if len(paths) > 1 {
		// "apply -f FILE" would find no FILE: say what to run instead.
		fmt.Fprintf(o.env.Err, "sgwiz: the groups are in %d accounts, regions or VPCs, a plan file each: apply each with sgwiz apply -f FILE --region REGION\n", len(paths))
	}
	return nil
}

// sendToSecurityHub imports the findings of each account and region the
// audit read into that account's Security Hub, with the client that read
// it (its role): stable ids update earlier findings, and those no longer
// seen are resolved. A scope that was not read is skipped (importing
// nothing there would resolve everything it had); a scope whose import
// fails is said and the others go on.
func (o *auditOptions) sendToSecurityHub(ctx context.Context, r auditResult, now time.Time) error {
	all, err := export.ASFF(r.AuditReport)
	if err != nil {
		return err
	}
	failed := 0
	for _, s := range r.Scopes {
		if s.Error != "" {
			fmt.Fprintf(o.env.Err, "sgwiz: Security Hub: %s %s was not read: nothing sent there\n", s.Account, s.Region)
			continue
		}
		var mine []export.ASFFFinding
		for _, f := range all {
			if f.AccountID == s.Account && f.Region == s.Region {
				mine = append(mine, f)
			}
		}
		var keep []string
		if len(s.Unchecked) > 0 {
			keep = append(keep, export.ASFFPrefix+"unused-group") // not looked for this time
		}
		res, err := r.clients[[2]string{s.Account, s.Region}].ImportFindings(ctx, s.Account, s.Region, mine, now, keep...)
		if err != nil {
			failed++
			fmt.Fprintf(o.env.Err, "sgwiz: Security Hub: %s %s: %v\n", s.Account, s.Region, err)
			continue
		}
		fmt.Fprintf(o.env.Err, "sgwiz: Security Hub: %s %s: %d findings imported (%d new), %d resolved, %d failed\n",
			s.Account, s.Region, res.Imported, res.New, res.Resolved, len(res.Failed))
		for _, f := range res.Failed {
			failed++
			fmt.Fprintf(o.env.Err, "sgwiz: Security Hub: %s: %s %s\n", f.ID, f.Code, f.Message)
		}
	}
	if failed > 0 {
		return &exitError{exitFindings, fmt.Errorf("%d scope(s) or finding(s) not imported into Security Hub", failed)}
	}
	return nil
}
