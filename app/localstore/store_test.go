package localstore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deskchat/deskchat/app/localstore"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/fts"
)

func event(seq int64, typ string, data any) *chat.Event {
	b, _ := json.Marshal(data)
	return &chat.Event{Seq: seq, Type: typ, Data: b}
}

func message(id int64, text string, edited, deleted bool) chat.Message {
	m := chat.Message{ID: id, ConversationID: 1, Author: chat.Author{Kind: chat.KindCustomer, ID: 7, Name: "Sally"}, Text: text,
		CreatedAt: time.Date(2026, 1, 1, 0, 0, int(id), 0, time.UTC)}
	now := time.Now()
	if edited {
		m.EditedAt = &now
	}
	if deleted {
		m.DeletedAt, m.Text = &now, ""
	}
	return m
}

// TestApplyIsIdempotentAndIndexed: creates, edits and deletes of the same
// message in one batch, applied twice, leave one row with the final text,
// and the search index matches it exactly (no corruption, no stale words).
func TestApplyIsIdempotentAndIndexed(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	batch := []*chat.Event{
		event(1, chat.EventUserCreated, chat.User{ID: 2, Name: "Me", Support: true}),
		event(2, chat.EventConversationCreated, chat.Conversation{ID: 1, Kind: chat.ConversationCustomer, Status: chat.StatusOpen, CustomerID: 7,
			Customer: &chat.Customer{ID: 7, Name: "Sally"}}),
		event(3, chat.EventMessageCreated, message(10, "zebra crossing", false, false)),
		event(4, chat.EventMessageEdited, message(10, "giraffe crossing", true, false)),
		event(5, chat.EventMessageCreated, message(11, "okapi sighting", false, false)),
		event(6, chat.EventMessageDeleted, message(11, "", false, true)),
		event(7, chat.EventMessageCreated, message(12, "plain hello", false, false)),
	}
	for round := 0; round < 2; round++ {
		if err := st.Apply(ctx, batch, 7, "e"); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
	}
	// A created event replayed after the edit does not roll it back.
	if err := st.Apply(ctx, batch[2:3], 7, "e"); err != nil {
		t.Fatal(err)
	}
	msgs, _ := st.ListMessages(ctx, 1, 0, 50)
	if len(msgs) != 3 || msgs[0].Text != "giraffe crossing" || msgs[1].DeletedAt == nil || msgs[1].Text != "" {
		t.Fatalf("messages = %+v", msgs)
	}
	for q, want := range map[string]int{"giraffe": 1, "zebra": 0, "okapi": 0, "crossing": 1, "hello": 1} {
		res, err := st.Search(ctx, q, 10)
		if err != nil || len(res) != want {
			t.Errorf("Search(%q) = %d results, %v; want %d", q, len(res), err, want)
		}
	}
	if c, n, _ := st.Cursor(ctx); c != 7 || n != "e" {
		t.Fatalf("cursor = %d %q", c, n)
	}
	list, _ := st.ListConversations(ctx, chat.ConversationFilter{Section: chat.SectionCustomers})
	if len(list) != 1 || list[0].Unread != 2 || list[0].LastMessage == nil || list[0].LastMessage.ID != 12 {
		t.Fatalf("list = %+v", list)
	}
}

