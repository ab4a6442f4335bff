package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// e2eQuizTimeout bounds the whole quiz scenario: it waits for autosaves,
// and for the page to notice that the network is gone and back.
const e2eQuizTimeout = 2 * e2eTimeout

// TestE2EQuiz takes a timed module quiz on a phone, in the browser, as a
// trainee would: log in, open the quiz, start it, answer the six questions
// by tapping and typing, see each answer saved by the page's script (no form
// is posted), reload and find the answers there, lose the network and get
// it back without losing an answer, submit after the confirmation, read the
// result, and see the result and the quiz page in Arabic, right to left.
func TestE2EQuiz(t *testing.T) {
	chrome, shots := e2eSetup(t)

	// 1. Through the API: a trainer's published course for the police with
	// a timed module quiz (one question of each auto-graded type), and a
	// police trainee enrolled in it.
	a := newTestApp(t, nil)
	_, slug, quizID := quizCourse(t, a, map[string]any{"time_limit_s": 600})
	trainee := enrolled(t, a, slug)
	base := a.serve(t)

	b := startE2EBrowser(t, chrome, e2eQuizTimeout)
	s := &e2eSession{t: t, ctx: b.ctx, base: base, shots: shots}
	quizPath := "/quizzes/" + quizID

	// 2. The quiz page asks for a login first and comes back to the quiz.
	s.open(quizPath)
	if u := s.url(); u.Path != "/login" || u.Query().Get("next") != quizPath {
		t.Fatalf("a signed-out trainee opening the quiz is on %s, want /login?next=%s", u, quizPath)
	}
	s.do(
		chromedp.SendKeys(chromedp.CSS("#email"), trainee.Email),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
	)
	s.click(`form[action="/login"] button[type="submit"]`)
	if p := s.url().Path; p != quizPath {
		t.Fatalf("after logging in, the browser is on %s, want the quiz %s", p, quizPath)
	}
	s.wantDocument("fr", "ltr")
	facts := s.text("ul.facts")
	for _, want := range []string{"6 questions", "10 minutes"} {
		if !strings.Contains(facts, want) {
			t.Errorf("the quiz page's facts do not say %q: %q", want, facts)
		}
	}
	s.wantNoHorizontalScroll("quiz overview (fr)")
	s.shotFromTop("quiz-01-overview-fr")

	// Start: the attempt page holds every question, a countdown and the
	// autosave indicator.
	s.click(`form[action="` + quizPath + `/start"] button[type="submit"]`)
	attemptPath := s.url().Path
	if !regexp.MustCompile(`^/attempts/\d+$`).MatchString(attemptPath) {
		t.Fatalf("starting the quiz led to %s, want /attempts/{id}", attemptPath)
	}
	attemptID := strings.TrimPrefix(attemptPath, "/attempts/")
	s.wantDocument("fr", "ltr")
	if n := eval[int](s, `document.querySelectorAll("form#attempt fieldset.question").length`); n != 6 {
		t.Fatalf("the attempt page shows %d questions, want all 6 on one page", n)
	}
	s.do(chromedp.WaitVisible(chromedp.CSS("#timer")), chromedp.WaitReady(chromedp.CSS("#save-state")))
	s.waitJS("the countdown to start", `/^\d+:\d\d$/.test(document.getElementById("timer-value").textContent.trim())`, 5*time.Second)
	first := s.countdown()
	s.waitJS("the countdown to tick", fmt.Sprintf(`document.getElementById("timer-value").textContent.trim() !== %q`, fmtSeconds(first)), 5*time.Second)
	if left := s.countdown(); left > first {
		t.Errorf("the countdown went up from %s to %s", fmtSeconds(first), fmtSeconds(left))
	}
	at := getAttempt(t, trainee, attemptID) // the attempt as the API sees it
	if at.Deadline == nil {
		t.Fatalf("the attempt of a timed quiz has no deadline")
	}

	// 3. Answer like a person: tap the choices, type the texts (the number
	// with a French decimal comma), pick the matching items by their text.
	s.tapChoice("single", "The Palermo Protocol")
	s.tapChoice("multiple", "The act")
	s.tapChoice("multiple", "The means")
	s.tapChoice("true_false", "Vrai")
	s.typeAnswer("short", "27-14")
	s.typeAnswer("numerical", "3,0")
	for _, p := range [][2]string{{"Act", "Recruitment"}, {"Means", "Deception"}, {"Purpose", "Exploitation"}} {
		s.match(p[0], p[1])
	}
	wantOnPage := map[string]string{
		"single": "The Palermo Protocol", "multiple": "The act|The means", "true_false": "Vrai",
		"short": "27-14", "numerical": "3,0", "matching": "Act=Recruitment|Means=Deception|Purpose=Exploitation",
	}
	s.wantAnswersOnPage("after answering", wantOnPage)
	s.waitSaved("after answering")
	s.wantNoHorizontalScroll("attempt (fr)")
	s.shotFromTop("quiz-02-attempt-fr")

	// The script saved every answer; the form was not posted (that would
	// have reloaded the page with ?saved=1).
	if u := s.url(); u.Path != attemptPath || u.RawQuery != "" {
		t.Errorf("answering left the attempt page for %s", u)
	}
	want := expectedAnswers(t, at, "27-14")
	wantStored(t, trainee, attemptID, want, "after answering")

	// 4. Reload: the page shows the answers the server has.
	if _, err := chromedp.RunResponse(s.ctx, chromedp.Reload()); err != nil {
		t.Fatalf("reload the attempt: %v", err)
	}
	if p := s.url().Path; p != attemptPath {
		t.Fatalf("reloading the attempt led to %s", p)
	}
	wantOnPage["numerical"] = "3" // as the server writes the number back
	s.wantAnswersOnPage("after a reload", wantOnPage)

	// 5. The network goes: a changed answer is kept on the phone and the
	// page says so; the network comes back: it is sent.
	b.setOffline(true)
	offAt := time.Now()
	s.retype("short", "27.14")
	msg := s.waitState("offline", "with the network gone", 10*time.Second)
	t.Logf("the page said it was offline %v after the network went", time.Since(offAt).Round(time.Millisecond))
	s.shotFromTop("quiz-03-attempt-offline-fr")
	if !strings.HasPrefix(msg, "Hors ligne") {
		t.Errorf("the offline message reads %q", msg)
	}
	wantStored(t, trainee, attemptID, want, "while offline") // still the old answer
	back := time.Now()
	b.setOffline(false)
	s.waitSaved("with the network back")
	t.Logf("the page sent the answer kept offline %v after the network came back", time.Since(back).Round(time.Millisecond))
	want = expectedAnswers(t, at, "27.14")
	wantStored(t, trainee, attemptID, want, "with the network back")
	wantOnPage["short"] = "27.14"

	// The attempt page in Arabic: right to left, the same answers, no
	// sideways scroll. Then back to French with the language menu.
	s.click(`nav.langs a[hreflang="ar"]`)
	if p := s.url().Path; p != attemptPath {
		t.Fatalf("switching to Arabic left the attempt for %s", p)
	}
	s.wantDocument("ar", "rtl")
	wantOnPage["true_false"] = eval[string](s, `document.querySelector('fieldset[data-type="true_false"] input[value="true"]').closest("label").textContent.trim()`)
	s.wantAnswersOnPage("in Arabic", wantOnPage)
	s.do(chromedp.WaitVisible(chromedp.CSS("#timer")))
	s.wantNoHorizontalScroll("attempt (ar)")
	s.shotFromTop("quiz-04-attempt-ar")
	s.click(`nav.langs a[hreflang="fr"]`)
	s.wantDocument("fr", "ltr")

	// 6. Finish: the browser asks for a confirmation; accept it.
	dialog := b.acceptDialogs()
	s.click("#finish")
	select {
	case d := <-dialog:
		if d.Type != page.DialogTypeConfirm || !strings.Contains(d.Message, "Envoyer vos réponses") {
			t.Errorf("the finish button asked %s %q, want a confirmation in French", d.Type, d.Message)
		}
	default:
		t.Errorf("the finish button submitted without a confirmation")
	}
	resultPath := attemptPath + "/result"
	if p := s.url().Path; p != resultPath {
		t.Fatalf("finishing led to %s, want %s", p, resultPath)
	}
	s.wantDocument("fr", "ltr")
	if n := eval[int](s, `document.querySelectorAll(".card.result.passed").length`); n != 1 {
		t.Errorf("the result card is not marked passed: %q", eval[string](s, `(document.querySelector(".card.result") || {}).className || "no .card.result"`))
	}
	if lead := s.text(".result .lead"); !strings.Contains(lead, "Quiz réussi") {
		t.Errorf("the result says %q, want it passed", lead)
	}
	if score := s.text(".result .meta"); !strings.Contains(score, "6 points sur 6") {
		t.Errorf("the score line reads %q, want 6 points out of 6", score)
	}
	review := eval[[]string](s, `[...document.querySelectorAll("ol.review > li")].map(li => li.className)`)
	if len(review) != 6 {
		t.Errorf("the review lists %d questions, want 6", len(review))
	}
	for i, c := range review {
		if !strings.Contains(c, "right") {
			t.Errorf("review item %d is %q, want right", i+1, c)
		}
	}
	s.wantNoHorizontalScroll("result (fr)")
	s.shotFromTop("quiz-05-result-fr")
	res := trainee.do("GET", "/api/v1/attempts/"+attemptID, nil)
	wantStatus(t, res, 200)
	if m := res.JSON(t); m["status"] != "submitted" {
		t.Errorf("after finishing, the attempt is %v, want submitted", m["status"])
	}

	// 7. The result and the quiz page in Arabic.
	s.click(`nav.langs a[hreflang="ar"]`)
	if p := s.url().Path; p != resultPath {
		t.Fatalf("switching to Arabic left the result for %s", p)
	}
	s.wantDocument("ar", "rtl")
	if n := eval[int](s, `document.querySelectorAll(".card.result.passed").length`); n != 1 {
		t.Errorf("the Arabic result card is not marked passed")
	}
	if n := eval[int](s, `document.querySelectorAll("ol.review > li").length`); n != 6 {
		t.Errorf("the Arabic review lists %d questions, want 6", n)
	}
	s.wantNoHorizontalScroll("result (ar)")
	s.shotFromTop("quiz-06-result-ar")
	s.click(`nav.crumbs a[href="` + quizPath + `"]`)
	if p := s.url().Path; p != quizPath {
		t.Fatalf("the result's link to the quiz led to %s", p)
	}
	s.wantDocument("ar", "rtl")
	if n := eval[int](s, `document.querySelectorAll("table.attempts tbody tr").length`); n != 1 {
		t.Errorf("the Arabic quiz page lists %d attempts, want 1", n)
	}
	s.wantNoHorizontalScroll("quiz overview (ar)")
	s.shotFromTop("quiz-07-overview-ar")

	// 8. No script error, no broken resource, on any page.
	for _, p := range b.problems() {
		t.Errorf("the browser reported: %s", p)
	}
}

