// Package export turns a plan into infrastructure code, one file per format:
//
//	out, err := export.Render(export.Terraform, plan)
//
// Each format is written with the library made for it (hclwrite, a YAML
// encoder, mvdan.cc/sh's quoting, encoding/json) and proven by a parser or
// the real tool in the tests.
package export

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/sgwiz/sgwiz/model"
)

// Format names an export format.
type Format string

// The formats sgwiz writes.
const (
	Terraform          Format = "terraform"
	CloudFormation     Format = "cloudformation"
	CloudFormationJSON Format = "cloudformation-json"
	AWSCLI             Format = "awscli"
	JSON               Format = "json"
	Markdown           Format = "markdown"
)

// Formats lists every format, in the order the wizard offers them.
var Formats = []Format{Terraform, CloudFormation, CloudFormationJSON, AWSCLI, JSON, Markdown}

// About says what the format is for, in one line.
func (f Format) About() string {
	switch f {
	case Terraform:
		return "Terraform (HCL): aws_security_group + one aws_vpc_security_group_*_rule per rule"
	case CloudFormation:
		return "CloudFormation template (YAML)"
	case CloudFormationJSON:
		return "CloudFormation template (JSON)"
	case AWSCLI:
		return "bash script for the aws CLI: creates the groups and prints their ids"
	case JSON:
		return "JSON in the shape of `aws ec2 describe-security-groups`"
	case Markdown:
		return "Markdown rule tables for runbooks and reviews"
	}
	return string(f)
}

// Extension is the usual file name extension.
func (f Format) Extension() string {
	switch f {
	case Terraform:
		return ".tf"
	case CloudFormation:
		return ".yaml"
	case CloudFormationJSON, JSON:
		return ".json"
	case AWSCLI:
		return ".sh"
	case Markdown:
		return ".md"
	}
	return ""
}

// ParseFormat reads a format name.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == strings.ToLower(strings.TrimSpace(s)) {
			return f, nil
		}
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return "", fmt.Errorf("unknown format %q%s: use one of %s", s, model.DidYouMean(s, names), strings.Join(names, ", "))
}

// Render writes the plan in format f. The plan must be valid.
func Render(f Format, p model.Plan) ([]byte, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	// EC2 holds a rule once: every format writes it once.
	p = p.MergeDuplicates()
	if f == Terraform || f == CloudFormation || f == CloudFormationJSON {
		if err := noTemporaryRules(p, f); err != nil {
			return nil, err
		}
	}
	switch f {
	case Terraform:
		return renderTerraform(p)
	case CloudFormation:
		return renderCloudFormation(p, false)
	case CloudFormationJSON:
		return renderCloudFormation(p, true)
	case AWSCLI:
		return renderAWSCLI(p)
	case JSON:
		return renderJSON(p)
	case Markdown:
		return renderMarkdown(p), nil
	}
	_, err := ParseFormat(string(f))
	return nil, err
}

// identifiers gives each group a unique identifier made of its name's
// letters and digits, in the given case style, starting with a letter.
func identifiers(p model.Plan, camel bool) map[string]string {
	ids := make(map[string]string, len(p.Groups))
	used := map[string]bool{}
	for _, g := range p.Groups {
		id := identifier(g.Name, camel)
		// Names run to 255 characters; CloudFormation's logical ids must
		// stay within 255 with what is appended to them.
		if len(id) > maxIdentifier {
			id = id[:maxIdentifier]
		}
		base := id
		for n := 2; used[id]; n++ {
			id = fmt.Sprintf("%s%s%d", base, map[bool]string{true: "", false: "_"}[camel], n)
		}
		used[id] = true
		ids[g.Name] = id
	}
	return ids
}

// maxIdentifier bounds a group's identifier.
const maxIdentifier = 64

// identifier turns a free-form name into snake_case or CamelCase.
func identifier(name string, camel bool) string {
	words := asciiWords(name)
	for i, w := range words {
		if camel {
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		} else {
			words[i] = strings.ToLower(w)
		}
	}
	sep := "_"
	if camel {
		sep = ""
	}
	id := strings.Join(words, sep)
	if id == "" || !unicode.IsLetter(rune(id[0])) {
		prefix := "sg_"
		if camel {
			prefix = "Sg"
		}
		id = prefix + id
	}
	return id
}

// asciiWords splits s into its runs of ASCII letters and digits.
func asciiWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r > unicode.MaxASCII || !(unicode.IsLetter(r) || unicode.IsDigit(r))
	})
}

// useCaseTitle names the plan's use case for headers.
func useCaseTitle(p model.Plan) string {
	if u, ok := model.LookupUseCase(p.UseCase); ok {
		return u.Title
	}
	return "a custom plan"
}

// noTemporaryRules refuses rules that expire in a format that keeps state:
// sgwiz sweep would revoke the rule and the next terraform apply (or stack
// update) would put it back.
func noTemporaryRules(p model.Plan, f Format) error {
	if e := p.Expiring(); len(e) > 0 {
		return fmt.Errorf("%s expires at %s, and %s keeps rules in its state: after sgwiz sweep revokes it, the next deployment would put it back; make it permanent, or add it with sgwiz apply, the awscli script or sgwiz allow",
			e[0].Text(), model.FormatExpiry(e[0].Expires), f)
	}
	return nil
}
