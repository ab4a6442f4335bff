package accounts

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/auth"
	"tadrib/internal/config"
	"tadrib/internal/web"
	"tadrib/models"
)

// privacyRoutes mounts the privacy notice and the user's own rights over
// their data: the download (the admin's export, of oneself) and the
// deletion (the admin's erasure, confirmed by the password), as pages and
// as /api/v1/me. Both writes are rate-limited per address: the deletion
// checks a password, and an export reads a whole record.
func (h *Handler) privacyRoutes(app fiber.Router, api fiber.Router) {
	lim := []fiber.Handler{auth.RequireUser}
	if h.limits.PerAddress != nil {
		lim = append(lim, h.limits.PerAddress)
	}
	app.Get("/privacy", h.showPrivacy)
	app.Post("/profile/export", append(lim, web.Settle, h.exportMine)...)
	app.Get("/profile/delete", auth.RequireUser, h.showDeleteMine)
	app.Post("/profile/delete", append(lim, web.Settle, h.deleteMine)...)
	api.Get("/me/export", append(lim, web.Settle, h.exportMine)...)
	api.Delete("/me", append(lim, web.Settle, h.apiDeleteMe)...)
}

// period is a retention period as the notice states it: Keep, or N of a
// unit (years, months or days), the largest unit that divides it exactly.
type period struct {
	Keep bool
	N    int
	Unit string // "years", "months", "days"
}

func periodOf(days int) period {
	switch {
	case days == 0:
		return period{Keep: true}
	case days%365 == 0:
		return period{N: days / 365, Unit: "years"}
	case days%30 == 0:
		return period{N: days / 30, Unit: "months"}
	}
	return period{N: days, Unit: "days"}
}

// privacyPage is the data of privacy.html: the figures come from the
// configuration, so the notice says what the retention job does.
type privacyPage struct {
	Issuer, IssuerAr       string
	Inactive, Ended, Audit period
	Deleted                bool // the account was just deleted
}

func (h *Handler) showPrivacy(c *fiber.Ctx) error {
	rt := h.retention
	p := privacyPage{Inactive: periodOf(rt.InactiveDays),
		Ended: periodOf(rt.EndedDays), Audit: periodOf(rt.AuditDays), Deleted: c.Query("deleted") == "1" && auth.From(c) == nil}
	// The operator is named once configured: "Tadrib is operated by
	// Tadrib", the development default, says nothing.
	if h.issuer != "" && h.issuer != "Tadrib" {
		p.Issuer, p.IssuerAr = h.issuer, h.issuerAr
	}
	return h.r.Page(c, fiber.StatusOK, "privacy", h.r.T(c, "privacy.title"), p)
}

// exportMine sends the signed-in user's own data export: the admin's
// export (Service.Export, the same parts), of oneself, audited with oneself
// as the actor.
func (h *Handler) exportMine(c *fiber.Ctx) error {
	u := *auth.User(c)
	doc, err := h.svc.Export(c.UserContext(), u, u.ID, h.exporters)
	if err != nil {
		return err
	}
	web.LogEvent(c, "user.export_own", "user_id", u.ID)
	return sendExport(c, u.ID, doc)
}

// sendExport writes an export as a JSON download. The file name is ASCII,
// the id, never the person's name (RFC 6266 needs no encoding then, and no
// header can be forged through it); no-store: it is a whole record.
func sendExport(c *fiber.Ctx, id int64, doc map[string]any) error {
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="tadrib-user-`+strconv.FormatInt(id, 10)+`.json"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(doc)
}

// deletePage is the data of profile_delete.html.
type deletePage struct {
	Errors  map[string]web.FieldError
	Message string // a refusal's key (the last admin)
}

func (h *Handler) showDeleteMine(c *fiber.Ctx) error {
	return h.r.Page(c, fiber.StatusOK, "profile_delete", h.r.T(c, "privacy.delete.title"), deletePage{})
}

func (h *Handler) deleteMine(c *fiber.Ctx) error {
	u := *auth.User(c)
	err := h.svc.DeleteSelf(c.UserContext(), u, web.PostValue(c, "current_password"))
	var we *web.Error
	if errors.As(err, &we) && we.Status < 500 {
		// A form's invalid fields answer 422, as every page's form does; a
		// refusal (the last admin) keeps its own status.
		p, status := deletePage{Errors: web.FormErrors(we.Fields)}, fiber.StatusUnprocessableEntity
		if len(we.Fields) == 0 {
			p.Message, status = we.Key, we.Status
		}
		return h.r.Page(c, status, "profile_delete", h.r.T(c, "privacy.delete.title"), p)
	}
	if err != nil {
		return err
	}
	h.signedOut(c, u)
	// Clear-Site-Data also clears the language cookie: the notice comes
	// in the language the person was reading.
	return c.Redirect("/privacy?deleted=1&lang="+web.Lang(c), fiber.StatusSeeOther)
}

func (h *Handler) apiDeleteMe(c *fiber.Ctx) error {
	var in struct {
		CurrentPassword string `json:"current_password"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	u := *auth.User(c)
	if err := h.svc.DeleteSelf(c.UserContext(), u, in.CurrentPassword); err != nil {
		return err
	}
	h.signedOut(c, u)
	return c.SendStatus(fiber.StatusNoContent)
}

// signedOut ends this browser's hold on a deleted account: the session row
// went with the account (so every device is signed out), the cookie and
// the cached pages go here.
func (h *Handler) signedOut(c *fiber.Ctx, u models.User) {
	web.LogEvent(c, "user.delete_own", "user_id", u.ID)
	h.cookies.ClearSession(c)
	c.Set("Clear-Site-Data", `"cache", "cookies"`)
}

// PrivacyEnv is what the privacy notice states from the configuration.
type PrivacyEnv struct {
	Retention        config.Retention
	Issuer, IssuerAr string
}