// e2eBrowser is a headless Chromium at a phone's size, as in
// TestE2ETraineeJourney, that collects what pages report as broken.
type e2eBrowser struct {
	t       *testing.T
	ctx     context.Context
	offline atomic.Bool // the network is switched off: failed saves are expected

	mu     sync.Mutex
	broken []string
}

func startE2EBrowser(t *testing.T, chrome string, timeout time.Duration) *e2eBrowser {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, chromiumOptions(t, chrome)...)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	t.Cleanup(cancelBrowser)

	b := &e2eBrowser{t: t, ctx: bctx}
	if err := chromedp.Listen(bctx, func(ev any) {
		var msg string
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			msg = "uncaught exception: " + ev.ExceptionDetails.Text
			if ev.ExceptionDetails.Exception != nil {
				msg += " " + ev.ExceptionDetails.Exception.Description
			}
		case *log.EventEntryAdded:
			if ev.Entry.Level != log.EntryLevelError {
				break
			}
			// A save that fails for lack of a network is the scenario.
			if ev.Entry.Source == log.EntrySourceNetwork && strings.Contains(ev.Entry.Text, "ERR_INTERNET_DISCONNECTED") && b.offline.Load() {
				break
			}
			msg = fmt.Sprintf("%s: %s (%s)", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
		}
		if msg != "" {
			b.mu.Lock()
			b.broken = append(b.broken, msg)
			b.mu.Unlock()
		}
	}); err != nil {
		t.Fatalf("start Chromium (%s): %v", chrome, err)
	}
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(e2eWidth, e2eHeight, chromedp.EmulatePortrait, chromedp.EmulateMobile)); err != nil {
		t.Fatalf("emulate a %dx%d phone: %v", e2eWidth, e2eHeight, err)
	}
	return b
}

