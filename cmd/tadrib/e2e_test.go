package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The browser test drives the real server, on a real TCP port, with headless
// Chromium at a phone's width. It is off by default because it needs a
// browser; CI switches it on (.ci/run).
const (
	e2eEnv        = "TADRIB_E2E"
	e2eShotsEnv   = "TADRIB_SCREENSHOTS"
	e2eChromium   = "/usr/bin/chromium" // Debian's package "chromium"
	e2eWidth      = 360                 // the phone width the product targets
	e2eHeight     = 800
	e2eTimeout    = 60 * time.Second
	e2eArabicName = "العربية"
)

// TestE2ETraineeJourney is the scenario: a new trainee registers as a
// labour inspector, opens a course for that profession, reads a lesson, marks
// it complete, sees the dashboard's progress bar move, switches to Arabic and
// gets a right-to-left page. It saves screenshots along the way.
func TestE2ETraineeJourney(t *testing.T) {
	if os.Getenv(e2eEnv) != "1" {
		t.Skipf("browser test: run it with %s=1 (needs Debian's Chromium: apt-get install -y chromium chromium-driver), e.g. %s=1 %s=./screenshots go test -run E2E -v ./cmd/tadrib", e2eEnv, e2eEnv, e2eShotsEnv)
	}
	chrome := findChromium(t)

	shots := os.Getenv(e2eShotsEnv)
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatalf("screenshots folder %s: %v", shots, err)
	}

	base := serveForBrowser(t)

	ctx, cancel := context.WithTimeout(context.Background(), e2eTimeout)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, chromiumOptions(t, chrome)...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	defer cancelBrowser()

	// Start the browser, and collect what a page reports as broken: uncaught
	// script errors and the browser's own error log (a refused stylesheet,
	// a missing image, a Content-Security-Policy violation).
	var mu sync.Mutex
	var problems []string
	if err := chromedp.Listen(bctx, func(ev any) {
		var msg string
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			msg = "uncaught exception: " + ev.ExceptionDetails.Text
			if ev.ExceptionDetails.Exception != nil {
				msg += " " + ev.ExceptionDetails.Exception.Description
			}
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError {
				msg = fmt.Sprintf("%s: %s (%s)", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
			}
		}
		if msg != "" {
			mu.Lock()
			problems = append(problems, msg)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatalf("start Chromium (%s): %v", chrome, err)
	}

	// Headless Chromium keeps its window at least 500 px wide: emulate the
	// phone's screen so that the page is laid out at 360 px.
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(e2eWidth, e2eHeight, chromedp.EmulatePortrait, chromedp.EmulateMobile)); err != nil {
		t.Fatalf("emulate a %dx%d phone: %v", e2eWidth, e2eHeight, err)
	}

	s := &e2eSession{t: t, ctx: bctx, base: base, shots: shots}

	// Register as a labour inspector, through the form.
	s.open("/register")
	s.wantDocument("fr", "ltr")
	s.shot("01-register")
	s.logWidth("register (fr)")
	s.do(
		chromedp.SendKeys(chromedp.CSS("#name"), "Karim Benali"),
		chromedp.SendKeys(chromedp.CSS("#email"), "karim.e2e@example.org"),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.SetValue(chromedp.CSS("#profession"), "labour_inspector"),
	)
	s.click(`form[action="/register"] button[type="submit"]`)
	if u := s.url(); u.Path != "/courses" || u.Query().Get("profession") != "labour_inspector" {
		t.Fatalf("after registering, the browser is on %s, want /courses?profession=labour_inspector", u)
	}
	s.shot("02-catalog")
	s.logWidth("catalog (fr)")

	// Open the first course for that profession and enrol: that leads to
	// the first lesson.
	s.click(`ul.cards li.course-card h3 a`)
	if p := s.url().Path; !strings.HasPrefix(p, "/courses/") {
		t.Fatalf("the first course link led to %s", p)
	}
	s.shot("03-course")
	s.logWidth("course (fr)")
	s.click(`form[action$="/enroll"] button[type="submit"]`)
	lessonPath := s.url().Path
	if !strings.HasPrefix(lessonPath, "/lessons/") {
		t.Fatalf("enrolling led to %s, want the first lesson", lessonPath)
	}

	// Read the lesson: its text is there and visible.
	s.do(chromedp.WaitVisible(chromedp.CSS(".prose")))
	text := s.text(".prose")
	if len(strings.TrimSpace(text)) < 50 {
		t.Errorf("the lesson text is missing or nearly empty: %q", text)
	}
	s.wantDocument("fr", "ltr")
	s.wantNoHorizontalScroll("lesson (fr)")
	s.shot("04-lesson-fr")

	// Mark it complete; the dashboard's progress bar moves.
	s.click(`form[action$="/complete"] button[type="submit"]`)
	s.open("/dashboard")
	if v := eval[float64](s, `document.querySelector("progress") ? document.querySelector("progress").value : -1`); v <= 0 {
		t.Errorf("the dashboard's progress bar is at %v after completing a lesson, want > 0", v)
	}
	s.wantNoHorizontalScroll("dashboard (fr)")
	s.shot("05-dashboard-fr")

	// Switch to Arabic with the language menu: the page turns right-to-left.
	link := `nav.langs a[hreflang="ar"]`
	if name := strings.TrimSpace(s.text(link)); name != e2eArabicName {
		t.Errorf("the Arabic language link reads %q, want %q", name, e2eArabicName)
	}
	s.click(link)
	if p := s.url().Path; p != "/dashboard" {
		t.Errorf("switching language left the dashboard for %s", p)
	}
	s.wantDocument("ar", "rtl")
	if v := eval[float64](s, `document.querySelector("progress").value`); v <= 0 {
		t.Errorf("the Arabic dashboard's progress bar is at %v, want > 0", v)
	}
	s.wantNoHorizontalScroll("dashboard (ar)")
	s.shot("06-dashboard-ar")

	// The choice is remembered: the resume link opens a lesson in Arabic.
	s.click(`ul.cards .actions a.button[href^="/lessons/"]`)
	if p := s.url().Path; !strings.HasPrefix(p, "/lessons/") {
		t.Fatalf("the resume link led to %s", p)
	}
	s.do(chromedp.WaitVisible(chromedp.CSS(".prose")))
	s.wantDocument("ar", "rtl")
	s.wantNoHorizontalScroll("lesson (ar)")
	s.shot("07-lesson-ar")

	// For the review: the catalog, the course page, and the first lesson
	// (the one with a wide table) in Arabic.
	s.open("/courses")
	s.wantDocument("ar", "rtl")
	s.logWidth("catalog (ar)")
	s.shot("08-catalog-ar")
	s.click(`ul.cards li.course-card h3 a`)
	s.logWidth("course (ar)")
	s.shot("09-course-ar")
	s.open(lessonPath)
	s.wantDocument("ar", "rtl")
	s.wantNoHorizontalScroll("first lesson (ar)")
	s.shot("10-lesson1-ar")

	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Errorf("the browser reported: %s", p)
	}
}

