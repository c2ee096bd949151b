package model

import (
	"fmt"
	"strings"
)

// Groups on a network interface: EC2 replaces an interface's whole set of
// groups at once, within two limits checked here before any call.

// Groups per network interface: AWS's default quota, and the most Service
// Quotas raises it to.
const (
	DefaultGroupsPerInterface = 5
	MaxGroupsPerInterface     = 16
)

// InterfaceRules counts the rules of the groups on one interface in one
// direction, as AWS's per-interface limit does: each group by its larger
// IP-version count, prefix lists by their weight.
func InterfaceRules(groups []Group, d Direction) int {
	p := Plan{Groups: groups}
	total := 0
	for i := range groups {
		v4, v6 := p.QuotaCount(groups[i].Rules(d))
		total += max(v4, v6)
	}
	return total
}

// CheckInterface says in words why an interface cannot carry these
// groups: more than quota groups, or more than MaxRulesPerInterface rules
// in a direction. nil when it can.
func CheckInterface(iface string, groups []Group, quota int) error {
	if quota <= 0 {
		quota = DefaultGroupsPerInterface
	}
	names := make([]string, len(groups))
	for i, g := range groups {
		names[i] = g.ID
	}
	if len(groups) > quota {
		return &wordedError{fmt.Sprintf("%s would carry %d groups (%s); the account allows %d per interface (Service Quotas raises it up to %d): detach one, or replace one with {%s}",
			iface, len(groups), strings.Join(names, ", "), quota, MaxGroupsPerInterface, RefReplace)}
	}
	if len(groups) == 0 {
		return fmt.Errorf("%s would carry no group: an interface keeps at least one; attach another before detaching this one", iface)
	}
	for _, d := range []Direction{Ingress, Egress} {
		if n := InterfaceRules(groups, d); n > MaxRulesPerInterface {
			return fmt.Errorf("%s would carry %d %s rules in its groups together; AWS allows %d per interface: merge rules into prefix lists, or use fewer groups",
				iface, n, strings.ToLower(d.Title()), MaxRulesPerInterface)
		}
	}
	return nil
}
