package retrieval

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/ghostline/ghostline/lang"
	"github.com/ghostline/ghostline/secrets"
)

// Update tells the index the editor's text of the file at path (absolute,
// or relative to the root). Once typing pauses for editPause, or at the
// latest editMaxWait after the first edit not yet indexed, the file is
// re-indexed from the latest text; files outside the repository or that
// Walk would skip are ignored. It never blocks.
func (x *Index) Update(p, text string) {
	rel, ok := x.rel(p)
	if !ok {
		return
	}
	now := time.Now()
	x.mu.Lock()
	defer x.mu.Unlock()
	x.recent[rel] = now
	pe := x.pending[rel]
	if pe == nil {
		pe = &pendingEdit{first: now}
		x.pending[rel] = pe
		pe.timer = time.AfterFunc(editPause, func() { x.reindexPending(rel, pe) })
	} else {
		pe.timer.Reset(min(editPause, max(0, pe.first.Add(editMaxWait).Sub(now))))
	}
	pe.text = text
}

// pendingEdit is an edited file waiting to be re-indexed.
type pendingEdit struct {
	timer *time.Timer
	first time.Time // of the first edit not yet indexed
	text  string    // the latest
}

// reindexPending re-indexes the latest text of pe, unless a timer that
// fired late finds it already taken.
func (x *Index) reindexPending(rel string, pe *pendingEdit) {
	x.mu.Lock()
	if x.pending[rel] != pe {
		x.mu.Unlock()
		return
	}
	delete(x.pending, rel)
	text := pe.text
	x.mu.Unlock()
	if x.ctx.Err() != nil {
		return
	}
	if err := x.reindexText(x.ctx, rel, []byte(text)); err != nil {
		slog.Debug("re-indexing an edited file failed", "path", rel, "err", err)
	}
}

// UpdateNow re-indexes the file at path from text at once, without the
// debounce (for didSave, and to measure re-indexing).
func (x *Index) UpdateNow(ctx context.Context, p, text string) error {
	rel, ok := x.rel(p)
	if !ok {
		return fmt.Errorf("%s is outside the repository %s", p, x.root)
	}
	x.mu.Lock()
	x.recent[rel] = time.Now()
	x.mu.Unlock()
	return x.reindexText(ctx, rel, []byte(text))
}

// redact applies the secret rules to a file's content before anything
// keeps it: nil when the rules match the file by name.
func (x *Index) redact(rel string, src []byte) []byte {
	r := x.opts.Secrets
	if r == nil {
		r = secrets.Default()
	}
	if r.Path(rel) {
		return nil
	}
	if out, n := r.Redact(string(src)); n > 0 {
		return []byte(out)
	}
	return src
}

// rel turns p into a clean repository-relative slash path.
func (x *Index) rel(p string) (string, bool) {
	if p == "" {
		return "", false
	}
	if filepath.IsAbs(p) {
		r, err := filepath.Rel(x.root, p)
		if err != nil {
			return "", false
		}
		p = r
	}
	p = filepath.ToSlash(filepath.Clean(p))
	if p == "." || p == ".." || strings.HasPrefix(p, "../") {
		return "", false
	}
	return p, true
}

// reindexText re-indexes one file from text (the editor's buffer). A file
// the index does not know yet must pass Walk's filters first.
func (x *Index) reindexText(ctx context.Context, rel string, src []byte) error {
	x.mu.Lock()
	_, known := x.files[rel]
	x.mu.Unlock()
	language := lang.Of(rel)
	if !known {
		if _, ok := Check(ctx, x.root, rel); !ok {
			return nil
		}
	}
	if language == "" || len(src) > MaxFileSize || !textual(src[:min(len(src), sniffSize)]) {
		return nil
	}
	if src = x.redact(rel, src); src == nil {
		return nil
	}
	if x.opts.OnFile != nil {
		x.opts.OnFile(rel, src)
	}
	w := x.newWriter()
	if w == nil {
		return nil // not open yet: the first pass reads the file from disk
	}
	// mtime 0: the content did not come from disk, so the next start
	// compares hashes rather than trusting size and mtime.
	w.edit = true
	w.add(rel, language, src, int64(len(src)), 0)
	return w.flush()
}

// reindexDisk re-reads one file from disk after a file system event, or
// removes it from the index when it is gone or no longer passes the filters.
func (x *Index) reindexDisk(ctx context.Context, rel string) error {
	w := x.newWriter()
	if w == nil {
		return nil
	}
	f, ok := Check(ctx, x.root, rel)
	if !ok {
		w.remove(rel)
		x.removeUnder(w, rel)
		return w.flush()
	}
	src, err := os.ReadFile(f.Abs)
	if err == nil {
		src = x.redact(rel, src)
	}
	if src == nil { // vanished between the event and now, or a secret
		w.remove(rel)
		return w.flush()
	}
	if x.opts.OnFile != nil {
		x.opts.OnFile(rel, src)
	}
	w.add(rel, f.Language, src, f.Size, f.ModTime.UnixNano())
	return w.flush()
}

