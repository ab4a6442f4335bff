package cohorts

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"tadrib/courses"
	"tadrib/internal/auth"
	"tadrib/internal/web"
)

// inviteURL is the link that lets whoever holds it join the cohort.
func (ch *Handler) inviteURL(token string) string {
	return ch.env.BaseURL + "/join/" + token
}

// out prepares a cohort for the API.
func (ch *Handler) out(co Cohort) Cohort {
	co.InviteURL = ch.inviteURL(co.Token())
	return co
}

func (ch *Handler) createCohort(c *fiber.Ctx) error {
	var in CohortInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	co, err := ch.svc.CreateCohort(c.UserContext(), *auth.User(c), in, web.Lang(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(ch.out(co))
}

func (ch *Handler) listCohorts(c *fiber.Ctx) error {
	list, err := ch.svc.Cohorts(c.UserContext(), *auth.User(c), web.Lang(c))
	if err != nil {
		return err
	}
	for i := range list {
		list[i] = ch.out(list[i])
	}
	return c.JSON(fiber.Map{"items": list})
}

func (ch *Handler) showCohort(c *fiber.Ctx) error {
	cid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	co, err := ch.svc.Cohort(c.UserContext(), *auth.User(c), cid, web.Lang(c))
	if err != nil {
		return err
	}
	return c.JSON(ch.out(co))
}

func (ch *Handler) updateCohort(c *fiber.Ctx) error {
	cid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	var in CohortInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	co, err := ch.svc.UpdateCohort(c.UserContext(), *auth.User(c), cid, in, web.Lang(c))
	if err != nil {
		return err
	}
	return c.JSON(ch.out(co))
}

func (ch *Handler) listMembers(c *fiber.Ctx) error {
	cid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	ms, err := ch.svc.CohortMembers(c.UserContext(), *auth.User(c), cid, web.Lang(c))
	if err != nil {
		return err
	}
	invs, err := ch.svc.CohortInvitations(c.UserContext(), *auth.User(c), cid)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": ms, "invitations": invs})
}

func (ch *Handler) removeMember(c *fiber.Ctx) error {
	cid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	uid, err := userParam(c)
	if err != nil {
		return err
	}
	if err := ch.svc.RemoveMember(c.UserContext(), *auth.User(c), cid, uid); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// importMembers takes a member list as text/csv or as JSON {members:[…]}.
func (ch *Handler) importMembers(c *fiber.Ctx) error {
	cid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	// Ownership first: someone else's cohort is not found, whatever the body.
	if _, err := ch.svc.Cohort(c.UserContext(), *auth.User(c), cid, web.Lang(c)); err != nil {
		return err
	}
	var rows []MemberInput
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	if strings.HasPrefix(ct, "text/csv") {
		if rows, err = ParseMembersCSV(c.Body()); err != nil {
			return err
		}
	} else {
		var in struct {
			Members []MemberInput `json:"members"`
		}
		if err := web.DecodeJSON(c, &in); err != nil {
			return err
		}
		switch {
		case len(in.Members) == 0:
			return web.Invalid(web.Field("members", "err.required"))
		case len(in.Members) > maxMemberRows:
			return web.Invalid(web.Field("members", "cohort.csv.too_many_rows", maxMemberRows))
		}
		rows = in.Members
	}
	ch.professionLabels(c, rows)
	rep, err := ch.svc.ImportMembers(c.UserContext(), *auth.User(c), cid, rows, web.Lang(c))
	if err != nil {
		return err
	}
	ch.finishReport(c, &rep)
	return c.JSON(rep)
}

// professionLabels lets a list name professions as the trainer reads them
// on the site, in their language.
func (ch *Handler) professionLabels(c *fiber.Ctx, rows []MemberInput) {
	useProfessionLabels(rows, func(p string) string { return ch.r.T(c, "profession."+p) })
}

// finishReport adds, after the import is committed, each invitation's link
// and a one-time set-password link for each account an admin's list created,
// and the reasons in the reader's language.
func (ch *Handler) finishReport(c *fiber.Ctx, rep *ImportReport) {
	ps, _ := any(ch.env.Accounts).(passwordSetter)
	actor := auth.User(c).ID
	for i := range rep.Rows {
		r := &rep.Rows[i]
		if r.Reason != "" {
			r.Message = ch.r.T(c, "cohort.reason."+r.Reason)
		}
		if r.Status == RowMember {
			r.Message = ch.r.T(c, "cohort.row_member")
		}
		if r.Token() != "" {
			r.InviteURL = ch.invitationURL(r.Token())
		}
		if r.Status != RowCreated || ps == nil || ch.env.Accounts == nil {
			continue
		}
		tok, err := ps.PasswordSetToken(c.UserContext(), r.UserID, actor, setPasswordTTL)
		if err != nil {
			web.LogEvent(c, "cohort.set_password_link_failed", "user_id", r.UserID, "error", err.Error())
			continue
		}
		r.SetPasswordURL = ch.env.BaseURL + "/set-password/" + tok
	}
	for i := range rep.Rejected {
		rep.Rejected[i].Message = ch.r.T(c, "cohort.reason."+rep.Rejected[i].Reason)
	}
}

// joinCohort lets a signed-in user join through an invitation.
func (ch *Handler) joinCohort(c *fiber.Ctx) error {
	co, joined, err := ch.svc.JoinCohort(c.UserContext(), *auth.User(c), c.Params("token"), "api", web.Lang(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"cohort": ch.out(co), "joined": joined})
}
