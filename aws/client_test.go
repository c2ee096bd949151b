package aws

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"

	smithyhttp "github.com/aws/smithy-go/transport/http"
)

type doFunc func(*http.Request) (*http.Response, error)

func (f doFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

// net/http reads a request body once more after sending its length, to
// check nothing is left; the SDK may have closed the body by then (the
// response came first). That read must end cleanly, or net/http closes
// the connection under the response and the SDK repeats a call EC2 has
// already carried out.
func TestRequestBodiesEndCleanlyAfterTheSDKClosesThem(t *testing.T) {
	r, err := smithyhttp.NewStackRequest().(*smithyhttp.Request).SetStream(bytes.NewReader([]byte("Action=AuthorizeSecurityGroupIngress")))
	if err != nil {
		t.Fatal(err)
	}
	var sent *http.Request
	_, _ = HTTPClient(doFunc(func(req *http.Request) (*http.Response, error) {
		sent = req
		return nil, nil
	})).Do(r.Build(context.Background()))
	if _, err := io.Copy(io.Discard, io.LimitReader(sent.Body, 36)); err != nil {
		t.Fatal(err)
	}
	_ = sent.Body.Close() // the SDK, when the response headers arrive
	if n, err := io.Copy(io.Discard, sent.Body); n != 0 || err != nil {
		t.Errorf("the last read of a closed body = %d bytes, %v; want 0 bytes and no error", n, err)
	}
}
