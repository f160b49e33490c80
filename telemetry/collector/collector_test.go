package collector

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ghostline/ghostline/telemetry"
	"github.com/ghostline/ghostline/telemetry/collector/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// eachBackend runs f against a fresh SQLite file and a fresh database on
// the test PostgreSQL server: the same suite for both.
func eachBackend(t *testing.T, f func(t *testing.T, st *Store)) {
	for _, b := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "collector.db") }},
		{"postgres", func(t *testing.T) string { return pgtest.URL(t) }},
	} {
		t.Run(b.name, func(t *testing.T) {
			st, err := Open(context.Background(), b.dsn(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			f(t, st)
		})
	}
}

var testNow = time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)

func testOptions() Options {
	return Options{Now: func() time.Time { return testNow }}
}

func addToken(t *testing.T, st *Store, name, team, role string) string {
	t.Helper()
	tok, _, err := st.AddToken(context.Background(), name, team, role)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

type answer struct {
	code int
	body string
	hdr  http.Header
}

func do(t *testing.T, h http.Handler, method, path, token string, body []byte) answer {
	t.Helper()
	r := httptest.NewRequest(method, path, bytes.NewReader(body))
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return answer{w.Code, w.Body.String(), w.Header()}
}

func batchJSON(t *testing.T, events []telemetry.Event) []byte {
	t.Helper()
	b, err := json.Marshal(Batch{Events: events})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func event(id string, kind telemetry.Kind) telemetry.Event {
	return telemetry.Event{ID: id, Kind: kind, Time: testNow.Add(-time.Hour), SuggestionID: "s-" + id,
		Repo: "repo", Language: "go", Model: "m", UserID: "claimed-user"}
}

func report(t *testing.T, st *Store, f Filter) *Report {
	t.Helper()
	if f.From == "" {
		f.From, f.To = "2020-01-01", "2030-01-01"
	}
	r, err := st.Report(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestIngestAuth(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *Store) {
		h := NewServer(st, testOptions())
		good := addToken(t, st, "alice", "core", RoleMember)
		viewer := addToken(t, st, "lead", "core", RoleViewer)
		revoked := addToken(t, st, "bob", "core", RoleMember)
		if n, err := st.RevokeToken(context.Background(), "bob"); err != nil || n != 1 {
			t.Fatalf("revoke: %d, %v", n, err)
		}
		id, _, _ := strings.Cut(strings.TrimPrefix(good, tokenPrefix), "_")
		body := batchJSON(t, []telemetry.Event{event("e1", telemetry.KindShown)})
		for _, tc := range []struct {
			name, token string
			want        int
		}{
			{"missing", "", http.StatusUnauthorized},
			{"garbage", "hello", http.StatusUnauthorized},
			{"wrong secret for a real id", tokenPrefix + id + "_" + strings.Repeat("A", 43), http.StatusUnauthorized},
			{"real secret, unknown id", tokenPrefix + "0123456789abcdef_" + strings.SplitN(good, "_", 3)[2], http.StatusUnauthorized},
			{"revoked", revoked, http.StatusUnauthorized},
			{"viewer cannot write", viewer, http.StatusForbidden},
			{"member", good, http.StatusOK},
		} {
			a := do(t, h, "POST", "/api/v1/events", tc.token, body)
			if a.code != tc.want {
				t.Errorf("%s: status %d, want %d (%s)", tc.name, a.code, tc.want, a.body)
			}
			var e ErrorBody
			if a.code != http.StatusOK && (json.Unmarshal([]byte(a.body), &e) != nil || e.Error == "") {
				t.Errorf("%s: answer %q is not a JSON error", tc.name, a.body)
			}
		}
		// The member comes from the token, not from the payload's userId.
		r := report(t, st, Filter{})
		if len(r.Members) != 1 || r.Members[0].Key != "alice (core)" || r.Members[0].Shown != 1 {
			t.Errorf("members = %+v, want alice (core) with 1 shown", r.Members)
		}
		// Nothing else writes: every other path refuses POST.
		for _, p := range []string{"/", "/api/v1/config", "/export/daily.csv"} {
			if a := do(t, h, "POST", p, good, body); a.code != http.StatusMethodNotAllowed {
				t.Errorf("POST %s: %d, want 405", p, a.code)
			}
		}
	})
}

func TestIngestIdempotent(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *Store) {
		h := NewServer(st, testOptions())
		tok := addToken(t, st, "alice", "core", RoleMember)
		shown := event("e1", telemetry.KindShown)
		p1 := event("e2", telemetry.KindPartial)
		p1.SuggestionID, p1.AcceptedChars = "s-e1", 5
		acc := event("e3", telemetry.KindAccepted)
		acc.SuggestionID, acc.AcceptedChars = "s-e1", 12
		events := []telemetry.Event{shown, p1, acc, shown} // a repeat inside the batch too
		var got [2]IngestResult
		for i := range got {
			a := do(t, h, "POST", "/api/v1/events", tok, batchJSON(t, events))
			if a.code != http.StatusOK {
				t.Fatalf("post %d: %d %s", i, a.code, a.body)
			}
			json.Unmarshal([]byte(a.body), &got[i])
		}
		if got[0] != (IngestResult{Accepted: 3, Duplicates: 1}) || got[1] != (IngestResult{Accepted: 0, Duplicates: 4}) {
			t.Errorf("results %+v, want 3+1 then 0+4", got)
		}
		r := report(t, st, Filter{})
		want := Counts{Shown: 1, Partial: 1, Accepted: 1, PartialSuggestions: 1, AcceptedChars: 12}
		checkCounts(t, "total after a retried batch", r.Total, want)
		// Another member may reuse an id: ids are unique per member.
		tok2 := addToken(t, st, "bob", "core", RoleMember)
		if a := do(t, h, "POST", "/api/v1/events", tok2, batchJSON(t, events[:1])); a.code != 200 || !strings.Contains(a.body, `"accepted":1`) {
			t.Errorf("bob's e1: %d %s", a.code, a.body)
		}
	})
}

