package export

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sgwiz/sgwiz/model"
	"mvdan.cc/sh/v3/syntax"
)

// renderAWSCLI writes a bash script that creates the plan's groups with the
// aws CLI: one create-security-group per group (tags in the same call), then
// per group and direction the calls that turn AWS's new group into the
// plan's. Every value from the plan is inside JSON (the create call's
// --cli-input-json, --ip-permissions), which the aws CLI never reads as a
// file:// or http:// reference, and every JSON word is quoted with
// mvdan.cc/sh's syntax.Quote, so descriptions stay inert.
func renderAWSCLI(p model.Plan) ([]byte, error) {
	s := &script{}
	// Shell variables are SG_ and the group's identifier, unique by
	// construction; the script's own variables never start with SG_.
	vars := map[string]string{}
	for name, id := range identifiers(p, false) {
		vars[name] = "SG_" + strings.ToUpper(id)
	}
	s.line("#!/usr/bin/env bash")
	s.line("# Security groups for %s, made by sgwiz.", useCaseTitle(p))
	s.line("# Needs the aws CLI. AWS_PROFILE, AWS_REGION and AWS_ENDPOINT_URL work as")
	s.line("# they do for the aws CLI. VPC_ID chooses the VPC; without it the plan's VPC")
	s.line("# is used, else the account's default VPC. Prints the ids it created.")
	s.line("set -euo pipefail")
	s.line("")
	s.line("# aws CLI v1 reads the region only from AWS_DEFAULT_REGION.")
	s.line(`if [ -n "${AWS_REGION:-}" ] && [ -z "${AWS_DEFAULT_REGION:-}" ]; then`)
	s.line(`  export AWS_DEFAULT_REGION="$AWS_REGION"`)
	s.line("fi")
	s.line("")
	s.line(`VPC_ID="${VPC_ID:-%s}"`, p.VPC()) // a validated vpc-… id or empty
	s.line(`if [ -n "$VPC_ID" ]; then`)
	s.line(`  which_vpc=(--vpc-ids "$VPC_ID")`)
	s.line("else")
	s.line(`  which_vpc=(--filters Name=is-default,Values=true)`)
	s.line("fi")
	s.line("# The VPC, and whether it has IPv6: AWS then gives a new group an")
	s.line("# outbound rule to ::/0 besides the one to 0.0.0.0/0.")
	s.line(`vpc=$(aws ec2 describe-vpcs "${which_vpc[@]}" --output text \`)
	s.line("  --query 'Vpcs[0].[VpcId, Ipv6CidrBlockAssociationSet[?Ipv6CidrBlockState.State==`\"associated\"`].Ipv6CidrBlock | [0]]')")
	s.line(`read -r VPC_ID vpc_ipv6 <<<"$vpc"`)
	s.line(`if [ -z "$VPC_ID" ] || [ "$VPC_ID" = None ]; then`)
	s.line(`  echo "sgwiz: this region has no default VPC: set VPC_ID=vpc-... and run again" >&2`)
	s.line("  exit 1")
	s.line("fi")
	s.line(`if [ -n "$vpc_ipv6" ] && [ "$vpc_ipv6" != None ]; then VPC_IPV6=yes; else VPC_IPV6=no; fi`)
	s.line("")
	s.line("created=()")
	s.line("report_failure() {")
	s.line("  local status=$?")
	s.line(`  if [ "$status" -ne 0 ] && [ "${#created[@]}" -gt 0 ]; then`)
	s.line(`    echo "sgwiz: stopped with an error; this run created: ${created[*]}" >&2`)
	s.line(`    echo "sgwiz: fix the cause and add the missing rules, or remove the groups (revoke rules that reference them first):" >&2`)
	s.line(`    for id in "${created[@]}"; do echo "  aws ec2 delete-security-group --group-id $id" >&2; done`)
	s.line("  fi")
	s.line("}")
	s.line("trap report_failure EXIT")
	if hasExisting(p) {
		s.b.WriteString(existingHelpers)
		s.readExisting(p, vars)
	}
	for _, g := range p.Groups {
		if g.ID != "" {
			continue
		}
		s.line("")
		s.line("# %s", comment(g.Name))
		input := createInput{GroupName: g.Name, Description: g.Description, VpcId: marker("VPC_ID")}
		if tags := p.TagsOf(&g); len(tags) > 0 {
			input.TagSpecifications = []tagSpec{{ResourceType: "security-group", Tags: exportTags(tags)}}
		}
		s.line("%s=$(aws ec2 create-security-group --query GroupId --output text \\\n  --cli-input-json %s)", vars[g.Name], s.jsonWord(input))
		s.line(`created+=("$%s")`, vars[g.Name])
		s.line(`printf 'created %%s: %%s\n' %s "$%s"`, s.quote(g.Name), vars[g.Name])
	}
	for _, g := range p.Groups {
		v := vars[g.Name]
		if g.ID != "" {
			s.syncExisting(p, g, v, vars)
			continue
		}
		if len(g.Ingress) > 0 {
			s.line("")
			s.line("# %s: inbound rules", comment(g.Name))
			s.line("%s", s.call("authorize-security-group-ingress", v, g.Ingress, vars))
		}
		s.egress(g, v, vars)
	}
	s.line("")
	s.line("trap - EXIT")
	s.line(`echo "done: the security groups are ready"`)
	for _, g := range p.Groups {
		s.line(`printf '%%s\t%%s\n' %s "$%s"`, s.quote(g.Name), vars[g.Name])
	}
	s.line(`echo "use them (or sgwiz attach GROUP --instance i-... on a running instance):"`)
	for _, g := range p.Groups {
		s.line(`printf %s "$%s"`, s.quote("  "+cliUse(g)+`\n`), vars[g.Name])
	}
	if s.err != nil {
		return nil, s.err
	}
	return []byte(s.b.String()), nil
}

