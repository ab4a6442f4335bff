package courses

import (
	"slices"
	"strings"
	"testing"
	"time"

	"tadrib/models"
)

// The rules in this file need no database: who may see and edit a course,
// which language a text is shown in, what a slug and a path of prerequisites
// may be, and how progress becomes a percent and a completion.

func TestWhoSeesAndEditsACourse(t *testing.T) {
	t.Parallel()
	author := &models.User{ID: 1, Role: models.RoleTrainer}
	other := &models.User{ID: 2, Role: models.RoleTrainer}
	admin := &models.User{ID: 3, Role: models.RoleAdmin}
	// A trainee who somehow has the author's id (created_by names a
	// trainer; the role is what counts) neither edits nor sees a draft.
	trainee := &models.User{ID: 1, Role: models.RoleTrainee}
	byAuthor := func(published bool) models.Course {
		id := int64(1)
		return models.Course{Published: published, CreatedBy: &id}
	}
	orphan := models.Course{Published: false} // created_by NULL: its author is gone

	for _, tc := range []struct {
		name          string
		user          *models.User
		course        models.Course
		see, edit     bool
		staffFollowUp bool
	}{
		{"visitor, published", nil, byAuthor(true), true, false, false},
		{"visitor, draft", nil, byAuthor(false), false, false, false},
		{"trainee, published", trainee, byAuthor(true), true, false, false},
		{"trainee with the author's id, draft", trainee, byAuthor(false), false, false, false},
		{"author, draft", author, byAuthor(false), true, true, true},
		{"author, published", author, byAuthor(true), true, true, true},
		{"another trainer, draft", other, byAuthor(false), false, false, true},
		{"another trainer, published", other, byAuthor(true), true, false, true},
		{"admin, someone's draft", admin, byAuthor(false), true, true, true},
		{"admin, draft without author", admin, orphan, true, true, true},
		{"trainer, draft without author", other, orphan, false, false, true},
	} {
		if got := CanSee(tc.user, tc.course); got != tc.see {
			t.Errorf("%s: CanSee = %v, want %v", tc.name, got, tc.see)
		}
		if got := CanEdit(tc.user, tc.course); got != tc.edit {
			t.Errorf("%s: CanEdit = %v, want %v", tc.name, got, tc.edit)
		}
		if got := IsStaff(tc.user); got != tc.staffFollowUp {
			t.Errorf("%s: IsStaff = %v, want %v", tc.name, got, tc.staffFollowUp)
		}
	}
}

func TestPickTextFallsBackToTheCourseLanguageThenAny(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name           string
		versions       map[string]string
		lang, def      string
		want, wantUsed string
	}{
		{"asked language present", map[string]string{"fr": "Bonjour", "ar": "مرحبا"}, "ar", "fr", "مرحبا", "ar"},
		{"course language when untranslated", map[string]string{"fr": "Bonjour", "en": "Hello"}, "ar", "fr", "Bonjour", "fr"},
		// Neither: the first of models.Locales that exists (fr, ar, en).
		{"any, in the locales' order", map[string]string{"en": "Hello", "ar": "مرحبا"}, "fr", "es", "مرحبا", "ar"},
		{"nothing at all", map[string]string{}, "ar", "fr", "", "fr"},
	} {
		got, used := PickText(tc.versions, tc.lang, tc.def)
		if got != tc.want || used != tc.wantUsed {
			t.Errorf("%s: PickText = %q, %q; want %q, %q", tc.name, got, used, tc.want, tc.wantUsed)
		}
	}
}

func TestSlugs(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"traite-101": true, "a": true, "0-depart": true, strings.Repeat("a", 80): true,
		"": false, "-debut": false, "Majuscule": false, "avec espace": false, "accentué": false,
		"sous/chemin": false, strings.Repeat("a", 81): false,
	} {
		if got := ValidSlug(s); got != want {
			t.Errorf("ValidSlug(%q) = %v, want %v", s, got, want)
		}
	}
	for _, tc := range []struct{ title, want string }{
		{"Identifier et orienter", "identifier-et-orienter"},
		{"Écoute, protection & orientation", "ecoute-protection-orientation"},
		{"Cœur du sujet", "coeur-du-sujet"},
		{"الاتجار بالبشر", "alatjar-balbshr"}, // transliterated, not translated
		{"١٠١", "101"},
		{"???", "cours-1"}, // nothing left: the fallback
		{strings.Repeat("ab-", 30), "ab-ab-ab-ab-ab-ab-ab-ab-ab-ab-ab-ab-ab-ab-ab-ab-ab"}, // ≤ 50, no trailing dash
	} {
		got := Slugify(tc.title, "cours-1")
		if got != tc.want {
			t.Errorf("Slugify(%q) = %q, want %q", tc.title, got, tc.want)
		}
		if !ValidSlug(got) {
			t.Errorf("Slugify(%q) = %q, which is not a valid slug", tc.title, got)
		}
	}
}

