package iac

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/gatewatch/gatewatch/internal/inputfile"
)

// State is what gatewatch reads of a Terraform state: the address and
// identifying attributes of every managed resource instance.
type State struct {
	// Name is the file the state came from, for messages.
	Name      string
	Instances []Instance
}

// Instance is one managed resource instance of a state.
type Instance struct {
	// Address is the instance's absolute address,
	// module.edge["eu"].aws_lb.public[0].
	Address string
	Type    string
	// Attrs are the instance's attribute values as the state holds them.
	Attrs map[string]any
}

// LoadState reads a Terraform state: the output of `terraform show -json`
// (read with HashiCorp's terraform-json) or a raw state file of version 4
// (terraform.tfstate, `terraform state pull`).
func LoadState(path string) (*State, error) {
	data, _, err := inputfile.Read(path, inputfile.MaxJSON, true)
	if err != nil {
		return nil, fmt.Errorf("terraform state: %w", err)
	}
	return ParseState(data, path)
}

// ParseState decodes a state held in memory; name is used in messages.
func ParseState(data []byte, name string) (*State, error) {
	fail := func(format string, args ...any) (*State, error) {
		return nil, fmt.Errorf("terraform state %s: %s", name, fmt.Sprintf(format, args...))
	}
	var head struct {
		Version         *json.Number    `json:"version"`
		FormatVersion   *string         `json:"format_version"`
		PlannedValues   json.RawMessage `json:"planned_values"`
		ResourceChanges json.RawMessage `json:"resource_changes"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field == "" {
			return fail("not a Terraform state: the file holds a JSON %s", typeErr.Value)
		}
		return fail("not JSON: %v", err)
	}
	switch {
	case head.Version != nil:
		if v := head.Version.String(); v != "4" {
			return fail("state version %s is not supported (want version 4, written by Terraform 0.12 and later, or the output of terraform show -json)", v)
		}
		return parseRawState(data, name)
	case head.PlannedValues != nil || head.ResourceChanges != nil:
		return fail("this is a plan, not a state: give it to --terraform-plan, or write the state with terraform show -json")
	case head.FormatVersion != nil:
		var s tfjson.State
		if err := s.UnmarshalJSON(data); err != nil {
			return fail("%v", err)
		}
		out := &State{Name: name}
		if s.Values != nil {
			walkModule(s.Values.RootModule, func(r *tfjson.StateResource) {
				if r.Mode == tfjson.ManagedResourceMode && r.DeposedKey == "" {
					out.Instances = append(out.Instances, Instance{Address: r.Address, Type: r.Type, Attrs: r.AttributeValues})
				}
			})
		}
		return out, nil
	}
	return fail("not a Terraform state: no version or format_version (want the output of terraform show -json, or a state file of version 4)")
}

func walkModule(m *tfjson.StateModule, fn func(*tfjson.StateResource)) {
	if m == nil {
		return
	}
	for _, r := range m.Resources {
		if r != nil {
			fn(r)
		}
	}
	for _, c := range m.ChildModules {
		walkModule(c, fn)
	}
}

// rawState is the part of a version 4 state file gatewatch reads.
type rawState struct {
	Resources []struct {
		Module    string `json:"module"`
		Mode      string `json:"mode"`
		Type      string `json:"type"`
		Name      string `json:"name"`
		Instances []struct {
			IndexKey   any            `json:"index_key"`
			Deposed    string         `json:"deposed"`
			Attributes map[string]any `json:"attributes"`
		} `json:"instances"`
	} `json:"resources"`
}

func parseRawState(data []byte, name string) (*State, error) {
	var raw rawState
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("terraform state %s: %w", name, err)
	}
	out := &State{Name: name}
	for _, r := range raw.Resources {
		if r.Mode != "managed" {
			continue
		}
		base := r.Type + "." + r.Name
		if r.Module != "" {
			base = r.Module + "." + base
		}
		for _, in := range r.Instances {
			if in.Deposed != "" {
				continue // being replaced: its successor is the live one
			}
			addr := base
			switch k := in.IndexKey.(type) {
			case json.Number:
				addr += "[" + k.String() + "]"
			case string:
				addr += "[" + strconv.Quote(k) + "]"
			}
			out.Instances = append(out.Instances, Instance{Address: addr, Type: r.Type, Attrs: in.Attributes})
		}
	}
	return out, nil
}

// rootAddresses are the root module's blocks the state's instances come
// from: "type.name" for its resources, "module.name" for its calls.
func (s *State) rootAddresses() []string {
	seen := map[string]bool{}
	var out []string
	for _, in := range s.Instances {
		parts := strings.SplitN(ConfigAddress(in.Address), ".", 3)
		a := parts[0] + "." + parts[1]
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	return out
}

// Keys are what identifies the live resource of an instance: its ARN
// (the arn attribute, or an id that is an ARN, as for load balancers and
// their listeners, rules and target groups), and for API Gateway, whose
// resources older providers record without an ARN, the resource path of
// the ARN ("/restapis/a1b2c3/stages/prod"), unique across regions.
func (in Instance) Keys() []string {
	str := func(k string) string { s, _ := in.Attrs[k].(string); return s }
	var keys []string
	for _, k := range []string{"arn", "id"} {
		if s := str(k); strings.HasPrefix(s, "arn:") && (len(keys) == 0 || keys[0] != s) {
			keys = append(keys, s)
		}
	}
	path := ""
	switch in.Type {
	case "aws_api_gateway_rest_api":
		path = "/restapis/" + str("id")
	case "aws_api_gateway_stage":
		path = "/restapis/" + str("rest_api_id") + "/stages/" + str("stage_name")
	case "aws_apigatewayv2_api":
		path = "/apis/" + str("id")
	case "aws_apigatewayv2_stage":
		path = "/apis/" + str("api_id") + "/stages/" + str("name")
	case "aws_api_gateway_domain_name", "aws_apigatewayv2_domain_name":
		path = "/domainnames/" + str("domain_name")
	case "aws_api_gateway_usage_plan":
		path = "/usageplans/" + str("id")
	case "aws_api_gateway_vpc_link", "aws_apigatewayv2_vpc_link":
		path = "/vpclinks/" + str("id")
	}
	if path != "" && !strings.HasSuffix(path, "/") && !strings.Contains(path, "//") {
		keys = append(keys, path)
	}
	return keys
}
