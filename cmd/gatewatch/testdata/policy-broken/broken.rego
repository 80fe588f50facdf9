# METADATA
# title: Broken
# description: Does not compile.
# custom:
#   id: ACME002
#   severity: low
#   remediation: none
package gatewatch.rules.acme_broken

import rego.v1

deny contains x if {
	some lb in input.load_balancers
	x := undefined_function(lb)
}
