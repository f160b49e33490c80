package retrieval

import (
	"context"
	"testing"
)

// On a file's first line there is nothing before the cursor to query
// with: the prompt carries the first window of a file beside it.
func TestFirstLineGetsNeighbourHeads(t *testing.T) {
	root := copyRepo(t)
	x := openWait(t, root, testConfig(t), Options{})
	defer x.Close()
	q := cursor(t, root, "util/report.py", "")
	q.Offset = 0
	p, err := x.Assemble(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, part := range p.Parts {
		if part.Kind == PartSnippet && part.Path == "util/money.py" && part.StartLine == 1 {
			return
		}
		got = append(got, string(part.Kind)+":"+part.Path)
	}
	t.Errorf("no first window of util/money.py in the prompt; parts %v", got)
}
