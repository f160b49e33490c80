package lsp

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sourcegraph/jsonrpc2"
)

// loopback is a ReadWriteCloser that reads fixed input and keeps what is
// written.
type loopback struct {
	io.Reader
	out bytes.Buffer
}

func (l *loopback) Write(p []byte) (int, error) { return l.out.Write(p) }
func (l *loopback) Close() error                { return nil }

// readMsg decodes like jsonrpc2's own message type: a request, or a
// response to one of ours.
type readMsg struct {
	Method string
}

func (m *readMsg) UnmarshalJSON(data []byte) error {
	var probe struct {
		Method string          `json:"method"`
		Result json.RawMessage `json:"result"`
		Error  json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return err
	}
	m.Method = probe.Method
	switch {
	case probe.Method != "":
		return json.Unmarshal(data, new(jsonrpc2.Request))
	case probe.Result != nil || probe.Error != nil:
		m.Method = "response"
		return json.Unmarshal(data, new(jsonrpc2.Response))
	}
	return errors.New("neither a request nor a response")
}

type reply struct {
	ID    json.RawMessage `json:"id"`
	Error *jsonrpc2.Error `json:"error"`
}

// readAll reads input through a stream until it ends and returns the
// messages read and the replies written, failing t on any reply that is not
// a well-framed message of valid UTF-8 JSON.
func readAll(t testing.TB, input []byte) (got []readMsg, replies []reply) {
	t.Helper()
	lb := &loopback{Reader: bytes.NewReader(input)}
	s := newStream(lb)
	for {
		var m readMsg
		err := s.ReadObject(&m)
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			t.Fatalf("ReadObject: %v", err)
		}
		got = append(got, m)
	}
	r := bufio.NewReader(&lb.out)
	for {
		line, err := r.ReadString('\n')
		if err == io.EOF && line == "" {
			return got, replies
		}
		n, perr := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(line, "Content-Length: "), "\r\n"))
		if err != nil || perr != nil {
			t.Fatalf("reply header %q", line)
		}
		if blank, _ := r.ReadString('\n'); blank != "\r\n" {
			t.Fatalf("reply header not ended by a blank line: %q", blank)
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(r, body); err != nil {
			t.Fatalf("reply body: %v", err)
		}
		var rep reply
		if !utf8.Valid(body) || !json.Valid(body) || json.Unmarshal(body, &rep) != nil {
			t.Fatalf("reply is not valid UTF-8 JSON: %q", body)
		}
		replies = append(replies, rep)
	}
}

func frame(body string) string { return fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body) }

const (
	accented = `{"jsonrpc":"2.0","id":1,"method":"a","params":{"text":"// héllo wörld"}}`
	second   = `{"jsonrpc":"2.0","id":2,"method":"b"}`
	third    = `{"jsonrpc":"2.0","id":3,"method":"c"}`
)

func TestStreamFraming(t *testing.T) {
	pretty := "{\n  \"jsonrpc\": \"2.0\",\n  \"id\": 1,\n  \"method\": \"a\",\n  \"params\": {\"text\": \"ü\"}\n}"
	tests := []struct {
		name    string
		input   string
		methods string // methods read, in order
		replies string // "code:id" of each reply
	}{
		{"well framed", frame(accented) + frame(second), "a b", ""},
		{"length in characters, 2 bytes short",
			fmt.Sprintf("Content-Length: %d\r\n\r\n%s", utf8.RuneCountInString(accented), accented) + frame(second) + frame(third),
			"b c", "-32700:1"},
		{"pretty-printed body, short", fmt.Sprintf("Content-Length: %d\r\n\r\n%s", utf8.RuneCountInString(pretty), pretty) + frame(second),
			"b", "-32700:1"},
		{"length 10 too long", fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(accented)+10, accented) + frame(second) + frame(third),
			"b c", "-32700:1"},
		{"length far too long", fmt.Sprintf("Content-Length: %d\r\n\r\n%s", 1<<20, accented) + frame(second) + frame(third),
			"b c", "-32700:1"},
		{"over the size limit", fmt.Sprintf("Content-Length: %d\r\n\r\n%s", maxMessageBytes+1, accented) + frame(second),
			"b", "-32700:1"},
		{"invalid UTF-8 in the id of a cut message", frame("{\"jsonrpc\":\"2.0\",\"id\":\"a\xb5b\",\"method\":") + frame(second),
			"b", `-32700:"a` + "\ufffd" + `b"`},
		{"invalid UTF-8 in the id of an invalid request", frame("{\"jsonrpc\":\"2.0\",\"id\":\"\xff\"}") + frame(second),
			"b", `-32600:"` + "\ufffd" + `"`},
		{"negative id kept", frame(`{"jsonrpc":"2.0","id":-1}`), "", "-32600:-1"},
		{"garbage line", "garbage\r\n" + frame(second), "b", "-32700:null"},
		{"garbage without a newline", "garbage" + frame(second), "b", "-32700:null"},
		{"stray blank lines", "\r\n\n\r\n" + frame(second), "b", ""},
		{"bad length", "Content-Length: lots\r\n\r\n" + frame(second), "b", "-32700:null"},
		{"lower-case header, Content-Type, LF only", "content-length: " + strconv.Itoa(len(second)) + "\nContent-Type: application/vscode-jsonrpc; charset=utf-8\n\n" + second, "b", ""},
		{"a long junk line", strings.Repeat("x", 200<<10) + frame(second), "b", "-32700:null"},
		{"not an object", frame(`[]`) + frame(second), "b", "-32600:null"},
		{"a response", frame(`{"jsonrpc":"2.0","id":9,"result":null}`) + frame(second), "response b", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, replies := readAll(t, []byte(tt.input))
			var methods, codes []string
			for _, m := range got {
				methods = append(methods, m.Method)
			}
			for _, r := range replies {
				codes = append(codes, fmt.Sprintf("%d:%s", r.Error.Code, r.ID))
			}
			if m := strings.Join(methods, " "); m != tt.methods {
				t.Errorf("read %q, want %q", m, tt.methods)
			}
			if c := strings.Join(codes, " "); c != tt.replies {
				t.Errorf("replies %q, want %q", c, tt.replies)
			}
		})
	}
}

