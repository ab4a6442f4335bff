package main

// The question bank of the quiz scenario, written as Moodle GIFT for
// POST /quizzes/{id}/import.

import (
	"fmt"
	"strings"
)

// giftTypes is the order in which GenerateGIFT cycles through question
// types.
var giftTypes = []string{"single", "multiple", "true_false", "short", "numerical", "matching"}

// GenerateGIFT writes n questions (n ≥ 1) that cycle through single,
// multiple, true_false, short, numerical and matching, and returns the text
// and how many questions of each type it holds. The texts mix French,
// Arabic and Markdown, as the real courses do.
func GenerateGIFT(n int) (string, map[string]int) {
	var b strings.Builder
	counts := map[string]int{}
	for i := range n {
		t := giftTypes[i%len(giftTypes)]
		counts[t]++
		num := i + 1
		switch t {
		case "single":
			fmt.Fprintf(&b, "::Q%d single:: [markdown]Question %d : qui **dirige** l'enquête sur un cas de traite ? {\n", num, num)
			fmt.Fprintf(&b, "\t=Le parquet#Oui.\n\t~La victime\n\t~L'employeur\n\t~Personne\n")
			if num%2 == 0 {
				b.WriteString("\t~Le consulat\n")
			}
			b.WriteString("}\n\n")
		case "multiple":
			fmt.Fprintf(&b, "::Q%d multiple:: [markdown]Question %d : quels sont des *indices* de traite ? {\n", num, num)
			b.WriteString("\t~%50%Documents d'identité confisqués\n\t~%50%Dette envers l'employeur\n")
			b.WriteString("\t~%-100%Contrat signé librement\n\t~%-100%Salaire versé chaque mois\n}\n\n")
		case "true_false":
			fmt.Fprintf(&b, "::Q%d vrai-faux:: Question %d : la victime doit porter plainte pour être protégée. {F#Non, la protection ne dépend pas d'une plainte.}\n\n", num, num)
		case "short":
			fmt.Fprintf(&b, "::Q%d court:: Question %d : quelle loi marocaine réprime la traite des êtres humains ? {=27-14 =loi 27-14 =القانون 27.14}\n\n", num, num)
		case "numerical":
			fmt.Fprintf(&b, "::Q%d nombre:: Question %d : en quelle année la loi 27-14 a-t-elle été promulguée ? {#2016:1}\n\n", num, num)
		case "matching":
			fmt.Fprintf(&b, "::Q%d association:: Question %d : associez chaque acteur à son rôle. {\n", num, num)
			b.WriteString("\t=Police judiciaire -> Enquête\n\t=Parquet -> Poursuites\n")
			b.WriteString("\t=Inspection du travail -> Contrôle des lieux de travail\n\t=Protection de l'enfance -> Prise en charge des mineurs\n}\n\n")
		}
	}
	return b.String(), counts
}
