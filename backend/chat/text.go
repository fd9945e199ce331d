package chat

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// User text is text wherever it goes. This file holds the rules every
// layer shares: what counts as visible, and how user text is placed inside
// sentences the product composes so that it cannot disguise them.

// Visible reports whether s holds at least one character a reader can see.
// White space, control and format characters (U+200B, U+FEFF, U+2060,
// U+00AD, the bidi controls…), default-ignorable code points (U+3164
// HANGUL FILLER, U+115F, U+1160, U+FFA0, variation selectors…), combining
// marks without a base and U+2800 BRAILLE PATTERN BLANK are not visible.
// Every user text that must not be empty (message text, names, titles) is
// checked with Visible, so "empty" means "nothing to see", not "no bytes".
// The same rule runs in the widget and the agent UI
// (frontend/src/lib/text.ts), held to the same cases by
// testdata/text.json.
func Visible(s string) bool {
	for _, r := range s {
		if !invisible(r) {
			return true
		}
	}
	return false
}

// invisible reports whether r shows nothing on its own.
func invisible(r rune) bool {
	switch {
	case r == 0x2800: // BRAILLE PATTERN BLANK: a glyph, but an empty one
		return true
	case unicode.IsSpace(r), unicode.Is(unicode.Zs, r), unicode.IsControl(r):
		return true
	case unicode.Is(unicode.Cf, r), unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r),
		unicode.Is(unicode.Variation_Selector, r):
		return true
	case unicode.Is(unicode.Mn, r), unicode.Is(unicode.Me, r):
		return true // a mark needs a base to be seen
	}
	return false
}

// Bidi controls (Unicode Standard Annex #9).
const (
	lre = '\u202A' // left-to-right embedding
	rle = '\u202B' // right-to-left embedding
	pdf = '\u202C' // pop directional formatting
	lro = '\u202D' // left-to-right override
	rlo = '\u202E' // right-to-left override
	lri = '\u2066' // left-to-right isolate
	rli = '\u2067' // right-to-left isolate
	fsi = '\u2068' // first strong isolate
	pdi = '\u2069' // pop directional isolate
)

// paragraphSeparator reports the characters that end a bidi paragraph
// (UAX #9 type B); every embedding and isolate ends with its paragraph.
func paragraphSeparator(r rune) bool {
	switch r {
	case '\n', '\r', '\u001C', '\u001D', '\u001E', '\u0085', '\u2029':
		return true
	}
	return false
}

// Balance neutralises unbalanced bidi controls: a PDF or PDI that closes
// nothing is dropped, and every embedding, override or isolate still open
// at the end of a paragraph (or of s) is closed there. What s shows is
// unchanged; what follows s can no longer be reversed or reordered by it.
func Balance(s string) string {
	if !strings.ContainsFunc(s, isBidiControl) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	var open []rune // the stack: embeddings/overrides and isolates
	closeAll := func() {
		for i := len(open) - 1; i >= 0; i-- {
			if isIsolate(open[i]) {
				b.WriteRune(pdi)
			} else {
				b.WriteRune(pdf)
			}
		}
		open = open[:0]
	}
	for _, r := range s {
		switch {
		case r == lre || r == rle || r == lro || r == rlo:
			open = append(open, r)
		case r == pdf:
			// A PDF closes only an embedding opened inside the current
			// isolate; anything else is dropped.
			if n := len(open); n == 0 || isIsolate(open[n-1]) {
				continue
			}
			open = open[:len(open)-1]
		case isIsolate(r):
			open = append(open, r)
		case r == pdi:
			i := len(open) - 1
			for i >= 0 && !isIsolate(open[i]) {
				i--
			}
			if i < 0 {
				continue // closes nothing
			}
			open = open[:i] // a PDI also ends the embeddings inside it
		case paragraphSeparator(r):
			closeAll()
		}
		b.WriteRune(r)
	}
	closeAll()
	return b.String()
}

func isIsolate(r rune) bool { return r == lri || r == rli || r == fsi }

func isBidiControl(r rune) bool {
	return (r >= lre && r <= rlo) || (r >= lri && r <= pdi)
}

// Isolate returns user text ready to be placed inside a sentence the
// product composes (a system note, a notification, a transcript line): each
// line balanced (see Balance) and wrapped in FIRST STRONG ISOLATE … POP
// DIRECTIONAL ISOLATE, so that neither a right-to-left name nor a stray
// override can reorder the words around it. Renderers that do their own
// isolation (HTML <bdi>) take the raw value instead.
func Isolate(s string) string {
	s = Balance(s)
	var b strings.Builder
	b.Grow(len(s) + 6)
	b.WriteRune(fsi)
	for _, r := range s {
		if paragraphSeparator(r) {
			b.WriteRune(pdi)
			b.WriteRune(r)
			b.WriteRune(fsi)
			continue
		}
		b.WriteRune(r)
	}
	b.WriteRune(pdi)
	return b.String()
}

// Party is the name a composed sentence shows for someone: their name,
// isolated, or fallback (product text, not isolated) when they have none
// that shows.
func Party(name, fallback string) string {
	if !Visible(name) {
		return fallback
	}
	return Isolate(name)
}

// RuneLen is the length of s in the unit every text limit uses: Unicode
// code points (what the widget and the agent UI count too).
func RuneLen(s string) int { return utf8.RuneCountInString(s) }
