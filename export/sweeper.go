package export

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/sgwiz/sgwiz/model"
)

// The sweeper is sgwiz sweep deployed on AWS's own engines: the sgwiz
// binary as a Lambda function (it runs sweep when Lambda starts it), an
// EventBridge Scheduler schedule that invokes it, and a role for each
// with only what they do. Its configuration travels in the function's
// environment variables, written here (Environment) and read by the
// function (SweeperFromEnvironment): one contract, in one place.

// Sweeper is a deployment of the sweeper: what it sweeps, how often, and
// where the function's code is.
type Sweeper struct {
	// Name is the function's name (and its roles' and log group's);
	// empty is DefaultSweeperName.
	Name string
	// Regions are the regions to sweep; none is the function's own.
	Regions []string
	// AllRegions sweeps every region the account has enabled.
	AllRegions bool
	// Organization sweeps the organisation's ACTIVE accounts (under OUs,
	// when given), each through RoleARN.
	Organization bool
	OUs          []string
	// Accounts are account ids to sweep, each through RoleARN.
	Accounts []string
	// RoleARN is the role assumed in each account; {account} stands for
	// the account id.
	RoleARN string
	// Parallel bounds how many accounts and regions are read at once;
	// 0 is sweep's default.
	Parallel int
	// DryRun says what would be revoked and revokes nothing.
	DryRun bool
	// Schedule is the EventBridge Scheduler expression; empty is
	// DefaultSchedule.
	Schedule string
	// Zip is the function's code: a local file (Terraform uploads it) or
	// s3://BUCKET/KEY. Empty is sweeper.zip for Terraform, and template
	// parameters for CloudFormation.
	Zip string
}

// Defaults of a Sweeper.
const (
	DefaultSweeperName = "sgwiz-sweeper"
	DefaultSchedule    = "rate(5 minutes)"
	defaultZip         = "sweeper.zip"
)

// The function's environment variables.
const (
	// EnvRegions: "eu-west-1,us-east-1", or "all"; unset is the
	// function's own region.
	EnvRegions = "SGWIZ_REGIONS"
	// EnvOrganization: "true" sweeps the organisation's accounts.
	EnvOrganization = "SGWIZ_ORGANIZATION"
	// EnvOU: "ou-…,ou-…", with EnvOrganization.
	EnvOU = "SGWIZ_OU"
	// EnvAccounts: "111111111111,222222222222".
	EnvAccounts = "SGWIZ_ACCOUNTS"
	// EnvRoleARN: "arn:aws:iam::{account}:role/NAME".
	EnvRoleARN = "SGWIZ_ROLE_ARN"
	// EnvParallel: how many accounts and regions are read at once.
	EnvParallel = "SGWIZ_PARALLEL"
	// EnvDryRun: "true" revokes nothing.
	EnvDryRun = "SGWIZ_DRY_RUN"
)

// EnvNames are the variables the function reads, in the order written.
var EnvNames = []string{EnvRegions, EnvOrganization, EnvOU, EnvAccounts, EnvRoleARN, EnvParallel, EnvDryRun}

// envField is the Sweeper field each variable sets, as Check names it.
var envField = map[string]string{EnvRegions: "regions", EnvOrganization: "organization", EnvOU: "ou",
	EnvAccounts: "accounts", EnvRoleARN: "role-arn", EnvParallel: "parallel", EnvDryRun: "dry-run"}

// EnvOf is the variable that sets the field Check names, or "".
func EnvOf(field string) string {
	for k, f := range envField {
		if f == field {
			return k
		}
	}
	return ""
}

// maxEnvironment is what Lambda allows a function's variables together
// (keys and values), 4 KB.
const maxEnvironment = 4096

// Environment is the function's variables for s: only those set.
func (s Sweeper) Environment() map[string]string {
	env := map[string]string{}
	switch {
	case s.AllRegions:
		env[EnvRegions] = "all"
	case len(s.Regions) > 0:
		env[EnvRegions] = strings.Join(s.Regions, ",")
	}
	if s.Organization {
		env[EnvOrganization] = "true"
	}
	if len(s.OUs) > 0 {
		env[EnvOU] = strings.Join(s.OUs, ",")
	}
	if len(s.Accounts) > 0 {
		env[EnvAccounts] = strings.Join(s.Accounts, ",")
	}
	if s.RoleARN != "" {
		env[EnvRoleARN] = s.RoleARN
	}
	if s.Parallel > 0 {
		env[EnvParallel] = strconv.Itoa(s.Parallel)
	}
	if s.DryRun {
		env[EnvDryRun] = "true"
	}
	return env
}

