package export

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sgwiz/sgwiz/model"
)

// The audit in the AWS Security Finding Format (ASFF), the findings
// Security Hub takes with BatchImportFindings: one finding per audit
// finding, on the group's ARN, under the account's own default product
// (arn:aws:securityhub:REGION:ACCOUNT:product/ACCOUNT/default).
//
// The file is a JSON array of findings, what the AWS CLI reads as
//
//	aws securityhub batch-import-findings --findings file://audit.asff.json
//
// (BatchImportFindings takes at most 100 findings a call: sgwiz
// --to-security-hub sends them in batches, and resolves the findings a
// later audit no longer sees; see aws.Client.ImportFindings.)
//
// A finding's Id is made of what it is about, not of when it was found,
// so that the next audit updates it rather than adding a copy:
// sgwiz/ACCOUNT/REGION/GROUP/CHECK/HASH, HASH standing for the rule (its
// direction, protocol, ports and peer; the whole group for a group's
// finding).

// ASFF limits sgwiz keeps to, from the AwsSecurityFinding reference.
const (
	ASFFSchemaVersion  = "2018-10-08"
	asffMaxTitle       = 256
	asffMaxDescription = 1024
	asffMaxFix         = 512 // Remediation.Recommendation.Text
	asffMaxRequirement = 256
	asffMaxRequired    = 32 // Compliance.RelatedRequirements
	asffMaxField       = 2048
	// ASFFPrefix begins the Id and GeneratorId of every finding sgwiz
	// makes, so that its findings can be told from others'.
	ASFFPrefix = "sgwiz/"
)

// ASFFFinding is a finding in the AWS Security Finding Format, as
// BatchImportFindings takes it and GetFindings returns it.
type ASFFFinding struct {
	SchemaVersion string   `json:"SchemaVersion"`
	ID            string   `json:"Id"`
	ProductARN    string   `json:"ProductArn"`
	GeneratorID   string   `json:"GeneratorId"`
	AccountID     string   `json:"AwsAccountId"`
	Region        string   `json:"Region"`
	Types         []string `json:"Types"`
	// CreatedAt and UpdatedAt are RFC 3339 times (UTC, to the second).
	CreatedAt   string            `json:"CreatedAt"`
	UpdatedAt   string            `json:"UpdatedAt"`
	Severity    ASFFSeverity      `json:"Severity"`
	Title       string            `json:"Title"`
	Description string            `json:"Description"`
	Remediation *ASFFRemediation  `json:"Remediation,omitempty"`
	Fields      map[string]string `json:"ProductFields,omitempty"`
	Resources   []ASFFResource    `json:"Resources"`
	Compliance  ASFFCompliance    `json:"Compliance"`
	// Provider carries Severity and Types again: after the first import
	// Security Hub takes a provider's changes to them only from here.
	Provider    ASFFProvider `json:"FindingProviderFields"`
	Workflow    ASFFWorkflow `json:"Workflow"`
	RecordState string       `json:"RecordState"`
}

// ASFFSeverity is a finding's severity: Label is Security Hub's
// (INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL), Original sgwiz's name.
type ASFFSeverity struct {
	Label    string `json:"Label"`
	Original string `json:"Original,omitempty"`
}

// ASFFRemediation says how to fix a finding.
type ASFFRemediation struct {
	Recommendation ASFFRecommendation `json:"Recommendation"`
}

// ASFFRecommendation is the fix in words.
type ASFFRecommendation struct {
	Text string `json:"Text"`
}

// ASFFResource is what a finding is about: a security group.
type ASFFResource struct {
	Type      string               `json:"Type"`
	ID        string               `json:"Id"`
	Partition string               `json:"Partition"`
	Region    string               `json:"Region"`
	Details   *ASFFResourceDetails `json:"Details,omitempty"`
}

// ASFFResourceDetails describe the group (AwsEc2SecurityGroup).
type ASFFResourceDetails struct {
	Group ASFFGroup `json:"AwsEc2SecurityGroup"`
}

