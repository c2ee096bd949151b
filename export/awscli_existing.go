package export

import (
	"fmt"
	"strings"

	"github.com/sgwiz/sgwiz/model"
)

// Groups that exist already (an imported plan's, with an id) are not
// created: the script makes them the plan's by their id when it runs,
// since what they hold then is not known when it is written. It reads each
// group and its rules once, then per direction sets the tags of the rules
// it keeps that differ, revokes the rules the plan does not keep by their
// ids (temporary ones aside: sgwiz sweep's), adds the missing ones and
// sets the descriptions that differ: the group ends as the plan says, as
// sgwiz apply leaves it, and a second run makes no change call at all.

// existingHelpers are the shell functions the script uses on existing
// groups; the script holds them only when the plan has such a group.
//
// A group's or rule's tags are compared as one text, their signature:
// KEY US VALUE, sorted by key, joined by GS (the ASCII unit and group
// separators, which no tag holds), as the aws CLI's JMESPath writes it
// and sigOf below.
const existingHelpers = `
# The existing groups and their rules, read once by sgwiz_read GROUP-ID...
# before any change: group_vpc, group_desc and group_tags map a group id to
# its VPC, description and tags' signature; have maps a rule's key
# (GROUP|EGRESS|PROTOCOL|FROM|TO|PEER) to its id, have_desc and have_tags a
# rule id to its description and its tags' signature.
declare -A group_vpc=() group_desc=() group_tags=() have=() have_desc=() have_tags=()
sgwiz_read() {
  local out rec id vpc desc tags key
  local -a records=()
  out=$(aws ec2 describe-security-groups --group-ids "$@" --output text \
    --query 'SecurityGroups[].join(` + "`\"\\u001e\"`" + `, [GroupId, VpcId, Description, ` + tagSignature + `])')
  IFS=$'\t\n' read -r -d '' -a records <<<"$out" || true
  for rec in "${records[@]}"; do
    IFS=$'\x1e' read -r id vpc desc tags <<<"$rec"
    group_vpc[$id]=$vpc
    group_desc[$id]=$desc
    group_tags[$id]=$tags
  done
  local IFS=,
  out=$(aws ec2 describe-security-group-rules --filters "Name=group-id,Values=$*" --output text \
    --query 'SecurityGroupRules[].join(` + "`\"\\u001e\"`" + `, [join(` + "`\"|\"`" + `, [GroupId, to_string(IsEgress), IpProtocol, to_string(FromPort), to_string(ToPort), CidrIpv4 || CidrIpv6 || PrefixListId || ReferencedGroupInfo.GroupId]), SecurityGroupRuleId, Description || ` + "`\"\"`" + `, ` + tagSignature + `])')
  IFS=$'\t\n' read -r -d '' -a records <<<"$out" || true
  for rec in "${records[@]}"; do
    IFS=$'\x1e' read -r key id desc tags <<<"$rec"
    have[$key]=$id
    have_desc[$id]=$desc
    have_tags[$id]=$tags
  done
}
# sgwiz_keys SIGNATURE: the keys of a tag signature, a line each.
sgwiz_keys() {
  local -a tags=()
  local tag
  IFS=$'\x1d' read -r -a tags <<<"$1"
  for tag in "${tags[@]}"; do printf '%s\n' "${tag%%$'\x1f'*}"; done
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
# sgwiz_untag RESOURCE HELD WANTED: removes the tags of HELD (a signature)
# whose keys are not in WANTED, but AWS's own (aws:...), in one call.
sgwiz_untag() {
  local k
  local -a drop=()
  while IFS= read -r k; do
    [ -n "$k" ] || continue
    [[ $k == aws:* ]] && continue
    [[ $'\x1d'"$3" == *$'\x1d'"$k"$'\x1f'* ]] && continue
    drop+=("$k")
  done < <(sgwiz_keys "$2")
  if [ "${#drop[@]}" -gt 0 ]; then
    aws ec2 delete-tags --resources "$1" --tags "$(sgwiz_json_keys "${drop[@]}")"
  fi
}
# sgwiz_tags KEY SIGNATURE: the rule of that key, if the group holds it
# with other tags, loses those the plan does not give it (at once) and is
# added to tagged (rule ids), which gain the plan's tags in one call.
tagged=()
sgwiz_tags() {
  local id=${have[$1]:-}
  [ -n "$id" ] && [ "${have_tags[$id]}" != "$2" ] || return 0
  sgwiz_untag "$id" "${have_tags[$id]}" "$2"
  tagged+=("$id")
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
    [[ $key == "$group|$egress|"* ]] || continue
    keep=no
    for w in "$@"; do [ "$key" = "$w" ] && keep=yes; done
    [[ $'\x1d'"${have_tags[${have[$key]}]}" == *$'\x1d'sgwiz:expires$'\x1f'* ]] && keep=yes
    [ "$keep" = yes ] || ids+=("${have[$key]}")
  done
  revoked=${#ids[@]}
  if [ "${#ids[@]}" -gt 0 ]; then
    aws ec2 "revoke-security-group-$direction" --group-id "$group" --security-group-rule-ids "${ids[@]}" --output text --query Return >/dev/null
  fi
}
# sgwiz_missing KEY DESCRIPTION PERMISSION: adds the permission (JSON) to
# missing when the group does not hold the rule, to described when it
# holds it with another description.
missing=() described=()
sgwiz_missing() {
  local id=${have[$1]:-}
  if [ -z "$id" ]; then
    missing+=("$3")
  elif [ "${have_desc[$id]}" != "$2" ]; then
    described+=("$3")
  fi
}
# sgwiz_revoke_pending: the removal pending holds (sgwiz_revoke's
# arguments), once; revoked says how many rules it removed.
pending=() revoked=0
sgwiz_revoke_pending() {
  revoked=0
  if [ "${#pending[@]}" -gt 0 ]; then
    sgwiz_revoke "${pending[@]}"
    pending=()
  fi
}
# sgwiz_send VERB GROUP-ID [OPTION...]: one call with the permissions of
# missing (authorize) or described (update the descriptions), if any. An
# authorize refused at the group's rules quota removes what is pending
# first and is sent again, as sgwiz apply does.
sgwiz_send() {
  local verb=$1 group=$2 IFS=, err
  shift 2
  local -a perms=("${missing[@]}")
  [[ $verb == update-* ]] && perms=("${described[@]}")
  [ "${#perms[@]}" -gt 0 ] || return 0
  if ! err=$(aws ec2 "$verb" --group-id "$group" --ip-permissions "[${perms[*]}]" "$@" --output text --query Return 2>&1 >/dev/null); then
    revoked=0
    if [[ $verb == authorize-* && $err == *RulesPerSecurityGroupLimitExceeded* ]]; then
      sgwiz_revoke_pending
    fi
    if [ "$revoked" -eq 0 ]; then
      printf '%s\n' "$err" >&2
      return 1
    fi
    echo "sgwiz: $group was at its rules quota: removed the $revoked rule(s) the plan no longer holds before adding" >&2
    aws ec2 "$verb" --group-id "$group" --ip-permissions "[${perms[*]}]" "$@" --output text --query Return >/dev/null
  fi
}
`

