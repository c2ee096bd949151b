package cli

import (
	"context"
	"fmt"

	"github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/aws/awstest"
	"github.com/spf13/cobra"
)

// awsFlags choose the account as the AWS CLI does, or the sandbox.
type awsFlags struct {
	profile, region, endpoint string
	sandbox                   bool
}

func (f *awsFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.profile, "profile", "", "AWS profile (default: AWS_PROFILE, else default)")
	fl.StringVar(&f.region, "region", "", "AWS region (default: AWS_REGION or the profile's)")
	fl.StringVar(&f.endpoint, "endpoint-url", "", "send the EC2 calls to this endpoint (default: AWS_ENDPOINT_URL)")
	fl.BoolVar(&f.sandbox, "sandbox", false, "use an in-process EC2 sandbox instead of AWS (no account needed; forgotten on exit)")
}

// connect returns a client and a function that releases the sandbox.
func (f *awsFlags) connect(ctx context.Context, env *Env) (*aws.Client, func(), error) {
	if f.sandbox {
		sb := awstest.NewServer()
		sb.Handler().Example() // an account with groups to pick, edit and audit
		c, err := sb.Connect(ctx, f.region)
		if err != nil {
			sb.Close()
			return nil, nil, err
		}
		return c, sb.Close, nil
	}
	c, err := env.connect(ctx, aws.Options{Profile: f.profile, Region: f.region, EndpointURL: f.endpoint})
	if err != nil {
		return nil, nil, fmt.Errorf("%w (to try sgwiz without an account: --sandbox)", err)
	}
	return c, func() {}, nil
}

// describe says which AWS the flags chose, for the wizard's start screen.
func (f *awsFlags) describe(env *Env, region string) string {
	if f.sandbox {
		return "sandbox (in-process, forgotten on exit), region " + region
	}
	profile := f.profile
	if profile == "" {
		profile = env.getenv("AWS_PROFILE")
	}
	if profile == "" {
		profile = "default"
	}
	where := "profile " + profile + ", region " + region
	if f.endpoint != "" {
		where += ", endpoint " + f.endpoint
	} else if e := env.getenv("AWS_ENDPOINT_URL"); e != "" {
		where += ", endpoint " + e
	}
	return where
}
