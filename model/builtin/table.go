package builtin

import "slices"

// The n-gram counts. A context (the language and up to order-1 previous
// tokens) maps to an entry holding its total count, its number of distinct
// successors (Witten-Bell smoothing needs both) and its topK most frequent
// successors with their counts inline.
//
// Short contexts (no token or one token: unigram and bigram counts) are
// exact: successors past the top live in a shared overflow map keyed by
// (context, token). Longer contexts keep only their top successors; an
// occurrence of any other successor adds to the entry's total and to its
// distinct count (an over-estimate, which only gives the shorter contexts
// more weight) and is otherwise not stored. Long contexts are where the
// Go standard library's 20M tokens make ten million distinct n-grams, and
// their rare successors are rarely the right prediction; dropping them is
// what keeps the memory bounded. All updates are symmetric, so forgetting a
// file subtracts exactly what learning it added (up to pruning).

const (
	topK = 3
	// exactOrders: contexts shorter than this keep every successor.
	exactOrders = 2
)

// Snapshots hold entries as the struct lays them out (entrySize): its
// fields are uint32s, in this order.
type entry struct {
	total uint32
	dist  uint32 // distinct successors in the low 28 bits, the order above
	ids   [topK]uint32
	cnt   [topK]uint32
}

const distMask = 1<<28 - 1

func (e *entry) distinct() uint32 { return e.dist & distMask }
func (e *entry) order() int       { return int(e.dist >> 28) }
func (e *entry) filled() int {
	n := 0
	for _, c := range e.cnt {
		if c > 0 {
			n++
		}
	}
	return n
}

// table holds the counts in maps, over an optional read-only base: the
// sorted arrays of a restored snapshot, which load in one sequential pass
// where filling maps would cost a cache miss per entry. The maps then hold
// only what changed since: an entry with total 0 (an overflow count of 0)
// is a deletion of the base's.
type table struct {
	ctx map[uint64]entry
	ovf map[uint64]uint32

	baseCtxKeys []uint64 // sorted
	baseCtx     []entry
	baseOvfKeys []uint64 // sorted
	baseOvf     []uint32

	nctx, novf int // live entries
}

func newTable() table {
	return table{ctx: map[uint64]entry{}, ovf: map[uint64]uint32{}}
}

func (t *table) size() int { return t.nctx + t.novf }

func (t *table) getCtx(k uint64) (entry, bool) {
	if e, ok := t.ctx[k]; ok {
		return e, e.total > 0
	}
	if i, ok := slices.BinarySearch(t.baseCtxKeys, k); ok {
		return t.baseCtx[i], true
	}
	return entry{}, false
}

// setCtx stores a live entry; existed says whether k had one.
func (t *table) setCtx(k uint64, e entry, existed bool) {
	t.ctx[k] = e
	if !existed {
		t.nctx++
	}
}

// delCtx removes k's live entry.
func (t *table) delCtx(k uint64) {
	if _, inBase := slices.BinarySearch(t.baseCtxKeys, k); inBase {
		t.ctx[k] = entry{}
	} else {
		delete(t.ctx, k)
	}
	t.nctx--
}

func (t *table) getOvf(k uint64) (uint32, bool) {
	if c, ok := t.ovf[k]; ok {
		return c, c > 0
	}
	if i, ok := slices.BinarySearch(t.baseOvfKeys, k); ok {
		return t.baseOvf[i], true
	}
	return 0, false
}

func (t *table) setOvf(k uint64, c uint32, existed bool) {
	t.ovf[k] = c
	if !existed {
		t.novf++
	}
}

func (t *table) delOvf(k uint64) {
	if _, inBase := slices.BinarySearch(t.baseOvfKeys, k); inBase {
		t.ovf[k] = 0
	} else {
		delete(t.ovf, k)
	}
	t.novf--
}

// eachCtx calls f for every live entry, in no order.
func (t *table) eachCtx(f func(k uint64, e entry)) {
	for i, k := range t.baseCtxKeys {
		if _, changed := t.ctx[k]; !changed {
			f(k, t.baseCtx[i])
		}
	}
	for k, e := range t.ctx {
		if e.total > 0 {
			f(k, e)
		}
	}
}

// eachOvf calls f for every live overflow count, in no order.
func (t *table) eachOvf(f func(k uint64, c uint32)) {
	for i, k := range t.baseOvfKeys {
		if _, changed := t.ovf[k]; !changed {
			f(k, t.baseOvf[i])
		}
	}
	for k, c := range t.ovf {
		if c > 0 {
			f(k, c)
		}
	}
}

