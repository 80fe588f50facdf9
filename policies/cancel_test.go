package policies

import (
	"context"
	"errors"
	"testing"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// TestEvaluateStopsWhenCanceled: a cancelled context stops evaluation
// with the context's error, which the CLI maps to exit 3.
func TestEvaluateStopsWhenCanceled(t *testing.T) {
	t.Parallel()
	eng, err := New(context.Background(), Options{Config: DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := eng.Evaluate(ctx, orgSnapshot(t, 2)); !errors.Is(err, context.Canceled) {
		t.Errorf("Evaluate with a cancelled context = %v, want context.Canceled", err)
	}
}

// TestEvaluateSourceReportsTheSecondRead: the snapshot is read back while
// the findings are made; a read that fails then is the evaluation's
// error, not a report without its snapshot.
func TestEvaluateSourceReportsTheSecondRead(t *testing.T) {
	t.Parallel()
	eng, err := New(context.Background(), Options{Config: DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	snap := orgSnapshot(t, 2)
	changed := errors.New("snapshot changed since it was first read")
	reads := 0
	report, err := eng.EvaluateSource(context.Background(), func() (*snapshot.Snapshot, error) {
		reads++
		if reads == 2 {
			return nil, changed
		}
		return snap, nil
	})
	if !errors.Is(err, changed) || report != nil {
		t.Errorf("EvaluateSource with a failing second read = %v, %v; want nil, the read's error", report, err)
	}
	if reads != 2 {
		t.Errorf("the source was read %d times, want 2", reads)
	}
}
