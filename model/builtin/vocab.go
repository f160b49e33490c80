package builtin

import (
	"slices"
	"strings"
)

// unk is the id of every token the vocabulary does not hold.
const unk = 0

// vocab interns token strings. For completing a partly typed token it keeps
// the ids sorted by text, plus a short unsorted tail of recent additions
// that is merged in when it grows.
type vocab struct {
	ids    map[string]uint32
	strs   []string
	sorted []uint32
	tail   []uint32
}

const maxTail = 4096

func newVocab() vocab {
	return vocab{ids: map[string]uint32{}, strs: []string{""}}
}

// intern returns tok's id, adding it unless the vocabulary holds max tokens.
func (v *vocab) intern(tok string, max int) uint32 {
	if id, ok := v.ids[tok]; ok {
		return id
	}
	if len(v.strs) > max {
		return unk
	}
	tok = strings.Clone(tok) // do not pin the whole source file
	id := uint32(len(v.strs))
	v.strs = append(v.strs, tok)
	v.ids[tok] = id
	v.tail = append(v.tail, id)
	if len(v.tail) > maxTail {
		v.merge()
	}
	return id
}

func (v *vocab) merge() {
	v.sorted = v.byText()
	v.tail = v.tail[:0]
}

// byText returns every id but unk, sorted by text, leaving v as it is.
func (v *vocab) byText() []uint32 {
	byText := func(a, b uint32) int { return strings.Compare(v.strs[a], v.strs[b]) }
	tail := slices.SortedFunc(slices.Values(v.tail), byText)
	merged := make([]uint32, 0, len(v.sorted)+len(tail))
	i, j := 0, 0
	for i < len(v.sorted) && j < len(tail) {
		if byText(v.sorted[i], tail[j]) <= 0 {
			merged = append(merged, v.sorted[i])
			i++
		} else {
			merged = append(merged, tail[j])
			j++
		}
	}
	merged = append(merged, v.sorted[i:]...)
	return append(merged, tail[j:]...)
}

// withPrefix calls f for tokens starting with p (at most limit of them,
// in no promised order) and reports whether it saw them all.
func (v *vocab) withPrefix(p string, limit int, f func(id uint32)) bool {
	i, _ := slices.BinarySearchFunc(v.sorted, p, func(id uint32, p string) int { return strings.Compare(v.strs[id], p) })
	n := 0
	for ; i < len(v.sorted) && strings.HasPrefix(v.strs[v.sorted[i]], p); i++ {
		if n++; n > limit {
			return false
		}
		f(v.sorted[i])
	}
	for _, id := range v.tail {
		if strings.HasPrefix(v.strs[id], p) {
			if n++; n > limit {
				return false
			}
			f(id)
		}
	}
	return true
}
