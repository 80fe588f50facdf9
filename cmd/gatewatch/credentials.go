package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/smithy-go"

	"github.com/gatewatch/gatewatch/collectors"
)

// imdsTimeout bounds the one probe of the instance metadata service, the
// last link of the credential chain. On an instance it answers in
// milliseconds; elsewhere the SDK's default (three attempts of a token
// request, then three of the role look-up, for every call that signs) is
// what made a machine without credentials look hung for 13 s.
const imdsTimeout = time.Second

// Lines printed for credential problems: the raw SDK chain behind them is
// logged at debug level only.
const (
	msgNoCredentials      = "no AWS credentials found: set AWS_PROFILE, run aws sso login, or try --demo"
	msgNoCredentialsHub   = "no AWS credentials found for --security-hub, which imports the findings into AWS: set AWS_PROFILE or run aws sso login"
	msgExpiredCredentials = "AWS credentials expired: refresh them (aws sso login, or new session credentials) and run again"
)

// awsUse is what a run reaches AWS for, as its messages say: advice to
// try --demo is no help to a run that has it already, or to eval.
type awsUse struct {
	// what names the work that failed when AWS cannot be reached.
	what string
	// demoHint suggests --demo where credentials are missing or refused.
	demoHint bool
}

var (
	collecting = awsUse{what: "collection", demoHint: true}
	importing  = awsUse{what: "--security-hub", demoHint: false}
)

// loadAWSConfig loads the shared configuration and checks once, before any
// call, that credentials can be had: a missing or expired credential is
// one clear line at once instead of every call of the scan failing
// through its retries.
func loadAWSConfig(ctx context.Context, profile string, log *slog.Logger, use awsUse) (aws.Config, error) {
	loadOpts := []func(*config.LoadOptions) error{
		config.WithEC2RoleCredentialOptions(func(o *ec2rolecreds.Options) {
			// One probe (a token request and a role look-up), each
			// attempt once, within imdsTimeout. AWS_EC2_METADATA_DISABLED
			// and AWS_EC2_METADATA_SERVICE_ENDPOINT still apply. On an
			// instance, a refresh that fails during a long scan keeps the
			// previous credentials a while longer (the provider's
			// HandleFailToRefresh), so no retries are lost there either.
			o.Client = imds.New(imds.Options{
				Retryer:    aws.NopRetryer{},
				HTTPClient: awshttp.NewBuildableClient().WithTimeout(imdsTimeout),
			})
		}),
	}
	if profile != "" {
		loadOpts = append(loadOpts, config.WithSharedConfigProfile(profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		return aws.Config{}, inputError(fmt.Errorf("aws configuration: %w", err))
	}
	// The configuration caches what Retrieve returns, so the scan's
	// calls reuse these credentials rather than fetching them again.
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		log.Debug("credential chain failed", "error", err)
		return aws.Config{}, credentialsProblem(cfg.Credentials, err, use)
	}
	return cfg, nil
}

// credentialsProblem says in one line why the credential chain gave no
// credentials: none configured or an expired session is a configuration
// problem (exit 2); a credential service that does not answer (an SSO
// portal, STS for a source profile's role) a collection failure (exit 3).
func credentialsProblem(p aws.CredentialsProvider, err error, use awsUse) error {
	var sources []aws.CredentialSource
	if s, ok := p.(aws.CredentialProviderSource); ok {
		sources = s.ProviderSources()
	}
	var ssoErr *ssocreds.InvalidTokenError
	switch {
	case slices.Contains(sources, aws.CredentialSourceIMDS):
		// Nothing before the metadata service in the chain had
		// credentials, and it had none either (or is not there).
		if !use.demoHint {
			return inputError(errors.New(msgNoCredentialsHub))
		}
		return inputError(errors.New(msgNoCredentials))
	case errors.As(err, &ssoErr):
		// No SSO token cached, or an expired one.
		return inputError(errors.New(msgExpiredCredentials))
	case unreachable(err):
		return &exitError{code: exitIncomplete, err: fmt.Errorf("AWS could not be reached for credentials: %w", err)}
	case slices.ContainsFunc(sources, isSSO):
		// The portal refused the session (expired, signed out).
		return inputError(errors.New(msgExpiredCredentials))
	}
	return inputError(fmt.Errorf("AWS credentials: %w", err))
}

// unreachable reports whether err is a call that AWS never answered: the
// network, a proxy, an endpoint that does not listen, a timeout.
func unreachable(err error) bool {
	var apiErr smithy.APIError
	var opErr *smithy.OperationError
	return errors.As(err, &opErr) && !errors.As(err, &apiErr)
}

func isSSO(s aws.CredentialSource) bool {
	switch s {
	case aws.CredentialSourceSSO, aws.CredentialSourceSSOLegacy, aws.CredentialSourceProfileSSO, aws.CredentialSourceProfileSSOLegacy:
		return true
	}
	return false
}

// collectFailure classifies an error Collect (or, for --security-hub,
// NewAccess) returned before it could scan any account. Credentials that
// STS refuses are a configuration problem (exit 2); a network failure or
// a timeout is a collection failure (exit 3: there is no account to
// record it against, so nothing is written); the rest, flags that do not
// fit the accounts found, is bad input.
func collectFailure(err error, timeout time.Duration, log *slog.Logger, use awsUse) error {
	log.Debug(use.what+" failed before any account was reached", "error", err)
	var apiErr smithy.APIError
	var opErr *smithy.OperationError
	demo := ""
	if use.demoHint {
		demo = ", or try --demo"
	}
	switch {
	case errors.Is(err, collectors.ErrTimeout):
		return &exitError{code: exitIncomplete, err: fmt.Errorf("--timeout %s passed before any account was scanned: %w", timeout, err)}
	case errors.As(err, &apiErr) && slices.Contains([]string{"ExpiredToken", "ExpiredTokenException"}, apiErr.ErrorCode()):
		return inputError(errors.New(msgExpiredCredentials))
	case errors.As(err, &apiErr) && slices.Contains([]string{"InvalidClientTokenId", "UnrecognizedClientException",
		"SignatureDoesNotMatch", "InvalidAccessKeyId", "AuthFailure"}, apiErr.ErrorCode()):
		return inputError(fmt.Errorf("AWS credentials rejected (%s): %s; check the profile or keys%s", apiErr.ErrorCode(), apiErr.ErrorMessage(), demo))
	case errors.As(err, &apiErr) && errors.As(err, &opErr) && opErr.Service() == "STS":
		// Who the caller is, or the role of an account, was refused:
		// that is about the credentials.
		return inputError(fmt.Errorf("%w\n(check credentials with 'aws sts get-caller-identity'%s)", err, demo))
	case errors.As(err, &apiErr):
		// Organizations or EC2 refused: AWS says why, and it is not the
		// credentials' fault.
		return inputError(err)
	case unreachable(err):
		return &exitError{code: exitIncomplete, err: fmt.Errorf("%s failed, AWS could not be reached: %w", use.what, err)}
	}
	return inputError(err)
}
