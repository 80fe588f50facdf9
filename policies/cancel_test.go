package policies

import (
	"context"
	"errors"
	"testing"
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