// SweeperFromEnvironment reads what the function sweeps from its
// variables (getenv is os.Getenv on Lambda). Errors name the variable;
// Check then says whether the values go together.
func SweeperFromEnvironment(getenv func(string) string) (Sweeper, error) {
	var s Sweeper
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	s.Regions, s.AllRegions = SplitRegions(envList(get(EnvRegions)))
	var err error
	if s.Organization, err = envBool(EnvOrganization, get(EnvOrganization)); err != nil {
		return s, err
	}
	if s.DryRun, err = envBool(EnvDryRun, get(EnvDryRun)); err != nil {
		return s, err
	}
	s.OUs, s.Accounts, s.RoleARN = envList(get(EnvOU)), envList(get(EnvAccounts)), get(EnvRoleARN)
	if p := get(EnvParallel); p != "" {
		if s.Parallel, err = strconv.Atoi(p); err != nil || s.Parallel < 1 {
			return s, fmt.Errorf("%s: %q is not a number of 1 or more", EnvParallel, p)
		}
	}
	return s, nil
}

// SplitRegions reads a list of regions in which "all" stands for every
// enabled region: the names, and whether all was among them.
func SplitRegions(items []string) (regions []string, all bool) {
	for _, r := range items {
		if strings.EqualFold(strings.TrimSpace(r), "all") {
			all = true
		} else {
			regions = append(regions, strings.TrimSpace(r))
		}
	}
	return regions, all
}

// envList splits a list written with commas or spaces.
func envList(s string) []string {
	if l := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }); len(l) > 0 {
		return l
	}
	return nil
}

func envBool(k, v string) (bool, error) {
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s: %q is neither true nor false", k, v)
	}
	return b, nil
}

var (
	// The role each account's sweep assumes: {account} in the account
	// field, a role name (and path) IAM allows.
	sweeperRoleRe = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\{account\}:role/[\w+=,.@/-]{1,512}$`)
	// Organizations' ParentId: an organisational unit or the root.
	sweeperOURe = regexp.MustCompile(`^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$`)
	// Lambda's function names; 54 leaves room for "-scheduler" in the
	// 64 characters of an IAM role name.
	sweeperNameRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,54}$`)
	// EventBridge Scheduler's expressions.
	sweeperScheduleRe = regexp.MustCompile(`^(rate|cron|at)\([^()]+\)$`)
)

