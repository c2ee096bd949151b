package aws

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/smithy-go"
	"github.com/sgwiz/sgwiz/export"
)

// Findings into Security Hub: an audit's findings of one account and
// region (export.ASFF) imported under the account's own default product,
// and the findings of earlier audits there that this one no longer sees
// sent back resolved.
//
// Security Hub takes a finding only from the account it is about, so each
// account's findings go through a client acting as that account
// (AssumeRole), in their region (InRegion). The IAM actions are
// securityhub:GetFindings, BatchImportFindings and BatchUpdateFindings.

// MaxImportBatch is how many findings BatchImportFindings (and
// BatchUpdateFindings) take a call.
const MaxImportBatch = 100

// HubImport is what ImportFindings did.
type HubImport struct {
	// Imported is how many of the audit's findings Security Hub took; New
	// is how many of those it did not hold as active before (the others
	// were updated).
	Imported, New int
	// Resolved is how many findings of earlier audits, no longer seen,
	// were archived as resolved.
	Resolved int
	// Failed are the findings Security Hub refused, with its reasons.
	Failed []HubFailure
	// Calls is how many Security Hub calls it took.
	Calls int
}

// HubFailure is a finding Security Hub refused.
type HubFailure struct {
	ID string
	// Action is the call that refused it: BatchImportFindings, or
	// BatchUpdateFindings when a resolved finding's workflow status could
	// not be set (it is archived all the same).
	Action        string
	Code, Message string
}

func (f HubFailure) String() string {
	return fmt.Sprintf("%s: %s refused it: %s (%s)", f.ID, f.Action, f.Message, f.Code)
}

// ImportFindings sends the audit's findings of account in region (as
// export.ASFF made them) to Security Hub, MaxImportBatch a call, and
// resolves the findings earlier audits sent there that these no longer
// hold: archived (RecordState ARCHIVED, Compliance PASSED, UpdatedAt seen)
// with their workflow status RESOLVED. A finding that was already active
// keeps its CreatedAt, when it was first found.
//
// Call it only for a region the audit read: an empty list resolves every
// earlier finding there. The client must be in region and act as account.
//
// keep names checks (generator ids, "sgwiz/unused-group") that did not
// run in this audit of the scope: their earlier findings are left as they
// are, not resolved, since not seeing them proves nothing.
func (c *Client) ImportFindings(ctx context.Context, account, region string, findings []export.ASFFFinding, seen time.Time, keep ...string) (HubImport, error) {
	var out HubImport
	if err := checkScope(c, account, region, findings); err != nil {
		return out, err
	}
	hub := securityhub.NewFromConfig(c.cfg, func(o *securityhub.Options) { o.APIOptions = append(o.APIOptions, withCallTimeout) })
	before, calls, err := activeFindings(ctx, hub, account, region)
	out.Calls += calls
	if err != nil {
		return out, err
	}
	current := make(map[string]bool, len(findings))
	batch := make([]types.AwsSecurityFinding, 0, len(findings))
	for _, f := range findings {
		sf := hubFinding(f)
		if p, ok := before[f.ID]; ok && sdk.ToString(p.CreatedAt) != "" {
			sf.CreatedAt = p.CreatedAt // when it was first found
		}
		current[f.ID] = true
		batch = append(batch, sf)
	}
	var gone []types.AwsSecurityFinding
	for _, id := range slices.Sorted(maps.Keys(before)) {
		if !current[id] && !slices.Contains(keep, sdk.ToString(before[id].GeneratorId)) {
			gone = append(gone, before[id])
		}
	}
	// The workflow first: BatchImportFindings does not change a finding's
	// workflow once it exists, and a finding still active when this step
	// fails is tried again by the next audit, while an archived one is not
	// looked at again.
	failed, calls, err := resolveWorkflow(ctx, hub, gone)
	out.Calls += calls
	out.Failed = append(out.Failed, failed...)
	if err != nil {
		return out, err
	}
	at := seen.UTC().Format(time.RFC3339)
	for _, p := range gone {
		batch = append(batch, archived(p, at))
	}
	sent, failed, calls, err := importBatches(ctx, hub, batch)
	out.Calls += calls
	out.Failed = append(out.Failed, failed...)
	refused := map[string]bool{}
	for _, f := range failed {
		refused[f.ID] = true
	}
	for _, f := range batch[:sent] {
		id := sdk.ToString(f.Id)
		_, known := before[id]
		switch {
		case refused[id]:
		case !current[id]:
			out.Resolved++
		default:
			out.Imported++
			if !known {
				out.New++
			}
		}
	}
	return out, err
}

