package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"unicode/utf8"
)

// FindRoot returns the repository root that contains path: the nearest
// ancestor directory holding .git (or .hg, .svn), else path's own directory.
func FindRoot(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("find repository root of %s: %w", path, err)
	}
	dir := abs
	if fi, err := os.Stat(abs); err == nil && !fi.IsDir() {
		dir = filepath.Dir(abs)
	}
	for d := dir; ; d = filepath.Dir(d) {
		for _, marker := range []string{".git", ".hg", ".svn"} {
			if _, err := os.Stat(filepath.Join(d, marker)); err == nil {
				return d, nil
			}
		}
		if filepath.Dir(d) == d {
			return dir, nil
		}
	}
}

// Offset converts a 1-based line and a 1-based column counted in characters
// (as compilers print them) to a byte offset in text. A column past the end
// of the line is clamped to the line end; a line past the end of the text is
// an error.
func Offset(text string, line, col int) (int, error) {
	if line < 1 || col < 1 {
		return 0, fmt.Errorf("line and column are 1-based, got %d:%d", line, col)
	}
	off := 0
	for l := 1; l < line; l++ {
		i := indexNewline(text[off:])
		if i < 0 {
			return 0, fmt.Errorf("line %d is past the end of the file (%d lines)", line, l)
		}
		off += i + 1
	}
	end := len(text)
	if i := indexNewline(text[off:]); i >= 0 {
		end = off + i
	}
	for c := 1; c < col && off < end; c++ {
		_, size := utf8.DecodeRuneInString(text[off:end])
		off += size
	}
	return off, nil
}

func indexNewline(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return i
		}
	}
	return -1
}