// tagSignature is the JMESPath of a resource's tags as one text: KEY US
// VALUE, sorted by key, joined by GS.
const tagSignature = "join(`\"\\u001d\"`, sort_by(Tags || `[]`, &Key)[].join(`\"\\u001f\"`, [Key, Value]))"

// sigOf is the signature of tags, as tagSignature writes it.
func sigOf(tags []model.Tag) string {
	parts := make([]string, 0, len(tags))
	for _, t := range model.NewTags(tags...).List() {
		parts = append(parts, t.Key+"\x1f"+t.Value)
	}
	return strings.Join(parts, "\x1d")
}

// hasExisting reports whether the plan holds a group that exists already.
func hasExisting(p model.Plan) bool {
	for _, g := range p.Groups {
		if g.ID != "" {
			return true
		}
	}
	return false
}

// readExisting reads the plan's existing groups and their rules, in two
// calls whatever their number, and checks each: in the VPC, and with the
// plan's description (which AWS cannot change).
func (s *script) readExisting(p model.Plan, vars map[string]string) {
	var ids []string
	for _, g := range p.Groups {
		if g.ID != "" {
			ids = append(ids, "\"$"+vars[g.Name]+"\"")
		}
	}
	s.line("")
	s.line("# The groups that exist: the script makes them the plan's, by their ids.")
	for _, g := range p.Groups {
		if g.ID != "" {
			s.line("%s=%s # %s", vars[g.Name], g.ID, comment(g.Name)) // a validated sg-… id
		}
	}
	s.line("sgwiz_read %s", strings.Join(ids, " "))
	for _, g := range p.Groups {
		if g.ID == "" {
			continue
		}
		v := vars[g.Name]
		s.line(`if [ "${group_vpc[$%s]}" != "$VPC_ID" ]; then`, v)
		s.line(`  printf 'sgwiz: %%s (%%s) is in %%s, not in %%s: the groups of a plan share one VPC\n' %s "$%s" "${group_vpc[$%s]}" "$VPC_ID" >&2`, s.quote(g.Name), v, v)
		s.line("  exit 1")
		s.line("fi")
		s.line(`if [ "${group_desc[$%s]}" != %s ]; then`, v, s.quote(g.Description))
		s.line(`  printf 'sgwiz: %%s keeps its description %%s: AWS cannot change a group'"'"'s description\n' %s "${group_desc[$%s]}" >&2`, s.quote(g.Name), v)
		s.line("fi")
		s.line(`printf 'existing %%s: %%s\n' %s "$%s"`, s.quote(g.Name), v)
	}
}

