package awstest

import (
	"encoding/xml"
	"fmt"
	"strings"
)

// Rules one at a time, as DescribeSecurityGroupRules and the calls that
// name rules by id see them, with their tags.

// ruleTags reads the tags a call gives new rules (TagSpecification with
// the resource type security-group-rule).
func ruleTags(f form) ([][2]string, *apiError) {
	var tags [][2]string
	for i := 1; i <= f.count("TagSpecification"); i++ {
		p := fmt.Sprintf("TagSpecification.%d", i)
		if t := f.get(p + ".ResourceType"); t != "security-group-rule" {
			return nil, fail("InvalidParameterValue", "'%s' is not a valid taggable resource type for this operation.", t)
		}
		for j := 1; j <= f.count(p+".Tag"); j++ {
			q := fmt.Sprintf("%s.Tag.%d", p, j)
			k := f.get(q + ".Key")
			if k == "" || strings.HasPrefix(strings.ToLower(k), "aws:") {
				return nil, fail("InvalidParameterValue", "Tag key %q is empty or reserved", k)
			}
			tags = append(tags, [2]string{k, f.get(q + ".Value")})
		}
	}
	return tags, nil
}

// ruleByID finds a rule of any group.
func (h *Handler) ruleByID(id string) *rule {
	for _, g := range h.groups {
		for dir := range g.rules {
			for i := range g.rules[dir] {
				if g.rules[dir][i].id == id {
					return &g.rules[dir][i]
				}
			}
		}
	}
	return nil
}

// revokeByID removes rules named by id, all or none: an id that is not a
// rule of the group in this direction refuses the call, as EC2 does.
func (h *Handler) revokeByID(f form, dir int) (any, *apiError) {
	g, err := h.group(f.get("GroupId"))
	if err != nil {
		return nil, err
	}
	ids := f.list("SecurityGroupRuleId")
	for _, id := range ids {
		found := false
		for _, r := range g.rules[dir] {
			found = found || r.id == id
		}
		if !found {
			return nil, fail("InvalidSecurityGroupRuleId.NotFound", "The security group rule ID '%s' does not exist", id)
		}
	}
	kept := g.rules[dir][:0]
	for _, r := range g.rules[dir] {
		if !contains(ids, r.id) {
			kept = append(kept, r)
		}
	}
	g.rules[dir] = kept
	return revokeResponse{XMLName: xml.Name{Local: [2]string{"RevokeSecurityGroupIngressResponse", "RevokeSecurityGroupEgressResponse"}[dir]}, RequestID: newID(""), Return: true}, nil
}

type xmlReferencedGroup struct {
	GroupID string `xml:"groupId"`
	UserID  string `xml:"userId"`
}

type xmlGroupRule struct {
	ID          string              `xml:"securityGroupRuleId"`
	GroupID     string              `xml:"groupId"`
	OwnerID     string              `xml:"groupOwnerId"`
	IsEgress    bool                `xml:"isEgress"`
	Protocol    string              `xml:"ipProtocol"`
	From        int                 `xml:"fromPort"`
	To          int                 `xml:"toPort"`
	CidrIPv4    string              `xml:"cidrIpv4,omitempty"`
	CidrIPv6    string              `xml:"cidrIpv6,omitempty"`
	PrefixList  string              `xml:"prefixListId,omitempty"`
	Referenced  *xmlReferencedGroup `xml:"referencedGroupInfo,omitempty"`
	Description string              `xml:"description,omitempty"`
	Tags        []xmlTag            `xml:"tagSet>item"`
}

type describeGroupRulesResponse struct {
	XMLName   xml.Name       `xml:"DescribeSecurityGroupRulesResponse"`
	RequestID string         `xml:"requestId"`
	Rules     []xmlGroupRule `xml:"securityGroupRuleSet>item"`
	NextToken string         `xml:"nextToken,omitempty"`
}

// describeSecurityGroupRules answers by rule id and the group-id,
// tag-key and tag:KEY filters, in pages.
func (h *Handler) describeSecurityGroupRules(f form) (any, *apiError) {
	ids := f.list("SecurityGroupRuleId")
	filters := f.filters()
	var all []xmlGroupRule
	for _, gid := range h.order {
		g, ok := h.groups[gid]
		if !ok || (filters["group-id"] != nil && !contains(filters["group-id"], gid)) {
			continue
		}
		for dir := range g.rules {
			for _, r := range g.rules[dir] {
				if len(ids) > 0 && !contains(ids, r.id) || !tagsMatch(r.tags, filters) {
					continue
				}
				x := xmlGroupRule{ID: r.id, GroupID: g.id, OwnerID: Account, IsEgress: dir == 1, Protocol: r.key.proto,
					From: r.key.from, To: r.key.to, Description: r.description}
				switch r.key.kind {
				case "cidr4":
					x.CidrIPv4 = r.key.peer
				case "cidr6":
					x.CidrIPv6 = r.key.peer
				case "pl":
					x.PrefixList = r.key.peer
				case "group":
					x.Referenced = &xmlReferencedGroup{GroupID: r.key.peer, UserID: Account}
				}
				for _, t := range r.tags {
					x.Tags = append(x.Tags, xmlTag{Key: t[0], Value: t[1]})
				}
				all = append(all, x)
			}
		}
	}
	start, end, next := page(f, len(all))
	return describeGroupRulesResponse{RequestID: newID(""), Rules: all[start:end], NextToken: next}, nil
}

// tagsMatch applies the tag-key and tag:KEY filters.
func tagsMatch(tags [][2]string, filters map[string][]string) bool {
	for name, values := range filters {
		key, isTag := strings.CutPrefix(name, "tag:")
		switch {
		case name == "tag-key":
			ok := false
			for _, t := range tags {
				ok = ok || contains(values, t[0])
			}
			if !ok {
				return false
			}
		case isTag:
			ok := false
			for _, t := range tags {
				ok = ok || (t[0] == key && contains(values, t[1]))
			}
			if !ok {
				return false
			}
		}
	}
	return true
}
