// Package topology holds the production topology's configuration files
// (PgBouncer in transaction mode, HAProxy with health checks) that the README's
// "Deploy" section shows, and fills them in for the tests and the load command.
package topology

import (
	_ "embed"
	"strings"
)

//go:embed haproxy.cfg
var haproxyCfg string

// testRouting lets a test choose the node that serves each request (header
// X-Tadrib-Node) and names the node that did (X-Served-By), so that a test
// can make something on one node and check it on the other through the
// proxy. Never in production: a client would choose its node.
const testRouting = `use-server node1 if { req.hdr(x-tadrib-node) -m str node1 }
	use-server node2 if { req.hdr(x-tadrib-node) -m str node2 }
	http-response set-header X-Served-By %[srv_name]`

// HAProxyConfig is haproxy.cfg for a proxy listening on front in front of
// two nodes (host:port each); forTests adds the routing a test drives.
func HAProxyConfig(front, node1, node2 string, forTests bool) string {
	routing := ""
	if forTests {
		routing = testRouting
	}
	return strings.NewReplacer("@FRONT@", front, "@NODE1@", node1, "@NODE2@", node2, "#@TEST-ROUTING@", routing).Replace(haproxyCfg)
}