func TestIngestLimits(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *Store) {
		opt := testOptions()
		opt.MaxBodyBytes, opt.MaxBatch, opt.RatePerToken, opt.Burst = 4096, 10, 1, 15
		h := NewServer(st, opt)
		tok := addToken(t, st, "alice", "core", RoleMember)
		big := event("big", telemetry.KindShown)
		big.Error = strings.Repeat("x", 5000)
		if a := do(t, h, "POST", "/api/v1/events", tok, batchJSON(t, []telemetry.Event{big})); a.code != http.StatusRequestEntityTooLarge {
			t.Errorf("oversized body: %d %s", a.code, a.body)
		}
		var eleven []telemetry.Event
		for i := range 11 {
			eleven = append(eleven, event(fmt.Sprint("n", i), telemetry.KindRequested))
		}
		if a := do(t, h, "POST", "/api/v1/events", tok, batchJSON(t, eleven)); a.code != http.StatusRequestEntityTooLarge || !strings.Contains(a.body, "at most 10") {
			t.Errorf("11 events: %d %s", a.code, a.body)
		}
		// Burst 15 at 1 event/s: 10 pass, the next 10 are refused with Retry-After.
		if a := do(t, h, "POST", "/api/v1/events", tok, batchJSON(t, eleven[:10])); a.code != http.StatusOK {
			t.Fatalf("first 10: %d %s", a.code, a.body)
		}
		a := do(t, h, "POST", "/api/v1/events", tok, batchJSON(t, eleven[1:]))
		if a.code != http.StatusTooManyRequests || a.hdr.Get("Retry-After") == "" {
			t.Errorf("over the rate: %d (Retry-After %q) %s", a.code, a.hdr.Get("Retry-After"), a.body)
		}
		// Another token has its own bucket.
		tok2 := addToken(t, st, "bob", "core", RoleMember)
		if a := do(t, h, "POST", "/api/v1/events", tok2, batchJSON(t, eleven[:10])); a.code != http.StatusOK {
			t.Errorf("bob: %d %s", a.code, a.body)
		}
		if a := do(t, h, "POST", "/api/v1/events", tok, []byte(`{"events":[`)); a.code != http.StatusBadRequest || !strings.Contains(a.body, "invalid JSON") {
			t.Errorf("truncated JSON: %d %s", a.code, a.body)
		}
	})
}

