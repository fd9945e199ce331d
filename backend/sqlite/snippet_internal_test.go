package sqlite

import (
	"testing"

	"github.com/deskchat/deskchat/backend/chat"
)

func TestMakeSnippet(t *testing.T) {
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
		if got := render(makeSnippet(tt.text, tt.words)); got != tt.want {
			t.Errorf("makeSnippet(%q, %v) = %q, want %q", tt.text, tt.words, got, tt.want)
		}
	}
}
