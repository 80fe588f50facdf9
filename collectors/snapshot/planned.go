package snapshot

// Planned marks a resource of the snapshot as planned, not observed: it
// comes from a Terraform plan (`gatewatch eval --terraform-plan`), with
// identifiers that may be placeholders until the plan is applied. Live
// snapshots have none.
type Planned struct {
	// ARN is the resource's ARN in the snapshot (a placeholder containing
	// "planned-" where AWS assigns it on apply).
	ARN string `json:"arn"`
	// Address is the Terraform address of the resource instance that
	// declares it (module.edge.aws_lb.public["eu"]).
	Address string `json:"address"`
	// Action is what the plan does to it: create, update, no-op, or
	// delete,create / create,delete for a replacement.
	Action string `json:"action"`
}
