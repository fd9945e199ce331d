package fts

import (
	"math"
	"strings"
)

// BM25 parameters, as FTS5's bm25() uses by default.
const (
	k1 = 1.2
	b  = 0.75
)

// Scorer ranks texts for a query with BM25, in Go. FTS5's bm25() counts
// each term's documents by walking its whole doclist on every query, which
// costs ~10 ms for a common word in a million messages however few rows
// match; the counts here come from an fts5vocab table instead (an index
// lookup), and only candidate rows are scored.
type Scorer struct {
	Words []string  // query words (prefixes), folded
	IDF   []float64 // per word
	AvgDL float64   // average document length in tokens
}

// NewScorer builds a scorer from per-word document counts and the total
// number of documents.
func NewScorer(words []string, docs []int64, total int64, avgDL float64) *Scorer {
	s := &Scorer{AvgDL: avgDL}
	if s.AvgDL <= 0 {
		s.AvgDL = 1
	}
	for i, w := range words {
		s.Words = append(s.Words, Fold(w))
		n := float64(docs[i])
		// The BM25 idf, floored like FTS5 so very common words still count.
		idf := math.Log((float64(total) - n + 0.5) / (n + 0.5))
		if idf <= 0 {
			idf = 1e-6
		}
		s.IDF = append(s.IDF, idf)
	}
	return s
}

// Score returns the BM25 score of text, higher is better (FTS5's rank is
// its negative).
func (s *Scorer) Score(text string) float64 {
	tf := make([]float64, len(s.Words))
	dl := 0
	eachWord(text, func(i, j int) {
		dl++
		tok := Fold(text[i:j])
		for k, w := range s.Words {
			if strings.HasPrefix(tok, w) {
				tf[k]++
			}
		}
	})
	score := 0.0
	norm := k1 * (1 - b + b*float64(dl)/s.AvgDL)
	for k, f := range tf {
		score += s.IDF[k] * f * (k1 + 1) / (f + norm)
	}
	return score
}
