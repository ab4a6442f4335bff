package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
	"gorm.io/gorm"

	"tadrib/models"
)

// BenchmarkLessonAPI serves GET /api/v1/lessons/{id} to an enrolled trainee
// through the app's handler without a network, for profiling:
//
//	go test -run '^$' -bench LessonAPI -cpuprofile cpu.out ./cmd/tadrib
//
// The end-to-end figure, beside a bare handler, is tadrib-load's.
func BenchmarkLessonAPI(b *testing.B) {
	a := newTestApp(b, nil)
	u := a.register("police")
	items := u.do("GET", "/api/v1/courses", nil).JSON(b)["items"].([]any)
	slug := items[0].(map[string]any)["slug"].(string)
	u.do("POST", "/api/v1/courses/"+slug+"/enroll", nil)
	c := u.do("GET", "/api/v1/courses/"+slug, nil).JSON(b)
	lesson := c["modules"].([]any)[0].(map[string]any)["lessons"].([]any)[0].(map[string]any)["id"].(string)
	h := a.Handler()
	b.ReportAllocs()
	b.SetParallelism(16) // 32 requests in flight on 2 cores, as tadrib-load sends
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var ctx fasthttp.RequestCtx
		for pb.Next() {
			ctx.Request.Reset()
			ctx.Response.Reset()
			ctx.Request.SetRequestURI("/api/v1/lessons/" + lesson)
			ctx.Request.Header.SetMethod("GET")
			ctx.Request.Header.Set("Authorization", "Bearer "+u.Token)
			h(&ctx)
			if ctx.Response.StatusCode() != 200 || !strings.Contains(string(ctx.Response.Body()), `"html"`) {
				b.Fatalf("status %d: %s", ctx.Response.StatusCode(), ctx.Response.Body())
			}
		}
	})
}

// BenchmarkQuizStart starts one attempt per op, each for a new enrolled
// trainee, through the quiz service (no HTTP), 32 at a time: the work of the
// exam-start spike, for profiling:
//
//	go test -run '^$' -bench QuizStart -cpuprofile cpu.out ./cmd/tadrib
func BenchmarkQuizStart(b *testing.B) {
	a := newTestApp(b, nil)
	_, slug, quizID := quizCourse(b, a, nil)
	qid, _ := strconv.ParseInt(quizID, 10, 64)
	ctx := context.Background()
	var courseID int64
	if err := a.db.W.Raw("SELECT id FROM courses WHERE slug = ?", slug).Scan(&courseID).Error; err != nil {
		b.Fatal(err)
	}
	users := make([]models.User, b.N)
	err := a.db.W.Transaction(func(tx *gorm.DB) error {
		now := time.Now()
		for i := range users {
			u := models.User{Email: fmt.Sprintf("bench-%d-%d@example.org", b.N, i), PasswordHash: "x", Name: "Bench", Role: models.RoleTrainee,
				Profession: "police", Locale: "fr", CreatedAt: now, UpdatedAt: now}
			if err := tx.Create(&u).Error; err != nil {
				return err
			}
			if err := tx.Exec("INSERT INTO enrolments (user_id, course_id, created_at) VALUES (?, ?, ?)", u.ID, courseID, now).Error; err != nil {
				return err
			}
			users[i] = u
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	var next atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			u := users[next.Add(1)-1]
			if _, resumed, err := a.quizzes.Start(ctx, u, qid); err != nil || resumed {
				b.Fatalf("start: resumed %v, %v", resumed, err)
			}
		}
	})
}

// BenchmarkLessonPageCompression compresses the HTML of a real lesson page
// (the largest of the core course, in French) at each brotli and gzip level,
// and reports its size (B/page) beside the time (ns/op), so that the level
// of dynamic pages is chosen by measurement (issue 11, point 11):
//
//	go test -run '^$' -bench LessonPageCompression ./cmd/tadrib
//
// The level in use is pageBrotliLevel / pageGzipLevel (app.go); compare the
// other lines with theirs from the same run.
func BenchmarkLessonPageCompression(b *testing.B) {
	a := newTestApp(b, nil)
	u := a.register("police")
	items := u.do("GET", "/api/v1/courses", nil).JSON(b)["items"].([]any)
	slug := items[0].(map[string]any)["slug"].(string)
	u.do("POST", "/api/v1/courses/"+slug+"/enroll", nil)
	c := u.do("GET", "/api/v1/courses/"+slug, nil).JSON(b)
	var page []byte
	for _, mod := range c["modules"].([]any) {
		for _, l := range mod.(map[string]any)["lessons"].([]any) {
			r := u.do("GET", "/lessons/"+l.(map[string]any)["id"].(string)+"?lang=fr", nil)
			if len(r.Body) > len(page) {
				page = r.Body
			}
		}
	}
	b.Logf("the largest lesson page: %d bytes of HTML", len(page))
	for _, enc := range []struct {
		name   string
		levels []int
		do     func(dst, src []byte, level int) []byte
	}{
		{"br", []int{0, 1, 2, 3, 4, 5, 6, 7, 9, 11}, fasthttp.AppendBrotliBytesLevel},
		{"gzip", []int{1, 2, 4, 6, 9}, fasthttp.AppendGzipBytesLevel},
	} {
		for _, level := range enc.levels {
			b.Run(fmt.Sprintf("%s-%d", enc.name, level), func(b *testing.B) {
				var out []byte
				b.SetBytes(int64(len(page)))
				for b.Loop() {
					out = enc.do(out[:0], page, level)
				}
				b.ReportMetric(float64(len(out)), "B/page")
			})
		}
	}
}
