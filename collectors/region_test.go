package collectors

import (
	"strings"
	"testing"
)

// TestRegionNames: every region of every partition in aws-sdk-go-v2
// v1.48.0 (internal/endpoints/awsrulesfn/partitions.json) has the shape
// of a region name; what users mistype does not.
func TestRegionNames(t *testing.T) {
	t.Parallel()
	known := []string{
		"af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
		"ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
		"ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1",
		"eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1",
		"me-west-1", "mx-central-1", "sa-east-1", "sa-west-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
		"cn-north-1", "cn-northwest-1", "eusc-de-east-1", "us-iso-east-1", "us-iso-west-1", "us-isob-east-1",
		"us-isob-west-1", "eu-isoe-west-1", "us-isof-east-1", "us-isof-south-1", "us-gov-east-1", "us-gov-west-1",
	}
	for _, r := range known {
		if !ValidRegionName(r) {
			t.Errorf("%s refused", r)
		}
	}
	for _, r := range []string{"", "mars-north-9", "EU-WEST-1", "Eu-west-1", "eu-west-1/../x", "eu-west-1a", "euwest-1",
		"eu-west1", "eu-west-", "eu--west-1", " eu-west-1", "eu-west-1\n", "aws-global", "all-regions-1", "e-west-1"} {
		if ValidRegionName(r) {
			t.Errorf("%q accepted", r)
		}
	}
}

func TestCheckRegions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		regions []string
		want    string // "" for no error
	}{
		{nil, ""},
		{[]string{AllRegions}, ""},
		{[]string{"eu-west-1", "us-gov-west-1"}, ""},
		{[]string{AllRegions, "eu-west-1"}, `--regions: "all" cannot be combined with named regions`},
		{[]string{"eu-west-1", "mars-north-9"}, `--regions "mars-north-9": unknown region`},
	} {
		err := CheckRegions("--regions", tc.regions)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%v: %v", tc.regions, err)
		case tc.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.want)):
			t.Errorf("%v: error %v, want %q", tc.regions, err, tc.want)
		}
	}
}