// TestMembershipThroughItems: My Conversations locally follows the item's
// people, as on the server.
func TestMembershipThroughItems(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	st.Apply(ctx, []*chat.Event{
		event(1, chat.EventUserCreated, chat.User{ID: 2, Name: "Me"}),
		event(2, chat.EventConversationCreated, chat.Conversation{ID: 1, Kind: chat.ConversationCustomer, Status: chat.StatusOpen, CustomerID: 7}),
	}, 2, "e")
	mine := func() int {
		l, _ := st.ListConversations(ctx, chat.ConversationFilter{Section: chat.SectionMine})
		return len(l)
	}
	if mine() != 0 {
		t.Fatal("in mine before any item")
	}
	item := chat.Item{Number: 5, Type: chat.ItemTicket, Title: "t", Creator: chat.Person{ID: 3}, Assignees: []chat.Person{{ID: 2}},
		Conversations: []chat.ConversationRef{{ID: 1}}}
	st.Apply(ctx, []*chat.Event{event(3, chat.EventItemUpdated, item)}, 3, "e")
	if mine() != 1 {
		t.Fatal("assignee does not see the linked conversation in mine")
	}
	item.Assignees = nil
	st.Apply(ctx, []*chat.Event{event(4, chat.EventItemUpdated, item)}, 4, "e")
	if mine() != 0 {
		t.Fatal("still in mine after being unassigned")
	}
	if _, err := st.ListConversations(ctx, chat.ConversationFilter{Section: chat.SectionCustomers}); chat.ErrorCode(err) != chat.EForbidden {
		t.Fatalf("non-support user lists From Customers: %v", err)
	}
}

// TestOutbox: ordered, idempotent by client id, failures kept for retry.
func TestOutbox(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	for _, id := range []string{"a", "b", "a", "c"} {
		st.Enqueue(ctx, localstore.Entry{ClientID: id, Kind: localstore.OutSendMessage, ConversationID: 1, Text: id})
	}
	st.Fail(ctx, "b", "too long")
	all, _ := st.Outbox(ctx, 0)
	if len(all) != 3 || all[0].ClientID != "a" || all[1].Failed != "too long" || all[2].ClientID != "c" {
		t.Fatalf("outbox = %+v", all)
	}
	m := message(20, "sent", false, false)
	st.Apply(ctx, []*chat.Event{event(1, chat.EventConversationCreated, chat.Conversation{ID: 1, Kind: chat.ConversationTeam, Status: chat.StatusOpen})}, 1, "e")
	if err := st.Sent(ctx, "a", &m); err != nil {
		t.Fatal(err)
	}
	st.Retry(ctx, "b")
	all, _ = st.Outbox(ctx, 0)
	if len(all) != 2 || all[0].ClientID != "b" || all[0].Failed != "" {
		t.Fatalf("after sent/retry = %+v", all)
	}
	if res, _ := st.Search(ctx, "sent", 5); len(res) != 1 {
		t.Fatal("a sent message is not searchable")
	}
	// An act already waiting is not queued again (Close clicked twice
	// offline); once refused, it may be queued anew.
	for _, id := range []string{"close-1", "close-2"} {
		st.Enqueue(ctx, localstore.Entry{ClientID: id, Kind: localstore.OutCloseConversation, ConversationID: 1})
	}
	st.Enqueue(ctx, localstore.Entry{ClientID: "close-other", Kind: localstore.OutCloseConversation, ConversationID: 2})
	closes := func() (n int) {
		all, _ := st.Outbox(ctx, 0)
		for _, e := range all {
			if e.Kind == localstore.OutCloseConversation {
				n++
			}
		}
		return n
	}
	if n := closes(); n != 2 {
		t.Fatalf("%d closes queued for two conversations", n)
	}
	st.Fail(ctx, "close-1", "refused")
	st.Enqueue(ctx, localstore.Entry{ClientID: "close-3", Kind: localstore.OutCloseConversation, ConversationID: 1})
	if n := closes(); n != 3 {
		t.Fatalf("%d closes after a refusal and a new click", n)
	}
	// Close, a reply (which reopens), Close again: three acts, all kept.
	st.Enqueue(ctx, localstore.Entry{ClientID: "reply", Kind: localstore.OutSendMessage, ConversationID: 1, Text: "one more thing"})
	st.Enqueue(ctx, localstore.Entry{ClientID: "close-4", Kind: localstore.OutCloseConversation, ConversationID: 1})
	if n := closes(); n != 4 {
		t.Fatalf("%d closes: the close after a reply was dropped", n)
	}
}

