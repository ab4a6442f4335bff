package quiz

// How much memory a node holds per open attempt: the figure behind "10,000
// open attempts on one node" (cmd/tadrib-load/README.md, issue 14 point 8).
//
//	go test -run '^$' -bench OpenAttempts -benchtime 1x ./quiz
//	TADRIB_BENCH_ATTEMPTS=10000 go test -run '^$' -bench OpenAttempts -benchtime 1x \
//	  -memprofile mem.out ./quiz && go tool pprof -sample_index=inuse_space -top quiz.test mem.out

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"tadrib/courses"
	"tadrib/internal/testdb"
	"tadrib/models"
)

// loadGIFT writes n questions as cmd/tadrib-load/quiz_gift.go's GenerateGIFT
// does (the bank of the load command's quiz scenario): single, multiple,
// true/false, short, numerical and matching in turn, French and Arabic
// text, Markdown.
func loadGIFT(n int) string {
	var b strings.Builder
	for i := range n {
		num := i + 1
		switch i % 6 {
		case 0:
			fmt.Fprintf(&b, "::Q%d single:: [markdown]Question %d : qui **dirige** l'enquête sur un cas de traite ? {\n", num, num)
			fmt.Fprintf(&b, "\t=Le parquet#Oui.\n\t~La victime\n\t~L'employeur\n\t~Personne\n")
			if num%2 == 0 {
				b.WriteString("\t~Le consulat\n")
			}
			b.WriteString("}\n\n")
		case 1:
			fmt.Fprintf(&b, "::Q%d multiple:: [markdown]Question %d : quels sont des *indices* de traite ? {\n", num, num)
			b.WriteString("\t~%50%Documents d'identité confisqués\n\t~%50%Dette envers l'employeur\n")
			b.WriteString("\t~%-100%Contrat signé librement\n\t~%-100%Salaire versé chaque mois\n}\n\n")
		case 2:
			fmt.Fprintf(&b, "::Q%d vrai-faux:: Question %d : la victime doit porter plainte pour être protégée. {F#Non, la protection ne dépend pas d'une plainte.}\n\n", num, num)
		case 3:
			fmt.Fprintf(&b, "::Q%d court:: Question %d : quelle loi marocaine réprime la traite des êtres humains ? {=27-14 =loi 27-14 =القانون 27.14}\n\n", num, num)
		case 4:
			fmt.Fprintf(&b, "::Q%d nombre:: Question %d : en quelle année la loi 27-14 a-t-elle été promulguée ? {#2016:1}\n\n", num, num)
		case 5:
			fmt.Fprintf(&b, "::Q%d association:: Question %d : associez chaque acteur à son rôle. {\n", num, num)
			b.WriteString("\t=Police judiciaire -> Enquête\n\t=Parquet -> Poursuites\n")
			b.WriteString("\t=Inspection du travail -> Contrôle des lieux de travail\n\t=Protection de l'enfance -> Prise en charge des mineurs\n}\n\n")
		}
	}
	return b.String()
}

// attemptFixture is a published course whose quiz holds the load bank, and
// n trainees enrolled in it, on the engine under test.
type attemptFixture struct {
	svc      *Service
	quizID   int64
	trainees []models.User
}

func newAttemptFixture(tb testing.TB, n, questions int) *attemptFixture {
	tb.Helper()
	ctx := context.Background()
	d := testdb.New(tb)
	cs := courses.NewService(d, NewProgress(d), nil)
	svc := NewService(d, cs)
	author := models.User{Email: "author@example.org", Name: "Karim", Role: models.RoleTrainer, Profession: "police", PasswordHash: "x"}
	if err := d.W.Create(&author).Error; err != nil {
		tb.Fatal(err)
	}
	c := models.Course{Slug: "mem", Locale: "fr", Hours: 2, Published: true, CreatedBy: &author.ID,
		Texts:   []models.CourseText{{Lang: "fr", Title: "Mémoire"}},
		Modules: []models.Module{{Slug: "m1", Position: 1, Texts: []models.ModuleText{{Lang: "fr", Title: "Module 1"}}}}}
	if err := d.W.Create(&c).Error; err != nil {
		tb.Fatal(err)
	}
	q, err := svc.CreateQuiz(ctx, author, c.Modules[0].ID, Settings{Title: ptrTo("Examen")})
	if err != nil {
		tb.Fatal(err)
	}
	f := &attemptFixture{svc: svc, quizID: mustID(tb, q.ID)}
	if res, err := svc.ImportGIFT(ctx, author, f.quizID, loadGIFT(questions), false); err != nil || len(res.Errors) > 0 {
		tb.Fatalf("import: %v %+v", err, res.Errors)
	}
	f.trainees = make([]models.User, n)
	for i := range f.trainees {
		f.trainees[i] = models.User{Email: fmt.Sprintf("t%d@example.org", i), Name: "Stagiaire " + strconv.Itoa(i),
			Role: models.RoleTrainee, Profession: "police", PasswordHash: "x"}
	}
	if err := d.W.CreateInBatches(&f.trainees, 500).Error; err != nil {
		tb.Fatal(err)
	}
	enrolments := make([]models.Enrolment, n)
	for i, u := range f.trainees {
		enrolments[i] = models.Enrolment{UserID: u.ID, CourseID: c.ID, CreatedAt: time.Now()}
	}
	if err := d.W.CreateInBatches(&enrolments, 500).Error; err != nil {
		tb.Fatal(err)
	}
	return f
}