func (b *e2eBrowser) problems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.broken)
}

// setOffline cuts the tab's network, or gives it back, as a phone that
// loses its signal: requests fail and navigator.onLine follows.
func (b *e2eBrowser) setOffline(off bool) {
	b.t.Helper()
	if off {
		b.offline.Store(true)
	}
	conditions := []*network.Conditions{}
	if off {
		conditions = append(conditions, &network.Conditions{Offline: true, DownloadThroughput: -1, UploadThroughput: -1})
	}
	steps := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: conditions}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: off, DownloadThroughput: -1, UploadThroughput: -1})
		return err
	})
	if err := chromedp.Do(b.ctx, steps); err != nil {
		b.t.Fatalf("set the network offline=%v: %v", off, err)
	}
	if !off {
		// Saves that failed just before are still reported a moment later.
		time.AfterFunc(2*time.Second, func() { b.offline.Store(false) })
	}
}

// acceptDialogs accepts the page's JavaScript dialogs, as a trainee taps OK,
// and passes the first one on.
func (b *e2eBrowser) acceptDialogs() <-chan page.EventJavascriptDialogOpening {
	got := make(chan page.EventJavascriptDialogOpening, 1)
	dialogs := chromedp.Events(b.ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			select {
			case got <- ev:
			default:
			}
			if _, err := chromedp.Call(b.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true}); err != nil && !errors.Is(err, context.Canceled) {
				b.t.Errorf("accept the dialog %q: %v", ev.Message, err)
			}
		}
	}()
	return got
}

