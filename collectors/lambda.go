package collectors

import (
	"context"
	"errors"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// lambdaAPI is the part of the Lambda client the collector uses.
type lambdaAPI interface {
	GetFunction(context.Context, *lambda.GetFunctionInput, ...func(*lambda.Options)) (*lambda.GetFunctionOutput, error)
}

func collectReferencedFunctions(ctx context.Context, s *snapshot.Snapshot, account string, targetFor func(region string) target) *snapshot.Snapshot {
	out := &snapshot.Snapshot{}
	byRegion := map[string][]string{}
	for _, arn := range referencedFunctions(s) {
		a, _ := snapshot.ParseARN(arn)
		// Functions of other accounts cannot be read with this account's
		// credentials; their own account's scan covers them.
		if a.Account != account {
			continue
		}
		byRegion[a.Region] = append(byRegion[a.Region], arn)
	}
	for _, region := range slices.Sorted(maps.Keys(byRegion)) {
		t := targetFor(region)
		t.progress(serviceLambda, false, 0)
		part := functions(ctx, lambda.NewFromConfig(t.config(serviceLambda)), t, byRegion[region])
		t.progress(serviceLambda, true, len(part.Errors))
		out.Append(part)
	}
	return out
}

// functions reads each function with one GetFunction call, which also
// returns its tags and reserved concurrency (so no GetFunctionConcurrency).
func functions(ctx context.Context, c lambdaAPI, t target, arns []string) *snapshot.Snapshot {
	out := &snapshot.Snapshot{}
	read, errs := eachResource(arns, func(arn string, part *snapshot.Snapshot) *snapshot.LambdaFunction {
		return function(ctx, c, t, arn, part)
	})
	for _, f := range read {
		if f != nil {
			out.LambdaFunctions = append(out.LambdaFunctions, *f)
		}
	}
	out.Errors = errs
	return out
}

// function reads one function; nil when there is none to record.
func function(ctx context.Context, c lambdaAPI, t target, arn string, out *snapshot.Snapshot) *snapshot.LambdaFunction {
	got, err := c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(arn)})
	var gone *lambdatypes.ResourceNotFoundException
	if errors.As(err, &gone) {
		// A deleted function something still routes to is a fact about
		// the account, not a gap in the scan: it is simply absent.
		return nil
	}
	if err != nil {
		out.Errors = append(out.Errors, t.failureFor(serviceLambda, "GetFunction", err, arn))
		return nil
	}
	cfg := got.Configuration
	if cfg == nil {
		return nil
	}
	f := snapshot.LambdaFunction{
		ARN: aws.ToString(cfg.FunctionArn), Account: t.account, Region: t.region,
		Name: aws.ToString(cfg.FunctionName), Runtime: string(cfg.Runtime),
		TimeoutSeconds: int(aws.ToInt32(cfg.Timeout)), MemoryMB: int(aws.ToInt32(cfg.MemorySize)), Tags: got.Tags,
	}
	if got.Concurrency != nil && got.Concurrency.ReservedConcurrentExecutions != nil {
		f.ReservedConcurrency = aws.Int(int(*got.Concurrency.ReservedConcurrentExecutions))
	}
	return &f
}

// referencedFunctions lists, sorted and unique, the unqualified Lambda
// function ARNs that lambda target groups, Lambda integrations and Lambda
// authorizers route to (a version or alias, fn:live or fn:3, shares the
// function's reserved concurrency and tags, so one GetFunction serves
// every qualifier). Functions named through stage variables cannot be
// resolved and are left out.
func referencedFunctions(s *snapshot.Snapshot) []string {
	var arns []string
	add := func(uri string) {
		if fn := snapshot.FunctionARN(uri); fn != "" {
			arns = append(arns, fn)
		}
	}
	for _, tg := range s.TargetGroups {
		if tg.TargetType != "lambda" {
			continue
		}
		for _, tgt := range tg.Targets {
			add(tgt.ID)
		}
	}
	for _, api := range s.RestAPIs {
		// Lambda authorizers run on every request they guard.
		for _, au := range api.Authorizers {
			add(au.URI)
		}
		for _, r := range api.Resources {
			for _, m := range r.Methods {
				if in := m.Integration; in != nil && (in.Type == "AWS" || in.Type == "AWS_PROXY") {
					add(in.URI)
				}
			}
		}
	}
	for _, api := range s.V2APIs {
		for _, au := range api.Authorizers {
			add(au.URI)
		}
		for _, in := range api.Integrations {
			if in.Type == "AWS_PROXY" || in.Type == "AWS" {
				add(in.URI)
			}
		}
	}
	slices.Sort(arns)
	return slices.Compact(arns)
}
