package fts

import (
	"testing"

	"github.com/deskchat/deskchat/backend/chat"
)

func TestSnippet(t *testing.T) {
	render := func(segs []chat.Segment) string {
		out := ""
		for _, s := range segs {
			if s.Hit {
				out += "[" + s.Text + "]"
			} else {
				out += s.Text
			}
		}
		return out
	}
	tests := []struct {
		text  string
		words []string
		want  string
	}{
		{"my parcel is late", []string{"parcel"}, "my [parcel] is late"},
		{"Parcels and PARCEL", []string{"parc"}, "[Parcels] and [PARCEL]"},
		{"un café noir", []string{"cafe"}, "un [café] noir"},
		{"<b>bold</b> move", []string{"bold"}, "<b>[bold]</b> move"},
		{"one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen target sixteen seventeen",
			[]string{"target"}, "…thirteen fourteen fifteen [target] sixteen seventeen"},
		{"no hit here", []string{"zebra"}, "no hit here"},
		{"!!!", []string{"x"}, ""},
	}
	for _, tt := range tests {
		if got := render(Snippet(tt.text, tt.words)); got != tt.want {
			t.Errorf("Snippet(%q, %v) = %q, want %q", tt.text, tt.words, got, tt.want)
		}
	}
}

func TestShortTextScore(t *testing.T) {
	// Strictly decreasing in length, the same for equal lengths, and more
	// words matched score more.
	for l := 1; l < 5000; l++ {
		if !(ShortTextScore(2, l) > ShortTextScore(2, l+1)) {
			t.Fatalf("length %d does not outrank %d", l, l+1)
		}
	}
	if ShortTextScore(2, 7) <= ShortTextScore(1, 7) {
		t.Fatal("a second word adds nothing")
	}
	if got := Words("Café, PARCELS: 3×late — ⁨Zoë⁩"); got != 5 {
		t.Fatalf("Words = %d, want 5", got)
	}
	// Words as SQLite's unicode61 has them: numbers of every kind, private
	// use and combining diacritics inside a word.
	terms, n := Terms("Lieferzeit¹ x½y Cafe\u0301 a\uE000b Ⅻ \u0301")
	want := [][2]string{{"lieferzeit¹", "lieferzeit¹"}, {"x½y", "x½y"}, {"cafe", "cafe\u0301"}, {"a\uE000b", "a\uE000b"}, {"ⅻ", "ⅻ"}}
	if n != 5 || len(terms) != len(want) { // a lone diacritic starts no word
		t.Fatalf("Terms = %q, %d words", terms, n)
	}
	for i := range want {
		if terms[i] != want[i] {
			t.Errorf("term %d = %q, want %q", i, terms[i], want[i])
		}
	}
	// U+0332 is no diacritic of unicode61's: it separates words.
	if got := Words("foo\u0332barbaz"); got != 2 {
		t.Errorf("Words(foo\u0332barbaz) = %d, want 2", got)
	}
}

func TestMatches(t *testing.T) {
	for _, c := range []struct {
		text  string
		words []string
		want  bool
	}{
		{"Zoë Quartermaine zq@shop.example", []string{"zoe"}, true},
		{"Zoë Quartermaine zq@shop.example", []string{"quart", "shop"}, true},
		{"Zoë Quartermaine", []string{"termaine"}, false}, // prefixes only, as FTS
		{"Zoë Quartermaine", []string{"zoe", "blake"}, false},
		{"\u2068Anna\u2069 closed", []string{"anna"}, true},
	} {
		if got := Matches(c.text, c.words); got != c.want {
			t.Errorf("Matches(%q, %q) = %v", c.text, c.words, got)
		}
	}
}
