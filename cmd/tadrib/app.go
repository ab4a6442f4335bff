package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"
	"github.com/valyala/fasthttp"

	"tadrib/assets"
	"tadrib/certs"
	"tadrib/courses"
	"tadrib/courses/authoring"
	"tadrib/courses/cohorts"
	"tadrib/courses/coursepkg"
	"tadrib/courses/reports"
	"tadrib/internal/accounts"
	"tadrib/internal/apidoc"
	"tadrib/internal/auth"
	"tadrib/internal/config"
	"tadrib/internal/db"
	"tadrib/internal/i18n"
	"tadrib/internal/kvstore"
	"tadrib/internal/metrics"
	"tadrib/internal/web"
	"tadrib/quiz"
)

// app is a wired Tadrib server: main serves it, tests drive it with Test.
type app struct {
	*fiber.App
	db       *db.DB
	sessions *auth.Sessions
	courses  *courses.Service
	packages *coursepkg.Service
	cohorts  *cohorts.Service
	reports  *reports.Service
	accounts *accounts.Service
	quizzes  *quiz.Service
	static   *web.Static
}

// bodyLimit is the largest request body: a JSON body is a few kilobytes;
// imports (course packages, question banks) are the large ones.
const bodyLimit = 8 << 20

// bodyLimitNamed makes Fiber's refusal of a body over bodyLimit, which
// comes before any route, say the limit (SECURITY.md UP1).
func bodyLimitNamed(next fiber.ErrorHandler) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		if errors.Is(err, fiber.ErrRequestEntityTooLarge) {
			err = web.Errorf(fiber.StatusRequestEntityTooLarge, "err.body_too_large", bodyLimit>>10)
		}
		return next(c, err)
	}
}

// anonBodyLimit bounds the bodies of the routes open to anyone (sign-in,
// registration, set-password, invitations): a registration is under 2 KiB.
const anonBodyLimit = 16 << 10

