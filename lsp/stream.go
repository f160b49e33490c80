package lsp

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"regexp"
	"strconv"
	"sync"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/sourcegraph/jsonrpc2"
)

// maxMessageBytes bounds one message; a 20 MB document in a didOpen, JSON
// escaped, fits well within it.
const maxMessageBytes = 256 << 20

// stream is the LSP base protocol (Content-Length framed JSON) as a
// jsonrpc2.ObjectStream. Unlike jsonrpc2's own codec, which closes the
// connection on the first bad message, it answers a message that is not JSON
// with ParseError and one that is not a JSON-RPC message with InvalidRequest,
// and reads on: one bad message from a client must not end the session.
//
// A mis-framed message (a Content-Length counted in characters rather than
// bytes, or simply wrong) is answered with ParseError, with its id where one
// can be read from it, and the stream resynchronises on the next
// Content-Length header: a header line can never occur inside a JSON body,
// since JSON strings cannot hold a raw newline.
type stream struct {
	in     *input
	r      *bufio.Reader // over in
	closer io.Closer

	// skipping: the last message was broken, and what follows up to the
	// next Content-Length header is its rest, already answered.
	skipping bool
	broken   int // mis-framed messages so far, to log the first only

	// aside holds large params taken out of messages before jsonrpc2
	// decodes them, by the number that stands in for them (setAside).
	asideMu sync.Mutex
	aside   map[int]json.RawMessage
	asideN  int

	mu sync.Mutex // serialises writes
	w  *bufio.Writer
}

func newStream(rwc io.ReadWriteCloser) *stream {
	in := &input{raw: rwc}
	return &stream{in: in, r: bufio.NewReaderSize(in, 64<<10), w: bufio.NewWriterSize(rwc, 64<<10), closer: rwc}
}

// input is the raw input plus bytes handed back: a too-long Content-Length
// reads into the next message, whose header must be read again.
type input struct {
	raw     io.Reader
	pending []byte
}

func (in *input) Read(p []byte) (int, error) {
	if len(in.pending) > 0 {
		n := copy(p, in.pending)
		in.pending = in.pending[n:]
		return n, nil
	}
	return in.raw.Read(p)
}

// unread hands b back, to be read before anything still buffered.
func (s *stream) unread(b []byte) {
	buffered, _ := s.r.Peek(s.r.Buffered())
	pending := make([]byte, 0, len(b)+len(buffered)+len(s.in.pending))
	pending = append(append(append(pending, b...), buffered...), s.in.pending...)
	s.in.pending = pending
	s.r.Reset(s.in)
}

// WriteObject implements jsonrpc2.ObjectStream.
func (s *stream) WriteObject(obj any) error {
	data, err := json.Marshal(obj)
	if err != nil {
		return fmt.Errorf("encode message: %w", err)
	}
	return s.write(data)
}

func (s *stream) write(data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := fmt.Fprintf(s.w, "Content-Length: %d\r\n\r\n", len(data)); err != nil {
		return err
	}
	if _, err := s.w.Write(data); err != nil {
		return err
	}
	return s.w.Flush()
}

// ReadObject implements jsonrpc2.ObjectStream. It returns an error only when
// the stream itself fails (end of input, I/O error).
func (s *stream) ReadObject(v any) error {
	for {
		body, err := s.readFrame()
		if err != nil {
			return err
		}
		// Decode into a fresh value: a failed decode may leave v half set.
		fresh := reflect.New(reflect.TypeOf(v).Elem())
		if err := json.Unmarshal(s.setAside(body), fresh.Interface()); err != nil {
			s.reject(body, err)
			continue
		}
		s.skipping = false
		reflect.ValueOf(v).Elem().Set(fresh.Elem())
		return nil
	}
}

// bigParams is the size from which a message's params are set aside before
// jsonrpc2 decodes the message: its Request decoding turns params into Go
// maps and encodes them back, which for a document of megabytes in a
// didOpen holds up every later message for seconds.
const bigParams = 64 << 10

