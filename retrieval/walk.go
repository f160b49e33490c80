package retrieval

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/ghostline/ghostline/lang"
	"github.com/ghostline/ghostline/secrets"
)

// File is one indexable file found by Walk.
type File struct {
	Path     string // relative to the walked root, slash-separated
	Abs      string // absolute path on disk
	Language string // LSP language id (lang.Of); never empty
	Size     int64
	ModTime  time.Time
}

// MaxFileSize is the largest file Walk yields; larger files are skipped from
// their size alone, without being read.
const MaxFileSize = 1 << 20

// sniffSize is how much of a file's head is read to tell binary, generated
// and minified files.
const sniffSize = 8 << 10

// Walk calls fn for every file under root worth indexing, in lexical order
// of Path. It honours .gitignore (through `git ls-files` when root is in a
// git work tree, else by reading .gitignore files itself) and skips files
// without a known language, binaries (a NUL byte in the first 8 KB), files
// over MaxFileSize, generated and minified code, vendored directories
// (vendor/, node_modules/, third_party/, site-packages/), hidden directories, symbolic links
// (so no loop can be followed) and files the secret rules match by name. Files that cannot be
// read, or vanish while walking, are skipped. An error from fn stops the walk
// and is returned.
func Walk(ctx context.Context, root string, fn func(f File) error) error {
	return walk(ctx, root, nil, fn)
}

// walk is Walk; a file for which sniffed says its head was checked already
// (the caller read it at this size and time) is not read again.
func walk(ctx context.Context, root string, sniffed func(rel string, fi fs.FileInfo) bool, fn func(f File) error) error {
	root, err := filepath.Abs(root)
	if err != nil {
		return fmt.Errorf("walk %s: %w", root, err)
	}
	paths, err := gitFiles(ctx, root, nil)
	if err != nil {
		slog.Debug("not using git ls-files", "root", root, "err", err)
		paths, err = walkDir(ctx, root)
		if err != nil {
			return err
		}
	}
	for _, rel := range paths {
		if err := ctx.Err(); err != nil {
			return err
		}
		f, ok := check(root, rel, sniffed)
		if !ok {
			continue
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}

// Check applies Walk's filters to one path under root (absolute or
// root-relative), including .gitignore where git can tell. It is how files
// that appear after the walk (a watcher event, an edited buffer) are vetted.
func Check(ctx context.Context, root, p string) (File, bool) {
	root, err := filepath.Abs(root)
	if err != nil {
		return File{}, false
	}
	rel := p
	if filepath.IsAbs(p) {
		if rel, err = filepath.Rel(root, p); err != nil {
			return File{}, false
		}
	}
	rel = filepath.ToSlash(rel)
	if rel == "." || strings.HasPrefix(rel, "../") || rel == ".." {
		return File{}, false
	}
	if skipPath(rel) {
		return File{}, false
	}
	if listed, err := gitFiles(ctx, root, []string{rel}); err == nil {
		if len(listed) == 0 {
			return File{}, false // ignored
		}
	} else if ignoredByFiles(root, rel) {
		return File{}, false
	}
	return check(root, rel, nil)
}

// check stats and sniffs one root-relative path (unless sniffed says its
// head passed already).
func check(root, rel string, sniffed func(rel string, fi fs.FileInfo) bool) (File, bool) {
	if skipPath(rel) {
		return File{}, false
	}
	language := lang.Of(rel)
	if language == "" {
		return File{}, false
	}
	abs := filepath.Join(root, filepath.FromSlash(rel))
	fi, err := os.Lstat(abs)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > MaxFileSize {
		return File{}, false
	}
	f := File{Path: rel, Abs: abs, Language: language, Size: fi.Size(), ModTime: fi.ModTime()}
	if sniffed != nil && sniffed(rel, fi) {
		return f, true
	}
	head, err := readHead(abs)
	if err != nil {
		slog.Debug("skipping unreadable file", "path", rel, "err", err)
		return File{}, false
	}
	if !textual(head) || generated(head) {
		return File{}, false
	}
	return f, true
}

func readHead(abs string) ([]byte, error) {
	f, err := os.Open(abs)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, sniffSize)
	n, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return buf[:n], nil
}

// textual: no NUL byte, as git decides.
func textual(head []byte) bool { return bytes.IndexByte(head, 0) < 0 }

// generated recognises generated files by the markers generators write
// (Go's "Code generated ... DO NOT EDIT.", "@generated") and minified files
// by their line length.
func generated(head []byte) bool {
	top := head
	if len(top) > 2048 {
		top = top[:2048]
	}
	if bytes.Contains(top, []byte("DO NOT EDIT")) && bytes.Contains(top, []byte("Code generated")) ||
		bytes.Contains(top, []byte("@generated")) {
		return true
	}
	// Minified: a head of several KB with lines averaging over 500 bytes.
	return len(head) >= 4096 && bytes.Count(head, []byte{'\n'}) < len(head)/500
}

// vendored directory names, skipped wherever they appear.
var vendored = map[string]bool{
	"vendor": true, "node_modules": true, "third_party": true, "bower_components": true,
	"site-packages": true, "dist-packages": true, // installed Python packages
}

// generatedNames are file name suffixes of generated code and lock files.
var generatedNames = []string{".pb.go", ".pb.gw.go", "_pb2.py", "_pb2_grpc.py", ".pb.cc", ".pb.h",
	".min.js", ".min.css", ".bundle.js", "package-lock.json", "yarn.lock", "pnpm-lock.yaml",
	"cargo.lock", "poetry.lock", "go.sum", "composer.lock", "gemfile.lock"}

// skipPath applies the filters that need only the path: hidden and vendored
// directories, generated names, secrets.
func skipPath(rel string) bool {
	dir, base := path.Split(rel)
	for _, d := range strings.Split(strings.TrimSuffix(dir, "/"), "/") {
		if d != "" && (vendored[d] || d[0] == '.') {
			return true
		}
	}
	lb := strings.ToLower(base)
	for _, s := range generatedNames {
		if strings.HasSuffix(lb, s) {
			return true
		}
	}
	return secrets.Default().Path(rel)
}

// gitFiles lists the tracked and untracked-but-not-ignored files under root
// (or only those among paths), relative to root. It fails when root is not
// in a git work tree, is ignored by it, or git is missing.
func gitFiles(ctx context.Context, root string, paths []string) ([]string, error) {
	// A directory that its enclosing repository ignores as a whole (a
	// toolchain under a dotfiles repository) is walked as a plain directory:
	// the user asked for it explicitly.
	if err := exec.CommandContext(ctx, "git", "-C", root, "check-ignore", "-q", ".").Run(); err == nil {
		return nil, fmt.Errorf("%s is ignored by its enclosing git repository", root)
	}
	args := []string{"-C", root, "ls-files", "-co", "--exclude-standard", "-z", "--"}
	args = append(args, paths...)
	cmd := exec.CommandContext(ctx, "git", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git ls-files in %s: %w: %s", root, err, bytes.TrimSpace(stderr.Bytes()))
	}
	var files []string
	seen := map[string]bool{} // -c and -o can both list a file during a merge
	for _, p := range bytes.Split(out, []byte{0}) {
		if len(p) > 0 && !seen[string(p)] {
			seen[string(p)] = true
			files = append(files, string(p))
		}
	}
	return files, nil
}

// walkDir lists the files under root honouring .gitignore files, for
// directories that are not git work trees. filepath.WalkDir does not follow
// symbolic links, so loops cannot trap it.
func walkDir(ctx context.Context, root string) ([]string, error) {
	var files []string
	ign := &ignorer{root: root}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root {
				return err
			}
			slog.Debug("skipping unreadable path", "path", p, "err", err)
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if p == root {
				ign.load("")
				return nil
			}
			if name := d.Name(); name[0] == '.' || vendored[name] || ign.ignored(rel, true) {
				return filepath.SkipDir
			}
			ign.load(rel)
			return nil
		}
		if d.Type().IsRegular() && !ign.ignored(rel, false) {
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("walk %s: %w", root, err)
	}
	return files, nil
}

