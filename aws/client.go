// Package aws applies plans to AWS EC2 through aws-sdk-go-v2, imports
// existing groups as plans, and (in aws/awstest) serves an EC2-compatible
// sandbox for people without an account and for the tests.
//
//	c, err := aws.Connect(ctx, aws.Options{Profile: "dev", Region: "eu-west-1"})
//	changes, err := c.Plan(ctx, plan)
//	result, err := c.Apply(ctx, changes, aws.ApplyOptions{})
package aws

import (
	"context"
	"fmt"
	"net/http"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/sts"
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
	ec2    *ec2.Client
	sts    *sts.Client
	Region string
}

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
	}
	if o.Credentials != nil {
		opts = append(opts, config.WithCredentialsProvider(o.Credentials))
	}
	attempts := o.MaxAttempts
	if attempts == 0 {
		attempts = 5
	}
	opts = append(opts, config.WithRetryer(func() sdk.Retryer {
		return retry.NewStandard(func(so *retry.StandardOptions) { so.MaxAttempts = attempts })
	}))
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, explain(err, "")
	}
	if cfg.Region == "" {
		return nil, fmt.Errorf("no AWS region: give --region, set AWS_REGION, or set a region in your profile")
	}
	return &Client{ec2: ec2.NewFromConfig(cfg), sts: sts.NewFromConfig(cfg), Region: cfg.Region}, nil
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
