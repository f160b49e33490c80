package collector

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/ghostline/ghostline/telemetry"
)

// Filter selects the roll-up rows a report covers. Days are inclusive
// 'YYYY-MM-DD' (UTC); empty strings mean "all".
type Filter struct {
	From, To             string
	Team, Repo, Language string
}

// defaultDays is the date range of a page opened without one.
const defaultDays = 28

// ParseFilter reads a filter from a query string; missing dates default to
// the last 28 days up to today.
func ParseFilter(q url.Values, now time.Time) (Filter, error) {
	f := Filter{From: q.Get("from"), To: q.Get("to"), Team: q.Get("team"), Repo: q.Get("repo"), Language: q.Get("language")}
	if f.To == "" {
		f.To = dayOf(now)
	}
	if f.From == "" {
		to, err := time.Parse(time.DateOnly, f.To)
		if err != nil {
			return Filter{}, fmt.Errorf("to: %q is not a YYYY-MM-DD date", f.To)
		}
		f.From = dayOf(to.AddDate(0, 0, -(defaultDays - 1)))
	}
	for _, d := range []struct{ name, v string }{{"from", f.From}, {"to", f.To}} {
		if _, err := time.Parse(time.DateOnly, d.v); err != nil {
			return Filter{}, fmt.Errorf("%s: %q is not a YYYY-MM-DD date", d.name, d.v)
		}
	}
	if f.From > f.To {
		return Filter{}, fmt.Errorf("from %s is after to %s", f.From, f.To)
	}
	return f, nil
}

