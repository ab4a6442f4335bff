// Package web is Tadrib's HTTP plumbing: errors as RFC 9457 problems or
// friendly pages, template rendering, security headers, request logging,
// language choice and static files. It knows nothing of courses or quizzes.
package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/auth"
	"tadrib/internal/db"
	"tadrib/internal/i18n"
)

// FieldError is one thing wrong with the input: a field, or a line (and file)
// of an imported document. Key and Args are translated into Message when the
// error is written, in the language of the request.
type FieldError struct {
	Field   string `json:"field,omitempty"`
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Row     int    `json:"row,omitempty"`
	Message string `json:"message"`
	Key     string `json:"-"`
	Args    []any  `json:"-"`
}

// Field builds a FieldError for a form or JSON field.
func Field(field, key string, args ...any) FieldError {
	return FieldError{Field: field, Key: key, Args: args}
}

// Error is an error with an HTTP status and a message a user may read. The
// cause, if any, goes to the log only.
//
// This is how a feature fails: its service returns an *Error (a sentinel
// made with Sentinel, or one built for the occasion, such as Invalid), or a
// typed error that is a Reporter, or wraps one of them; its handler returns
// that error as it is, and ErrorHandler alone writes it.
type Error struct {
	Status int
	Key    string // i18n key of the detail
	Args   []any
	Fields []FieldError
	Extra  map[string]any // more members of the problem object
	Cause  error
	Msg    string // what Error() says, when set (a sentinel's own words, for logs)
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%d %s", e.Status, e.Key)
	if e.Msg != "" {
		s = e.Msg
	}
	if e.Cause != nil {
		s += ": " + e.Cause.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Cause }

// Errorf returns an Error with a status and a translatable detail.
func Errorf(status int, key string, args ...any) *Error {
	return &Error{Status: status, Key: key, Args: args}
}

// Sentinel makes a feature's sentinel error: msg is what Error() says
// ("courses: not found"), status and key what the client gets, fields (if
// any) the form fields it is about. Compare with errors.Is; never change a
// sentinel's members, other requests share it.
func Sentinel(msg string, status int, key string, fields ...FieldError) *Error {
	return &Error{Status: status, Key: key, Fields: fields, Msg: msg}
}

// Reporter is a typed error carrying data of its own (a field and a reason,
// the lines of a document) that says how it reaches the client.
type Reporter interface {
	error
	Report() *Error
}

// Invalid is a 400 listing what is wrong with the input.
func Invalid(fields ...FieldError) *Error {
	return &Error{Status: fiber.StatusBadRequest, Key: "err.invalid", Fields: fields}
}

// Common errors.
var (
	ErrNotFound  = Errorf(fiber.StatusNotFound, "err.not_found")
	ErrForbidden = Errorf(fiber.StatusForbidden, "err.forbidden")
	ErrUnauth    = Errorf(fiber.StatusUnauthorized, "err.unauthenticated")
)

// Problem is the body of an RFC 9457 problem response.
type Problem struct {
	Type   string       `json:"type"`
	Title  string       `json:"title"`
	Status int          `json:"status"`
	Detail string       `json:"detail"`
	Errors []FieldError `json:"errors,omitempty"`
}

// IsAPI reports whether the request is for the JSON API (problem+json errors)
// rather than for a page.
func IsAPI(c *fiber.Ctx) bool {
	p := c.Path()
	if strings.HasPrefix(p, "/api/") {
		return true
	}
	accept := c.Get(fiber.HeaderAccept)
	return strings.Contains(accept, "json") && !strings.Contains(accept, "html")
}

// IsAPIRoute reports whether the matched route is one of the JSON API's,
// whatever the client asked for in Accept.
func IsAPIRoute(c *fiber.Ctx) bool { return strings.HasPrefix(c.Route().Path, "/api/") }

// Classify is what ErrorHandler makes of err: the error the client gets, and
// whether it is the server's fault (logged, 5xx). A page that shows a form
// again with its errors asks it, rather than looking into err itself.
func Classify(err error) (*Error, bool) { return classify(err) }

// classify turns any error into an *Error, and says whether it is a bug.
func classify(err error) (*Error, bool) {
	var we *Error
	var fe *fiber.Error
	switch {
	case errors.As(err, &we):
		return we, we.Status >= 500
	case errors.Is(err, auth.ErrNoSession), errors.Is(err, auth.ErrDisabled):
		return ErrUnauth, false
	case errors.Is(err, auth.ErrForbidden):
		return ErrForbidden, false
	case errors.Is(err, auth.ErrCSRF):
		return Errorf(fiber.StatusForbidden, "err.csrf"), false
	case errors.As(err, &fe):
		key := map[int]string{
			404: "err.not_found", 405: "err.method", 413: "err.too_large", 429: "err.rate_limited",
			400: "err.bad_request", 401: "err.unauthenticated", 403: "err.forbidden", 408: "err.timeout",
			415: "err.media_type", 503: "err.unavailable",
		}[fe.Code]
		if key == "" {
			key = "err.http"
		}
		return &Error{Status: fe.Code, Key: key}, fe.Code >= 500
	}
	var r Reporter
	if errors.As(err, &r) {
		if e := r.Report(); e != nil {
			return e, e.Status >= 500
		}
	}
	if db.Unavailable(err) {
		return &Error{Status: fiber.StatusServiceUnavailable, Key: "err.unavailable", Cause: err}, true
	}
	return &Error{Status: 500, Key: "err.internal", Cause: err}, true
}

// ErrorHandler writes every error a handler returns: a problem+json body for
// the API, a page in the user's language otherwise. Server errors are logged
// with their cause; the user never sees err.Error().
func ErrorHandler(cat *i18n.Catalog, r *Renderer) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		e, bug := classify(err)
		lang := Lang(c)
		if bug {
			slog.Error("request failed", "method", c.Method(), "path", c.Path(),
				"request_id", RequestID(c), "user_id", userID(c), "status", e.Status, "error", err.Error())
		}
		detail := cat.T(lang, e.Key, e.Args...)
		fields := make([]FieldError, len(e.Fields))
		for i, f := range e.Fields {
			if f.Key != "" { // else the message is already text (a parser's)
				f.Message = cat.T(lang, f.Key, f.Args...)
			}
			fields[i] = f
		}
		c.Set(fiber.HeaderContentLanguage, lang)
		if e.Status == fiber.StatusServiceUnavailable {
			c.Set(fiber.HeaderRetryAfter, "2")
		}
		if e.Status == fiber.StatusUnauthorized && !IsAPI(c) && c.Method() == fiber.MethodGet {
			return c.Redirect("/login?next="+url.QueryEscape(safeNext(c.OriginalURL())), fiber.StatusSeeOther)
		}
		if IsAPI(c) {
			body := map[string]any{
				"type":   "about:blank",
				"title":  http.StatusText(e.Status),
				"status": e.Status,
				"detail": detail,
			}
			if e.Key != "" {
				body["type"] = "urn:tadrib:problem:" + strings.TrimPrefix(e.Key, "err.")
			}
			if len(fields) > 0 {
				body["errors"] = fields
			}
			for k, v := range e.Extra {
				body[k] = v
			}
			c.Status(e.Status)
			c.Set(fiber.HeaderContentType, "application/problem+json")
			return c.JSON(body, "application/problem+json")
		}
		return r.Page(c, e.Status, "error", cat.T(lang, "error.title"), map[string]any{
			"Status": e.Status, "Detail": detail, "Fields": fields,
		})
	}
}