// shotFromTop saves a full-page screenshot scrolled to the top, so that the
// attempt page's sticky header is drawn where it belongs.
func (s *e2eSession) shotFromTop(name string) {
	s.t.Helper()
	s.do(chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	s.shot(name)
}

// waitJS waits until a JavaScript expression is true on the page.
func (s *e2eSession) waitJS(what, expr string, timeout time.Duration) {
	s.t.Helper()
	_, err := chromedp.Run(s.ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(timeout)))
	if err != nil {
		s.t.Fatalf("waiting for %s at %s: %v", what, s.url().Path, err)
	}
}

// waitState waits for the save indicator to show a state (its class) and
// returns the text it showed then.
func (s *e2eSession) waitState(state, when string, timeout time.Duration) string {
	s.t.Helper()
	text, err := chromedp.Run(s.ctx, chromedp.Poll[string](fmt.Sprintf(`(() => {
		const el = document.getElementById("save-state");
		return el.classList.contains(%q) && el.offsetParent !== null && el.textContent.trim();
	})()`, state), chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(timeout)))
	if err != nil {
		got := eval[[]string](s, `(() => { const el = document.getElementById("save-state"); return [el.className, el.textContent]; })()`)
		s.t.Fatalf("%s, the save indicator does not show %q: it is %q: %v", when, state, got, err)
	}
	return text
}