// importBatches sends findings MaxImportBatch a call; sent is how many of
// them went (all, unless a call failed), failed those Security Hub
// refused.
func importBatches(ctx context.Context, hub *securityhub.Client, findings []types.AwsSecurityFinding) (sent int, failed []HubFailure, calls int, err error) {
	for sent < len(findings) {
		chunk := findings[sent:min(sent+MaxImportBatch, len(findings))]
		res, err := hub.BatchImportFindings(ctx, &securityhub.BatchImportFindingsInput{Findings: chunk})
		calls++
		if err != nil {
			return sent, failed, calls, explainHub(err)
		}
		for _, e := range res.FailedFindings {
			failed = append(failed, HubFailure{ID: sdk.ToString(e.Id), Action: "BatchImportFindings", Code: sdk.ToString(e.ErrorCode), Message: sdk.ToString(e.ErrorMessage)})
		}
		sent += len(chunk)
	}
	return sent, failed, calls, nil
}

// checkScope makes sure every finding is of account and region, and the
// client in region: Security Hub files a finding under the region it is
// sent to and takes it only from its own account.
func checkScope(c *Client, account, region string, findings []export.ASFFFinding) error {
	if c.Region != region {
		return fmt.Errorf("findings of %s go to Security Hub in %s, but the client is in %s: use InRegion(%q)", region, region, c.Region, region)
	}
	product, prefix := export.ASFFProductARN(account, region), export.ASFFPrefixOf(account, region)
	ids := make(map[string]bool, len(findings))
	for _, f := range findings {
		switch {
		case f.AccountID != account || f.Region != region:
			return fmt.Errorf("finding %s is of account %s in %s, not %s in %s: import each account's findings in each region apart", f.ID, f.AccountID, f.Region, account, region)
		case f.ProductARN != product || !strings.HasPrefix(f.ID, prefix):
			return fmt.Errorf("finding %s is not one of sgwiz's findings of %s in %s (product %s)", f.ID, account, region, f.ProductARN)
		case ids[f.ID]:
			return fmt.Errorf("finding %s is given twice", f.ID)
		}
		ids[f.ID] = true
	}
	return nil
}

// activeFindings reads the findings sgwiz sent earlier to account in
// region that are still active, by Id. The filter is also applied here:
// a finding outside it must never be resolved by mistake.
func activeFindings(ctx context.Context, hub *securityhub.Client, account, region string) (map[string]types.AwsSecurityFinding, int, error) {
	product, prefix := export.ASFFProductARN(account, region), export.ASFFPrefixOf(account, region)
	eq := func(v string) []types.StringFilter {
		return []types.StringFilter{{Value: sdk.String(v), Comparison: types.StringFilterComparisonEquals}}
	}
	starts := func(v string) []types.StringFilter {
		return []types.StringFilter{{Value: sdk.String(v), Comparison: types.StringFilterComparisonPrefix}}
	}
	in := &securityhub.GetFindingsInput{MaxResults: sdk.Int32(100), Filters: &types.AwsSecurityFindingFilters{
		ProductArn: eq(product), AwsAccountId: eq(account), RecordState: eq(string(types.RecordStateActive)),
		Id: starts(prefix), GeneratorId: starts(export.ASFFPrefix),
	}}
	found := map[string]types.AwsSecurityFinding{}
	calls := 0
	for p := securityhub.NewGetFindingsPaginator(hub, in); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		calls++
		if err != nil {
			return nil, calls, explainHub(err)
		}
		for _, f := range page.Findings {
			id := sdk.ToString(f.Id)
			// A finding imported without a record state is active.
			active := f.RecordState == "" || f.RecordState == types.RecordStateActive
			if active && sdk.ToString(f.ProductArn) == product && sdk.ToString(f.AwsAccountId) == account &&
				strings.HasPrefix(id, prefix) && strings.HasPrefix(sdk.ToString(f.GeneratorId), export.ASFFPrefix) {
				found[id] = f
			}
		}
	}
	return found, calls, nil
}