// Recover turns a panic into a clean 500, with the stack in the log only.
func Recover() fiber.Handler {
	return func(c *fiber.Ctx) (err error) {
		defer func() {
			if v := recover(); v != nil {
				slog.Error("panic", "method", c.Method(), "path", c.Path(), "request_id", RequestID(c),
					"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				err = &Error{Status: 500, Key: "err.internal", Cause: fmt.Errorf("panic: %v", v)}
			}
		}()
		return c.Next()
	}
}

// Settle runs the rest of the chain and writes its error at once, so that the
// middleware before it (rate limiters counting failures) sees the final
// status: Fiber only runs the ErrorHandler after the whole chain returns.
func Settle(c *fiber.Ctx) error {
	if err := c.Next(); err != nil {
		return c.App().ErrorHandler(c, err)
	}
	return nil
}

// safeNext keeps a post-login redirect on this site: a path on this host,
// or "/". Browsers drop tabs and newlines anywhere in a URL and read "\\" as
// "/", so "/\t/evil.example" became "//evil.example" (another host): any
// control character, space or backslash refuses the whole value rather than
// guessing how a browser would clean it.
func safeNext(u string) string {
	for _, r := range u {
		if r <= ' ' || r == 0x7f || r == '\\' || (r >= 0x80 && r <= 0x9f) {
			return "/"
		}
	}
	if !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") {
		return "/"
	}
	p, err := url.Parse(u)
	if err != nil || p.Scheme != "" || p.Host != "" || p.User != nil || strings.HasPrefix(p.Path, "//") {
		return "/"
	}
	return u
}

// SafeNext is safeNext for handlers.
func SafeNext(u string) string { return safeNext(u) }

func userID(c *fiber.Ctx) int64 {
	if id := auth.From(c); id != nil {
		return id.User.ID
	}
	return 0
}