// TestUnsaidLeavesTheLocalFile: a message synced here and later edited or
// deleted, and a customer later erased, leave no byte of the earlier text
// or of the customer's details in the local database or its WAL, and
// nothing of them is found by search.
func TestUnsaidLeavesTheLocalFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "l.db")
	st, err := localstore.Open(path, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sally := &chat.Customer{ID: 7, Name: "Sally Xanthippe", Email: "sally@xanthippe.example", PageURL: "https://shop.example/qwertzuiop"}
	steps := [][]*chat.Event{
		{
			event(1, chat.EventUserCreated, chat.User{ID: 2, Name: "Me", Support: true}),
			event(2, chat.EventConversationCreated, chat.Conversation{ID: 1, Kind: chat.ConversationCustomer, Status: chat.StatusOpen, CustomerID: 7, Customer: sally}),
			event(3, chat.EventMessageCreated, message(10, "my pin is xpelicanfeather", false, false)),
			event(4, chat.EventMessageCreated, message(11, "the code is qcormorantwing", false, false)),
			event(5, chat.EventMessageCreated, func() chat.Message {
				m := message(12, "I am Sally, reach me anytime", false, false)
				m.ClientID = "Sally-DOB-1990-01-01"
				return m
			}()),
		},
		{event(6, chat.EventMessageEdited, message(10, "my pin is (removed)", true, false))},
		{event(7, chat.EventMessageDeleted, message(11, "", false, true))},
	}
	for i, batch := range steps {
		if err := st.Apply(ctx, batch, int64(5+i), "e"); err != nil {
			t.Fatal(err)
		}
	}
	grep := func(words ...string) []string {
		var found []string
		for _, suffix := range []string{"", "-wal"} {
			b, _ := os.ReadFile(path + suffix)
			for _, w := range words {
				if bytes.Contains(b, []byte(w)) {
					found = append(found, filepath.Base(path+suffix)+": "+w)
				}
			}
		}
		return found
	}
	// gone waits for the background checkpoint to leave none of words.
	gone := func(words ...string) []string {
		f := grep(words...)
		for deadline := time.Now().Add(10 * time.Second); len(f) > 0 && time.Now().Before(deadline); f = grep(words...) {
			time.Sleep(50 * time.Millisecond)
		}
		return f
	}
	// FTS5 stores terms prefix-compressed: look for each word's tail.
	if f := gone("pelicanfeather", "cormorantwing"); len(f) > 0 {
		t.Errorf("earlier text left in the local file after edit/delete: %v", f)
	}
	for _, q := range []string{"pelicanfeather", "cormorantwing"} {
		if res, _ := st.Search(ctx, q, 10); len(res) != 0 {
			t.Errorf("Search(%q) = %+v", q, res)
		}
	}
	if f := grep("Xanthippe", "reach me anytime"); len(f) < 2 {
		t.Fatalf("the test lost its premise: %v", f)
	}

	erasedAt := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	if err := st.Apply(ctx, []*chat.Event{event(8, chat.EventCustomerErased, chat.CustomerErased{
		Customer: &chat.Customer{ID: 7, ErasedAt: &erasedAt}, ConversationIDs: []int64{1}})}, 8, "e"); err != nil {
		t.Fatal(err)
	}
	if f := gone("anthippe", "sally@", "qwertzuiop", "reach me anytime", "anytime", "Sally-DOB"); len(f) > 0 {
		t.Errorf("the erased customer is still in the local file: %v", f)
	}
	msgs, _ := st.ListMessages(ctx, 1, 0, 50)
	for _, m := range msgs {
		if m.Text != "" || m.DeletedAt == nil || m.Author.Name != "" {
			t.Errorf("message after erasure = %+v", m)
		}
	}
	c, err := st.FindConversationByID(ctx, 1)
	if err != nil || c.ErasedAt == nil || c.Customer == nil || c.Customer.Name != "" || c.Customer.ErasedAt == nil {
		t.Fatalf("conversation after erasure = %+v, %v", c, err)
	}
	if res, _ := st.Search(ctx, "anytime", 10); len(res) != 0 {
		t.Errorf("erased text still found: %+v", res)
	}
}

