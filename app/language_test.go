package app

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/deskchat/deskchat/app/localstore"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/locales"
)

// speaker is a Badge that records the language it was told.
type speaker struct {
	mu   sync.Mutex
	lang string
}

func (s *speaker) SetUnread(int)  {}
func (s *speaker) SetOnline(bool) {}
func (s *speaker) SetPaused(bool) {}
func (s *speaker) Available() bool {
	return true
}
func (s *speaker) SetLanguage(lang string) { s.mu.Lock(); s.lang = lang; s.mu.Unlock() }
func (s *speaker) get() string             { s.mu.Lock(); defer s.mu.Unlock(); return s.lang }

// TestLanguageSetting: the language chosen in Settings reaches the tray
// at once, and the app's own sentences (its errors, the window title, an
// export's filter) are written in it; the sentinels stay what errors.Is
// finds.
func TestLanguageSetting(t *testing.T) {
	a := New("test", NopEmitter{}, nil, t.TempDir())
	badge := &speaker{}
	a.Desktop.Badge = badge
	if err := a.Desktop.SetPrefs(Prefs{Language: "de"}); err != nil {
		t.Fatal(err)
	}
	if got := badge.get(); got != "de" {
		t.Fatalf("the tray speaks %q after choosing German", got)
	}
	if _, err := a.Inbox.UnreadTotal(); err == nil || err.Error() != "Nicht angemeldet." || !errors.Is(err, errNotSignedIn) {
		t.Fatalf("not signed in, in German: %v", err)
	}
	if err := a.Session.offline(); err.Error() != "Der Server ist gerade nicht erreichbar; versuchen Sie es erneut, wenn deskchat verbunden ist." ||
		!errors.Is(err, ErrOffline) {
		t.Fatalf("offline, in German: %v", err)
	}
	if got := Title("de", 3); got != "(3) deskchat" {
		t.Errorf("German title %q", got)
	}
	from := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	f := localstore.SearchFilter{Section: chat.SectionCustomers, Status: chat.StatusClosed, CustomerID: 9, From: from}
	if got, want := describeFilter(f, "de", time.UTC), " (Von Kunden, geschlossen, Kunde 9, ab 02.11.2026)"; got != want {
		t.Errorf("German filter %q, want %q", got, want)
	}
	if got, want := describeFilter(f, "en", time.UTC), " (From Customers, closed, customer 9, from 2026-11-02)"; got != want {
		t.Errorf("English filter %q, want %q", got, want)
	}
	// No local helpdesk, no preview to open.
	if err := a.Desktop.OpenPreview(); chat.ErrorCode(err) != chat.ENotFound {
		t.Errorf("OpenPreview signed out: %v", err)
	}
	// Back to the system's language (English here, see TestMain).
	if err := a.Desktop.SetPrefs(Prefs{}); err != nil {
		t.Fatal(err)
	}
	if got := badge.get(); got != "en" {
		t.Fatalf("the tray speaks %q after following the system again", got)
	}
	if _, err := a.Inbox.UnreadTotal(); err == nil || err.Error() != "Not signed in." {
		t.Fatalf("not signed in, in English: %v", err)
	}
}

// TestProposalInLanguage: a proposal's summary and fallback title are
// written in the app's language from the facts the proposal carries; in
// English they are chat.ProposeItem's own words.
func TestProposalInLanguage(t *testing.T) {
	at := time.Date(2026, 11, 24, 21, 2, 0, 0, time.UTC)
	msgs := []*chat.Message{{ID: 1, Author: chat.Author{Kind: chat.KindUser}, Text: "", CreatedAt: at},
		{ID: 2, Author: chat.Author{Kind: chat.KindUser}, Text: "", CreatedAt: at.Add(13 * time.Minute)}}
	c := &chat.Conversation{ID: 12, Kind: chat.ConversationCustomer}
	for _, tc := range []struct{ lang, title, desc string }{
		{"en", "Conversation 12", "From conversation #12: 2 messages, 2026-11-24 21:02 to 21:15 UTC."},
		{"de", "Konversation 12", "Aus Konversation #12: 2 Nachrichten, 24.11.2026 21:02 bis 21:15 UTC."},
	} {
		ni := chat.ProposeItem(c, msgs, chat.ItemTask)
		if tc.lang == "en" && (ni.Title != tc.title || ni.Description != tc.desc) {
			t.Fatalf("chat.ProposeItem = %q / %q", ni.Title, ni.Description)
		}
		localizeProposal(ni, tc.lang)
		if ni.Title != tc.title || ni.Description != tc.desc {
			t.Errorf("%s: %q / %q, want %q / %q", tc.lang, ni.Title, ni.Description, tc.title, tc.desc)
		}
	}
}

// TestServerErrorsInLanguage: a server's refusal reads as the server wrote
// it in English, and as the catalogs' sentence for its code in German;
// every code the server has is in the catalogs.
func TestServerErrorsInLanguage(t *testing.T) {
	e := chat.Errorf(chat.EFileTooLarge, "The file is larger than 10 MB.")
	if got := ServerErrorText("en", e); got != "The file is larger than 10 MB." {
		t.Errorf("en: %q", got)
	}
	if got := ServerErrorText("de", e); got != "Die Datei ist zu groß." {
		t.Errorf("de: %q", got)
	}
	if got := ServerErrorText("de", &chat.Error{Code: "something_new", Message: "x"}); got != "Der Server hat das nicht angenommen; bitte versuchen Sie es erneut." {
		t.Errorf("an unknown code: %q", got)
	}
	for _, code := range []string{chat.EInvalid, chat.EMessageEmpty, chat.EMessageTooLong, chat.EForbidden, chat.ENotAuthor, chat.ENotFound,
		chat.EConflict, chat.ERateLimited, chat.EFileEmpty, chat.EFileTooLarge, chat.ETooManyFiles, chat.EMediaType, chat.EBadCredentials} {
		if _, ok := locales.Catalog("en")["errors."+code]; !ok {
			t.Errorf("no catalog sentence for %s", code)
		}
	}
}
