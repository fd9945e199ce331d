package chat_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
)

// textCases are the shared cases in testdata/text.json; the TypeScript
// rules (frontend/src/lib/text.ts) run the same file.
type textCases struct {
	Visible [][2]any    `json:"visible"`
	Balance [][2]string `json:"balance"`
	Isolate [][2]string `json:"isolate"`
	Runes   [][2]any    `json:"runes"`
	OneLine [][2]any    `json:"oneLine"`
}

func loadTextCases(t *testing.T) textCases {
	b, err := os.ReadFile("testdata/text.json")
	if err != nil {
		t.Fatal(err)
	}
	var c textCases
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTextRules(t *testing.T) {
	c := loadTextCases(t)
	for _, v := range c.Visible {
		if got := chat.Visible(v[0].(string)); got != v[1].(bool) {
			t.Errorf("Visible(%+q) = %t, want %t", v[0], got, v[1])
		}
	}
	for _, v := range c.Balance {
		if got := chat.Balance(v[0]); got != v[1] {
			t.Errorf("Balance(%+q) = %+q, want %+q", v[0], got, v[1])
		}
	}
	for _, v := range c.Isolate {
		if got := chat.Isolate(v[0]); got != v[1] {
			t.Errorf("Isolate(%+q) = %+q, want %+q", v[0], got, v[1])
		}
	}
	for _, v := range c.OneLine {
		if got := chat.OneLine(v[0].(string)); got != v[1].(bool) {
			t.Errorf("OneLine(%+q) = %t, want %v", v[0], got, v[1])
		}
	}
	for _, v := range c.Runes {
		if got := chat.RuneLen(v[0].(string)); got != int(v[1].(float64)) {
			t.Errorf("RuneLen(%+q) = %d, want %v", v[0], got, v[1])
		}
	}
}

// TestInvisibleTextIsEmpty: every text that must not be empty refuses one
// with nothing visible; optional ones take it as absent.
func TestInvisibleTextIsEmpty(t *testing.T) {
	for _, s := range []string{"\u200b", "\ufeff", "\u2060", "\u3164", "\u2800", "\u00ad", " \u200b\n\u2060 "} {
		if _, err := chat.CheckMessageText(s); chat.ErrorCode(err) != chat.EMessageEmpty {
			t.Errorf("CheckMessageText(%+q) = %v, want message_empty", s, err)
		}
		if _, err := chat.CheckName(s, false); chat.ErrorCode(err) != chat.EInvalid {
			t.Errorf("CheckName(%+q, required) = %v, want invalid", s, err)
		}
		if n, err := chat.CheckName(s, true); n != "" || err != nil {
			t.Errorf("CheckName(%+q, optional) = %q, %v; want empty", s, n, err)
		}
		if _, err := chat.CheckTitle(s); chat.ErrorCode(err) != chat.EInvalid {
			t.Errorf("CheckTitle(%+q) = %v, want invalid", s, err)
		}
		if v, err := chat.CheckSettingText("greeting", s); v != "" || err != nil {
			t.Errorf("CheckSettingText(%+q) = %q, %v; want empty", s, v, err)
		}
		if v, err := chat.CheckDescription(s); v != "" || err != nil {
			t.Errorf("CheckDescription(%+q) = %q, %v; want empty", s, v, err)
		}
		if p := chat.ProposedTitle(s); p != "" {
			t.Errorf("ProposedTitle(%+q) = %q", s, p)
		}
	}
	if _, err := chat.CheckMessageText("\u200bhi"); err != nil {
		t.Errorf("a visible message with a ZWSP is refused: %v", err)
	}
}

// TestComposedSentencesIsolateUserText: a name or title cannot turn the
// product's own sentences around.
func TestComposedSentencesIsolateUserText(t *testing.T) {
	sally := chat.Actor{Kind: chat.KindCustomer, ID: 1, Name: "Sally\u202e"}
	if got, want := chat.StatusNote(sally, chat.StatusOpen), "\u2068Sally\u202e\u202c\u2069 reopened the conversation."; got != want {
		t.Errorf("reopen note = %+q, want %+q", got, want)
	}
	if got, want := chat.StatusNote(chat.Actor{Kind: chat.KindCustomer, ID: 1, Name: "\u200b"}, chat.StatusOpen), "The customer reopened the conversation."; got != want {
		t.Errorf("nameless reopen note = %+q, want %+q", got, want)
	}
	ben := chat.Actor{Kind: chat.KindUser, ID: 2, Name: "Ben\u2069\u202e"}
	if got, want := chat.StatusNote(ben, chat.StatusClosed), "\u2068Ben\u202e\u202c\u2069 closed the conversation."; got != want {
		t.Errorf("close note = %+q, want %+q", got, want)
	}
	// A link note names no title: the link shows the item's title as it is
	// now, and no later change leaves an old one in the note.
	ref := &chat.ItemRef{Number: 3, Type: chat.ItemTicket, Title: "\u202eRefund"}
	if got, want := chat.LinkNote(ben, ref, 0), "\u2068Ben\u202e\u202c\u2069 linked this conversation to ticket #3."; got != want {
		t.Errorf("link note = %+q, want %+q", got, want)
	}
	if got, want := chat.ProposedTitle("\u202eI was charged twice"), "\u202eI was charged twice\u202c"; got != want {
		t.Errorf("proposed title = %+q, want %+q", got, want)
	}
	// The cut counts characters, not bytes: a Cyrillic title is cut at
	// the last space in the second half of 80 characters, not earlier.
	cyr := strings.Repeat("слово ", 20)
	if got := chat.ProposedTitle(cyr); chat.RuneLen(got) < 60 || chat.RuneLen(got) > 81 {
		t.Errorf("Cyrillic title cut at %d characters: %q", chat.RuneLen(got), got)
	}
}

// TestProposalSummary: a proposal says where the item comes from and
// copies nothing that was said.
func TestProposalSummary(t *testing.T) {
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, time.UTC) }
	msgs := []*chat.Message{{Text: "my card is 4111", CreatedAt: at(24, 21, 2)}, {Text: "ok", CreatedAt: at(24, 21, 15)}}
	if got, want := chat.ProposalSummary(12, msgs), "From conversation #12: 2 messages, 2026-11-24 21:02 to 21:15 UTC."; got != want {
		t.Errorf("summary = %q, want %q", got, want)
	}
	msgs[1].CreatedAt = at(25, 9, 0)
	if got, want := chat.ProposalSummary(12, msgs[:1]), "From conversation #12: 1 message, 2026-11-24 21:02 to 21:02 UTC."; got != want {
		t.Errorf("summary = %q, want %q", got, want)
	}
	if got := chat.ProposalSummary(12, msgs); !strings.HasSuffix(got, "to 2026-11-25 09:00 UTC.") {
		t.Errorf("summary over two days = %q", got)
	}
	// Control characters never reach a title.
	if got := chat.ProposedTitle("Refund\x1bnow\x1cplease"); got != "Refund now please" {
		t.Errorf("title = %q", got)
	}
}