// TestSearchFindsIsolatedNames: "anna" finds a note that isolates the name.
func TestSearchFindsIsolatedNames(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	note := chat.Message{ID: 5, ConversationID: 1, Author: chat.Author{Kind: chat.KindSystem}, System: chat.NoteClosed,
		Text: "\u2068Anna Admin\u2069 closed the conversation.", CreatedAt: time.Now()}
	if err := st.Apply(ctx, []*chat.Event{
		event(1, chat.EventConversationCreated, chat.Conversation{ID: 1, Kind: chat.ConversationCustomer, Status: chat.StatusOpen, CustomerID: 7,
			Customer: &chat.Customer{ID: 7, Name: "Sally"}}),
		event(2, chat.EventMessageCreated, note),
	}, 2, "e"); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"anna", "admin"} {
		// Titled as the server titles it (the conversation's customer),
		// marked as a system note: never a nameless near-duplicate.
		if res, err := st.Search(ctx, q, 10); err != nil || len(res) != 1 || res[0].Title != "Sally" || !res[0].System {
			t.Errorf("Search(%q) = %+v, %v", q, res, err)
		}
	}
}

// TestConversationKeepsNoItemTitle: a conversation row keeps its item by
// number only, so a title changed since (an edit of the message it was
// proposed from, an erasure) leaves no old title in the file.
func TestConversationKeepsNoItemTitle(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "l.db")
	st, err := localstore.Open(path, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	conv := chat.Conversation{ID: 1, Kind: chat.ConversationCustomer, Status: chat.StatusOpen, CustomerID: 7,
		Item: &chat.ItemRef{Number: 3, Type: chat.ItemTicket, Title: "Localtitlesecret words"}}
	it := chat.Item{Number: 3, Type: chat.ItemTicket, Title: "Localtitlesecret words", Conversations: []chat.ConversationRef{{ID: 1}}}
	if err := st.Apply(ctx, []*chat.Event{event(1, chat.EventConversationUpdated, conv), event(2, chat.EventItemCreated, it)}, 2, "e"); err != nil {
		t.Fatal(err)
	}
	it.Title = "Clean title"
	if err := st.Apply(ctx, []*chat.Event{event(3, chat.EventItemUpdated, it), event(4, chat.EventMessageDeleted, message(9, "", false, true))}, 4, "e"); err != nil {
		t.Fatal(err)
	}
	c, _ := st.FindConversationByID(ctx, 1)
	if c.Item == nil || c.Item.Title != "Clean title" {
		t.Fatalf("conversation item = %+v", c.Item)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, _ := os.ReadFile(path)
		w, _ := os.ReadFile(path + "-wal")
		if !bytes.Contains(append(b, w...), []byte("Localtitlesecret")) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the old title is still in the local file")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestSearchDateRange: a date range keeps the messages written within it
// (From inclusive, To exclusive), older hits included.
func TestSearchDateRange(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	evs := []*chat.Event{event(1, chat.EventConversationCreated, chat.Conversation{ID: 1, Kind: chat.ConversationTeam, Status: chat.StatusOpen})}
	days := []time.Time{
		time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), time.Date(2026, 3, 2, 23, 59, 59, 0, time.UTC),
		time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC),
	}
	for i, d := range days {
		m := chat.Message{ID: int64(i + 1), ConversationID: 1, Author: chat.Author{Kind: chat.KindUser, ID: 3, Name: "Ben"}, Text: "invoice question", CreatedAt: d}
		evs = append(evs, event(int64(i+2), chat.EventMessageCreated, m))
	}
	if err := st.Apply(ctx, evs, int64(len(evs)), "e"); err != nil {
		t.Fatal(err)
	}
	ids := func(f localstore.SearchFilter) []int64 {
		res, err := st.SearchWith(ctx, "invoice", 50, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, r := range res {
			out = append(out, r.MessageID)
		}
		slices.Sort(out)
		return out
	}
	if got := ids(localstore.SearchFilter{From: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)}); !slices.Equal(got, []int64{2, 3}) {
		t.Fatalf("2 March: %v", got)
	}
	if got := ids(localstore.SearchFilter{From: time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)}); !slices.Equal(got, []int64{4, 5}) {
		t.Fatalf("from 3 March: %v", got)
	}
	if got := ids(localstore.SearchFilter{To: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}); !slices.Equal(got, []int64{1}) {
		t.Fatalf("before 2 March: %v", got)
	}
	if got := ids(localstore.SearchFilter{}); len(got) != 5 {
		t.Fatalf("no range: %v", got)
	}
}