// newApp builds the server on an open, migrated database. It is the one
// wiring function, used by main and by the tests.
func newApp(ctx context.Context, cfg config.Config, d *db.DB, log *slog.Logger) (*app, error) {
	fsys := assets.FS(cfg.DevAssets)
	cat, err := i18n.Load(fsys)
	if err != nil {
		return nil, err
	}
	static, err := web.NewStatic(fsys)
	if err != nil {
		return nil, err
	}
	renderer, err := web.NewRenderer(fsys, cat, static, cfg.DevAssets != "")
	if err != nil {
		return nil, err
	}
	secret, err := auth.LoadOrCreateSecret(ctx, d, cfg.Secret)
	if err != nil {
		return nil, err
	}
	sessions := &auth.Sessions{DB: d, Keys: auth.NewKeys(secret, cfg.BaseURL.String()), TTL: cfg.SessionTTL, Idle: cfg.SessionIdle}
	cookies := auth.Cookies{Secure: cfg.Secure()}

	f := fiber.New(fiber.Config{
		AppName:               "tadrib",
		ErrorHandler:          bodyLimitNamed(web.ErrorHandler(cat, renderer)),
		BodyLimit:             bodyLimit,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		DisableStartupMessage: true,
		Immutable:             true, // values from c.Params/Body may outlive the handler (SECURITY.md F1)
		// Always on: with the check off, Fiber believes X-Forwarded-Proto and
		// X-Forwarded-Host from any client. With no trusted proxy, none is believed.
		// No ProxyHeader: Fiber's c.IP() would return the header's raw text;
		// client addresses come from web.ClientIP.
		EnableTrustedProxyCheck: true,
		TrustedProxies:          cfg.TrustedProxy,
		JSONEncoder:             web.EncodeJSON,
		JSONDecoder:             json.Unmarshal,
	})
	m := metrics.New()
	f.Use(web.ClientAddress(cfg.TrustedProxy), web.RequestIDs(), web.AccessLog(log), web.Recover(), m.Middleware(), web.SecurityHeaders(),
		web.PlainBodies())

	// Operations, before compression and sessions: probes must stay cheap.
	f.Get("/healthz", func(c *fiber.Ctx) error { return c.SendString("ok") })
	f.Get("/readyz", func(c *fiber.Ctx) error {
		pctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
		defer cancel()
		if err := d.Ping(pctx); err != nil {
			c.Set(fiber.HeaderRetryAfter, "2")
			return c.Status(fiber.StatusServiceUnavailable).SendString("database unavailable")
		}
		return c.SendString("ok")
	})
	f.Get("/metrics", m.Handler(cfg.MetricsToken, len(cfg.TrustedProxy) > 0))

	// Routes anyone may post to without an account take small bodies only.
	for _, p := range []string{"/api/v1/auth", "/login", "/register", "/set-password", "/join", "/api/v1/cohorts/join"} {
		f.Use(p, web.MaxBody(anonBodyLimit))
	}

	f.Use(compressPages(pageBrotliLevel, pageGzipLevel))
	f.Get("/static/*", static.Handler)
	f.Get(apidoc.Path, apidoc.Handler) // the API's contract, public: before sessions
	f.Use(sessions.Middleware(cookies), web.Languages(cfg.Secure()))

	limits := accounts.Limits{
		PerAddress: limiter.New(limiter.Config{
			Max: cfg.RateAuth, Expiration: time.Minute, Storage: kvstore.New(d, "rl:ip:"),
			KeyGenerator:      web.ClientIP,
			LimiterMiddleware: limiter.SlidingWindow{},
			LimitReached:      func(c *fiber.Ctx) error { return web.Errorf(fiber.StatusTooManyRequests, "err.rate_limited") },
		}),
		PerAccount: limiter.New(limiter.Config{
			Max: 10, Expiration: 15 * time.Minute, Storage: kvstore.New(d, "rl:login:"),
			KeyGenerator:           accounts.LoginKey,
			SkipSuccessfulRequests: true,
			LimitReached:           func(c *fiber.Ctx) error { return web.Errorf(fiber.StatusTooManyRequests, "err.rate_limited") },
		}),
	}

	// The services, before any route. Accounts stand alone. Course progress
	// counts passed quizzes and names certificates through the database-only
	// sides of quiz and certs; the quiz and certificate services then stand
	// on courses.
	acc := accounts.NewService(d)
	cs := courses.NewService(d, quiz.NewProgress(d), certs.NewCodes(d))
	qs := quiz.NewService(d, cs)
	certSvc, err := newCerts(cfg, d, cs, log)
	if err != nil {
		return nil, err
	}
	packages := coursepkg.NewService(d, cs, qs) // packages carry modules' quizzes
	cos := cohorts.NewService(d, cs)
	reps := reports.NewService(d, cs, qs, certSvc) // reports ask quiz results and certificates held

	// The routes, feature by feature. Accounts and their administration
	// first; a trainee's data export gathers each feature's part.
	api := f.Group("/api/v1")
	accounts.NewHandler(acc, sessions, cookies, renderer, accounts.Env{
		Registration: cfg.Registration, BaseURL: cfg.BaseURL.String(), Limits: limits, Exporters: exportParts(d, cs, cos, qs),
		Privacy: accounts.PrivacyEnv{Retention: cfg.Retention, Issuer: cfg.IssuerName, IssuerAr: cfg.IssuerNameAr},
	}).Routes(f, api)
	// The package import page comes before the course editor's
	// /author/courses/:slug.
	coursepkg.NewHandler(packages, cs, renderer).Routes(f, api)
	courses.NewHandler(cs, renderer, cos).Routes(f, api) // the dashboard lists pending invitations
	authoring.NewHandler(authoring.NewService(d, cs), cs, renderer).Routes(f, api)
	cohorts.NewHandler(cos, cs, renderer, cohorts.Env{
		BaseURL: cfg.BaseURL.String(), Accounts: acc, Sessions: sessions, Cookies: cookies, JoinLimit: limits.PerAddress,
	}).Routes(f, api)
	quiz.NewHandler(qs, renderer).Routes(f, api)
	// Verification counts misses only, in the shared store (enumeration is
	// what the limit is for); existing codes cost no write (certs/verify_limit.go).
	certs.NewHandler(certSvc, renderer, certs.LimitMisses(certs.MissLimit{
		Max: cfg.RateVerify, Window: time.Minute, Storage: kvstore.New(d, "rl:verify:"),
		Key:          web.ClientIP,
		LimitReached: func(c *fiber.Ctx) error { return web.Errorf(fiber.StatusTooManyRequests, "err.rate_limited") },
	})).Routes(f, api)
	reports.NewHandler(reps, renderer).Routes(f, api)

	// Anything else is not found: problem+json under /api, a page elsewhere.
	f.Use(func(c *fiber.Ctx) error { return web.ErrNotFound })
	return &app{App: f, db: d, sessions: sessions, courses: cs, packages: packages, cohorts: cos, reports: reps, accounts: acc, quizzes: qs, static: static}, nil
}

// String describes the app for the start-up log.
func (a *app) String() string { return fmt.Sprintf("tadrib on %s", a.db.Engine) }

// The compression levels of dynamic answers (pages and JSON), chosen by
// BenchmarkLessonPageCompression on the largest lesson page of the core
// course (13 KB of HTML). Brotli's level 1, the one LevelBestSpeed of
// Fiber's compress middleware gives, made 5,791 bytes, larger than gzip -9
// (5,113); level 5 makes 4,870 (-16%), the first level below gzip -9, for
// about 1 ms of one core per page (levels 6 to 9 save under 0.3% more at 2
// to 20 times the time; 11 takes 0.4 s). Gzip 6 makes 5,221 (-8% from
// level 1) for about the same time as level 1. Static files are compressed
// once, at start-up, at the best levels (web.NewStatic).
const (
	pageBrotliLevel = 5
	pageGzipLevel   = 6
)

// compressPages compresses answers as the client accepts (brotli first,
// then gzip, then deflate) at the given levels; bodies already encoded
// (the precompressed static files) and small ones are left as they are.
func compressPages(brotliLevel, gzipLevel int) fiber.Handler {
	compress := fasthttp.CompressHandlerBrotliLevel(func(*fasthttp.RequestCtx) {}, brotliLevel, gzipLevel)
	return func(c *fiber.Ctx) error {
		if err := c.Next(); err != nil {
			return err
		}
		compress(c.Context())
		return nil
	}
}
