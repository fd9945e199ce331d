// Package fts is the full-text search both SQLite stores share (the
// server's and the desktop's local one): turning words into an FTS5 query
// that can never be syntax, ranking candidates inside FTS5 over the newest
// matches, and cutting snippets in Go.
package fts

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/deskchat/deskchat/backend/chat"
)

// snippetWords is how many words a snippet shows around the first hit.
const snippetWords = 12

// Fold lower-cases a word and strips diacritics, as the FTS tokenizer
// (unicode61 remove_diacritics 2) does, so highlights match what matched.
func Fold(w string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(w)) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Snippet cuts text to about snippetWords words around the first word
// that starts with one of the query words, marking every such word. FTS5's
// snippet() would reload the whole doclist of each query term per row,
// about 2 ms for a common prefix; the text is already here.
func Snippet(text string, words []string) []chat.Segment {
	type token struct {
		start, end int
		hit        bool
	}
	var toks []token
	first := -1
	folded := make([]string, len(words))
	for k, q := range words {
		folded[k] = Fold(q)
	}
	eachWord(text, func(i, j int) {
		w := Fold(text[i:j])
		hit := false
		for _, q := range folded {
			if strings.HasPrefix(w, q) {
				hit = true
				break
			}
		}
		if hit && first < 0 {
			first = len(toks)
		}
		toks = append(toks, token{i, j, hit})
	})
	if len(toks) == 0 {
		return []chat.Segment{}
	}
	from := max(first, 0) - snippetWords/4
	from = max(from, 0)
	to := min(from+snippetWords, len(toks))
	start, end := toks[from].start, toks[to-1].end
	if from == 0 {
		start = 0
	}
	if to == len(toks) {
		end = len(text)
	}
	var out []chat.Segment
	add := func(s string, hit bool) {
		if s == "" {
			return
		}
		if n := len(out); n > 0 && out[n-1].Hit == hit {
			out[n-1].Text += s
			return
		}
		out = append(out, chat.Segment{Text: s, Hit: hit})
	}
	if start > 0 {
		add("…", false)
	}
	pos := start
	for _, t := range toks[from:to] {
		add(text[pos:t.start], false)
		add(text[t.start:t.end], t.hit)
		pos = t.end
	}
	add(text[pos:end], false)
	if end < len(text) {
		add("…", false)
	}
	return out
}

// eachWord calls fn with the byte range of every word (a run of
// chat.WordRune, the tokenizer's idea of a word) in text.
func eachWord(text string, fn func(start, end int)) {
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !chat.WordStart(r) {
			i += size
			continue
		}
		j := i
		for j < len(text) {
			r, size := utf8.DecodeRuneInString(text[j:])
			if !chat.WordRune(r) {
				break
			}
			j += size
		}
		fn(i, j)
		i = j
	}
}

// Matches reports whether every query word starts a word of text, folded
// as the FTS tokenizer folds them: the AND of prefix terms that Query
// builds, for text kept outside an FTS index (the desktop's customers and
// items).
func Matches(text string, words []string) bool {
	var toks []string
	eachWord(text, func(i, j int) { toks = append(toks, Fold(text[i:j])) })
	for _, q := range words {
		q = Fold(q)
		found := false
		for _, t := range toks {
			if strings.HasPrefix(t, q) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
