// Package cohorts owns cohorts (training sessions that follow courses
// together): their members, member lists imported from spreadsheets,
// personal invitations, join links, and their parts of a trainee's data
// export. It serves them as JSON under /api/v1 and as pages.
//
// It stands on package courses (courses, enrolment, progress); package
// courses asks it for a user's pending invitations through the
// courses.PendingInvitations interface.
package cohorts

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"tadrib/courses"
	"tadrib/internal/accounts"
	"tadrib/internal/auth"
	"tadrib/internal/db"
	"tadrib/internal/web"
	"tadrib/models"
)

// Service is the cohorts service.
type Service struct {
	db      *db.DB
	courses *courses.Service
}

// NewService builds the cohorts service on the courses service.
func NewService(d *db.DB, cs *courses.Service) *Service {
	return &Service{db: d, courses: cs}
}

func (s *Service) now() time.Time { return s.courses.Time() }

// PendingFor lists the invitations waiting for user's answer, for the
// dashboard (courses.PendingInvitations).
func (s *Service) PendingFor(ctx context.Context, user models.User, lang string) (any, error) {
	return s.MyInvitations(ctx, user, lang)
}

// Env is what the cohort pages need from outside: the public address
// (invitation and set-password links), accounts (a visitor registers
// through an invitation) and sessions (to sign them in).
type Env struct {
	BaseURL   string // TADRIB_BASE_URL, without a trailing slash
	Accounts  *accounts.Service
	Sessions  *auth.Sessions
	Cookies   auth.Cookies
	JoinLimit fiber.Handler // the per-address limiter of /auth; nil for none
}

// passwordSetter is the accounts service's one-time set-password link, asked
// for through an interface so that cohorts keep working (without links)
// where it is missing.
type passwordSetter interface {
	PasswordSetToken(ctx context.Context, userID, actorID int64, ttl time.Duration) (string, error)
}

// setPasswordTTL is how long a set-password link handed out at import
// works: long enough to reach people before a session starts.
const setPasswordTTL = 14 * 24 * time.Hour

// Handler serves cohorts as JSON and as pages.
type Handler struct {
	svc     *Service
	courses *courses.Service // the catalogue, for the cohort forms
	r       *web.Renderer
	env     Env
}

// NewHandler builds the cohorts handler.
func NewHandler(svc *Service, cs *courses.Service, r *web.Renderer, env Env) *Handler {
	env.BaseURL = strings.TrimSuffix(env.BaseURL, "/")
	return &Handler{svc: svc, courses: cs, r: r, env: env}
}

// Routes mounts the cohort pages and API, invitations and join links.
func (ch *Handler) Routes(app, api fiber.Router) {
	staff := auth.RequireRole(models.RoleTrainer, models.RoleAdmin)
	limit := ch.env.JoinLimit
	if limit == nil {
		limit = func(c *fiber.Ctx) error { return c.Next() }
	}

	api.Post("/cohorts", staff, ch.createCohort)
	api.Get("/cohorts", staff, ch.listCohorts)
	hide := web.HideParam("token") // a capability: never in the logs
	api.Post("/cohorts/join/:token", hide, limit, auth.RequireUser, ch.joinCohort)
	api.Get("/cohorts/:id", staff, ch.showCohort)
	api.Patch("/cohorts/:id", staff, ch.updateCohort)
	api.Post("/cohorts/:id/members", staff, ch.importMembers)
	api.Get("/cohorts/:id/members", staff, ch.listMembers)
	api.Delete("/cohorts/:id/members/:user", staff, ch.removeMember)

	app.Get("/author/cohorts", staff, ch.showCohortsPage)
	app.Post("/author/cohorts", staff, ch.submitCohort)
	app.Get("/author/cohorts/:id", staff, ch.showCohortPage)
	app.Post("/author/cohorts/:id", staff, ch.submitCohortEdit)
	app.Post("/author/cohorts/:id/members", staff, ch.submitMembers)
	app.Get("/author/cohorts/:id/invite", staff, ch.confirmRegenerate)
	app.Post("/author/cohorts/:id/invite", staff, ch.submitRegenerate)
	app.Get("/author/cohorts/:id/members/:user/remove", staff, ch.confirmRemove)
	app.Post("/author/cohorts/:id/members/:user/remove", staff, ch.submitRemove)
	// Only the posts are limited: a whole classroom behind one address opens
	// the link at once, and 130-bit tokens leave nothing to guess.
	app.Get("/join/:token", hide, ch.showJoinPage)
	app.Post("/join/:token", hide, limit, ch.submitJoin)
	ch.invitationRoutes(app, api, limit)
}

// id formats an id for JSON: the API's ids are strings.
func id(n int64) string { return strconv.FormatInt(n, 10) }
