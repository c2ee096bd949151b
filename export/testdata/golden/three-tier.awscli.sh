#!/usr/bin/env bash
# Security groups for Three-tier: ALB → app → database, made by sgwiz.
# Needs the aws CLI. AWS_PROFILE, AWS_REGION and AWS_ENDPOINT_URL work as
# they do for the aws CLI. VPC_ID chooses the VPC; without it the plan's VPC
# is used, else the account's default VPC. Prints the ids it created.
set -euo pipefail

# aws CLI v1 reads the region only from AWS_DEFAULT_REGION.
if [ -n "${AWS_REGION:-}" ] && [ -z "${AWS_DEFAULT_REGION:-}" ]; then
  export AWS_DEFAULT_REGION="$AWS_REGION"
fi

VPC_ID="${VPC_ID:-}"
if [ -z "$VPC_ID" ]; then
  VPC_ID=$(aws ec2 describe-vpcs --filters Name=is-default,Values=true --query 'Vpcs[0].VpcId' --output text)
  if [ -z "$VPC_ID" ] || [ "$VPC_ID" = None ]; then
    echo "sgwiz: this region has no default VPC: set VPC_ID=vpc-... and run again" >&2
    exit 1
  fi
fi

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

# has_default_egress GROUP_ID CIDR: is AWS's allow-all egress rule to CIDR there?
has_default_egress() {
  aws ec2 describe-security-groups --group-ids "$1" --query 'SecurityGroups[0].IpPermissionsEgress[?IpProtocol==`-1`]' --output json | grep -qF "\"$2\""
}

# web-alb
WEB_ALB_ID=$(aws ec2 create-security-group \
  --group-name web-alb \
  --description 'Load balancer: HTTP and HTTPS from anywhere' \
  --vpc-id "$VPC_ID" \
  --query GroupId --output text)
created+=("$WEB_ALB_ID")
printf 'created %s: %s\n' web-alb "$WEB_ALB_ID"

# web-app
WEB_APP_ID=$(aws ec2 create-security-group \
  --group-name web-app \
  --description 'App servers: port 8080 from the load balancer only' \
  --vpc-id "$VPC_ID" \
  --query GroupId --output text)
created+=("$WEB_APP_ID")
printf 'created %s: %s\n' web-app "$WEB_APP_ID"

# web-db
WEB_DB_ID=$(aws ec2 create-security-group \
  --group-name web-db \
  --description 'MYSQL/Aurora database: reachable only from the app servers' \
  --vpc-id "$VPC_ID" \
  --query GroupId --output text)
created+=("$WEB_DB_ID")
printf 'created %s: %s\n' web-db "$WEB_DB_ID"

aws ec2 authorize-security-group-ingress --group-id "$WEB_ALB_ID" --output text --query Return \
  --ip-permissions '[{"IpProtocol":"tcp","FromPort":80,"ToPort":80,"IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"HTTP from anywhere (IPv4)"}],"Ipv6Ranges":[{"CidrIpv6":"::/0","Description":"HTTP from anywhere (IPv6)"}],"PrefixListIds":[],"UserIdGroupPairs":[]},{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"HTTPS from anywhere (IPv4)"}],"Ipv6Ranges":[{"CidrIpv6":"::/0","Description":"HTTPS from anywhere (IPv6)"}],"PrefixListIds":[],"UserIdGroupPairs":[]}]' >/dev/null

# web-alb: outbound rules
aws ec2 revoke-security-group-egress --group-id "$WEB_ALB_ID" --output text --query Return \
  --ip-permissions '[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[]}]' >/dev/null
if has_default_egress "$WEB_ALB_ID" ::/0; then
  aws ec2 revoke-security-group-egress --group-id "$WEB_ALB_ID" --output text --query Return \
    --ip-permissions '[{"IpProtocol":"-1","IpRanges":[],"Ipv6Ranges":[{"CidrIpv6":"::/0"}],"PrefixListIds":[],"UserIdGroupPairs":[]}]' >/dev/null
fi
aws ec2 authorize-security-group-egress --group-id "$WEB_ALB_ID" --output text --query Return \
  --ip-permissions '[{"IpProtocol":"tcp","FromPort":8080,"ToPort":8080,"IpRanges":[],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[{"GroupId":"'"$WEB_APP_ID"'","Description":"App port to the app servers"}]}]' >/dev/null

aws ec2 authorize-security-group-ingress --group-id "$WEB_APP_ID" --output text --query Return \
  --ip-permissions '[{"IpProtocol":"tcp","FromPort":8080,"ToPort":8080,"IpRanges":[],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[{"GroupId":"'"$WEB_ALB_ID"'","Description":"App port from the load balancer"}]}]' >/dev/null

# web-app: outbound rules
aws ec2 revoke-security-group-egress --group-id "$WEB_APP_ID" --output text --query Return \
  --ip-permissions '[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[]}]' >/dev/null
if has_default_egress "$WEB_APP_ID" ::/0; then
  aws ec2 revoke-security-group-egress --group-id "$WEB_APP_ID" --output text --query Return \
    --ip-permissions '[{"IpProtocol":"-1","IpRanges":[],"Ipv6Ranges":[{"CidrIpv6":"::/0"}],"PrefixListIds":[],"UserIdGroupPairs":[]}]' >/dev/null
fi
aws ec2 authorize-security-group-egress --group-id "$WEB_APP_ID" --output text --query Return \
  --ip-permissions '[{"IpProtocol":"tcp","FromPort":3306,"ToPort":3306,"IpRanges":[],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[{"GroupId":"'"$WEB_DB_ID"'","Description":"MYSQL/Aurora to the database"}]}]' >/dev/null

aws ec2 authorize-security-group-ingress --group-id "$WEB_DB_ID" --output text --query Return \
  --ip-permissions '[{"IpProtocol":"tcp","FromPort":3306,"ToPort":3306,"IpRanges":[],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[{"GroupId":"'"$WEB_APP_ID"'","Description":"MYSQL/Aurora from the app servers"}]}]' >/dev/null

# web-db: outbound rules
aws ec2 revoke-security-group-egress --group-id "$WEB_DB_ID" --output text --query Return \
  --ip-permissions '[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[]}]' >/dev/null
if has_default_egress "$WEB_DB_ID" ::/0; then
  aws ec2 revoke-security-group-egress --group-id "$WEB_DB_ID" --output text --query Return \
    --ip-permissions '[{"IpProtocol":"-1","IpRanges":[],"Ipv6Ranges":[{"CidrIpv6":"::/0"}],"PrefixListIds":[],"UserIdGroupPairs":[]}]' >/dev/null
fi

trap - EXIT
echo "done: the security groups are ready"
printf '%s\t%s\n' web-alb "$WEB_ALB_ID"
printf '%s\t%s\n' web-app "$WEB_APP_ID"
printf '%s\t%s\n' web-db "$WEB_DB_ID"
