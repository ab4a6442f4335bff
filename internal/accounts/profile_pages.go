package accounts

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/auth"
	"tadrib/internal/web"
	"tadrib/models"
)

// profilePage is the data of profile.html: the signed-in user's profile
// form (what they typed when it was refused), the password form, and which
// of the two the errors or the notice belong to.
type profilePage struct {
	In          models.User // the profile form's values
	Professions []string
	Locales     []string
	Form        string // "profile" or "password": where Errors belong
	Errors      map[string]web.FieldError
	Notice      string // a translated key: saved, password changed
}

// profileRoutes mounts /profile: the page, its profile form and its
// password form. Both forms go through UpdateProfile, the service of
// PATCH /api/v1/me, so the page and the API check the same rules.
func (h *Handler) profileRoutes(app fiber.Router) {
	app.Get("/profile", auth.RequireUser, h.showProfile)
	app.Post("/profile", auth.RequireUser, web.Settle, h.submitProfile)
	pw := []fiber.Handler{auth.RequireUser}
	if h.limits.PerAddress != nil { // a guessed current password costs like a sign-in
		pw = append(pw, h.limits.PerAddress)
	}
	app.Post("/profile/password", append(pw, web.Settle, h.submitPassword)...)
}

func (h *Handler) renderProfile(c *fiber.Ctx, status int, p profilePage) error {
	p.Professions, p.Locales = models.Professions, models.Locales
	return h.r.Page(c, status, "profile", h.r.T(c, "profile.title"), p)
}

func (h *Handler) showProfile(c *fiber.Ctx) error {
	p := profilePage{In: auth.From(c).User}
	switch c.Query("done") {
	case "saved":
		p.Notice = "profile.saved"
	case "password":
		p.Notice = "profile.password_changed"
	}
	return h.renderProfile(c, fiber.StatusOK, p)
}

func (h *Handler) submitProfile(c *fiber.Ctx) error {
	id := auth.From(c)
	name, nameAr := web.PostValue(c, "name"), web.PostValue(c, "name_ar")
	profession, org, locale := web.PostValue(c, "profession"), web.PostValue(c, "organization"), web.PostValue(c, "locale")
	ch := ProfileChange{Name: &name, NameAr: &nameAr, Profession: &profession, Organization: &org, Locale: &locale}
	u, err := h.svc.UpdateProfile(c.UserContext(), id.User, h.sessions, id.SessionID, ch)
	var we *web.Error
	if errors.As(err, &we) && we.Status < 500 {
		typed := id.User
		typed.Name, typed.NameAr, typed.Profession, typed.Organization, typed.Locale = name, nameAr, profession, org, locale
		return h.renderProfile(c, fiber.StatusUnprocessableEntity,
			profilePage{In: typed, Form: "profile", Errors: web.FormErrors(we.Fields)})
	}
	if err != nil {
		return err
	}
	// The page comes back in the language just chosen: ?lang= also sets
	// the language cookie, which otherwise outranks the profile's.
	return c.Redirect("/profile?done=saved&lang="+u.Locale, fiber.StatusSeeOther)
}

func (h *Handler) submitPassword(c *fiber.Ctx) error {
	id := auth.From(c)
	current, password, confirm := web.PostValue(c, "current_password"), web.PostValue(c, "password"), web.PostValue(c, "confirm")
	fail := func(errs []web.FieldError) error {
		return h.renderProfile(c, fiber.StatusUnprocessableEntity,
			profilePage{In: id.User, Form: "password", Errors: web.FormErrors(errs)})
	}
	if password != confirm {
		return fail([]web.FieldError{web.Field("confirm", "admin.err.confirm_mismatch")})
	}
	_, err := h.svc.UpdateProfile(c.UserContext(), id.User, h.sessions, id.SessionID,
		ProfileChange{Password: &password, CurrentPassword: &current})
	var we *web.Error
	if errors.As(err, &we) && we.Status < 500 {
		return fail(we.Fields)
	}
	if err != nil {
		return err
	}
	web.LogEvent(c, "auth.password_change", "user_id", id.User.ID)
	return c.Redirect("/profile?done=password", fiber.StatusSeeOther)
}
