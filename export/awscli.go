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
// one authorize call per group and direction. Every value from the plan is
// quoted with mvdan.cc/sh's syntax.Quote, so descriptions stay inert.
func renderAWSCLI(p model.Plan) ([]byte, error) {
	s := &script{}
	vars := map[string]string{}
	for _, g := range p.Groups {
		vars[g.Name] = strings.ToUpper(identifier(g.Name, false)) + "_ID"
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
	s.line(`if [ -z "$VPC_ID" ]; then`)
	s.line(`  VPC_ID=$(aws ec2 describe-vpcs --filters Name=is-default,Values=true --query 'Vpcs[0].VpcId' --output text)`)
	s.line(`  if [ -z "$VPC_ID" ] || [ "$VPC_ID" = None ]; then`)
	s.line(`    echo "sgwiz: this region has no default VPC: set VPC_ID=vpc-... and run again" >&2`)
	s.line("    exit 1")
	s.line("  fi")
	s.line("fi")
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
	s.line("")
	s.line("# has_default_egress GROUP_ID CIDR: is AWS's allow-all egress rule to CIDR there?")
	s.line("has_default_egress() {")
	s.line("  aws ec2 describe-security-groups --group-ids \"$1\" --query 'SecurityGroups[0].IpPermissionsEgress[?IpProtocol==`-1`]' --output json | grep -qF \"\\\"$2\\\"\"")
	s.line("}")
	for _, g := range p.Groups {
		s.line("")
		s.line("# %s", g.Name)
		args := []string{"aws ec2 create-security-group",
			"--group-name " + s.quote(g.Name),
			"--description " + s.quote(g.Description),
			`--vpc-id "$VPC_ID"`}
		if len(g.Tags) > 0 {
			tags := make([]Tag, len(g.Tags))
			for i, t := range g.Tags {
				tags[i] = Tag{t.Key, t.Value}
			}
			spec, err := compactJSON([]map[string]any{{"ResourceType": "security-group", "Tags": tags}})
			if err != nil {
				return nil, err
			}
			args = append(args, "--tag-specifications "+s.quote(spec))
		}
		args = append(args, "--query GroupId --output text")
		s.line("%s=$(%s)", vars[g.Name], strings.Join(args, " \\\n  "))
		s.line(`created+=("$%s")`, vars[g.Name])
		s.line(`printf 'created %%s: %%s\n' %s "$%s"`, s.quote(g.Name), vars[g.Name])
	}
	for _, g := range p.Groups {
		v := vars[g.Name]
		if len(g.Ingress) > 0 {
			s.line("")
			s.line("aws ec2 authorize-security-group-ingress --group-id \"$%s\" --output text --query Return \\\n  --ip-permissions %s >/dev/null", v, s.permissions(g.Ingress, vars))
		}
		s.egress(g, v, vars)
	}
	s.line("")
	s.line("trap - EXIT")
	s.line(`echo "done: the security groups are ready"`)
	for _, g := range p.Groups {
		s.line(`printf '%%s\t%%s\n' %s "$%s"`, s.quote(g.Name), vars[g.Name])
	}
	if s.err != nil {
		return nil, s.err
	}
	return []byte(s.b.String()), nil
}

// What EC2 gives a new group: the script keeps or revokes each.
var (
	defaultV4 = model.NewGroupEgress(true)[0]
	defaultV6 = model.NewGroupEgress(true)[1]
)

// findRule returns the rule of rules with key k.
func findRule(rules []model.Rule, k model.RuleKey) (model.Rule, bool) {
	for _, r := range rules {
		if r.Key() == k {
			return r, true
		}
	}
	return model.Rule{}, false
}

// egress turns AWS's default egress into the plan's: a new group has
// all traffic to 0.0.0.0/0, and to ::/0 in an IPv6 VPC.
func (s *script) egress(g model.Group, v string, vars map[string]string) {
	_, keepV4 := findRule(g.Egress, defaultV4.Key())
	v6, wantV6 := findRule(g.Egress, defaultV6.Key())
	var rest []model.Rule
	for _, r := range g.Egress {
		if r.Key() != defaultV4.Key() && r.Key() != defaultV6.Key() {
			rest = append(rest, r)
		}
	}
	s.line("")
	s.line("# %s: outbound rules", g.Name)
	if !keepV4 {
		s.line("aws ec2 revoke-security-group-egress --group-id \"$%s\" --output text --query Return \\\n  --ip-permissions %s >/dev/null", v, s.permissions([]model.Rule{defaultV4}, vars))
	}
	if !wantV6 {
		s.line("if has_default_egress \"$%s\" ::/0; then", v)
		s.line("  aws ec2 revoke-security-group-egress --group-id \"$%s\" --output text --query Return \\\n    --ip-permissions %s >/dev/null", v, s.permissions([]model.Rule{defaultV6}, vars))
		s.line("fi")
	}
	if wantV6 {
		with := append(append([]model.Rule(nil), rest...), v6)
		s.line("EGRESS=%s", s.permissions(with, vars))
		if len(rest) > 0 {
			s.line("if has_default_egress \"$%s\" ::/0; then", v)
			s.line("  EGRESS=%s", s.permissions(rest, vars))
			s.line("fi")
			s.line("aws ec2 authorize-security-group-egress --group-id \"$%s\" --output text --query Return --ip-permissions \"$EGRESS\" >/dev/null", v)
		} else {
			s.line("if ! has_default_egress \"$%s\" ::/0; then", v)
			s.line("  aws ec2 authorize-security-group-egress --group-id \"$%s\" --output text --query Return --ip-permissions \"$EGRESS\" >/dev/null", v)
			s.line("fi")
		}
		return
	}
	if len(rest) > 0 {
		s.line("aws ec2 authorize-security-group-egress --group-id \"$%s\" --output text --query Return \\\n  --ip-permissions %s >/dev/null", v, s.permissions(rest, vars))
	}
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

// groupMarker stands for a group id in the JSON until it is cut into shell
// words; it cannot occur in JSON text sgwiz writes (NUL is escaped there).
const groupMarker = "\x00"

// permissions is the --ip-permissions JSON as one shell word: quoted
// literal text, with "$VAR" where a rule names another group of the plan.
func (s *script) permissions(rules []model.Rule, vars map[string]string) string {
	perms := Permissions(rules, func(name string) UserIdGroupPair {
		return UserIdGroupPair{GroupId: groupMarker + vars[name] + groupMarker}
	})
	js, err := compactJSON(perms)
	if err != nil {
		s.err = err
		return ""
	}
	// JSON escapes NUL as \u0000, so find the marker's escaped form.
	parts := strings.Split(js, `\u0000`)
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
