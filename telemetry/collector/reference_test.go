package collector

import (
	"math"
	"sort"
	"testing"
	"time"

	"github.com/ghostline/ghostline/telemetry"
)

// memberEvents are raw events as one member uploaded them.
type memberEvents struct {
	m      Member
	events []telemetry.Event
}

// reference computes the page's aggregates straight from raw events, the
// obvious way, independently of the roll-ups: each table is a map from its
// key to the counts, plus exact latency samples per stage.
type reference struct {
	total  Counts
	tables map[string]map[string]*Counts
	lat    map[telemetry.Stage][]float64
}

func computeReference(all []memberEvents, f Filter) *reference {
	ref := &reference{tables: map[string]map[string]*Counts{}, lat: map[telemetry.Stage][]float64{}}
	for _, name := range []string{"daily", "languages", "models", "repos", "members"} {
		ref.tables[name] = map[string]*Counts{}
	}
	type sugKey struct{ member, id string }
	maxAcc := map[sugKey]int{}
	partial := map[sugKey]bool{}
	seen := map[sugKey]bool{} // (member, event id): uploads may repeat
	keyOf := map[sugKey]telemetry.Event{}
	for _, me := range all {
		for _, e := range me.events {
			if seen[sugKey{me.m.Name, e.ID}] {
				continue
			}
			seen[sugKey{me.m.Name, e.ID}] = true
			day := e.Time.UTC().Format(time.DateOnly)
			if day < f.From || day > f.To || (f.Team != "" && me.m.Team != f.Team) ||
				(f.Repo != "" && e.Repo != f.Repo) || (f.Language != "" && e.Language != f.Language) {
				continue
			}
			var c Counts
			switch e.Kind {
			case telemetry.KindRequested:
				c.Requested = 1
			case telemetry.KindSkipped:
				c.Skipped = 1
			case telemetry.KindGenerated:
				c.Generated = 1
			case telemetry.KindHidden:
				c.Hidden = 1
			case telemetry.KindShown:
				c.Shown = 1
			case telemetry.KindAccepted:
				c.Accepted = 1
			case telemetry.KindPartial:
				c.Partial = 1
			case telemetry.KindRejected:
				c.Rejected = 1
			case telemetry.KindUnseen:
				c.Unseen = 1
			case telemetry.KindError:
				c.Errors = 1
			case telemetry.KindSurvival:
				c.Survival = 1
				for i, s := range SurvivalCheckpoints {
					if s == e.SurvivalAfterS {
						c.SurvN[i], c.SurvSum[i] = 1, e.Survival
					}
				}
			}
			c.TypedChars = int64(e.TypedChars)
			held := map[telemetry.Kind]*Held{telemetry.KindSkipped: &c.HeldSkipped, telemetry.KindHidden: &c.HeldHidden}[e.HeldBack]
			if held != nil && e.Kind == telemetry.KindAccepted {
				held.Accepted = 1
			}
			if held != nil && e.Kind == telemetry.KindRejected {
				held.Rejected = 1
			}
			if e.Kind == telemetry.KindAccepted || e.Kind == telemetry.KindPartial {
				k := sugKey{me.m.Name, e.SuggestionID}
				maxAcc[k] = max(maxAcc[k], e.AcceptedChars)
				keyOf[k] = e
				if e.Kind == telemetry.KindPartial {
					partial[k] = true
				}
			}
			ref.add(me.m, e, c)
			for st, ms := range e.LatencyMs {
				ref.lat[st] = append(ref.lat[st], ms)
			}
		}
	}
	// Accepted characters count once per suggestion (its largest accepted
	// prefix); the test data keeps a suggestion's events on one day.
	for k, n := range maxAcc {
		var c Counts
		c.AcceptedChars = int64(n)
		if partial[k] {
			c.PartialSuggestions = 1
		}
		m := Member{Name: k.member}
		for _, me := range all {
			if me.m.Name == k.member {
				m = me.m
			}
		}
		ref.add(m, keyOf[k], c)
	}
	return ref
}

func (ref *reference) add(m Member, e telemetry.Event, c Counts) {
	ref.total.Add(c)
	for name, key := range map[string]string{
		"daily": e.Time.UTC().Format(time.DateOnly), "languages": e.Language, "models": e.Model,
		"repos": e.Repo, "members": m.Name + " (" + m.Team + ")",
	} {
		t := ref.tables[name]
		if t[key] == nil {
			t[key] = &Counts{}
		}
		t[key].Add(c)
	}
}

// exactQuantile is the nearest-rank quantile of samples.
func exactQuantile(samples []float64, q float64) float64 {
	s := append([]float64(nil), samples...)
	sort.Float64s(s)
	rank := int(math.Ceil(q * float64(len(s))))
	return s[min(max(rank, 1), len(s))-1]
}

// closeEnough compares a sketched latency with the exact one: the sketch
// promises ±9.5% (bucketGrowth 1.2), with a floor for sub-bucket values.
func closeEnough(got, want float64) bool {
	return math.Abs(got-want) <= 0.1*want+bucketBase
}

// checkCounts fails unless got equals want, measure by measure (sums of
// floats within rounding).
func checkCounts(t *testing.T, what string, got, want Counts) {
	t.Helper()
	gi, wi := got.ints(), want.ints()
	for i := range gi {
		if *gi[i] != *wi[i] {
			t.Errorf("%s: %s = %d, want %d", what, dailyMeasures[i], *gi[i], *wi[i])
		}
	}
	gf, wf := got.floats(), want.floats()
	for i := range gf {
		if math.Abs(*gf[i]-*wf[i]) > 1e-6 {
			t.Errorf("%s: %s = %g, want %g", what, dailyFloatMeasures[i], *gf[i], *wf[i])
		}
	}
}
