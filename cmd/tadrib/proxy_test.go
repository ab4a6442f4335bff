package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tadrib/cmd/tadrib-load/topology"
	"tadrib/internal/config"
	"tadrib/internal/db"
	"tadrib/internal/testdb"
	"tadrib/models"
)

// proxyRoute sends a test app's requests through HAProxy to one named node,
// instead of calling the app in process.
type proxyRoute struct {
	base string // http://127.0.0.1:port of the proxy
	node string // the server HAProxy must pick (node1, node2)
}

// nodeHeader tells the test proxy which node serves a request; servedBy is
// the header it answers with, naming the node that did.
const (
	nodeHeader = "X-Tadrib-Node"
	servedBy   = "X-Served-By"
)

var proxyClient = &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
	return http.ErrUseLastResponse // as App.Test does: the test reads redirects itself
}}

// send is testApp.Test for an app seen through the proxy.
func (p *proxyRoute) send(t testing.TB, req *http.Request) (*http.Response, error) {
	out, err := http.NewRequest(req.Method, p.base+req.URL.RequestURI(), req.Body)
	if err != nil {
		return nil, err
	}
	out.Header = req.Header.Clone()
	out.Header.Set(nodeHeader, p.node)
	res, err := proxyClient.Do(out)
	if err != nil {
		return nil, err
	}
	if got := res.Header.Get(servedBy); got != p.node {
		t.Errorf("%s %s was served by %q, want %q: the proxy does not route as the test asks", req.Method, req.URL.Path, got, p.node)
	}
	return res, nil
}

// haproxyFront starts Debian's HAProxy with the repository's configuration
// (cmd/tadrib-load/topology/haproxy.cfg) in front of the nodes, health
// checks on /readyz included, and returns its base URL once both nodes are
// up behind it.
func haproxyFront(t *testing.T, node1, node2 string) string {
	t.Helper()
	bin, err := exec.LookPath("haproxy")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI runs the two-node tests through HAProxy: apt-get install haproxy")
		}
		t.Skip("needs HAProxy (apt-get install haproxy)")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	front := ln.Addr().String()
	ln.Close()
	cfg := topology.HAProxyConfig(front, node1, node2, true)
	path := filepath.Join(t.TempDir(), "haproxy.cfg")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	cmd := exec.Command(bin, "-db", "-f", path)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	base := "http://" + front
	deadline := time.Now().Add(15 * time.Second)
	for _, n := range []string{"node1", "node2"} {
		for {
			req, _ := http.NewRequest("GET", base+"/readyz", nil)
			req.Header.Set(nodeHeader, n)
			res, err := proxyClient.Do(req)
			if err == nil {
				res.Body.Close()
				if res.StatusCode == 200 && res.Header.Get(servedBy) == n {
					break
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("HAProxy at %s does not reach %s: %v\n%s", base, n, err, logs.String())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	return base
}

// twoNodes starts two Tadrib nodes on one database (the engine under test),
// each listening on a port of its own, and HAProxy in front of them. It
// returns each node as seen through the proxy: requests made with a (or a
// user of a) go through HAProxy to node1, with b to node2.
func twoNodes(t *testing.T, env map[string]string) (a, b *testApp) {
	t.Helper()
	parallel(t)
	vars := map[string]string{"TADRIB_ADDR": "127.0.0.1:0", "TADRIB_SECRET": strings.Repeat("s", 40), "TADRIB_RATE_AUTH": "100000",
		"TADRIB_SIGNING_KEY": testSigningKey, "TADRIB_TRUSTED_PROXIES": "127.0.0.1"}
	for k, v := range env {
		vars[k] = v
	}
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	opts := testdb.Options(t)
	ctx := context.Background()
	addrs := make([]string, 2)
	apps := make([]*app, 2)
	for i := range apps {
		d, err := db.Open(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		if _, err := models.Migrate(ctx, d.W, models.Dialect(d.Engine)); err != nil {
			t.Fatal(err)
		}
		apps[i], err = newApp(ctx, cfg, d, slog.New(slog.NewJSONHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addrs[i] = ln.Addr().String()
		go apps[i].Listener(ln)
		t.Cleanup(func() { apps[i].ShutdownWithTimeout(5 * time.Second) })
	}
	if _, err := apps[0].packages.LoadSeed(ctx, coreSeedFS()); err != nil {
		t.Fatal(err)
	}
	base := haproxyFront(t, addrs[0], addrs[1])
	a = &testApp{app: apps[0], t: t, cfg: cfg, proxy: &proxyRoute{base: base, node: "node1"}}
	b = &testApp{app: apps[1], t: t, cfg: cfg, proxy: &proxyRoute{base: base, node: "node2"}}
	return a, b
}

// on returns u as seen by another node.
func on(n *testApp, u user) user {
	u.a = n
	return u
}

func TestHAProxyConfigNamesBothNodes(t *testing.T) {
	cfg := topology.HAProxyConfig("127.0.0.1:8080", "127.0.0.1:8081", "127.0.0.1:8082", false)
	for _, want := range []string{"bind 127.0.0.1:8080", "server node1 127.0.0.1:8081 check", "server node2 127.0.0.1:8082 check",
		"option httpchk GET /readyz", "option forwardfor"} {
		if !strings.Contains(cfg, want) {
			t.Errorf("haproxy.cfg lacks %q:\n%s", want, cfg)
		}
	}
	if strings.Contains(cfg, nodeHeader) {
		t.Error("the production configuration lets a client pick its node")
	}
}
