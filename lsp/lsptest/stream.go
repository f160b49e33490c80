package lsptest

import (
	"fmt"
	"io"
	"sync"

	"github.com/sourcegraph/jsonrpc2"
)

// rawStream is jsonrpc2's LSP-framed stream plus raw writes for tests that
// send malformed input.
type rawStream struct {
	jsonrpc2.ObjectStream
	w  io.Writer
	mu sync.Mutex
}

func newRawStream(rwc io.ReadWriteCloser) *rawStream {
	return &rawStream{ObjectStream: jsonrpc2.NewBufferedStream(rwc, jsonrpc2.VSCodeObjectCodec{}), w: rwc}
}

func (s *rawStream) WriteObject(obj any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ObjectStream.WriteObject(obj)
}

func (s *rawStream) writeRaw(data []byte, frame bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if frame {
		if _, err := fmt.Fprintf(s.w, "Content-Length: %d\r\n\r\n", len(data)); err != nil {
			return err
		}
	}
	_, err := s.w.Write(data)
	return err
}
