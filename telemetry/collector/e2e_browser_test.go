//go:build e2e

package collector

// The real-browser test: Debian's chromium, headless, driven by chromedp.
// Run with `make e2e-dashboard` (go test -tags e2e -run Browser ./telemetry/collector/).

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/ghostline/ghostline/telemetry"
)

func chromiumPath(t *testing.T) string {
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	t.Skip("no chromium: apt-get install -y chromium (or set CHROMIUM)")
	return ""
}

// shownCell is what the browser shows in a cell: its text and data-v.
type shownCell struct{ Text, V string }

func TestBrowserDashboard(t *testing.T) {
	st, err := Open(context.Background(), filepath.Join(t.TempDir(), "collector.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	opt := testOptions()
	opt.RatePerToken = 1e6
	h := NewServer(st, opt)
	sent := seed(t, st, h, 1500)
	viewTok := addToken(t, st, "lead", "core", RoleViewer)
	srv := httptest.NewServer(h)
	defer srv.Close()

	allocOpts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.Headless,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.NoFirstRun, chromedp.WindowSize(1400, 1000))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), allocOpts...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()

	var mu sync.Mutex
	var problems []string
	// Listen starts the browser (no timeout on this first call: a timeout
	// would stop the whole browser); each action below gets its own.
	err = chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *page.EventJavascriptDialogOpening:
			problems = append(problems, "a dialog opened (script injection?): "+e.Message)
			go chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
				_, err := cdp.Call(ctx, t, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
				return err
			}))
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+e.ExceptionDetails.Text)
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				problems = append(problems, "console error")
			}
		}
	})
	if err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	tctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	defer cancelT()

	f := Filter{From: "2020-01-01", To: "2030-12-31"}
	// The token in the link becomes a cookie; the page is then served without it.
	if err := chromedp.Do(tctx, chromedp.Navigate(srv.URL+"/?"+f.Query()+"&token="+viewTok), chromedp.WaitVisible("#t-latency")); err != nil {
		t.Fatalf("load page: %v", err)
	}
	charts, err := chromedp.Run(tctx, chromedp.Poll[int](`window.ghostlineCharts && Object.keys(window.ghostlineCharts).length`, chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		t.Fatalf("charts: %v", err)
	}
	tablesJSON, err := chromedp.Run(tctx, chromedp.Evaluate[string](`JSON.stringify(Object.fromEntries(Array.from(document.querySelectorAll('table')).map(t =>
			[t.id, Object.fromEntries(Array.from(t.tBodies[0].rows).filter(r => r.cells[0].dataset.k !== undefined || r.dataset.k !== undefined).map(r => {
				const key = r.dataset.k !== undefined ? r.dataset.k : r.cells[0].dataset.k;
				const cols = t.tHead ? Array.from(t.tHead.rows[0].cells).slice(1).map(c => c.dataset.c) : ['value', 'note'];
				return [key, Object.fromEntries(Array.from(r.querySelectorAll('td')).map((c, i) => [cols[i], {Text: c.textContent, V: c.dataset.v || ''}]))];
			}))])))`))
	if err != nil {
		t.Fatalf("read tables: %v", err)
	}
	canvasBytes, err := chromedp.Run(tctx, chromedp.Evaluate[[]int](`['chart-daily','chart-languages','chart-latency'].map(id => document.getElementById(id).toDataURL().length)`))
	if err != nil {
		t.Fatalf("read charts: %v", err)
	}
	// At 1,400 px a wide table scrolls in its box: the page itself never
	// overflows, so no column (the survival one last) is out of reach.
	overflow, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('table.data')).filter(t =>
			!t.parentElement.classList.contains('scroll') || t.parentElement.scrollWidth < t.offsetWidth).map(t => t.id)
		.concat(document.documentElement.scrollWidth > window.innerWidth ? ['page wider than the window'] : [])`))
	if err != nil {
		t.Fatalf("read table widths: %v", err)
	}
	for _, o := range overflow {
		t.Errorf("at 1400 px: %s has columns out of reach", o)
	}
	shot, err := chromedp.Run(tctx, chromedp.FullScreenshot(100)) // quality 100: PNG
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	out := os.Getenv("GHOSTLINE_E2E_OUT")
	if out == "" {
		out = os.TempDir()
	}
	shotPath := filepath.Join(out, "ghostline-dashboard.png")
	if err := os.WriteFile(shotPath, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", shotPath)
	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Error(p)
	}
	if charts != 3 {
		t.Errorf("%d charts drawn, want 3", charts)
	}
	for i, n := range canvasBytes {
		if n < 3000 { // an empty canvas encodes to a few hundred bytes
			t.Errorf("chart %d looks blank (%d bytes of PNG)", i, n)
		}
	}

	var shown map[string]map[string]map[string]shownCell
	if err := json.Unmarshal([]byte(tablesJSON), &shown); err != nil {
		t.Fatal(err)
	}
	ref := computeReference(sent, f)
	// The numbers the browser shows equal the aggregates of the raw events.
	check := func(where, col string, c shownCell, want float64, pctFmt bool) {
		t.Helper()
		got, err := strconv.ParseFloat(c.V, 64)
		if c.V == "" && math.IsNaN(want) {
			return
		}
		if err != nil || math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
			t.Errorf("%s %s: page has %q, raw events give %v", where, col, c.V, want)
		}
		wantText := num(want)
		if pctFmt {
			wantText = pct(want)
		}
		if c.Text != wantText {
			t.Errorf("%s %s: page shows %q, want %q", where, col, c.Text, wantText)
		}
	}
	sum := shown["summary"]
	check("summary", "shown", sum["shown"]["value"], float64(ref.total.Shown), false)
	check("summary", "acceptance", sum["accept_rate"]["value"], ref.total.AcceptRate(), true)
	check("summary", "partial", sum["partial_rate"]["value"], ref.total.PartialRate(), true)
	check("summary", "hidden", sum["hidden"]["value"], float64(ref.total.Hidden), false)
	check("summary", "skipped", sum["skipped"]["value"], float64(ref.total.Skipped), false)
	check("summary", "char share", sum["char_share"]["value"], ref.total.CharShare(), true)
	check("summary", "survival", sum["survival_600s"]["value"], ref.total.SurvivalAt(600), true)
	var modelSum float64
	for _, v := range ref.lat[telemetry.StageModel] {
		modelSum += v
	}
	saved, _ := strconv.ParseFloat(sum["skipped"]["note"].V, 64)
	if want := float64(ref.total.Skipped) * modelSum / float64(len(ref.lat[telemetry.StageModel])) / 1000; math.Abs(saved-want) > 1e-6*want {
		t.Errorf("model time saved: page %v s, raw events %v s", saved, want)
	}
	for _, name := range []string{"daily", "languages", "models", "repos", "members"} {
		rows := shown["t-"+name]
		if len(rows) != len(ref.tables[name]) {
			t.Errorf("%s: page has %d rows, raw events give %d", name, len(rows), len(ref.tables[name]))
		}
		for key, want := range ref.tables[name] {
			row, ok := rows[key]
			if !ok {
				t.Errorf("%s: no row %q on the page", name, key)
				continue
			}
			for _, c := range rowColumns {
				check(fmt.Sprintf("%s[%s]", name, key), c.Name, row[c.Name], c.value(want), c.pct)
			}
		}
	}
	for stage, samples := range ref.lat {
		row := shown["t-latency"][string(stage)]
		if n, _ := strconv.Atoi(row["n"].V); n != len(samples) {
			t.Errorf("latency %s: page n %q, raw %d", stage, row["n"].V, len(samples))
		}
		for col, q := range map[string]float64{"p50_ms": 0.5, "p90_ms": 0.9, "p99_ms": 0.99} {
			got, _ := strconv.ParseFloat(row[col].V, 64)
			if want := exactQuantile(samples, q); !closeEnough(got, want) {
				t.Errorf("latency %s %s: page %v, exact %v", stage, col, got, want)
			}
		}
	}
	if _, ok := shown["t-repos"]["<script>alert(1)</script>"]; !ok {
		t.Error("the repository named <script>alert(1)</script> is not shown as text")
	}
}