// ASFFGroup is the group as ASFF names its attributes.
type ASFFGroup struct {
	GroupID   string `json:"GroupId"`
	GroupName string `json:"GroupName,omitempty"`
	VPCID     string `json:"VpcId,omitempty"`
}

// ASFFCompliance says whether the group fails the check (FAILED) or a
// later audit no longer finds it (PASSED), and the controls it maps to.
type ASFFCompliance struct {
	Status              string   `json:"Status"`
	RelatedRequirements []string `json:"RelatedRequirements,omitempty"`
}

// ASFFProvider are the fields only the finding's provider updates.
type ASFFProvider struct {
	Severity ASFFSeverity `json:"Severity"`
	Types    []string     `json:"Types"`
}

// ASFFWorkflow is the state of the investigation: NEW when sgwiz finds
// it, RESOLVED when a later audit no longer does.
type ASFFWorkflow struct {
	Status string `json:"Status"`
}

// The values sgwiz sends in Workflow.Status, RecordState and
// Compliance.Status.
const (
	ASFFNew      = "NEW"
	ASFFResolved = "RESOLVED"
	ASFFActive   = "ACTIVE"
	ASFFArchived = "ARCHIVED"
	ASFFFailed   = "FAILED"
	ASFFPassed   = "PASSED"
)

// asffLabels are Security Hub's severity labels for sgwiz's severities.
var asffLabels = map[model.Severity]string{
	model.Info: "INFORMATIONAL", model.Low: "LOW", model.Medium: "MEDIUM", model.High: "HIGH", model.Critical: "CRITICAL",
}

// ASFF finding types (namespace/category/classifier). Every finding is a
// configuration check; one that names a Security Hub or CIS control is
// also of that standard.
const (
	asffBestPractice = "Software and Configuration Checks/AWS Security Best Practices"
	asffReachability = "Software and Configuration Checks/AWS Security Best Practices/Network Reachability"
	asffFSBP         = "Software and Configuration Checks/Industry and Regulatory Standards/AWS-Foundational-Security-Best-Practices"
	asffCIS          = "Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark"
)

// ASFFProductARN is the account's own product in a region, the one a
// custom integration imports its findings under.
func ASFFProductARN(account, region string) string {
	return fmt.Sprintf("arn:%s:securityhub:%s:%s:product/%s/default", partitionOf(region), region, account, account)
}

// ASFFPrefixOf begins the Id of every finding sgwiz makes in one account
// and region: what a later audit there may resolve.
func ASFFPrefixOf(account, region string) string {
	return ASFFPrefix + account + "/" + region + "/"
}

// partitionOf is the AWS partition of a region (as groupARN's).
func partitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// ASFF is the report's findings in the AWS Security Finding Format, in
// the report's order, timed at r.At; it is the same for the same report.
func ASFF(r AuditReport) ([]ASFFFinding, error) {
	if r.At.IsZero() {
		return nil, errors.New("asff: the audit report has no time (AuditReport.At), which every finding needs as CreatedAt and UpdatedAt")
	}
	at := r.At.UTC().Format(time.RFC3339)
	titles := make(map[string]string, len(model.Checks))
	for _, c := range model.Checks {
		titles[c.ID] = c.Title
	}
	ids := asffIDs(r.Findings)
	out := make([]ASFFFinding, len(r.Findings))
	for i, f := range r.Findings {
		title := titles[f.ID]
		if title == "" {
			title = f.ID
		}
		sev := ASFFSeverity{Label: asffLabels[f.Severity], Original: f.Severity.String()}
		types := asffTypes(f)
		arn := groupARN(f)
		out[i] = ASFFFinding{
			SchemaVersion: ASFFSchemaVersion,
			ID:            ids[i],
			ProductARN:    ASFFProductARN(f.Account, f.Region),
			GeneratorID:   ASFFPrefix + f.ID,
			AccountID:     f.Account,
			Region:        f.Region,
			Types:         types,
			CreatedAt:     at,
			UpdatedAt:     at,
			Severity:      sev,
			Title:         clip(title, asffMaxTitle),
			Description:   clip(oneLine(fmt.Sprintf("%s (%s), %s: %s", f.GroupID, f.Group, ruleText(f), f.Why)), asffMaxDescription),
			Remediation:   asffFix(f.Fix),
			Fields:        asffFields(f),
			Resources: []ASFFResource{{Type: "AwsEc2SecurityGroup", ID: arn, Partition: partitionOf(f.Region), Region: f.Region,
				Details: &ASFFResourceDetails{ASFFGroup{GroupID: f.GroupID, GroupName: f.Group, VPCID: f.VPC}}}},
			Compliance:  ASFFCompliance{Status: ASFFFailed, RelatedRequirements: asffRequirements(f.Controls)},
			Provider:    ASFFProvider{Severity: sev, Types: types},
			Workflow:    ASFFWorkflow{Status: ASFFNew},
			RecordState: ASFFActive,
		}
	}
	return out, nil
}

