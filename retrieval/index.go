package retrieval

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/ghostline/ghostline/config"
	"github.com/ghostline/ghostline/secrets"
)

// Progress receives background indexing progress (the engine turns it into
// LSP $/progress reports). done == total ends the report.
type Progress interface {
	Progress(title string, done, total int)
}

// Options are the optional parts of Open.
type Options struct {
	Progress Progress // nil: no reports
	// OnFile is told every indexed file's content, unchanged files included
	// (unless Known says it has them), during the indexing pass and on
	// every later change (the built-in model learns the repository from
	// it). Path is repository-relative. Called from one goroutine at a
	// time; it must not keep src.
	OnFile func(path string, src []byte)
	// Known reports whether OnFile's consumer already has the content whose
	// ContentHash is hash (a model restored from disk): an unchanged file it
	// knows is then not read again.
	Known func(path, hash string) bool
	// OnRemove is told of files that left the repository.
	OnRemove func(path string)
	// Watch follows files changed outside the editor (fsnotify) once the
	// first pass is done.
	Watch bool
	// Secrets are the secret rules (nil: the built-in ones): files they
	// match by name are skipped, secret values in the rest redacted before
	// the index or OnFile sees them.
	Secrets *secrets.Rules
}

// Index is a repository's retrieval index. It is safe for concurrent use.
type Index struct {
	root string
	cfg  config.Retrieval
	opts Options
	dir  string // holds index.bleve and the lock file

	bi   atomic.Pointer[handle] // nil until opened
	lock *os.File

	wmu sync.Mutex // serialises writes to bi
	// bmu is held by a writer from its first change to its flush: chunks
	// are written only where they differ from what the index holds, so
	// two writers must not both build on the same state of a file.
	bmu sync.Mutex
	df  dfCache // document frequencies for queries; large writes clear it
	// hits are recent search results, valid until the next write.
	hits hitCache

	regions regions // the retrieved block held per file region
	// writes counts index writes; changedAt is the count at which each
	// file's record last changed (for the held blocks, see fileHash).
	writes    uint64
	changedAt map[string]uint64

	mu      sync.Mutex
	files   map[string]fileEntry    // what the index holds, by repository-relative path
	recent  map[string]time.Time    // edited in the editor, for the recency boost
	edited  map[string]*extracted   // the last few edited files' declarations, for the next edit
	pending map[string]*pendingEdit // edits waiting for a pause in typing
	stats   Stats
	failed  bool // a write failed (disk full): logged once

	ready  chan struct{}
	ctx    context.Context // ends at Close
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// handle lets an interface value live in an atomic.Pointer.
type handle struct{ bleve.Index }

// fileEntry is what the index knows of one file.
type fileEntry struct {
	size     int64
	mtime    int64 // unix nanoseconds; 0 when the content came from the editor
	hash     string
	snippets int // ids path#s#0 .. path#s#snippets-1
	decls    int // ids path#d#0 .. path#d#decls-1
	// sums[i] is snippet i's sum, sums[snippets+i] declaration i's: an
	// edit rewrites only the chunks whose sum changed.
	sums []uint64
}

// Stats describes the last indexing pass.
type Stats struct {
	Files       int           // files in the index
	TotalChunks int           // chunks (snippets and declarations) in the index
	TotalBytes  int64         // bytes of source in the index
	Indexed     int           // files (re-)read and indexed by the pass
	Chunks      int           // chunks written by the pass
	Bytes       int64         // bytes of source indexed by the pass
	Duration    time.Duration // of the pass
	IndexBytes  int64         // size of the index directory on disk
	Writer      bool          // false while another process holds the index
}

// Batches hold about this many documents.
const batchDocs = 1000

// dfStaleDocs is the size of a batch after which cached document
// frequencies are recounted; an edited file's few chunks barely move them.
const dfStaleDocs = 100

// debounce is how long the watcher waits for a changed file to settle
// before re-indexing it.
var debounce = 500 * time.Millisecond

// An edited file is re-indexed once typing has paused for editPause, and
// at least every editMaxWait while it goes on. Re-indexing at every short
// pause (a re-index, then bleve merging the new segment) cost more CPU than
// the rest of typing put together (bench typing), while prompts take the
// edited file's own text from the editor anyway.
var editPause, editMaxWait = 2 * time.Second, 10 * time.Second

// Dir returns the directory that holds the index of the repository at root:
// c.IndexDir when set, else <user cache dir>/ghostline/<repo-hash>.
func Dir(root string, c config.Retrieval) (string, error) {
	if c.IndexDir != "" {
		return c.IndexDir, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("index directory: %w", err)
	}
	sum := sha256.Sum256([]byte(root))
	return filepath.Join(cache, "ghostline", filepath.Base(root)+"-"+hex.EncodeToString(sum[:6])), nil
}

// Open returns the index of the repository at root at once and builds or
// refreshes it in the background; Assemble works meanwhile with whatever is
// indexed (the current file alone at first). Only one process writes an
// index: another waits for the lock and serves in-file prompts until then.
// ctx bounds the background work; Close stops it.
func Open(ctx context.Context, root string, c config.Retrieval, o Options) (*Index, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("open index: %s is not a directory", root)
	}
	dir, err := Dir(root, c)
	if err != nil {
		return nil, err
	}
	d := config.Defaults().Retrieval
	if c.WindowLines <= 0 {
		c.WindowLines = d.WindowLines
	}
	if c.StrideLines <= 0 {
		c.StrideLines = d.StrideLines
	}
	if c.ContextTokens <= 0 {
		c.ContextTokens = d.ContextTokens
	}
	ctx, cancel := context.WithCancel(ctx)
	x := &Index{root: root, cfg: c, opts: o, dir: dir, files: map[string]fileEntry{},
		recent: map[string]time.Time{}, edited: map[string]*extracted{}, pending: map[string]*pendingEdit{},
		ready: make(chan struct{}), ctx: ctx, cancel: cancel}
	x.wg.Add(1)
	go func() {
		defer x.wg.Done()
		x.run(ctx)
	}()
	return x, nil
}

