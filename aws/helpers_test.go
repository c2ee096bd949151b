package aws_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"sync"
	"testing"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	sgaws "github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/internal/mototest"
	"github.com/sgwiz/sgwiz/internal/statetest"
	"github.com/sgwiz/sgwiz/model"
)

// One moto_server serves the package's tests, an account each.
func TestMain(m *testing.M) { mototest.Main(m) }

var office = []netip.Prefix{netip.MustParsePrefix("203.0.113.10/32")}

func presetPlan(t testing.TB, id string) model.Plan {
	t.Helper()
	return presetIn(t, id, model.Inputs{})
}

// presetIn builds a preset with an office CIDR and an Owner tag on top of in.
func presetIn(t testing.TB, id string, in model.Inputs) model.Plan {
	t.Helper()
	u, _ := model.LookupUseCase(id)
	in.Office = office
	in.Tags = append(in.Tags, model.Tag{Key: "Owner", Value: "sgwiz-test"})
	p, err := u.Build(in)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var testCredentials = credentials.NewStaticCredentialsProvider("test", "test", "")

// connect returns sgwiz's client for the endpoint, recording its calls.
func connect(t testing.TB, url string) (*sgaws.Client, *mototest.Recorder) {
	t.Helper()
	rec := &mototest.Recorder{}
	c, err := sgaws.Connect(context.Background(), sgaws.Options{Region: "us-east-1", EndpointURL: url,
		HTTPClient: &http.Client{Transport: rec}, Credentials: testCredentials})
	if err != nil {
		t.Fatal(err)
	}
	return c, rec
}

// rawEC2 is a plain SDK client, to look at the account independently.
func rawEC2(t testing.TB, url string, opts ...func(*config.LoadOptions) error) *ec2.Client {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(), append([]func(*config.LoadOptions) error{config.WithRegion("us-east-1"),
		config.WithBaseEndpoint(url), config.WithCredentialsProvider(testCredentials)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	cfg.HTTPClient = sgaws.HTTPClient(cfg.HTTPClient) // as sgwiz sends its calls
	return ec2.NewFromConfig(cfg)
}

// ipv6VPC makes a VPC with an Amazon-provided IPv6 block, in which AWS
// gives new groups an outbound rule to ::/0 too.
func ipv6VPC(t testing.TB, c *ec2.Client) string {
	t.Helper()
	out, err := c.CreateVpc(context.Background(), &ec2.CreateVpcInput{CidrBlock: sdk.String("10.9.0.0/16"), AmazonProvidedIpv6CidrBlock: sdk.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	return sdk.ToString(out.Vpc.VpcId)
}

// defaultVPC is the account's default VPC.
func defaultVPC(t testing.TB, c *ec2.Client) string {
	t.Helper()
	out, err := c.DescribeVpcs(context.Background(), &ec2.DescribeVpcsInput{Filters: []types.Filter{{Name: sdk.String("is-default"), Values: []string{"true"}}}})
	if err != nil || len(out.Vpcs) == 0 {
		t.Fatalf("no default VPC: %v", err)
	}
	return sdk.ToString(out.Vpcs[0].VpcId)
}

// described and wantJSON compare an account with the json export.
var (
	described = statetest.Described
	wantJSON  = statetest.Want
)

func groupNames(p model.Plan) []string {
	var names []string
	for _, g := range p.Groups {
		names = append(names, g.Name)
	}
	return names
}

// fanOut runs f as subtests named by names, up to width at a time. The
// subtests wait on moto and sleeps, not on the CPU, so they run wider
// than go test's -parallel (the number of CPUs) would let them.
func fanOut(t *testing.T, width int, names []string, f func(t *testing.T, i int)) {
	sem := make(chan struct{}, width)
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			t.Run(name, func(t *testing.T) { f(t, i) })
		}()
	}
	wg.Wait()
}

// vpcKinds are the two kinds of VPC every engine is proven in.
var vpcKinds = []string{"ipv4", "ipv6"}

// vpcOf returns the VPC of that kind in the account behind c.
func vpcOf(t testing.TB, c *ec2.Client, kind string) string {
	t.Helper()
	if kind == "ipv6" {
		return ipv6VPC(t, c)
	}
	return defaultVPC(t, c)
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

var _ = fmt.Sprint