// e2eSetup skips a browser test unless it is switched on, and returns the
// browser to drive and the folder for screenshots (TADRIB_SCREENSHOTS, or a
// temporary one).
func e2eSetup(t *testing.T) (chrome, shots string) {
	t.Helper()
	if os.Getenv(e2eEnv) != "1" {
		t.Skipf("browser test: run it with %s=1", e2eEnv)
	}
	chrome = findChromium(t)
	shots = os.Getenv(e2eShotsEnv)
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	return chrome, shots
}

// findChromium returns the browser to drive. With the test switched on, a
// missing browser is a failure, never a skip.
func findChromium(t *testing.T) string {
	t.Helper()
	if fi, err := os.Stat(e2eChromium); err == nil && !fi.IsDir() {
		return e2eChromium
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	t.Fatalf("%s=1 but Chromium is not installed (%s): apt-get update && apt-get install -y chromium chromium-driver", e2eEnv, e2eChromium)
	return ""
}

// serveForBrowser starts the whole app, seeded, on a real TCP port of the
// loopback, and returns its base URL. The server stops when the test ends.
func serveForBrowser(t *testing.T) string {
	t.Helper()
	a := newTestApp(t, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	served := make(chan error, 1)
	go func() { served <- a.Listener(ln) }()
	t.Cleanup(func() {
		if err := a.ShutdownWithTimeout(5 * time.Second); err != nil {
			t.Errorf("server shutdown: %v", err)
		}
		select {
		case err := <-served:
			if err != nil && !errors.Is(err, net.ErrClosed) {
				t.Errorf("server: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("the server did not stop")
		}
	})
	return "http://" + ln.Addr().String()
}

// e2eSession is one browser tab walking through the site. Every step fails
// the test at once when the browser cannot do it.
type e2eSession struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string
}

func (s *e2eSession) do(steps ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	if err := chromedp.Do(s.ctx, steps...); err != nil {
		s.t.Fatalf("browser at %s: %v", s.url(), err)
	}
}

func eval[T any](s *e2eSession, expr string) T {
	s.t.Helper()
	v, err := chromedp.Run(s.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		s.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func (s *e2eSession) url() *url.URL {
	s.t.Helper()
	loc, err := chromedp.Run(s.ctx, chromedp.Location())
	if err != nil {
		s.t.Fatalf("location: %v", err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		s.t.Fatalf("location %q: %v", loc, err)
	}
	return u
}

func (s *e2eSession) text(sel string) string {
	s.t.Helper()
	v, err := chromedp.Run(s.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		s.t.Fatalf("text of %s at %s: %v", sel, s.url(), err)
	}
	return v
}

// open loads a path and wants it to answer 200. A navigation the page
// started itself (a reload after a saved move) can take the place of ours:
// chromedp then reports no response and no error, and we navigate again.
func (s *e2eSession) open(path string) {
	s.t.Helper()
	for try := 1; ; try++ {
		res, err := chromedp.RunResponse(s.ctx, chromedp.Navigate(s.base+path))
		if err != nil {
			s.t.Fatalf("open %s: %v", path, err)
		}
		if res == nil {
			if try < 3 {
				continue
			}
			s.t.Fatalf("open %s: no response after %d tries", path, try)
		}
		if res.Status != 200 {
			s.t.Fatalf("open %s: status %d", path, res.Status)
		}
		return
	}
}

// click clicks the first element that matches sel, waits for the page that
// it leads to, and wants that page to answer 200 (after any redirect).
func (s *e2eSession) click(sel string) {
	s.t.Helper()
	from := s.url()
	res, err := chromedp.RunResponse(s.ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		s.t.Fatalf("click %s on %s: %v", sel, from.Path, err)
	}
	if res == nil || res.Status != 200 {
		status := int64(0)
		if res != nil {
			status = res.Status
		}
		s.t.Fatalf("click %s on %s led to %s with status %d", sel, from.Path, s.url(), status)
	}
}

// wantDocument checks the root element's language and direction.
func (s *e2eSession) wantDocument(lang, dir string) {
	s.t.Helper()
	got := eval[[]string](s, `[document.documentElement.lang, document.documentElement.dir]`)
	if len(got) != 2 || got[0] != lang || got[1] != dir {
		s.t.Errorf("%s: <html lang dir> = %q, want [%s %s]", s.url().Path, got, lang, dir)
	}
}

// width is the page's scrollable width and the layout viewport's.
func (s *e2eSession) width() (scroll, viewport int) {
	s.t.Helper()
	got := eval[[]int](s, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`)
	return got[0], got[1]
}

// wantNoHorizontalScroll fails when the page is wider than the phone.
func (s *e2eSession) wantNoHorizontalScroll(what string) {
	s.t.Helper()
	scroll, vw := s.width()
	if vw != e2eWidth {
		s.t.Errorf("%s: the viewport is %d px wide, want %d", what, vw, e2eWidth)
	}
	if scroll > e2eWidth+1 {
		s.t.Errorf("%s: the page scrolls sideways at %d px: it is %d px wide%s", what, e2eWidth, scroll, s.widest())
	}
}

// logWidth only reports overflow, for the pages the scenario does not gate on.
func (s *e2eSession) logWidth(what string) {
	s.t.Helper()
	if scroll, _ := s.width(); scroll > e2eWidth+1 {
		s.t.Logf("note: %s scrolls sideways at %d px: it is %d px wide%s", what, e2eWidth, scroll, s.widest())
	}
}

// widest names the elements that stick out of the viewport, to say what to fix.
func (s *e2eSession) widest() string {
	s.t.Helper()
	out := eval[[]string](s, `(() => {
		const w = document.documentElement.clientWidth, out = [];
		for (const el of document.body.querySelectorAll("*")) {
			const r = el.getBoundingClientRect();
			if (r.width > 0 && (r.right > w + 1 || r.left < -1)) {
				let name = el.tagName.toLowerCase();
				if (el.id) name += "#" + el.id;
				if (el.classList.length) name += "." + [...el.classList].join(".");
				out.push(name + " [" + Math.round(r.left) + "," + Math.round(r.right) + "]");
			}
			if (out.length >= 5) break;
		}
		return out;
	})()`)
	if len(out) == 0 {
		return ""
	}
	return " (" + strings.Join(out, ", ") + ")"
}

// shot saves a full-page PNG screenshot.
func (s *e2eSession) shot(name string) {
	s.t.Helper()
	png, err := chromedp.Run(s.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		s.t.Fatalf("screenshot %s: %v", name, err)
	}
	p := filepath.Join(s.shots, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		s.t.Fatalf("screenshot %s: %v", name, err)
	}
	s.t.Logf("screenshot %s", p)
}

// chromiumOptions starts Debian's Chromium headless, as root, on this closed
// network (no background connections that would stall), with a fresh profile,
// a phone-sized window and French as the browser's language.
func chromiumOptions(t *testing.T, chrome string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chrome),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(e2eWidth, e2eHeight),
		chromedp.Flag("lang", "fr-FR"),
		chromedp.Flag("accept-lang", "fr-FR,fr"),
	}
}
