package watch_test

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"dunghan/internal/store"
	"dunghan/internal/store/storetest"
	"dunghan/internal/watch"
)

// TestTwoInstancesShareTheWork runs two sweepers, each on its own Store
// (two serve processes), on one PostgreSQL database at the same instant.
// The due dossiers are claimed with FOR UPDATE SKIP LOCKED: both
// instances work, neither waits for the other, and every rung fires once,
// with one digest per person.
func TestTwoInstancesShareTheWork(t *testing.T) {
	if os.Getenv("DUNGHAN_TEST_PG") == "" {
		t.Skip("needs PostgreSQL: set DUNGHAN_TEST_PG")
	}
	ctx := context.Background()
	url := storetest.URL(t, store.Postgres)
	clock := &atomic.Pointer[time.Time]{}
	openInstance := func() *store.Store {
		s, err := store.Open(ctx, url, store.Options{Now: func() time.Time { return *clock.Load() }, Log: quiet})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return s
	}
	first, second := openInstance(), openInstance()
	w := newWorld(t, first, clock, vn("2025-03-03 08:00"))
	const n = 120
	ids := make([]string, n)
	for i := range n {
		ids[i] = w.receive(t, "edu-001", fmt.Sprintf("Người nộp %d", i), "").ID
	}
	// A week later every dossier is overdue with rungs of every family due.
	w.set(vn("2025-03-11 09:00"))
	sweepers := []*watch.Sweeper{}
	for _, s := range []*store.Store{first, second} {
		sweepers = append(sweepers, watch.NewSweeper(watch.Options{Store: s, Calendar: w.calendarOf, Now: w.now, Log: quiet, Batch: 4, Mail: true, Webhook: true}))
	}
	results := make([]watch.Result, 2)
	errs := make([]error, 2)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, sw := range sweepers {
		wg.Go(func() {
			<-start
			results[i], errs[i] = sw.Sweep(ctx)
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("instance %d: %v", i+1, err)
		}
	}
	t.Logf("instance 1 claimed %d dossiers, instance 2 claimed %d", results[0].Claimed, results[1].Claimed)
	if results[0].Claimed+results[1].Claimed != n || results[0].Claimed == 0 || results[1].Claimed == 0 {
		t.Fatalf("claims %d + %d, want %d shared by both", results[0].Claimed, results[1].Claimed, n)
	}

	// Every dossier has the same rungs and recipients as the first one; none twice.
	var want []string
	var wantWhom map[string][]string
	for i, id := range ids {
		rungs, err := first.FiredRungs(ctx, w.agency, id)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, r := range rungs {
			keys = append(keys, r.Key+">"+r.MergedInto)
		}
		slices.Sort(keys)
		whom := w.recipients(t, id)
		if i == 0 {
			want, wantWhom = keys, whom
			if len(keys) != 8 {
				t.Fatalf("first dossier rungs %v, want 8 (4 fired, 4 merged)", keys)
			}
			continue
		}
		if !slices.Equal(keys, want) {
			t.Fatalf("dossier %d rungs %v, want %v", i, keys, want)
		}
		if !maps.EqualFunc(whom, wantWhom, slices.Equal[[]string]) {
			t.Fatalf("dossier %d recipients %v, want %v", i, whom, wantWhom)
		}
	}
	if got := results[0].Rungs + results[1].Rungs; got != 8*n {
		t.Fatalf("%d rungs fired, want %d", got, 8*n)
	}
	// One digest per person, whichever instance made it.
	digests := map[string]int{}
	items, err := first.Outbox(ctx, w.agency, store.OutboxPending, 500)
	if err != nil {
		t.Fatal(err)
	}
	hooks := 0
	for _, it := range items {
		switch it.Kind {
		case "digest":
			digests[it.Recipient]++
		case "alert":
			hooks++
		}
	}
	for addr, k := range digests {
		if k != 1 {
			t.Errorf("%s: %d digests", addr, k)
		}
	}
	if results[0].Digests+results[1].Digests != len(digests) || hooks != 4*n {
		t.Errorf("digests %d+%d for %d people, %d webhook calls (want %d)", results[0].Digests, results[1].Digests, len(digests), hooks, 4*n)
	}
	// Nothing is left for either instance.
	for i, sw := range sweepers {
		if r, err := sw.Sweep(ctx); err != nil || r.Claimed != 0 || r.Digests != 0 {
			t.Errorf("instance %d sweeps again: %+v %v", i+1, r, err)
		}
	}
}
