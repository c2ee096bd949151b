package cli

// The sweeper: the same binary, started by AWS Lambda (provided.al2023,
// its executable named bootstrap), runs sgwiz sweep on each invocation,
// with the flags its environment variables say (export.EnvNames; the
// deployment is sgwiz export sweeper's). There is one sweep: the
// function builds sweep's command line and runs it through Run.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/export"
	"github.com/sgwiz/sgwiz/model"
)

// startedByLambda reports whether Lambda started the process: its runtime
// sets AWS_LAMBDA_RUNTIME_API (host:port of the Runtime API) for custom
// runtimes such as provided.al2023, and lambda.Start serves that API only
// when it is set (with any other, it exits).
func startedByLambda(getenv func(string) string) bool {
	return getenv("AWS_LAMBDA_RUNTIME_API") != ""
}

// startLambda serves invocations until Lambda ends the process.
func startLambda() int {
	lambda.Start(sweepHandler(System()))
	return exitOK // not reached: lambda.Start returns only by exiting
}

// SweepResult is what one invocation of the sweeper did, as the function
// returns it.
type SweepResult struct {
	// Revoked counts the rules revoked (or, with a dry run, those that
	// would be).
	Revoked int `json:"revoked"`
	// Failed counts what sweep reported on standard error: a revoke that
	// failed, an expiry tag it cannot read, an account or region it
	// cannot read.
	Failed int  `json:"failed"`
	DryRun bool `json:"dryRun,omitempty"`
	// Output is sweep's standard output, a line each; Errors its
	// standard error.
	Output []string `json:"output"`
	Errors []string `json:"errors,omitempty"`
	// Args is the command line the variables made.
	Args []string `json:"args"`
}

// sweepHandler is the function Lambda invokes: each invocation reads the
// variables through base's Getenv (the process's, on Lambda), runs sweep
// with base's clock and AWS connector, and returns what it did; an error
// when the variables are wrong or sweep exits non-zero. Sweep's lines go
// to base's streams as well (on Lambda, the function's log). The event is
// not read: a schedule's input changes nothing.
func sweepHandler(base *Env) func(context.Context, json.RawMessage) (SweepResult, error) {
	return func(ctx context.Context, _ json.RawMessage) (SweepResult, error) {
		var res SweepResult
		s, err := export.SweeperFromEnvironment(base.getenv)
		if err == nil {
			err = checkSweeper(s, envFieldName)
		}
		if err != nil {
			return res, fmt.Errorf("the sweeper's configuration: %w", err)
		}
		args, cleanup, err := sweepArgs(s)
		defer cleanup()
		if err != nil {
			return res, err
		}
		res.Args, res.DryRun = args, s.DryRun
		var out, errb bytes.Buffer
		env := &Env{In: strings.NewReader(""), Out: io.MultiWriter(&out, writerOrDiscard(base.Out)), Err: io.MultiWriter(&errb, writerOrDiscard(base.Err)),
			Now: base.Now, Getenv: base.Getenv, Connect: base.Connect, HTTP: base.HTTP, Width: base.Width}
		code := Run(args, env)
		res.Output, res.Errors = outputLines(out.String()), outputLines(errb.String())
		for _, l := range res.Output {
			// "WHERE: revoked RULE (expired …)"; WHERE is an account and a
			// region, or a region, and holds no ": ".
			if _, what, ok := strings.Cut(l, ": "); ok && (strings.HasPrefix(what, "revoked ") || strings.HasPrefix(what, "would revoke ")) {
				res.Revoked++
			}
		}
		for _, l := range res.Errors {
			if !strings.HasPrefix(l, "sgwiz: note:") {
				res.Failed++
			}
		}
		if code != exitOK {
			return res, fmt.Errorf("sgwiz %s exited %d: %s", strings.Join(args, " "), code, strings.Join(res.Errors, "; "))
		}
		return res, nil
	}
}

// sweepArgs is sweep's command line for s. The accounts go in a file,
// as --accounts takes them; cleanup removes it.
func sweepArgs(s export.Sweeper) (args []string, cleanup func(), err error) {
	cleanup = func() {}
	args = []string{"sweep"}
	if s.AllRegions {
		args = append(args, "--all-regions")
	}
	for _, r := range s.Regions {
		args = append(args, "--region", r)
	}
	if s.Organization {
		args = append(args, "--organization")
	}
	for _, ou := range s.OUs {
		args = append(args, "--ou", ou)
	}
	if s.RoleARN != "" {
		args = append(args, "--role-arn", s.RoleARN)
	}
	if len(s.Accounts) > 0 {
		// Lambda's /tmp is the function's own, and writable.
		f, err := os.CreateTemp("", "sgwiz-accounts-*.txt")
		if err != nil {
			return nil, cleanup, fmt.Errorf("%s: writing the accounts for sweep: %w", export.EnvAccounts, err)
		}
		cleanup = func() { os.Remove(f.Name()) }
		_, err = f.WriteString(strings.Join(s.Accounts, "\n") + "\n")
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, cleanup, fmt.Errorf("%s: writing the accounts for sweep: %w", export.EnvAccounts, err)
		}
		args = append(args, "--accounts", f.Name())
	}
	if s.Parallel > 0 {
		args = append(args, "--parallel", strconv.Itoa(s.Parallel))
	}
	if s.DryRun {
		args = append(args, "--dry-run")
	}
	return args, cleanup, nil
}

// checkSweeper checks what the sweeper sweeps, as sweep would, naming
// the wrong field as the front end calls it (name gives that).
func checkSweeper(s export.Sweeper, name func(field string) string) error {
	for _, r := range s.Regions {
		if !aws.ValidRegion(r) {
			return fmt.Errorf("%s: %q is not an AWS region name: give one such as eu-west-1, or all", name("regions"), r)
		}
	}
	err := s.Check()
	if fe := (*model.FieldError)(nil); errors.As(err, &fe) {
		return fmt.Errorf("%s: %s", name(fe.Field), fe.Msg)
	}
	return err
}

// envFieldName is the variable that sets a Sweeper field.
func envFieldName(field string) string {
	if k := export.EnvOf(field); k != "" {
		return k
	}
	return field
}

// outputLines splits text into its lines, without the last newline.
func outputLines(text string) []string {
	text = strings.TrimSuffix(text, "\n")
	if text == "" {
		return []string{}
	}
	return strings.Split(text, "\n")
}

func writerOrDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}
