package cohorts

import (
	"context"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tadrib/internal/accounts"
	"tadrib/internal/plaintext"
	"tadrib/models"
)

// MemberInput is one person of a member list (a CSV line or an item of
// {members:[…]}). Row is the CSV line, or the item's 1-based position.
type MemberInput struct {
	Row          int    `json:"-"`
	Name         string `json:"name"`
	NameAr       string `json:"name_ar"`
	Email        string `json:"email"`
	Profession   string `json:"profession"`
	Organization string `json:"organization"`
}

// Outcomes of one row of an import.
const (
	RowCreated  = "created"
	RowMatched  = "matched"
	RowRejected = "rejected"
)

// ImportRow says what became of one row: Email and Name as the list gave
// them. The handler fills SetPasswordURL for accounts an admin's list created
// (the one-time link to hand to that person) and InviteURL for a trainer's
// invitations (the personal link, shown once).
type ImportRow struct {
	Row            int    `json:"row"`
	Email          string `json:"email"`
	Name           string `json:"name"`
	Status         string `json:"status"`
	Reason         string `json:"reason,omitempty"`
	Message        string `json:"message,omitempty"`
	SetPasswordURL string `json:"set_password_url,omitempty"`
	InviteURL      string `json:"invite_url,omitempty"`
	UserID         int64  `json:"-"`

	token string // the invitation's token, for the handler
}

// Token is the row's invitation token ("" when none), for the handler.
func (r ImportRow) Token() string { return r.token }

// Rejection is a rejected row as importMembers lists them (openapi.json,
// schema Rejection).
type Rejection struct {
	Row     int    `json:"row"`
	Reason  string `json:"reason"`
	Message string `json:"message,omitempty"`
}

// ImportReport is the answer to a member list. A trainer's list creates and
// matches nothing they can see: Created and Matched stay 0 and Invited counts
// the invitations.
type ImportReport struct {
	Created  int         `json:"created"`
	Matched  int         `json:"matched"`
	Invited  int         `json:"invited"`
	Rejected []Rejection `json:"rejected"`
	Rows     []ImportRow `json:"rows"`
}

// Reasons a row is rejected (translated as cohort.reason.<reason>).
const (
	reasonEmail      = "invalid_email"
	reasonName       = "name_missing"
	reasonText       = "invalid_text"
	reasonProfession = "unknown_profession"
	reasonDuplicate  = "duplicate_email"
)

// professionCode reads a profession as trainers type it: the code in any
// case, with spaces or hyphens for underscores.
func professionCode(v string) (string, bool) {
	p := professionKey(v)
	return p, models.Valid(p, models.Professions)
}

func professionKey(v string) string {
	return strings.NewReplacer(" ", "_", "-", "_", "\u2019", "'").Replace(strings.ToLower(strings.TrimSpace(v)))
}

// useProfessionLabels replaces, in rows, professions written as their label
// in the trainer's language ("Inspection du travail", "Magistrature") by
// their code. label gives the label of a code.
func useProfessionLabels(rows []MemberInput, label func(code string) string) {
	alias := map[string]string{}
	for _, p := range models.Professions {
		l := label(p)
		alias[professionKey(l)] = p
		if short, _, ok := strings.Cut(l, " ("); ok { // "Magistrature (juges et procureurs)"
			alias[professionKey(short)] = p
		}
	}
	for i := range rows {
		if p, ok := alias[professionKey(rows[i].Profession)]; ok {
			rows[i].Profession = p
		}
	}
}

func badText(v string, required bool) bool {
	return (required && v == "") || !utf8.ValidString(v) || utf8.RuneCountInString(v) > 200 ||
		plaintext.HasBadRune(v)
}