// resolveWorkflow sets the workflow status of findings no longer seen to
// RESOLVED (BatchUpdateFindings), but for those a person suppressed or
// resolved already. A refusal is a failure of the finding, not of the
// import: the finding is archived all the same.
func resolveWorkflow(ctx context.Context, hub *securityhub.Client, gone []types.AwsSecurityFinding) ([]HubFailure, int, error) {
	var ids []types.AwsSecurityFindingIdentifier
	for _, f := range gone {
		if f.Workflow != nil && (f.Workflow.Status == types.WorkflowStatusSuppressed || f.Workflow.Status == types.WorkflowStatusResolved) {
			continue
		}
		ids = append(ids, types.AwsSecurityFindingIdentifier{Id: f.Id, ProductArn: f.ProductArn})
	}
	var failed []HubFailure
	calls := 0
	for start := 0; start < len(ids); start += MaxImportBatch {
		chunk := ids[start:min(start+MaxImportBatch, len(ids))]
		res, err := hub.BatchUpdateFindings(ctx, &securityhub.BatchUpdateFindingsInput{FindingIdentifiers: chunk,
			Workflow: &types.WorkflowUpdate{Status: types.WorkflowStatusResolved}})
		calls++
		if err != nil {
			if ctx.Err() != nil {
				return failed, calls, explainHub(err)
			}
			code, msg := "", explainHub(err).Error()
			var ae smithy.APIError
			if errors.As(err, &ae) {
				code = ae.ErrorCode()
			}
			for _, id := range chunk {
				failed = append(failed, HubFailure{ID: sdk.ToString(id.Id), Action: "BatchUpdateFindings", Code: code, Message: msg})
			}
			continue
		}
		for _, u := range res.UnprocessedFindings {
			id := ""
			if u.FindingIdentifier != nil {
				id = sdk.ToString(u.FindingIdentifier.Id)
			}
			failed = append(failed, HubFailure{ID: id, Action: "BatchUpdateFindings", Code: sdk.ToString(u.ErrorCode), Message: sdk.ToString(u.ErrorMessage)})
		}
	}
	return failed, calls, nil
}

// hubFinding is an ASFF finding as the SDK sends it.
func hubFinding(f export.ASFFFinding) types.AwsSecurityFinding {
	sev := &types.Severity{Label: types.SeverityLabel(f.Severity.Label), Original: optional(f.Severity.Original)}
	out := types.AwsSecurityFinding{
		SchemaVersion: sdk.String(f.SchemaVersion),
		Id:            sdk.String(f.ID),
		ProductArn:    sdk.String(f.ProductARN),
		GeneratorId:   sdk.String(f.GeneratorID),
		AwsAccountId:  sdk.String(f.AccountID),
		Region:        optional(f.Region),
		Types:         f.Types,
		CreatedAt:     sdk.String(f.CreatedAt),
		UpdatedAt:     sdk.String(f.UpdatedAt),
		Severity:      sev,
		Title:         sdk.String(f.Title),
		Description:   sdk.String(f.Description),
		ProductFields: f.Fields,
		Compliance:    &types.Compliance{Status: types.ComplianceStatus(f.Compliance.Status), RelatedRequirements: f.Compliance.RelatedRequirements},
		FindingProviderFields: &types.FindingProviderFields{
			Severity: &types.FindingProviderSeverity{Label: types.SeverityLabel(f.Provider.Severity.Label), Original: optional(f.Provider.Severity.Original)},
			Types:    f.Provider.Types,
		},
		Workflow:    &types.Workflow{Status: types.WorkflowStatus(f.Workflow.Status)},
		RecordState: types.RecordState(f.RecordState),
	}
	if f.Remediation != nil {
		out.Remediation = &types.Remediation{Recommendation: &types.Recommendation{Text: sdk.String(f.Remediation.Recommendation.Text)}}
	}
	for _, r := range f.Resources {
		res := types.Resource{Type: sdk.String(r.Type), Id: sdk.String(r.ID), Partition: types.Partition(r.Partition), Region: optional(r.Region)}
		if r.Details != nil {
			g := r.Details.Group
			res.Details = &types.ResourceDetails{AwsEc2SecurityGroup: &types.AwsEc2SecurityGroupDetails{
				GroupId: sdk.String(g.GroupID), GroupName: optional(g.GroupName), VpcId: optional(g.VPCID)}}
		}
		out.Resources = append(out.Resources, res)
	}
	return out
}

