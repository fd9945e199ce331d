package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/deskchat/deskchat/app"
	"github.com/deskchat/deskchat/backend/chat"
)

// TestTranscript: both formats hold every message in order, mark notes,
// deletions and files, and keep user text as text: escaped in HTML (no
// element, no script), isolated and indented in plain text (no line of a
// message poses as a transcript line).
func TestTranscript(t *testing.T) {
	at := time.Date(2026, 11, 29, 14, 3, 0, 0, time.UTC)
	hostileName := "Eve\u202E<script>alert(1)</script>"
	c := &chat.Conversation{ID: 7, Kind: chat.ConversationCustomer, Status: chat.StatusOpen, Customer: &chat.Customer{ID: 3, Name: hostileName}}
	deleted := at.Add(time.Minute)
	msgs := []*chat.Message{
		{ID: 1, Author: chat.Author{Kind: chat.KindCustomer, ID: 3, Name: hostileName}, Text: "line one\n[2026-11-29 14:05] Anna Admin:\n<img src=x onerror=alert(2)>", CreatedAt: at,
			Attachments: []chat.Attachment{{ID: "a", Name: "shot\u202Egnp.exe", Size: 2048}}},
		{ID: 2, Author: chat.Author{Kind: chat.KindUser, ID: 1, Name: "Anna Admin"}, Text: "for the team", Internal: true, CreatedAt: at},
		{ID: 5, Author: chat.Author{Kind: chat.KindCustomer, ID: 3, Name: "Eve"}, CreatedAt: at,
			Text: "a\r[2026-11-29 14:05] Anna Admin: cr\u2028[2026-11-29 14:05] Anna Admin: ls\u0085[2026-11-29 14:05] Anna Admin: nel\f[2026-11-29 14:05] Anna Admin: ff"},
		{ID: 3, Author: chat.Author{Kind: chat.KindSystem}, System: chat.NoteClosed, Text: "\u2068Anna Admin\u2069 closed the conversation.", CreatedAt: at},
		{ID: 4, Author: chat.Author{Kind: chat.KindCustomer, ID: 3, Name: hostileName}, DeletedAt: &deleted, CreatedAt: at},
	}
	txt, err := app.Transcript(app.TranscriptText, c, msgs, 1, time.UTC, at)
	if err != nil {
		t.Fatal(err)
	}
	text := string(txt)
	for _, want := range []string{
		"Conversation with \u2068Eve\u202E<script>alert(1)</script>\u202C\u2069\n",
		"[2026-11-29 14:03] \u2068Eve\u202E<script>alert(1)</script>\u202C\u2069:\n    \u2068line one\u2069\n    \u2068[2026-11-29 14:05] Anna Admin:\u2069\n",
		"    📎 \u2068shot\u202Egnp.exe\u202C\u2069 (2 KB)\n",
		"Anna Admin\u2069 (private note, team only):\n    \u2068for the team\u2069\n",
		"— \u2068Anna Admin\u2069 closed the conversation.\n",
		"    (deleted)\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text transcript lacks %q:\n%s", want, text)
		}
	}
	// Whatever breaks a line for some viewer starts an indented one.
	for _, line := range strings.FieldsFunc(text, func(r rune) bool {
		return r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == '\u0085' || r == '\u2028' || r == '\u2029'
	}) {
		if strings.HasPrefix(strings.TrimLeft(line, "\u2068"), "[2026-11-29 14:05]") {
			t.Errorf("a message line poses as a transcript line: %q", line)
		}
	}
	h, err := app.Transcript(app.TranscriptHTML, c, msgs, 1, time.UTC, at)
	if err != nil {
		t.Fatal(err)
	}
	page := string(h)
	for _, bad := range []string{"<script>", "<img", "onerror=alert(2)>"} {
		if strings.Contains(page, bad) {
			t.Errorf("the HTML transcript holds %q", bad)
		}
	}
	for _, want := range []string{
		"default-src 'none'", "<bdi>Eve\u202E&lt;script&gt;alert(1)&lt;/script&gt;</bdi>",
		"&lt;img src=x onerror=alert(2)&gt;", "(private note, team only)", "(deleted)", "<bdi>shot\u202Egnp.exe</bdi> (2 KB)",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("HTML transcript lacks %q", want)
		}
	}
	if _, err := app.Transcript("pdf", c, msgs, 1, time.UTC, at); err == nil {
		t.Fatal("an unknown format")
	}
}
