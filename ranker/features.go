package ranker

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/ghostline/ghostline/lang"
)

// The feature vector. Gate 1 sees the first NumGate1 features (context
// only); gate 2 sees all of them. The same extraction runs online (Gate)
// and when training from logs (Dataset), so the model never sees features
// computed two different ways. Changing a name or its meaning requires
// bumping FeatureSet so that older model files are rejected as incompatible.
const FeatureSet = 2

var languages = []string{"python", "go", "javascript", "typescript", "java", "rust", "c", "other"}

// charClasses name the class of a character next to the cursor.
var charClasses = []string{"none", "newline", "space", "letter", "digit", "open", "close", "dot", "comma", "colon", "operator", "quote", "other"}

const (
	clsNone = iota
	clsNewline
	clsSpace
	clsLetter
	clsDigit
	clsOpen
	clsClose
	clsDot
	clsComma
	clsColon
	clsOperator
	clsQuote
	clsOther
)

// Offsets of each group in the vector.
var (
	fLang      = 0
	fCharPrev  = fLang + len(languages)
	fCharTrim  = fCharPrev + len(charClasses)
	fScalars   = fCharTrim + len(charClasses)
	gate1Names = []string{
		"prefix_chars_log", "doc_chars_log", "offset_frac",
		"line_chars_log", "line_trimmed_chars_log", "indent_log",
		"at_line_end", "ws_after_cursor", "in_comment", "in_string",
		"since_keystroke_log", "typing_speed_log",
		"since_shown_log", "shown_never", "since_decision_log", "decision_never",
		"accept_rate", "last_accepted", "last_rejected",
	}
	gate2Names = []string{
		"sugg_chars_log", "sugg_lines_log", "sugg_tokens_log",
		"confidence_pct", "has_confidence",
		"sugg_repeats_prefix", "sugg_bracket_balance", "sugg_unmatched_close",
		"sugg_new_idents_log", "sugg_new_idents_frac", "sugg_sim_rejected", "sugg_comment",
	}
	// NumGate1 and NumFeatures are the lengths of the gate-1 and gate-2 vectors.
	NumGate1    = fScalars + len(gate1Names)
	NumFeatures = NumGate1 + len(gate2Names)
	names       = featureNames()
	nameIndex   = func() map[string]int {
		m := make(map[string]int, len(names))
		for i, n := range names {
			m[n] = i
		}
		return m
	}()
)

func featureNames() []string {
	var out []string
	for _, l := range languages {
		out = append(out, "lang_"+l)
	}
	for _, c := range charClasses {
		out = append(out, "char_"+c)
	}
	for _, c := range charClasses {
		out = append(out, "char_trimmed_"+c)
	}
	out = append(out, gate1Names...)
	return append(out, gate2Names...)
}

// FeatureNames returns the names of the gate-1 features (gate1) or of all
// features (gate 2), in vector order.
func FeatureNames(gate2 bool) []string {
	if gate2 {
		return append([]string(nil), names...)
	}
	return append([]string(nil), names[:NumGate1]...)
}

// Windows bound the work per request: features look at the end of the
// prefix and prompt only, so inference cost does not grow with the file.
const (
	prefixWindow = 2 << 10
	promptWindow = 3 << 10
	simWindow    = 256
	maxSince     = time.Hour
)

// Extract writes the feature vector of c (and of s when non-nil) into dst,
// which must hold NumFeatures values; without s the gate-2 part is zero.
// Every value is finite.
func Extract(c *Context, s *Suggestion, dst []float64) {
	dst = dst[:NumFeatures]
	clear(dst)
	dst[fLang+langIndex(c.Language)] = 1

	offset, docLen := len(c.Prefix), len(c.Prefix)+len(c.Suffix)
	if c.DocLength > 0 || c.Offset > 0 {
		offset, docLen = c.Offset, max(c.DocLength, c.Offset)
	}
	line := c.Prefix[strings.LastIndexByte(c.Prefix, '\n')+1:]
	trimmed := strings.TrimSpace(line)
	rest := c.Suffix
	if i := strings.IndexByte(rest, '\n'); i >= 0 {
		rest = rest[:i]
	}
	dst[fCharPrev+prevCharClass(c.Prefix)] = 1
	dst[fCharTrim+prevCharClass(strings.TrimRight(c.Prefix, " \t\r\n"))] = 1
	at := lang.Get(c.Language).At(tail(c.Prefix, prefixWindow))
	inComment, inString := at == lang.Comment, at == lang.String

	v := dst[fScalars:]
	v[0] = log1p(float64(offset))
	v[1] = log1p(float64(docLen))
	v[2] = 1
	if docLen > 0 {
		v[2] = float64(offset) / float64(docLen)
	}
	v[3] = log1p(float64(len(line)))
	v[4] = log1p(float64(len(trimmed)))
	v[5] = log1p(float64(lang.IndentWidth(line)))
	v[6] = b2f(strings.TrimSpace(rest) == "")
	v[7] = b2f(c.Suffix == "" || isSpace(c.Suffix[0]))
	v[8] = b2f(inComment)
	v[9] = b2f(inString)
	v[10], _ = sinceLog(c.SinceKeystroke)
	v[11] = log1p(c.TypingSpeed)
	v[12], v[13] = sinceLog(c.SinceShown)
	v[14], v[15] = sinceLog(c.SinceDecision)
	v[16] = c.RecentAcceptRate
	if math.IsNaN(v[16]) {
		v[16] = priorAccept
	}
	v[17] = b2f(c.LastDecision == 1)
	v[18] = b2f(c.LastDecision == 0)

	if s != nil {
		extractSuggestion(c, s, line, dst[NumGate1:])
	}
	for i, x := range dst {
		dst[i] = finite(x)
	}
}