// waitSaved waits until the page shows every answer saved. The indicator
// keeps its last state while a typed answer waits for a pause, so wait for
// the script to have nothing left to send, too.
func (s *e2eSession) waitSaved(when string) {
	s.t.Helper()
	id := strings.TrimPrefix(s.url().Path, "/attempts/")
	s.waitJS("nothing left to send "+when, fmt.Sprintf(`["", "{}"].includes(localStorage.getItem(%q) || "")`, "tadrib-pending-"+id), 15*time.Second)
	if msg := s.waitState("saved", when, 15*time.Second); msg != "Enregistré" {
		s.t.Errorf("%s, the save indicator reads %q", when, msg)
	}
}

// countdown reads the timer, in seconds.
func (s *e2eSession) countdown() int {
	s.t.Helper()
	v := strings.TrimSpace(s.text("#timer-value"))
	var m, sec int
	if _, err := fmt.Sscanf(v, "%d:%d", &m, &sec); err != nil {
		s.t.Fatalf("the countdown reads %q, want m:ss", v)
	}
	left := m*60 + sec
	if left > 600 || left < 540 {
		s.t.Errorf("the countdown of a 10-minute quiz just started reads %q", v)
	}
	return left
}

func fmtSeconds(s int) string { return fmt.Sprintf("%d:%02d", s/60, s%60) }

// question is the fieldset of a question type (one of each in this quiz).
func question(typ string) string {
	return fmt.Sprintf(`//fieldset[contains(concat(" ", @class, " "), " question ")][@data-type=%q]`, typ)
}

// choiceLabel is the XPath of the choice of a question whose label reads text.
func choiceLabel(typ, text string) string {
	return question(typ) + fmt.Sprintf(`//label[contains(concat(" ", @class, " "), " choice ")][normalize-space(.)=%q]`, text)
}

// xpathNode is a JavaScript expression for the first node of an XPath.
func xpathNode(xpath string) string {
	return fmt.Sprintf(`document.evaluate(%q, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue`, xpath)
}

// tapChoice waits for the earlier answers to be saved, taps a choice, and
// waits for the page to save it.
func (s *e2eSession) tapChoice(typ, text string) {
	s.t.Helper()
	s.settle()
	s.tap(typ, text)
	s.settle()
}

// tap scrolls a choice of a question into the middle of the screen, as a
// thumb would, taps it and wants its box ticked.
func (s *e2eSession) tap(typ, text string) {
	s.t.Helper()
	label := choiceLabel(typ, text)
	if !eval[bool](s, `(() => { const el = `+xpathNode(label)+`; if (!el) return false; el.scrollIntoView({block: "center"}); return true; })()`) {
		s.t.Fatalf("question %s has no choice %q", typ, text)
	}
	s.do(chromedp.Click(chromedp.Search(label)))
	if !eval[bool](s, xpathNode(label)+`.querySelector("input").checked`) {
		s.t.Fatalf("tapping %q (%s) did not tick it", text, typ)
	}
}

// settle waits until the page has sent every answer and heard back: a
// trainee who waits for the tick before the next tap. It also keeps the
// layout still, since the indicator's text changes its height.
func (s *e2eSession) settle() {
	s.t.Helper()
	id := strings.TrimPrefix(s.url().Path, "/attempts/")
	s.waitJS("the answers to be saved", fmt.Sprintf(`["", "{}"].includes(localStorage.getItem(%q) || "") && !document.getElementById("save-state").classList.contains("saving")`, "tadrib-pending-"+id), 15*time.Second)
}

// typeAnswer types into the text field of a question.
func (s *e2eSession) typeAnswer(typ, text string) {
	s.t.Helper()
	sel := chromedp.CSS(`fieldset.question[data-type="` + typ + `"] input:not([type=hidden])`)
	s.settle()
	s.do(chromedp.ScrollIntoView(sel), chromedp.Click(sel), chromedp.SendKeys(sel, text))
	s.settle()
}

