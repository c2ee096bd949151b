#!/usr/bin/env bash
# Security groups for a custom plan, made by sgwiz.
# Needs the aws CLI. AWS_PROFILE, AWS_REGION and AWS_ENDPOINT_URL work as
# they do for the aws CLI. VPC_ID chooses the VPC; without it the plan's VPC
# is used, else the account's default VPC. Prints the ids it created.
set -euo pipefail

# aws CLI v1 reads the region only from AWS_DEFAULT_REGION.
if [ -n "${AWS_REGION:-}" ] && [ -z "${AWS_DEFAULT_REGION:-}" ]; then
  export AWS_DEFAULT_REGION="$AWS_REGION"
fi

VPC_ID="${VPC_ID:-vpc-0123456789abcdef0}"
if [ -n "$VPC_ID" ]; then
  which_vpc=(--vpc-ids "$VPC_ID")
else
  which_vpc=(--filters Name=is-default,Values=true)
fi
# The VPC, and whether it has IPv6: AWS then gives a new group an
# outbound rule to ::/0 besides the one to 0.0.0.0/0.
vpc=$(aws ec2 describe-vpcs "${which_vpc[@]}" --output text \
  --query 'Vpcs[0].[VpcId, Ipv6CidrBlockAssociationSet[?Ipv6CidrBlockState.State==`"associated"`].Ipv6CidrBlock | [0]]')
read -r VPC_ID vpc_ipv6 <<<"$vpc"
if [ -z "$VPC_ID" ] || [ "$VPC_ID" = None ]; then
  echo "sgwiz: this region has no default VPC: set VPC_ID=vpc-... and run again" >&2
  exit 1
fi
if [ -n "$vpc_ipv6" ] && [ "$vpc_ipv6" != None ]; then VPC_IPV6=yes; else VPC_IPV6=no; fi

created=()
report_failure() {
  local status=$?
  if [ "$status" -ne 0 ] && [ "${#created[@]}" -gt 0 ]; then
    echo "sgwiz: stopped with an error; this run created: ${created[*]}" >&2
    echo "sgwiz: fix the cause and add the missing rules, or remove the groups (revoke rules that reference them first):" >&2
    for id in "${created[@]}"; do echo "  aws ec2 delete-security-group --group-id $id" >&2; done
  fi
}
trap report_failure EXIT

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
    --query 'SecurityGroups[].join(`"\u001e"`, [GroupId, VpcId, Description, join(`"\u001d"`, sort_by(Tags || `[]`, &Key)[].join(`"\u001f"`, [Key, Value]))])')
  IFS=$'\t\n' read -r -d '' -a records <<<"$out" || true
  for rec in "${records[@]}"; do
    IFS=$'\x1e' read -r id vpc desc tags <<<"$rec"
    group_vpc[$id]=$vpc
    group_desc[$id]=$desc
    group_tags[$id]=$tags
  done
  local IFS=,
  out=$(aws ec2 describe-security-group-rules --filters "Name=group-id,Values=$*" --output text \
    --query 'SecurityGroupRules[].join(`"\u001e"`, [join(`"|"`, [GroupId, to_string(IsEgress), IpProtocol, to_string(FromPort), to_string(ToPort), CidrIpv4 || CidrIpv6 || PrefixListId || ReferencedGroupInfo.GroupId]), SecurityGroupRuleId, Description || `""`, join(`"\u001d"`, sort_by(Tags || `[]`, &Key)[].join(`"\u001f"`, [Key, Value]))])')
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

# The groups that exist: the script makes them the plan's, by their ids.
SG_WEB=sg-0aaaaaaaaaaaaaaa1 # web
SG_DB=sg-0bbbbbbbbbbbbbbb2 # db
sgwiz_read "$SG_WEB" "$SG_DB"
if [ "${group_vpc[$SG_WEB]}" != "$VPC_ID" ]; then
  printf 'sgwiz: %s (%s) is in %s, not in %s: the groups of a plan share one VPC\n' web "$SG_WEB" "${group_vpc[$SG_WEB]}" "$VPC_ID" >&2
  exit 1
fi
if [ "${group_desc[$SG_WEB]}" != 'Web server' ]; then
  printf 'sgwiz: %s keeps its description %s: AWS cannot change a group'"'"'s description\n' web "${group_desc[$SG_WEB]}" >&2
fi
printf 'existing %s: %s\n' web "$SG_WEB"
if [ "${group_vpc[$SG_DB]}" != "$VPC_ID" ]; then
  printf 'sgwiz: %s (%s) is in %s, not in %s: the groups of a plan share one VPC\n' db "$SG_DB" "${group_vpc[$SG_DB]}" "$VPC_ID" >&2
  exit 1
fi
if [ "${group_desc[$SG_DB]}" != Database ]; then
  printf 'sgwiz: %s keeps its description %s: AWS cannot change a group'"'"'s description\n' db "${group_desc[$SG_DB]}" >&2
fi
printf 'existing %s: %s\n' db "$SG_DB"

# web: its tags and rules become the plan's
if [ "${group_tags[$SG_WEB]}" != $'Owner\x1fops' ]; then
  sgwiz_untag "$SG_WEB" "${group_tags[$SG_WEB]}" $'Owner\x1fops'
  aws ec2 create-tags --resources "$SG_WEB" --tags '[{"Key":"Owner","Value":"ops"}]'
