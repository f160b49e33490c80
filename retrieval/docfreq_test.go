package retrieval

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// The document-frequency cache keeps counts across an edit (a few chunks
// barely move them) and recounts after a large write.
func TestDocFreqCacheFollowsLargeWrites(t *testing.T) {
	root := copyRepo(t)
	x := openWait(t, root, testConfig(t), Options{})
	defer x.Close()
	ctx := context.Background()
	count := func() uint64 {
		t.Helper()
		df, err := docFreq(ctx, x.bi.Load().Index, &x.df)
		if err != nil {
			t.Fatal(err)
		}
		defer df.close()
		return df.count(fieldIdent, "zanzibarwidget")
	}
	if n := count(); n != 0 {
		t.Fatalf("count %d before the term exists", n)
	}
	path := filepath.Join(root, "util/money.py")
	if err := x.UpdateNow(ctx, path, "def zanzibarWidget():\n    pass\n"); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 0 {
		t.Errorf("count %d after a small write, want the cached 0", n)
	}
	// Window 6, stride 3: 100 windows hold the term, a batch over dfStaleDocs.
	big := strings.Repeat("zanzibarWidget = 1\n", 303)
	if err := x.UpdateNow(ctx, path, big); err != nil {
		t.Fatal(err)
	}
	if n := count(); n < 100 {
		t.Errorf("count %d after a large write, want the %d windows recounted", n, 100)
	}
}
