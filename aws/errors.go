package aws

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
)

// explain turns an SDK error into words that say what happened and what
// to do: expired credentials, the missing IAM action, an unknown VPC, a
// quota, a duplicate rule. what names the object concerned, if any.
func explain(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled):
		return cancelled{err}
	}
	if inner := assumeRoleError(err); inner != nil {
		if RoleMissing(err) {
			return &Error{Action: "sts:AssumeRole", Err: err,
				Words: "the role could not be assumed in this account (sts:AssumeRole): it does not exist there, or its trust policy does not name this caller; deploy it (a StackSet does it for an organisation) or leave the account out"}
		}
		return explainCall(inner, what) // expired credentials, throttling, a region turned off: said as they are
	}
	return explainCall(err, what)
}

// explainCall is explain for an error of the call itself.
func explainCall(err error, what string) error {
	action, service := "", "EC2"
	var oe *smithy.OperationError
	if errors.As(err, &oe) {
		action = "ec2:" + oe.Operation()
		if oe.Service() == "STS" {
			action, service = "sts:"+oe.Operation(), "STS"
		}
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		words := transportWords(err, service)
		if words == "" {
			return err
		}
		if what != "" {
			words = what + ": " + words
		}
		return &Error{Action: action, Words: words, Err: err}
	}
	code, msg := ae.ErrorCode(), ae.ErrorMessage()
	var words string
	switch code {
	case "ExpiredToken", "ExpiredTokenException", "RequestExpired":
		words = "the AWS credentials have expired: log in again (aws sso login, or new keys from your administrator), then run sgwiz again"
	case "AuthFailure", "InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch":
		words = "AWS rejected the credentials (wrong or expired keys, or a clock far off): check AWS_PROFILE and the keys it uses (aws sts get-caller-identity tells)"
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
		words = "a security group does not exist in this region: check the ids in the plan and --region"
		if ids := groupIDs.FindAllString(msg, -1); len(ids) > 0 {
			words = fmt.Sprintf("security group %s does not exist in this region: check the id, or --region", strings.Join(ids, ", "))
		}
	case "InvalidPrefixListID.NotFound", "InvalidPrefixListId.NotFound", "InvalidPrefixListID.Malformed":
		words = "a prefix list does not exist in this region: check the pl- ids in the plan and --region (prefix lists are regional)"
	case "DependencyViolation":
		words = "another group's rule still refers to this group: remove that rule first"
	case "RequestLimitExceeded", "Throttling", "ThrottlingException":
		words = "AWS kept throttling the calls after retries: try again in a minute"
	default:
		words = msg
	}
	var attempts *retry.MaxAttemptsError
	if errors.As(err, &attempts) && !strings.Contains(words, "after retries") {
		words += fmt.Sprintf(" (still failing after %d attempts: try again later)", attempts.Attempt)
	}
	if what != "" {
		words = what + ": " + words
	}
	return &Error{Code: code, Action: action, Words: words, Err: err}
}

var groupIDs = regexp.MustCompile(`sg-[0-9a-f]+`)

// transportWords says in words why a call never got an answer from AWS:
// no credentials, an unknown profile, an endpoint that is down or has no
// name, a timeout, retries used up. "" when err is none of those.
func transportWords(err error, service string) string {
	msg := err.Error()
	var urlErr *url.Error
	var dns *net.DNSError
	var op *net.OpError
	var attempts *retry.MaxAttemptsError
	switch {
	case strings.Contains(msg, "failed to get shared config profile"):
		name := msg[strings.LastIndex(msg, ",")+1:]
		return fmt.Sprintf("profile %q is not in ~/.aws/config or ~/.aws/credentials: check --profile and AWS_PROFILE (aws configure list-profiles lists them)", strings.TrimSpace(name))
	case strings.Contains(msg, "SSO session has expired"), strings.Contains(msg, "refresh cached SSO token failed"), strings.Contains(msg, "token has expired"):
		return "your AWS SSO login has expired: run aws sso login (with --profile if you use one), then run sgwiz again"
	case strings.Contains(msg, "failed to retrieve credentials"), strings.Contains(msg, "no EC2 IMDS role found"),
		strings.Contains(msg, "failed to refresh cached credentials"):
		return "no usable AWS credentials: run aws configure or aws sso login, set AWS_PROFILE, or try sgwiz --sandbox"
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("%s did not answer within %s: check the network and try again", service, CallTimeout)
	case errors.As(err, &urlErr) && (errors.As(err, &dns) || errors.As(err, &op) && op.Op == "dial"):
		where := urlErr.URL
		if u, perr := url.Parse(urlErr.URL); perr == nil {
			where = u.Scheme + "://" + u.Host
		}
		cause := "the connection was refused"
		switch {
		case dns != nil && dns.IsNotFound:
			cause = "no such host: check --region and --endpoint-url"
		case dns != nil:
			cause = "its name cannot be looked up: check the network"
		case errors.Is(err, syscall.ECONNREFUSED):
			cause = "the connection was refused: is the endpoint running? check --endpoint-url and AWS_ENDPOINT_URL"
		case op.Timeout():
			cause = fmt.Sprintf("no answer within %s: check the network, a proxy, or --endpoint-url", DialTimeout)
		default:
			cause = op.Err.Error()
		}
		return fmt.Sprintf("cannot reach %s at %s: %s", service, where, cause)
	case errors.As(err, &attempts):
		return fmt.Sprintf("%s did not answer after %d attempts (the last: %v): check the network and try again", service, attempts.Attempt, attempts.Err)
	}
	return ""
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

// assumeRoleError is the STS AssumeRole failure inside err (assuming a
// role for another call's credentials), or nil.
func assumeRoleError(err error) error {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if oe, ok := e.(*smithy.OperationError); ok && oe.Service() == "STS" && oe.Operation() == "AssumeRole" {
			return oe
		}
	}
	return nil
}

// RoleMissing reports whether err is AssumeRole refused: the role does not
// exist in that account, or does not trust the caller (AWS says both as
// AccessDenied), rather than a failure of the caller's own credentials.
func RoleMissing(err error) bool {
	inner := assumeRoleError(err)
	var ae smithy.APIError
	return inner != nil && errors.As(inner, &ae) && (ae.ErrorCode() == "AccessDenied" || ae.ErrorCode() == "AccessDeniedException")
}
