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

func TestScorer(t *testing.T) {
	s := NewScorer([]string{"parcel", "late"}, []int64{10, 500}, 10000, 8)
	better := s.Score("my parcel is late, the parcel")
	worse := s.Score("late again and again and again and again, parcel")
	none := s.Score("nothing here")
	if !(better > worse && worse > none && none == 0) {
		t.Fatalf("scores %v %v %v", better, worse, none)
	}
	// A rare word outweighs a common one.
	if s.Score("parcel x y") <= s.Score("late x y") {
		t.Fatal("idf not applied")
	}
	if s.Score("Café PARCELS") <= 0 {
		t.Fatal("prefix and case folding not applied")
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