// flatten moves the base into the maps (before pruning, which walks and
// rebuilds them).
func (t *table) flatten() {
	if t.baseCtxKeys == nil && t.baseOvfKeys == nil {
		return
	}
	ctx := make(map[uint64]entry, t.nctx)
	t.eachCtx(func(k uint64, e entry) { ctx[k] = e })
	ovf := make(map[uint64]uint32, t.novf)
	t.eachOvf(func(k uint64, c uint32) { ovf[k] = c })
	*t = table{ctx: ctx, ovf: ovf, nctx: len(ctx), novf: len(ovf)}
}

// mix is the splitmix64 finalizer.
func mix(h uint64) uint64 {
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}

// ctxKey hashes a language and a context of token ids (oldest first).
func ctxKey(lang uint32, ids []uint32) uint64 {
	h := mix(uint64(lang)<<32 | uint64(len(ids)) | 1<<63)
	for _, id := range ids {
		h = mix(h ^ uint64(id))
	}
	return h
}

func ngramKey(ck uint64, id uint32) uint64 {
	return mix(ck ^ (uint64(id)+1)*0x9e3779b97f4a7c15)
}

// count is c(context, id), 0 for successors a long context does not keep.
func (t *table) count(ck uint64, e *entry, id uint32) uint32 {
	for i, x := range e.ids {
		if x == id && e.cnt[i] > 0 {
			return e.cnt[i]
		}
	}
	if e.order() < exactOrders && int(e.distinct()) > e.filled() {
		c, _ := t.getOvf(ngramKey(ck, id))
		return c
	}
	return 0
}

// add counts one occurrence of id after the context ck of the given order.
func (t *table) add(ck uint64, order int, id uint32) {
	e, ok := t.getCtx(ck)
	if !ok {
		e = entry{dist: uint32(order) << 28}
	}
	t.bump(ck, &e, id)
	t.setCtx(ck, e, ok)
}

func (t *table) bump(ck uint64, e *entry, id uint32) {
	e.total++
	free, minI := -1, -1
	for i := range e.ids {
		if e.cnt[i] == 0 {
			if free < 0 {
				free = i
			}
			continue
		}
		if e.ids[i] == id {
			e.cnt[i]++
			return
		}
		if minI < 0 || e.cnt[i] < e.cnt[minI] {
			minI = i
		}
	}
	if e.order() >= exactOrders {
		e.dist++
		if free >= 0 {
			e.ids[free], e.cnt[free] = id, 1
		}
		return
	}
	nk := ngramKey(ck, id)
	c, inOvf := t.getOvf(nk)
	if !inOvf {
		e.dist++
	}
	c++
	if free >= 0 || c > e.cnt[minI] {
		// Promote id into the top; the weakest inline successor moves out.
		if inOvf {
			t.delOvf(nk)
		}
		slot := free
		if slot < 0 {
			slot = minI
			out := ngramKey(ck, e.ids[minI])
			_, had := t.getOvf(out)
			t.setOvf(out, e.cnt[minI], had)
		}
		e.ids[slot], e.cnt[slot] = id, c
		return
	}
	t.setOvf(nk, c, inOvf)
}

// sub removes one occurrence of id after ck: the inverse of add.
func (t *table) sub(ck uint64, id uint32) {
	e, ok := t.getCtx(ck)
	if !ok {
		return // pruned
	}
	t.unbump(ck, &e, id)
	if e.total == 0 {
		t.delCtx(ck)
		return
	}
	t.setCtx(ck, e, true)
}

func (t *table) unbump(ck uint64, e *entry, id uint32) {
	e.total--
	for i := range e.ids {
		if e.cnt[i] > 0 && e.ids[i] == id {
			e.cnt[i]--
			if e.cnt[i] == 0 {
				e.ids[i] = 0
				e.dist--
			}
			return
		}
	}
	if e.order() >= exactOrders {
		e.dist--
		return
	}
	nk := ngramKey(ck, id)
	if c, ok := t.getOvf(nk); c <= 1 {
		if ok {
			t.delOvf(nk)
		}
		e.dist--
	} else {
		t.setOvf(nk, c-1, true)
	}
}

// prune drops the rarest long contexts (the longest are the rarest), one
// pass per count limit, until the table holds at most target entries. It
// returns how many it dropped.
func (t *table) prune(target int) int {
	t.flatten()
	dropped := 0
	for limit := uint32(1); t.size() > target && limit <= 1<<16; limit *= 4 {
		for k, e := range t.ctx {
			if e.order() >= exactOrders && e.total <= limit {
				delete(t.ctx, k)
				t.nctx--
				dropped++
			}
		}
	}
	// Go maps never shrink: copy what is left into one sized for it.
	ctx := make(map[uint64]entry, len(t.ctx))
	for k, e := range t.ctx {
		ctx[k] = e
	}
	t.ctx, t.nctx = ctx, len(ctx)
	return dropped
}
