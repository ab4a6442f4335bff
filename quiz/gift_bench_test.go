package quiz

import (
	"strings"
	"testing"
)

// Benchmarks of the GIFT reader and writer and of grading, to compare
// versions with benchstat (go test -run '^$' -bench . -benchmem ./quiz).

// giftBenchText is every GIFT test file, Tadrib's and Moodle's, repeated to
// about 64 KiB.
func giftBenchText(b *testing.B) string {
	b.Helper()
	var one strings.Builder
	for _, name := range []string{"gift/every_feature.gift.txt", "moodle-gift/questions.gift.txt", "moodle-gift/questions_in_category.gift.txt"} {
		one.WriteString(readGIFT(b, name))
		one.WriteString("\n\n")
	}
	return strings.Repeat(one.String(), 64<<10/one.Len()+1)
}

func BenchmarkParseGIFT(b *testing.B) {
	text := giftBenchText(b)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, errs := ParseGIFT(text); len(errs) > 0 {
			b.Fatal(errs[0])
		}
	}
}

func BenchmarkExportGIFT(b *testing.B) {
	qs, errs := ParseGIFT(giftBenchText(b))
	if len(errs) > 0 {
		b.Fatal(errs[0])
	}
	for b.Loop() {
		ExportGIFT(qs)
	}
}

// BenchmarkGrade grades the right answer of a question of each type.
func BenchmarkGrade(b *testing.B) {
	answers := make([]*Answer, len(fixed))
	for i, q := range fixed {
		answers[i] = CorrectAnswer(q)
	}
	for b.Loop() {
		for i, q := range fixed {
			Grade(q, answers[i])
		}
	}
}

func BenchmarkCorrectAnswer(b *testing.B) {
	for b.Loop() {
		for _, q := range fixed {
			CorrectAnswer(q)
		}
	}
}
