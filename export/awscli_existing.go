package export

import (
	"fmt"
	"strings"

	"github.com/sgwiz/sgwiz/model"
)

// Groups that exist already (an imported plan's, with an id) are not
// created: the script makes them the plan's by their id when it runs,
// since what they hold then is not known when it is written. It reads the
// group's rules once (describe-security-group-rules), then per direction
// sets the tags of the rules the plan keeps, revokes the rules it does not
// keep by their ids (temporary ones aside: sgwiz sweep's), adds the
// missing ones and sets the descriptions of the rest: the group ends as the
// plan says, as sgwiz apply leaves it, and running the script again
// changes nothing that matters.

// existingHelpers are the shell functions the script uses on existing
// groups; the script holds them only when the plan has such a group.
const existingHelpers = `
# Rules of an existing group, read by sgwiz_read GROUP-ID: have maps a
# rule's key (EGRESS|PROTOCOL|FROM|TO|PEER) to its id, have_tags a rule id
# to its tag keys (tab-separated).
declare -A have=() have_tags=()
sgwiz_read() {
  have=() have_tags=()
  local out key id keys
  out=$(aws ec2 describe-security-group-rules --filters "Name=group-id,Values=$1" --output text \
    --query 'SecurityGroupRules[].[join(` + "`\"|\"`" + `, [to_string(IsEgress), IpProtocol, to_string(FromPort), to_string(ToPort), CidrIpv4 || CidrIpv6 || PrefixListId || ReferencedGroupInfo.GroupId]), SecurityGroupRuleId, join(` + "`\"\\t\"`" + `, Tags[].Key || ` + "`[]`" + `)]')
  while IFS=$'\t' read -r key id keys; do
    [ -n "$key" ] || continue
    have[$key]=$id
    have_tags[$id]=$keys
  done <<<"$out"
}
# sgwiz_json_keys KEY...: the keys as delete-tags takes them, in JSON.
sgwiz_json_keys() {
  local k sep= out='['
  for k in "$@"; do
    k=${k//\\/\\\\}
    out+="$sep{\"Key\":\"${k//\"/\\\"}\"}"
    sep=,
  done
  printf '%s]' "$out"
}
# sgwiz_tags KEY WANT-KEY...: the rule of that key, if the group holds it,
# loses its tags but aws:… ones and the WANT-KEYs (collected in untag, one
# delete-tags per key later) and is counted in tagged (rule ids).
declare -A untag=()
tagged=()
sgwiz_tags() {
  local id=${have[$1]:-} k w keep
  [ -n "$id" ] || return 0
  tagged+=("$id")
  local -a held
  IFS=$'\t' read -r -a held <<<"${have_tags[$id]}"
  for k in "${held[@]}"; do
    [[ $k == aws:* ]] && continue
    keep=no
    for w in "${@:2}"; do [ "$k" = "$w" ] && keep=yes; done
    [ "$keep" = yes ] || untag[$k]+=" $id"
  done
}
# sgwiz_untag: removes the tags sgwiz_tags collected, one call per key.
sgwiz_untag() {
  local k
  for k in "${!untag[@]}"; do
    # shellcheck disable=SC2086 # the ids are words without blanks
    aws ec2 delete-tags --resources ${untag[$k]} --tags "$(sgwiz_json_keys "$k")"
  done
  untag=()
}
# sgwiz_revoke GROUP-ID ingress|egress KEY...: revokes the group's rules of
# the direction that are none of the KEYs, by id; temporary rules (tagged
# sgwiz:expires) are sgwiz sweep's and stay.
sgwiz_revoke() {
  local group=$1 direction=$2 egress=false key w keep
  [ "$direction" = egress ] && egress=true
  shift 2
  local -a ids=()
  for key in "${!have[@]}"; do
    [[ $key == "$egress|"* ]] || continue
    keep=no
    for w in "$@"; do [ "$key" = "$w" ] && keep=yes; done
    [[ $'\t'"${have_tags[${have[$key]}]}"$'\t' == *$'\tsgwiz:expires\t'* ]] && keep=yes
    [ "$keep" = yes ] || ids+=("${have[$key]}")
  done
  if [ "${#ids[@]}" -gt 0 ]; then
    aws ec2 "revoke-security-group-$direction" --group-id "$group" --security-group-rule-ids "${ids[@]}" --output text --query Return >/dev/null
  fi
}
# sgwiz_missing KEY PERMISSION: adds the permission (JSON) to missing when
# the group does not hold the rule, else to present.
missing=() present=()
sgwiz_missing() {
  if [ -n "${have[$1]:-}" ]; then present+=("$2"); else missing+=("$2"); fi
}
# sgwiz_send VERB GROUP-ID [OPTION...]: one call with the permissions of
# missing (authorize) or present (update the descriptions), if any.
sgwiz_send() {
  local verb=$1 group=$2 IFS=,
  shift 2
  local -a perms=("${missing[@]}")
  [[ $verb == update-* ]] && perms=("${present[@]}")
  if [ "${#perms[@]}" -gt 0 ]; then
    aws ec2 "$verb" --group-id "$group" --ip-permissions "[${perms[*]}]" "$@" --output text --query Return >/dev/null
  fi
}
`

// hasExisting reports whether the plan holds a group that exists already.
func hasExisting(p model.Plan) bool {
	for _, g := range p.Groups {
		if g.ID != "" {
			return true
		}
	}
	return false
}

