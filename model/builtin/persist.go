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
	"unsafe"
)

// A snapshot is the whole trained model in one versioned file, so that a
// process can start from it instead of re-reading and re-counting the
// repository: little-endian uvarints, and the count tables as fixed-width
// arrays at 8-byte-aligned offsets laid out as the table holds them, so
// that on a little-endian machine Restore uses them where they lie (a
// mapped file is then read only where a completion looks). The caller may
// store one string per file beside the model (ghostline's engine keeps
// each file's content hash there, to know which files the model has
// already learnt).

const (
	snapshotMagic   = "ghostline-builtin-model\n"
	snapshotVersion = 2
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
	written := 0 // before b
	flush := func() error {
		_, err := bw.Write(b)
		written += len(b)
		b = b[:0]
		return err
	}
	// align pads to the next multiple of 8 bytes from the start.
	align := func() {
		for (written+len(b))%8 != 0 {
			b = append(b, 0)
		}
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
		if err := flushFull(); err != nil {
			return err
		}
	}
	for _, id := range m.vocab.byText() { // so that Restore need not sort
		u(uint64(id))
		if err := flushFull(); err != nil {
			return err
		}
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
	align()
	b = binary.LittleEndian.AppendUint64(b, uint64(len(ctx)))
	for _, x := range ctx {
		b = binary.LittleEndian.AppendUint64(b, x.k)
		if err := flushFull(); err != nil {
			return err
		}
	}
	for _, x := range ctx {
		b = binary.LittleEndian.AppendUint32(b, x.e.total)
		b = binary.LittleEndian.AppendUint32(b, x.e.dist)
		for _, v := range x.e.ids {
			b = binary.LittleEndian.AppendUint32(b, v)
		}
		for _, v := range x.e.cnt {
			b = binary.LittleEndian.AppendUint32(b, v)
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
	b = binary.LittleEndian.AppendUint64(b, uint64(len(ovf)))
	for _, x := range ovf {
		b = binary.LittleEndian.AppendUint64(b, x.k)
		if err := flushFull(); err != nil {
			return err
		}
	}
	for _, x := range ovf {
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
// model is left as it was. The model may go on reading data (its count
// tables, in place): data must not change while the model is in use; a
// read-only mapping of the file is what it is made for.
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
	d := decoder{b: data, size: len(data)}
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
	// The tokens' text in one allocation, each token a substring of it.
	start := d.b
	for range nv {
		d.bytes(d.count(1))
	}
	sec := start[:len(start)-len(d.b)]
	text, vd := string(sec), decoder{b: sec}
	m.vocab.strs = slices.Grow(m.vocab.strs, nv)
	m.vocab.ids = make(map[string]uint32, nv)
	for range nv {
		n := vd.count(1)
		off := len(sec) - len(vd.b)
		vd.bytes(n)
		s := text[off : off+n]
		m.vocab.ids[s] = uint32(len(m.vocab.strs))
		m.vocab.strs = append(m.vocab.strs, s)
	}
	// nv ids in strictly ascending text: each id once.
	m.vocab.sorted = make([]uint32, nv)
	for i := range m.vocab.sorted {
		id := d.uv()
		if id == unk || id > uint64(nv) || i > 0 && m.vocab.strs[m.vocab.sorted[i-1]] >= m.vocab.strs[id] {
			return nil, nil, errors.New("built-in model snapshot: vocabulary out of order")
		}
		m.vocab.sorted[i] = uint32(id)
	}
	for range d.count(2) {
		name := d.str()
		m.langs[name] = uint32(d.uv())
	}
	d.align()
	t := &m.tab
	nc := d.fixedCount(8 + entrySize)
	t.baseCtxKeys = array[uint64](&d, nc, 8)
	t.baseCtx = array[entry](&d, nc, 4)
	no := d.fixedCount(8 + 4)
	t.baseOvfKeys = array[uint64](&d, no, 8)
	t.baseOvf = array[uint32](&d, no, 4)
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
		toks := d.bytes(d.count(1))
		m.files[path] = fileRec{lang: l, toks: toks[:len(toks):len(toks)]} // read-only, as the tables
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
	b    []byte
	size int // of the whole snapshot
	err  error
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
func (d *decoder) count(minSize int) int { return d.bound(d.uv(), minSize) }

// fixedCount reads an array's length, a little-endian uint64, as count
// reads a uvarint one.
func (d *decoder) fixedCount(minSize int) int { return d.bound(d.u64(), minSize) }

func (d *decoder) bound(n uint64, minSize int) int {
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

// align skips the padding to the next multiple of 8 bytes from the start.
func (d *decoder) align() {
	d.bytes((8 - (d.size-len(d.b))%8) % 8)
}

// entrySize is an entry's bytes in a snapshot: its uint32 fields in order,
// as the struct lays them out.
const entrySize = 4 * (2 + 2*topK)

// The snapshot's entries and the struct must agree.
var _ = [1]struct{}{}[entrySize-unsafe.Sizeof(entry{})]

var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// array reads n fixed-size little-endian values of T (made of words of
// word bytes, no padding). It is the data itself where the machine is
// little-endian and the data aligned for T, a copy otherwise.
func array[T any](d *decoder, n, word int) []T {
	var zero T
	size := int(unsafe.Sizeof(zero))
	b := d.bytes(n * size)
	if n == 0 || b == nil {
		return nil
	}
	p := unsafe.Pointer(unsafe.SliceData(b))
	if littleEndian && uintptr(p)%unsafe.Alignof(zero) == 0 {
		return unsafe.Slice((*T)(p), n)
	}
	out := make([]T, n)
	dst := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(out))), len(b))
	copy(dst, b)
	if !littleEndian {
		for i := 0; i < len(dst); i += word {
			slices.Reverse(dst[i : i+word])
		}
	}
	return out
}
