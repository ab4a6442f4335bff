package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/valyala/fasthttp"
)

// ErrNotLocal is returned for a target that is not on this machine.
var ErrNotLocal = errors.New("this tool must only hit local servers (a loopback address: 127.0.0.0/8, ::1 or localhost)")

// LocalURL parses raw and accepts it only when it is an http URL whose host is
// a loopback address, or a name (localhost) that resolves to loopback
// addresses only. It returns the URL without a trailing slash in its path.
func LocalURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("bad -url %q: %w", raw, err)
	}
	if u.Scheme != "http" {
		return nil, fmt.Errorf("bad -url %q: only http:// is supported (a local server needs no TLS)", raw)
	}
	host := u.Hostname()
	if host == "" {
		return nil, fmt.Errorf("bad -url %q: no host", raw)
	}
	if !isLoopbackHost(host) {
		return nil, fmt.Errorf("refusing -url %q: host %q is not a loopback address; %w", raw, host, ErrNotLocal)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("bad -url %q: give only scheme, host, port and an optional path prefix", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	if u.Port() == "" {
		u.Host = net.JoinHostPort(host, "80")
	}
	return u, nil
}

func isLoopbackHost(host string) bool {
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback()
	}
	if !strings.EqualFold(host, "localhost") {
		return false
	}
	ips, err := net.LookupIP(host)
	if err != nil || len(ips) == 0 {
		return false
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return false
		}
	}
	return true
}

// NewHostClient returns a keep-alive client for one local address (host:port)
// with room for maxConns connections. It never retries on its own: a retry
// would hide an error and count two round trips as one.
func NewHostClient(addr string, maxConns int, timeout time.Duration) *fasthttp.HostClient {
	return &fasthttp.HostClient{
		Addr:                      addr,
		Name:                      "tadrib-load",
		MaxConns:                  maxConns,
		MaxIdemponentCallAttempts: 1,
		ReadTimeout:               timeout,
		WriteTimeout:              timeout,
		MaxConnWaitTimeout:        timeout,
		MaxIdleConnDuration:       time.Minute,
		MaxResponseBodySize:       64 << 20,
	}
}

// API calls a Tadrib server's JSON API; it is for the set-up steps of a
// scenario, not for the measured load.
type API struct {
	Base    *url.URL // from LocalURL
	HC      *fasthttp.HostClient
	Timeout time.Duration
}

// NewAPI makes an API client for base, which must come from LocalURL.
func NewAPI(base *url.URL, maxConns int, timeout time.Duration) *API {
	return &API{Base: base, HC: NewHostClient(base.Host, maxConns, timeout), Timeout: timeout}
}

// Response is a captured answer.
type Response struct {
	Status      int
	ContentType string
	Body        []byte
}

// URI is the full URI of an API path such as "/api/v1/courses".
func (a *API) URI(path string) string {
	return a.Base.Scheme + "://" + a.Base.Host + a.Base.Path + path
}

// Do sends one request with an optional JSON body and Bearer token and
// returns a copy of the answer.
func (a *API) Do(method, path, token string, body any) (Response, error) {
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.Header.SetMethod(method)
	req.SetRequestURI(a.URI(path))
	req.Header.Set(fasthttp.HeaderAccept, "application/json")
	if token != "" {
		req.Header.Set(fasthttp.HeaderAuthorization, "Bearer "+token)
	}
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return Response{}, err
		}
		req.Header.SetContentType("application/json")
		req.SetBodyRaw(b)
	}
	if err := a.HC.DoTimeout(req, resp, a.Timeout); err != nil {
		return Response{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	return Response{Status: resp.StatusCode(), ContentType: string(resp.Header.ContentType()),
		Body: bytes.Clone(resp.Body())}, nil
}

// JSON sends a request, checks the status is want and decodes the answer into
// out (when out is not nil).
func (a *API) JSON(method, path, token string, in any, want int, out any) (Response, error) {
	r, err := a.Do(method, path, token, in)
	if err != nil {
		return r, err
	}
	if r.Status != want {
		return r, fmt.Errorf("%s %s: status %d, want %d: %s", method, path, r.Status, want, snippet(r.Body))
	}
	if out != nil {
		if err := json.Unmarshal(r.Body, out); err != nil {
			return r, fmt.Errorf("%s %s: decode answer: %w: %s", method, path, err, snippet(r.Body))
		}
	}
	return r, nil
}

// snippet shortens a body for an error message.
func snippet(b []byte) string {
	const n = 200
	s := strings.ToValidUTF8(string(b), "?")
	if len(s) > n {
		s = s[:n] + "…"
	}
	return strings.TrimSpace(s)
}
