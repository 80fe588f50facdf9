package main

import (
	"context"
	"io/fs"
	"runtime"
	"testing"
	"time"
)

// TestGCPercent: GOGC makes the next collection start near the floor
// while what is live is under half of it, and is Go's default above.
func TestGCPercent(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, maxGOGC},        // nothing live yet
		{16 * mib, maxGOGC}, // 6x16 MiB is under the floor: the cap holds
		{64 * mib, 300},     // 64 MiB x 4 = 256 MiB
		{128 * mib, 100},    // half the floor: Go's default
		{200 * mib, 100},    // never under Go's default
		{4096 * mib, 100},   // a large snapshot
	} {
		if got := gcPercent(c.live, heapFloor); got != c.want {
			t.Errorf("gcPercent(%d MiB live) = %d, want %d", c.live/mib, got, c.want)
		}
	}
	if got := gcPercent(32*mib, 128*mib); got != 300 {
		t.Errorf("gcPercent(32 MiB live, floor 128 MiB) = %d, want 300", got)
	}
}

// TestGCFloor: GOGC or GOMEMLIMIT in the environment turn the policy
// off; a cgroup memory limit lowers the floor to a quarter of it.
func TestGCFloor(t *testing.T) {
	files := func(m map[string]string) func(string) ([]byte, error) {
		return func(path string) ([]byte, error) {
			if s, ok := m[path]; ok {
				return []byte(s), nil
			}
			return nil, fs.ErrNotExist
		}
	}
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	none := files(nil)
	for _, c := range []struct {
		name  string
		env   map[string]string
		files map[string]string
		want  uint64
	}{
		{"default", nil, nil, heapFloor},
		{"GOGC set", map[string]string{"GOGC": "100"}, nil, 0},
		{"GOGC off", map[string]string{"GOGC": "off"}, nil, 0},
		{"GOMEMLIMIT set", map[string]string{"GOMEMLIMIT": "1GiB"}, nil, 0},
		{"cgroup v2 512 MiB", nil, map[string]string{"/sys/fs/cgroup/memory.max": "536870912\n"}, 128 << 20},
		{"cgroup v2 unlimited", nil, map[string]string{"/sys/fs/cgroup/memory.max": "max\n"}, heapFloor},
		{"cgroup v2 8 GiB", nil, map[string]string{"/sys/fs/cgroup/memory.max": "8589934592\n"}, heapFloor},
		{"cgroup v1 512 MiB", nil, map[string]string{"/sys/fs/cgroup/memory/memory.limit_in_bytes": "536870912\n"}, 128 << 20},
		{"cgroup v1 unlimited", nil, map[string]string{"/sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n"}, heapFloor},
	} {
		read := none
		if c.files != nil {
			read = files(c.files)
		}
		if got := gcFloor(env(c.env), read); got != c.want {
			t.Errorf("%s: gcFloor = %d, want %d", c.name, got, c.want)
		}
	}
}

// TestWatchGCSeesEachCycle: the watcher reports the live heap at once and
// again after a collection.
func TestWatchGCSeesEachCycle(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls := make(chan uint64, 100)
	go watchGC(ctx, time.Millisecond, func(live uint64) { calls <- live })
	<-calls // the heap as it is now
	for range 1000 {
		runtime.GC()
		select {
		case <-calls:
			return
		default:
			time.Sleep(time.Millisecond)
		}
	}
	t.Fatal("no call after 1000 collections")
}