// liveHeap is the heap in use once the garbage is collected.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC() // the second collects what the first's finalizers freed
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// heapProfile writes the live heap to $TADRIB_BENCH_HEAPPROFILE.name when
// that variable is set (read it with go tool pprof -sample_index=inuse_space).
func heapProfile(b *testing.B, name string) {
	base := os.Getenv("TADRIB_BENCH_HEAPPROFILE")
	if base == "" {
		return
	}
	out, err := os.Create(base + "." + strings.ReplaceAll(name, "/", "_"))
	if err != nil {
		b.Fatal(err)
	}
	defer out.Close()
	runtime.GC() // a heap profile shows what the GC before the last one found live
	runtime.GC()
	if err := pprof.Lookup("heap").WriteTo(out, 0); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkOpenAttempts starts one attempt per trainee (TADRIB_BENCH_ATTEMPTS,
// 2,000 by default) on a fresh service and reports the live heap the
// service holds for them: heap-B/attempt is the live heap with every
// attempt open and cached minus the live heap once the service (its
// caches) is dropped, divided by the attempts. Run with -benchtime 1x: each
// iteration starts every attempt again on a fresh database.
func BenchmarkOpenAttempts(b *testing.B) {
	n := 2000
	if v := os.Getenv("TADRIB_BENCH_ATTEMPTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n <= 0 {
			b.Fatalf("TADRIB_BENCH_ATTEMPTS=%q: want a positive number", v)
		}
	}
	for _, mode := range []string{"full", "compact"} {
		b.Run(mode, func(b *testing.B) { openAttempts(b, n, mode == "full") })
	}
}

// openAttempts is BenchmarkOpenAttempts with the snapshots cached whole
// (full: the way before snapshot_compact.go) or compact.
func openAttempts(b *testing.B, n int, full bool) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		f := newAttemptFixture(b, n, 20)
		f.svc.keepFullSnapshots = full
		b.StartTimer()
		for _, u := range f.trainees {
			a, resumed, err := f.svc.Start(ctx, u, f.quizID)
			if err != nil || resumed || len(a.Questions) != 20 {
				b.Fatalf("start as %s: resumed %v, %d questions, %v", u.Email, resumed, len(a.Questions), err)
			}
		}
		b.StopTimer()
		held := liveHeap()
		if got := f.svc.snapshots.len(); got != n {
			b.Fatalf("%d snapshots cached, want %d", got, n)
		}
		heapProfile(b, b.Name()+".started")
		f.svc.snapshots = snapshotCache{}
		f.svc.banks = bankCache{} // and a node that never had the bank: snapshotOf renders it
		free := liveHeap()
		b.ReportMetric(float64(held-free)/float64(n), "heap-B/attempt")
		b.ReportMetric(float64(held-free)*10000/float64(n)/(1<<20), "heap-MiB/10k")

		// Another node (or this one after a restart) knows these attempts
		// only by their snapshot column: it parses each when its trainee
		// next saves an answer.
		var rows []models.Attempt
		if err := f.svc.db.R.Where("quiz_id = ?", f.quizID).Find(&rows).Error; err != nil {
			b.Fatal(err)
		}
		free = liveHeap()
		for _, a := range rows {
			if _, err := f.svc.snapshotOf(ctx, a); err != nil {
				b.Fatal(err)
			}
		}
		held = liveHeap()
		if got := f.svc.snapshots.len(); got != n {
			b.Fatalf("%d snapshots read, want %d", got, n)
		}
		heapProfile(b, b.Name()+".read")
		b.ReportMetric(float64(held-free)/float64(n), "read-heap-B/attempt")
		runtime.KeepAlive(rows)
		b.StartTimer()
	}
}
