package main

import (
	"bytes"
	"context"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"sync"
	"time"
)

// Go's collector, at its default GOGC=100, runs whenever the heap has
// doubled over what the last cycle found live. The rules allocate many
// times their input as they evaluate, so the evaluation of a small
// snapshot ran a collection every few tens of megabytes: a quarter of
// its CPU time at 10k resources. From the evaluation on, gatewatch lets
// the heap grow to heapFloor before it collects, as long as what is live
// stays under half of that; above, Go's default applies, so a large
// snapshot's evaluation uses no more memory than before. After each
// collection GOGC is set to what makes the next one start near the floor
// (between 100 and maxGOGC). Under a cgroup memory limit the floor is at
// most a quarter of it. Setting GOGC or GOMEMLIMIT leaves the runtime as
// Go configures it.
const (
	heapFloor = 256 << 20
	maxGOGC   = 500
	// gcWatch is how often the policy looks for a finished collection.
	// Until it does, the next collection's goal is the one the last
	// GOGC gives for what that collection found live.
	gcWatch = 10 * time.Millisecond
)

// gcPercent is the GOGC that makes a heap with live bytes live collect
// again near floor, within [100, maxGOGC].
func gcPercent(live, floor uint64) int {
	l, f := int64(max(live, 1)), int64(floor)
	return int(max(100, min(maxGOGC, (f-l)*100/l)))
}

var gcPolicyOnce sync.Once

// startGCPolicy applies the policy once per process, unless the
// environment sets GOGC or GOMEMLIMIT. It returns the floor when this
// call started it, else 0.
func startGCPolicy() uint64 {
	var floor uint64
	gcPolicyOnce.Do(func() {
		floor = gcFloor(os.Getenv, os.ReadFile)
		if floor > 0 {
			go watchGC(context.Background(), gcWatch, func(live uint64) { debug.SetGCPercent(gcPercent(live, floor)) })
		}
	})
	return floor
}

// gcFloor is the heap floor of the policy: heapFloor, or a quarter of
// the cgroup's memory limit when that is less (readFile reads the cgroup
// files), or 0, no policy, when getenv names GOGC or GOMEMLIMIT.
func gcFloor(getenv func(string) string, readFile func(string) ([]byte, error)) uint64 {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return 0
	}
	floor := uint64(heapFloor)
	if cg := cgroupMemoryLimit(readFile); cg > 0 {
		floor = min(floor, cg/4)
	}
	return floor
}

// watchGC calls f with the live heap now, then after each collection
// cycle, looking every interval, until ctx is done.
func watchGC(ctx context.Context, interval time.Duration, f func(live uint64)) {
	samples := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}, {Name: "/gc/heap/live:bytes"}}
	seen := ^uint64(0)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		metrics.Read(samples)
		if cycles := samples[0].Value.Uint64(); cycles != seen {
			seen = cycles
			f(samples[1].Value.Uint64())
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// cgroupMemoryLimit is the memory limit of the process's cgroup (v2's
// memory.max, else v1's memory.limit_in_bytes), or 0 when there is none
// or it cannot be read.
func cgroupMemoryLimit(readFile func(string) ([]byte, error)) uint64 {
	for _, path := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		data, err := readFile(path)
		if err != nil {
			continue
		}
		n, err := strconv.ParseUint(string(bytes.TrimSpace(data)), 10, 64)
		if err != nil || n >= 1<<60 { // "max", or v1's "no limit" (a page short of 2^63)
			return 0
		}
		return n
	}
	return 0
}