func auditASFF(r AuditReport) ([]byte, error) {
	fs, err := ASFF(r)
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(fs, "", "  ")
	return append(b, '\n'), err
}

// asffFix is the fix as a recommendation; none when the finding says
// none (ASFF wants the text non-empty).
func asffFix(fix string) *ASFFRemediation {
	if strings.TrimSpace(fix) == "" {
		return nil
	}
	return &ASFFRemediation{ASFFRecommendation{Text: clip(oneLine(fix), asffMaxFix)}}
}

// asffIDs makes each finding's Id from what it is about (findingKey):
// account, region, group, check, the rule and the finding's subject, so
// that an Id depends neither on the other findings of the report nor on
// the words (which change with what was checked). Only the same finding
// twice is told apart, by its order.
func asffIDs(fs []model.AuditFinding) []string {
	ids := make([]string, len(fs))
	seen := map[string]int{}
	for i, f := range fs {
		id := ASFFPrefixOf(f.Account, f.Region) + f.GroupID + "/" + f.ID + "/" + shortHash(findingKey(f))
		if seen[id]++; seen[id] > 1 {
			id += fmt.Sprintf("-%d", seen[id])
		}
		ids[i] = id
	}
	return ids
}

// shortHash is 16 hex digits of s's SHA-256.
func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

// asffTypes classifies a finding: network reachability when it is about
// the traffic a group lets through, a best practice otherwise; and the
// standards of the controls it names.
func asffTypes(f model.AuditFinding) []string {
	types := []string{asffBestPractice}
	if reachability(f.ID) {
		types[0] = asffReachability
	}
	var fsbp, cis bool
	for _, c := range f.Controls {
		fsbp = fsbp || strings.HasPrefix(c, "SecurityHub ")
		cis = cis || strings.HasPrefix(c, "CIS AWS ")
	}
	if fsbp {
		types = append(types, asffFSBP)
	}
	if cis {
		types = append(types, asffCIS)
	}
	return types
}

// reachability reports whether a check is about the traffic a group lets
// through.
func reachability(check string) bool {
	switch check {
	case "default-group-rules", "ipv4-ipv6-mismatch", "egress-open", "expired-rule":
		return true
	}
	return strings.HasPrefix(check, "world-") || strings.HasPrefix(check, "public-") || strings.HasPrefix(check, "wide-")
}

// asffRequirements are the controls a finding maps to, as many as ASFF
// holds.
func asffRequirements(controls []string) []string {
	var out []string
	for _, c := range controls {
		if len(out) == asffMaxRequired {
			break
		}
		if c = clip(c, asffMaxRequirement); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// asffFields are sgwiz's own details of a finding (ProductFields).
func asffFields(f model.AuditFinding) map[string]string {
	m := map[string]string{}
	for k, v := range map[string]string{"sgwiz/check": f.ID, "sgwiz/where": ruleText(f), "sgwiz/group_name": f.Group, "sgwiz/vpc_id": f.VPC} {
		if v = clip(v, asffMaxField); strings.TrimSpace(v) != "" {
			m[k] = v
		}
	}
	return m
}

// clip shortens s to at most n bytes (so at most n characters however
// they are counted), on a character boundary, ending in "…" when cut.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	const more = "…"
	cut := n - len(more)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + more
}