// createInput is create-security-group's --cli-input-json.
type createInput struct {
	GroupName, Description, VpcId string
	TagSpecifications             []tagSpec `json:",omitempty"`
}

type tagSpec struct {
	ResourceType string
	Tags         []Tag
}

// comment makes a name safe in a # comment: one line.
func comment(s string) string { return strings.NewReplacer("\n", " ", "\r", " ").Replace(s) }

// egress turns the outbound rules AWS gives a new group into the plan's.
// The rules AWS made and the plan keeps are described (not revoked and
// added again); those it made and the plan does not keep are revoked; the
// rest are added. Whether AWS made the ::/0 rule depends on the VPC, so
// the script decides that part when it runs.
func (s *script) egress(g model.Group, v string, vars map[string]string) {
	calls := func(ipv6 bool) []string {
		var revoke, describe, add []model.Rule
		made := model.NewGroupEgress(ipv6)
		for _, r := range made {
			want, ok := findRule(g.Egress, r.Key())
			switch {
			case !ok:
				revoke = append(revoke, r)
			case !want.AWSTags().IsZero():
				// Tags are set by the call that makes a rule: AWS's own
				// goes, and the plan's is added, tagged.
				revoke = append(revoke, r)
			case want.Description != "":
				describe = append(describe, want)
			}
		}
		var again []model.Rule // AWS made its key, the plan adds it tagged
		for _, r := range g.Egress {
			if _, ok := findRule(made, r.Key()); !ok {
				add = append(add, r)
			} else if !r.AWSTags().IsZero() {
				again = append(again, r)
			}
		}
		// As apply orders them: added first, then removed (the group is
		// never without the rule that replaces AWS's), then what takes
		// the key of a removed rule, then descriptions. Where adding
		// first would pass the rules quota, apply removes first when AWS
		// refuses; the script knows the count and does so at once.
		first, then := s.call("authorize-security-group-egress", v, add, vars), s.call("revoke-security-group-egress", v, revoke, vars)
		if len(made)+len(add) > model.MaxRulesPerDirection {
			first, then = then, first
		}
		return []string{first, then,
			s.call("authorize-security-group-egress", v, again, vars),
			s.call("update-security-group-rule-descriptions-egress", v, describe, vars),
		}
	}
	with, without := calls(true), calls(false)
	s.line("")
	s.line("# %s: outbound rules", comment(g.Name))
	// The calls both kinds of VPC make alike stand outside the if.
	same := 0
	for same < len(with) && with[same] == without[same] {
		same++
	}
	end := len(with)
	for end > same && with[end-1] == without[end-1] {
		end--
	}
	write := func(calls []string, indent string) {
		for _, c := range calls {
			if c != "" {
				s.b.WriteString(indent + strings.ReplaceAll(c, "\n  ", "\n"+indent+"  ") + "\n")
			}
		}
	}
	write(with[:same], "")
	if same < end {
		s.line(`if [ "$VPC_IPV6" = yes ]; then`)
		write(with[same:end], "  ")
		if strings.Join(without[same:end], "") != "" {
			s.line("else")
			write(without[same:end], "  ")
		}
		s.line("fi")
	}
	write(with[end:], "")
}

