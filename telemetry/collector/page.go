package collector

import (
	"embed"
	"encoding/csv"
	"html/template"
	"io/fs"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
)

//go:embed web/static
var webFS embed.FS

// staticFS serves web/static under /static/.
var staticFS = func() fs.FS {
	sub, err := fs.Sub(webFS, "web")
	if err != nil {
		panic(err)
	}
	return sub
}()

//go:embed templates/page.html
var pageHTML string

// CodeComposeShare is the share of code CodeCompose users inserted from
// suggestions at Meta (Murali et al., 2024), shown next to ours.
const CodeComposeShare = 0.08

// column is one measure of a breakdown table, shared by the page and the
// CSV exports so both show the same numbers.
type column struct {
	Name  string
	Title string // the page's header
	pct   bool
	value func(c *Counts) float64
}

var rowColumns = []column{
	{"shown", "shown", false, func(c *Counts) float64 { return float64(c.Shown) }},
	{"seen", "seen", false, func(c *Counts) float64 { return float64(c.Seen()) }},
	{"accepted", "accepted", false, func(c *Counts) float64 { return float64(c.Accepted) }},
	{"accept_rate", "acceptance", true, func(c *Counts) float64 { return c.AcceptRate() }},
	{"partial", "partially accepted", false, func(c *Counts) float64 { return float64(c.PartialSuggestions) }},
	{"rejected", "rejected", false, func(c *Counts) float64 { return float64(c.Rejected) }},
	{"hidden", "hidden by predictor", false, func(c *Counts) float64 { return float64(c.Hidden) }},
	{"skipped", "skipped by predictor", false, func(c *Counts) float64 { return float64(c.Skipped) }},
	{"accepted_chars", "accepted chars", false, func(c *Counts) float64 { return float64(c.AcceptedChars) }},
	{"typed_chars", "typed chars", false, func(c *Counts) float64 { return float64(c.TypedChars) }},
	{"char_share", "chars from suggestions", true, func(c *Counts) float64 { return c.CharShare() }},
	{"survival_600s", "survival at 10 min", true, func(c *Counts) float64 { return c.SurvivalAt(600) }},
}

var latencyColumns = []string{"stage", "n", "mean_ms", "p50_ms", "p90_ms", "p99_ms"}

// Cell is a table cell: Text for people, Value (raw, "" for none) for the
// charts, the CSV files and tests.
type Cell struct{ Text, Value string }

func rawValue(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func pct(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return strconv.FormatFloat(100*v, 'f', 1, 64) + "%"
}

func num(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

func rowCells(r Row) []Cell {
	out := make([]Cell, len(rowColumns))
	for i, c := range rowColumns {
		v := c.value(&r.Counts)
		text := num(v)
		if c.pct {
			text = pct(v)
		}
		out[i] = Cell{text, rawValue(v)}
	}
	return out
}

func latencyCells(l LatencyRow) []Cell {
	out := []Cell{{strconv.FormatInt(l.N, 10), strconv.FormatInt(l.N, 10)}}
	for _, v := range []float64{l.Mean, l.P50, l.P90, l.P99} {
		text := "–"
		if !math.IsNaN(v) {
			text = strconv.FormatFloat(v, 'f', 2, 64)
		}
		out = append(out, Cell{text, rawValue(v)})
	}
	return out
}

// table is a breakdown as the page and exports see it.
type table struct {
	Name, Title, KeyTitle string
	Rows                  []Row
}

func (r *Report) tables() []table {
	return []table{
		{"daily", "Per day", "day", r.Daily},
		{"languages", "By language", "language", r.Languages},
		{"models", "By model", "model", r.Models},
		{"repos", "By repository", "repository", r.Repos},
		{"members", "By member", "member", r.Members},
	}
}

var pageTmpl = template.Must(template.New("page").Funcs(template.FuncMap{
	"pct":          pct,
	"num":          func(v int64) string { return strconv.FormatInt(v, 10) },
	"fnum":         num,
	"raw":          rawValue,
	"rowCells":     rowCells,
	"latencyCells": latencyCells,
	"columns":      func() []column { return rowColumns },
	"f64":          func(v int64) float64 { return float64(v) },
	"codecompose":  func() float64 { return CodeComposeShare },
}).Parse(pageHTML))

type pageData struct {
	*Report
	Tables []table
	Query  string
}

// report answers the request's filter with the report, or writes the
// error and returns nil; what names the caller in the log.
func (s *Server) report(w http.ResponseWriter, r *http.Request, what string) (*Report, Filter) {
	f, err := ParseFilter(r.URL.Query(), s.opt.Now())
	if err != nil {
		http.Error(w, "bad filter: "+err.Error(), http.StatusBadRequest)
		return nil, f
	}
	rep, err := s.st.Report(r.Context(), f)
	if err != nil {
		slog.Error("collector: "+what, "err", err)
		http.Error(w, "cannot read the database now", http.StatusServiceUnavailable)
		return nil, f
	}
	return rep, f
}

func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) {
	rep, f := s.report(w, r, "report")
	if rep == nil {
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := pageTmpl.Execute(w, pageData{Report: rep, Tables: rep.tables(), Query: f.Query()}); err != nil {
		slog.Warn("collector: render page", "err", err)
	}
}

// csvSafe defuses spreadsheet formulas: names come from events, and a
// member or repository called "=HYPERLINK(...)" must stay text.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func (s *Server) handleExport(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutSuffix(r.PathValue("file"), ".csv")
	rep, _ := s.report(w, r, "export")
	if rep == nil {
		return
	}
	var records [][]string
	switch {
	case ok && name == "summary":
		records = append(records, append([]string{"scope"}, columnNames()...))
		records = append(records, csvRow("total", rep.Total))
	case ok && name == "latency":
		records = append(records, latencyColumns)
		for _, l := range rep.Latency {
			rec := []string{string(l.Stage)}
			for _, c := range latencyCells(l) {
				rec = append(rec, c.Value)
			}
			records = append(records, rec)
		}
	default:
		var t *table
		for _, tt := range rep.tables() {
			if ok && tt.Name == name {
				t = &tt
			}
		}
		if t == nil {
			http.Error(w, "no such table: want summary, daily, languages, models, repos, members or latency .csv", http.StatusNotFound)
			return
		}
		records = append(records, append([]string{t.KeyTitle}, columnNames()...))
		for _, row := range t.Rows {
			records = append(records, csvRow(row.Key, row.Counts))
		}
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="ghostline-`+name+`.csv"`)
	cw := csv.NewWriter(w)
	cw.WriteAll(records)
}

func columnNames() []string {
	out := make([]string, len(rowColumns))
	for i, c := range rowColumns {
		out[i] = c.Name
	}
	return out
}

func csvRow(key string, c Counts) []string {
	rec := []string{csvSafe(key)}
	for _, cell := range rowCells(Row{Counts: c}) {
		rec = append(rec, cell.Value)
	}
	return rec
}