func TestIngestValidation(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *Store) {
		h := NewServer(st, testOptions())
		tok := addToken(t, st, "alice", "core", RoleMember)
		for _, tc := range []struct {
			name, field string
			mutate      func(e *telemetry.Event)
		}{
			{"unknown kind", "kind", func(e *telemetry.Event) { e.Kind = "exploded" }},
			{"missing id", "id", func(e *telemetry.Event) { e.ID = "" }},
			{"missing time", "time", func(e *telemetry.Event) { e.Time = time.Time{} }},
			{"future time", "time", func(e *telemetry.Event) { e.Time = testNow.Add(48 * time.Hour) }},
			{"ancient time", "time", func(e *telemetry.Event) { e.Time = time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC) }},
			{"negative chars", "typedChars", func(e *telemetry.Event) { e.TypedChars = -3 }},
			{"huge chars", "suggestionChars", func(e *telemetry.Event) { e.SuggestionChars = 1 << 30 }},
			{"probability over 1", "prob", func(e *telemetry.Event) { e.Prob = 2 }},
			{"unknown stage", "latencyMs", func(e *telemetry.Event) { e.LatencyMs = map[telemetry.Stage]float64{"warp": 1} }},
			{"absurd latency", "latencyMs", func(e *telemetry.Event) { e.LatencyMs = map[telemetry.Stage]float64{telemetry.StageModel: 1e12} }},
			{"survival without checkpoint", "survivalAfterS", func(e *telemetry.Event) { e.Kind = telemetry.KindSurvival }},
			{"control characters in a name", "repo", func(e *telemetry.Event) { e.Repo = "a\x1b[31mb" }},
			{"long language", "language", func(e *telemetry.Event) { e.Language = strings.Repeat("x", 300) }},
			{"held back as shown", "heldBack", func(e *telemetry.Event) { e.HeldBack = telemetry.KindShown }},
		} {
			good := event("ok-"+tc.name, telemetry.KindShown)
			bad := event("bad-"+tc.name, telemetry.KindShown)
			tc.mutate(&bad)
			a := do(t, h, "POST", "/api/v1/events", tok, batchJSON(t, []telemetry.Event{good, bad}))
			var e ErrorBody
			json.Unmarshal([]byte(a.body), &e)
			if a.code != http.StatusBadRequest || len(e.Problems) != 1 || e.Problems[0].Field != tc.field || e.Problems[0].Index != 1 {
				t.Errorf("%s: %d %s; want 400 naming %s of event 1", tc.name, a.code, a.body, tc.field)
			}
		}
		if r := report(t, st, Filter{}); r.Total.Shown != 0 {
			t.Errorf("a refused batch stored %d events", r.Total.Shown)
		}
		if a := do(t, h, "POST", "/api/v1/events", tok, []byte(`{"events":[]}`)); a.code != http.StatusBadRequest {
			t.Errorf("empty batch: %d", a.code)
		}
	})
}

func TestTextStrippedUnlessAccepted(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *Store) {
		for _, accept := range []bool{false, true} {
			opt := testOptions()
			opt.AcceptText = accept
			h := NewServer(st, opt)
			tok := addToken(t, st, fmt.Sprint("m", accept), "core", RoleMember)
			var cfg Config
			a := do(t, h, "GET", "/api/v1/config", tok, nil)
			if err := json.Unmarshal([]byte(a.body), &cfg); err != nil || cfg.AcceptText != accept {
				t.Fatalf("config: %d %s", a.code, a.body)
			}
			e := event(fmt.Sprint("txt", accept), telemetry.KindShown)
			e.PromptText, e.SuggestionText = "secret prompt", "secret suggestion"
			if a := do(t, h, "POST", "/api/v1/events", tok, batchJSON(t, []telemetry.Event{e})); a.code != 200 {
				t.Fatalf("post: %d %s", a.code, a.body)
			}
			var p, s string
			if err := st.r.QueryRow(st.d.rebind(`SELECT prompt_text, suggestion_text FROM events WHERE id = ?`), e.ID).Scan(&p, &s); err != nil {
				t.Fatal(err)
			}
			if kept := p != "" || s != ""; kept != accept {
				t.Errorf("acceptText=%v: stored text %q %q", accept, p, s)
			}
		}
	})
}

