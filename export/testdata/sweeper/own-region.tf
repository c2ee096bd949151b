# The sgwiz sweeper, made by sgwiz: sgwiz sweep as a Lambda function that
# EventBridge Scheduler runs (rate(5 minutes) by default). It revokes the temporary
# rules (sgwiz allow) whose time is over in the account and region the function runs in.
# Build its code: GOOS=linux GOARCH=arm64 go build -tags lambda.norpc -o bootstrap . && zip sweeper.zip bootstrap
# Deploy it: terraform init && terraform apply

variable "function_name" {
  description = "Name of the function, its roles and its log group"
  type        = string
  default     = "sgwiz-sweeper"
}

variable "schedule" {
  description = "When the sweeper runs: an EventBridge Scheduler expression"
  type        = string
  default     = "rate(5 minutes)"
}

variable "zip" {
  description = "The zip holding the sgwiz binary as bootstrap, built for linux/arm64"
  type        = string
  default     = "sweeper.zip"
}

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

data "aws_iam_policy_document" "sweeper_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "sweeper" {
  name               = var.function_name
  description        = "The sgwiz sweeper: reads temporary security group rules and revokes the expired ones"
  assume_role_policy = data.aws_iam_policy_document.sweeper_trust.json
}

data "aws_iam_policy_document" "sweeper" {
  # Describe calls take no resource-level permission: "*" is the only resource IAM allows.
  statement {
    sid       = "ReadTemporaryRules"
    actions   = ["ec2:DescribeSecurityGroupRules"]
    resources = ["*"]
  }

  # IAM cannot limit these to the rules tagged sgwiz:expires. The Service
  # Authorization Reference (Amazon EC2) lists one resource type for
  # RevokeSecurityGroupIngress and RevokeSecurityGroupEgress, security-group
  # (not security-group-rule), with the condition keys aws:ResourceTag/${TagKey},
  # ec2:ResourceTag/${TagKey}, ec2:Region, ec2:SecurityGroupID and ec2:Vpc:
  # all of them the group's, none the rule's. So this allows revoking any rule
  # of the account's groups in the regions swept; sweep itself revokes only
  # the rules it read with an expired sgwiz:expires tag, by rule id. To narrow
  # it, tag the groups that may hold temporary rules and add a condition on
  # aws:ResourceTag/<key> here.
  statement {
    sid = "RevokeExpiredRules"
    actions = [
      "ec2:RevokeSecurityGroupEgress",
      "ec2:RevokeSecurityGroupIngress",
    ]
    resources = ["arn:${data.aws_partition.current.partition}:ec2:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:security-group/*"]
  }

  # The log group is made here, so the function needs no logs:CreateLogGroup.
  statement {
    sid = "WriteItsOwnLogs"
    actions = [
      "logs:CreateLogStream",
      "logs:PutLogEvents",
    ]
    resources = ["arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:/aws/lambda/${var.function_name}:*"]
  }
}

resource "aws_iam_role_policy" "sweeper" {
  name   = "sweep"
  role   = aws_iam_role.sweeper.id
  policy = data.aws_iam_policy_document.sweeper.json
}

resource "aws_cloudwatch_log_group" "sweeper" {
  name              = "/aws/lambda/${var.function_name}"
  retention_in_days = 30
}

resource "aws_lambda_function" "sweeper" {
  function_name = var.function_name
  description   = "sgwiz sweep: revokes the temporary security group rules whose time is over"
  role          = aws_iam_role.sweeper.arn
  runtime       = "provided.al2023"
  handler       = "bootstrap"
  # arm64 (Graviton) costs about a fifth less than x86_64; build with GOARCH=arm64.
  architectures    = ["arm64"]
  filename         = var.zip
  source_code_hash = filebase64sha256(var.zip)
  memory_size      = 256
  # A run may outlast the time to the next: sweep is safe to run twice at once.
  timeout = 300

  depends_on = [
    aws_iam_role_policy.sweeper,
    aws_cloudwatch_log_group.sweeper,
  ]
}

data "aws_iam_policy_document" "schedule_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }
    # Only this account's schedules may use the role.
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "schedule" {
  name               = "${var.function_name}-scheduler"
  description        = "Lets EventBridge Scheduler invoke the sgwiz sweeper, and nothing else"
  assume_role_policy = data.aws_iam_policy_document.schedule_trust.json
}

data "aws_iam_policy_document" "schedule" {
  statement {
    sid       = "InvokeTheSweeper"
    actions   = ["lambda:InvokeFunction"]
    resources = [aws_lambda_function.sweeper.arn]
  }
}

resource "aws_iam_role_policy" "schedule" {
  name   = "invoke-the-sweeper"
  role   = aws_iam_role.schedule.id
  policy = data.aws_iam_policy_document.schedule.json
}

resource "aws_scheduler_schedule" "sweeper" {
  name                = var.function_name
  description         = "Runs sgwiz sweep"
  schedule_expression = var.schedule
  flexible_time_window {
    mode = "OFF"
  }
  target {
    arn      = aws_lambda_function.sweeper.arn
    role_arn = aws_iam_role.schedule.arn
    # A missed run is the next run's: it sweeps all that expired meanwhile.
    retry_policy {
      maximum_retry_attempts = 0
    }
  }

  depends_on = [aws_iam_role_policy.schedule]
}

output "function_arn" {
  description = "The sweeper function"
  value       = aws_lambda_function.sweeper.arn
}

output "role_arn" {
  description = "The function's role: the role sweep assumes in each account trusts it"
  value       = aws_iam_role.sweeper.arn
}

output "schedule_arn" {
  description = "The schedule that runs the sweeper"
  value       = aws_scheduler_schedule.sweeper.arn
}
