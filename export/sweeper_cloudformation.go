package export

import (
	"strings"

	"github.com/sgwiz/sgwiz/internal/yamljson"
	"go.yaml.in/yaml/v3"
)

// renderSweeperCloudFormation writes the sweeper as a CloudFormation
// template (YAML, written as the groups' templates are): the function
// with its code from S3, its role and log group, and the schedule with
// its own role. The roles' names are CloudFormation's, so the stack
// needs CAPABILITY_IAM only.
func renderSweeperCloudFormation(s Sweeper) ([]byte, error) {
	params := mapping(
		"FunctionName", mapping(
			"Type", str("String"),
			"Description", str("Name of the function, its log group and its schedule"),
			"Default", str(s.name()),
			"AllowedPattern", str(sweeperNameRe.String()),
		),
		"Schedule", mapping(
			"Type", str("String"),
			"Description", str("When the sweeper runs: an EventBridge Scheduler expression"),
			"Default", str(s.schedule()),
		),
	)
	bucket, key, fromS3 := s.s3()
	codeBucket := mapping("Type", str("String"), "Description", str("The S3 bucket holding the sweeper's zip (the sgwiz binary as bootstrap, built for linux/arm64)"))
	codeKey := mapping("Type", str("String"), "Description", str("The zip's key in that bucket"))
	if fromS3 {
		add(codeBucket, "Default", str(bucket))
		add(codeKey, "Default", str(key))
	}
	add(params, "CodeS3Bucket", codeBucket)
	add(params, "CodeS3Key", codeKey)

	function := mapping(
		"FunctionName", tagged("!Ref", "FunctionName"),
		"Description", str("sgwiz sweep: revokes the temporary security group rules whose time is over"),
		"Role", tagged("!GetAtt", "SweeperRole.Arn"),
		"Runtime", str("provided.al2023"),
		"Handler", str("bootstrap"),
		"Architectures", seqOf(str(sweeperArchitecture)),
		"Code", mapping("S3Bucket", tagged("!Ref", "CodeS3Bucket"), "S3Key", tagged("!Ref", "CodeS3Key")),
		"MemorySize", integer(sweeperMemory),
		"Timeout", integer(sweeperTimeout),
	)
	function.Content[10].HeadComment = "arm64 (Graviton) costs about a fifth less than x86_64; build with GOARCH=arm64."
	function.Content[16].HeadComment = "A run may outlast the time to the next: sweep is safe to run twice at once."
	if env := s.sortedEnvironment(); len(env) > 0 {
		vars := mapping()
		for _, kv := range env {
			add(vars, kv[0], str(kv[1]))
		}
		add(function, "Environment", mapping("Variables", vars))
		function.Content[len(function.Content)-2].HeadComment = "What sweep sweeps: its flags, as the function reads them."
	}

	resources := mapping(
		"SweeperRole", mapping(
			"Type", str("AWS::IAM::Role"),
			"Properties", mapping(
				"Description", str("The sgwiz sweeper: reads temporary security group rules and revokes the expired ones"),
				"AssumeRolePolicyDocument", cfnTrust("lambda.amazonaws.com", nil),
				"Policies", seqOf(mapping("PolicyName", str("sweep"), "PolicyDocument", cfnPolicy(s.functionPolicy()))),
			),
		),
		"SweeperLogGroup", mapping(
			"Type", str("AWS::Logs::LogGroup"),
			"Properties", mapping(
				"LogGroupName", tagged("!Sub", "/aws/lambda/${FunctionName}"),
				"RetentionInDays", integer(sweeperLogDays),
			),
		),
		"SweeperFunction", mapping(
			"Type", str("AWS::Lambda::Function"),
			"DependsOn", str("SweeperLogGroup"),
			"Properties", function,
		),
		"ScheduleRole", mapping(
			"Type", str("AWS::IAM::Role"),
			"Properties", mapping(
				"Description", str("Lets EventBridge Scheduler invoke the sgwiz sweeper, and nothing else"),
				"AssumeRolePolicyDocument", cfnTrust("scheduler.amazonaws.com",
					mapping("StringEquals", mapping("aws:SourceAccount", tagged("!Ref", "AWS::AccountId")))),
				"Policies", seqOf(mapping("PolicyName", str("invoke-the-sweeper"), "PolicyDocument", cfnPolicy(schedulePolicy()))),
			),
		),
		"SweeperSchedule", mapping(
			"Type", str("AWS::Scheduler::Schedule"),
			"Properties", mapping(
				"Name", tagged("!Ref", "FunctionName"),
				"Description", str("Runs sgwiz sweep"),
				"ScheduleExpression", tagged("!Ref", "Schedule"),
				"FlexibleTimeWindow", mapping("Mode", str("OFF")),
				"Target", mapping(
					"Arn", tagged("!GetAtt", "SweeperFunction.Arn"),
					"RoleArn", tagged("!GetAtt", "ScheduleRole.Arn"),
					"RetryPolicy", mapping("MaximumRetryAttempts", integer(0)),
				),
			),
		),
	)
	// The retry policy's comment.
	target := resources.Content[9].Content[3].Content[9]
	target.Content[4].HeadComment = "A missed run is the next run's: it sweeps all that expired meanwhile."

	outputs := mapping(
		"FunctionArn", mapping("Description", str("The sweeper function"), "Value", tagged("!GetAtt", "SweeperFunction.Arn")),
		"RoleArn", mapping("Description", str("The function's role: the role sweep assumes in each account trusts it"), "Value", tagged("!GetAtt", "SweeperRole.Arn")),
		"ScheduleArn", mapping("Description", str("The schedule that runs the sweeper"), "Value", tagged("!GetAtt", "SweeperSchedule.Arn")),
	)
	doc := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{mapping(
		"AWSTemplateFormatVersion", str("2010-09-09"),
		"Description", str("The sgwiz sweeper: sgwiz sweep on EventBridge Scheduler, made by sgwiz"),
		"Parameters", params,
		"Resources", resources,
		"Outputs", outputs,
	)}}
	doc.HeadComment = strings.Join([]string{
		"The sgwiz sweeper, made by sgwiz: sgwiz sweep as a Lambda function that",
		"EventBridge Scheduler runs (" + s.schedule() + " by default). It revokes the temporary",
		"rules (sgwiz allow) whose time is over in " + s.sweeps() + ".",
		"Build its code: GOOS=linux GOARCH=arm64 go build -tags lambda.norpc -o bootstrap . && zip sweeper.zip bootstrap",
		"and upload it: aws s3 cp sweeper.zip s3://BUCKET/sgwiz/sweeper.zip",
		"Deploy it: aws cloudformation deploy --template-file sweeper.yaml --stack-name sgwiz-sweeper --capabilities CAPABILITY_IAM",
		"  (with --parameter-overrides CodeS3Bucket=BUCKET CodeS3Key=sgwiz/sweeper.zip unless they have defaults)",
	}, "\n")
	return yamljson.MarshalYAML(doc)
}