// retype erases the text field of a question with the keyboard and types a
// new answer.
func (s *e2eSession) retype(typ, text string) {
	s.t.Helper()
	sel := chromedp.CSS(`fieldset.question[data-type="` + typ + `"] input:not([type=hidden])`)
	old, err := chromedp.Run(s.ctx, chromedp.Value(sel))
	if err != nil {
		s.t.Fatalf("read the %s answer: %v", typ, err)
	}
	s.do(chromedp.ScrollIntoView(sel), chromedp.Click(sel), chromedp.SendKeys(sel, kb.End+strings.Repeat(kb.Backspace, len([]rune(old)))+text))
	if v, _ := chromedp.Run(s.ctx, chromedp.Value(sel)); v != text {
		s.t.Fatalf("retyping the %s answer left %q, want %q", typ, v, text)
	}
}

// match picks, in the list next to the left item, the right item by its
// visible text.
func (s *e2eSession) match(left, right string) {
	s.t.Helper()
	got := eval[[]string](s, fmt.Sprintf(`(() => {
		const label = [...document.querySelectorAll('fieldset.question[data-type="matching"] .pair label')].find(l => l.textContent.trim() === %q);
		if (!label) return [];
		const sel = document.getElementById(label.htmlFor);
		const opt = sel && [...sel.options].find(o => o.text.trim() === %q);
		return opt ? [sel.id, opt.value] : [];
	})()`, left, right))
	if len(got) != 2 {
		s.t.Fatalf("the matching question has no list for %q offering %q", left, right)
	}
	s.settle()
	s.do(chromedp.ScrollIntoView(chromedp.ID(got[0])), chromedp.Focus(chromedp.ID(got[0])), chromedp.SetValue(chromedp.ID(got[0]), got[1]))
	s.settle()
}

// wantAnswersOnPage reads the answers the page shows, by their visible text.
func (s *e2eSession) wantAnswersOnPage(when string, want map[string]string) {
	s.t.Helper()
	got := eval[map[string]string](s, `(() => {
		const out = {};
		for (const fs of document.querySelectorAll("fieldset.question")) {
			const type = fs.dataset.type;
			switch (type) {
			case "single": case "multiple": case "true_false":
				out[type] = [...fs.querySelectorAll("label.choice")].filter(l => l.querySelector("input").checked).map(l => l.textContent.trim()).sort().join("|");
				break;
			case "short": case "numerical":
				out[type] = fs.querySelector("input:not([type=hidden])").value;
				break;
			case "matching":
				out[type] = [...fs.querySelectorAll(".pair")].map(p => p.querySelector("label").textContent.trim() + "=" + (p.querySelector("select").selectedOptions[0] || {text: ""}).text.trim()).sort().join("|");
				break;
			}
		}
		return out;
	})()`)
	if !reflect.DeepEqual(got, want) {
		s.t.Errorf("%s, the page shows the answers %q, want %q", when, got, want)
	}
}

// expectedAnswers is what the server must hold once the page has saved
// every answer, in the API's shapes.
func expectedAnswers(t *testing.T, at attempt, short string) map[string]any {
	t.Helper()
	want := rightAnswers(t, at)
	qs := byType(at)
	want[qs["short"]["id"].(string)] = map[string]any{"text": short}
	return normalizeAnswers(t, want)
}

// normalizeAnswers gives answers the shapes that JSON decoding gives, with
// the chosen options sorted.
func normalizeAnswers(t *testing.T, m map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	for _, a := range out {
		if cs, ok := a.(map[string]any)["choices"].([]any); ok {
			slices.SortFunc(cs, func(x, y any) int { return strings.Compare(x.(string), y.(string)) })
		}
	}
	return out
}

