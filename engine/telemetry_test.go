package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/ghostline/ghostline/config"
	"github.com/ghostline/ghostline/ranker"
	"github.com/ghostline/ghostline/ranker/offline"
	"github.com/ghostline/ghostline/telemetry"
)

// decisions is a telemetry export of n decisions from four sessions in
// which long suggestions are mostly rejected.
type decisions int

func (n decisions) Export(_ context.Context, w io.Writer, _ time.Time) (int, error) {
	r := rand.New(rand.NewPCG(1, 2))
	enc := json.NewEncoder(w)
	for i := range int(n) {
		long := r.Float64() < 0.5
		kind := telemetry.KindAccepted
		if long == (r.Float64() < 0.9) {
			kind = telemetry.KindRejected
		}
		chars := 1.0
		if long {
			chars = 4
		}
		e := telemetry.Event{ID: fmt.Sprint(i), Kind: kind, SuggestionID: fmt.Sprint("s", i),
			SessionID: fmt.Sprint("session", i%4), UserID: "me",
			Features: map[string]float64{"sugg_chars_log": chars + r.Float64(), "lang_go": 1}}
		if err := enc.Encode(e); err != nil {
			return i, err
		}
	}
	return int(n), nil
}

func TestRetrainOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ranker.json")
	g, err := ranker.LoadGate(path, config.Defaults().Ranker)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	steps := []struct {
		decisions decisions
		want      int // decisions the user's model was trained on; 0: none
	}{
		{0, 0},
		{offline.MinExamples - 1, 0},
		{300, 300},
		{300 + retrainStep - 1, 300}, // too few new ones
		{300 + retrainStep, 300 + retrainStep},
	}
	for _, s := range steps {
		if err := retrainOnce(ctx, s.decisions, g); err != nil {
			t.Fatalf("%d decisions: %v", s.decisions, err)
		}
		got := 0
		if m := g.UserModel(); m != nil {
			got = m.Decisions
		}
		if got != s.want {
			t.Errorf("after %d decisions the user model was trained on %d, want %d", s.decisions, got, s.want)
		}
	}
}
