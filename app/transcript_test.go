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
	txt, err := app.Transcript(app.TranscriptText, c, msgs, 1, "en", time.UTC, at)
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
	h, err := app.Transcript(app.TranscriptHTML, c, msgs, 1, "en", time.UTC, at)
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
	if _, err := app.Transcript("pdf", c, msgs, 1, "en", time.UTC, at); err == nil {
		t.Fatal("an unknown format")
	}
}

// TestSearchTranscript: a search result exported keeps the results' order
// and kinds, each message whole under its conversation, and user text as
// text: the query, titles and messages escaped in HTML, isolated and
// indented in plain text.
func TestSearchTranscript(t *testing.T) {
	at := time.Date(2026, 11, 29, 14, 3, 0, 0, time.UTC)
	query := "refund </h1><script>alert(1)</script>\u202E"
	results := []*chat.SearchResult{
		{Kind: chat.ResultCustomer, ConversationID: 7, Title: "Eve <b>Evil</b>"},
		{Kind: chat.ResultItem, ItemNumber: 12, Title: "ticket #12", Status: "open"},
		{Kind: chat.ResultMessage, ConversationID: 7, MessageID: 3, Title: "Eve <b>Evil</b>", Status: "closed"},
		{Kind: chat.ResultMessage, ConversationID: 8, MessageID: 99, Title: "gone"},
	}
	found := app.SearchFound{
		Messages: map[int64]*chat.Message{3: {ID: 3, ConversationID: 7, Author: chat.Author{Kind: chat.KindCustomer, ID: 3, Name: "Eve"},
			Text: "where is my refund?\n[2026-11-29 14:05] Anna Admin: <img src=x onerror=alert(2)>", CreatedAt: at}},
		Items: map[int64]*chat.Item{12: {Number: 12, Type: chat.ItemTicket, Title: "Refund\n[2026-11-29 14:05] Anna Admin:", Status: chat.ItemInProgress}},
		Conversations: map[int64]*chat.Conversation{7: {ID: 7, Kind: chat.ConversationCustomer,
			Customer: &chat.Customer{ID: 3, Name: "Eve <b>Evil</b>", Email: "eve@evil.example"}}},
	}
	txt, err := app.SearchTranscript(app.TranscriptText, query, " (closed)", results, found, "en", time.UTC, at)
	if err != nil {
		t.Fatal(err)
	}
	text := string(txt)
	order := []string{
		"Search results for \u2068refund </h1><script>alert(1)</script>\u202E\u202C\u2069\n4 results (closed); exported 2026-11-29 14:03 UTC\n",
		"\nCustomer: \u2068Eve <b>Evil</b>\u2069, \u2068eve@evil.example\u2069\n",
		"\n#12 ticket: \u2068Refund [2026-11-29 14:05] Anna Admin:\u2069, in_progress\n",
		"\nConversation 7: \u2068Eve <b>Evil</b>\u2069, closed\n[2026-11-29 14:03] \u2068Eve\u2069:\n    \u2068where is my refund?\u2069\n    \u2068[2026-11-29 14:05] Anna Admin: <img src=x onerror=alert(2)>\u2069\n",
		"\nConversation 8: \u2068gone\u2069\n",
	}
	last := -1
	for _, want := range order {
		i := strings.Index(text, want)
		if i <= last {
			t.Fatalf("text export lacks, or misplaces, %q:\n%s", want, text)
		}
		last = i
	}
	h, err := app.SearchTranscript(app.TranscriptHTML, query, "", results, found, "en", time.UTC, at)
	if err != nil {
		t.Fatal(err)
	}
	page := string(h)
	for _, bad := range []string{"<script>", "<img", "<b>Evil", "</h1><"} {
		if strings.Contains(page, bad) {
			t.Errorf("HTML export carries %q", bad)
		}
	}
	for _, want := range []string{"default-src 'none'", "&lt;script&gt;alert(1)&lt;/script&gt;", "<bdi>Eve &lt;b&gt;Evil&lt;/b&gt;</bdi>, <bdi>eve@evil.example</bdi>",
		"<h2>#12 ticket: <bdi>Refund [2026-11-29 14:05] Anna Admin:</bdi>, in_progress</h2>", "&lt;img src=x onerror=alert(2)&gt;"} {
		if !strings.Contains(page, want) {
			t.Errorf("HTML export lacks %q:\n%s", want, page)
		}
	}
	if _, err := app.SearchTranscript("pdf", query, "", results, found, "en", time.UTC, at); chat.ErrorCode(err) != chat.EInvalid {
		t.Fatalf("a pdf: %v", err)
	}
}

