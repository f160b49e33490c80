package grammar

/*
#include <stddef.h>

// From tree-sitter's api.h (compiled into go-tree-sitter): NULLs restore
// its defaults, malloc and free.
void ts_set_allocator(void *(*)(size_t), void *(*)(size_t, size_t), void *(*)(void *, size_t), void (*)(void *));
*/
import "C"

// go-tree-sitter v0.25.0 installs allocator callbacks that call from C into
// Go and back into C's malloc and free for every allocation and free of a
// parse (go-tree-sitter #32, fixed by #43 after the last release). Its init
// runs before this one (this package imports it); resetting them to the
// same malloc and free without the round trip cuts a skeleton's CPU time by
// about 40% (re-indexing a large file is mostly its parse).
func init() {
	C.ts_set_allocator(nil, nil, nil, nil)
}
