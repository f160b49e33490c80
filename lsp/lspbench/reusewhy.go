package lspbench

import (
	"sort"
	"strings"

	"github.com/ghostline/ghostline/lsp/lsptest"
	"github.com/ghostline/ghostline/model"
)

// Cause is why a prompt's first difference from the previous one falls
// where it does: what a model server's prompt cache loses at that request.
type Cause string

// The causes, from the most to the least expected.
const (
	CauseFirst  Cause = "first request"
	CauseTyped  Cause = "typed"           // at the characters typed since the previous request
	CauseRegion Cause = "region change"   // the cursor moved elsewhere in the file
	CauseBlock  Cause = "retrieved block" // the retrieved block changed, cursor in the same place
	CauseHead   Cause = "head cut"        // the cut at the top of the file's part moved
	CauseSuffix Cause = "suffix"          // the text after the cursor changed (suffix-first order)
	CauseOther  Cause = "other"
)

// Causes lists the causes in the order they are reported.
var Causes = []Cause{CauseFirst, CauseTyped, CauseRegion, CauseBlock, CauseHead, CauseSuffix, CauseOther}

// Diff is where one prompt first differs from the previous one.
type Diff struct {
	At, New int // common prefix length; characters past it
	Cause   Cause
	// Cursor is the cursor's byte offset in the file the prompt shows the
	// end of; File where the prompt's part of that file starts (-1: not
	// found).
	Cursor, File int
}

// section is where a rendered prompt's parts lie: the retrieved block
// before fileAt, [fileAt,prefixEnd) the file before the cursor, and
// the suffix at [suffixAt,suffixEnd); srcFrom and srcTo are the file
// part's offsets in the file (srcFrom -1 when it was not found).
type section struct {
	fileAt, prefixEnd, suffixAt, suffixEnd int
	srcFrom, srcTo                         int
}

// split finds p's sections, f being the family p is rendered in and src
// the text of the file typed into (the prefix is a piece of it ending at
// the cursor: the typed text is the file's own).
func split(p string, f model.FIM, src string) section {
	var s section
	var start int
	if f.SuffixFirst {
		s.suffixAt = len(f.SPMStart)
		s.suffixEnd = strings.Index(p, f.SPMMiddle)
		if s.suffixEnd < 0 {
			s.suffixEnd = len(p)
		}
		start, s.prefixEnd = min(s.suffixEnd+len(f.SPMMiddle), len(p)), len(p)
	} else {
		start = len(f.Prefix)
		s.prefixEnd = strings.LastIndex(p, f.Suffix)
		if s.prefixEnd < 0 {
			s.prefixEnd = len(p)
		}
		s.suffixAt, s.suffixEnd = min(s.prefixEnd+len(f.Suffix), len(p)), max(len(p)-len(f.Middle), s.prefixEnd)
	}
	pre := p[start:s.prefixEnd]
	// The file part starts at the first line from which the rest is the
	// file's own text.
	var lines []int
	for i := 0; i < len(pre); i++ {
		if i == 0 || pre[i-1] == '\n' {
			lines = append(lines, i)
		}
	}
	k := sort.Search(len(lines), func(k int) bool { return strings.Contains(src, pre[lines[k]:]) })
	s.srcFrom = -1
	if k < len(lines) {
		at := lines[k]
		s.fileAt = start + at
		s.srcFrom = strings.Index(src, pre[at:])
		s.srcTo = s.srcFrom + len(pre) - at
	} else {
		s.fileAt = s.prefixEnd
	}
	return s
}

// diagnose classifies each prompt's first difference from the one before.
func diagnose(prompts []string, f model.FIM, src string) []Diff {
	out := make([]Diff, 0, len(prompts))
	var prev string
	var ps section
	for i, p := range prompts {
		s := split(p, f, src)
		d := Diff{Cursor: s.srcTo, File: s.srcFrom}
		if s.srcFrom < 0 {
			d.Cursor = -1
		}
		d.At = lsptest.CommonPrefix(prev, p)
		d.New = len(p) - d.At
		switch {
		case i == 0:
			d.Cause = CauseFirst
		case s.srcFrom < 0 || ps.srcFrom < 0:
			d.Cause = CauseOther
		case s.srcTo < ps.srcTo || s.srcTo-ps.srcTo > regionJump:
			// The cursor went back (the replay types bottom-up) or far ahead.
			d.Cause = CauseRegion
		case f.SuffixFirst && d.At < ps.suffixEnd:
			d.Cause = CauseSuffix
		case d.At < ps.fileAt:
			d.Cause = CauseBlock
		case d.At < ps.prefixEnd && s.srcFrom != ps.srcFrom:
			d.Cause = CauseHead
		default:
			d.Cause = CauseTyped
		}
		out = append(out, d)
		prev, ps = p, s
	}
	return out
}

// regionJump is how far ahead, in bytes, the cursor may move between two
// requests and still be typing on.
const regionJump = 400