// TestSearchRanksTheWholeHistory: local search returns the best matches of
// the whole history, not of its newest part: on a corpus of 6,000 messages
// where a common word is in thousands, the results for one- to three-word
// queries (prefixes of one, two and more letters, folded letters) equal a
// brute-force ranking of every message by the same rule, also after edits
// and deletes, and the oldest short message comes first.
func TestSearchRanksTheWholeHistory(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	vocab := []string{"refund", "refunded", "refunds", "parcel", "late", "invoice", "café", "Cafe", "order", "wrong", "size",
		"delivery", "address", "thanks", "hello", "return", "label", "printer", "qux", "re"}
	r := rand.New(rand.NewPCG(7, 7))
	texts := map[int64]string{}
	evs := []*chat.Event{event(1, chat.EventConversationCreated, chat.Conversation{ID: 1, Kind: chat.ConversationTeam, Status: chat.StatusOpen})}
	add := func(id int64, text string) {
		texts[id] = text
		evs = append(evs, event(id+1, chat.EventMessageCreated, chat.Message{ID: id, ConversationID: 1,
			Author: chat.Author{Kind: chat.KindUser, ID: 3, Name: "Ben"}, Text: text, CreatedAt: time.Unix(id, 0).UTC()}))
	}
	add(1, "Refund?") // the oldest message, and the shortest with the word
	for id := int64(2); id <= 6000; id++ {
		var w []string
		for range 4 + r.IntN(14) {
			w = append(w, vocab[min(r.IntN(len(vocab)), r.IntN(len(vocab)))])
		}
		add(id, strings.Join(w, " "))
	}
	if err := st.Apply(ctx, evs, int64(len(evs)), "e"); err != nil {
		t.Fatal(err)
	}
	check := func(stage string) {
		t.Helper()
		for _, q := range []string{"refund", "ref", "r", "re", "refunde", "cafe", "CAFÉ", "parcel late", "re la", "order wrong size",
			"qux", "zzz", "hello thanks"} {
			words, _ := chat.SearchWords(q)
			type doc struct {
				id    int64
				words int
			}
			var want []doc
			for id, text := range texts {
				if text != "" && fts.Matches(text, words) {
					want = append(want, doc{id, fts.Words(text)})
				}
			}
			slices.SortFunc(want, func(a, b doc) int {
				if a.words != b.words {
					return a.words - b.words
				}
				return int(b.id - a.id)
			})
			want = want[:min(len(want), 20)]
			res, err := st.Search(ctx, q, 20)
			if err != nil {
				t.Fatal(err)
			}
			var got, wantIDs []int64
			for _, r := range res {
				if r.Kind == chat.ResultMessage {
					got = append(got, r.MessageID)
				}
			}
			for _, d := range want {
				wantIDs = append(wantIDs, d.id)
			}
			if !slices.Equal(got, wantIDs) {
				t.Errorf("%s: %q: got %v, want %v", stage, q, got, wantIDs)
			}
		}
	}
	check("synced")
	if res, _ := st.Search(ctx, "refund", 20); len(res) == 0 || res[0].MessageID != 1 {
		t.Fatalf("the oldest best match is not first: %+v", res)
	}
	// Edits and deletes move messages in and out of the ranking.
	var later []*chat.Event
	for id := int64(2); id <= 6000; id += 7 {
		m := chat.Message{ID: id, ConversationID: 1, Author: chat.Author{Kind: chat.KindUser, ID: 3, Name: "Ben"}, CreatedAt: time.Unix(id, 0).UTC()}
		now := time.Now()
		if id%2 == 0 {
			m.DeletedAt = &now
			later = append(later, event(int64(10000+id), chat.EventMessageDeleted, m))
		} else {
			m.Text, m.EditedAt = "refund "+texts[id][:min(len(texts[id]), 3)], &now
			later = append(later, event(int64(10000+id), chat.EventMessageEdited, m))
		}
		texts[id] = m.Text
	}
	if err := st.Apply(ctx, later, 20000, "e"); err != nil {
		t.Fatal(err)
	}
	check("edited")
}

