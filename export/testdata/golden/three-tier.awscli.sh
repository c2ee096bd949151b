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

# web-alb
SG_WEB_ALB=$(aws ec2 create-security-group --query GroupId --output text \
  --cli-input-json '{"GroupName":"web-alb","Description":"Load balancer: HTTP and HTTPS from anywhere","VpcId":"'"$VPC_ID"'","TagSpecifications":[{"ResourceType":"security-group","Tags":[{"Key":"sgwiz:plan","Value":"web-alb"},{"Key":"sgwiz:group","Value":"web-alb"}]}]}')
created+=("$SG_WEB_ALB")
printf 'created %s: %s\n' web-alb "$SG_WEB_ALB"

# web-app
SG_WEB_APP=$(aws ec2 create-security-group --query GroupId --output text \
  --cli-input-json '{"GroupName":"web-app","Description":"App servers: App port 8080 from web-alb","VpcId":"'"$VPC_ID"'","TagSpecifications":[{"ResourceType":"security-group","Tags":[{"Key":"sgwiz:plan","Value":"web-alb"},{"Key":"sgwiz:group","Value":"web-app"}]}]}')
created+=("$SG_WEB_APP")
printf 'created %s: %s\n' web-app "$SG_WEB_APP"

# web-db
SG_WEB_DB=$(aws ec2 create-security-group --query GroupId --output text \
  --cli-input-json '{"GroupName":"web-db","Description":"Database server: MYSQL/Aurora from web-app","VpcId":"'"$VPC_ID"'","TagSpecifications":[{"ResourceType":"security-group","Tags":[{"Key":"sgwiz:plan","Value":"web-alb"},{"Key":"sgwiz:group","Value":"web-db"}]}]}')
created+=("$SG_WEB_DB")
printf 'created %s: %s\n' web-db "$SG_WEB_DB"

# web-alb: inbound rules
aws ec2 authorize-security-group-ingress --group-id "$SG_WEB_ALB" --output text --query Return \
  --ip-permissions '[{"IpProtocol":"tcp","FromPort":80,"ToPort":80,"IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"HTTP from anywhere (IPv4)"}],"Ipv6Ranges":[{"CidrIpv6":"::/0","Description":"HTTP from anywhere (IPv6)"}],"PrefixListIds":[],"UserIdGroupPairs":[]},{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"HTTPS from anywhere (IPv4)"}],"Ipv6Ranges":[{"CidrIpv6":"::/0","Description":"HTTPS from anywhere (IPv6)"}],"PrefixListIds":[],"UserIdGroupPairs":[]}]' >/dev/null

# web-alb: outbound rules
aws ec2 authorize-security-group-egress --group-id "$SG_WEB_ALB" --output text --query Return \
  --ip-permissions '[{"IpProtocol":"tcp","FromPort":8080,"ToPort":8080,"IpRanges":[],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[{"GroupId":"'"$SG_WEB_APP"'","Description":"App port 8080 to web-app"}]}]' >/dev/null
if [ "$VPC_IPV6" = yes ]; then
  aws ec2 revoke-security-group-egress --group-id "$SG_WEB_ALB" --output text --query Return \
    --ip-permissions '[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}],"Ipv6Ranges":[{"CidrIpv6":"::/0"}],"PrefixListIds":[],"UserIdGroupPairs":[]}]' >/dev/null
else
  aws ec2 revoke-security-group-egress --group-id "$SG_WEB_ALB" --output text --query Return \
    --ip-permissions '[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[]}]' >/dev/null
fi

# web-app: inbound rules
aws ec2 authorize-security-group-ingress --group-id "$SG_WEB_APP" --output text --query Return \
  --ip-permissions '[{"IpProtocol":"tcp","FromPort":8080,"ToPort":8080,"IpRanges":[],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[{"GroupId":"'"$SG_WEB_ALB"'","Description":"App port 8080 from web-alb"}]}]' >/dev/null

# web-app: outbound rules
aws ec2 authorize-security-group-egress --group-id "$SG_WEB_APP" --output text --query Return \
  --ip-permissions '[{"IpProtocol":"tcp","FromPort":3306,"ToPort":3306,"IpRanges":[],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[{"GroupId":"'"$SG_WEB_DB"'","Description":"MYSQL/Aurora to web-db"}]}]' >/dev/null
if [ "$VPC_IPV6" = yes ]; then
  aws ec2 revoke-security-group-egress --group-id "$SG_WEB_APP" --output text --query Return \
    --ip-permissions '[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}],"Ipv6Ranges":[{"CidrIpv6":"::/0"}],"PrefixListIds":[],"UserIdGroupPairs":[]}]' >/dev/null
else
  aws ec2 revoke-security-group-egress --group-id "$SG_WEB_APP" --output text --query Return \
    --ip-permissions '[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[]}]' >/dev/null
fi

# web-db: inbound rules
aws ec2 authorize-security-group-ingress --group-id "$SG_WEB_DB" --output text --query Return \
  --ip-permissions '[{"IpProtocol":"tcp","FromPort":3306,"ToPort":3306,"IpRanges":[],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[{"GroupId":"'"$SG_WEB_APP"'","Description":"MYSQL/Aurora from web-app"}]}]' >/dev/null

# web-db: outbound rules
if [ "$VPC_IPV6" = yes ]; then
  aws ec2 revoke-security-group-egress --group-id "$SG_WEB_DB" --output text --query Return \
    --ip-permissions '[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}],"Ipv6Ranges":[{"CidrIpv6":"::/0"}],"PrefixListIds":[],"UserIdGroupPairs":[]}]' >/dev/null
else
  aws ec2 revoke-security-group-egress --group-id "$SG_WEB_DB" --output text --query Return \
    --ip-permissions '[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[]}]' >/dev/null
fi

trap - EXIT
echo "done: the security groups are ready"
printf '%s\t%s\n' web-alb "$SG_WEB_ALB"
printf '%s\t%s\n' web-app "$SG_WEB_APP"
printf '%s\t%s\n' web-db "$SG_WEB_DB"
echo "use them (or sgwiz attach GROUP --instance i-... on a running instance):"
printf '  aws elbv2 create-load-balancer --name NAME --subnets SUBNET_A SUBNET_B --security-groups %s\n' "$SG_WEB_ALB"
printf '  aws ec2 run-instances --image-id AMI_ID --instance-type t3.micro --subnet-id SUBNET_ID --security-group-ids %s\n' "$SG_WEB_APP"
printf '  aws rds create-db-instance --db-instance-identifier NAME ... --vpc-security-group-ids %s\n' "$SG_WEB_DB"
