package locales_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/locales"
)

// TestNoteEnglishIsTheStoredText: every note deskchat writes reads in
// English, from its parameters, exactly as the text stored with it (the
// catalog and chat's sentences are one rule), and in German as German.
func TestNoteEnglishIsTheStoredText(t *testing.T) {
	ben := chat.Actor{Kind: chat.KindUser, ID: 2, Name: "Ben"}
	ana := &chat.Person{ID: 3, Name: "Ana"}
	benP := &chat.Person{ID: 2, Name: "Ben"}
	customer := chat.Actor{Kind: chat.KindCustomer, ID: 9, Name: "Cleo"}
	auto := chat.Actor{Kind: chat.KindSystem}
	nameless := chat.Actor{Kind: chat.KindUser, ID: 4}
	type note struct {
		text string
		p    *chat.SystemParams
	}
	cases := []note{
		{chat.StatusNote(ben, chat.StatusClosed), chat.StatusParams(ben, chat.StatusClosed)},
		{chat.StatusNote(ben, chat.StatusOpen), chat.StatusParams(ben, chat.StatusOpen)},
		{chat.StatusNote(chat.Actor{Kind: chat.KindCustomer}, chat.StatusOpen), chat.StatusParams(customer, chat.StatusOpen)},
		{chat.StatusNote(nameless, chat.StatusClosed), chat.StatusParams(nameless, chat.StatusClosed)},
		{chat.LinkNote(ben, &chat.ItemRef{Type: chat.ItemTicket, Number: 12}, 0), chat.LinkParams(ben, &chat.ItemRef{Type: chat.ItemTicket, Number: 12}, 0)},
		{chat.LinkNote(ben, &chat.ItemRef{Type: chat.ItemTask, Number: 3}, 0), chat.LinkParams(ben, &chat.ItemRef{Type: chat.ItemTask, Number: 3}, 0)},
		{chat.LinkNote(ben, nil, 12), chat.LinkParams(ben, nil, 12)},
		{chat.AssignNote(ben, ana, nil), chat.AssignParams(ben, ana, nil)},
		{chat.AssignNote(ben, benP, ana), chat.AssignParams(ben, benP, ana)},
		{chat.AssignNote(ben, nil, ana), chat.AssignParams(ben, nil, ana)},
		{chat.AssignNote(ben, nil, nil), chat.AssignParams(ben, nil, nil)},
		{chat.AssignNote(auto, ana, nil), chat.AssignParams(auto, ana, nil)},
		{chat.ReleaseNote(ana, chat.ReleaseOffline), chat.ReleaseParams(ana, chat.ReleaseOffline)},
		{chat.ReleaseNote(ana, chat.ReleaseNotAgent), chat.ReleaseParams(ana, chat.ReleaseNotAgent)},
		{chat.ReleaseNote(&chat.Person{ID: 5}, chat.ReleaseNotAgent), chat.ReleaseParams(&chat.Person{ID: 5}, chat.ReleaseNotAgent)},
	}
	// A customer's own note names them in its stored text; its
	// parameters do not (an erasure could not reach them there), so it
	// reads "The customer" in every language.
	named := chat.StatusNote(customer, chat.StatusOpen)
	if !strings.Contains(named, "Cleo") {
		t.Fatalf("the stored text of a customer's note: %q", named)
	}
	p := chat.StatusParams(customer, chat.StatusOpen)
	if got := locales.Note("en", &chat.Message{Text: named, System: p.Key, SystemParams: p}); got != "The customer reopened the conversation." || p.Actor != "" {
		t.Errorf("a customer's note reads %q (params %+v)", got, p)
	}
	for _, c := range cases {
		m := &chat.Message{Text: c.text, System: "x", SystemParams: c.p}
		if got := locales.Note("en", m); got != c.text {
			t.Errorf("%s: en %q, stored %q", c.p.Key, got, c.text)
		}
		de := locales.Note("de", m)
		if de == c.text || strings.Contains(de, "conversation") {
			t.Errorf("%s: de %q is not German", c.p.Key, de)
		}
		if strings.Contains(de, "Cleo") {
			t.Errorf("%s: a customer's name in a note: %q", c.p.Key, de)
		}
	}
	// Older notes and unknown keys keep their text; the offline reply
	// speaks the reader's language where the admin wrote it.
	old := &chat.Message{Text: "⁨Ben⁩ closed the conversation.", System: chat.NoteClosed}
	if got := locales.Note("de", old); got != old.Text {
		t.Errorf("a note without params: %q", got)
	}
	future := &chat.Message{Text: "Something new.", System: "merged", SystemParams: &chat.SystemParams{Key: "merged"}}
	if got := locales.Note("de", future); got != future.Text {
		t.Errorf("an unknown key: %q", got)
	}
	st := chat.DefaultSettings()
	st.Translations = map[string]chat.SettingTexts{"de": {OfflineMessage: "Wir sind offline."}}
	reply := &chat.Message{Text: st.OfflineMessage, System: chat.NoteOfflineReply, SystemParams: chat.OfflineReplyParams(&st)}
	if got := locales.Note("de", reply); got != "Wir sind offline." {
		t.Errorf("offline reply de: %q", got)
	}
	if got := locales.Note("fr", reply); got != st.OfflineMessage {
		t.Errorf("offline reply fr: %q", got)
	}
}

// TestNoteCases: the shared cases (testdata/notes.json, read by the
// frontend's note-render test too) come out exactly so in Go.
func TestNoteCases(t *testing.T) {
	data, err := os.ReadFile("testdata/notes.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Params *chat.SystemParams `json:"system_params"`
		Text   string             `json:"text"`
		EN, DE string
	}
	if err := json.Unmarshal(data, &cases); err != nil || len(cases) < 10 {
		t.Fatalf("%d cases, %v", len(cases), err)
	}
	for _, c := range cases {
		m := &chat.Message{Text: c.Text, System: c.Params.Key, SystemParams: c.Params}
		if got := locales.Note("en", m); got != c.EN {
			t.Errorf("%s en: %q, want %q", c.Params.Key, got, c.EN)
		}
		if got := locales.Note("de", m); got != c.DE {
			t.Errorf("%s de: %q, want %q", c.Params.Key, got, c.DE)
		}
	}
}