// Check says whether s can be deployed: the values go together, and each
// has the form AWS takes. Regions are the caller's to check (their names
// are aws.ValidRegion's). Errors are *model.FieldError naming the field:
// regions, organization, ou, accounts, role-arn, parallel, schedule, zip
// or name (EnvOf gives the variable of those the function reads).
func (s Sweeper) Check() error {
	for _, check := range []func() error{s.checkScope, s.checkShapes, s.checkLists} {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// badSetting is a FieldError of the sweeper's settings.
func badSetting(field, format string, a ...any) error {
	return &model.FieldError{Field: field, Msg: fmt.Sprintf(format, a...)}
}

// checkScope checks that the regions, accounts and role go together.
func (s Sweeper) checkScope() error {
	switch {
	case s.AllRegions && len(s.Regions) > 0:
		return badSetting("regions", "give region names or all, not both")
	case s.Organization && len(s.Accounts) > 0:
		return badSetting("accounts", "give the organisation or a list of accounts, not both")
	case len(s.OUs) > 0 && !s.Organization:
		return badSetting("ou", "narrows the organisation: it goes with the organisation")
	case (s.Organization || len(s.Accounts) > 0) && s.RoleARN == "":
		return badSetting("role-arn", "is needed to sweep other accounts: the role each one's sweep assumes, such as arn:aws:iam::{account}:role/sgwiz-sweep")
	case s.RoleARN != "" && !s.Organization && len(s.Accounts) == 0:
		return badSetting("role-arn", "is assumed in the accounts of the organisation or of a list: give one of them, or no role to sweep the function's own account")
	}
	return nil
}

// checkShapes checks each single value has the form AWS takes.
func (s Sweeper) checkShapes() error {
	switch {
	case s.RoleARN != "" && !sweeperRoleRe.MatchString(s.RoleARN):
		return badSetting("role-arn", "%q is not a role ARN with {account} for the account id, such as arn:aws:iam::{account}:role/sgwiz-sweep", s.RoleARN)
	case s.Parallel < 0:
		return badSetting("parallel", "give 1 or more")
	case s.Name != "" && !sweeperNameRe.MatchString(s.Name):
		return badSetting("name", "%q is not a function name: 1 to 54 letters, digits, - and _", s.Name)
	case s.Schedule != "" && !sweeperScheduleRe.MatchString(s.Schedule):
		return badSetting("schedule", "%q is not a schedule expression: rate(5 minutes), cron(0/5 * * * ? *) or at(…)", s.Schedule)
	}
	if z, ok := strings.CutPrefix(s.Zip, "s3://"); ok {
		if bucket, key, _ := strings.Cut(z, "/"); bucket == "" || key == "" {
			return badSetting("zip", "%q is not an S3 location: give s3://BUCKET/KEY", s.Zip)
		}
	}
	return nil
}

// checkLists checks the accounts and units, and that the function's
// environment holds them.
func (s Sweeper) checkLists() error {
	for _, id := range s.Accounts {
		if !model.ValidAccount(id) {
			return badSetting("accounts", "%q is not an account id (12 digits)", id)
		}
	}
	for _, ou := range s.OUs {
		if !sweeperOURe.MatchString(ou) {
			return badSetting("ou", "%q is not an organisational unit id (ou-…) or the root's (r-…)", ou)
		}
	}
	size := 0
	for k, v := range s.Environment() {
		size += len(k) + len(v)
	}
	if size > maxEnvironment {
		return badSetting("accounts", "%d accounts do not fit the 4 KB Lambda gives a function's environment: sweep the organisation (with its units) instead", len(s.Accounts))
	}
	return nil
}

// RenderSweeper writes the sweeper's deployment as Terraform or a
// CloudFormation template (YAML).
func RenderSweeper(f Format, s Sweeper) ([]byte, error) {
	if err := s.Check(); err != nil {
		return nil, err
	}
	switch f {
	case Terraform:
		return renderSweeperTerraform(s)
	case CloudFormation:
		if s.Zip != "" && !strings.HasPrefix(s.Zip, "s3://") {
			return nil, &model.FieldError{Field: "zip", Msg: fmt.Sprintf("CloudFormation takes a function's code from S3, not from %s: upload it (aws s3 cp %[1]s s3://BUCKET/sgwiz/sweeper.zip) and give --zip s3://BUCKET/sgwiz/sweeper.zip, or leave --zip out and give the bucket and key as parameters", s.Zip)}
		}
		return renderSweeperCloudFormation(s)
	}
	return nil, fmt.Errorf("the sweeper is written as %s or %s, not %s", Terraform, CloudFormation, f)
}

// SweeperFormats are the formats RenderSweeper writes.
var SweeperFormats = []Format{Terraform, CloudFormation}

// The sweeper's architecture. arm64 (Graviton) costs about a fifth less
// than x86_64 for each GB-second, and Go cross-compiles to it with
// GOARCH=arm64 and nothing more; the README's build says so. A bootstrap
// built for another architecture fails to start ("exec format error").
const sweeperArchitecture = "arm64"

// The function's size: sweep spends its time waiting on EC2, and a run
// over an organisation makes a TLS connection per account and region,
// which 256 MB (a seventh of a vCPU) does in seconds. A run may outlast
// the five minutes to the next: sweep is safe to run twice at once.
const (
	sweeperMemory  = 256
	sweeperTimeout = 300
	// sweeperLogDays keeps the function's log lines (what each run
	// revoked) for a month.
	sweeperLogDays = 30
)

// iamStatement is one statement of a policy of the sweeper's roles, in the
// terms both formats write: resources may hold the placeholders
// {partition}, {account} and {region} (the deployment's), {name} (the
// function's name) and, alone, {function-arn}.
type iamStatement struct {
	sid       string
	comment   []string
	actions   []string
	resources []string
}

// functionPolicy is what the function's role may do: only the calls sweep
// makes, for the accounts and regions s sweeps.
func (s Sweeper) functionPolicy() []iamStatement {
	read := iamStatement{sid: "ReadTemporaryRules", actions: []string{"ec2:DescribeSecurityGroupRules"}, resources: []string{"*"},
		comment: []string{"Describe calls take no resource-level permission: \"*\" is the only resource IAM allows."}}
	if s.AllRegions {
		read.actions = append(read.actions, "ec2:DescribeRegions")
	}
	var where []string
	switch {
	case s.AllRegions:
		where = []string{"arn:{partition}:ec2:*:{account}:security-group/*"}
	case len(s.Regions) > 0:
		for _, r := range s.Regions {
			where = append(where, "arn:{partition}:ec2:"+r+":{account}:security-group/*")
		}
	default:
		where = []string{"arn:{partition}:ec2:{region}:{account}:security-group/*"}
	}
	revoke := iamStatement{sid: "RevokeExpiredRules", actions: []string{"ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress"}, resources: where,
		comment: []string{
			"IAM cannot limit these to the rules tagged sgwiz:expires. The Service",
			"Authorization Reference (Amazon EC2) lists one resource type for",
			"RevokeSecurityGroupIngress and RevokeSecurityGroupEgress, security-group",
			"(not security-group-rule), with the condition keys aws:ResourceTag/${TagKey},",
			"ec2:ResourceTag/${TagKey}, ec2:Region, ec2:SecurityGroupID and ec2:Vpc:",
			"all of them the group's, none the rule's. So this allows revoking any rule",
			"of the account's groups in the regions swept; sweep itself revokes only",
			"the rules it read with an expired sgwiz:expires tag, by rule id. To narrow",
			"it, tag the groups that may hold temporary rules and add a condition on",
			"aws:ResourceTag/<key> here.",
		}}
	var policy []iamStatement
	switch {
	case len(s.Accounts) > 0:
		// Every account of the list is read through the role sweep
		// assumes there, which holds the EC2 permissions.
	case s.DryRun:
		read.comment = append(read.comment, "A dry run revokes nothing: the role may not revoke either.")
		policy = append(policy, read)
	default:
		policy = append(policy, read, revoke)
	}
	if s.Organization && len(policy) > 0 {
		policy[0].comment = append(policy[0].comment, "This account's own groups are read with this role when the role sweep assumes",
			"in each account is not here (the management account, usually).")
	}
	if s.RoleARN != "" {
		policy = append(policy, iamStatement{sid: "AssumeEachAccountsRole", actions: []string{"sts:AssumeRole"},
			resources: []string{strings.ReplaceAll(s.RoleARN, "{account}", "*")},
			comment:   []string{"The role sweep assumes in each account, which trusts this function's role."}})
		if len(s.Accounts) > 0 {
			last := &policy[len(policy)-1]
			last.comment = append(last.comment, "Every account of the list, this one too, is swept through it: this role needs no EC2 permission.")
		}
	}
	if s.Organization {
		list := []string{"organizations:DescribeOrganization", "organizations:ListAccounts"}
		if len(s.OUs) > 0 {
			list = []string{"organizations:DescribeOrganization", "organizations:ListAccountsForParent", "organizations:ListOrganizationalUnitsForParent"}
		}
		policy = append(policy, iamStatement{sid: "ListTheOrganizationsAccounts", actions: list, resources: []string{"*"},
			comment: []string{"Run from the management account or a delegated administrator."}})
	}
	policy = append(policy, iamStatement{sid: "WriteItsOwnLogs", actions: []string{"logs:CreateLogStream", "logs:PutLogEvents"},
		resources: []string{"arn:{partition}:logs:{region}:{account}:log-group:/aws/lambda/{name}:*"},
		comment:   []string{"The log group is made here, so the function needs no logs:CreateLogGroup."}})
	return policy
}

// schedulePolicy is what the schedule's role may do: invoke this function.
func schedulePolicy() []iamStatement {
	return []iamStatement{{sid: "InvokeTheSweeper", actions: []string{"lambda:InvokeFunction"}, resources: []string{"{function-arn}"}}}
}

// name is the function's name.
func (s Sweeper) name() string {
	if s.Name == "" {
		return DefaultSweeperName
	}
	return s.Name
}

// schedule is the schedule expression.
func (s Sweeper) schedule() string {
	if s.Schedule == "" {
		return DefaultSchedule
	}
	return s.Schedule
}

// s3 is the code's bucket and key when Zip names an S3 location.
func (s Sweeper) s3() (bucket, key string, ok bool) {
	z, ok := strings.CutPrefix(s.Zip, "s3://")
	if !ok {
		return "", "", false
	}
	bucket, key, _ = strings.Cut(z, "/")
	return bucket, key, true
}

// sweeps says in words what s sweeps, for the files' heads.
func (s Sweeper) sweeps() string {
	where := "the function's region"
	switch {
	case s.AllRegions:
		where = "every enabled region"
	case len(s.Regions) > 0:
		where = strings.Join(s.Regions, ", ")
	}
	who := "the function's account"
	switch {
	case s.Organization && len(s.OUs) > 0:
		who = "the organisation's accounts under " + strings.Join(s.OUs, ", ")
	case s.Organization:
		who = "the organisation's accounts"
	case len(s.Accounts) > 0:
		who = fmt.Sprintf("%d account(s)", len(s.Accounts))
	}
	line := fmt.Sprintf("%s in %s", who, where)
	if !s.AllRegions && len(s.Regions) == 0 && !s.Organization && len(s.Accounts) == 0 {
		line = "the account and region the function runs in"
	}
	if s.DryRun {
		line += ", as a dry run (it revokes nothing)"
	}
	return line
}

// sortedEnvironment is the function's variables in EnvNames order.
func (s Sweeper) sortedEnvironment() [][2]string {
	env := s.Environment()
	var out [][2]string
	for _, k := range EnvNames {
		if v, ok := env[k]; ok {
			out = append(out, [2]string{k, v})
		}
	}
	return out
}

// placeholders lists the placeholders a resource may hold.
var placeholders = []string{"{partition}", "{account}", "{region}", "{name}", "{function-arn}"}

// hasPlaceholder reports whether a resource holds one.
func hasPlaceholder(r string) bool {
	return slices.ContainsFunc(placeholders, func(p string) bool { return strings.Contains(r, p) })
}
