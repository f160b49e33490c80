package lsp

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"strconv"
	"strings"
	"sync"

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
type stream struct {
	r      *bufio.Reader
	closer io.Closer

	mu sync.Mutex // serialises writes
	w  *bufio.Writer
}

func newStream(rwc io.ReadWriteCloser) *stream {
	return &stream{r: bufio.NewReaderSize(rwc, 64<<10), w: bufio.NewWriterSize(rwc, 64<<10), closer: rwc}
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
		if errors.Is(err, errBadFrame) {
			slog.Warn("lsp: skipping malformed message", "err", err)
			s.replyError(nil, jsonrpc2.CodeParseError, err.Error())
			continue
		}
		if err != nil {
			return err
		}
		// Decode into a fresh value: a failed decode may leave v half set.
		fresh := reflect.New(reflect.TypeOf(v).Elem())
		if err := json.Unmarshal(body, fresh.Interface()); err != nil {
			s.reject(body, err)
			continue
		}
		reflect.ValueOf(v).Elem().Set(fresh.Elem())
		return nil
	}
}

var errBadFrame = errors.New("malformed message header")

// readFrame reads one message body. Header lines may end in "\r\n" or "\n".
func (s *stream) readFrame() ([]byte, error) {
	length := -1
	for {
		line, err := s.r.ReadString('\n')
		if err != nil {
			if err == io.EOF && line != "" {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			if length < 0 {
				continue // stray blank line between messages, or no header at all
			}
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("%w: %q", errBadFrame, truncate(line, 80))
		}
		if strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			n, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil || n < 0 {
				return nil, fmt.Errorf("%w: Content-Length %q", errBadFrame, truncate(value, 40))
			}
			length = n
		}
	}
	if length > maxMessageBytes {
		if _, err := s.r.Discard(length); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%w: message of %d bytes exceeds %d", errBadFrame, length, maxMessageBytes)
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(s.r, body); err != nil {
		return nil, err
	}
	return body, nil
}

// reject answers a body that is not a valid JSON-RPC message.
func (s *stream) reject(body []byte, err error) {
	var probe struct {
		ID     json.RawMessage `json:"id"`
		Result json.RawMessage `json:"result"`
		Error  json.RawMessage `json:"error"`
	}
	if !json.Valid(body) {
		slog.Warn("lsp: message is not JSON", "err", err)
		s.replyError(nil, jsonrpc2.CodeParseError, "parse error: "+err.Error())
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
	id := probe.ID
	if len(id) == 0 || (id[0] != '"' && id[0] != '-' && (id[0] < '0' || id[0] > '9')) {
		id = nil
	}
	s.replyError(id, jsonrpc2.CodeInvalidRequest, "invalid request: "+err.Error())
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
