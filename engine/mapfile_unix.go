//go:build unix

package engine

import (
	"fmt"
	"os"
	"syscall"
)

// mapFile maps the file at path read-only. The mapping is never unmapped:
// the built-in model reads its snapshot in place for the rest of the
// process (one restore per engine). Snapshots are replaced by renaming a
// new file over the old, which leaves the mapped one as it was.
func mapFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.Size() == 0 || fi.Size() > maxModelFileBytes {
		return nil, fmt.Errorf("%s: %d bytes, not a snapshot", path, fi.Size())
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(fi.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("map %s: %w", path, err)
	}
	return data, nil
}