fi
# Inbound rules
tagged=()
sgwiz_tags "$SG_WEB"'|false|tcp|8443|8443|'"$SG_WEB" ''
tagged=()
sgwiz_tags "$SG_WEB"'|false|tcp|443|443|0.0.0.0/0' $'team\x1fweb'
if [ "${#tagged[@]}" -gt 0 ]; then aws ec2 create-tags --resources "${tagged[@]}" --tags '[{"Key":"team","Value":"web"}]'; fi
tagged=()
sgwiz_tags "$SG_WEB"'|false|tcp|80|80|::/0' $'ticket\x1fOPS-7'
if [ "${#tagged[@]}" -gt 0 ]; then aws ec2 create-tags --resources "${tagged[@]}" --tags '[{"Key":"ticket","Value":"OPS-7"}]'; fi
pending=("$SG_WEB" ingress "$SG_WEB"'|false|tcp|443|443|0.0.0.0/0' "$SG_WEB"'|false|tcp|8443|8443|'"$SG_WEB" "$SG_WEB"'|false|tcp|80|80|::/0')
described=()
missing=()
sgwiz_missing "$SG_WEB"'|false|tcp|8443|8443|'"$SG_WEB" 'from itself' '{"IpProtocol":"tcp","FromPort":8443,"ToPort":8443,"IpRanges":[],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[{"GroupId":"'"$SG_WEB"'","Description":"from itself"}]}'
sgwiz_send authorize-security-group-ingress "$SG_WEB"
missing=()
sgwiz_missing "$SG_WEB"'|false|tcp|443|443|0.0.0.0/0' HTTPS '{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"HTTPS"}],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[]}'
sgwiz_send authorize-security-group-ingress "$SG_WEB" --tag-specifications '[{"ResourceType":"security-group-rule","Tags":[{"Key":"team","Value":"web"}]}]'
missing=()
sgwiz_missing "$SG_WEB"'|false|tcp|80|80|::/0' 'HTTP, added since' '{"IpProtocol":"tcp","FromPort":80,"ToPort":80,"IpRanges":[],"Ipv6Ranges":[{"CidrIpv6":"::/0","Description":"HTTP, added since"}],"PrefixListIds":[],"UserIdGroupPairs":[]}'
sgwiz_send authorize-security-group-ingress "$SG_WEB" --tag-specifications '[{"ResourceType":"security-group-rule","Tags":[{"Key":"ticket","Value":"OPS-7"}]}]'
sgwiz_revoke_pending
sgwiz_send update-security-group-rule-descriptions-ingress "$SG_WEB"
# Outbound rules
tagged=()
sgwiz_tags "$SG_WEB"'|true|tcp|5432|5432|'"$SG_DB" ''
pending=("$SG_WEB" egress "$SG_WEB"'|true|tcp|5432|5432|'"$SG_DB")
described=()
missing=()
sgwiz_missing "$SG_WEB"'|true|tcp|5432|5432|'"$SG_DB" 'to the database' '{"IpProtocol":"tcp","FromPort":5432,"ToPort":5432,"IpRanges":[],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[{"GroupId":"'"$SG_DB"'","Description":"to the database"}]}'
sgwiz_send authorize-security-group-egress "$SG_WEB"
sgwiz_revoke_pending
sgwiz_send update-security-group-rule-descriptions-egress "$SG_WEB"

# db: its tags and rules become the plan's
if [ "${group_tags[$SG_DB]}" != '' ]; then
  sgwiz_untag "$SG_DB" "${group_tags[$SG_DB]}" ''
fi
# Inbound rules
tagged=()
sgwiz_tags "$SG_DB"'|false|tcp|5432|5432|'"$SG_WEB" ''
pending=("$SG_DB" ingress "$SG_DB"'|false|tcp|5432|5432|'"$SG_WEB")
described=()
missing=()
sgwiz_missing "$SG_DB"'|false|tcp|5432|5432|'"$SG_WEB" 'from web' '{"IpProtocol":"tcp","FromPort":5432,"ToPort":5432,"IpRanges":[],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[{"GroupId":"'"$SG_WEB"'","Description":"from web"}]}'
sgwiz_send authorize-security-group-ingress "$SG_DB"
sgwiz_revoke_pending
sgwiz_send update-security-group-rule-descriptions-ingress "$SG_DB"
# Outbound rules
pending=("$SG_DB" egress)
described=()
sgwiz_revoke_pending
sgwiz_send update-security-group-rule-descriptions-egress "$SG_DB"

trap - EXIT
echo "done: the security groups are ready"
printf '%s\t%s\n' web "$SG_WEB"
printf '%s\t%s\n' db "$SG_DB"
echo "use them (or sgwiz attach GROUP --instance i-... on a running instance):"
printf '  aws ec2 run-instances --image-id AMI_ID --instance-type t3.micro --subnet-id SUBNET_ID --security-group-ids %s\n' "$SG_WEB"
printf '  aws ec2 run-instances --image-id AMI_ID --instance-type t3.micro --subnet-id SUBNET_ID --security-group-ids %s\n' "$SG_DB"