// seed uploads a synthetic workload plus hostile names through the HTTP
// API and returns what was sent.
func seed(t testing.TB, st *Store, h http.Handler, requests int) []memberEvents {
	syn := NewSynth(SynthOptions{Teams: 2, Members: 5, Repos: []string{"api", "web", "<script>alert(1)</script>", "=HYPERLINK(\"x\")"},
		Languages: []string{"go", "python", "typescript", "<img src=x onerror=alert(2)>"}, Models: []string{"qwen2.5-coder:1.5b", "builtin"},
		Start: testNow.AddDate(0, 0, -9), Days: 10, Seed: 42})
	byMember := map[int]*memberEvents{}
	tokens := map[int]string{}
	for i, m := range syn.Members() {
		name := m.Name
		if i == 0 {
			name = `<script>alert("member")</script>`
		}
		tok, info, err := st.AddToken(context.Background(), name, m.Team, RoleMember)
		if err != nil {
			t.Fatal(err)
		}
		tokens[i] = tok
		byMember[i] = &memberEvents{m: Member{Name: info.Name, Team: info.Team}}
	}
	for range requests {
		mi, evs := syn.Next()
		byMember[mi].events = append(byMember[mi].events, evs...)
	}
	var out []memberEvents
	for i := range len(byMember) {
		me := byMember[i]
		for start := 0; start < len(me.events); start += 500 {
			chunk := me.events[start:min(start+500, len(me.events))]
			b, _ := json.Marshal(Batch{Events: chunk})
			r := httptest.NewRequest("POST", "/api/v1/events", bytes.NewReader(b))
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("Authorization", "Bearer "+tokens[i])
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != 200 {
				t.Fatalf("seed: %d %s", w.Code, w.Body)
			}
		}
		out = append(out, *me)
	}
	return out
}

func TestReportMatchesRawEvents(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *Store) {
		opt := testOptions()
		opt.RatePerToken = 1e6
		h := NewServer(st, opt)
		sent := seed(t, st, h, 1500)
		for _, f := range []Filter{
			{From: "2020-01-01", To: "2030-01-01"},
			{From: testNow.AddDate(0, 0, -5).Format(time.DateOnly), To: testNow.AddDate(0, 0, -2).Format(time.DateOnly), Team: "team-1"},
			{From: "2020-01-01", To: "2030-01-01", Language: "python", Repo: "web"},
		} {
			got := report(t, st, f)
			want := computeReference(sent, f)
			checkCounts(t, fmt.Sprintf("%+v total", f), got.Total, want.total)
			for _, tb := range got.tables() {
				if len(tb.Rows) != len(want.tables[tb.Name]) {
					t.Errorf("%+v %s: %d rows, want %d", f, tb.Name, len(tb.Rows), len(want.tables[tb.Name]))
				}
				for _, row := range tb.Rows {
					w := want.tables[tb.Name][row.Key]
					if w == nil {
						t.Errorf("%+v %s: unexpected row %q", f, tb.Name, row.Key)
						continue
					}
					checkCounts(t, fmt.Sprintf("%+v %s[%s]", f, tb.Name, row.Key), row.Counts, *w)
				}
			}
			for _, l := range got.Latency {
				s := want.lat[l.Stage]
				if int(l.N) != len(s) {
					t.Errorf("latency %s: n %d, want %d", l.Stage, l.N, len(s))
					continue
				}
				for q, v := range map[float64]float64{0.5: l.P50, 0.9: l.P90, 0.99: l.P99} {
					if w := exactQuantile(s, q); !closeEnough(v, w) {
						t.Errorf("latency %s p%g: %g, exact %g", l.Stage, q*100, v, w)
					}
				}
			}
		}
	})
}