// asideKey names the stand-in for params set aside.
const asideKey = `{"ghostline.aside":`

// setAside returns body with params of bigParams or more replaced by a
// stand-in, keeping them for takeAside; any other body as it is. It scans
// with jsontext, several times faster than encoding/json's Decoder, and
// keeps the params as a slice of body rather than a copy. A body jsontext
// refuses (invalid UTF-8, a duplicate name) is left to encoding/json.
func (s *stream) setAside(body []byte) []byte {
	if len(body) < bigParams {
		return body
	}
	dec := jsontext.NewDecoder(bytes.NewBuffer(body)) // a Buffer is read in place, a Reader copied
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return body
	}
	for dec.PeekKind() == '"' {
		key, err := dec.ReadToken()
		if err != nil {
			return body
		}
		name := key.String()            // key is void after the next read
		start := int(dec.InputOffset()) // after the key; the value's ':' follows
		if err := dec.SkipValue(); err != nil {
			return body
		}
		end := int(dec.InputOffset())
		if name != "params" || end-start < bigParams {
			continue
		}
		raw := bytes.TrimLeft(body[start:end], " \t\r\n:")
		s.asideMu.Lock()
		if s.aside == nil {
			s.aside = map[int]json.RawMessage{}
		}
		s.asideN++
		n := s.asideN
		s.aside[n] = raw
		s.asideMu.Unlock()
		out := append([]byte(nil), body[:start]...)
		out = append(out, fmt.Sprintf(":%s%d}", asideKey, n)...)
		return append(out, body[end:]...)
	}
	return body
}

// takeAside returns the params a stand-in names (and forgets them), or nil
// when params are not a stand-in.
func (s *stream) takeAside(params *json.RawMessage) json.RawMessage {
	if params == nil || !bytes.HasPrefix(*params, []byte(asideKey)) {
		return nil
	}
	n, err := strconv.Atoi(string(bytes.TrimSuffix(bytes.TrimPrefix(*params, []byte(asideKey)), []byte("}"))))
	if err != nil {
		return nil
	}
	s.asideMu.Lock()
	defer s.asideMu.Unlock()
	raw := s.aside[n]
	delete(s.aside, n)
	return raw
}

// lengthLine matches a Content-Length header line, newline excluded.
var lengthLine = regexp.MustCompile(`(?i)content-length[ \t]*:[ \t]*[0-9]{1,12}[ \t]*\r?$`)

// maxHeaderLine bounds what findHeader looks at before each newline.
const maxHeaderLine = 64

// findHeader returns where the first Content-Length header line (one that
// ends in a newline) starts in b, or -1.
func findHeader(b []byte) int {
	for from := 0; ; {
		j := bytes.IndexByte(b[from:], '\n')
		if j < 0 {
			return -1
		}
		j += from
		lo := max(0, j-maxHeaderLine)
		if loc := lengthLine.FindIndex(b[lo:j]); loc != nil {
			return lo + loc[0]
		}
		from = j + 1
	}
}

// headerName matches a header line's name (an RFC 9110 token).
var headerName = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")

// readFrame reads up to the next well-framed message and returns its body;
// what is not one is answered (misframed) and skipped. Header lines may end
// in "\r\n" or "\n".
func (s *stream) readFrame() ([]byte, error) {
	for {
		length, err := s.readHeader()
		if err != nil {
			return nil, err
		}
		body, bad, err := s.readBody(length)
		if err != nil {
			return nil, err
		}
		if bad == "" {
			return body, nil
		}
		s.misframed(body, bad)
	}
}