// getAttempt reads an attempt through the API.
func getAttempt(t *testing.T, u user, attemptID string) attempt {
	t.Helper()
	r := u.do("GET", "/api/v1/attempts/"+attemptID, nil)
	wantStatus(t, r, 200)
	var at attempt
	if err := json.Unmarshal(r.Body, &at); err != nil {
		t.Fatal(err)
	}
	return at
}

// wantStored reads the attempt through the API and wants these answers.
func wantStored(t *testing.T, u user, attemptID string, want map[string]any, when string) {
	t.Helper()
	at := getAttempt(t, u, attemptID)
	if at.Status != "in_progress" {
		t.Errorf("%s, the attempt is %s, want in_progress", when, at.Status)
	}
	got := normalizeAnswers(t, at.Answers)
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Errorf("%s, the server holds the answers\n%s\nwant\n%s", when, g, w)
	}
}

// startQuizInBrowser sets up the course, its quiz and an enrolled police
// trainee, logs the trainee in through the form at a phone's size, and
// starts the quiz with its button. script, when set, runs in every page
// before the page's own scripts.
func startQuizInBrowser(t *testing.T, script string) (*e2eSession, *e2eBrowser, user, attempt) {
	t.Helper()
	if os.Getenv(e2eEnv) != "1" {
		t.Skipf("browser test: run it with %s=1", e2eEnv)
	}
	chrome := findChromium(t)
	a := newTestApp(t, nil)
	_, slug, quizID := quizCourse(t, a, map[string]any{"time_limit_s": 600})
	trainee := enrolled(t, a, slug)
	base := a.serve(t)
	b := startE2EBrowser(t, chrome, e2eQuizTimeout)
	s := &e2eSession{t: t, ctx: b.ctx, base: base, shots: t.TempDir()}
	if script != "" {
		if _, err := chromedp.Call(b.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: script}); err != nil {
			t.Fatalf("add a script to the pages: %v", err)
		}
	}
	s.open("/login?next=/quizzes/" + quizID)
	s.do(
		chromedp.SendKeys(chromedp.CSS("#email"), trainee.Email),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
	)
	s.click(`form[action="/login"] button[type="submit"]`)
	s.click(`form[action="/quizzes/` + quizID + `/start"] button[type="submit"]`)
	id, ok := strings.CutPrefix(s.url().Path, "/attempts/")
	if !ok {
		t.Fatalf("starting the quiz led to %s", s.url())
	}
	s.do(chromedp.WaitVisible(chromedp.CSS("#timer")))
	return s, b, trainee, getAttempt(t, trainee, id)
}