func TestPageEscapesAndViewAuth(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *Store) {
		opt := testOptions()
		opt.RatePerToken = 1e6
		h := NewServer(st, opt)
		seed(t, st, h, 200)
		viewTok := addToken(t, st, "lead", "core", RoleViewer)
		a := do(t, h, "GET", "/?from=2020-01-01&to=2030-01-01", viewTok, nil)
		if a.code != 200 {
			t.Fatalf("page: %d %s", a.code, a.body)
		}
		for _, bad := range []string{"<script>alert", "<img src=x"} {
			if strings.Contains(a.body, bad) {
				t.Errorf("page contains unescaped %q", bad)
			}
		}
		if !strings.Contains(a.body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("page lacks the escaped repository name")
		}
		csv := do(t, h, "GET", "/export/repos.csv?from=2020-01-01&to=2030-01-01", viewTok, nil)
		if csv.code != 200 || !strings.Contains(csv.body, `"'=HYPERLINK(""x"")"`) || !strings.HasPrefix(csv.body, "repository,shown,seen,accepted,accept_rate") {
			t.Errorf("repos.csv: %d\n%s", csv.code, csv.body)
		}
		for _, name := range []string{"summary", "daily", "languages", "models", "members", "latency"} {
			if a := do(t, h, "GET", "/export/"+name+".csv", viewTok, nil); a.code != 200 || strings.Count(a.body, "\n") < 2 {
				t.Errorf("%s.csv: %d %q", name, a.code, a.body)
			}
		}
		if a := do(t, h, "GET", "/export/nothing.csv", viewTok, nil); a.code != 404 {
			t.Errorf("unknown export: %d", a.code)
		}
		if a := do(t, h, "GET", "/?from=yesterday", viewTok, nil); a.code != 400 {
			t.Errorf("bad filter: %d", a.code)
		}

		// View policy: token required off loopback; ?token= moves into a cookie.
		get := func(remote, token string, hdr map[string]string) *httptest.ResponseRecorder {
			r := httptest.NewRequest("GET", "/"+token, nil)
			r.RemoteAddr = remote
			for k, v := range hdr {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			return w
		}
		h.opt.LoopbackRead = true
		if w := get("192.0.2.7:5000", "", nil); w.Code != 401 {
			t.Errorf("remote without token: %d", w.Code)
		}
		if w := get("127.0.0.1:5000", "", nil); w.Code != 200 {
			t.Errorf("loopback: %d", w.Code)
		}
		if w := get("127.0.0.1:5000", "", map[string]string{"X-Forwarded-For": "198.51.100.1"}); w.Code != 401 {
			t.Errorf("proxied loopback: %d", w.Code)
		}
		if w := get("192.0.2.7:5000", "?token=glt_bogus", nil); w.Code != 401 {
			t.Errorf("bad link token: %d", w.Code)
		}
		w := get("192.0.2.7:5000", "?team=core&token="+viewTok, nil)
		c := w.Result().Cookies()
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/?team=core" || len(c) != 1 || !c[0].HttpOnly {
			t.Fatalf("link token: %d %v %v", w.Code, w.Header(), c)
		}
		if w := get("192.0.2.7:5000", "", map[string]string{"Cookie": c[0].Name + "=" + c[0].Value}); w.Code != 200 {
			t.Errorf("cookie: %d", w.Code)
		}
		st.RevokeToken(context.Background(), "lead")
		if w := get("192.0.2.7:5000", "", map[string]string{"Cookie": c[0].Name + "=" + c[0].Value}); w.Code != 401 {
			t.Errorf("revoked cookie: %d", w.Code)
		}
		h.opt.PublicRead = true
		if w := get("192.0.2.7:5000", "", nil); w.Code != 200 {
			t.Errorf("public: %d", w.Code)
		}
		if a := do(t, h, "GET", "/static/chart.umd.min.js", "", nil); a.code != 200 || !strings.Contains(a.body[:200], "Chart.js") {
			t.Errorf("embedded chart.js: %d", a.code)
		}
	})
}

func TestHiddenMembers(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *Store) {
		h := NewServer(st, testOptions())
		for _, m := range []string{"ann", "ben"} {
			tok := addToken(t, st, m, "secretive", RoleMember)
			do(t, h, "POST", "/api/v1/events", tok, batchJSON(t, []telemetry.Event{event(m, telemetry.KindShown)}))
		}
		tok := addToken(t, st, "cy", "open", RoleMember)
		do(t, h, "POST", "/api/v1/events", tok, batchJSON(t, []telemetry.Event{event("cy", telemetry.KindShown)}))
		if err := st.SetTeam(context.Background(), "secretive", true); err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, r := range report(t, st, Filter{}).Members {
			keys = append(keys, fmt.Sprintf("%s=%d", r.Key, r.Shown))
		}
		if got := strings.Join(keys, ","); got != "all 2 members of secretive=2,cy (open)=1" {
			t.Errorf("members: %s", got)
		}
	})
}