// framingSeeds are the framing errors met in the wild, for the fuzz targets.
var framingSeeds = []string{
	fmt.Sprintf("Content-Length: %d\r\n\r\n%s", utf8.RuneCountInString(accented), accented),
	fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(accented)+10, accented),
	frame("{\"jsonrpc\":\"2.0\",\"id\":\"a\xb5b\",\"method\":"),
	frame("{\"jsonrpc\":\"2.0\",\"id\":\"\xff\"}"),
	"garbage\r\n\r\n",
	"Content-Length: lots\r\n\r\n",
	"Content-Length: 99999999999\r\n\r\n{",
	"\r\n\n",
	"Content-Type: x\r\nContent-Length: 2\r\n\r\n{}",
	frame(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"rootUri":"file:///\u00e9"}}`),
}

// FuzzStream: whatever precedes it, a well-framed message after input
// without a Content-Length header of its own is read; every reply is valid
// UTF-8 JSON; nothing panics or hangs.
func FuzzStream(f *testing.F) {
	for _, s := range framingSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		got, _ := readAll(t, append(append([]byte(nil), input...), frame(third)...))
		if bytes.Contains(bytes.ToLower(input), []byte("content-length")) {
			return // input may declare a frame that swallows the sentinel
		}
		if len(got) == 0 || got[len(got)-1].Method != "c" {
			t.Fatalf("the message after %q was not read: %+v", input, got)
		}
	})
}

// FuzzMessage: a correctly framed body of any content is read or answered,
// and the message after it is read.
func FuzzMessage(f *testing.F) {
	for _, s := range []string{accented, second, "{\"jsonrpc\":\"2.0\",\"id\":\"a\xb5b\",\"method\":", `[]`, `{"id":{}}`, `{"jsonrpc":"2.0","id":1e999,"method":"x"}`, "\xff", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if findHeader(body) >= 0 {
			t.Skip("a header line inside a body is taken for the next message (it cannot be JSON)")
		}
		got, replies := readAll(t, []byte(frame(string(body))+frame(third)))
		if len(got) == 0 || got[len(got)-1].Method != "c" {
			t.Fatalf("the message after %q was not read: %+v", body, got)
		}
		if len(got)+len(replies) > 2 {
			t.Fatalf("one body gave %d messages and %d replies", len(got)-1, len(replies))
		}
	})
}

// Large params are set aside before jsonrpc2 decodes the message and come
// back whole; the message after them is read as usual.
func TestLargeParamsSetAside(t *testing.T) {
	text := strings.Repeat("héllo \\\"world\\\"\\n", 20000)
	params := `{"textDocument":{"uri":"file:///x.go","version":1,"text":"` + text + `"}}`
	body := `{"jsonrpc":"2.0", "method":"textDocument/didOpen" , "params" : ` + params + ` ,"id":7}`
	lb := &loopback{Reader: strings.NewReader(frame(body) + frame(second))}
	s := newStream(lb)
	var req jsonrpc2.Request
	if err := s.ReadObject(&req); err != nil {
		t.Fatal(err)
	}
	if req.Method != "textDocument/didOpen" || req.ID.Num != 7 || req.Params == nil || len(*req.Params) > 100 {
		t.Fatalf("request %s id %v with %d bytes of params; want a stand-in", req.Method, req.ID, len(*req.Params))
	}
	got := s.takeAside(req.Params)
	if string(got) != params {
		t.Fatalf("params set aside differ: %d bytes, want %d", len(got), len(params))
	}
	if s.takeAside(req.Params) != nil {
		t.Error("params taken twice")
	}
	var next jsonrpc2.Request
	if err := s.ReadObject(&next); err != nil || next.Method != "b" {
		t.Fatalf("next message: %v %q", err, next.Method)
	}
}
