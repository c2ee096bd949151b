package aws

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
)

// An organisation's accounts, as audit and sweep read them: listed by
// Organizations from the management account (or a delegated
// administrator), each then read through a role assumed in it.

// OrgAccount is an active account of the organisation.
type OrgAccount struct {
	ID, Name string
}

// Organization is what OrganizationAccounts found.
type Organization struct {
	// Accounts are the ACTIVE accounts, by id (suspended and closing ones
	// are left out: nothing can be read there).
	Accounts []OrgAccount
	// Management is the management account's id.
	Management string
	// Calls is how many Organizations calls it made.
	Calls int
}

// OrganizationAccounts lists the organisation's ACTIVE accounts: every
// one (ListAccounts), or with ous those under each organisational unit,
// walked down its child units (ListAccountsForParent,
// ListOrganizationalUnitsForParent), each account once.
func (c *Client) OrganizationAccounts(ctx context.Context, ous []string) (Organization, error) {
	org := organizations.NewFromConfig(c.cfg, func(o *organizations.Options) { o.APIOptions = append(o.APIOptions, withCallTimeout) })
	var out Organization
	d, err := org.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	out.Calls++
	if err != nil {
		return out, explainOrg(err)
	}
	out.Management = sdk.ToString(d.Organization.MasterAccountId)
	seen := map[string]bool{}
	add := func(as []types.Account) {
		for _, a := range as {
			id := sdk.ToString(a.Id)
			if seen[id] || !active(a) {
				continue
			}
			seen[id] = true
			out.Accounts = append(out.Accounts, OrgAccount{ID: id, Name: sdk.ToString(a.Name)})
		}
	}
	if len(ous) == 0 {
		p := organizations.NewListAccountsPaginator(org, &organizations.ListAccountsInput{})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			out.Calls++
			if err != nil {
				return out, explainOrg(err)
			}
			add(page.Accounts)
		}
	}
	for queue := slices.Clone(ous); len(queue) > 0; {
		parent := queue[0]
		queue = queue[1:]
		accounts := organizations.NewListAccountsForParentPaginator(org, &organizations.ListAccountsForParentInput{ParentId: &parent})
		for accounts.HasMorePages() {
			page, err := accounts.NextPage(ctx)
			out.Calls++
			if err != nil {
				return out, fmt.Errorf("--ou %s: %w", parent, explainOrg(err))
			}
			add(page.Accounts)
		}
		children := organizations.NewListOrganizationalUnitsForParentPaginator(org, &organizations.ListOrganizationalUnitsForParentInput{ParentId: &parent})
		for children.HasMorePages() {
			page, err := children.NextPage(ctx)
			out.Calls++
			if err != nil {
				return out, fmt.Errorf("--ou %s: %w", parent, explainOrg(err))
			}
			for _, ou := range page.OrganizationalUnits {
				queue = append(queue, sdk.ToString(ou.Id))
			}
		}
	}
	slices.SortFunc(out.Accounts, func(a, b OrgAccount) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// active reports whether the account can be read: its State (or, before
// State existed, its Status) is ACTIVE.
func active(a types.Account) bool {
	if a.State != "" {
		return a.State == types.AccountStateActive
	}
	return a.Status == types.AccountStatusActive
}

// explainOrg says an Organizations error in words: not in an
// organisation, or not its management account or delegated administrator.
func explainOrg(err error) error {
	var notIn *types.AWSOrganizationsNotInUseException
	var denied *types.AccessDeniedException
	switch {
	case errors.As(err, &notIn):
		return errors.New("this account is in no organisation (organizations:DescribeOrganization): give the accounts with --accounts FILE instead")
	case errors.As(err, &denied):
		return fmt.Errorf("organizations: access denied: list the accounts from the management account or a delegated administrator, with organizations:DescribeOrganization, ListAccounts, ListAccountsForParent and ListOrganizationalUnitsForParent (%w)", err)
	}
	return explain(err, "")
}