// Query is the filter as a query string (for links and exports).
func (f Filter) Query() string {
	v := url.Values{}
	for _, kv := range [][2]string{{"from", f.From}, {"to", f.To}, {"team", f.Team}, {"repo", f.Repo}, {"language", f.Language}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	return v.Encode()
}

// dims lists the dimensions f filters on besides day and team.
func (f Filter) dims() []string {
	var out []string
	if f.Repo != "" {
		out = append(out, "repo")
	}
	if f.Language != "" {
		out = append(out, "language")
	}
	return out
}

func (f Filter) where() (string, []any) {
	conds := []string{"day >= ?", "day <= ?"}
	args := []any{f.From, f.To}
	for _, c := range []struct{ col, v string }{{"team", f.Team}, {"repo", f.Repo}, {"language", f.Language}} {
		if c.v != "" {
			conds = append(conds, c.col+" = ?")
			args = append(args, c.v)
		}
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Row is one line of a breakdown table.
type Row struct {
	Key string
	Counts
}

// LatencyRow is one stage's latency: exact mean, sketched percentiles.
type LatencyRow struct {
	Stage         telemetry.Stage
	N             int64
	Mean          float64
	P50, P90, P99 float64
}

// Report is everything the page shows for one filter.
type Report struct {
	Filter                                   Filter
	Total                                    Counts
	Daily, Languages, Models, Repos, Members []Row
	Latency                                  []LatencyRow
	// ModelMeanMs is the mean model latency, used to estimate the model time
	// that generations skipped by gate 1 saved.
	ModelMeanMs float64
	// Choices for the filter form.
	Teams, RepoNames, LanguageNames []string
}

// ModelSecondsSaved estimates the model time saved by skipping generations.
func (r *Report) ModelSecondsSaved() float64 {
	if math.IsNaN(r.ModelMeanMs) {
		return math.NaN()
	}
	return float64(r.Total.Skipped) * r.ModelMeanMs / 1000
}

// breakdowns name the grouping column of each breakdown table.
var breakdowns = map[string][]string{"daily": {"day"}, "languages": {"language"}, "models": {"model"}, "repos": {"repo"}}

// Report computes every table of the page from the roll-ups.
// Events stored but not rolled up yet are rolled up first, so a report
// always covers every event acknowledged before it.
func (s *Store) Report(ctx context.Context, f Filter) (*Report, error) {
	r := &Report{Filter: f}
	if _, err := s.RollUpPending(ctx); err != nil {
		return nil, err
	}
	var err error
	for name, dst := range map[string]*[]Row{"daily": &r.Daily, "languages": &r.Languages, "models": &r.Models, "repos": &r.Repos} {
		if *dst, err = s.groupBy(ctx, f, breakdowns[name]); err != nil {
			return nil, err
		}
	}
	for _, row := range r.Daily {
		r.Total.Add(row.Counts)
	}
	if r.Members, err = s.members(ctx, f); err != nil {
		return nil, err
	}
	if r.Latency, r.ModelMeanMs, err = s.latency(ctx, f); err != nil {
		return nil, err
	}
	if r.Teams, r.RepoNames, r.LanguageNames, err = s.dimensions(ctx); err != nil {
		return nil, err
	}
	return r, nil
}

func sumColumns() string {
	// PostgreSQL sums BIGINTs into NUMERIC: cast back so both scan into int64.
	cols := make([]string, 0, len(dailyMeasures)+len(dailyFloatMeasures))
	for _, c := range dailyMeasures {
		cols = append(cols, "CAST(SUM("+c+") AS BIGINT)")
	}
	for _, c := range dailyFloatMeasures {
		cols = append(cols, "SUM("+c+")")
	}
	return strings.Join(cols, ", ")
}

// groupBy sums the roll-ups under f by key (one column, or team and
// member), ordered by it, from the narrowest roll-up that has key and f's
// filters.
func (s *Store) groupBy(ctx context.Context, f Filter, key []string) ([]Row, error) {
	sp := pick(countSpecs, append(append([]string{}, key...), f.dims()...))
	where, args := f.where()
	col := strings.Join(key, ", ")
	q := "SELECT " + col + ", " + sumColumns() + " FROM " + sp.table + where + " GROUP BY " + col + " ORDER BY " + col
	rs, err := s.r.QueryContext(ctx, s.d.rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("report by %s: %w", col, err)
	}
	defer rs.Close()
	var out []Row
	nKey := len(key)
	for rs.Next() {
		var row Row
		keys := make([]string, nKey)
		dst := make([]any, 0, nKey+len(dailyMeasures)+len(dailyFloatMeasures))
		for i := range keys {
			dst = append(dst, &keys[i])
		}
		for _, p := range row.ints() {
			dst = append(dst, p)
		}
		for _, p := range row.floats() {
			dst = append(dst, p)
		}
		if err := rs.Scan(dst...); err != nil {
			return nil, fmt.Errorf("report by %s: %w", col, err)
		}
		row.Key = strings.Join(keys, "\x00")
		out = append(out, row)
	}
	return out, rs.Err()
}

// members is the by-member table; teams that show members only in
// aggregate contribute one row for all their members.
func (s *Store) members(ctx context.Context, f Filter) ([]Row, error) {
	rows, err := s.groupBy(ctx, f, []string{"team", "member"})
	if err != nil {
		return nil, err
	}
	hidden, err := s.hiddenTeams(ctx)
	if err != nil {
		return nil, err
	}
	var out []Row
	agg := map[string]*Row{}
	nMembers := map[string]int{}
	for _, r := range rows {
		team, member, _ := strings.Cut(r.Key, "\x00")
		if !hidden[team] {
			r.Key = member + " (" + team + ")"
			if team == "" {
				r.Key = member
			}
			out = append(out, r)
			continue
		}
		a := agg[team]
		if a == nil {
			a = &Row{}
			agg[team] = a
		}
		a.Add(r.Counts)
		nMembers[team]++
	}
	for team, a := range agg {
		a.Key = fmt.Sprintf("all %d members of %s", nMembers[team], team)
		out = append(out, *a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// latency sums the latency histograms under f per stage.
func (s *Store) latency(ctx context.Context, f Filter) ([]LatencyRow, float64, error) {
	where, args := f.where()
	sums := []string{"CAST(SUM(n) AS BIGINT)", "SUM(sum_ms)"}
	for _, b := range bucketColumns() {
		sums = append(sums, "CAST(SUM("+b+") AS BIGINT)")
	}
	sp := pick(latencySpecs, append([]string{"stage"}, f.dims()...))
	q := "SELECT stage, " + strings.Join(sums, ", ") + " FROM " + sp.table + where + " GROUP BY stage"
	rs, err := s.r.QueryContext(ctx, s.d.rebind(q), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("report latency: %w", err)
	}
	defer rs.Close()
	hists := map[telemetry.Stage]*Hist{}
	for rs.Next() {
		var stage telemetry.Stage
		h := &Hist{}
		dst := []any{&stage, &h.N, &h.SumMs}
		for i := range h.Buckets {
			dst = append(dst, &h.Buckets[i])
		}
		if err := rs.Scan(dst...); err != nil {
			return nil, 0, fmt.Errorf("report latency: %w", err)
		}
		hists[stage] = h
	}
	if err := rs.Err(); err != nil {
		return nil, 0, fmt.Errorf("report latency: %w", err)
	}
	var out []LatencyRow
	for _, stage := range telemetry.Stages {
		h := hists[stage]
		if h == nil {
			continue
		}
		out = append(out, LatencyRow{Stage: stage, N: h.N, Mean: h.Mean(), P50: h.Quantile(0.5), P90: h.Quantile(0.9), P99: h.Quantile(0.99)})
	}
	modelMean := math.NaN()
	if h := hists[telemetry.StageModel]; h != nil {
		modelMean = h.Mean()
	}
	return out, modelMean, nil
}

func (s *Store) dimensions(ctx context.Context) (teams, repos, languages []string, err error) {
	rs, err := s.r.QueryContext(ctx, `SELECT kind, value FROM dimensions ORDER BY kind, value`)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("read dimensions: %w", err)
	}
	defer rs.Close()
	for rs.Next() {
		var kind, v string
		if err := rs.Scan(&kind, &v); err != nil {
			return nil, nil, nil, fmt.Errorf("read dimensions: %w", err)
		}
		switch kind {
		case "team":
			teams = append(teams, v)
		case "repo":
			repos = append(repos, v)
		case "language":
			languages = append(languages, v)
		}
	}
	return teams, repos, languages, errors.Join(rs.Err())
}
