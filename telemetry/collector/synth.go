package collector

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/ghostline/ghostline/telemetry"
)

// SynthOptions shape a synthetic workload (benchmarks, tests, demos).
type SynthOptions struct {
	Teams, Members     int // members are spread over teams
	Repos, Languages   []string
	Models             []string
	Start              time.Time // first day
	Days               int
	Seed               uint64
	ReposPerMember     int // each member works in a few repositories (default 3)
	LanguagesPerMember int // and a few languages (default 2)
}

// Synth generates plausible event sequences: each request is requested →
// skipped, or generated → hidden, or shown (a few although the predictor
// would have held them back) → (partial accepts) → accepted, rejected or
// unseen, with survival checks after accepts, per-stage
// latencies and typed characters, all on one day and one member.
type Synth struct {
	opt     SynthOptions
	rng     *rand.Rand
	members []Member
	repos   [][]string // by team: a team works in its own repositories
	seq     int64
}

// NewSynth returns a generator; member i is "member-i" in "team-(i mod Teams)".
func NewSynth(opt SynthOptions) *Synth {
	if opt.ReposPerMember <= 0 {
		opt.ReposPerMember = 3
	}
	if opt.LanguagesPerMember <= 0 {
		opt.LanguagesPerMember = 2
	}
	s := &Synth{opt: opt, rng: rand.New(rand.NewPCG(opt.Seed, 7))}
	teams := max(opt.Teams, 1)
	s.repos = make([][]string, teams)
	for i, r := range opt.Repos {
		s.repos[i%teams] = append(s.repos[i%teams], r)
	}
	for t := range s.repos {
		if len(s.repos[t]) == 0 {
			s.repos[t] = opt.Repos
		}
	}
	for i := range opt.Members {
		s.members = append(s.members, Member{Name: fmt.Sprintf("member-%d", i), Team: fmt.Sprintf("team-%d", i%max(opt.Teams, 1)), Role: RoleMember})
	}
	return s
}

// Members lists the members the generator attributes events to.
func (s *Synth) Members() []Member { return s.members }

func (s *Synth) pick(list []string, member, k, salt int) string {
	// A member's repositories and languages are a stable small subset.
	i := (member*7919 + salt*31 + s.rng.IntN(k)) % len(list)
	return list[i]
}

// Next returns the events of one request by a random member.
func (s *Synth) Next() (int, []telemetry.Event) {
	o := s.opt
	mi := s.rng.IntN(len(s.members))
	s.seq++
	day := o.Start.AddDate(0, 0, s.rng.IntN(max(o.Days, 1)))
	t := day.Add(time.Duration(8*3600+s.rng.IntN(10*3600)) * time.Second).UTC()
	sid := fmt.Sprintf("s%d-%d", o.Seed, s.seq)
	base := telemetry.Event{
		SuggestionID: sid, SessionID: fmt.Sprintf("sess-%d-%d", mi, s.rng.IntN(3)), UserID: fmt.Sprintf("u%d", mi),
		Repo: s.pick(s.repos[mi%len(s.repos)], mi, o.ReposPerMember, 1), Language: s.pick(o.Languages, mi, o.LanguagesPerMember, 2),
		Model: o.Models[s.rng.IntN(len(o.Models))], PromptChars: 500 + s.rng.IntN(3000),
	}
	n := 0
	ev := func(k telemetry.Kind, dt time.Duration) telemetry.Event {
		e := base
		n++
		e.ID = fmt.Sprintf("%s-%d", sid, n)
		e.Kind, e.Time = k, t.Add(dt)
		return e
	}
	lat := func(stages ...telemetry.Stage) map[telemetry.Stage]float64 {
		m := map[telemetry.Stage]float64{}
		total := 0.0
		for _, st := range stages {
			var v float64
			switch st {
			case telemetry.StageGate1, telemetry.StageGate2:
				v = 0.005 + s.rng.ExpFloat64()*0.02
			case telemetry.StageRetrieval:
				v = 2 + s.rng.ExpFloat64()*6
			case telemetry.StageModel:
				v = math.Exp(5.3 + 0.6*s.rng.NormFloat64()) // median ≈ 200 ms
			case telemetry.StagePostprocess:
				v = 0.05 + s.rng.ExpFloat64()*0.2
			}
			m[st] = v
			total += v
		}
		m[telemetry.StageTotal] = total + 0.1
		return m
	}
	req := ev(telemetry.KindRequested, 0)
	req.TypedChars = s.rng.IntN(120)
	out := []telemetry.Event{req}
	r := s.rng.Float64()
	switch {
	case r < 0.15:
		e := ev(telemetry.KindSkipped, time.Millisecond)
		e.LatencyMs, e.Prob = lat(telemetry.StageGate1), s.rng.Float64()*0.1
		return mi, append(out, e)
	case r < 0.18:
		e := ev(telemetry.KindError, 50*time.Millisecond)
		e.LatencyMs, e.Error = lat(telemetry.StageGate1, telemetry.StageRetrieval), "model unavailable"
		return mi, append(out, e)
	}
	chars := 10 + s.rng.IntN(150)
	gen := ev(telemetry.KindGenerated, 200*time.Millisecond)
	gen.SuggestionChars = chars
	out = append(out, gen)
	if r < 0.30 {
		e := ev(telemetry.KindHidden, 201*time.Millisecond)
		e.LatencyMs, e.SuggestionChars, e.Prob = lat(telemetry.Stages[:len(telemetry.Stages)-1]...), chars, s.rng.Float64()*0.2
		return mi, append(out, e)
	}
	if r < 0.33 { // shown although the predictor would have held it back (a manual trigger)
		base.Invoked, base.HeldBack = true, telemetry.KindHidden
		if r < 0.315 {
			base.HeldBack = telemetry.KindSkipped
		}
	}
	shown := ev(telemetry.KindShown, 201*time.Millisecond)
	shown.LatencyMs, shown.SuggestionChars, shown.SuggestionLines = lat(telemetry.Stages[:len(telemetry.Stages)-1]...), chars, 1+chars/60
	shown.Prob = 0.2 + 0.8*s.rng.Float64()
	out = append(out, shown)
	d := s.rng.Float64()
	switch {
	case d < 0.10:
		return mi, append(out, ev(telemetry.KindUnseen, 300*time.Millisecond))
	case d < 0.55:
		return mi, append(out, ev(telemetry.KindRejected, 3*time.Second))
	}
	accepted := chars
	if d < 0.70 { // partial accepts, then the rest rejected or accepted
		p1 := ev(telemetry.KindPartial, 2*time.Second)
		p1.AcceptedChars = chars / 3
		out = append(out, p1)
		if d < 0.62 {
			p2 := ev(telemetry.KindPartial, 3*time.Second)
			p2.AcceptedChars = 2 * chars / 3
			out = append(out, p2)
			return mi, append(out, ev(telemetry.KindRejected, 4*time.Second))
		}
	}
	a := ev(telemetry.KindAccepted, 5*time.Second)
	a.AcceptedChars = accepted
	out = append(out, a)
	sim := 1.0
	for _, after := range SurvivalCheckpoints {
		sim *= 0.85 + 0.15*s.rng.Float64()
		sv := ev(telemetry.KindSurvival, time.Duration(after)*time.Second)
		sv.SurvivalAfterS, sv.Survival = after, sim
		out = append(out, sv)
	}
	return mi, out
}