// TestE2EQuizAutosaveKeepsTheLastAnswer: a trainee ticks two boxes of a
// question in a row on a slow phone network. The save sent for the first
// tick reaches the server after the one sent for the second: the server
// must still end with both boxes ticked, as the page shows.
func TestE2EQuizAutosaveKeepsTheLastAnswer(t *testing.T) {
	s, b, trainee, at := startQuizInBrowser(t, "")
	multiple := byType(at)["multiple"]
	act, means := optionID(t, multiple, "options", "The act"), optionID(t, multiple, "options", "The means")

	// Hold the first save of an answer on its way; let the others through.
	// A held save, once let go, stops again when the server has answered.
	held := make(chan fetch.EventRequestPaused, 1)
	answered := make(chan fetch.RequestID, 1)
	paused := chromedp.Events(b.ctx, fetch.RequestPaused)
	if _, err := chromedp.Call(b.ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*/api/v1/attempts/*/answers/*"}}}); err != nil {
		t.Fatalf("intercept the saves: %v", err)
	}
	go func() {
		first := true
		for ev, err := range paused {
			if err != nil {
				return
			}
			switch {
			case ev.ResponseStatusCode != 0 || ev.ResponseErrorReason != "":
				answered <- ev.RequestID
				_, err = chromedp.Call(b.ctx, fetch.ContinueResponse, fetch.ContinueResponseParams{RequestID: ev.RequestID})
			case first:
				first = false
				held <- ev
			default:
				_, err = chromedp.Call(b.ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
			}
			if err != nil && b.ctx.Err() == nil {
				t.Errorf("let a save go: %v", err)
			}
		}
	}()

	// Tick "The act": its save is held. Then tick "The means".
	qid := multiple["id"].(string)
	both := normalizeAnswers(t, map[string]any{qid: map[string]any{"choices": []string{act, means}}})
	s.tap("multiple", "The act")
	var first fetch.EventRequestPaused
	select {
	case first = <-held:
	case <-time.After(10 * time.Second):
		t.Fatal("ticking a box sent no save")
	}
	var body []byte
	for _, e := range first.Request.PostDataEntries {
		body = append(body, e.Bytes...)
	}
	if want := fmt.Sprintf(`{"choices":[%q]}`, act); string(body) != want {
		t.Fatalf("the first save sends %s, want %s", body, want)
	}
	s.tap("multiple", "The means")
	// A page that does not wait for the first save sends the second now.
	for end := time.Now().Add(2 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if reflect.DeepEqual(normalizeAnswers(t, getAttempt(t, trainee, at.ID).Answers), both) {
			break
		}
	}

	// The first save arrives late (unless the page cancelled it).
	if _, err := chromedp.Call(b.ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: first.RequestID, InterceptResponse: ptrTo(true)}); err != nil {
		t.Logf("the first save could not go on, the page may have cancelled it: %v", err)
	} else {
		select {
		case <-answered:
		case <-time.After(10 * time.Second):
			t.Fatal("the server did not answer the late save")
		}
	}
	s.waitSaved("after the late save")
	ticked := eval[[]bool](s, `[...document.querySelectorAll('fieldset[data-type="multiple"] input[type=checkbox]')].map(i => i.checked)`)
	if got := normalizeAnswers(t, getAttempt(t, trainee, at.ID).Answers); !reflect.DeepEqual(got, both) {
		t.Errorf("the page shows the boxes ticked %v and says %q, but the server holds %v, want %v: "+
			"the save sent for the first tick overwrote the one sent later for the second (quiz.js sends a new PUT for a question while the previous one is still on its way, and the server keeps whichever arrives last)",
			ticked, s.text("#save-state"), got, both)
	}
}

func ptrTo[T any](v T) *T { return &v }

// TestE2EQuizOfflineRetriesStayBounded: a phone without network keeps the
// answers it could not send and retries with a growing delay. With three
// answers waiting, the retries must not multiply. The page's timers run a
// hundred times faster here, so two seconds stand for about 200 s offline.
func TestE2EQuizOfflineRetriesStayBounded(t *testing.T) {
	const speedup = 100
	s, b, _, _ := startQuizInBrowser(t, fmt.Sprintf(`(() => {
		const setTimeout0 = window.setTimeout, fetch0 = window.fetch;
		window.setTimeout = (f, ms, ...args) => setTimeout0(f, (ms || 0) / %d, ...args);
		window.tadribSaves = 0;
		window.fetch = function (url) {
			if (String(url).includes("/answers/")) window.tadribSaves++;
			return fetch0.apply(this, arguments);
		};
	})()`, speedup))
	b.setOffline(true)
	s.tap("single", "The Palermo Protocol")
	s.tap("true_false", "Vrai")
	s.tap("multiple", "The act")
	s.waitState("offline", "with the network gone", 10*time.Second)
	time.Sleep(2 * time.Second)
	saves := eval[int](s, `window.tadribSaves`)
	// Leave the page before the network comes back, so that its timers stop.
	s.do(chromedp.Navigate("about:blank"))
	b.setOffline(false)
	// One retry loop with a delay that doubles up to 30 s tries the three
	// answers about 11 times in 200 s: 33 saves. Allow for some slack.
	if saves > 60 {
		t.Errorf("with 3 answers waiting, the page tried %d saves in about %d s offline, want at most 60: "+
			"each failed save in quiz.js schedules its own flush of every waiting answer, so the retries multiply", saves, 2*speedup)
	}
}
