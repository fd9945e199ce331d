package chat_test

import (
	"strings"
	"testing"

	"github.com/deskchat/deskchat/backend/chat"
)

func TestCheckEmail(t *testing.T) {
	tests := []struct {
		in, want, code string
		optional       bool
	}{
		{" Ann@Example.COM ", "ann@example.com", "", false},
		{"", "", chat.EInvalid, false},
		{"", "", "", true},
		{"no-at-sign", "", chat.EInvalid, true},
		{"Ann <ann@example.com>", "", chat.EInvalid, false},
		{"a@b\xff", "", chat.EInvalidUTF8, false},
		{strings.Repeat("a", 250) + "@b.cd", "", chat.EInvalid, false},
	}
	for _, tt := range tests {
		got, err := chat.CheckEmail(tt.in, tt.optional)
		if chat.ErrorCode(err) != tt.code || got != tt.want {
			t.Errorf("CheckEmail(%q) = %q, %v; want %q, %q", tt.in, got, err, tt.want, tt.code)
		}
	}
}

func TestCheckClientIDAndPageLimit(t *testing.T) {
	for _, tt := range []struct {
		in   string
		code string
	}{
		{"", ""}, {"c-123_ABC.xyz", ""}, {"with space", chat.EInvalid}, {"tab\t", chat.EInvalid},
		{"ü", chat.EInvalid}, {strings.Repeat("x", chat.MaxClientID), ""}, {strings.Repeat("x", chat.MaxClientID+1), chat.EInvalid},
	} {
		if _, err := chat.CheckClientID(tt.in); chat.ErrorCode(err) != tt.code {
			t.Errorf("CheckClientID(%q) = %v, want %q", tt.in, err, tt.code)
		}
	}
	for in, want := range map[int]int{0: chat.DefaultPageSize, -5: chat.DefaultPageSize, 7: 7, 10_000: chat.MaxPageSize} {
		if got := chat.PageLimit(in); got != want {
			t.Errorf("PageLimit(%d) = %d, want %d", in, got, want)
		}
	}
}

func TestErrorHelpers(t *testing.T) {
	err := chat.Errorf(chat.ENotFound, "Conversation %d not found.", 5)
	if chat.ErrorCode(err) != chat.ENotFound || chat.ErrorMessage(err) != "Conversation 5 not found." {
		t.Fatalf("got %q %q", chat.ErrorCode(err), chat.ErrorMessage(err))
	}
	plain := strings.NewReader("").UnreadByte() // any non-chat error
	if chat.ErrorCode(plain) != chat.EInternal || chat.ErrorMessage(plain) != "Internal error." {
		t.Fatalf("internal error leaks: %q", chat.ErrorMessage(plain))
	}
	if chat.ErrorCode(nil) != "" {
		t.Fatal("nil has a code")
	}
}

func TestTextsFor(t *testing.T) {
	st := chat.DefaultSettings()
	if got := st.TextsFor("de").Greeting; got != chat.DefaultTexts["de"].Greeting {
		t.Errorf("a default greeting reads in German: %q", got)
	}
	if got := st.TextsFor("fr").Greeting; got != st.Greeting {
		t.Errorf("a language without texts reads the default: %q", got)
	}
	st.Greeting = "Welcome to ACME!"
	if got := st.TextsFor("de").Greeting; got != "Welcome to ACME!" {
		t.Errorf("an admin's own greeting is not replaced by the product's German default: %q", got)
	}
	st.Translations = map[string]chat.SettingTexts{"de": {Greeting: "Willkommen bei ACME!"}}
	if got := st.TextsFor("de").Greeting; got != "Willkommen bei ACME!" {
		t.Errorf("the admin's translation: %q", got)
	}
	w := st.Widget()
	if w.Translations["de"].Greeting != "Willkommen bei ACME!" || w.Translations["de"].Title != chat.DefaultTexts["de"].WidgetTitle {
		t.Errorf("widget de = %+v", w.Translations["de"])
	}
	if p := chat.OfflineReplyParams(&st); p.Texts["de"] != chat.DefaultTexts["de"].OfflineMessage {
		t.Errorf("offline reply texts = %+v", p.Texts)
	}
}
