package collectors

import (
	"fmt"
	"hash/fnv"
	"math/bits"
	"strconv"
	"strings"
)

// Shard is one deterministic slice of an organisation's account-regions,
// so the same binary can run as N workers of an existing scheduler
// (Kubernetes Indexed Job, AWS Batch array job, CI matrix) whose outputs
// `gatewatch merge` joins. Index is 0-based internally; the --shard flag
// and String are 1-based ("1/4" .. "4/4") because people count that way.
//
// The zero Shard (Count 0) means "not sharded" and owns everything.
type Shard struct {
	Index int // 0 <= Index < Count
	Count int
}

// Environment variables ShardFromEnv reads.
const (
	// EnvK8sCompletionIndex is set by Kubernetes on the pods of an Indexed
	// Job, 0-based. Kubernetes does not export the completion count, so
	// it comes from EnvShardCount.
	EnvK8sCompletionIndex = "JOB_COMPLETION_INDEX"
	// EnvBatchArrayIndex is set by AWS Batch on the children of an array
	// job, 0-based. Batch does not export the array size either.
	EnvBatchArrayIndex = "AWS_BATCH_JOB_ARRAY_INDEX"
	// EnvShardCount is how many shards the scheduler runs.
	EnvShardCount = "GATEWATCH_SHARD_COUNT"
)

// maxShards bounds Count; beyond this a shard owns almost nothing and the
// number is more likely a typo than a plan.
const maxShards = 10000

// ParseShard reads the --shard flag value "i/n": the i-th of n shards,
// counting from 1.
func ParseShard(s string) (Shard, error) {
	fail := func(format string, args ...any) (Shard, error) {
		return Shard{}, fmt.Errorf("--shard %q: %s", s, fmt.Sprintf(format, args...))
	}
	is, ns, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return fail("want i/n, the i-th of n shards counting from 1 (e.g. 1/4)")
	}
	i, err := strconv.Atoi(strings.TrimSpace(is))
	if err != nil {
		return fail("shard number %q is not an integer", is)
	}
	n, err := strconv.Atoi(strings.TrimSpace(ns))
	if err != nil {
		return fail("shard count %q is not an integer", ns)
	}
	sh, err := newShard(i-1, n)
	if err != nil {
		return fail("%v", err)
	}
	return sh, nil
}

// newShard checks a 0-based index against a count; messages speak the
// 1-based language of the flag.
func newShard(index, count int) (Shard, error) {
	switch {
	case count < 1:
		return Shard{}, fmt.Errorf("shard count must be at least 1, got %d", count)
	case count > maxShards:
		return Shard{}, fmt.Errorf("shard count %d is more than %d", count, maxShards)
	case index < 0 || index >= count:
		return Shard{}, fmt.Errorf("shard number must be between 1 and %d, got %d", count, index+1)
	}
	return Shard{Index: index, Count: count}, nil
}

// ShardFromEnv reads the shard a scheduler assigned this process from the
// environment: JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or
// AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array job), both 0-based, with the
// count in GATEWATCH_SHARD_COUNT. ok is false when neither index variable
// is set; it is an error when one is set but the count is missing or
// either is malformed, since running unsharded by accident would make
// every worker scan the whole organisation.
//
// A count given on the command line instead reaches it through getenv:
// wrap os.Getenv to answer GATEWATCH_SHARD_COUNT with the flag's value.
func ShardFromEnv(getenv func(string) string) (sh Shard, ok bool, err error) {
	name := ""
	for _, v := range []string{EnvK8sCompletionIndex, EnvBatchArrayIndex} {
		if getenv(v) == "" {
			continue
		}
		if name != "" {
			return Shard{}, false, fmt.Errorf("both %s and %s are set: cannot tell which scheduler assigned the shard", name, v)
		}
		name = v
	}
	if name == "" {
		return Shard{}, false, nil
	}
	raw := strings.TrimSpace(getenv(name))
	index, err := strconv.Atoi(raw)
	if err != nil {
		return Shard{}, false, fmt.Errorf("%s=%q: not an integer", name, raw)
	}
	rawCount := strings.TrimSpace(getenv(EnvShardCount))
	if rawCount == "" {
		return Shard{}, false, fmt.Errorf("%s is set but %s is not: set it to the number of parallel workers (completions / array size)", name, EnvShardCount)
	}
	count, err := strconv.Atoi(rawCount)
	if err != nil {
		return Shard{}, false, fmt.Errorf("%s=%q: not an integer", EnvShardCount, rawCount)
	}
	if sh, err = newShard(index, count); err != nil {
		return Shard{}, false, fmt.Errorf("%s=%s, %s=%s: %w", name, raw, EnvShardCount, rawCount, err)
	}
	return sh, true, nil
}

// String is the 1-based "i/n" form used by the flag and recorded in
// snapshot.Scope.Shard; "" for the zero Shard.
func (s Shard) String() string {
	if s.Count == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.Index+1, s.Count)
}

// Owns reports whether this shard collects the account-region. Ownership
// is a hash of "account/region" modulo Count: every shard computes it alone
// with no coordination, every account-region has exactly one owner, and an
// organisation's hundreds of account-regions spread evenly. Hashing the pair
// rather than the account spreads one huge account's regions too. The
// zero Shard owns everything.
//
// The hash is FNV-1a (64-bit), reduced to a shard by its high bits
// (hash*Count >> 64) rather than hash%Count: FNV's low bits depend only on
// the low bits of the input bytes, so with a power-of-two count "%" would
// assign by a parity of the digits, while the high bits mix every bit of
// the input. The mapping
// is part of the output contract: shards written by different versions
// must still partition the organisation, so it must never change.
func (s Shard) Owns(account, region string) bool {
	if s.Count <= 1 {
		return true
	}
	h := fnv.New64a()
	h.Write([]byte(account + "/" + region))
	hi, _ := bits.Mul64(h.Sum64(), uint64(s.Count))
	return hi == uint64(s.Index)
}

// OwnsGlobal reports whether this shard collects the account's global
// services (CloudFront distributions, Shield protections and
// subscription, CLOUDFRONT-scope web ACLs): the shard that owns the
// account's us-east-1, whether or not us-east-1 is scanned. Exactly one
// shard does, so merged shards never hold a distribution twice (Merge
// refuses duplicate ARNs).
func (s Shard) OwnsGlobal(account string) bool {
	// us-east-1 is where the global services' control planes answer.
	return s.Owns(account, "us-east-1")
}