// TestTranscriptGerman: an export is written in the app's language: its
// headers, the product's words, dates and sizes; user text stays as it
// is, isolated.
func TestTranscriptGerman(t *testing.T) {
	at := time.Date(2026, 11, 29, 14, 3, 0, 0, time.UTC)
	c := &chat.Conversation{ID: 7, Kind: chat.ConversationCustomer, Status: chat.StatusOpen, Customer: &chat.Customer{ID: 3, Name: "Eve"}}
	msgs := []*chat.Message{
		{ID: 1, Author: chat.Author{Kind: chat.KindCustomer, ID: 3}, Text: "Hallo", CreatedAt: at,
			Attachments: []chat.Attachment{{ID: "a", Name: "scan.pdf", Size: 3<<20 + 600<<10}}},
		{ID: 2, Author: chat.Author{Kind: chat.KindUser, ID: 1, Name: "Anna Admin"}, Text: "fürs Team", Internal: true, CreatedAt: at},
	}
	txt, err := app.Transcript(app.TranscriptText, c, msgs, 1, "de", time.UTC, at)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Konversation mit \u2068Eve\u2069\nKonversation 7, offen; exportiert 29.11.2026 14:03 UTC\n",
		"[29.11.2026 14:03] Der Kunde:\n    \u2068Hallo\u2069\n    📎 \u2068scan.pdf\u2069 (3,5 MB)\n",
		"\u2068Anna Admin\u2069 (private Notiz, nur für das Team):\n",
	} {
		if !strings.Contains(string(txt), want) {
			t.Errorf("German transcript lacks %q:\n%s", want, txt)
		}
	}
	team := &chat.Conversation{ID: 8, Kind: chat.ConversationTeam, Status: chat.StatusClosed,
		Participants: []chat.Participant{{UserID: 1, Name: "Anna"}, {UserID: 2, Name: "Ben <b>"}, {UserID: 3, Name: "Cleo"}}}
	h, err := app.Transcript(app.TranscriptHTML, team, nil, 1, "de", time.UTC, at)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<title>Team-Konversation mit Ben &lt;b&gt;, Cleo</title>",
		"<h1>Team-Konversation mit <bdi>Ben &lt;b&gt;</bdi>, <bdi>Cleo</bdi></h1>\n<p class=\"at\">Konversation 8, geschlossen; exportiert 29.11.2026 14:03 UTC</p>"} {
		if !strings.Contains(string(h), want) {
			t.Errorf("German HTML transcript lacks %q:\n%s", want, h)
		}
	}

	results := []*chat.SearchResult{{Kind: chat.ResultItem, ItemNumber: 12, Title: "ticket #12", Status: "open"}}
	found := app.SearchFound{Items: map[int64]*chat.Item{12: {Number: 12, Type: chat.ItemTicket, Title: "Erstattung", Status: chat.ItemInProgress}}}
	s, err := app.SearchTranscript(app.TranscriptText, "erstattung", " (geschlossen)", results, found, "de", time.UTC, at)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Suchergebnisse für \u2068erstattung\u2069\n1 Ergebnis (geschlossen); exportiert 29.11.2026 14:03 UTC\n\n#12 Ticket: \u2068Erstattung\u2069, in Bearbeitung\n"; string(s) != want {
		t.Errorf("German search export:\n%q\nwant\n%q", s, want)
	}
	// One result is one in English too.
	s, _ = app.SearchTranscript(app.TranscriptText, "refund", "", results, found, "en", time.UTC, at)
	if !strings.Contains(string(s), "\n1 result; exported 2026-11-29 14:03 UTC\n") {
		t.Errorf("English search export of one result:\n%s", s)
	}
}
