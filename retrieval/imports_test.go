package retrieval

import (
	"slices"
	"testing"
)

func TestImports(t *testing.T) {
	for _, tc := range []struct {
		lang, rel, text string
		want            []string
	}{
		{"go", "api/h.go", "package api\n\nimport (\n\t\"net/http\"\n\t\"example.com/shop/store\"\n)\n", []string{"net/http", "example.com/shop/store"}},
		{"python", "util/report.py", "import os.path\nfrom . import money\nfrom ..core.x import y\n", []string{"os/path", "util", "core/x"}},
		{"typescript", "src/a/b.ts", "import { x } from './util';\nconst y = require('lodash')\n", []string{"src/a/util", "lodash"}},
		{"java", "A.java", "import java.util.List;\nimport static org.x.Y.z;\n", []string{"java/util/List", "org/x/Y/z"}},
		{"c", "main.c", "#include \"lib/vec.h\"\n#include <stdio.h>\n", []string{"lib/vec"}},
	} {
		if got := imports(tc.lang, tc.rel, tc.text); !slices.Equal(got, tc.want) {
			t.Errorf("imports(%s) = %q, want %q", tc.lang, got, tc.want)
		}
	}
	mods := []string{"example.com/shop/store", "util/money"}
	for rel, want := range map[string]bool{"store/store.go": true, "util/money.py": true, "other/store.go": false, "store.go": false} {
		if got := importedBy(rel, mods); got != want {
			t.Errorf("importedBy(%s) = %v, want %v", rel, got, want)
		}
	}
}
