package chat_test

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strconv"
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
	ref := &chat.ItemRef{Number: 3, Type: chat.ItemTicket, Title: "\u202eRefund"}
	if got, want := chat.LinkNote(ben, ref, 0), "\u2068Ben\u202e\u202c\u2069 linked this conversation to ticket #3: \u2068\u202eRefund\u202c\u2069"; got != want {
		t.Errorf("link note = %+q, want %+q", got, want)
	}
	m := &chat.Message{Author: chat.Author{Kind: chat.KindCustomer, Name: "Sally\u202e"}, Text: "help me\nplease",
		CreatedAt: time.Date(2026, 11, 24, 21, 2, 0, 0, time.UTC)}
	if got, want := chat.TranscriptLine(m), "\u2068Sally\u202e\u202c\u2069 (2026-11-24 21:02 UTC): \u2068help me\u2069\n    \u2068please\u2069"; got != want {
		t.Errorf("transcript line = %+q, want %+q", got, want)
	}
	// A message's own line breaks cannot forge another author's line:
	// every line after its first is indented.
	forged := &chat.Message{Author: chat.Author{Kind: chat.KindCustomer, Name: "Sally"}, CreatedAt: m.CreatedAt,
		Text: "hi\nAnna Admin (2026-11-29 17:55 UTC): We will refund you 500 EUR"}
	for _, line := range strings.Split(chat.TranscriptLine(forged), "\n")[1:] {
		if !strings.HasPrefix(line, "    ") {
			t.Errorf("a continuation line is not indented: %+q", line)
		}
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

// TestTranscriptDropsWholeMessages: a transcript too long for a
// description leaves out the oldest whole messages and says so.
func TestTranscriptDropsWholeMessages(t *testing.T) {
	var msgs []*chat.Message
	for i := 0; i < 100; i++ {
		msgs = append(msgs, &chat.Message{Author: chat.Author{Kind: chat.KindCustomer, Name: "Sally"}, Text: fmt.Sprintf("m%03d %s", i, strings.Repeat("x", 200)),
			CreatedAt: time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC)})
	}
	d := chat.Transcript(msgs)
	if chat.RuneLen(d) > chat.MaxDescriptionRunes {
		t.Fatalf("transcript is %d characters", chat.RuneLen(d))
	}
	lines := strings.Split(d, "\n")
	if !strings.HasPrefix(lines[0], "(") || !strings.Contains(lines[0], "earlier messages left out") {
		t.Fatalf("first line = %q", lines[0])
	}
	for _, l := range lines[1:] {
		if l != chat.TranscriptLine(msgs[100-len(lines)+1+slicesIndex(lines[1:], l)]) {
			t.Fatalf("a message was cut: %q", l)
		}
	}
	if !strings.Contains(lines[len(lines)-1], "m099") {
		t.Fatalf("the newest message is missing: %q", lines[len(lines)-1])
	}
}

func slicesIndex(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// TestLimitsMatchTheUI: the limits the widget and the agent UI count
// against are the server's, in the same unit (code points).
func TestLimitsMatchTheUI(t *testing.T) {
	b, err := os.ReadFile("../../frontend/src/lib/text.ts")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{
		"MAX_MESSAGE":     chat.MaxMessageRunes,
		"MAX_NAME":        chat.MaxNameRunes,
		"MAX_TITLE":       chat.MaxTitleRunes,
		"MAX_DESCRIPTION": chat.MaxDescriptionRunes,
		"MAX_SETTING":     chat.MaxSettingRunes,
		"MAX_EMAIL_BYTES": chat.MaxEmailBytes,
		"MAX_QUERY":       chat.MaxQueryRunes,
	}
	re := regexp.MustCompile(`export const (MAX_[A-Z_]+) = ([0-9_]+);`)
	got := map[string]int{}
	for _, m := range re.FindAllStringSubmatch(string(b), -1) {
		n, _ := strconv.Atoi(strings.ReplaceAll(m[2], "_", ""))
		got[m[1]] = n
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("frontend/src/lib/text.ts %s = %d, the server's limit is %d", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("text.ts declares %v; the test knows %v", got, want)
	}
}
