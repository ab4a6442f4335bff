package web

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

const clientIPKey = "tadrib.client_ip"

// ClientAddress finds each request's client address once, for every rate
// limiter, the access log and the security events (ClientIP). Behind the
// given trusted proxies (addresses or CIDRs) it walks X-Forwarded-For from
// the right, skipping trusted hops, and takes the first untrusted one: the
// entries to its left were written by the client and prove nothing. Fiber's
// own c.IP() with ProxyHeader returns the header's raw text, so
// "198.51.100.<i>, 203.0.113.9" gave every request a fresh address.
func ClientAddress(trusted []string) fiber.Handler {
	proxies := parseProxies(trusted)
	return func(c *fiber.Ctx) error {
		c.Locals(clientIPKey, clientIP(c, proxies))
		return c.Next()
	}
}

// ClientIP returns the request's client address as ClientAddress found it,
// or the peer's address when that middleware did not run.
func ClientIP(c *fiber.Ctx) string {
	if s, ok := c.Locals(clientIPKey).(string); ok {
		return s
	}
	return peerAddr(c).String()
}

// Forwarded reports whether the request carries a header a proxy adds: such
// a request may come from anywhere, whatever its peer address.
func Forwarded(c *fiber.Ctx) bool {
	for _, h := range []string{fiber.HeaderXForwardedFor, "Forwarded", "X-Real-Ip", fiber.HeaderXForwardedProto, fiber.HeaderXForwardedHost} {
		if len(c.Request().Header.Peek(h)) > 0 {
			return true
		}
	}
	return false
}

func parseProxies(list []string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range list {
		s = strings.TrimSpace(s)
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
		} else if a, err := netip.ParseAddr(s); err == nil {
			a = a.Unmap()
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
		}
	}
	return out
}

func trustedAddr(a netip.Addr, proxies []netip.Prefix) bool {
	for _, p := range proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func peerAddr(c *fiber.Ctx) netip.Addr {
	a, _ := netip.AddrFromSlice(c.Context().RemoteIP())
	return a.Unmap()
}

func clientIP(c *fiber.Ctx, proxies []netip.Prefix) string {
	peer := peerAddr(c)
	if len(proxies) == 0 || !trustedAddr(peer, proxies) {
		return peer.String()
	}
	// Every X-Forwarded-For header, in order, is one list (RFC 9110 5.3).
	var hops []string
	for _, v := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
		hops = append(hops, strings.Split(string(v), ",")...)
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			// Not an address: the list cannot be read, so the one address
			// not taken from it stands (all such requests share one key).
			return peer.String()
		}
		client = a.Unmap()
		if !trustedAddr(client, proxies) {
			break
		}
	}
	return client.String()
}