// readHeader reads header lines up to the blank line after a Content-Length
// and returns the length.
func (s *stream) readHeader() (int, error) {
	length := -1
	for {
		line, err := s.readLine()
		if err != nil {
			return 0, err
		}
		if at := findHeader(line); at > 0 {
			// The rest of a message whose Content-Length was too short, or
			// garbage, then the next message's header.
			s.misframed(line[:at], "bytes before a header")
			line = line[at:]
		}
		text := bytes.TrimRight(line, "\r\n")
		if len(text) == 0 {
			if length < 0 {
				continue // stray blank line between messages, or skipped input
			}
			return length, nil
		}
		name, value, ok := bytes.Cut(text, []byte(":"))
		isLength := ok && bytes.EqualFold(bytes.TrimSpace(name), []byte("Content-Length"))
		if isLength {
			s.skipping = false // a new message starts here, whatever came before
		}
		if s.skipping {
			continue
		}
		if !ok || !headerName.Match(bytes.TrimSpace(name)) {
			length = -1
			s.misframed(text, fmt.Sprintf("not a header: %q", truncate(string(text), 80)))
			continue
		}
		if isLength {
			n, err := strconv.Atoi(string(bytes.TrimSpace(value)))
			if err != nil || n < 0 {
				length = -1
				s.misframed(nil, fmt.Sprintf("Content-Length %q", truncate(string(value), 40)))
				continue
			}
			length = n
		}
	}
}

// readLine returns the next line, with its newline. A line longer than the
// buffer cannot be a header: its start is skipped as junk, but the header
// it may end in is kept.
func (s *stream) readLine() ([]byte, error) {
	var carry []byte
	for {
		line, err := s.r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			junk := append(carry, line...)
			keep := min(len(junk), maxHeaderLine)
			s.misframed(junk[:len(junk)-keep], "a line longer than any header")
			carry = append([]byte(nil), junk[len(junk)-keep:]...)
			continue
		}
		if err == io.EOF && len(carry)+len(line) > 0 {
			err = io.ErrUnexpectedEOF
		}
		if err != nil {
			return nil, err
		}
		if carry != nil {
			return append(carry, line...), nil
		}
		return line, nil
	}
}

// idHead bounds what is kept of a body too large to keep, to read its id.
const idHead = 4 << 10

// readBody reads length bytes of body. When a Content-Length header turns
// up inside them first (the length was too long), it returns what came
// before the header and why it is bad, and hands the header back; so it
// does for a body over maxMessageBytes, of which it keeps only the head.
func (s *stream) readBody(length int) (body []byte, bad string, err error) {
	keep := length <= maxMessageBytes
	body = make([]byte, 0, min(length, 1<<20))
	var tail []byte // the last bytes already read, where a header may start
	for read := 0; read < length; {
		if s.r.Buffered() == 0 {
			if _, err := s.r.Peek(1); err != nil {
				if err == io.EOF {
					err = io.ErrUnexpectedEOF
				}
				return nil, "", err
			}
		}
		chunk, _ := s.r.Peek(min(s.r.Buffered(), length-read))
		if bytes.IndexByte(chunk, '\n') >= 0 {
			window := append(tail[:len(tail):len(tail)], chunk...)
			if at := findHeader(window); at >= 0 {
				if at < len(tail) {
					s.unread(tail[at:])
					if keep {
						body = body[:len(body)-(len(tail)-at)]
					}
				} else {
					body = append(body, chunk[:at-len(tail)]...)
					s.r.Discard(at - len(tail))
				}
				return body, "the message ran into the next header (Content-Length too long?)", nil
			}
		}
		switch {
		case keep:
			if len(body)+len(chunk) > cap(body) {
				// Grown once, to the whole length, when the body is more
				// than its first megabyte: growing a 50 MB body by
				// appending copies it over and over (0.1-0.2 s of the read
				// loop), and a length that lies costs no more than 1 MB.
				// (make, not slices.Grow: fresh memory from the system
				// needs no clearing, which Grow would do anyway.)
				grown := make([]byte, len(body), length)
				copy(grown, body)
				body = grown
			}
			body = append(body, chunk...)
		case len(body) < idHead:
			body = append(body, chunk[:min(len(chunk), idHead-len(body))]...)
		}
		tail = append(tail[:0], chunk[max(0, len(chunk)-maxHeaderLine):]...)
		s.r.Discard(len(chunk))
		read += len(chunk)
	}
	if !keep {
		return body, fmt.Sprintf("message of %d bytes exceeds %d", length, maxMessageBytes), nil
	}
	return body, "", nil
}

