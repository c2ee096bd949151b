#!/usr/bin/env bash
# Security groups for Web server, made by sgwiz.
# Needs the aws CLI. AWS_PROFILE, AWS_REGION and AWS_ENDPOINT_URL work as
# they do for the aws CLI. VPC_ID chooses the VPC; without it the plan's VPC
# is used, else the account's default VPC. Prints the ids it created.
set -euo pipefail

# aws CLI v1 reads the region only from AWS_DEFAULT_REGION.
if [ -n "${AWS_REGION:-}" ] && [ -z "${AWS_DEFAULT_REGION:-}" ]; then
  export AWS_DEFAULT_REGION="$AWS_REGION"
fi

VPC_ID="${VPC_ID:-}"
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

# web
SG_WEB=$(aws ec2 create-security-group --query GroupId --output text \
  --cli-input-json '{"GroupName":"web","Description":"Web server: HTTP and HTTPS from anywhere; SSH from the office","VpcId":"'"$VPC_ID"'","TagSpecifications":[{"ResourceType":"security-group","Tags":[{"Key":"sgwiz:plan","Value":"web"},{"Key":"sgwiz:group","Value":"web"}]}]}')
created+=("$SG_WEB")
printf 'created %s: %s\n' web "$SG_WEB"

# web: inbound rules
aws ec2 authorize-security-group-ingress --group-id "$SG_WEB" --output text --query Return \
  --ip-permissions '[{"IpProtocol":"tcp","FromPort":80,"ToPort":80,"IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"HTTP from anywhere (IPv4)"}],"Ipv6Ranges":[{"CidrIpv6":"::/0","Description":"HTTP from anywhere (IPv6)"}],"PrefixListIds":[],"UserIdGroupPairs":[]},{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"HTTPS from anywhere (IPv4)"}],"Ipv6Ranges":[{"CidrIpv6":"::/0","Description":"HTTPS from anywhere (IPv6)"}],"PrefixListIds":[],"UserIdGroupPairs":[]},{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"203.0.113.10/32","Description":"SSH from the office"}],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[]}]' >/dev/null

# web: outbound rules
aws ec2 authorize-security-group-egress --group-id "$SG_WEB" --output text --query Return \
  --ip-permissions '[{"IpProtocol":"tcp","FromPort":80,"ToPort":80,"IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"HTTP to anywhere (IPv4)"}],"Ipv6Ranges":[{"CidrIpv6":"::/0","Description":"HTTP to anywhere (IPv6)"}],"PrefixListIds":[],"UserIdGroupPairs":[]},{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"HTTPS to anywhere (IPv4)"}],"Ipv6Ranges":[{"CidrIpv6":"::/0","Description":"HTTPS to anywhere (IPv6)"}],"PrefixListIds":[],"UserIdGroupPairs":[]}]' >/dev/null
if [ "$VPC_IPV6" = yes ]; then
  aws ec2 revoke-security-group-egress --group-id "$SG_WEB" --output text --query Return \
    --ip-permissions '[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}],"Ipv6Ranges":[{"CidrIpv6":"::/0"}],"PrefixListIds":[],"UserIdGroupPairs":[]}]' >/dev/null
else
  aws ec2 revoke-security-group-egress --group-id "$SG_WEB" --output text --query Return \
    --ip-permissions '[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[]}]' >/dev/null
fi

trap - EXIT
echo "done: the security groups are ready"
printf '%s\t%s\n' web "$SG_WEB"
echo "use them (or sgwiz attach GROUP --instance i-... on a running instance):"
printf '  aws ec2 run-instances --image-id AMI_ID --instance-type t3.micro --subnet-id SUBNET_ID --security-group-ids %s\n' "$SG_WEB"