// syncExisting makes an existing group's tags and rules the plan's.
func (s *script) syncExisting(p model.Plan, g model.Group, v string, vars map[string]string) {
	s.line("")
	s.line("# %s: its tags and rules become the plan's", comment(g.Name))
	tags := p.TagsOf(&g)
	sig := s.quote(sigOf(tags))
	if len(tags) == 0 {
		sig = "''"
	}
	s.line(`if [ "${group_tags[$%s]}" != %s ]; then`, v, sig)
	s.line(`  sgwiz_untag "$%s" "${group_tags[$%s]}" %s`, v, v, sig)
	if len(tags) > 0 {
		s.line(`  aws ec2 create-tags --resources "$%s" --tags %s`, v, s.jsonWord(exportTags(tags)))
	}
	s.line("fi")
	for _, d := range []model.Direction{model.Ingress, model.Egress} {
		s.line("# %s rules", d.Title())
		// The tags of the rules the group holds, before their descriptions:
		// a rule made permanent loses its expiry tag (what sweep reads)
		// first.
		byTags := model.ByTags(g.Rules(d))
		for _, part := range byTags {
			s.line("tagged=()")
			sig := "''"
			if !part.Tags.IsZero() {
				sig = s.quote(sigOf(part.Tags.List()))
			}
			for _, r := range part.Rules {
				s.line("sgwiz_tags %s %s", s.ruleKey(v, d, r, vars), sig)
			}
			if !part.Tags.IsZero() {
				s.line(`if [ "${#tagged[@]}" -gt 0 ]; then aws ec2 create-tags --resources "${tagged[@]}" --tags %s; fi`, s.jsonWord(exportTags(part.Tags.List())))
			}
		}
		// Added first, then removed: an update (SSH from a new address)
		// never leaves a moment with neither rule. The removal waits in
		// pending; sgwiz_send does it first if the group is at its quota.
		var want []string
		for _, r := range g.Rules(d) {
			want = append(want, s.ruleKey(v, d, r, vars))
		}
		s.line(`pending=("$%s" %s%s)`, v, d, prefixed(" ", want))
		s.line("described=()")
		for _, part := range byTags {
			s.line("missing=()")
			for _, r := range part.Rules {
				desc := s.quote(r.Description)
				if r.Description == "" {
					desc = "''"
				}
				s.line("sgwiz_missing %s %s %s", s.ruleKey(v, d, r, vars), desc, s.jsonWord(s.permissions([]model.Rule{r}, vars)[0]))
			}
			send := fmt.Sprintf(`sgwiz_send authorize-security-group-%s "$%s"`, d, v)
			if !part.Tags.IsZero() {
				send += " --tag-specifications " + s.jsonWord([]tagSpec{{ResourceType: "security-group-rule", Tags: exportTags(part.Tags.List())}})
			}
			s.line("%s", s.untilExpiry(part, send))
		}
		s.line(`sgwiz_revoke_pending`)
		s.line(`sgwiz_send update-security-group-rule-descriptions-%s "$%s"`, d, v)
	}
}

// ruleKey is the rule of the group in shell variable v as sgwiz_read keys
// the rules it reads, in one shell word: GROUP|EGRESS|PROTOCOL|FROM|TO|PEER,
// groups by their ids.
func (s *script) ruleKey(v string, d model.Direction, r model.Rule, vars map[string]string) string {
	peer := r.Peer.String()
	switch r.Peer.Kind() {
	case model.PeerGroup:
		peer = marker(vars[r.Peer.Ref()])
	case model.PeerGroupID, model.PeerPrefixList:
		peer = r.Peer.Ref()
	}
	return s.word(fmt.Sprintf("%s|%t|%s|%d|%d|%s", marker(v), d == model.Egress, r.Protocol.API(), r.Ports.From(), r.Ports.To(), peer))
}

// prefixed is each word after sep.
func prefixed(sep string, words []string) string {
	if len(words) == 0 {
		return ""
	}
	return sep + strings.Join(words, sep)
}