// existingGroup names an existing group by its id and checks it: in the
// VPC, and with the plan's description (which AWS cannot change).
func (s *script) existingGroup(g model.Group, v string) {
	s.line("")
	s.line("# %s (%s): exists; the script makes it the plan's, by its id", comment(g.Name), g.ID)
	s.line("%s=%s", v, g.ID) // a validated sg-… id
	s.line(`sg=$(aws ec2 describe-security-groups --group-ids "$%s" --output text --query 'SecurityGroups[0].[VpcId, Description]')`, v)
	s.line(`IFS=$'\t' read -r sg_vpc sg_description <<<"$sg"`)
	s.line(`if [ "$sg_vpc" != "$VPC_ID" ]; then`)
	s.line(`  printf 'sgwiz: %%s (%%s) is in %%s, not in %%s: the groups of a plan share one VPC\n' %s "$%s" "$sg_vpc" "$VPC_ID" >&2`, s.quote(g.Name), v)
	s.line("  exit 1")
	s.line("fi")
	s.line(`if [ "$sg_description" != %s ]; then`, s.quote(g.Description))
	s.line(`  printf 'sgwiz: %%s keeps its description %%s: AWS cannot change a group'"'"'s description\n' %s "$sg_description" >&2`, s.quote(g.Name))
	s.line("fi")
	s.line(`printf 'existing %%s: %%s\n' %s "$%s"`, s.quote(g.Name), v)
}

// syncExisting makes an existing group's tags and rules the plan's.
func (s *script) syncExisting(p model.Plan, g model.Group, v string, vars map[string]string) {
	s.line("")
	s.line("# %s: its tags and rules become the plan's", comment(g.Name))
	tags := p.TagsOf(&g)
	if len(tags) > 0 {
		s.line(`aws ec2 create-tags --resources "$%s" --tags %s`, v, s.jsonWord(exportTags(tags)))
	}
	keys := make([]string, len(tags))
	for i, t := range tags {
		keys[i] = s.quote(t.Key)
	}
	s.line(`held=$(aws ec2 describe-tags --filters "Name=resource-id,Values=$%s" --output text --query 'Tags[].Key')`, v)
	s.line(`while IFS=$'\t' read -r -a group_keys; do`)
	s.line(`  for k in "${group_keys[@]}"; do`)
	s.line(`    case "$k" in aws:*%s) ;; *) aws ec2 delete-tags --resources "$%s" --tags "$(sgwiz_json_keys "$k")" ;; esac`, strings.Join(append([]string{""}, keys...), " | "), v)
	s.line("  done")
	s.line(`done <<<"$held"`)
	s.line(`sgwiz_read "$%s"`, v)
	for _, d := range []model.Direction{model.Ingress, model.Egress} {
		s.line("# %s rules", d.Title())
		// The tags of the rules the group holds, before their descriptions:
		// a rule made permanent loses its expiry tag (what sweep reads)
		// first.
		byTags := model.ByTags(g.Rules(d))
		for _, part := range byTags {
			s.line("tagged=()")
			for _, r := range part.Rules {
				args := []string{s.ruleKey(d, r, vars)}
				for _, t := range part.Tags.List() {
					args = append(args, s.quote(t.Key))
				}
				s.line("sgwiz_tags %s", strings.Join(args, " "))
			}
			if !part.Tags.IsZero() {
				s.line(`if [ "${#tagged[@]}" -gt 0 ]; then aws ec2 create-tags --resources "${tagged[@]}" --tags %s; fi`, s.jsonWord(exportTags(part.Tags.List())))
			}
		}
		s.line("sgwiz_untag")
		var want []string
		for _, r := range g.Rules(d) {
			want = append(want, s.ruleKey(d, r, vars))
		}
		s.line(`sgwiz_revoke "$%s" %s%s`, v, d, prefixed(" ", want))
		s.line("present=()")
		for _, part := range byTags {
			s.line("missing=()")
			for _, r := range part.Rules {
				s.line("sgwiz_missing %s %s", s.ruleKey(d, r, vars), s.jsonWord(s.permissions([]model.Rule{r}, vars)[0]))
			}
			send := fmt.Sprintf(`sgwiz_send authorize-security-group-%s "$%s"`, d, v)
			if !part.Tags.IsZero() {
				send += " --tag-specifications " + s.jsonWord([]tagSpec{{ResourceType: "security-group-rule", Tags: exportTags(part.Tags.List())}})
			}
			s.line("%s", s.untilExpiry(part, send))
		}
		s.line(`sgwiz_send update-security-group-rule-descriptions-%s "$%s"`, d, v)
	}
}

// ruleKey is the rule as sgwiz_read keys the rules it reads, in one shell
// word: EGRESS|PROTOCOL|FROM|TO|PEER, a group of the plan by its id.
func (s *script) ruleKey(d model.Direction, r model.Rule, vars map[string]string) string {
	peer := r.Peer.String()
	switch r.Peer.Kind() {
	case model.PeerGroup:
		peer = marker(vars[r.Peer.Ref()])
	case model.PeerGroupID, model.PeerPrefixList:
		peer = r.Peer.Ref()
	}
	return s.word(fmt.Sprintf("%t|%s|%d|%d|%s", d == model.Egress, r.Protocol.API(), r.Ports.From(), r.Ports.To(), peer))
}

// prefixed is each word after sep.
func prefixed(sep string, words []string) string {
	if len(words) == 0 {
		return ""
	}
	return sep + strings.Join(words, sep)
}
