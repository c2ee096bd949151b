// Package aws applies plans to AWS EC2 through aws-sdk-go-v2, imports
// existing groups as plans, and (in aws/awstest) serves an EC2-compatible
// sandbox for people without an account and for the tests.
//
//	c, err := aws.Connect(ctx, aws.Options{Profile: "dev", Region: "eu-west-1"})
//	changes, err := c.Plan(ctx, plan)
//	fmt.Println(strings.Join(changes.Lines(), "\n"))
//	result, err := c.Apply(ctx, changes)
package aws

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"time"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
)

// Options choose the account and region as the AWS CLI does.
type Options struct {
	// Profile is a shared config profile (--profile; AWS_PROFILE works too).
	Profile string
	// Region (--region; AWS_REGION and the profile's region work too).
	Region string
	// EndpointURL sends every call to this endpoint (--endpoint-url;
	// AWS_ENDPOINT_URL works too): moto, the sandbox, a VPC endpoint.
	EndpointURL string
	// HTTPClient, when set, carries the calls (tests count or break them).
	HTTPClient *http.Client
	// MaxAttempts bounds the SDK retryer (default 5).
	MaxAttempts int
	// Credentials, when set, replace the SDK's credential chain (the
	// sandbox takes any).
	Credentials sdk.CredentialsProvider
}

// Client talks to EC2 (and STS for the caller's identity).
type Client struct {
	// cfg is the configuration every service client is made from (its
	// region and credentials: InRegion and AssumeRole change them).
	cfg    sdk.Config
	ec2    *ec2.Client
	sts    *sts.Client
	Region string
	// Endpoint is where the EC2 calls go, for messages.
	Endpoint string
}

// Timeouts: a connection must open within DialTimeout, and each call,
// with its retries, ends within CallTimeout.
const (
	DialTimeout = 3 * time.Second
	CallTimeout = 90 * time.Second
)

// regionPattern is the shape of every AWS region name (eu-west-1,
// us-gov-west-1, ap-southeast-4, …).
var regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

// ValidRegion reports whether name has the shape of an AWS region name.
func ValidRegion(name string) bool { return regionPattern.MatchString(name) }

// Connect loads the configuration with the SDK's own loader (shared files,
// SSO, environment) and returns a client. It makes no call.
func Connect(ctx context.Context, o Options) (*Client, error) {
	var opts []func(*config.LoadOptions) error
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	if o.Region != "" {
		opts = append(opts, config.WithRegion(o.Region))
	}
	if o.EndpointURL != "" {
		opts = append(opts, config.WithBaseEndpoint(o.EndpointURL))
	}
	if o.HTTPClient != nil {
		opts = append(opts, config.WithHTTPClient(o.HTTPClient))
	} else {
		opts = append(opts, config.WithHTTPClient(awshttp.NewBuildableClient().
			WithDialerOptions(func(d *net.Dialer) { d.Timeout = DialTimeout }).
			WithTimeout(CallTimeout)))
	}
	if o.Credentials != nil {
		opts = append(opts, config.WithCredentialsProvider(o.Credentials))
	}
	attempts := o.MaxAttempts
	if attempts == 0 {
		attempts = 5
	}
	opts = append(opts, config.WithRetryer(func() sdk.Retryer {
		return retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts = attempts
			// An endpoint that refuses or cannot be found is down or
			// mistyped: say so at once instead of retrying for seconds.
			so.Retryables = append([]retry.IsErrorRetryable{retry.IsErrorRetryableFunc(noDialRetry)}, so.Retryables...)
		})
	}))
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, explain(err, "")
	}
	// Wrapped after loading: the SDK adds AWS_CA_BUNDLE's certificates
	// only to its own client type.
	cfg.HTTPClient = HTTPClient(cfg.HTTPClient)
	if cfg.Region == "" {
		return nil, fmt.Errorf("no AWS region: give --region, set AWS_REGION, or set a region in your profile")
	}
	if !regionPattern.MatchString(cfg.Region) {
		return nil, fmt.Errorf("%q is not an AWS region name: give one such as eu-west-1 or us-east-1 (--region, AWS_REGION or the profile's region)", cfg.Region)
	}
	endpoint := "https://ec2." + cfg.Region + ".amazonaws.com"
	if cfg.BaseEndpoint != nil {
		endpoint = *cfg.BaseEndpoint
	}
	return fromConfig(cfg, endpoint), nil
}