func TestTokenList(t *testing.T) {
	st, err := Open(context.Background(), filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tok := addToken(t, st, "alice", "core", RoleMember)
	list, err := st.ListTokens(context.Background())
	if err != nil || len(list) != 1 || list[0].Name != "alice" || !list[0].Revoked.IsZero() {
		t.Fatalf("list: %+v %v", list, err)
	}
	var hash string
	st.r.QueryRow(`SELECT hash FROM tokens`).Scan(&hash)
	if strings.Contains(hash, tok) || hash != hashToken(tok) {
		t.Errorf("stored %q: want the SHA-256 of the token only", hash)
	}
	if _, _, err := st.AddToken(context.Background(), "bad\nname", "", RoleMember); err == nil {
		t.Error("a name with a newline was accepted")
	}
	_ = io.Discard
}

// Before any accept or reject the page says so instead of drawing empty
// acceptance charts; its tables scroll rather than lose columns.
func TestPageWithoutDecisions(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *Store) {
		h := NewServer(st, testOptions())
		tok := addToken(t, st, "lead", "core", RoleViewer)
		m := Member{Name: "alice", Team: "core"}
		ingest := func(evs ...telemetry.Event) {
			t.Helper()
			if _, err := st.Ingest(context.Background(), m, evs, false); err != nil {
				t.Fatal(err)
			}
			if _, err := st.RollUpPending(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		ingest(event("1", telemetry.KindRequested), event("2", telemetry.KindShown))
		page := do(t, h, "GET", "/?from=2020-01-01&to=2030-01-01", tok, nil).body
		if !strings.Contains(page, "no accept/reject decisions yet") || strings.Contains(page, `id="chart-daily"`) {
			t.Errorf("no decisions yet: want the note and no acceptance chart")
		}
		if n := strings.Count(page, `<div class="scroll">`); n != strings.Count(page, `class="data"`) || n == 0 {
			t.Errorf("%d of %d data tables in a scrolling box", n, strings.Count(page, `class="data"`))
		}
		ingest(event("3", telemetry.KindRejected))
		page = do(t, h, "GET", "/?from=2020-01-01&to=2030-01-01", tok, nil).body
		if strings.Contains(page, "no accept/reject decisions yet") || !strings.Contains(page, `id="chart-daily"`) {
			t.Errorf("after a reject: want the acceptance charts")
		}
	})
}

// Requests are limited as well as events; /static/ lists nothing; a
// declared huge body is refused before it is read, and a body that
// trickles in loses its connection after BodyTimeout.
func TestIngestRequestLimitsAndDeadlines(t *testing.T) {
	st, err := Open(context.Background(), filepath.Join(t.TempDir(), "collector.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	opt := testOptions()
	opt.RequestsPerToken, opt.BodyTimeout = 2, 300*time.Millisecond
	h := NewServer(st, opt)
	tok := addToken(t, st, "alice", "core", RoleMember)
	codes := map[int]int{}
	for i := range 40 {
		codes[do(t, h, "POST", "/api/v1/events", tok, batchJSON(t, []telemetry.Event{event(fmt.Sprint("r", i), telemetry.KindRequested)})).code]++
	}
	if codes[http.StatusOK] > 12 || codes[http.StatusTooManyRequests] < 28 {
		t.Errorf("40 one-event requests at 2 requests/s (burst 10): %v", codes)
	}
	if a := do(t, h, "GET", "/static/", "", nil); a.code != http.StatusNotFound || strings.Contains(a.body, "dashboard.css") {
		t.Errorf("GET /static/: %d %q", a.code, a.body)
	}
	if a := do(t, h, "GET", "/static/dashboard.css", "", nil); a.code != http.StatusOK {
		t.Errorf("GET /static/dashboard.css: %d", a.code)
	}

	srv := httptest.NewServer(h)
	defer srv.Close()
	tok2 := addToken(t, st, "bob", "core", RoleMember)
	raw := func(length int) (string, time.Duration) {
		c, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		start := time.Now()
		fmt.Fprintf(c, "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{", tok2, length)
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		status, _ := bufio.NewReader(c).ReadString('\n')
		return status, time.Since(start)
	}
	if status, d := raw(100 << 20); !strings.Contains(status, "413") || d > time.Second {
		t.Errorf("declared 100 MB, sent 1 byte: %q after %v", status, d)
	}
	if status, d := raw(1000); !strings.Contains(status, "400") || d > 2*time.Second {
		t.Errorf("declared 1000 bytes, sent 1: %q after %v, want a 400 after the body timeout", status, d)
	}
}

// TestHeldBackPrecision: decisions on suggestions shown although the
// predictor would have hidden or skipped them give its realised precision
// per day, on the page with what it means.
func TestHeldBackPrecision(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *Store) {
		h := NewServer(st, testOptions())
		tok := addToken(t, st, "lead", "core", RoleViewer)
		var evs []telemetry.Event
		held := func(id string, back, fate telemetry.Kind) {
			for _, k := range []telemetry.Kind{telemetry.KindShown, fate} {
				e := event(id+string(k), k)
				e.SuggestionID, e.HeldBack = id, back
				evs = append(evs, e)
			}
		}
		for i, fate := range []telemetry.Kind{telemetry.KindRejected, telemetry.KindRejected, telemetry.KindRejected, telemetry.KindAccepted} {
			held(fmt.Sprint("h", i), telemetry.KindHidden, fate)
		}
		held("s1", telemetry.KindSkipped, telemetry.KindRejected)
		held("s2", telemetry.KindSkipped, telemetry.KindUnseen) // not decided: not counted
		evs = append(evs, event("plain", telemetry.KindRejected))
		if _, err := st.Ingest(context.Background(), Member{Name: "alice", Team: "core"}, evs, false); err != nil {
			t.Fatal(err)
		}
		r := report(t, st, Filter{})
		if got := r.Total.HeldHidden; got != (Held{Accepted: 1, Rejected: 3}) || got.Precision() != 0.75 {
			t.Errorf("held hidden %+v, want 1 accepted 3 rejected: precision 0.75", got)
		}
		if got := r.Total.HeldSkipped; got != (Held{Rejected: 1}) || len(r.Daily) != 1 || r.Daily[0].HeldSkipped != got {
			t.Errorf("held skipped %+v (daily %+v), want 1 rejected", got, r.Daily)
		}
		page := do(t, h, "GET", "/?from=2020-01-01&to=2030-01-01", tok, nil).body
		if !strings.Contains(page, `id="t-held"`) || !strings.Contains(page, `data-v="0.75">75.0%`) || !strings.Contains(page, "ranker.explore") {
			t.Errorf("page lacks the held-back section with 75.0%% and what it means")
		}
	})
}

// TestMigrateFromV1: a database of schema version 1 keeps its events and
// roll-ups and gains the held-back measures.
func TestMigrateFromV1(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "collector.db")
	all := migrations
	t.Cleanup(func() { migrations = all })
	migrations = all[:1]
	m := Member{Name: "alice", Team: "core"}
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	// An event as version 1 stored it, not rolled up yet.
	old := event("old", telemetry.KindRejected)
	cols, vals := eventColumns[:len(eventColumns)-1], eventValues(nil, m, &old, testNow.UnixMilli())
	q := "INSERT INTO events (" + strings.Join(cols, ", ") + ") VALUES (" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	if _, err := st.w.ExecContext(ctx, q, vals[:len(cols)]...); err != nil {
		t.Fatal(err)
	}
	st.Close()
	migrations = all
	if st, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	e := event("new", telemetry.KindRejected)
	e.HeldBack = telemetry.KindHidden
	if _, err := st.Ingest(ctx, m, []telemetry.Event{e}, false); err != nil {
		t.Fatal(err)
	}
	if r := report(t, st, Filter{}); r.Total.Rejected != 2 || r.Total.HeldHidden != (Held{Rejected: 1}) {
		t.Errorf("after migrating: %d rejected, held hidden %+v; want 2 and 1 rejected", r.Total.Rejected, r.Total.HeldHidden)
	}
}
