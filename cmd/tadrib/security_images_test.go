package main

import "tadrib/internal/webtest"

import "testing"

// TestSecurityDraftImages: an image that only a draft course uses is not
// public by its hash: anonymous visitors, trainees and other trainers get a
// 404, its author and admins get it, never cached by shared caches; once the
// course is published it is public and immutable.
func TestSecurityDraftImages(t *testing.T) {
	a := newTestApp(t, nil)
	owner, slug, _ := authorCourse(t, a, []string{"police"}, false)
	r := uploadImage(owner, slug, "carte.png", webtest.PNG(t, 11))
	wantStatus(t, r, 201)
	url := r.JSON(t)["url"].(string)
	wantStatus(t, a.do("GET", url, nil), 404)
	wantStatus(t, a.register("police").do("GET", url, nil), 404)
	wantStatus(t, a.trainer().do("GET", url, nil), 404)
	for _, u := range []user{owner, a.admin()} {
		got := u.do("GET", url, nil)
		wantStatus(t, got, 200)
		if cc := got.Header.Get("Cache-Control"); cc != "private, no-cache" {
			t.Errorf("a draft's image: Cache-Control %q, want private, no-cache", cc)
		}
	}
	wantStatus(t, owner.do("PATCH", "/api/v1/courses/"+slug, map[string]any{"published": true}), 200)
	got := a.do("GET", url, nil)
	wantStatus(t, got, 200)
	if cc := got.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Errorf("a published course's image: Cache-Control %q", cc)
	}
}
