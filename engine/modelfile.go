package engine

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/ghostline/ghostline/model/builtin"
	"github.com/ghostline/ghostline/retrieval"
)

// modelFileName is the built-in model's snapshot, beside the index.
const modelFileName = "builtin.model"

// maxModelFileBytes bounds the snapshot; a model that would not fit is
// kept in memory only (the model's own MaxNgrams keeps it far smaller).
const maxModelFileBytes = 512 << 20

// ModelFile says where the built-in model came from, for `complete --json`.
type ModelFile struct {
	Path     string  `json:"path"`
	Loaded   bool    `json:"loaded"`   // restored from Path
	LoadMs   float64 `json:"loadMs"`   // time to restore it
	Files    int     `json:"files"`    // files the model knows
	Relearnt int     `json:"relearnt"` // files (re-)read for it by this process
	Saved    bool    `json:"saved"`    // written back by this process
}

// modelFile keeps the built-in model's snapshot in step with the index:
// restored while the index opens and walks the repository (the first pass
// then feeds the model only the files that changed since), written back
// after a pass or at close when the model learnt something.
type modelFile struct {
	m      *builtin.Model
	path   string
	loaded chan struct{} // closed once the restore ended, however it ended

	mu    sync.Mutex
	sums  map[string]string // content hash of each file the model learnt
	dirty bool
	info  ModelFile
}

// openModelFile starts restoring the snapshot at path into m, when there
// is a usable one; until it is done, the index's questions wait.
func openModelFile(m *builtin.Model, path string) *modelFile {
	f := &modelFile{m: m, path: path, loaded: make(chan struct{}), sums: map[string]string{}, info: ModelFile{Path: path}}
	if _, err := os.Stat(path); err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			slog.Warn("built-in model snapshot unreadable; relearning the repository", "path", path, "err", err)
		}
		close(f.loaded)
		return f
	}
	f.info.Loaded = true // unless the restore fails
	go func() {
		defer close(f.loaded)
		t0 := time.Now()
		// Mapped, the model's tables are read only where completions look
		// (a read and decode of the whole file cost more than the rest of
		// a warm `complete` together).
		data, err := mapFile(path)
		var sums map[string]string
		if err == nil {
			sums, err = m.Restore(data)
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		if err != nil {
			slog.Warn("built-in model snapshot not used; relearning the repository", "path", path, "err", err)
			f.info.Loaded = false
			return
		}
		f.sums, f.info.LoadMs = sums, float64(time.Since(t0).Microseconds())/1000
	}()
	return f
}

// known is retrieval.Options.Known.
func (f *modelFile) known(path, hash string) bool {
	<-f.loaded
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sums[path] == hash
}

// learn is retrieval.Options.OnFile.
func (f *modelFile) learn(path string, src []byte) {
	<-f.loaded // a restore would replace what is learnt now
	f.m.Learn(path, src)
	f.mu.Lock()
	f.sums[path] = retrieval.ContentHash(src)
	f.dirty = true
	f.info.Relearnt++
	f.mu.Unlock()
}

// forget is retrieval.Options.OnRemove.
func (f *modelFile) forget(path string) {
	<-f.loaded
	f.m.Forget(path)
	f.mu.Lock()
	delete(f.sums, path)
	f.dirty = true
	f.mu.Unlock()
}

// save writes the snapshot when the model changed since it was read or
// last written: to a temporary file renamed over the old one, so a crash
// never leaves half a snapshot.
func (f *modelFile) save() error {
	<-f.loaded
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.dirty {
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(f.path), modelFileName+".*")
	if err != nil {
		return fmt.Errorf("save built-in model: %w", err)
	}
	defer os.Remove(tmp.Name()) // after the rename: nothing
	// Learn and Forget wait while the model is written (it is read-locked),
	// so the hashes and the model stay in step.
	err = f.m.Save(&limitWriter{w: tmp, n: maxModelFileBytes}, f.sums)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), f.path)
	}
	if err != nil {
		return fmt.Errorf("save built-in model: %w", err)
	}
	f.dirty, f.info.Saved = false, true
	return nil
}

func (f *modelFile) stats() ModelFile {
	<-f.loaded
	f.mu.Lock()
	defer f.mu.Unlock()
	i := f.info
	i.Files = f.m.Stats().Files
	return i
}

// limitWriter fails once more than n bytes were written.
type limitWriter struct {
	w io.Writer
	n int64
}

var errModelTooLarge = fmt.Errorf("built-in model larger than %d MiB; kept in memory only", maxModelFileBytes>>20)

func (l *limitWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.n {
		return 0, errModelTooLarge
	}
	l.n -= int64(len(p))
	return l.w.Write(p)
}