// cfnTrust is a role's trust policy: service may assume it, under
// condition when given.
func cfnTrust(service string, condition *yaml.Node) *yaml.Node {
	st := mapping(
		"Effect", str("Allow"),
		"Principal", mapping("Service", str(service)),
		"Action", str("sts:AssumeRole"),
	)
	if condition != nil {
		add(st, "Condition", condition)
		st.Content[len(st.Content)-2].HeadComment = "Only this account's schedules may use the role."
	}
	return mapping("Version", str("2012-10-17"), "Statement", seqOf(st))
}

// cfnPolicy is a policy document, its resources' placeholders
// substituted (!Sub) or referenced (!GetAtt).
func cfnPolicy(policy []iamStatement) *yaml.Node {
	statements := seqOf()
	for _, st := range policy {
		actions, resources := seqOf(), seqOf()
		for _, a := range st.actions {
			actions.Content = append(actions.Content, str(a))
		}
		for _, r := range st.resources {
			resources.Content = append(resources.Content, cfnString(r))
		}
		n := mapping("Sid", str(st.sid), "Effect", str("Allow"), "Action", actions, "Resource", resources)
		n.HeadComment = strings.Join(st.comment, "\n")
		statements.Content = append(statements.Content, n)
	}
	return mapping("Version", str("2012-10-17"), "Statement", statements)
}

// cfnSubs are what the placeholders stand for in !Sub.
var cfnSubs = strings.NewReplacer(
	"{partition}", "${AWS::Partition}",
	"{account}", "${AWS::AccountId}",
	"{region}", "${AWS::Region}",
	"{name}", "${FunctionName}",
)

// cfnString is s with its placeholders: a plain string when it has none.
func cfnString(s string) *yaml.Node {
	switch {
	case s == "{function-arn}":
		return tagged("!GetAtt", "SweeperFunction.Arn")
	case hasPlaceholder(s):
		return tagged("!Sub", cfnSubs.Replace(s))
	}
	return str(s)
}

// seqOf is a block sequence of nodes.
func seqOf(nodes ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Content: nodes}
}