// TestSearchFindsAWordBackAfterItLeft: a word that left the index with
// the only message holding it (the store's vocabulary forgot it) is found
// again once a new message brings it back, in a later batch or the same.
func TestSearchFindsAWordBackAfterItLeft(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	msg := func(id int64, text string) chat.Message {
		return chat.Message{ID: id, ConversationID: 1, Author: chat.Author{Kind: chat.KindUser, ID: 3, Name: "Ben"}, Text: text,
			CreatedAt: time.Unix(id, 0).UTC()}
	}
	found := func(q string) []int64 {
		res, err := st.Search(ctx, q, 10)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, r := range res {
			ids = append(ids, r.MessageID)
		}
		slices.Sort(ids)
		return ids
	}
	gone := msg(2, "")
	now := time.Now()
	gone.DeletedAt = &now
	for i, batch := range [][]*chat.Event{
		{event(1, chat.EventConversationCreated, chat.Conversation{ID: 1, Kind: chat.ConversationTeam, Status: chat.StatusOpen}),
			event(2, chat.EventMessageCreated, msg(1, "a zebu")), event(3, chat.EventMessageCreated, msg(2, "a zebra"))},
		{event(4, chat.EventMessageDeleted, gone)},
		{event(5, chat.EventMessageCreated, msg(3, "zebra again"))},
		{event(6, chat.EventMessageDeleted, func() chat.Message { m := msg(3, ""); m.DeletedAt = &now; return m }()),
			event(7, chat.EventMessageCreated, msg(4, "one more zebra"))},
	} {
		if err := st.Apply(ctx, batch, int64(10+i), "e"); err != nil {
			t.Fatal(err)
		}
		want := map[int][]int64{0: {1, 2}, 1: {1}, 2: {1, 3}, 3: {1, 4}}[i]
		if got := found("zeb"); !slices.Equal(got, want) {
			t.Fatalf("after batch %d: %v, want %v", i, got, want)
		}
	}
}

// TestSearchFindsWordsAsTheIndexHasThem: a longer query word becomes the
// words of the vocabulary it starts; those words are the index's own
// (unicode61: superscripts, fractions, private use and combining accents
// inside a word), so no match of FTS5's prefix search is lost.
func TestSearchFindsWordsAsTheIndexHasThem(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	texts := []string{"Lieferzeit¹ ist lang", "½kg Pakete", "Cafe\u0301 bestellt", "Ⅻ Uhr", "Αθήνα παράδοση", "x\uE000y code"}
	evs := []*chat.Event{event(1, chat.EventConversationCreated, chat.Conversation{ID: 1, Kind: chat.ConversationTeam, Status: chat.StatusOpen})}
	for i, text := range texts {
		evs = append(evs, event(int64(i+2), chat.EventMessageCreated, chat.Message{ID: int64(i + 1), ConversationID: 1,
			Author: chat.Author{Kind: chat.KindUser, ID: 3, Name: "Ben"}, Text: text, CreatedAt: time.Unix(int64(i), 0).UTC()}))
	}
	if err := st.Apply(ctx, evs, 10, "e"); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]int64{"liefer": 1, "lieferzeit": 1, "½kg": 2, "cafe": 3, "café": 3, "ⅻ": 4, "αθηνα": 5, "αθήνα": 5, "παραδ": 5, "x\uE000": 6} {
		res, err := st.Search(ctx, q, 10)
		if err != nil || len(res) != 1 || res[0].MessageID != want {
			t.Errorf("Search(%q) = %+v, %v; want message %d", q, res, err, want)
		}
	}
}

