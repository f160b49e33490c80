package offline

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ghostline/ghostline/ranker"
	"github.com/ghostline/ghostline/telemetry"
)

func readSlice(t *testing.T) ([]byte, *Dataset) {
	t.Helper()
	data, err := os.ReadFile("testdata/cups_slice.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	ds, err := ReadDataset(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return data, ds
}

func TestReadCUPS(t *testing.T) {
	data, ds := readSlice(t)
	decisions := bytes.Count(data, []byte(`"StateName": "Accepted"`)) + bytes.Count(data, []byte(`"StateName": "Rejected"`))
	accepted := bytes.Count(data, []byte(`"StateName": "Accepted"`))
	if ds.Format != "cups" || len(ds.Examples) != decisions || ds.Accepted() != accepted {
		t.Errorf("format %s, %d examples (%d accepted), want cups, %d (%d)", ds.Format, len(ds.Examples), ds.Accepted(), decisions, accepted)
	}
	if got := ds.Groups(); !slices.Equal(got, []string{"1", "2", "3", "9"}) {
		t.Errorf("groups %v", got)
	}
	first := ranker.FeatureMap(ds.Examples[0].X, ranker.NumFeatures)
	if first["decision_never"] != 1 || first["last_accepted"]+first["last_rejected"] != 0 || first["lang_python"] != 1 {
		t.Errorf("first decision of a programmer has history: %v", first)
	}
}

// TestCUPSNoFutureLeak checks that a decision's features are the same
// whether or not the events after it are in the file.
func TestCUPSNoFutureLeak(t *testing.T) {
	data, full := readSlice(t)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	cut := len(lines) / 2
	for !strings.Contains(lines[cut], `"StateName": "Accepted"`) && !strings.Contains(lines[cut], `"StateName": "Rejected"`) {
		cut++
	}
	part, err := ReadDataset(strings.NewReader(strings.Join(lines[:cut+1], "\n")))
	if err != nil {
		t.Fatal(err)
	}
	if len(part.Examples) == 0 {
		t.Fatal("no examples before the cut")
	}
	for i, e := range part.Examples {
		if !slices.Equal(e.X, full.Examples[i].X) || e.Accepted != full.Examples[i].Accepted {
			t.Fatalf("example %d differs when later events are removed", i)
		}
	}
}

func TestReadExport(t *testing.T) {
	export := `{"id":"1","kind":"shown","suggestionId":"a","userId":"u","features":{"confidence_pct":0.2,"has_confidence":1}}
{"id":"2","kind":"partial","suggestionId":"a","userId":"u","features":{"confidence_pct":0.2,"has_confidence":1,"sugg_chars_log":2},"acceptedChars":3}
{"id":"3","kind":"rejected","suggestionId":"a","userId":"u","features":{"confidence_pct":0.2,"has_confidence":1,"sugg_chars_log":2}}
{"id":"4","kind":"rejected","suggestionId":"b","userId":"v","sessionId":"s","features":{"accept_rate":0.5,"no_such_feature":7},"someNewField":true}
{"id":"5","kind":"accepted","suggestionId":"c","userId":"v"}
{"id":"6","kind":"unseen","suggestionId":"d","userId":"v","features":{"accept_rate":0.5}}
not json
{"id":"7","kind":"accepted","suggestionId":"e","userId":"v","time":"2020-01-01T00:00:00Z","features":{"confidence_pct":-1e300,"has_confidence":1}}
{"id":"8","kind":"rejected","suggestionId":"f","userId":"v","features":{"confidence":-0.2,"has_confidence":1}}
`
	ds, err := ReadDataset(strings.NewReader(export))
	if err != nil {
		t.Fatal(err)
	}
	if ds.Format != "ghostline" || len(ds.Examples) != 4 || ds.Skipped != 2 {
		t.Fatalf("format %s, %d examples, %d skipped; want ghostline, 4, 2 (no features, bad line)", ds.Format, len(ds.Examples), ds.Skipped)
	}
	a, b := ds.Examples[0], ds.Examples[1]
	if !a.Accepted || a.Group != "u" || !a.HasBaseline || a.Baseline != 0.2 || a.X[ranker.FeatureIndex("confidence_pct")] != 0.2 {
		t.Errorf("partially accepted suggestion: %+v", a)
	}
	if b.Accepted || b.Group != "v" || b.X[ranker.FeatureIndex("accept_rate")] != 0.5 || b.HasBaseline {
		t.Errorf("rejected suggestion: %+v", b)
	}
	if c := ds.Examples[2]; c.X[ranker.FeatureIndex("confidence_pct")] != -1e6 {
		t.Errorf("huge feature not clamped: %v", c.X[ranker.FeatureIndex("confidence_pct")])
	}
	// A feature set 1 event: its raw confidence is on its backend's scale.
	if old := ds.Examples[3]; old.X[ranker.FeatureIndex("has_confidence")] != 0 || old.HasBaseline {
		t.Errorf("feature set 1 confidence read as a percentile: %+v", old)
	}
}

func TestReadDatasetUnknown(t *testing.T) {
	for _, in := range []string{"", `{"foo": 1}`, "[1,2]"} {
		if _, err := ReadDataset(strings.NewReader(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

// TestExportRoundTrip: the feature vectors ghostline logs are read back
// unchanged, and a model trains from them.
func TestExportRoundTrip(t *testing.T) {
	_, cups := readSlice(t)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for i, e := range cups.Examples {
		kind := telemetry.KindRejected
		if e.Accepted {
			kind = telemetry.KindAccepted
		}
		ev := telemetry.Event{ID: fmt.Sprint(i), Kind: kind, SuggestionID: fmt.Sprint("s", i), UserID: "user" + e.Group, Features: ranker.FeatureMap(e.X, ranker.NumFeatures)}
		if err := enc.Encode(ev); err != nil {
			t.Fatal(err)
		}
	}
	ds, err := ReadDataset(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Examples) != len(cups.Examples) {
		t.Fatalf("%d examples, want %d", len(ds.Examples), len(cups.Examples))
	}
	for i, e := range ds.Examples {
		if !slices.Equal(e.X, cups.Examples[i].X) || e.Accepted != cups.Examples[i].Accepted || e.Group != "user"+cups.Examples[i].Group {
			t.Fatalf("example %d changed in the round trip", i)
		}
	}
	if _, err := Train(ds, TrainOptions{Folds: 3}); err != nil {
		t.Fatal(err)
	}
}