// fromConfig is the client of cfg: EC2 and STS, each call bounded by
// CallTimeout; the other services' clients are made from cfg when asked.
func fromConfig(cfg sdk.Config, endpoint string) *Client {
	return &Client{
		cfg:      cfg,
		ec2:      ec2.NewFromConfig(cfg, func(o *ec2.Options) { o.APIOptions = append(o.APIOptions, withCallTimeout) }),
		sts:      sts.NewFromConfig(cfg, func(o *sts.Options) { o.APIOptions = append(o.APIOptions, withCallTimeout) }),
		Region:   cfg.Region,
		Endpoint: endpoint,
	}
}

// HTTPClient carries the SDK's calls through c (the SDK's default client
// when nil) with request bodies that only read.
//
// The SDK wraps each request body in a closer whose WriteTo answers io.EOF
// once the SDK has closed it, and it closes it as soon as the response
// headers arrive. net/http, after sending the body, reads it once more to
// check there is nothing beyond its length; when the response came first,
// that read goes through WriteTo, takes the EOF for a failed write and
// closes the connection under the response being read. The SDK then
// retries a call that EC2 has already carried out, and an authorize comes
// back InvalidPermission.Duplicate (seen one run in a few hundred on a busy
// machine). A body without WriteTo is read with Read, which ends cleanly.
func HTTPClient(c sdk.HTTPClient) sdk.HTTPClient {
	if c == nil {
		c = awshttp.NewBuildableClient()
	}
	return readOnlyBodies{c}
}

type readOnlyBodies struct{ c sdk.HTTPClient }

func (r readOnlyBodies) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody {
		req.Body = readOnlyBody{req.Body}
	}
	return r.c.Do(req)
}

// readOnlyBody hides every method of the body but Read and Close.
type readOnlyBody struct{ io.ReadCloser }

// noDialRetry refuses to retry a connection that could not be opened.
func noDialRetry(err error) sdk.Ternary {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return sdk.FalseTernary
	}
	return sdk.UnknownTernary
}

// withCallTimeout bounds each call, retries included, by CallTimeout.
func withCallTimeout(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("sgwizCallTimeout",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			ctx, cancel := context.WithTimeout(ctx, CallTimeout)
			defer cancel()
			return next.HandleInitialize(ctx, in)
		}), middleware.Before)
}

// Identity is who the credentials belong to.
type Identity struct {
	Account, ARN string
}

// WhoAmI asks STS for the caller's account, which also proves the
// credentials work.
func (c *Client) WhoAmI(ctx context.Context) (Identity, error) {
	out, err := c.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return Identity{}, explain(err, "")
	}
	return Identity{Account: sdk.ToString(out.Account), ARN: sdk.ToString(out.Arn)}, nil
}

// VPC is a VPC of the region, for pickers.
type VPC struct {
	ID, CIDR, Name string
	Default        bool
	IPv6           bool
}

// VPCs lists the region's VPCs, the default first.
func (c *Client) VPCs(ctx context.Context) ([]VPC, error) {
	var vpcs []VPC
	p := ec2.NewDescribeVpcsPaginator(c.ec2, &ec2.DescribeVpcsInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, explain(err, "")
		}
		for _, v := range out.Vpcs {
			vpc := VPC{ID: sdk.ToString(v.VpcId), CIDR: sdk.ToString(v.CidrBlock), Default: sdk.ToBool(v.IsDefault), IPv6: len(v.Ipv6CidrBlockAssociationSet) > 0}
			for _, t := range v.Tags {
				if sdk.ToString(t.Key) == "Name" {
					vpc.Name = sdk.ToString(t.Value)
				}
			}
			if vpc.Default {
				vpcs = append([]VPC{vpc}, vpcs...)
			} else {
				vpcs = append(vpcs, vpc)
			}
		}
	}
	return vpcs, nil
}
