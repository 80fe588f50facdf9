package fakeaws

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

const lambdaFunctions = "/2015-03-31/functions/"

func lambdaRoute(path string) string {
	if rest, ok := strings.CutPrefix(path, lambdaFunctions); ok && !strings.Contains(strings.TrimSuffix(rest, "/"), "/") {
		return "GetFunction"
	}
	return ""
}

// serveLambda answers GetFunction, which carries the configuration, tags
// and reserved concurrency of a function named by name or ARN.
func serveLambda(s *Server, c *call, w http.ResponseWriter) *fault {
	if c.op != "GetFunction" {
		return &fault{400, "UnknownOperationException", "fakeaws: unsupported lambda request " + c.path}
	}
	// FunctionName may be a name, a full ARN or a qualified ARN, escaped
	// into one path segment.
	name, _ := url.PathUnescape(strings.TrimSuffix(strings.TrimPrefix(c.path, lambdaFunctions), "/"))
	for _, f := range ofScope(c, c.world.LambdaFunctions, func(f snapshot.LambdaFunction) (string, string) { return f.Account, f.Region }) {
		if f.ARN != name && f.Name != name {
			continue
		}
		out := map[string]any{
			"Configuration": map[string]any{"FunctionName": f.Name, "FunctionArn": f.ARN, "Runtime": optional(f.Runtime),
				"Timeout": f.TimeoutSeconds, "MemorySize": f.MemoryMB},
			"Tags": f.Tags,
		}
		if f.ReservedConcurrency != nil {
			out["Concurrency"] = map[string]any{"ReservedConcurrentExecutions": *f.ReservedConcurrency}
		}
		return writeJSON(w, restJSON, out)
	}
	return notFound("ResourceNotFoundException", "Function not found: "+name)
}
