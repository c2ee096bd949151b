package export

import (
	"cmp"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// renderSweeperTerraform writes the sweeper as a Terraform module: the
// function (code from a zip Terraform uploads, or from S3), its role and
// log group, and the schedule with its own role. The file is built as an
// hclwrite.File (it is small, and made once) and formatted by hclwrite,
// as terraform fmt would.
func renderSweeperTerraform(s Sweeper) ([]byte, error) {
	f := hclwrite.NewEmptyFile()
	body := f.Body()
	tfComment(body,
		"The sgwiz sweeper, made by sgwiz: sgwiz sweep as a Lambda function that",
		"EventBridge Scheduler runs ("+s.schedule()+" by default). It revokes the temporary",
		"rules (sgwiz allow) whose time is over in "+s.sweeps()+".",
		"Build its code: GOOS=linux GOARCH=arm64 go build -tags lambda.norpc -o bootstrap . && zip sweeper.zip bootstrap",
		"Deploy it: terraform init && terraform apply")
	body.AppendNewline()

	tfVariable(body, "function_name", "Name of the function, its roles and its log group", cty.StringVal(s.name()))
	tfVariable(body, "schedule", "When the sweeper runs: an EventBridge Scheduler expression", cty.StringVal(s.schedule()))
	bucket, key, fromS3 := s.s3()
	if !fromS3 {
		tfVariable(body, "zip", "The zip holding the sgwiz binary as bootstrap, built for linux/arm64", cty.StringVal(cmp.Or(s.Zip, defaultZip)))
	}

	for _, d := range []string{"aws_partition", "aws_caller_identity", "aws_region"} {
		body.AppendUnstructuredTokens(hclwrite.Tokens{{Type: hclsyntax.TokenIdent, Bytes: []byte(`data "` + d + `" "current" {}`)}, {Type: hclsyntax.TokenNewline, Bytes: []byte("\n")}})
	}
	body.AppendNewline()

	// The function's role.
	trust := body.AppendNewBlock("data", []string{"aws_iam_policy_document", "sweeper_trust"}).Body()
	st := trust.AppendNewBlock("statement", nil).Body()
	st.SetAttributeValue("actions", cty.ListVal([]cty.Value{cty.StringVal("sts:AssumeRole")}))
	tfPrincipals(st, "lambda.amazonaws.com")
	body.AppendNewline()

	role := body.AppendNewBlock("resource", []string{"aws_iam_role", "sweeper"}).Body()
	role.SetAttributeTraversal("name", tfRef("var.function_name"))
	role.SetAttributeValue("description", cty.StringVal("The sgwiz sweeper: reads temporary security group rules and revokes the expired ones"))
	role.SetAttributeTraversal("assume_role_policy", tfRef("data.aws_iam_policy_document.sweeper_trust.json"))
	body.AppendNewline()

	tfPolicyDocument(body, "sweeper", s.functionPolicy())
	tfRolePolicy(body, "sweeper", "sweep")

	logs := body.AppendNewBlock("resource", []string{"aws_cloudwatch_log_group", "sweeper"}).Body()
	logs.SetAttributeRaw("name", tfString("/aws/lambda/{name}"))
	logs.SetAttributeValue("retention_in_days", cty.NumberIntVal(sweeperLogDays))
	body.AppendNewline()

	fn := body.AppendNewBlock("resource", []string{"aws_lambda_function", "sweeper"}).Body()
	fn.SetAttributeTraversal("function_name", tfRef("var.function_name"))
	fn.SetAttributeValue("description", cty.StringVal("sgwiz sweep: revokes the temporary security group rules whose time is over"))
	fn.SetAttributeTraversal("role", tfRef("aws_iam_role.sweeper.arn"))
	fn.SetAttributeValue("runtime", cty.StringVal("provided.al2023"))
	fn.SetAttributeValue("handler", cty.StringVal("bootstrap"))
	tfComment(fn, "arm64 (Graviton) costs about a fifth less than x86_64; build with GOARCH=arm64.")
	fn.SetAttributeValue("architectures", cty.ListVal([]cty.Value{cty.StringVal(sweeperArchitecture)}))
	if fromS3 {
		fn.SetAttributeValue("s3_bucket", cty.StringVal(bucket))
		fn.SetAttributeValue("s3_key", cty.StringVal(key))
	} else {
		fn.SetAttributeTraversal("filename", tfRef("var.zip"))
		fn.SetAttributeRaw("source_code_hash", hclwrite.TokensForFunctionCall("filebase64sha256", hclwrite.TokensForTraversal(tfRef("var.zip"))))
	}
	fn.SetAttributeValue("memory_size", cty.NumberIntVal(sweeperMemory))
	tfComment(fn, "A run may outlast the time to the next: sweep is safe to run twice at once.")
	fn.SetAttributeValue("timeout", cty.NumberIntVal(sweeperTimeout))
	if env := s.sortedEnvironment(); len(env) > 0 {
		vars := make([]hclwrite.ObjectAttrTokens, len(env))
		for i, kv := range env {
			vars[i] = hclwrite.ObjectAttrTokens{Name: hclwrite.TokensForIdentifier(kv[0]), Value: hclwrite.TokensForValue(cty.StringVal(kv[1]))}
		}
		fn.AppendNewline()
		tfComment(fn, "What sweep sweeps: its flags, as the function reads them.")
		fn.AppendNewBlock("environment", nil).Body().SetAttributeRaw("variables", hclwrite.TokensForObject(vars))
	}
	fn.AppendNewline()
	fn.SetAttributeRaw("depends_on", tfList(hclwrite.TokensForTraversal(tfRef("aws_iam_role_policy.sweeper")), hclwrite.TokensForTraversal(tfRef("aws_cloudwatch_log_group.sweeper"))))
	body.AppendNewline()

	// The schedule and its role.
	strust := body.AppendNewBlock("data", []string{"aws_iam_policy_document", "schedule_trust"}).Body()
	st = strust.AppendNewBlock("statement", nil).Body()
	st.SetAttributeValue("actions", cty.ListVal([]cty.Value{cty.StringVal("sts:AssumeRole")}))
	tfPrincipals(st, "scheduler.amazonaws.com")
	tfComment(st, "Only this account's schedules may use the role.")
	cond := st.AppendNewBlock("condition", nil).Body()
	cond.SetAttributeValue("test", cty.StringVal("StringEquals"))
	cond.SetAttributeValue("variable", cty.StringVal("aws:SourceAccount"))
	cond.SetAttributeRaw("values", tfList(hclwrite.TokensForTraversal(tfRef("data.aws_caller_identity.current.account_id"))))
	body.AppendNewline()

	srole := body.AppendNewBlock("resource", []string{"aws_iam_role", "schedule"}).Body()
	srole.SetAttributeRaw("name", tfString("{name}-scheduler"))
	srole.SetAttributeValue("description", cty.StringVal("Lets EventBridge Scheduler invoke the sgwiz sweeper, and nothing else"))
	srole.SetAttributeTraversal("assume_role_policy", tfRef("data.aws_iam_policy_document.schedule_trust.json"))
	body.AppendNewline()

	tfPolicyDocument(body, "schedule", schedulePolicy())
	tfRolePolicy(body, "schedule", "invoke-the-sweeper")

	sched := body.AppendNewBlock("resource", []string{"aws_scheduler_schedule", "sweeper"}).Body()
	sched.SetAttributeTraversal("name", tfRef("var.function_name"))
	sched.SetAttributeValue("description", cty.StringVal("Runs sgwiz sweep"))
	sched.SetAttributeTraversal("schedule_expression", tfRef("var.schedule"))
	sched.AppendNewBlock("flexible_time_window", nil).Body().SetAttributeValue("mode", cty.StringVal("OFF"))
	target := sched.AppendNewBlock("target", nil).Body()
	target.SetAttributeTraversal("arn", tfRef("aws_lambda_function.sweeper.arn"))
	target.SetAttributeTraversal("role_arn", tfRef("aws_iam_role.schedule.arn"))
	tfComment(target, "A missed run is the next run's: it sweeps all that expired meanwhile.")
	target.AppendNewBlock("retry_policy", nil).Body().SetAttributeValue("maximum_retry_attempts", cty.NumberIntVal(0))
	sched.AppendNewline()
	sched.SetAttributeRaw("depends_on", tfList(hclwrite.TokensForTraversal(tfRef("aws_iam_role_policy.schedule"))))

	for _, o := range []struct{ name, description, value string }{
		{"function_arn", "The sweeper function", "aws_lambda_function.sweeper.arn"},
		{"role_arn", "The function's role: the role sweep assumes in each account trusts it", "aws_iam_role.sweeper.arn"},
		{"schedule_arn", "The schedule that runs the sweeper", "aws_scheduler_schedule.sweeper.arn"},
	} {
		body.AppendNewline()
		out := body.AppendNewBlock("output", []string{o.name}).Body()
		out.SetAttributeValue("description", cty.StringVal(o.description))
		out.SetAttributeTraversal("value", tfRef(o.value))
	}
	return hclwrite.Format(f.Bytes()), nil
}

// tfComment writes lines as # comments.
func tfComment(b *hclwrite.Body, lines ...string) {
	for _, l := range lines {
		b.AppendUnstructuredTokens(hclwrite.Tokens{{Type: hclsyntax.TokenComment, Bytes: []byte("# " + l + "\n")}})
	}
}

// tfVariable writes a string variable with its default.
func tfVariable(b *hclwrite.Body, name, description string, def cty.Value) {
	v := b.AppendNewBlock("variable", []string{name}).Body()
	v.SetAttributeValue("description", cty.StringVal(description))
	v.SetAttributeTraversal("type", tfRef("string"))
	v.SetAttributeValue("default", def)
	b.AppendNewline()
}

// tfPrincipals writes a principals block of one AWS service.
func tfPrincipals(b *hclwrite.Body, service string) {
	p := b.AppendNewBlock("principals", nil).Body()
	p.SetAttributeValue("type", cty.StringVal("Service"))
	p.SetAttributeValue("identifiers", cty.ListVal([]cty.Value{cty.StringVal(service)}))
}

// tfPolicyDocument writes the policy as an aws_iam_policy_document.
func tfPolicyDocument(b *hclwrite.Body, name string, policy []iamStatement) {
	doc := b.AppendNewBlock("data", []string{"aws_iam_policy_document", name}).Body()
	for i, st := range policy {
		if i > 0 {
			doc.AppendNewline()
		}
		tfComment(doc, st.comment...)
		sb := doc.AppendNewBlock("statement", nil).Body()
		sb.SetAttributeValue("sid", cty.StringVal(st.sid))
		actions := make([]hclwrite.Tokens, len(st.actions))
		for j, a := range st.actions {
			actions[j] = hclwrite.TokensForValue(cty.StringVal(a))
		}
		sb.SetAttributeRaw("actions", tfList(actions...))
		resources := make([]hclwrite.Tokens, len(st.resources))
		for j, r := range st.resources {
			resources[j] = tfString(r)
		}
		sb.SetAttributeRaw("resources", tfList(resources...))
	}
	b.AppendNewline()
}

// tfRolePolicy attaches the policy document name to the role name, inline.
func tfRolePolicy(b *hclwrite.Body, name, policyName string) {
	p := b.AppendNewBlock("resource", []string{"aws_iam_role_policy", name}).Body()
	p.SetAttributeValue("name", cty.StringVal(policyName))
	p.SetAttributeTraversal("role", tfRef("aws_iam_role."+name+".id"))
	p.SetAttributeTraversal("policy", tfRef("data.aws_iam_policy_document."+name+".json"))
	b.AppendNewline()
}

// tfRef is a reference such as var.zip or aws_iam_role.sweeper.arn.
func tfRef(s string) hcl.Traversal {
	parts := strings.Split(s, ".")
	t := hcl.Traversal{hcl.TraverseRoot{Name: parts[0]}}
	for _, p := range parts[1:] {
		t = append(t, hcl.TraverseAttr{Name: p})
	}
	return t
}

// tfRefs are what the placeholders of a statement's resources stand for.
var tfRefs = map[string]string{
	"{partition}":    "data.aws_partition.current.partition",
	"{account}":      "data.aws_caller_identity.current.account_id",
	"{region}":       "data.aws_region.current.name",
	"{name}":         "var.function_name",
	"{function-arn}": "aws_lambda_function.sweeper.arn",
}

// tfString is s as a string, with its placeholders interpolated: a plain
// literal when it has none, the bare reference when it is one.
func tfString(s string) hclwrite.Tokens {
	if r, ok := tfRefs[s]; ok {
		return hclwrite.TokensForTraversal(tfRef(r))
	}
	if !hasPlaceholder(s) {
		return hclwrite.TokensForValue(cty.StringVal(s))
	}
	toks := hclwrite.Tokens{{Type: hclsyntax.TokenOQuote, Bytes: []byte(`"`)}}
	for s != "" {
		i := strings.IndexByte(s, '{')
		j := strings.IndexByte(s[max(i, 0):], '}') + max(i, 0)
		if i < 0 || j < i {
			toks = append(toks, tfLiteral(s))
			break
		}
		r, ok := tfRefs[s[i:j+1]]
		if !ok {
			toks = append(toks, tfLiteral(s[:j+1]))
			s = s[j+1:]
			continue
		}
		if i > 0 {
			toks = append(toks, tfLiteral(s[:i]))
		}
		toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenTemplateInterp, Bytes: []byte("${")})
		toks = append(toks, hclwrite.TokensForTraversal(tfRef(r))...)
		toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenTemplateSeqEnd, Bytes: []byte("}")})
		s = s[j+1:]
	}
	return append(toks, &hclwrite.Token{Type: hclsyntax.TokenCQuote, Bytes: []byte(`"`)})
}

// tfLiteral is the text of a quoted string, escaped as hclwrite does.
func tfLiteral(s string) *hclwrite.Token {
	q := hclwrite.TokensForValue(cty.StringVal(s)).Bytes()
	return &hclwrite.Token{Type: hclsyntax.TokenQuotedLit, Bytes: q[1 : len(q)-1]}
}

// tfList is a list, an element a line when there are several.
func tfList(elems ...hclwrite.Tokens) hclwrite.Tokens {
	if len(elems) < 2 {
		return hclwrite.TokensForTuple(elems)
	}
	toks := hclwrite.Tokens{{Type: hclsyntax.TokenOBrack, Bytes: []byte("[")}, {Type: hclsyntax.TokenNewline, Bytes: []byte("\n")}}
	for _, e := range elems {
		toks = append(toks, e...)
		toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenComma, Bytes: []byte(",")}, &hclwrite.Token{Type: hclsyntax.TokenNewline, Bytes: []byte("\n")})
	}
	return append(toks, &hclwrite.Token{Type: hclsyntax.TokenCBrack, Bytes: []byte("]")})
}