// archived is an earlier finding sent back resolved: what was sent of it
// (not what Security Hub adds when it stores it), archived and passed, at
// the time of the audit that no longer saw it.
func archived(p types.AwsSecurityFinding, at string) types.AwsSecurityFinding {
	out := types.AwsSecurityFinding{
		SchemaVersion: p.SchemaVersion, Id: p.Id, ProductArn: p.ProductArn, GeneratorId: p.GeneratorId,
		AwsAccountId: p.AwsAccountId, Region: p.Region, Types: p.Types, CreatedAt: p.CreatedAt, UpdatedAt: sdk.String(at),
		Title: p.Title, Description: p.Description, Remediation: p.Remediation, Resources: p.Resources,
		Compliance:  &types.Compliance{Status: types.ComplianceStatusPassed},
		Workflow:    &types.Workflow{Status: types.WorkflowStatusResolved},
		RecordState: types.RecordStateArchived,
	}
	if p.Severity != nil {
		out.Severity = &types.Severity{Label: p.Severity.Label, Original: p.Severity.Original}
	}
	if p.Compliance != nil {
		out.Compliance.RelatedRequirements = p.Compliance.RelatedRequirements
	}
	if fp := p.FindingProviderFields; fp != nil {
		out.FindingProviderFields = &types.FindingProviderFields{Types: fp.Types}
		if fp.Severity != nil {
			out.FindingProviderFields.Severity = &types.FindingProviderSeverity{Label: fp.Severity.Label, Original: fp.Severity.Original}
		}
	}
	// Only sgwiz's own fields: Security Hub adds its own (aws/securityhub/…)
	// to what it stores.
	for k, v := range p.ProductFields {
		if strings.HasPrefix(k, export.ASFFPrefix) {
			if out.ProductFields == nil {
				out.ProductFields = map[string]string{}
			}
			out.ProductFields[k] = v
		}
	}
	return out
}

// explainHub is explain for Security Hub's calls: its IAM actions, and
// the hub not enabled.
func explainHub(err error) error {
	action := ""
	var oe *smithy.OperationError
	if errors.As(err, &oe) {
		action = "securityhub:" + oe.Operation()
	}
	// The innermost call is the one that failed: an STS AssumeRole for
	// the credentials of a Security Hub call is explain's to word.
	var inner *smithy.OperationError
	for e := err; e != nil; e = errors.Unwrap(e) {
		if o, ok := e.(*smithy.OperationError); ok {
			inner = o
		}
	}
	var ae smithy.APIError
	switch {
	case errors.Is(err, context.Canceled), inner != nil && inner.Service() != securityhub.ServiceID:
		return explain(err, "")
	case isCode(err, "InvalidAccessException"):
		errors.As(err, &ae)
		return &Error{Code: ae.ErrorCode(), Action: action, Err: err,
			Words: "Security Hub is not enabled in this account and region: enable it (aws securityhub enable-security-hub), or leave the region out"}
	case isCode(err, "AccessDeniedException", "AccessDenied"):
		errors.As(err, &ae)
		return &Error{Code: ae.ErrorCode(), Action: action, Err: err,
			Words: fmt.Sprintf("missing IAM permission %s: ask for it to be added to the role that imports findings", action)}
	case !errors.As(err, &ae):
		if words := transportWords(err, "Security Hub"); words != "" {
			return &Error{Action: action, Words: words, Err: err}
		}
	}
	e := explain(err, "")
	var ours *Error
	if errors.As(e, &ours) && action != "" {
		ours.Action = action // explain names EC2's
	}
	return e
}