func extractSuggestion(c *Context, s *Suggestion, line string, v []float64) {
	text := s.Text
	tokens := s.Tokens
	if tokens <= 0 {
		tokens = (len(text) + 3) / 4
	}
	v[0] = log1p(float64(len(text)))
	v[1] = log1p(float64(strings.Count(text, "\n") + 1))
	v[2] = log1p(float64(tokens))
	if s.HasPercentile && !math.IsNaN(s.Percentile) {
		v[3] = min(max(s.Percentile, 0), 1)
		v[4] = 1
	}
	v[5] = repeatedLines(text, tail(c.Prefix, prefixWindow))
	bal, unmatched := brackets(line, text)
	v[6] = float64(min(max(bal, -5), 5))
	v[7] = float64(min(unmatched, 5))
	prompt := s.Prompt
	if prompt == "" {
		prompt = c.Prefix
	}
	n, fresh := newIdentifiers(text, tail(prompt, promptWindow))
	v[8] = log1p(float64(fresh))
	if n > 0 {
		v[9] = float64(fresh) / float64(n)
	}
	if c.LastRejected != "" {
		v[10] = bigramDice(text, c.LastRejected)
	}
	v[11] = b2f(lang.Get(c.Language).IsCommentLine(firstNonBlankLine(text)))
}

// FeatureMap names the first n values of v.
func FeatureMap(v []float64, n int) map[string]float64 {
	m := make(map[string]float64, n)
	for i, x := range v[:n] {
		m[names[i]] = x
	}
	return m
}

// FeatureVector is FeatureMap's inverse for a logged map: NumFeatures
// values, missing names 0, unknown names ignored, every value finite.
func FeatureVector(m map[string]float64) []float64 {
	x := make([]float64, NumFeatures)
	for name, v := range m {
		if j, ok := nameIndex[name]; ok {
			x[j] = finite(v)
		}
	}
	return x
}

// FeatureIndex is the position of the named feature in the vector, or -1.
func FeatureIndex(name string) int {
	if j, ok := nameIndex[name]; ok {
		return j
	}
	return -1
}

// langIndex is the position of a language in languages, by family.
func langIndex(id string) int {
	fam := lang.Get(id).Family
	if fam == "cpp" {
		fam = "c"
	}
	if i := slices.Index(languages, fam); i >= 0 {
		return i
	}
	return len(languages) - 1
}

func prevCharClass(s string) int {
	if s == "" {
		return clsNone
	}
	return charClass(s[len(s)-1])
}

func charClass(b byte) int {
	switch {
	case b == '\n' || b == '\r':
		return clsNewline
	case b == ' ' || b == '\t':
		return clsSpace
	case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b == '_', b >= 0x80:
		return clsLetter
	case b >= '0' && b <= '9':
		return clsDigit
	case b == '(' || b == '[' || b == '{':
		return clsOpen
	case b == ')' || b == ']' || b == '}':
		return clsClose
	case b == '.':
		return clsDot
	case b == ',':
		return clsComma
	case b == ':' || b == ';':
		return clsColon
	case strings.IndexByte("=+-*/%<>!&|^~", b) >= 0:
		return clsOperator
	case b == '\'' || b == '"' || b == '`':
		return clsQuote
	}
	return clsOther
}

func firstNonBlankLine(s string) string {
	for s != "" {
		line, rest, _ := strings.Cut(s, "\n")
		if t := strings.TrimSpace(line); t != "" {
			return t
		}
		s = rest
	}
	return ""
}