// checkRow normalizes a row and returns why it cannot be imported, or "".
func checkRow(in *MemberInput) string {
	in.Email = accounts.NormalizeEmail(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	in.NameAr = strings.TrimSpace(in.NameAr)
	in.Organization = strings.TrimSpace(in.Organization)
	if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email || len(in.Email) > 254 {
		return reasonEmail
	}
	if in.Name == "" {
		return reasonName
	}
	if badText(in.Name, true) || badText(in.NameAr, false) || badText(in.Organization, false) {
		return reasonText
	}
	p, ok := professionCode(in.Profession)
	if !ok {
		return reasonProfession
	}
	in.Profession = p
	return ""
}

// ImportMembers adds a list of people to a cohort, in one transaction. Rows
// with bad values are rejected with a reason while the others are imported.
// lang is the language new accounts start in.
//
// An admin's list: accounts are found by email (their role and details
// untouched) or created as trainees without a usable password (they set one
// through a link), every one becomes a member and is enrolled in the cohort's
// courses. A trainer's list invites instead (inviteMembers): nobody is a
// member before accepting, and the report is the same for an address with an
// account and one without.
func (s *Service) ImportMembers(ctx context.Context, editor models.User, cohortID int64, rows []MemberInput, lang string) (ImportReport, error) {
	rep := ImportReport{Rejected: []Rejection{}, Rows: make([]ImportRow, 0, len(rows))}
	seen := map[string]bool{}
	var good []int // indexes into rep.Rows of rows to import
	for i := range rows {
		in := &rows[i]
		if in.Row == 0 {
			in.Row = i + 1
		}
		reason := checkRow(in)
		if reason == "" && seen[in.Email] {
			reason = reasonDuplicate
		}
		seen[in.Email] = true
		r := ImportRow{Row: in.Row, Email: in.Email, Name: in.Name}
		if reason != "" {
			r.Status, r.Reason = RowRejected, reason
			rep.Rejected = append(rep.Rejected, Rejection{Row: in.Row, Reason: reason})
		} else {
			good = append(good, len(rep.Rows))
		}
		rep.Rows = append(rep.Rows, r)
	}
	if editor.Role != models.RoleAdmin {
		if err := s.inviteMembers(ctx, editor, cohortID, rows, good, &rep, lang); err != nil {
			return ImportReport{}, err
		}
		return rep, nil
	}
	err := s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := ownCohort(ctx, tx, editor, cohortID); err != nil {
			return err
		}
		existing, err := usersByEmail(tx, rows, good)
		if err != nil {
			return err
		}
		now := s.now()
		var fresh []*models.User
		for _, gi := range good {
			in := rows[gi]
			if u, ok := existing[in.Email]; ok {
				rep.Rows[gi].Status, rep.Rows[gi].UserID = RowMatched, u.ID
				continue
			}
			// No password: PasswordHash "" matches none, and the person sets
			// one through the link the trainer hands over.
			u := &models.User{Email: in.Email, Name: in.Name, NameAr: in.NameAr, Role: models.RoleTrainee,
				Profession: in.Profession, Organization: in.Organization, Locale: lang, CreatedAt: now, UpdatedAt: now}
			fresh = append(fresh, u)
			rep.Rows[gi].Status = RowCreated
		}
		if len(fresh) > 0 {
			if err := tx.CreateInBatches(fresh, 200).Error; err != nil {
				return fmt.Errorf("create accounts: %w", err)
			}
		}
		byEmail := map[string]int64{}
		for _, u := range fresh {
			byEmail[u.Email] = u.ID
		}
		members := make([]models.CohortMember, 0, len(good))
		ids := make([]int64, 0, len(good))
		events := make([]models.AuditEvent, 0, len(fresh)+1)
		for _, gi := range good {
			r := &rep.Rows[gi]
			if r.Status == RowCreated {
				r.UserID = byEmail[r.Email]
				rep.Created++
				events = append(events, models.AuditEvent{At: now, ActorID: &editor.ID, Action: "user.create_by_import",
					Object: "user:" + strconv.FormatInt(r.UserID, 10), Detail: cohortObject(cohortID)})
			} else {
				rep.Matched++
			}
			members = append(members, models.CohortMember{CohortID: cohortID, UserID: r.UserID, JoinedAt: now, Via: models.ViaList})
			ids = append(ids, r.UserID)
		}
		if len(members) > 0 {
			if err := tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(members, 300).Error; err != nil {
				return fmt.Errorf("add members: %w", err)
			}
			for start := 0; start < len(ids); start += 500 {
				if err := s.enrolMembers(tx, cohortID, ids[start:min(start+500, len(ids))]); err != nil {
					return fmt.Errorf("enrol members: %w", err)
				}
			}
			if err := settleInvitations(tx, cohortID, ids, now); err != nil {
				return err
			}
		}
		events = append(events, models.AuditEvent{At: now, ActorID: &editor.ID, Action: "cohort.members_import", Object: cohortObject(cohortID),
			Detail: fmt.Sprintf("created=%d matched=%d rejected=%d", rep.Created, rep.Matched, len(rep.Rejected))})
		return tx.CreateInBatches(events, 200).Error
	})
	if err != nil {
		return ImportReport{}, err
	}
	return rep, nil
}

// usersByEmail finds the existing accounts of the good rows, 500 emails a
// query (well under both engines' parameter limits).
func usersByEmail(tx *gorm.DB, rows []MemberInput, good []int) (map[string]models.User, error) {
	emails := make([]string, 0, len(good))
	for _, gi := range good {
		emails = append(emails, rows[gi].Email)
	}
	found := map[string]models.User{}
	for start := 0; start < len(emails); start += 500 {
		var us []models.User
		if err := tx.Select("id", "email", "role").Where("email IN ?", emails[start:min(start+500, len(emails))]).Find(&us).Error; err != nil {
			return nil, fmt.Errorf("find accounts: %w", err)
		}
		for _, u := range us {
			found[u.Email] = u
		}
	}
	return found, nil
}
