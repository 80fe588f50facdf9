package collectors

import (
	"fmt"
	"regexp"
	"slices"
)

// regionName is the shape of every AWS region name: a two-letter
// geography, "sc" after it for a sovereign cloud (eusc-de-east-1), then
// words (a partition such as gov or iso, a direction) and a number. It
// matches every region of every partition the SDK knows (see
// TestRegionNames) and refuses what users mistype: upper case, an
// availability zone (eu-west-1a), a missing dash, a path.
//
// The SDK's own partition table (regions and a pattern per partition) is
// internal to aws-sdk-go-v2 and cannot be imported, and a copied list of
// regions would refuse each new region until gatewatch is rebuilt. The
// shape is what does not go stale; a well-formed name no partition has
// (eu-wset-1) is not caught here, and its calls fail as a region that
// cannot be reached. Checking it would take a DescribeRegions call in
// every scan that names its regions, which today makes none.
var regionName = regexp.MustCompile(`^[a-z]{2}(sc)?(-[a-z]+)+-[0-9]+$`)

// ValidRegionName reports whether name has the shape of an AWS region
// name (see regionName).
func ValidRegionName(name string) bool { return regionName.MatchString(name) }

// CheckRegions checks a Regions value: AllRegions alone, or names with the
// shape of region names. flag names the option in messages.
func CheckRegions(flag string, regions []string) error {
	if slices.Contains(regions, AllRegions) {
		if len(regions) > 1 {
			return fmt.Errorf("%s: %q cannot be combined with named regions", flag, AllRegions)
		}
		return nil
	}
	for _, r := range regions {
		if !ValidRegionName(r) {
			return fmt.Errorf("%s %q: unknown region: want a region name such as eu-west-1 or us-gov-west-1 (lower case), or %q for every region enabled in the account", flag, r, AllRegions)
		}
	}
	return nil
}
