package aws

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/smithy-go"
)

// explain turns an SDK error into words that say what happened and what
// to do: expired credentials, the missing IAM action, an unknown VPC, a
// quota, a duplicate rule. what names the object concerned, if any.
func explain(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("interrupted: %w", err)
	}
	action := ""
	var oe *smithy.OperationError
	if errors.As(err, &oe) {
		action = "ec2:" + oe.Operation()
		if oe.Service() == "STS" {
			action = "sts:" + oe.Operation()
		}
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		msg := err.Error()
		switch {
		case strings.Contains(msg, "failed to retrieve credentials"), strings.Contains(msg, "no EC2 IMDS role found"),
			strings.Contains(msg, "failed to refresh cached credentials"):
			return &Error{Action: action, Words: "no usable AWS credentials: run aws configure or aws sso login, set AWS_PROFILE, or try sgwiz --sandbox", Err: err}
		case strings.Contains(msg, "exceeded maximum number of attempts"), strings.Contains(msg, "connection refused"), strings.Contains(msg, "no such host"):
			return &Error{Action: action, Words: "cannot reach AWS: check the network, --region and --endpoint-url", Err: err}
		}
		return err
	}
	code, msg := ae.ErrorCode(), ae.ErrorMessage()
	var words string
	switch code {
	case "AuthFailure", "ExpiredToken", "RequestExpired", "InvalidClientTokenId", "UnrecognizedClientException", "ExpiredTokenException", "SignatureDoesNotMatch":
		words = "AWS rejected the credentials (expired or wrong): log in again (aws sso login) or check AWS_PROFILE"
	case "UnauthorizedOperation", "AccessDenied", "AccessDeniedException":
		words = fmt.Sprintf("missing IAM permission %s: ask for it to be added to your role or user", action)
	case "InvalidVpcID.NotFound":
		words = "the VPC does not exist in this region: check --vpc-id and --region"
	case "VPCIdNotSpecified":
		words = "this region has no default VPC: give the plan a VPC (vpc_id) or --vpc-id"
	case "RulesPerSecurityGroupLimitExceeded":
		words = "the group would exceed its rule quota (60 per direction and IP version by default): merge rules or raise the quota in Service Quotas"
	case "SecurityGroupLimitExceeded", "ResourceLimitExceeded":
		words = "the region's security group quota is reached: delete unused groups or raise the quota in Service Quotas"
	case "InvalidPermission.Duplicate":
		words = "a rule already exists in the group"
	case "InvalidGroup.Duplicate":
		words = "a group with this name already exists in the VPC: reuse it (sgwiz applies the difference) or rename"
	case "InvalidGroup.NotFound", "InvalidGroupId.Malformed", "InvalidGroupId.NotFound":
		words = "the group does not exist (any more) in this region"
	case "DependencyViolation":
		words = "another group's rule still refers to this group: remove that rule first"
	case "RequestLimitExceeded", "Throttling", "ThrottlingException":
		words = "AWS kept throttling the calls after retries: try again in a minute"
	default:
		words = msg
	}
	if what != "" {
		words = what + ": " + words
	}
	return &Error{Code: code, Action: action, Words: words, Err: err}
}

// Error is an AWS error in words, keeping the code for callers that
// branch on it.
type Error struct {
	Code, Action, Words string
	Err                 error
}

func (e *Error) Error() string {
	switch {
	case e.Code != "":
		return fmt.Sprintf("%s (%s: %s)", e.Words, e.Action, e.Code)
	case e.Action != "":
		return fmt.Sprintf("%s (%s)", e.Words, e.Action)
	}
	return e.Words
}

func (e *Error) Unwrap() error { return e.Err }

// isCode reports whether err is an AWS error with one of the codes.
func isCode(err error, codes ...string) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	for _, c := range codes {
		if ae.ErrorCode() == c {
			return true
		}
	}
	return false
}
