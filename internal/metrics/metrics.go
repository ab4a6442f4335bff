// Package metrics exposes Prometheus metrics: request counts and latencies by
// route, and the Go runtime's. Each app has its own registry, so two apps in
// one test process do not collide.
package metrics

import (
	"crypto/subtle"
	"net"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"tadrib/internal/web"
)

// Metrics holds the registry and the request collectors.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

// New registers the collectors.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tadrib_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "tadrib_http_request_duration_seconds", Help: "HTTP request latency by route and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route", "method"}),
	}
	m.reg.MustRegister(m.requests, m.latency, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Register adds more collectors (features' own).
func (m *Metrics) Register(cs ...prometheus.Collector) { m.reg.MustRegister(cs...) }

// Middleware counts requests. The route label is the matched pattern, not
// the path, so ids do not explode the number of series.
func (m *Metrics) Middleware() fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		err := c.Next()
		route := c.Route().Path
		status := c.Response().StatusCode()
		if status == fiber.StatusNotFound {
			route = "unmatched"
		}
		m.requests.WithLabelValues(route, c.Method(), strconv.Itoa(status)).Inc()
		m.latency.WithLabelValues(route, c.Method()).Observe(time.Since(start).Seconds())
		return err
	}
}

// Handler serves /metrics to loopback clients, and to others only with the
// Bearer token (when one is configured): metrics are not for the public
// (SECURITY.md F4). Behind a proxy on the same host every request arrives
// from loopback, so when proxied is true (a trusted proxy is configured), or
// the request carries a forwarding header, loopback alone opens nothing.
func (m *Metrics) Handler(token string, proxied bool) fiber.Handler {
	h := adaptor.HTTPHandler(promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	want := []byte("Bearer " + token)
	return func(c *fiber.Ctx) error {
		ip := net.ParseIP(c.Context().RemoteIP().String())
		allowed := ip != nil && ip.IsLoopback() && !proxied && !web.Forwarded(c)
		if token != "" && subtle.ConstantTimeCompare([]byte(c.Get(fiber.HeaderAuthorization)), want) == 1 {
			allowed = true
		}
		if !allowed {
			return fiber.ErrNotFound
		}
		return h(c)
	}
}
