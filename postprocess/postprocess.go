package postprocess

import "strings"

// Options tune Clean.
type Options struct {
	// SingleLine keeps only the first line of the suggestion.
	SingleLine bool
}

// Clean returns the part of raw worth inserting between prefix and suffix,
// or "" when nothing is.
func Clean(raw, prefix, suffix string, o Options) string {
	if o.SingleLine {
		if i := strings.IndexByte(raw, '\n'); i >= 0 {
			raw = raw[:i]
		}
	}
	raw = strings.TrimRight(raw, " \t\r\n")
	if strings.TrimSpace(raw) == "" {
		return ""
	}
	return raw
}
