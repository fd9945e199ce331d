package fts

import (
	"slices"
	"strings"
)

// BM25 parameters, as FTS5's bm25() uses by default.
const (
	k1 = 1.2
	b  = 0.75
	// avgDL is the average message length in words that ShortTextScore
	// assumes (chat messages: 10–20 words), so that a message's score
	// never changes as others arrive.
	avgDL = 15
)

// Words is how many words text has by the rule of Snippet and Matches
// (runs of letters and digits): a message's length for ShortTextScore.
func Words(text string) int {
	n := 0
	eachWord(text, func(int, int) { n++ })
	return n
}

// Terms returns text's distinct words as [fold, word] pairs: the word
// lowercased (as a query word is: the FTS tokenizer folds it the same way
// it folded the text) and its Fold, by which a query word finds it as a
// prefix; and how many words text has (Words). The desktop's vocabulary
// of its index (app/localstore).
func Terms(text string) (terms [][2]string, words int) {
	terms = [][2]string{}
	var buf []byte
	var seen map[string]bool // past a few words; a scan below
	has := func(w string) bool {
		if seen != nil {
			return seen[w]
		}
		return slices.ContainsFunc(terms, func(t [2]string) bool { return t[1] == w })
	}
	add := func(fold, w string) {
		terms = append(terms, [2]string{fold, w})
		if seen == nil && len(terms) > 32 {
			seen = map[string]bool{}
			for _, t := range terms {
				seen[t[1]] = true
			}
		} else if seen != nil {
			seen[w] = true
		}
	}
	eachWord(text, func(i, j int) {
		words++
		tok := text[i:j]
		if !ascii(tok) {
			if w := strings.ToLower(tok); !has(w) {
				add(Fold(w), w)
			}
			return
		}
		buf = buf[:0]
		for k := 0; k < len(tok); k++ {
			c := tok[k]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf = append(buf, c)
		}
		if !has(string(buf)) {
			w := string(buf)
			add(w, w)
		}
	})
	return terms, words
}

// ShortTextScore is the BM25 score of a message of length words that
// holds every one of n query words, each counted once: BM25 with term
// frequencies omitted, as search engines index short fields (Lucene's
// index_options: docs). Every match of an all-words query holds every
// word, so the idf sum is the same for all of them and only the length
// orders them: shorter is better, strictly decreasing in length. That is
// what lets the desktop's index keep messages in rank order and read the
// best few of a whole history first (app/localstore). Higher is better.
func ShortTextScore(n, length int) float64 {
	norm := k1 * (1 - b + b*float64(length)/avgDL)
	return float64(n) * (k1 + 1) / (1 + norm)
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
