package builtin

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
)

// A snapshot is the whole trained model in one versioned file, so that a
// process can start from it instead of re-reading and re-counting the
// repository: little-endian uvarints and fixed-width counts, read back in
// one pass. The caller may store one string per file beside the model
// (ghostline's engine keeps each file's content hash there, to know which
// files the model has already learnt).

const (
	snapshotMagic   = "ghostline-builtin-model\n"
	snapshotVersion = 1
)

// ErrSnapshotVersion is returned by Restore for a file written by another
// version of the format or with other Options: rebuild and save again.
var ErrSnapshotVersion = errors.New("built-in model snapshot from another version")

// Save writes the model and tags (one string per file, the caller's) as a
// snapshot.
func (m *Model) Save(w io.Writer, tags map[string]string) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	bw := bufio.NewWriterSize(w, 1<<20)
	var b []byte
	u := func(v uint64) { b = binary.AppendUvarint(b, v) }
	str := func(s string) { u(uint64(len(s))); b = append(b, s...) }
	flush := func() error {
		_, err := bw.Write(b)
		b = b[:0]
		return err
	}
	// flushFull writes the buffer out once it is large: a table may hold
	// millions of entries.
	flushFull := func() error {
		if len(b) > 1<<16 {
			return flush()
		}
		return nil
	}
	b = append(b, snapshotMagic...)
	u(snapshotVersion)
	u(uint64(m.opt.Order))
	u(uint64(m.opt.MaxNgrams))
	u(uint64(m.opt.MaxVocab))
	u(uint64(m.pruned))
	u(uint64(m.pruneAt))
	u(uint64(len(m.vocab.strs) - 1))
	for _, s := range m.vocab.strs[1:] {
		str(s)
	}
	u(uint64(len(m.langs)))
	for _, name := range slices.Sorted(maps.Keys(m.langs)) {
		str(name)
		u(uint64(m.langs[name]))
	}
	// Sorted by key: the restored table searches them as they are.
	type kv struct {
		k uint64
		e entry
	}
	ctx := make([]kv, 0, m.tab.nctx)
	m.tab.eachCtx(func(k uint64, e entry) { ctx = append(ctx, kv{k, e}) })
	slices.SortFunc(ctx, func(a, b kv) int { return cmp.Compare(a.k, b.k) })
	u(uint64(len(ctx)))
	for _, x := range ctx {
		b = binary.LittleEndian.AppendUint64(b, x.k)
		b = binary.LittleEndian.AppendUint32(b, x.e.total)
		b = binary.LittleEndian.AppendUint32(b, x.e.dist)
		for i := range topK {
			b = binary.LittleEndian.AppendUint32(b, x.e.ids[i])
			b = binary.LittleEndian.AppendUint32(b, x.e.cnt[i])
		}
		if err := flushFull(); err != nil {
			return err
		}
	}
	type kc struct {
		k uint64
		c uint32
	}
	ovf := make([]kc, 0, m.tab.novf)
	m.tab.eachOvf(func(k uint64, c uint32) { ovf = append(ovf, kc{k, c}) })
	slices.SortFunc(ovf, func(a, b kc) int { return cmp.Compare(a.k, b.k) })
	u(uint64(len(ovf)))
	for _, x := range ovf {
		b = binary.LittleEndian.AppendUint64(b, x.k)
		b = binary.LittleEndian.AppendUint32(b, x.c)
		if err := flushFull(); err != nil {
			return err
		}
	}
	u(uint64(len(m.files)))
	for path, f := range m.files {
		str(path)
		str(tags[path])
		u(uint64(f.lang))
		str(string(f.toks))
		if err := flushFull(); err != nil {
			return err
		}
	}
	if err := flush(); err != nil {
		return err
	}
	return bw.Flush()
}

