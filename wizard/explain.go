package wizard

// explainers are the `?` texts, one per step, written for newcomers.
var explainers = [stepCount]string{
	stepStart: "A security group is a firewall around an EC2 instance (or a database, a load balancer…). " +
		"It holds only allow rules: anything not allowed is dropped. sgwiz builds the rules from what the machine is for, " +
		"shows them, then writes them as code or a plan file you can reopen.",
	stepUseCase: "Pick what the machine is for. Each use case pre-selects the services it needs and safe sources for them, " +
		"so accepting the defaults gives a least-privilege group: only what is needed, only from who needs it.",
	stepOptions: "The database engine decides the port the database listens on, and the app port the one the app servers " +
		"listen on behind the load balancer. The tiers' rules follow these answers: change one here and every rule that " +
		"sends to or accepts it changes with it.",
	stepServices: "Inbound (ingress) rules say who may open connections to the instance, on which protocol and port. " +
		"Tick only what the instance serves: every open port is something an attacker can probe. Type to filter.",
	stepSources: "A source is written in CIDR notation: 203.0.113.10/32 is one address, 203.0.113.0/24 the 256 addresses " +
		"203.0.113.0-255, 0.0.0.0/0 and ::/0 everyone on the IPv4 and IPv6 internet. Admin ports belong to your office only; " +
		"databases to the app servers' group only. l on SSH or RDP makes it temporary: apply tags the rules with their " +
		"expiry and sgwiz sweep (run from cron) revokes them then. @office names a set of your address book " +
		"(~/.config/sgwiz/config.yaml).",
	stepEgress: "Outbound (egress) rules say where the instance may open connections. Security groups are stateful: replies " +
		"to allowed traffic flow back automatically, in both directions, so a web server needs no outbound rule to answer visitors. " +
		"(Network ACLs are the stateless ones.) Custom lets you pick outbound services and destinations one by one.",
	stepOutServices: "Outbound (egress) rules say where the instances may open connections. Tick only what they need to reach: " +
		"updates (HTTP, HTTPS), a database, a mail relay. Replies to inbound connections need no outbound rule.",
	stepOutSources: "A destination is written like a source: a CIDR, another group of the plan, an sg-… or pl-… id. " +
		"Prefer a group or a prefix list to the whole internet.",
	stepDetails: "Neither the group name nor its description can be changed after creation: AWS keeps both for the group's life, " +
		"and a new name or description means a new group. The name must not start with sg-; the description is required. " +
		"Pick the VPC (network) the group belongs to; groups only work for instances in the same VPC.",
	stepReview: "These are the exact rules, in the console's columns. Findings flag what a security review would: " +
		"admin or database ports open to the world, IPv6 left open, wide ranges. Select a row or a finding and press e to change it.",
	stepExport: "Each format is written with the library made for it and checked by that format's own tools. " +
		"s saves the file (sgwiz asks before replacing one), c copies it.",
	stepApply: "Apply compares the plan with the account and sends only the difference. It lists every change and call " +
		"first; ctrl+c while it runs cancels and removes what that run created. Afterwards, u puts a group on one of " +
		"the VPC's instances: EC2 takes an interface's whole set of groups, so sgwiz sends its groups plus this one.",
	stepAction: "Export writes the rules as Terraform, CloudFormation, an AWS CLI script, JSON or Markdown. Save the plan file " +
		"to reopen this session later with: sgwiz -f plan.yaml.",
}

// auditExplainer is the ? text of the start screen's audit.
var auditExplainer = "The audit reads every security group of the region, the network interfaces that use them and the launch " +
	"templates that name them, and checks each group as the review checks a plan: admin or database ports open to the world, " +
	"IPv6 left open, wide ranges, rules in the VPC's default group. Groups are listed worst first; the selected one shows every " +
	"finding. Enter on a group with a high finding opens it with the fix of those findings at the review, to check and apply; " +
	"any other group opens as it is, to edit. Nothing changes in AWS until you apply. Esc goes back to the start menu."