// TestPeopleAndItemsSearchFollowChanges: the customers' and items' search
// rows are rewritten only when a name, an e-mail or a title changed
// (migration 0013), and then they follow it: the old word finds nothing,
// the new one finds the row once; a change elsewhere in the row is kept.
func TestPeopleAndItemsSearchFollowChanges(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	conv := func(seq int64, typ string, cu chat.Customer) *chat.Event {
		return event(seq, typ, chat.Conversation{ID: 1, Kind: chat.ConversationCustomer, Status: chat.StatusOpen, CustomerID: 7, Customer: &cu})
	}
	item := func(seq int64, typ, title string) *chat.Event {
		return event(seq, typ, chat.Item{Number: 3, Type: chat.ItemTicket, Title: title, Status: "new"})
	}
	count := func(q, kind string) int {
		t.Helper()
		res, err := st.Search(ctx, q, 20)
		if err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		n := 0
		for _, r := range res {
			if r.Kind == kind {
				n++
			}
		}
		return n
	}
	sally := chat.Customer{ID: 7, Name: "Sally Quokka", Email: "sally@wombat.example"}
	steps := []struct {
		events []*chat.Event
		found  map[string]int // query: customers found, or items for "#…"
	}{
		{[]*chat.Event{conv(1, chat.EventConversationCreated, sally), item(2, chat.EventItemCreated, "Parcel lost in Zanzibar")},
			map[string]int{"quokka": 1, "wombat": 1, "#zanzibar": 1}},
		// The same customer and item again, and a change the index does
		// not hold (the page): nothing moves in the search.
		{[]*chat.Event{conv(3, chat.EventConversationUpdated, func() chat.Customer { c := sally; c.PageURL = "https://shop.example/x"; return c }()),
			item(4, chat.EventItemUpdated, "Parcel lost in Zanzibar")},
			map[string]int{"quokka": 1, "wombat": 1, "#zanzibar": 1}},
		{[]*chat.Event{conv(5, chat.EventConversationUpdated, chat.Customer{ID: 7, Name: "Sally Numbat", Email: "sally@wombat.example"}),
			item(6, chat.EventItemUpdated, "Parcel found in Timbuktu")},
			map[string]int{"quokka": 0, "numbat": 1, "wombat": 1, "#zanzibar": 0, "#timbuktu": 1}},
		{[]*chat.Event{conv(7, chat.EventConversationUpdated, chat.Customer{ID: 7, Name: "Sally Numbat", Email: "sally@dingo.example"})},
			map[string]int{"numbat": 1, "wombat": 0, "dingo": 1}},
	}
	for i, s := range steps {
		if err := st.Apply(ctx, s.events, int64(10+i), "e"); err != nil {
			t.Fatal(err)
		}
		if i == 1 {
			if cu, err := st.FindCustomerByID(ctx, 7); err != nil || cu.PageURL != "https://shop.example/x" {
				t.Errorf("the customer's page was not kept: %+v, %v", cu, err)
			}
		}
		for q, want := range s.found {
			kind := chat.ResultCustomer
			if strings.HasPrefix(q, "#") {
				q, kind = q[1:], chat.ResultItem
			}
			if got := count(q, kind); got != want {
				t.Errorf("step %d: %q finds %d %s results, want %d", i, q, got, kind, want)
			}
		}
	}
	if cu, err := st.FindCustomerByID(ctx, 7); err != nil || cu.Email != "sally@dingo.example" {
		t.Errorf("customer = %+v, %v", cu, err)
	}
}

// openStore opens a store in the test's temp dir, closed at its end.
func openStore(t *testing.T) *localstore.Store {
	t.Helper()
	st, err := localstore.Open(filepath.Join(t.TempDir(), "l.db"), 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
