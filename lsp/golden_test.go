package lsp_test

import (
	"encoding/json"
	"fmt"
	"path"
	"testing"

	"github.com/ghostline/ghostline/eval"
	"github.com/ghostline/ghostline/lang"
	"github.com/ghostline/ghostline/lsp"
	"github.com/ghostline/ghostline/lsp/lsptest"
)

// TestServeGoldens runs every post-processing golden (postprocess/testdata/
// corpus) through the real `ghostline serve`: a model server answers the
// case's raw output, the returned item's text and range are applied to the
// document as an editor applies them, and the whole document must be what
// the case expects.
func TestServeGoldens(t *testing.T) {
	cases, err := eval.LoadPostCases("../postprocess/testdata/corpus")
	if err != nil {
		t.Fatal(err)
	}
	ol := lsptest.NewOllama()
	defer ol.Close()
	b := startWithOllama(t, settingsFor(ol.URL(), 5000))
	single := false
	for i, c := range cases {
		if c.SingleLine != single {
			single = c.SingleLine
			multi := map[string]any{"completion": map[string]any{"multiLine": !single, "debounceMs": 0}}
			cfg := map[string]any{"settings": mergeSettings(settingsFor(ol.URL(), 5000), multi)}
			if err := b.Notify(b.ctx, "workspace/didChangeConfiguration", cfg); err != nil {
				t.Fatal(err)
			}
		}
		raw := c.Raw
		ol.SetReply(func(lsptest.GenerateRequest) string { return raw })
		uri := fmt.Sprintf("file://%s/case%d/%s", b.workspace, i, path.Base(c.File))
		doc := c.Prefix + c.Suffix
		if err := b.DidOpen(b.ctx, uri, lang.Of(c.File), doc); err != nil {
			t.Fatal(err)
		}
		pos := lsp.NewMapper(doc).Position(len(c.Prefix), lsp.UTF16)
		list, err := b.InlineCompletion(b.ctx, uri, pos.Line, pos.Character, lsp.TriggerInvoked)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		got := doc
		if len(list.Items) > 0 {
			it := list.Items[0]
			m := lsp.NewMapper(doc)
			start, end := m.Offset(it.Range.Start, lsp.UTF16), m.Offset(it.Range.End, lsp.UTF16)
			got = doc[:start] + it.InsertText + doc[end:]
		}
		if c.Accepts(got) == (c.Known != "") {
			if c.Known != "" {
				t.Errorf("%s passes: it is no longer a known failure (%s)", c.Name, c.Known)
				continue
			}
			want := "nothing"
			if c.Expected != nil {
				want = fmt.Sprintf("%q", *c.Expected)
			}
			t.Errorf("%s: the document after the item is\n%s\nwant %s at the cursor; items %+v", c.Name, got, want, list.Items)
		}
		_ = b.DidClose(b.ctx, uri)
	}
}

// mergeSettings overlays the top-level sections of b on a.
func mergeSettings(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for _, m := range []map[string]any{a, b} {
		for k, v := range m {
			out[k] = v
		}
	}
	data, _ := json.Marshal(out)
	var clean map[string]any
	_ = json.Unmarshal(data, &clean)
	return clean
}
