package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/gatewatch/gatewatch/collectors"
)

// accessFlags say how to reach AWS and the accounts in it: the profile,
// the endpoint, and the role assumed in every account but the
// credentials' own. scan and collect read with them; scan and eval import
// into Security Hub with them.
type accessFlags struct {
	profile      string
	endpointURL  string
	roleName     string
	roleTemplate string
	externalID   string
}

func (f *accessFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.profile, "profile", "", "named profile from the shared AWS config and credentials files (default: AWS_PROFILE or the default chain)")
	fs.StringVar(&f.endpointURL, "endpoint-url", "", "send every AWS call to this endpoint (an emulator, a VPC endpoint); AWS_ENDPOINT_URL is honoured too")
	fs.StringVar(&f.roleName, "role-name", "", "role to assume in each account but the credentials' own: arn:PARTITION:iam::ACCOUNT:role/NAME")
	fs.StringVar(&f.roleTemplate, "role-arn-template", "", "role ARN to assume in each account, with {account} (and optionally {partition}) filled in, e.g. 'arn:aws:iam::{account}:role/audit/gatewatch'")
	fs.StringVar(&f.externalID, "external-id", "", "external ID to pass when assuming the role")
}

// roleOptions puts the role flags into collector options.
func (f *accessFlags) roleOptions(opts *collectors.Options) error {
	switch {
	case f.roleName != "" && f.roleTemplate != "":
		return errors.New("--role-name and --role-arn-template: pass one of them")
	case f.roleTemplate != "" && !strings.Contains(f.roleTemplate, "{account}"):
		return fmt.Errorf("--role-arn-template %q: must contain {account}", f.roleTemplate)
	}
	opts.ExternalID = f.externalID
	opts.RoleARN = f.roleTemplate
	if f.roleName != "" {
		opts.RoleARN = "arn:{partition}:iam::{account}:role/" + strings.TrimPrefix(f.roleName, "/")
	}
	return nil
}

// access loads the AWS configuration and identifies the caller, for what
// acts in the scanned accounts after the scan. Problems are classified
// as the collection's are: no or expired credentials exit 2, AWS
// unreachable exits 3.
func (f *accessFlags) access(ctx context.Context, a *app) (*collectors.Access, error) {
	opts := collectors.Options{EndpointURL: f.endpointURL, Logger: a.log}
	if err := f.roleOptions(&opts); err != nil {
		return nil, inputError(err)
	}
	cfg, err := loadAWSConfig(ctx, f.profile, a.log, importing)
	if err != nil {
		return nil, err
	}
	opts.Config = cfg
	acc, err := collectors.NewAccess(ctx, opts)
	if err != nil {
		return nil, collectFailure(err, 0, a.log, importing)
	}
	return acc, nil
}
