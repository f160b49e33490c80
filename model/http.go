package model

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxBodyBytes bounds any one HTTP answer read from a model server. The
// completion itself is bounded by MaxAnswerBytes; this catches servers that
// pad the stream with other fields or never end a line.
const maxBodyBytes = 16 << 20

// newHTTPClient returns the client every backend uses: its own transport
// (never http.DefaultClient, which other code may change), no overall
// timeout (requests carry a context deadline instead), bounded bodies.
func newHTTPClient() *http.Client {
	t := &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   3 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		MaxIdleConns:        8,
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 3 * time.Second,
		ForceAttemptHTTP2:   true,
	}
	return &http.Client{Transport: limitTransport{t}}
}

// limitTransport fails reads past maxBodyBytes.
type limitTransport struct{ next http.RoundTripper }

func (l limitTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := l.next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	resp.Body = &limitedBody{rc: resp.Body, left: maxBodyBytes}
	return resp, nil
}

type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, fmt.Errorf("%w: answer larger than %d MB", ErrBadResponse, maxBodyBytes>>20)
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }

// parseEndpoint accepts "host:port", "http://host:port[/path]" or
// "https://host[/path]". Without a scheme, http and defaultPort are assumed
// (as OLLAMA_HOST does).
func parseEndpoint(s, defaultPort string) (*url.URL, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("model.endpoint is empty")
	}
	schemeless := !strings.Contains(s, "://")
	if schemeless {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("model.endpoint %q: %w", s, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("model.endpoint %q: scheme must be http or https", u.Redacted())
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("model.endpoint %q: no host", u.Redacted())
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("model.endpoint %q: no query or fragment allowed", u.Redacted())
	}
	if schemeless && u.Port() == "" {
		u.Host = net.JoinHostPort(u.Hostname(), defaultPort)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	return u, nil
}