// removeUnder removes every file under the directory dir (a directory that
// was deleted or renamed away).
func (x *Index) removeUnder(w *writer, dir string) {
	x.mu.Lock()
	var under []string
	for p := range x.files {
		if strings.HasPrefix(p, dir+"/") {
			under = append(under, p)
		}
	}
	x.mu.Unlock()
	for _, p := range under {
		w.remove(p)
	}
}

// watch follows changes made outside the editor until ctx ends: files
// created, written, removed or renamed, and directories as they appear.
// Events are debounced per path like edits.
func (x *Index) watch(ctx context.Context) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch %s: %w", x.root, err)
	}
	defer w.Close()
	if err := x.addDirs(w, x.root); err != nil {
		return err
	}
	timers := map[string]*time.Timer{}
	fire := make(chan string, 64)
	defer func() {
		for _, t := range timers {
			t.Stop()
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			slog.Warn("file watcher", "err", err) // e.g. inotify queue overflow
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			rel, ok := x.rel(ev.Name)
			if !ok || skipDir(rel) {
				continue
			}
			if ev.Has(fsnotify.Create) {
				if fi, err := os.Lstat(ev.Name); err == nil && fi.IsDir() {
					if err := x.addDirs(w, ev.Name); err != nil {
						slog.Debug("not watching", "dir", ev.Name, "err", err)
					}
					x.scanDir(ctx, ev.Name)
					continue
				}
			}
			if t, ok := timers[rel]; ok {
				t.Stop()
			}
			timers[rel] = time.AfterFunc(debounce, func() {
				select {
				case fire <- rel:
				case <-ctx.Done():
				}
			})
		case rel := <-fire:
			delete(timers, rel)
			if err := x.reindexDisk(ctx, rel); err != nil {
				slog.Debug("re-indexing a changed file failed", "path", rel, "err", err)
			}
		}
	}
}

// skipDir: changes inside hidden or vendored directories are never indexed.
func skipDir(rel string) bool {
	for _, d := range strings.Split(path.Dir(rel), "/") {
		if d != "." && d != "" && (d[0] == '.' || vendored[d]) {
			return true
		}
	}
	return false
}

// addDirs watches dir and every directory below it that Walk would enter.
func (x *Index) addDirs(w *fsnotify.Watcher, dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if p != x.root && (d.Name()[0] == '.' || vendored[d.Name()]) {
			return filepath.SkipDir
		}
		if err := w.Add(p); err != nil {
			return fmt.Errorf("watch %s: %w", p, err)
		}
		return nil
	})
}

// scanDir indexes the files of a directory that just appeared (moved in,
// or created with files before the watch was added).
func (x *Index) scanDir(ctx context.Context, dir string) {
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || ctx.Err() != nil {
			return nil
		}
		if d.IsDir() {
			if p != dir && (d.Name()[0] == '.' || vendored[d.Name()]) {
				return filepath.SkipDir
			}
			return nil
		}
		if rel, ok := x.rel(p); ok {
			if err := x.reindexDisk(ctx, rel); err != nil {
				slog.Debug("indexing a new file failed", "path", rel, "err", err)
			}
		}
		return nil
	})
}

// Feed hands fn the content of every file the index holds, read from disk
// and filtered as the indexing pass does (secrets redacted), but for those
// known already has by content hash: a consumer that starts following the
// repository after the first pass catches up.
func (x *Index) Feed(ctx context.Context, known func(path, hash string) bool, fn func(path string, src []byte)) error {
	x.mu.Lock()
	hashes := make(map[string]string, len(x.files))
	for p, e := range x.files {
		hashes[p] = e.hash
	}
	x.mu.Unlock()
	for _, rel := range slices.Sorted(maps.Keys(hashes)) {
		if err := ctx.Err(); err != nil {
			return err
		}
		if known != nil && known(rel, hashes[rel]) {
			continue // as indexed: not read again
		}
		src, err := os.ReadFile(filepath.Join(x.root, filepath.FromSlash(rel)))
		if err != nil {
			continue // gone since: the watcher removes it
		}
		if src = x.redact(rel, src); src == nil || len(src) > MaxFileSize {
			continue
		}
		if known != nil && known(rel, ContentHash(src)) {
			continue
		}
		fn(rel, src)
	}
	return nil
}
