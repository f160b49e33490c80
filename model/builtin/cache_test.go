package builtin

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// The cache model's counts match a plain count of every (context,
// successor) pair, also when its tables come back from the pool.
func TestCacheModelCounts(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n, alphabet int) []uint32 {
		out := make([]uint32, n)
		for i := range out {
			out[i] = uint32(rng.IntN(alphabet)) + 1
		}
		return out
	}
	tests := []struct {
		name  string
		ids   []uint32
		order int
	}{
		{"empty", nil, 5},
		{"one token", []uint32{7}, 5},
		{"repeated token", slices.Repeat([]uint32{3}, 50), 5},
		{"small alphabet", random(400, 3), 5},
		{"large alphabet", random(3000, 500), 5},
		{"local ids", []uint32{localBase, 1, localBase + 1, localBase, 1}, 3},
		{"order 8", random(1000, 20), 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for round := range 2 { // the second round reuses pooled tables
				c := newCacheModel(len(tt.ids) * tt.order)
				c.learn(tt.ids, tt.order, 1)
				checkCacheModel(t, c, tt.ids, tt.order)
				if round == 0 {
					c.release()
				}
			}
		})
	}
}

func checkCacheModel(t *testing.T, c *cacheModel, ids []uint32, order int) {
	t.Helper()
	type ctxStat struct {
		total int
		succ  map[uint32]int
	}
	want := map[string]*ctxStat{}
	keys := map[string]uint64{}
	for i, id := range ids {
		k := uint64(cacheRoot)
		for n := 0; n < order && n <= i; n++ {
			if n > 0 {
				k = cacheKey(k, ids[i-n])
			}
			name := fmt.Sprint(ids[i-n : i])
			s := want[name]
			if s == nil {
				s = &ctxStat{succ: map[uint32]int{}}
				want[name] = s
			}
			keys[name] = k
			s.total++
			s.succ[id]++
		}
	}
	if len(c.ctxs) != len(want) {
		t.Fatalf("%d contexts, want %d", len(c.ctxs), len(want))
	}
	for name, s := range want {
		x := c.lookup(keys[name])
		if x == nil {
			t.Fatalf("context %q not found", name)
		}
		if int(x.total) != s.total || int(x.distinct) != len(s.succ) {
			t.Errorf("context %q: total %d distinct %d, want %d %d", name, x.total, x.distinct, s.total, len(s.succ))
		}
		got := c.successors(x, nil)
		if len(got) != len(s.succ) {
			t.Errorf("context %q: %d successors listed, want %d", name, len(got), len(s.succ))
		}
		for _, id := range got {
			if n := c.count(x, id); int(n) != s.succ[id] {
				t.Errorf("context %q: count(%d) = %d, want %d", name, id, n, s.succ[id])
			}
		}
		if n := c.count(x, 1<<30); n != 0 {
			t.Errorf("context %q: unseen successor counted %d", name, n)
		}
	}
	if x := c.lookup(cacheKey(cacheRoot, 1<<30)); x != nil {
		t.Errorf("unseen context found: %+v", *x)
	}
}
