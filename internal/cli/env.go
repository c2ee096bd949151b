package cli

import (
	"context"
	"io"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/model"
	"golang.org/x/term"
)

// Env is everything a command takes from the world: its standard streams,
// whether they are terminals, the clock, the environment, the way to
// reach AWS and the HTTP client that asks for the caller's public address.
// System is the process's own; tests build one with buffers, a fixed
// clock, a map for the environment and a connector to their moto account,
// and so can run in parallel.
type Env struct {
	In       io.Reader
	Out, Err io.Writer
	// IsTerminal reports whether both stdin and stdout are terminals.
	IsTerminal bool
	// ErrIsTerminal reports whether stderr is one (progress lines go there).
	ErrIsTerminal bool
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// Getenv reads an environment variable; nil reads none.
	Getenv func(string) string
	// Connect makes an AWS client; nil is aws.Connect (the SDK's own
	// loader: shared files, SSO, the process environment).
	Connect func(context.Context, aws.Options) (*aws.Client, error)
	// HTTP asks the "my IP" endpoint; nil is a plain client.
	HTTP *http.Client
	// Width is the terminal's width in columns; nil or 0 (piped) is 80.
	Width func() int

	book struct {
		once  sync.Once
		mu    sync.Mutex
		book  model.AddressBook
		notes []string
		err   error
	}
}

// System is the process's Env.
func System() *Env {
	return &Env{In: os.Stdin, Out: os.Stdout, Err: os.Stderr,
		IsTerminal:    term.IsTerminal(int(os.Stdin.Fd())) && term.IsTerminal(int(os.Stdout.Fd())),
		ErrIsTerminal: term.IsTerminal(int(os.Stderr.Fd())),
		Now:           time.Now, Getenv: os.Getenv, Connect: aws.Connect, HTTP: &http.Client{},
		Width: func() int {
			w, _, err := term.GetSize(int(os.Stdout.Fd()))
			if err != nil {
				return 0
			}
			return w
		}}
}

// width is the columns text may fill: the terminal's, else 80.
func (e *Env) width() int {
	if e.Width != nil {
		if w := e.Width(); w > 0 {
			return w
		}
	}
	return 80
}

// now is the commands' clock.
func (e *Env) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

// getenv reads the environment variable k, "" when unset.
func (e *Env) getenv(k string) string {
	if e.Getenv == nil {
		return ""
	}
	return e.Getenv(k)
}

// connect makes an AWS client as Connect says.
func (e *Env) connect(ctx context.Context, o aws.Options) (*aws.Client, error) {
	if e.Connect == nil {
		return aws.Connect(ctx, o)
	}
	return e.Connect(ctx, o)
}

// httpClient carries the "my IP" look-up.
func (e *Env) httpClient() *http.Client {
	if e.HTTP == nil {
		return &http.Client{}
	}
	return e.HTTP
}