// ignoredByFiles applies the .gitignore files from root down to rel's
// directory.
func ignoredByFiles(root, rel string) bool {
	ign := &ignorer{root: root}
	ign.load("")
	dirs := strings.Split(path.Dir(rel), "/")
	for i := range dirs {
		if dirs[0] == "." {
			break
		}
		d := strings.Join(dirs[:i+1], "/")
		if ign.ignored(d, true) {
			return true
		}
		ign.load(d)
	}
	return ign.ignored(rel, false)
}

// ignorer holds the .gitignore rules read so far, outermost first.
type ignorer struct {
	root  string
	rules []ignoreRule
}

type ignoreRule struct {
	base    string // directory of the .gitignore, "" for root
	pattern string // without leading "!" or trailing "/"
	negate  bool
	dirOnly bool
	rooted  bool // contains a slash other than at the end: matched against the whole relative path
}

// load reads dir/.gitignore if there is one.
func (g *ignorer) load(dir string) {
	f, err := os.Open(filepath.Join(g.root, filepath.FromSlash(dir), ".gitignore"))
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), " \r")
		if line == "" || line[0] == '#' {
			continue
		}
		r := ignoreRule{base: dir}
		if line[0] == '!' {
			r.negate, line = true, line[1:]
		} else if line[0] == '\\' {
			line = line[1:]
		}
		if strings.HasSuffix(line, "/") {
			r.dirOnly, line = true, strings.TrimSuffix(line, "/")
		}
		r.rooted = strings.Contains(line, "/")
		r.pattern = strings.TrimPrefix(line, "/")
		if r.pattern != "" {
			g.rules = append(g.rules, r)
		}
	}
}

// ignored applies the rules in order; the last match wins, as in git.
func (g *ignorer) ignored(rel string, isDir bool) bool {
	ignored := false
	for _, r := range g.rules {
		if r.dirOnly && !isDir {
			continue
		}
		sub := rel
		if r.base != "" {
			if !strings.HasPrefix(rel, r.base+"/") {
				continue
			}
			sub = rel[len(r.base)+1:]
		}
		var ok bool
		if r.rooted {
			ok = globMatch(r.pattern, sub)
		} else {
			ok = globMatch(r.pattern, path.Base(sub))
		}
		if ok {
			ignored = !r.negate
		}
	}
	return ignored
}

// globMatch matches a slash-separated path against a gitignore glob, where
// "**" matches any number of directories.
func globMatch(pattern, name string) bool {
	pp, np := strings.Split(pattern, "/"), strings.Split(name, "/")
	var match func(i, j int) bool
	match = func(i, j int) bool {
		for i < len(pp) {
			if pp[i] == "**" {
				for k := j; k <= len(np); k++ {
					if match(i+1, k) {
						return true
					}
				}
				return false
			}
			if j >= len(np) {
				return false
			}
			if ok, _ := path.Match(pp[i], np[j]); !ok {
				return false
			}
			i, j = i+1, j+1
		}
		return j == len(np)
	}
	return match(0, 0)
}
