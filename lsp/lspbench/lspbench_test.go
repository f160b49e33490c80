package lspbench

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestGoSource(t *testing.T) {
	text, err := GoSource(5000)
	if err != nil {
		t.Skip(err)
	}
	if n := strings.Count(text, "\n"); n != 5000 {
		t.Errorf("%d lines, want 5000", n)
	}
}

// A short replay: one pause in the middle and the end of typing make two
// model calls, however many keystrokes there were. A fixed debounce well
// above the gaps keeps it deterministic on a loaded machine; the adaptive
// wait is TestPacerDelay's, and BenchmarkTypingReplay runs it end to end.
func TestReplayCallsOncePerPause(t *testing.T) {
	if testing.Short() {
		t.Skip("takes real time")
	}
	res, err := Replay(context.Background(), ReplayOptions{
		Document: "package main\n\nfunc main() {\n",
		Typed:    "\tx := compute(1, 2)\n\tfmt.Println(x)\n",
		Pauses:   1,
		Seed:     3,
		Settings: map[string]any{"completion": map[string]any{"debounceMs": 200, "debounceMaxMs": 200}},
		MinGap:   20 * time.Millisecond,
		MaxGap:   60 * time.Millisecond,
		Pause:    700 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.ModelCalls != 2 || res.Pauses != 2 || res.Keystrokes != 36 {
		t.Errorf("replay = %+v, want 2 model calls for 2 pauses of 36 keystrokes", res)
	}
	if res.Cancelled < res.Keystrokes-2 {
		t.Errorf("%d of %d requests cancelled by the next keystroke", res.Cancelled, res.Keystrokes)
	}
}

// Pauses anywhere: as many distinct pauses as asked, each after a
// keystroke that ends a token, even with more pauses than lines.
func TestPausePointsAnywhere(t *testing.T) {
	typed := "\tif err := f(x.y, z); err != nil {\n\t\treturn err\n"
	at := pausePoints(typed, 8, true)
	if len(at) != 8 {
		t.Fatalf("%d pauses, want 8: %v", len(at), at)
	}
	runes := []rune(typed)
	for i := range at {
		if r := runes[i]; r == '_' || 'a' <= r && r <= 'z' {
			t.Errorf("pause after %q at %d: inside a token", r, i)
		}
	}
	if lines := pausePoints(typed, 8, false); len(lines) != 2 {
		t.Errorf("at line ends: %d pauses, want the 2 line ends", len(lines))
	}
}