// repeatedLines is the fraction of the suggestion's substantial lines that
// already appear in the prefix: models that loop repeat what is above.
func repeatedLines(text, prefix string) float64 {
	const maxLines = 20
	n, rep := 0, 0
	for text != "" && n < maxLines {
		line, rest, _ := strings.Cut(text, "\n")
		text = rest
		t := strings.TrimSpace(line)
		if len(t) < 4 {
			continue
		}
		n++
		if strings.Contains(prefix, t) {
			rep++
		}
	}
	if n == 0 {
		return 0
	}
	return float64(rep) / float64(n)
}

// brackets returns the suggestion's net bracket balance and how many of its
// closing brackets have no opener in it or earlier on the cursor's line.
func brackets(line, text string) (balance, unmatched int) {
	depth := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth = max(depth-1, 0)
		}
	}
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '(', '[', '{':
			depth++
			balance++
		case ')', ']', '}':
			balance--
			if depth == 0 {
				unmatched++
			} else {
				depth--
			}
		}
	}
	return balance, unmatched
}

// newIdentifiers counts the suggestion's distinct identifiers (of at least
// three characters) and how many of them do not occur in the prompt: an
// invented name is a common reason to reject. Occurrence is a substring
// test, which is cheap and errs towards "present".
func newIdentifiers(text, prompt string) (n, fresh int) {
	const maxIdents = 16
	var seen [maxIdents]string
	for i := 0; i < len(text) && n < maxIdents; {
		if !isIdentStart(text[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(text) && (isIdentStart(text[j]) || text[j] >= '0' && text[j] <= '9') {
			j++
		}
		id := text[i:j]
		i = j
		if len(id) < 3 || slices.Contains(seen[:n], id) {
			continue
		}
		seen[n] = id
		n++
		if !strings.Contains(prompt, id) {
			fresh++
		}
	}
	return n, fresh
}

func isIdentStart(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '_'
}

// bigramDice is the Dice coefficient of the byte bigrams of a and b (at most
// simWindow bytes each): 1 for the same text, 0 for nothing in common.
// Shared bigrams count as a multiset (min of the two counts), found with a
// small hash table rather than by sorting both sides.
func bigramDice(a, b string) float64 {
	a, b = head(a, simWindow), head(b, simWindow)
	na, nb := max(len(a)-1, 0), max(len(b)-1, 0)
	if na == 0 || nb == 0 {
		if a == b {
			return 1
		}
		return 0
	}
	var t bigramCounts
	for i := 0; i+1 < len(a); i++ {
		t.add(uint16(a[i])<<8 | uint16(a[i+1]))
	}
	common := 0
	for i := 0; i+1 < len(b); i++ {
		if t.take(uint16(b[i])<<8 | uint16(b[i+1])) {
			common++
		}
	}
	return 2 * float64(common) / float64(na+nb)
}

// bigramCounts is an open-addressing multiset of bigrams, twice as large as
// the most one side can hold so probes stay short.
type bigramCounts struct {
	key [2 * simWindow]uint32 // bigram+1; 0 is an empty slot
	n   [2 * simWindow]uint16
}

func (t *bigramCounts) slot(k uint16) int {
	i := int(uint32(k)*0x9E3779B1>>23) & (len(t.key) - 1)
	for t.key[i] != 0 && t.key[i] != uint32(k)+1 {
		i = (i + 1) & (len(t.key) - 1)
	}
	return i
}

func (t *bigramCounts) add(k uint16) {
	i := t.slot(k)
	t.key[i] = uint32(k) + 1
	t.n[i]++
}

// take removes one k, reporting whether there was one.
func (t *bigramCounts) take(k uint16) bool {
	i := t.slot(k)
	if t.n[i] == 0 {
		return false
	}
	t.n[i]--
	return true
}

// sinceLog maps a duration (-1: never) to log1p(seconds), capped at an hour,
// and a flag for never.
func sinceLog(d time.Duration) (float64, float64) {
	if d < 0 {
		return log1p(maxSince.Seconds()), 1
	}
	return log1p(min(d, maxSince).Seconds()), 0
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func head(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// log1p is math.Log1p that treats negative, NaN and infinite input as 0 or a cap.
func log1p(x float64) float64 {
	switch {
	case math.IsNaN(x) || x <= 0:
		return 0
	case math.IsInf(x, 1):
		return math.Log1p(1e9)
	}
	return math.Log1p(x)
}

// finite clamps a feature into a range every model can handle.
func finite(x float64) float64 {
	const limit = 1e6
	switch {
	case math.IsNaN(x):
		return 0
	case x > limit:
		return limit
	case x < -limit:
		return -limit
	}
	return x
}