// call is one aws ec2 call on a group's rules, or "" when there are none.
//
// An authorize adds rules with tags (a temporary rule's expiry is one) in
// calls of their own, one per set of tags, tagged by the call itself so
// that a rule never exists without its tags (and sgwiz sweep finds the
// temporary ones).
func (s *script) call(verb, v string, rules []model.Rule, vars map[string]string) string {
	if len(rules) == 0 {
		return ""
	}
	one := func(rules []model.Rule, tags string) string {
		return fmt.Sprintf("aws ec2 %s --group-id \"$%s\" --output text --query Return \\\n  --ip-permissions %s%s >/dev/null", verb, v, s.jsonWord(s.permissions(rules, vars)), tags)
	}
	if !strings.HasPrefix(verb, "authorize") {
		return one(rules, "")
	}
	var calls []string
	for _, part := range model.ByTags(rules) {
		tags := ""
		if !part.Tags.IsZero() {
			tags = " \\\n  --tag-specifications " + s.jsonWord([]tagSpec{{ResourceType: "security-group-rule", Tags: exportTags(part.Tags.List())}})
		}
		calls = append(calls, s.untilExpiry(part, one(part.Rules, tags)))
	}
	return strings.Join(calls, "\n")
}

// permissions are the rules as --ip-permissions takes them, a group of
// the plan by its shell variable.
func (s *script) permissions(rules []model.Rule, vars map[string]string) []IpPermission {
	return Permissions(rules, func(name string) UserIdGroupPair { return UserIdGroupPair{GroupId: marker(vars[name])} })
}

// untilExpiry runs cmd, the call that adds a part's rules, only before
// their expiry when they are temporary: the script may run long after it
// was written, and sweep would revoke a rule whose time is over at once.
func (s *script) untilExpiry(part model.TagPart, cmd string) string {
	if part.Expires == "" {
		return cmd
	}
	return fmt.Sprintf("# until %[1]s, then sgwiz sweep revokes it\n"+
		"if [[ \"$(date -u +%%Y-%%m-%%dT%%H:%%M:%%SZ)\" < %[1]s ]]; then\n  %[2]s\nelse\n  echo \"sgwiz: left out %[3]d rule(s) that expired at %[1]s\" >&2\nfi",
		part.Expires, strings.ReplaceAll(cmd, "\n", "\n  "), len(part.Rules))
}

// findRule returns the rule of rules with key k.
func findRule(rules []model.Rule, k model.RuleKey) (model.Rule, bool) {
	for _, r := range rules {
		if r.Key() == k {
			return r, true
		}
	}
	return model.Rule{}, false
}

// script builds the text and keeps the first quoting error.
type script struct {
	b   strings.Builder
	err error
}

func (s *script) line(format string, args ...any) {
	fmt.Fprintf(&s.b, format, args...)
	s.b.WriteByte('\n')
}

func (s *script) quote(v string) string {
	q, err := syntax.Quote(v, syntax.LangBash)
	if err != nil && s.err == nil {
		s.err = fmt.Errorf("cannot quote %q for bash: %w", v, err)
	}
	return q
}

// varMarker brackets a shell variable's name in JSON text until it is cut
// into shell words; it cannot occur in JSON sgwiz writes (NUL is escaped
// there as \u0000).
const varMarker = "\x00"

// marker stands for the value of shell variable name in JSON.
func marker(name string) string { return varMarker + name + varMarker }

// jsonWord is v as compact JSON in one shell word: quoted literal text,
// with "$VAR" where v holds a marker.
func (s *script) jsonWord(v any) string {
	js, err := compactJSON(v)
	if err != nil {
		s.err = err
		return ""
	}
	// JSON escapes NUL as \u0000, so find the marker's escaped form.
	return s.words(strings.Split(js, `\u0000`))
}

// word is text in one shell word: quoted literal text, with "$VAR" where
// text holds a marker.
func (s *script) word(text string) string { return s.words(strings.Split(text, varMarker)) }

// words is one shell word of parts: literal text, and at odd indices the
// names of shell variables.
func (s *script) words(parts []string) string {
	var w strings.Builder
	for i, part := range parts {
		if i%2 == 1 {
			w.WriteString(`"$` + part + `"`)
			continue
		}
		if part != "" {
			w.WriteString(s.quote(part))
		}
	}
	return w.String()
}

// compactJSON is v as one line of JSON, for a command-line argument.
func compactJSON(v any) (string, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}