// TestScrubberBounds: an address inside a longer one stays; single-word
// names are left, full names go as whole words.
func TestScrubberBounds(t *testing.T) {
	sc := chat.NewScrubber()
	sc.Email("a@b.co")
	sc.Name("the")
	sc.Name("Quentin Quixotic")
	got := sc.ScrubMessage("Mail a@b.co, not data@b.com or a@b.com. Restart the router, Quentin Quixotic. QuentinQuixotic stays.")
	want := "Mail [erased], not data@b.com or a@b.com. Restart the router, [erased]. QuentinQuixotic stays."
	if got != want {
		t.Errorf("ScrubMessage = %q\nwant %q", got, want)
	}
	if got := sc.ScrubMessage("Write to A@B.CO."); got != "Write to [erased]." {
		t.Errorf("case-insensitive address: %q", got)
	}
	// A full name in any case, with any white space or invisible
	// characters between and around its words.
	sc2 := chat.NewScrubber()
	sc2.Name("\u202eJolene Marquardt")
	for _, in := range []string{"Hello JOLENE  MARQUARDT!", "Hello Jolene\u00a0Marquardt!", "Hello Jolene Marquardt\u200e!", "Hello jolene\u200bmarquardt!"} {
		if got := sc2.ScrubMessage(in); !strings.HasPrefix(got, "Hello [erased]") {
			t.Errorf("ScrubMessage(%+q) = %+q", in, got)
		}
	}
	if got := sc2.ScrubMessage("JoleneMarquardt and Jolene Marquardts"); got != "JoleneMarquardt and Jolene Marquardts" {
		t.Errorf("parts of other words were taken: %q", got)
	}
}
