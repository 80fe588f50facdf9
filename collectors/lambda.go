package collectors

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"

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
		region, owner, ok := lambdaARNParts(arn)
		// Functions of other accounts cannot be read with this account's
		// credentials; their own account's scan covers them.
		if !ok || owner != account {
			continue
		}
		byRegion[region] = append(byRegion[region], arn)
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

// referencedFunctions lists, sorted and unique, the Lambda function ARNs
// that lambda target groups, Lambda integrations and Lambda authorizers
// route to.
func referencedFunctions(s *snapshot.Snapshot) []string {
	var arns []string
	for _, tg := range s.TargetGroups {
		if tg.TargetType != "lambda" {
			continue
		}
		for _, tgt := range tg.Targets {
			arns = append(arns, tgt.ID)
		}
	}
	for _, api := range s.RestAPIs {
		// Lambda authorizers run on every request they guard.
		for _, au := range api.Authorizers {
			arns = append(arns, functionFromURI(au.URI))
		}
		for _, r := range api.Resources {
			for _, m := range r.Methods {
				if in := m.Integration; in != nil && (in.Type == "AWS" || in.Type == "AWS_PROXY") {
					arns = append(arns, functionFromURI(in.URI))
				}
			}
		}
	}
	for _, api := range s.V2APIs {
		for _, au := range api.Authorizers {
			arns = append(arns, functionFromURI(au.URI))
		}
		for _, in := range api.Integrations {
			if in.Type == "AWS_PROXY" || in.Type == "AWS" {
				arns = append(arns, functionFromURI(in.URI))
			}
		}
	}
	arns = slices.DeleteFunc(arns, func(a string) bool {
		_, _, ok := lambdaARNParts(a)
		return !ok
	})
	for i, a := range arns {
		arns[i] = unqualified(a)
	}
	slices.Sort(arns)
	return slices.Compact(arns)
}

// unqualified drops the version or alias of a function ARN (fn:live,
// fn:3): reserved concurrency and tags belong to the function, so one
// GetFunction serves every qualifier that routes to it.
func unqualified(arn string) string {
	parts := strings.SplitN(arn, ":", 8)
	return strings.Join(parts[:min(len(parts), 7)], ":")
}

// functionFromURI extracts the function ARN from an API Gateway Lambda
// integration URI, arn:aws:apigateway:REGION:lambda:path/2015-03-31/
// functions/FUNCTION_ARN/invocations; HTTP APIs may also hold the function
// ARN itself.
func functionFromURI(uri string) string {
	const marker = ":lambda:path/2015-03-31/functions/"
	if i := strings.Index(uri, marker); i >= 0 {
		uri = strings.TrimSuffix(uri[i+len(marker):], "/invocations")
	}
	return uri
}

// lambdaARNParts returns the region and account of a function ARN
// (arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]). Stage
// variables (${stageVariables.fn}) make an ARN unresolvable.
func lambdaARNParts(arn string) (region, account string, ok bool) {
	parts := strings.Split(arn, ":")
	if len(parts) < 7 || parts[0] != "arn" || parts[2] != "lambda" || parts[5] != "function" || strings.Contains(arn, "$") {
		return "", "", false
	}
	return parts[3], parts[4], true
}
