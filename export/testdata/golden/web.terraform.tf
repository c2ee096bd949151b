# Security groups for Web server, made by sgwiz.
# Apply with: terraform init && terraform apply -var vpc_id=vpc-...

variable "vpc_id" {
  description = "VPC of the security groups; null means the account's default VPC"
  type        = string
  default     = null
}

resource "aws_security_group" "web" {
  name        = "web"
  description = "Web server: HTTP and HTTPS from anywhere; SSH from the office"
  vpc_id      = var.vpc_id
  tags = {
    "sgwiz:plan"  = "web"
    "sgwiz:group" = "web"
  }
}

resource "aws_vpc_security_group_ingress_rule" "web_ingress_http_any_ipv4" {
  security_group_id = aws_security_group.web.id
  description       = "HTTP from anywhere (IPv4)"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "web_ingress_http_any_ipv6" {
  security_group_id = aws_security_group.web.id
  description       = "HTTP from anywhere (IPv6)"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv6         = "::/0"
}

resource "aws_vpc_security_group_ingress_rule" "web_ingress_https_any_ipv4" {
  security_group_id = aws_security_group.web.id
  description       = "HTTPS from anywhere (IPv4)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "web_ingress_https_any_ipv6" {
  security_group_id = aws_security_group.web.id
  description       = "HTTPS from anywhere (IPv6)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv6         = "::/0"
}

resource "aws_vpc_security_group_ingress_rule" "web_ingress_ssh_203_0_113_10_32" {
  security_group_id = aws_security_group.web.id
  description       = "SSH from the office"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = "203.0.113.10/32"
}

resource "aws_vpc_security_group_egress_rule" "web_egress_http_any_ipv4" {
  security_group_id = aws_security_group.web.id
  description       = "HTTP to anywhere (IPv4)"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "web_egress_http_any_ipv6" {
  security_group_id = aws_security_group.web.id
  description       = "HTTP to anywhere (IPv6)"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv6         = "::/0"
}

resource "aws_vpc_security_group_egress_rule" "web_egress_https_any_ipv4" {
  security_group_id = aws_security_group.web.id
  description       = "HTTPS to anywhere (IPv4)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "web_egress_https_any_ipv6" {
  security_group_id = aws_security_group.web.id
  description       = "HTTPS to anywhere (IPv6)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv6         = "::/0"
}

output "web_id" {
  description = "Id of the group web"
  value       = aws_security_group.web.id
}

# Use the groups (and sgwiz attach puts one on a running instance):
#
# resource "aws_instance" "web" {
#   ami                    = var.ami_id
#   instance_type          = "t3.micro"
#   subnet_id              = var.subnet_id
#   vpc_security_group_ids = [aws_security_group.web.id]
# }
