# METADATA
# title: API stage variables that look like secrets
# description: |
#   A stage variable of an API stage is named like a secret (password,
#   token, api_key, secret...) or holds a value shaped like one (an AWS
#   access key ID, a private key, a JWT, a well-known token format). Stage
#   variables are plain configuration: anyone who can read the API's
#   configuration (apigateway:GET) reads them, they are copied into
#   deployments, exports and infrastructure-as-code state, and they can be
#   echoed into logs by mapping templates.
# custom:
#   inputs:
#     AWS::ApiGateway::Stage: [rest_apis, rest_stages]
#     AWS::ApiGatewayV2::Stage: [v2_apis, v2_stages]
#   id: GW221
#   severity: high
#   resource_types:
#     - AWS::ApiGateway::Stage
#     - AWS::ApiGatewayV2::Stage
#   controls:
#     - CWE:CWE-798
#     - CWE:CWE-312
#   remediation: |
#     Move the secret to AWS Secrets Manager (or SSM Parameter Store
#     SecureString) and have the backend or authorizer read it there; keep
#     at most the secret's ARN or name in the stage variable. Rotate the
#     exposed value.
#   details: |
#     **Why it matters.** Read access to API Gateway configuration is
#     granted widely (ReadOnlyAccess, auditors, CI roles); a secret in a
#     stage variable is shared with all of them and never rotated.
#
#     **What triggers it.** On REST and v2 stages, a variable
#     - whose name contains password, passwd, secret, token, apikey /
#       api_key, private_key, credential or access_key, unless the name
#       ends in a word that makes it a setting about the secret rather than
#       the secret (`tokenTtlSeconds`, `passwordMinLength`, `apiKeyHeader`,
#       `secretArn`: ttl, seconds, timeout, length, header, name, arn, url,
#       id, ...) or the value is a boolean or a duration with a unit;
#     - or whose value looks like a credential: an AWS access key ID
#       (AKIA/ASIA...), a PEM private key, a JWT, a GitHub, Slack or Stripe
#       token, also inside the usual wrappers: `Bearer <token>`,
#       `Basic <base64 of user:password>`, and URLs with a password
#       (`scheme://user:password@host`).
#
#     Values that are references (Secrets Manager or SSM ARNs,
#     `{{resolve:...}}`) and empty values are ignored.
#
#     **Evidence.** `variables`: per variable, why it matched and the
#     value's length. The value itself is never copied into the report.
#
#     **Fix.**
#     ```sh
#     aws secretsmanager create-secret --name partner/prod/backend-token --secret-string "$TOKEN"
#     aws apigateway update-stage --rest-api-id ID --stage-name prod \
#       --patch-operations op=remove,path=/variables/backendToken
#     ```
#     In Terraform, reference the secret instead of the value:
#     ```hcl
#     resource "aws_api_gateway_stage" "prod" {
#       variables = { backendTokenSecret = aws_secretsmanager_secret.backend.arn }
#     }
#     ```
package gatewatch.rules.gw221_stage_variable_secrets

import data.gatewatch.lib
import rego.v1

name_pattern := `(?i)(passw(or)?d|pwd|secret|token|api[_-]?key|private[_-]?key|credential|access[_-]?key)`

value_patterns := {
	"AWS access key ID": `^(AKIA|ASIA)[0-9A-Z]{16}$`,
	"PEM private key": `-----BEGIN [A-Z ]*PRIVATE KEY-----`,
	"JSON Web Token": `^eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$`,
	"GitHub token": `^(ghp|gho|ghu|ghs|github_pat)_[A-Za-z0-9_]{20,}$`,
	"Slack token": `^xox[abposr]-[A-Za-z0-9-]{10,}$`,
	"Stripe secret key": `^(sk|rk)_live_[A-Za-z0-9]{16,}$`,
}

# A value that points at a secret store rather than holding the secret.
reference(value) if regex.match(`^(arn:aws[a-z-]*:(secretsmanager|ssm|kms):|\{\{resolve:)`, value)

# Last words that make a secret-ish name a setting about the secret:
# tokenTtlSeconds, passwordMinLength, apiKeyHeader, secretArn.
setting_words := {
	"ttl", "seconds", "secs", "sec", "ms", "millis", "minutes", "mins", "hours", "days",
	"timeout", "expiry", "expires", "expiration", "lifetime", "age", "rotation",
	"length", "len", "size", "count", "min", "max", "enabled", "disabled", "required",
	"mode", "type", "format", "header", "name", "arn", "id", "url", "uri", "endpoint",
	"host", "path", "region", "version", "algorithm", "alg", "issuer", "audience",
}

# The words of a variable name, lower case: camelCase, snake_case,
# kebab-case and dotted names alike.
name_words(name) := [w |
	some w in regex.split(`[^a-z0-9]+`, lower(regex.replace(name, `([a-z0-9])([A-Z])`, "${1}_${2}")))
	w != ""
]

setting_name(name) if {
	words := name_words(name)
	words[count(words) - 1] in setting_words
}

setting_value(value) if regex.match(`(?i)^\s*(true|false|yes|no|on|off|[0-9]+(\.[0-9]+)?\s*(ms|s|sec|secs|seconds|m|min|mins|minutes|h|hours|d|days)|P(T?[0-9]+[YMWDHS])+)\s*$`, value)

secret_name(name, value) if {
	regex.match(name_pattern, name)
	not setting_name(name)
	not setting_value(value)
}

# What a value's shape gives away: a known token format, bare or inside a
# Bearer or Basic authorization value, or a password inside a URL.
shapes(value) := ((({kind |
	some kind, pattern in value_patterns
	regex.match(pattern, value)
} | {sprintf("Bearer %s", [kind]) |
	token := bearer_token(value)
	some kind, pattern in value_patterns
	regex.match(pattern, token)
}) | {"Bearer token" |
	token := bearer_token(value)
	count(token) >= 16
	not known_shape(token)
}) | {"Basic credentials (user:password)" |
	encoded := regex.find_all_string_submatch_n(`(?i)^\s*basic\s+([A-Za-z0-9+/]+={0,2})\s*$`, value, 1)[0][1]
	base64.is_valid(encoded)
	contains(base64.decode(encoded), ":")
}) | {"URL with a password" |
	regex.match(`^[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@`, value)
}

bearer_token(value) := regex.find_all_string_submatch_n(`(?i)^\s*bearer\s+(\S+)\s*$`, value, 1)[0][1]

known_shape(token) if {
	some pattern in value_patterns
	regex.match(pattern, token)
}

reasons(name, value) := {r |
	secret_name(name, value)
	r := "name"
} | {sprintf("value shaped like: %s", [kind]) | some kind in shapes(value)}

suspicious(variables) := {name: {"matched": sort(why), "value": sprintf("<masked, %d characters>", [count(value)])} |
	some name, value in variables
	trim_space(value) != ""
	not reference(value)
	why := reasons(name, value)
	count(why) > 0
}

deny contains result if {
	some [api, stage, kind] in lib.api_stages
	found := suspicious(object.get(stage, "variables", {}))
	count(found) > 0
	result := lib.result(
		stage.arn,
		sprintf("stage %s of %s %s has stage variables that look like secrets: %s", [stage.name, kind, api.name, concat(", ", sort(object.keys(found)))]),
		{"variables": found},
	)
}
