package secrets

import (
	"strings"
	"sync"

	lru "github.com/hashicorp/golang-lru/v2"
)

// lineCacheSize bounds the lines RedactLines remembers per Rules: a few
// prompts' worth (prefix, suffix and retrieved parts).
const lineCacheSize = 16 << 10

// redactedLine is a line's redaction: out is the line as sent on, n how
// many values it replaced (0: the line is sent as it is, out unset).
type redactedLine struct {
	out string
	n   int
}

// lineCache is one Rules' memo of RedactLines, made on first use.
type lineCache struct {
	once  sync.Once
	cache *lru.Cache[string, redactedLine]
}

func (c *lineCache) get() *lru.Cache[string, redactedLine] {
	c.once.Do(func() { c.cache, _ = lru.New[string, redactedLine](lineCacheSize) })
	return c.cache
}

// RedactLines is Redact for texts redacted again and again with small
// changes (a prompt per keystroke): it remembers each line's result by
// its content, and finds secrets only in lines it has not seen. Every rule
// but the private-key block and the user's patterns reads one line at a
// time, so line by line finds the same values; a text those may match
// across lines in is redacted whole.
func (r *Rules) RedactLines(text string) (string, int) {
	if len(r.patterns) > 0 || strings.Contains(text, "-----BEGIN") {
		return r.Redact(text)
	}
	cache := r.lines.get()
	var b strings.Builder // written from the first line that changes
	total, at := 0, 0     // values replaced; text before at is in b
	for start := 0; start < len(text); {
		end := lineEnd(text, start)
		line := text[start:end]
		next := end + 1
		if line == "" {
			start = next
			continue
		}
		red, ok := cache.Get(line)
		if !ok {
			red.out, red.n = r.Redact(line)
			if red.n == 0 {
				red.out = ""
			}
			// The key is copied so that the cache keeps no whole prompt alive.
			cache.Add(strings.Clone(line), red)
		}
		if red.n > 0 {
			if at == 0 {
				b.Grow(len(text))
			}
			b.WriteString(text[at:start])
			b.WriteString(red.out)
			at, total = end, total+red.n
		}
		start = next
	}
	if total == 0 {
		return text, 0
	}
	b.WriteString(text[at:])
	return b.String(), total
}