func TestValidText(t *testing.T) {
	t.Parallel()
	str := func(s string) *string { return &s }
	for _, tc := range []struct {
		name     string
		v        *string
		required bool
		wantKey  string // "" for no error
		trimmed  string
	}{
		{"absent, optional", nil, false, "", ""},
		{"absent, required", nil, true, "err.required", ""},
		{"blank, required", str("   "), true, "err.required", ""},
		{"blank, optional", str("  "), false, "", ""},
		{"trimmed", str("  Titre \n"), true, "", "Titre"},
		{"invalid UTF-8", str("a\xffb"), false, "err.text_chars", ""},
		{"ten runes is the limit", str("éééééééééé"), true, "", "éééééééééé"},
		{"eleven runes is too long", str("ééééééééééé"), true, "err.too_long", ""},
	} {
		errs := ValidText("title", tc.v, tc.required, 10)
		switch {
		case tc.wantKey == "" && len(errs) != 0:
			t.Errorf("%s: errors %+v, want none", tc.name, errs)
		case tc.wantKey != "" && (len(errs) != 1 || errs[0].Key != tc.wantKey || errs[0].Field != "title"):
			t.Errorf("%s: errors %+v, want one %s on title", tc.name, errs, tc.wantKey)
		}
		if tc.wantKey == "" && tc.v != nil && *tc.v != tc.trimmed {
			t.Errorf("%s: value left as %q, want %q", tc.name, *tc.v, tc.trimmed)
		}
	}
}

func TestCheckPrerequisites(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		prereqs []string
		wantErr string // a part of the message, "" for none
	}{
		{"none", nil, ""},
		{"a path", []string{"base", "droit"}, ""},
		{"the most allowed", []string{"a", "b", "c", "d", "e"}, ""},
		{"one too many", []string{"a", "b", "c", "d", "e", "f"}, "at most 5"},
		{"itself", []string{"base", "metier"}, "cannot require itself"},
		{"not a slug", []string{"Pas Un Slug"}, "is not a course slug"},
		{"twice", []string{"base", "base"}, "named twice"},
	} {
		got := CheckPrerequisites("metier", tc.prereqs)
		if (tc.wantErr == "") != (got == "") || !strings.Contains(got, tc.wantErr) {
			t.Errorf("%s: CheckPrerequisites = %q, want %q", tc.name, got, tc.wantErr)
		}
	}
}

func TestCatalogueOrderFollowsThePath(t *testing.T) {
	t.Parallel()
	item := func(slug string, prereqs ...string) CatalogItem {
		return CatalogItem{Slug: slug, Prerequisites: prereqs}
	}
	slugs := func(items []CatalogItem) []string {
		var out []string
		for _, it := range items {
			out = append(out, it.Slug)
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		items []CatalogItem
		want  []string
	}{
		{"no path keeps the order", []CatalogItem{item("b"), item("a"), item("c")}, []string{"b", "a", "c"}},
		{"a course after what it requires", []CatalogItem{item("metier", "base"), item("autre"), item("base")},
			[]string{"base", "metier", "autre"}},
		{"a chain", []CatalogItem{item("c", "b"), item("b", "a"), item("a")}, []string{"a", "b", "c"}},
		{"a prerequisite not listed is ignored", []CatalogItem{item("metier", "cache"), item("autre")},
			[]string{"metier", "autre"}},
		// A loop (only possible by hand in the database) must not hang nor
		// drop a course.
		{"a loop", []CatalogItem{item("x", "y"), item("y", "x")}, []string{"y", "x"}},
	} {
		if got := slugs(orderByPath(tc.items)); !slices.Equal(got, tc.want) {
			t.Errorf("%s: order %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestProgressFinish(t *testing.T) {
	t.Parallel()
	last := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name          string
		p             Progress
		last          time.Time
		wantPercent   int
		wantCompleted bool
	}{
		{"nothing to do", Progress{}, time.Time{}, 0, false},
		{"nothing done", Progress{LessonsTotal: 4}, time.Time{}, 0, false},
		{"one of three, rounded down", Progress{LessonsTotal: 3, LessonsDone: 1}, last, 33, false},
		{"two of three, rounded down", Progress{LessonsTotal: 3, LessonsDone: 2}, last, 66, false},
		{"lessons done, quiz not passed", Progress{LessonsTotal: 3, LessonsDone: 3, QuizzesTotal: 1}, last, 75, false},
		{"lessons and quiz", Progress{LessonsTotal: 3, LessonsDone: 3, QuizzesTotal: 1, QuizzesPassed: 1}, last, 100, true},
		{"only a quiz, passed", Progress{QuizzesTotal: 1, QuizzesPassed: 1}, last, 100, true},
	} {
		p := tc.p
		p.Finish(tc.last)
		if p.Percent != tc.wantPercent || (p.CompletedAt != nil) != tc.wantCompleted {
			t.Errorf("%s: %d %%, completed %v; want %d %%, completed %v", tc.name, p.Percent, p.CompletedAt, tc.wantPercent, tc.wantCompleted)
		}
		if tc.wantCompleted && !p.CompletedAt.Equal(tc.last) {
			t.Errorf("%s: completed at %v, want the last activity %v", tc.name, p.CompletedAt, tc.last)
		}
		if (p.LastActivity != nil) != !tc.last.IsZero() {
			t.Errorf("%s: last activity %v with last %v", tc.name, p.LastActivity, tc.last)
		}
	}
}

func TestSortedKeys(t *testing.T) {
	t.Parallel()
	if got := SortedKeys(map[string]int{"fr": 1, "ar": 2, "en": 3}); !slices.Equal(got, []string{"ar", "en", "fr"}) {
		t.Errorf("SortedKeys = %v", got)
	}
	if got := SortedKeys(map[string]bool{}); got == nil || len(got) != 0 {
		t.Errorf("SortedKeys of nothing = %#v, want an empty list", got)
	}
}
