package export

import (
	"fmt"

	"github.com/sgwiz/sgwiz/model"
)

// What a group is put on once made: an instance (the default), a load
// balancer or a database, by the group's role. Each format shows the
// snippet that uses the group there.

type launchKind uint8

const (
	onInstance launchKind = iota
	onLoadBalancer
	onDatabase
)

func launchKindOf(g model.Group) launchKind {
	switch g.Role {
	case model.RoleLoadBalancer:
		return onLoadBalancer
	case model.RoleDatabase:
		return onDatabase
	}
	return onInstance
}

// terraformUse is the commented Terraform that uses the group, whose
// resource is aws_security_group.<id>.
func terraformUse(g model.Group, id string) []string {
	ref := "aws_security_group." + id + ".id"
	switch launchKindOf(g) {
	case onLoadBalancer:
		return []string{
			`# resource "aws_lb" "` + id + `" {`,
			`#   load_balancer_type = "application"`,
			`#   subnets            = var.public_subnet_ids`,
			`#   security_groups    = [` + ref + `]`,
			`# }`,
		}
	case onDatabase:
		return []string{
			`# resource "aws_db_instance" "` + id + `" {`,
			`#   # engine, instance_class, db_subnet_group_name, …`,
			`#   vpc_security_group_ids = [` + ref + `]`,
			`# }`,
		}
	}
	return []string{
		`# resource "aws_instance" "` + id + `" {`,
		`#   ami                    = var.ami_id`,
		`#   instance_type          = "t3.micro"`,
		`#   subnet_id              = var.subnet_id`,
		`#   vpc_security_group_ids = [` + ref + `]`,
		`# }`,
	}
}

// cliUse is the AWS CLI command that uses the group, with %s for its id.
func cliUse(g model.Group) string {
	switch launchKindOf(g) {
	case onLoadBalancer:
		return "aws elbv2 create-load-balancer --name NAME --subnets SUBNET_A SUBNET_B --security-groups %s"
	case onDatabase:
		return "aws rds create-db-instance --db-instance-identifier NAME ... --vpc-security-group-ids %s"
	}
	return "aws ec2 run-instances --image-id AMI_ID --instance-type t3.micro --subnet-id SUBNET_ID --security-group-ids %s"
}

// idOrPlaceholder is the group's id when it has one, else a placeholder.
func idOrPlaceholder(g model.Group) string {
	if g.ID != "" {
		return g.ID
	}
	return fmt.Sprintf("<id of %s>", g.Name)
}

// cfnUse is the CloudFormation property that takes the group's id.
func cfnUse(g model.Group) string {
	switch launchKindOf(g) {
	case onLoadBalancer:
		return "SecurityGroups of an AWS::ElasticLoadBalancingV2::LoadBalancer"
	case onDatabase:
		return "VPCSecurityGroups of an AWS::RDS::DBInstance"
	}
	return "SecurityGroupIds of an AWS::EC2::Instance (or a launch template)"
}
