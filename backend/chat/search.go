package chat

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Search limits: a query is a handful of words, never a query language.
const (
	MaxQueryRunes      = 200
	MaxQueryWords      = 8
	DefaultSearchLimit = 20 // results when the caller does not say
)

// SearchQuery is what a user typed plus filters.
type SearchQuery struct {
	Text    string
	Section Section // "" = everything the user may see
	Status  Status  // "" = both
	Limit   int
}

// Segment is a piece of a snippet; Hit marks a matched word. Snippets come
// as segments so that clients render text, never markup.
type Segment struct {
	Text string `json:"text"`
	Hit  bool   `json:"hit,omitempty"`
}

// Kinds of search result.
const (
	ResultMessage  = "message"  // a message's text matched
	ResultCustomer = "customer" // the conversation's customer name/e-mail matched
	ResultItem     = "item"     // an item's title matched
)

// SearchResult is one hit, best first.
type SearchResult struct {
	Kind           string `json:"kind"`
	ConversationID int64  `json:"conversation_id,omitempty"`
	MessageID      int64  `json:"message_id,omitempty"`
	ItemNumber     int64  `json:"item_number,omitempty"`
	Title          string `json:"title"`
	// System: the message is a system note (closed, linked, assigned…):
	// the product's words in the conversation, shown as such.
	System  bool      `json:"system,omitempty"`
	Snippet []Segment `json:"snippet"`
	Status  string    `json:"status,omitempty"`
	At      time.Time `json:"at"`
	Rank    float64   `json:"rank"` // lower is better (bm25)
}

// SearchWords splits a query into words (letters and digits), lower-cased,
// at most MaxQueryWords. Everything else is a separator, so no input can
// carry search syntax. EInvalid for an empty or too long query.
func SearchWords(q string) ([]string, error) {
	if !utf8.ValidString(q) {
		return nil, Errorf(EInvalidUTF8, "The query is not valid UTF-8.")
	}
	if utf8.RuneCountInString(q) > MaxQueryRunes {
		return nil, Errorf(EInvalid, "The query is longer than %d characters.", MaxQueryRunes)
	}
	words := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !WordRune(r) })
	for i, w := range words {
		words[i] = strings.TrimLeftFunc(w, Diacritic) // a diacritic only continues a word
	}
	words = slices.DeleteFunc(words, func(w string) bool { return w == "" })
	if len(words) == 0 {
		return nil, Errorf(EInvalid, "Type at least one word to search for.")
	}
	if len(words) > MaxQueryWords {
		words = words[:MaxQueryWords]
	}
	return words, nil
}

// WordRune reports whether r may be part of a word as SQLite's unicode61
// tokenizer (the search indexes' tokenizer) has it: letters, numbers of
// every kind (¹, ½, Ⅻ too), private-use characters (WordStart), and the
// combining diacritics it folds away inside a word ("Cafe\u0301" is the
// word "cafe"; Diacritic). Everything else separates words. The one rule
// for query words (SearchWords) and for words of text (backend/fts).
func WordRune(r rune) bool { return WordStart(r) || Diacritic(r) }

// WordStart reports whether a word may start with r (a diacritic only
// continues one).
func WordStart(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r)
}

// Diacritic reports whether r is one of the combining marks unicode61
// keeps inside a word and removes: its sqlite3Fts5UnicodeIsdiacritic, a
// subset of U+0300–U+0331 (U+0332 LOW LINE, say, separates words there).
func Diacritic(r rune) bool {
	const mask0, mask1 = 0x08029FDF, 0x000361F8
	switch {
	case r < 0x300 || r > 0x331:
		return false
	case r < 0x320:
		return mask0&(1<<(r-0x300)) != 0
	default:
		return mask1&(1<<(r-0x320)) != 0
	}
}

// SplitSnippet turns text with hit markers (start, end) into segments.
func SplitSnippet(s string, start, end rune) []Segment {
	out := []Segment{}
	hit := false
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, Segment{Text: b.String(), Hit: hit})
			b.Reset()
		}
	}
	for _, r := range s {
		switch r {
		case start:
			flush()
			hit = true
		case end:
			flush()
			hit = false
		default:
			b.WriteRune(r)
		}
	}
	flush()
	return out
}
