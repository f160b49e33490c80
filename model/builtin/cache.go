package builtin

import (
	"math/bits"
	"sync"
)

// cacheModel holds one request's counts of the prompt's n-grams. Counting a
// full retrieved prompt (about 2,000 tokens, five context lengths each) is
// most of a request's work, so it avoids Go maps and per-context
// allocations: two open-addressing tables sized once for the prompt, the
// contexts in one slice, their successors in linked lists in another, and
// the whole structure reused across requests through a pool.
type cacheModel struct {
	ctxSlot []int32  // open addressing over ctxs: index+1, 0 is empty
	ctxs    []cctx   // every context seen, in first-seen order
	succ    []succ   // successor lists, linked through next
	ngKey   []uint64 // open addressing: ngramKey of a (context, successor)
	ngCnt   []uint32 // its count; 0 is empty
	mask    uint64
}

// cctx is a context in the cache model.
type cctx struct {
	key      uint64
	total    uint32
	distinct uint32
	head     int32 // first of its successors in cacheModel.succ, -1 if none
}

type succ struct {
	id   uint32
	next int32
}

var cachePool = sync.Pool{New: func() any { return new(cacheModel) }}

// newCacheModel returns an empty cache model with room for n n-grams
// without probing far (load at most one half).
func newCacheModel(n int) *cacheModel {
	c := cachePool.Get().(*cacheModel)
	size := 1 << max(8, bits.Len(uint(2*n)))
	if cap(c.ngKey) < size {
		c.ctxSlot, c.ngKey, c.ngCnt = make([]int32, size), make([]uint64, size), make([]uint32, size)
	} else {
		c.ctxSlot, c.ngKey, c.ngCnt = c.ctxSlot[:size], c.ngKey[:size], c.ngCnt[:size]
		clear(c.ctxSlot)
		clear(c.ngKey)
		clear(c.ngCnt)
	}
	c.mask = uint64(size - 1)
	c.ctxs, c.succ = c.ctxs[:0], c.succ[:0]
	return c
}

// release hands the tables back for a later request; c must not be used
// after it.
func (c *cacheModel) release() {
	// A pathological prompt's tables are not worth keeping.
	if cap(c.ngKey) <= 1<<17 {
		cachePool.Put(c)
	}
}

// cacheKey extends a context key by one older token: cache contexts are
// hashed newest token first, so the keys of all context lengths at one
// position cost one mix each. They are request-local, never compared with
// the table's keys.
func cacheKey(h uint64, older uint32) uint64 { return mix(h ^ uint64(older)) }

// cacheRoot is the key of the empty context.
const cacheRoot = 0x51afd7ed558ccd

// lookup returns the context with key k, nil when unseen.
func (c *cacheModel) lookup(k uint64) *cctx {
	for i := k & c.mask; ; i = (i + 1) & c.mask {
		j := c.ctxSlot[i]
		if j == 0 {
			return nil
		}
		if x := &c.ctxs[j-1]; x.key == k {
			return x
		}
	}
}

// add counts w occurrences of id after the context with key k.
func (c *cacheModel) add(k uint64, id, w uint32) {
	var x *cctx
	for i := k & c.mask; ; i = (i + 1) & c.mask {
		j := c.ctxSlot[i]
		if j == 0 {
			c.ctxs = append(c.ctxs, cctx{key: k, head: -1})
			c.ctxSlot[i] = int32(len(c.ctxs))
			x = &c.ctxs[len(c.ctxs)-1]
			break
		}
		if x = &c.ctxs[j-1]; x.key == k {
			break
		}
	}
	x.total += w
	nk := ngramKey(k, id) | 1 // 0 marks an empty slot
	for i := nk & c.mask; ; i = (i + 1) & c.mask {
		switch c.ngKey[i] {
		case nk:
			c.ngCnt[i] += w
			return
		case 0:
			c.ngKey[i], c.ngCnt[i] = nk, w
			c.succ = append(c.succ, succ{id: id, next: x.head})
			x.head = int32(len(c.succ) - 1)
			x.distinct++
			return
		}
	}
}

// count is how often id followed the context x.
func (c *cacheModel) count(x *cctx, id uint32) uint32 {
	nk := ngramKey(x.key, id) | 1
	for i := nk & c.mask; ; i = (i + 1) & c.mask {
		switch c.ngKey[i] {
		case nk:
			return c.ngCnt[i]
		case 0:
			return 0
		}
	}
}

// successors appends x's distinct successors to buf.
func (c *cacheModel) successors(x *cctx, buf []uint32) []uint32 {
	for j := x.head; j >= 0; j = c.succ[j].next {
		buf = append(buf, c.succ[j].id)
	}
	return buf
}

// learn counts every n-gram of ids, context lengths 0..order-1, w times.
func (c *cacheModel) learn(ids []uint32, order int, w uint32) {
	for i, id := range ids {
		k := uint64(cacheRoot)
		for n := 0; ; n++ {
			c.add(k, id, w)
			if n+1 >= order || n >= i {
				break
			}
			k = cacheKey(k, ids[i-n-1])
		}
	}
}
