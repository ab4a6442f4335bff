package main

import (
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
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