// misframed answers input that is not a well-framed message with
// ParseError (with the id, if one can be read from it) and skips what
// follows up to the next Content-Length header. Input that continues a
// message already answered is skipped silently. The first mis-framed
// message of a session is logged as a warning, later ones at debug level.
func (s *stream) misframed(junk []byte, why string) {
	if s.skipping {
		return
	}
	s.skipping = true
	s.broken++
	log := slog.Debug
	if s.broken == 1 {
		log = slog.Warn
	}
	log("lsp: mis-framed message, skipped to the next header (later ones are logged at debug level)", "err", why, "count", s.broken)
	s.replyError(recoverID(junk), jsonrpc2.CodeParseError, "parse error: "+why)
}

// reject answers a body that is not a valid JSON-RPC message.
func (s *stream) reject(body []byte, err error) {
	var probe struct {
		Result json.RawMessage `json:"result"`
		Error  json.RawMessage `json:"error"`
	}
	if !json.Valid(body) {
		dec := json.NewDecoder(bytes.NewReader(body))
		if dec.Decode(new(json.RawMessage)) == nil {
			// A whole value, then more: the Content-Length was too long
			// and the rest starts the next message.
			end := dec.InputOffset()
			s.misframed(body[:end], "bytes after the message (Content-Length too long?)")
			s.unread(body[end:])
			return
		}
		// Perhaps the first part of a message whose Content-Length was
		// too short: its rest, up to the next header, is skipped.
		s.misframed(body, err.Error())
		return
	}
	if json.Unmarshal(body, &probe) != nil {
		slog.Warn("lsp: message is not an object", "err", err)
		s.replyError(nil, jsonrpc2.CodeInvalidRequest, "invalid request: not a JSON-RPC object")
		return
	}
	if probe.Result != nil || probe.Error != nil {
		slog.Warn("lsp: ignoring malformed response", "err", err)
		return // a broken answer to one of our requests: nobody to tell
	}
	slog.Warn("lsp: invalid request", "err", err)
	s.replyError(recoverID(body), jsonrpc2.CodeInvalidRequest, "invalid request: "+err.Error())
}

// recoverID reads the id of a message that may be cut short or invalid, as
// JSON to answer with: a number, or a string made valid UTF-8 (a reply that
// echoed invalid UTF-8 would not be JSON). It returns nil when there is no
// such id before the message breaks off.
func recoverID(body []byte) json.RawMessage {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil
		}
		if key != "id" {
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return nil
			}
			continue
		}
		var id any
		if dec.Decode(&id) != nil {
			return nil
		}
		switch id.(type) {
		case json.Number, string: // strings come back with invalid UTF-8 replaced
			data, _ := json.Marshal(id)
			return data
		}
		return nil
	}
	return nil
}

// replyError writes an error response for id, or with a null id when the
// request's id cannot be known (which jsonrpc2.Response cannot express).
func (s *stream) replyError(id json.RawMessage, code int64, msg string) {
	if id == nil {
		id = json.RawMessage("null")
	}
	data, _ := json.Marshal(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   jsonrpc2.Error  `json:"error"`
	}{"2.0", id, jsonrpc2.Error{Code: code, Message: msg}})
	if err := s.write(data); err != nil {
		slog.Warn("lsp: write error response", "err", err)
	}
}

// Close implements jsonrpc2.ObjectStream.
func (s *stream) Close() error { return s.closer.Close() }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
