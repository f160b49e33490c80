package ollamatest

import (
	"regexp"
	"strconv"
)

// CacheSlot is what the runner's cache held of one prompt, from its debug
// log (OLLAMA_DEBUG=1): the prompt's tokens, those its cache held (used)
// and those it evaluated (remaining).
type CacheSlot struct {
	Prompt, Used, Remaining int
}

// cacheSlotLine matches the runner's line per prompt (runner/*/cache.go,
// LoadCacheSlot: "loading cache slot" id= cache= prompt= used= remaining=).
var cacheSlotLine = regexp.MustCompile(`msg="loading cache slot".* prompt=(\d+) used=(\d+) remaining=(\d+)`)

// CacheSlots returns the cache slot lines of a server log, in order.
func CacheSlots(log string) []CacheSlot {
	var out []CacheSlot
	for _, m := range cacheSlotLine.FindAllStringSubmatch(log, -1) {
		p, _ := strconv.Atoi(m[1])
		u, _ := strconv.Atoi(m[2])
		r, _ := strconv.Atoi(m[3])
		out = append(out, CacheSlot{Prompt: p, Used: u, Remaining: r})
	}
	return out
}
