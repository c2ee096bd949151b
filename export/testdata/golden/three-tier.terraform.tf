# Security groups for Three-tier: ALB → app → database, made by sgwiz.
# Apply with: terraform init && terraform apply -var vpc_id=vpc-...

variable "vpc_id" {
  description = "VPC of the security groups; null means the account's default VPC"
  type        = string
  default     = null
}

resource "aws_security_group" "web_alb" {
  name        = "web-alb"
  description = "Load balancer: HTTP and HTTPS from anywhere"
  vpc_id      = var.vpc_id
  tags = {
    "sgwiz:plan"  = "web-alb"
    "sgwiz:group" = "web-alb"
  }
}

resource "aws_vpc_security_group_ingress_rule" "web_alb_ingress_http_any_ipv4" {
  security_group_id = aws_security_group.web_alb.id
  description       = "HTTP from anywhere (IPv4)"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "web_alb_ingress_http_any_ipv6" {
  security_group_id = aws_security_group.web_alb.id
  description       = "HTTP from anywhere (IPv6)"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv6         = "::/0"
}

resource "aws_vpc_security_group_ingress_rule" "web_alb_ingress_https_any_ipv4" {
  security_group_id = aws_security_group.web_alb.id
  description       = "HTTPS from anywhere (IPv4)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "web_alb_ingress_https_any_ipv6" {
  security_group_id = aws_security_group.web_alb.id
  description       = "HTTPS from anywhere (IPv6)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv6         = "::/0"
}

resource "aws_vpc_security_group_egress_rule" "web_alb_egress_tcp_8080_web_app" {
  security_group_id            = aws_security_group.web_alb.id
  description                  = "App port 8080 to web-app"
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  referenced_security_group_id = aws_security_group.web_app.id
}

resource "aws_security_group" "web_app" {
  name        = "web-app"
  description = "App servers: App port 8080 from web-alb"
  vpc_id      = var.vpc_id
  tags = {
    "sgwiz:plan"  = "web-alb"
    "sgwiz:group" = "web-app"
  }
}

resource "aws_vpc_security_group_ingress_rule" "web_app_ingress_tcp_8080_web_alb" {
  security_group_id            = aws_security_group.web_app.id
  description                  = "App port 8080 from web-alb"
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  referenced_security_group_id = aws_security_group.web_alb.id
}

resource "aws_vpc_security_group_egress_rule" "web_app_egress_mysql_aurora_web_db" {
  security_group_id            = aws_security_group.web_app.id
  description                  = "MYSQL/Aurora to web-db"
  ip_protocol                  = "tcp"
  from_port                    = 3306
  to_port                      = 3306
  referenced_security_group_id = aws_security_group.web_db.id
}

resource "aws_security_group" "web_db" {
  name        = "web-db"
  description = "Database server: MYSQL/Aurora from web-app"
  vpc_id      = var.vpc_id
  tags = {
    "sgwiz:plan"  = "web-alb"
    "sgwiz:group" = "web-db"
  }
}

resource "aws_vpc_security_group_ingress_rule" "web_db_ingress_mysql_aurora_web_app" {
  security_group_id            = aws_security_group.web_db.id
  description                  = "MYSQL/Aurora from web-app"
  ip_protocol                  = "tcp"
  from_port                    = 3306
  to_port                      = 3306
  referenced_security_group_id = aws_security_group.web_app.id
}

output "web_alb_id" {
  description = "Id of the group web-alb"
  value       = aws_security_group.web_alb.id
}

output "web_app_id" {
  description = "Id of the group web-app"
  value       = aws_security_group.web_app.id
}

output "web_db_id" {
  description = "Id of the group web-db"
  value       = aws_security_group.web_db.id
}

# Use the groups (and sgwiz attach puts one on a running instance):
#
# resource "aws_lb" "web_alb" {
#   load_balancer_type = "application"
#   subnets            = var.public_subnet_ids
#   security_groups    = [aws_security_group.web_alb.id]
# }
#
# resource "aws_instance" "web_app" {
#   ami                    = var.ami_id
#   instance_type          = "t3.micro"
#   subnet_id              = var.subnet_id
#   vpc_security_group_ids = [aws_security_group.web_app.id]
# }
#
# resource "aws_db_instance" "web_db" {
#   # engine, instance_class, db_subnet_group_name, …
#   vpc_security_group_ids = [aws_security_group.web_db.id]
# }
