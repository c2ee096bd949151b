# Security groups for a custom plan, made by sgwiz.
# Apply with: terraform init && terraform apply -var vpc_id=vpc-...
# Groups and rules that exist already have import blocks (Terraform 1.5 or later):
# terraform plan shows them as imports, not as resources to add.

variable "vpc_id" {
  description = "VPC of the security groups; null means the account's default VPC"
  type        = string
  default     = "vpc-0123456789abcdef0"
}

import {
  to = aws_security_group.web
  id = "sg-0aaaaaaaaaaaaaaa1"
}

resource "aws_security_group" "web" {
  name        = "web"
  description = "Web server"
  vpc_id      = var.vpc_id
  tags = {
    "Owner" = "ops"
  }
}

import {
  to = aws_vpc_security_group_ingress_rule.web_ingress_https_any_ipv4
  id = "sgr-0aaaaaaaaaaaaaa01"
}

resource "aws_vpc_security_group_ingress_rule" "web_ingress_https_any_ipv4" {
  security_group_id = aws_security_group.web.id
  description       = "HTTPS"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
  tags = {
    "team" = "web"
  }
}

import {
  to = aws_vpc_security_group_ingress_rule.web_ingress_tcp_8443_web
  id = "sgr-0aaaaaaaaaaaaaa02"
}

resource "aws_vpc_security_group_ingress_rule" "web_ingress_tcp_8443_web" {
  security_group_id            = aws_security_group.web.id
  description                  = "from itself"
  ip_protocol                  = "tcp"
  from_port                    = 8443
  to_port                      = 8443
  referenced_security_group_id = aws_security_group.web.id
}

resource "aws_vpc_security_group_ingress_rule" "web_ingress_http_any_ipv6" {
  security_group_id = aws_security_group.web.id
  description       = "HTTP, added since"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv6         = "::/0"
  tags = {
    "ticket" = "OPS-7"
  }
}

import {
  to = aws_vpc_security_group_egress_rule.web_egress_postgresql_db
  id = "sgr-0aaaaaaaaaaaaaa03"
}

resource "aws_vpc_security_group_egress_rule" "web_egress_postgresql_db" {
  security_group_id            = aws_security_group.web.id
  description                  = "to the database"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.db.id
}

import {
  to = aws_security_group.db
  id = "sg-0bbbbbbbbbbbbbbb2"
}

resource "aws_security_group" "db" {
  name        = "db"
  description = "Database"
  vpc_id      = var.vpc_id
}

import {
  to = aws_vpc_security_group_ingress_rule.db_ingress_postgresql_web
  id = "sgr-0bbbbbbbbbbbbbb01"
}

resource "aws_vpc_security_group_ingress_rule" "db_ingress_postgresql_web" {
  security_group_id            = aws_security_group.db.id
  description                  = "from web"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.web.id
}

output "web_id" {
  description = "Id of the group web"
  value       = aws_security_group.web.id
}

output "db_id" {
  description = "Id of the group db"
  value       = aws_security_group.db.id
}

# Use the groups (and sgwiz attach puts one on a running instance):
#
# resource "aws_instance" "web" {
#   ami                    = var.ami_id
#   instance_type          = "t3.micro"
#   subnet_id              = var.subnet_id
#   vpc_security_group_ids = [aws_security_group.web.id]
# }
#
# resource "aws_instance" "db" {
#   ami                    = var.ami_id
#   instance_type          = "t3.micro"
#   subnet_id              = var.subnet_id
#   vpc_security_group_ids = [aws_security_group.db.id]
# }
