package aws_test

import (
	"context"
	"encoding/pem"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/sgwiz/sgwiz/aws/awstest"
)

// A machine with AWS_CA_BUNDLE (a company proxy's certificate) connects
// as the AWS CLI does: the SDK adds the bundle to sgwiz's own client.
func TestConnectKeepsTheCABundle(t *testing.T) {
	tls := httptest.NewTLSServer(nil)
	defer tls.Close()
	bundle := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(bundle, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tls.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CA_BUNDLE", bundle)
	sb := awstest.NewServer()
	defer sb.Close()
	c, err := sb.Connect(context.Background(), "")
	if err != nil {
		t.Fatalf("AWS_CA_BUNDLE set: %v", err)
	}
	if _, err := c.Groups(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
}