// Root is the repository's absolute path.
func (x *Index) Root() string { return x.root }

// Wait blocks until the first indexing pass has ended (or failed).
func (x *Index) Wait(ctx context.Context) error {
	select {
	case <-x.ready:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Stats returns figures of the last indexing pass.
func (x *Index) Stats() Stats {
	x.mu.Lock()
	defer x.mu.Unlock()
	s := x.stats
	s.Files = len(x.files)
	for _, e := range x.files {
		s.TotalChunks += e.snippets + e.decls
		s.TotalBytes += e.size
	}
	// Measured after Close, the size is what stays on disk (an open index
	// holds transient files).
	s.IndexBytes = dirSize(x.dir)
	return s
}

// Close stops background work and releases the index and its lock.
func (x *Index) Close() error {
	x.cancel()
	x.mu.Lock()
	for _, pe := range x.pending {
		pe.timer.Stop()
	}
	x.mu.Unlock()
	x.wg.Wait()
	var errs []error
	x.wmu.Lock()
	if bi := x.bi.Swap(nil); bi != nil {
		errs = append(errs, bi.Close())
	}
	x.wmu.Unlock()
	if x.lock != nil {
		errs = append(errs, x.lock.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close index: %w", err)
	}
	return nil
}

// run takes the writer lock, opens the index and brings it up to date with
// the files on disk, then follows changes.
func (x *Index) run(ctx context.Context) {
	defer func() {
		select {
		case <-x.ready:
		default:
			close(x.ready)
		}
	}()
	if err := os.MkdirAll(x.dir, 0o700); err != nil {
		slog.Error("retrieval index unavailable; completions use the current file only", "err", err)
		return
	}
	lock, err := waitLock(ctx, filepath.Join(x.dir, "lock"), x.report)
	if err != nil {
		return
	}
	x.lock = lock
	bi, err := x.openBleve()
	if err != nil {
		slog.Error("retrieval index unavailable; completions use the current file only", "err", err)
		return
	}
	if err := x.loadManifest(ctx, bi); err != nil {
		slog.Warn("index manifest unreadable; rebuilding the index", "dir", x.dir, "err", err)
		bi.Close()
		if bi, err = x.createBleve(); err != nil {
			slog.Error("retrieval index unavailable; completions use the current file only", "err", err)
			return
		}
	}
	x.bi.Store(&handle{bi})
	x.mu.Lock()
	x.stats.Writer = true
	x.mu.Unlock()
	release := holdMerges(bi)
	err = x.refresh(ctx)
	release()
	if err != nil && ctx.Err() == nil {
		slog.Error("indexing stopped; retrieval uses what was indexed", "err", err)
	}
	x.compact(ctx, bi)
	close(x.ready)
	if x.opts.Watch && ctx.Err() == nil {
		if err := x.watch(ctx); err != nil && ctx.Err() == nil {
			slog.Warn("not watching the repository for changes", "err", err)
		}
	}
}

func (x *Index) report(title string, done, total int) {
	if x.opts.Progress != nil {
		x.opts.Progress.Progress(title, done, total)
	}
}

// schema identifies the mapping, the chunking and the repository (an
// IndexDir setting shared by two repositories must not mix them); an index
// built with another is rebuilt.
func (x *Index) schema() string {
	return fmt.Sprintf("v%s window=%d stride=%d root=%s", schemaVersion, x.cfg.WindowLines, x.cfg.StrideLines, x.root)
}

var (
	schemaKey = []byte("ghostline.schema")
	passKey   = []byte("ghostline.pass") // when the last full pass ended
)

// openBleve opens the index on disk, or creates it; an index that does not
// open (corrupt, half-written) or has another schema is rebuilt.
func (x *Index) openBleve() (bleve.Index, error) {
	path := filepath.Join(x.dir, "index.bleve")
	bi, err := bleve.OpenUsing(path, scorchConfig())
	switch {
	case errors.Is(err, bleve.ErrorIndexPathDoesNotExist):
		return x.createBleve()
	case err != nil:
		slog.Warn("retrieval index corrupt; rebuilding it", "dir", path, "err", err)
		return x.createBleve()
	}
	got, err := bi.GetInternal(schemaKey)
	if err != nil || string(got) != x.schema() {
		bi.Close()
		if err != nil {
			slog.Warn("retrieval index corrupt; rebuilding it", "dir", path, "err", err)
		} else {
			slog.Info("retrieval settings changed; rebuilding the index", "dir", path, "was", string(got), "now", x.schema())
		}
		return x.createBleve()
	}
	return bi, nil
}

func (x *Index) createBleve() (bleve.Index, error) {
	path := filepath.Join(x.dir, "index.bleve")
	if err := os.RemoveAll(path); err != nil {
		return nil, fmt.Errorf("remove old index: %w", err)
	}
	m, err := newMapping()
	if err != nil {
		return nil, fmt.Errorf("index mapping: %w", err)
	}
	bi, err := bleve.NewUsing(path, m, scorch.Name, scorch.Name, scorchConfig())
	if err != nil {
		return nil, fmt.Errorf("create index %s: %w", path, err)
	}
	if err := bi.SetInternal(schemaKey, []byte(x.schema())); err != nil {
		bi.Close()
		return nil, fmt.Errorf("create index %s: %w", path, err)
	}
	x.mu.Lock()
	x.files = map[string]fileEntry{}
	x.mu.Unlock()
	return bi, nil
}

// scorchConfig: batches return once introduced rather than waiting for
// persistence (bleve #1266); the persister catches up in the background.
// Tiers of at most 3 segments (10 by default): every edit adds a segment,
// and a query pays a dictionary look-up per term in each. Merges wait
// while a pass writes (holdMerges).
func scorchConfig() map[string]any {
	return map[string]any{"unsafe_batch": true, "eventCallbackName": mergeHoldCallback,
		"scorchMergePlanOptions": map[string]any{"MaxSegmentsPerTier": 3, "SegmentsPerMergeTask": 3}}
}

// loadManifest reads the per-file records into x.files.
func (x *Index) loadManifest(ctx context.Context, bi bleve.Index) error {
	n, err := bi.DocCount()
	if err != nil {
		return err
	}
	req := bleve.NewSearchRequestOptions(termQuery(fieldKind, kindFile), int(n)+1, 0, false)
	req.Fields = []string{fieldPath, fieldMeta}
	res, err := bi.SearchInContext(ctx, req)
	if err != nil {
		return err
	}
	files := make(map[string]fileEntry, len(res.Hits))
	for _, h := range res.Hits {
		p, _ := h.Fields[fieldPath].(string)
		meta, _ := h.Fields[fieldMeta].(string)
		e, err := parseEntry(meta)
		if err != nil || p == "" {
			return fmt.Errorf("file record %s: %q: %v", h.ID, meta, err)
		}
		files[p] = e
	}
	x.mu.Lock()
	x.files = files
	x.mu.Unlock()
	return nil
}

func (e fileEntry) String() string {
	b := make([]byte, 8*len(e.sums))
	for i, s := range e.sums {
		binary.LittleEndian.PutUint64(b[8*i:], s)
	}
	return fmt.Sprintf("%d %d %s %d %d %s", e.size, e.mtime, e.hash, e.snippets, e.decls,
		base64.RawStdEncoding.EncodeToString(b))
}

// parseEntry reads a record.
func parseEntry(s string) (fileEntry, error) {
	f := strings.Fields(s)
	if len(f) == 5 { // no chunks: no sums
		f = append(f, "")
	}
	if len(f) != 6 {
		return fileEntry{}, errors.New("want 6 fields")
	}
	var e fileEntry
	var errs [5]error
	e.size, errs[0] = strconv.ParseInt(f[0], 10, 64)
	e.mtime, errs[1] = strconv.ParseInt(f[1], 10, 64)
	e.hash = f[2]
	e.snippets, errs[2] = strconv.Atoi(f[3])
	e.decls, errs[3] = strconv.Atoi(f[4])
	var b []byte
	b, errs[4] = base64.RawStdEncoding.DecodeString(f[5])
	if errs[4] == nil && len(b) != 8*(e.snippets+e.decls) {
		errs[4] = fmt.Errorf("%d bytes of sums for %d snippets and %d declarations", len(b), e.snippets, e.decls)
	}
	if errs[4] == nil {
		e.sums = make([]uint64, len(b)/8)
		for i := range e.sums {
			e.sums[i] = binary.LittleEndian.Uint64(b[8*i:])
		}
	}
	return e, errors.Join(errs[:]...)
}

// ContentHash is how the index tells one version of a file from another.
func ContentHash(src []byte) string {
	sum := sha256.Sum256(src)
	return hex.EncodeToString(sum[:16])
}

func termQuery(field, term string) *query.TermQuery {
	q := bleve.NewTermQuery(term)
	q.SetField(field)
	return q
}

// refresh brings the index up to date with the files on disk: new and
// changed files are (re-)indexed, unchanged ones (same size and mtime, or
// same content hash) are not, and files gone are removed.
func (x *Index) refresh(ctx context.Context) error {
	start := time.Now()
	var files []File
	// A file the index holds at the same size and time (what the pass
	// below takes as unchanged) passed the head's checks when it was read:
	// a warm pass opens no file.
	sniffed := func(rel string, fi fs.FileInfo) bool {
		x.mu.Lock()
		e, known := x.files[rel]
		x.mu.Unlock()
		return known && e.size == fi.Size() && e.mtime == fi.ModTime().UnixNano()
	}
	if err := walk(ctx, x.root, sniffed, func(f File) error { files = append(files, f); return nil }); err != nil {
		return err
	}
	const title = "ghostline: indexing the repository"
	x.report(title, 0, len(files))

	seen := make(map[string]bool, len(files))
	for _, f := range files {
		seen[f.Path] = true
	}
	x.mu.Lock()
	var gone []string
	for p := range x.files {
		if !seen[p] {
			gone = append(gone, p)
		}
	}
	x.mu.Unlock()

	type prepared struct {
		f   File
		src []byte
	}
	work := make(chan prepared, 64)
	readErr := make(chan error, 1)
	go func() { // reading overlaps with indexing
		defer close(work)
		for _, f := range files {
			if ctx.Err() != nil {
				break
			}
			x.mu.Lock()
			e, known := x.files[f.Path]
			x.mu.Unlock()
			unchanged := known && e.size == f.Size && e.mtime == f.ModTime.UnixNano()
			if unchanged && (x.opts.OnFile == nil || x.opts.Known != nil && x.opts.Known(f.Path, e.hash)) {
				work <- prepared{f: f}
				continue
			}
			src, err := os.ReadFile(f.Abs)
			if err == nil {
				src = x.redact(f.Path, src)
			}
			if err != nil || src == nil || len(src) > MaxFileSize {
				slog.Debug("skipping file", "path", f.Path, "err", err)
				work <- prepared{f: f}
				continue
			}
			work <- prepared{f: f, src: src}
		}
		readErr <- ctx.Err()
	}()

	w := x.newWriter()
	if w == nil {
		return errors.New("index closed")
	}
	var stats Stats
	for _, rel := range gone {
		w.remove(rel)
	}
	done := 0
	busy := time.Now() // since the last yield
	for p := range work {
		done++
		if p.src != nil {
			if x.opts.OnFile != nil {
				x.opts.OnFile(p.f.Path, p.src)
			}
			if n, ok := w.add(p.f.Path, p.f.Language, p.src, p.f.Size, p.f.ModTime.UnixNano()); ok {
				stats.Indexed++
				stats.Chunks += n
				stats.Bytes += int64(len(p.src))
			}
		}
		if w.batch.Size() >= batchDocs {
			if err := w.flush(); err != nil {
				for range work { // let the reader finish
				}
				return err
			}
			x.report(title, done, len(files))
			if err := yieldCPU(ctx, time.Since(busy)); err != nil {
				for range work {
				}
				return err
			}
			busy = time.Now()
		}
	}
	// The last batch waits until it is on disk, so that a Close right after
	// the pass keeps it (batches are otherwise persisted in the background).
	persisted := make(chan error, 1)
	wait := w.wrote || w.batch.Size() > 0 || len(w.entries) > 0
	if wait {
		w.batch.SetInternal(passKey, []byte(time.Now().UTC().Format(time.RFC3339)))
		w.batch.SetPersistedCallback(func(err error) { persisted <- err })
	}
	if err := w.flush(); err != nil {
		return err
	}
	if wait {
		select {
		case err := <-persisted:
			if err != nil {
				return fmt.Errorf("persist index: %w", err)
			}
		case <-ctx.Done():
		case <-time.After(time.Minute):
			slog.Warn("index not persisted within a minute; continuing")
		}
	}
	if err := <-readErr; err != nil {
		return err
	}
	stats.Duration = time.Since(start)
	x.mu.Lock()
	stats.Writer = x.stats.Writer
	x.stats = stats
	x.mu.Unlock()
	x.report(title, len(files), len(files))
	slog.Info("indexed repository", "root", x.root, "files", len(files), "indexed", stats.Indexed,
		"chunks", stats.Chunks, "seconds", stats.Duration.Seconds())
	return nil
}

// compactChunks is how many chunks a pass writes before compact merges
// the index into one segment.
const compactChunks = 20 * batchDocs

// compact merges the index into one segment after a pass that wrote many
// batches: a query looks up each of its terms in every segment, and a
// freshly built large index has a dozen or more.
func (x *Index) compact(ctx context.Context, bi bleve.Index) {
	x.mu.Lock()
	chunks := x.stats.Chunks
	x.mu.Unlock()
	if chunks < compactChunks || ctx.Err() != nil {
		return
	}
	ai, err := bi.Advanced()
	if err != nil {
		return
	}
	if sc, ok := ai.(*scorch.Scorch); ok {
		if err := sc.ForceMerge(ctx, nil); err != nil && ctx.Err() == nil {
			slog.Warn("index not merged; searches stay slower", "err", err)
		}
		x.df.clear()
	}
}

// writer accumulates one batch of changes and the file records they imply.
type writer struct {
	x       *Index
	bi      bleve.Index
	batch   *bleve.Batch
	entries map[string]*fileEntry // nil entry: removed
	wrote   bool                  // a batch was written
	edit    bool                  // an edit in the editor: keep the declarations for the next
	locked  bool                  // holds x.bmu
}

// begin takes x.bmu before the batch's first change.
func (w *writer) begin() {
	if !w.locked {
		w.x.bmu.Lock()
		w.locked = true
	}
}

// newWriter returns nil when the index is not open (yet, or any more).
func (x *Index) newWriter() *writer {
	h := x.bi.Load()
	if h == nil {
		return nil
	}
	return &writer{x: x, bi: h.Index, batch: h.NewBatch(), entries: map[string]*fileEntry{}}
}

// current is the record of rel as of this batch.
func (w *writer) current(rel string) (fileEntry, bool) {
	if e, ok := w.entries[rel]; ok {
		if e == nil {
			return fileEntry{}, false
		}
		return *e, true
	}
	w.x.mu.Lock()
	defer w.x.mu.Unlock()
	e, ok := w.x.files[rel]
	return e, ok
}

// add (re-)indexes one file unless its content is unchanged; it returns the
// number of chunks written. Of a changed file only the chunks that differ
// from what the index holds are written: an edit touches one or two
// windows of a file that may have thousands.
func (w *writer) add(rel, lang string, src []byte, size, mtime int64) (int, bool) {
	w.begin()
	hash := ContentHash(src)
	old, known := w.current(rel)
	e := fileEntry{size: size, mtime: mtime, hash: hash}
	if known && old.hash == hash {
		if old.mtime != mtime || old.size != size { // touched, not changed
			e.snippets, e.decls, e.sums = old.snippets, old.decls, old.sums
			w.putRecord(rel, lang, e)
		}
		return 0, false
	}
	var prev *extracted
	if w.edit {
		w.x.mu.Lock()
		prev = w.x.edited[rel]
		w.x.mu.Unlock()
	}
	snips, decls, ex := chunkFile(rel, lang, src, w.x.cfg.WindowLines, w.x.cfg.StrideLines, prev)
	if w.edit {
		w.x.keepEdited(rel, ex)
	}
	e.snippets, e.decls = len(snips), len(decls)
	e.sums = make([]uint64, len(snips)+len(decls))
	for i, c := range snips {
		e.sums[i] = c.sum()
	}
	for i, c := range decls {
		e.sums[len(snips)+i] = c.sum()
	}
	// oldSnippet and oldDecl are the sums of the chunks the index holds.
	oldSum := func(i, n, base int) uint64 {
		if i < n && base+i < len(old.sums) {
			return old.sums[base+i]
		}
		return 0
	}
	oldSnippet := func(i int) uint64 { return oldSum(i, old.snippets, 0) }
	oldDecl := func(i int) uint64 { return oldSum(i, old.decls, old.snippets) }
	n := 0
	for i, c := range snips {
		if oldSnippet(i) != e.sums[i] {
			w.index(snippetID(rel, i), rel, lang, c)
			n++
		}
	}
	for i := len(snips); i < old.snippets; i++ {
		w.batch.Delete(snippetID(rel, i))
	}
	for i, c := range decls {
		if oldDecl(i) != e.sums[len(snips)+i] {
			w.indexDecl(declID(rel, i), rel, lang, c)
			n++
		}
	}
	for i := len(decls); i < old.decls; i++ {
		w.batch.Delete(declID(rel, i))
	}
	w.putRecord(rel, lang, e)
	return n, true
}

// maxEdited bounds the files whose text and declarations are kept for the
// next edit: the editor edits a few files at a time.
const maxEdited = 8

// keepEdited remembers ex as rel's latest version, nil forgets it.
func (x *Index) keepEdited(rel string, ex *extracted) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if ex == nil {
		delete(x.edited, rel)
		return
	}
	if _, ok := x.edited[rel]; !ok && len(x.edited) >= maxEdited {
		for p := range x.edited { // any one: a file edited long ago re-parses once
			delete(x.edited, p)
			break
		}
	}
	x.edited[rel] = ex
}

func snippetID(rel string, i int) string { return rel + "#s#" + strconv.Itoa(i) }

func (w *writer) index(id, rel, lang string, c chunk) {
	doc := map[string]any{
		fieldPath: rel, fieldLang: lang, fieldKind: c.kind, fieldText: c.text, fieldIdent: c.text,
		fieldDir: path.Dir(rel), fieldUp: path.Dir(path.Dir(rel)),
		fieldStart: strconv.Itoa(c.start), fieldEnd: strconv.Itoa(c.end),
	}
	if err := w.batch.Index(id, doc); err != nil {
		slog.Debug("not indexed", "id", id, "err", err)
	}
}

func (w *writer) putRecord(rel, lang string, e fileEntry) {
	if err := w.batch.Index(rel+"#f", map[string]any{
		fieldPath: rel, fieldLang: lang, fieldKind: kindFile, fieldMeta: e.String(),
	}); err != nil {
		slog.Debug("not indexed", "path", rel, "err", err)
	}
	w.entries[rel] = &e
}

// remove deletes every chunk of rel and its record.
func (w *writer) remove(rel string) {
	w.begin()
	old, ok := w.current(rel)
	if !ok {
		return
	}
	for i := 0; i < old.snippets; i++ {
		w.batch.Delete(snippetID(rel, i))
	}
	for i := 0; i < old.decls; i++ {
		w.batch.Delete(declID(rel, i))
	}
	w.batch.Delete(rel + "#f")
	w.entries[rel] = nil
}

// flush writes the batch and, once it is in, the records it implies.
func (w *writer) flush() error {
	defer func() {
		if w.locked {
			w.locked = false
			w.x.bmu.Unlock()
		}
	}()
	if w.batch.Size() == 0 && len(w.entries) == 0 {
		return nil
	}
	big := w.batch.Size() >= dfStaleDocs
	w.x.wmu.Lock()
	err := w.bi.Batch(w.batch)
	w.x.wmu.Unlock()
	if big {
		w.x.df.clear()
	}
	if err != nil {
		w.x.mu.Lock()
		first := !w.x.failed
		w.x.failed = true
		w.x.mu.Unlock()
		if first {
			slog.Error("writing the retrieval index failed (disk full?); retrieval uses what was indexed", "dir", w.x.dir, "err", err)
		}
		w.batch = w.bi.NewBatch()
		w.entries = map[string]*fileEntry{}
		return fmt.Errorf("index batch: %w", err)
	}
	w.x.mu.Lock()
	w.x.writes++
	if w.x.changedAt == nil {
		w.x.changedAt = map[string]uint64{}
	}
	for p, e := range w.entries {
		w.x.changedAt[p] = w.x.writes
		if e == nil {
			delete(w.x.files, p)
		} else {
			w.x.files[p] = *e
		}
	}
	w.x.failed = false
	w.x.mu.Unlock()
	w.wrote = true
	if w.x.opts.OnRemove != nil {
		for p, e := range w.entries {
			if e == nil {
				w.x.opts.OnRemove(p)
			}
		}
	}
	// A new batch rather than Reset: scorch may still read the old one
	// after Batch returns.
	w.batch = w.bi.NewBatch()
	w.entries = map[string]*fileEntry{}
	return nil
}

func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}