// Restore replaces the model's content with a snapshot written by Save
// with the same Options and returns the tags saved with it. On error the
// model is left as it was.
func (m *Model) Restore(data []byte) (map[string]string, error) {
	n, tags, err := load(data, m.opt)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.vocab, m.langs, m.tab, m.files, m.pruned, m.pruneAt = n.vocab, n.langs, n.tab, n.files, n.pruned, n.pruneAt
	return tags, nil
}

func load(data []byte, o Options) (*Model, map[string]string, error) {
	d := decoder{b: data}
	if string(d.bytes(len(snapshotMagic))) != snapshotMagic {
		return nil, nil, errors.New("not a built-in model snapshot")
	}
	o = o.withDefaults()
	if d.uv() != snapshotVersion || d.uv() != uint64(o.Order) || d.uv() != uint64(o.MaxNgrams) || d.uv() != uint64(o.MaxVocab) {
		return nil, nil, ErrSnapshotVersion
	}
	m := New(o)
	m.pruned, m.pruneAt = int(d.uv()), int(d.uv())
	nv := d.count(1)
	m.vocab.strs = slices.Grow(m.vocab.strs, nv)
	for range nv {
		s := d.str()
		m.vocab.ids[s] = uint32(len(m.vocab.strs))
		m.vocab.strs = append(m.vocab.strs, s)
	}
	m.vocab.tail = make([]uint32, 0, nv)
	for id := 1; id <= nv; id++ {
		m.vocab.tail = append(m.vocab.tail, uint32(id))
	}
	m.vocab.merge()
	for range d.count(2) {
		name := d.str()
		m.langs[name] = uint32(d.uv())
	}
	nc := d.count(8 + 8 + 8*topK)
	t := &m.tab
	t.baseCtxKeys, t.baseCtx = make([]uint64, nc), make([]entry, nc)
	for i := range nc {
		t.baseCtxKeys[i] = d.u64()
		e := &t.baseCtx[i]
		e.total, e.dist = d.u32(), d.u32()
		for j := range topK {
			e.ids[j], e.cnt[j] = d.u32(), d.u32()
		}
	}
	no := d.count(12)
	t.baseOvfKeys, t.baseOvf = make([]uint64, no), make([]uint32, no)
	for i := range no {
		t.baseOvfKeys[i], t.baseOvf[i] = d.u64(), d.u32()
	}
	if !slices.IsSorted(t.baseCtxKeys) || !slices.IsSorted(t.baseOvfKeys) {
		return nil, nil, errors.New("built-in model snapshot: keys out of order")
	}
	t.nctx, t.novf = nc, no
	nf := d.count(4)
	tags := make(map[string]string, nf)
	for range nf {
		path := d.str()
		tags[path] = d.str()
		l := uint32(d.uv())
		m.files[path] = fileRec{lang: l, toks: slices.Clone(d.bytes(d.count(1)))}
	}
	if d.err != nil {
		return nil, nil, fmt.Errorf("built-in model snapshot: %w", d.err)
	}
	if len(d.b) != 0 {
		return nil, nil, errors.New("built-in model snapshot: trailing bytes")
	}
	return m, tags, nil
}

// decoder reads a snapshot; the first error sticks and later reads return
// zeros, so Load checks once at the end.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = io.ErrUnexpectedEOF
	}
	d.b = nil
}

func (d *decoder) bytes(n int) []byte {
	if n < 0 || n > len(d.b) {
		d.fail()
		return nil
	}
	out := d.b[:n]
	d.b = d.b[n:]
	return out
}

func (d *decoder) uv() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a length of items at least minSize bytes each, refusing one
// the rest of the data cannot hold (a corrupt file must not allocate gigabytes).
func (d *decoder) count(minSize int) int {
	n := d.uv()
	if n > uint64(len(d.b)/minSize) {
		d.fail()
		return 0
	}
	return int(n)
}

func (d *decoder) str() string { return string(d.bytes(int(d.count(1)))) }

func (d *decoder) u64() uint64 {
	if b := d.bytes(8); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

func (d *decoder) u32() uint32 {
	if b := d.bytes(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}
