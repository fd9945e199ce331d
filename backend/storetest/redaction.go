package storetest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
)

// redactionTests: what was unsaid stays unsaid. An edit, a delete or an
// erasure leaves the earlier text nowhere the store hands out but the
// admin audit (and an erasure not even there), and the event log keeps
// every sequence number, so resume stays lossless.
var redactionTests = []struct {
	name string
	fn   func(*testing.T, *fixture)
}{
	{"EditAndDeleteRedactTheLog", testRedactEditDelete},
	{"EraseCustomer", testEraseCustomer},
	{"EraseCustomerRules", testEraseCustomerRules},
	{"ItemsFollowTheirTitleMessage", testEditsReachItems},
	{"ErasureFindsEveryCopy", testErasureFindsEveryCopy},
	{"ErasureKeepsTheTeamsRecord", testErasureKeepsTheTeamsRecord},
	{"ErasedCustomerCannotWriteBack", testErasedCannotWriteBack},
	{"SearchFindsIsolatedNames", testSearchFindsIsolatedNames},
}

// testSearchFindsIsolatedNames: the isolation marks around a name in a
// note are no part of its words: "sam" finds "⁨Sam Support⁩ closed…".
func testSearchFindsIsolatedNames(t *testing.T, f *fixture) {
	conv, _ := f.customerConversation(f.customerA, "hello")
	f.s.CloseConversation(f.ctx, f.support, conv.ID)
	for _, q := range []string{"sam", "support closed"} {
		res, err := f.s.Search(f.ctx, f.admin, chat.SearchQuery{Text: q})
		found := false
		for _, r := range res {
			// Found, titled by the conversation and marked as a system note.
			found = found || (r.ConversationID == conv.ID && r.Kind == chat.ResultMessage && r.System && r.Title == "Alice")
		}
		if err != nil || !found {
			t.Errorf("search %q does not find the close note: %+v, %v", q, res, err)
		}
	}
}

// teamText is everything the team reads of a conversation and its items:
// items (as the admin sees them), every message, and the admin's replay.
func (f *fixture) teamText(convID int64, items ...int64) string {
	f.t.Helper()
	var b strings.Builder
	for _, n := range items {
		it, err := f.s.FindItemByNumber(f.ctx, f.admin, n)
		if err != nil {
			f.t.Fatal(err)
		}
		j, _ := json.Marshal(it)
		b.Write(j)
	}
	msgs, _ := f.s.ListMessages(f.ctx, f.admin, convID, chat.MessageFilter{Limit: chat.MaxPageSize})
	j, _ := json.Marshal(msgs)
	b.Write(j)
	for _, ev := range f.replay(f.admin) {
		b.Write(ev.Data)
	}
	return b.String()
}

// testEditsReachItems: items made from a conversation copy no word of it
// but the title proposed from its first message, which follows that
// message (an edit, a delete) until the team writes its own; a proposal
// taken before an edit gets the title as it is now; link notes name no
// title.
func testEditsReachItems(t *testing.T, f *fixture) {
	conv, first := f.customerConversation(f.customerA, "Firstline alphasecret about frobnicator\nsecond line betasecret")
	second := f.send(f.customerA, conv.ID, "my phone is gammasecret-555")
	f.send(f.support, conv.ID, "Let me check.")
	p, _ := f.s.ProposeItem(f.ctx, f.support, conv.ID, chat.ItemTask)
	task := f.item(f.support, *p)
	if _, err := f.s.LinkConversation(f.ctx, f.support, conv.ID, 0); err != nil { // unlinked again
		t.Fatal(err)
	}
	stale, _ := f.s.ProposeItem(f.ctx, f.support, conv.ID, chat.ItemTicket) // taken now, used after the edit
	if !strings.Contains(stale.Title, "alphasecret") || strings.Contains(stale.Description, "secret") {
		t.Fatalf("premise: the proposal = %+v", stale)
	}

	if _, err := f.s.EditMessage(f.ctx, f.customerA, first.ID, "Cleanfirst line only"); err != nil {
		t.Fatal(err)
	}
	ticket := f.item(f.support, *stale)
	if _, err := f.s.DeleteMessage(f.ctx, f.customerA, second.ID); err != nil {
		t.Fatal(err)
	}
	all := f.teamText(conv.ID, ticket.Number, task.Number)
	for _, w := range []string{"alphasecret", "betasecret", "gammasecret"} {
		if strings.Contains(all, w) {
			t.Errorf("%q is still readable after the edit/delete:\n%s", w, all)
		}
	}
	for _, n := range []int64{ticket.Number, task.Number} {
		if it, _ := f.s.FindItemByNumber(f.ctx, f.admin, n); it.Title != "Cleanfirst line only" {
			t.Errorf("item #%d title = %q, want the title proposed from the message now", n, it.Title)
		}
	}
	if res, _ := f.s.Search(f.ctx, f.admin, chat.SearchQuery{Text: "alphasecret"}); len(res) != 0 {
		t.Errorf("search still finds the edited text: %+v", res)
	}
	// A proposal taken before the message it was made from is deleted, or
	// edited to nothing visible on its first line, cannot bring it back.
	conv2, gone := f.customerConversation(f.customerB, "Httpsecret my password is hunter2")
	f.send(f.customerB, conv2.ID, "second message")
	p2, _ := f.s.ProposeItem(f.ctx, f.support, conv2.ID, chat.ItemTicket)
	f.s.DeleteMessage(f.ctx, f.customerB, gone.ID)
	if it := f.item(f.support, *p2); it.Title != "second message" {
		t.Errorf("a stale proposal made the title %q", it.Title)
	}
	conv3, blank := f.customerConversation(f.customerB, "Blanksecret words")
	p3, _ := f.s.ProposeItem(f.ctx, f.support, conv3.ID, chat.ItemTask)
	f.s.EditMessage(f.ctx, f.customerB, blank.ID, "\u200b\nnever mind")
	if it := f.item(f.support, *p3); it.Title != "Conversation "+itoa(conv3.ID) {
		t.Errorf("a stale proposal made the title %q", it.Title)
	}
	// Deleted, the message leaves "Conversation N".
	if _, err := f.s.DeleteMessage(f.ctx, f.customerA, first.ID); err != nil {
		t.Fatal(err)
	}
	if it, _ := f.s.FindItemByNumber(f.ctx, f.admin, task.Number); it.Title != "Conversation "+itoa(conv.ID) {
		t.Errorf("title after the delete = %q", it.Title)
	}
	// A title the team wrote themselves is theirs: it stays, whatever the
	// customer writes, edits or deletes, even the same words.
	title := "Refund approved"
	f.s.UpdateItem(f.ctx, f.support, ticket.Number, chat.ItemUpdate{Title: &title})
	m := f.send(f.customerA, conv.ID, "Refund approved")
	f.s.DeleteMessage(f.ctx, f.customerA, m.ID)
	if it, _ := f.s.FindItemByNumber(f.ctx, f.admin, ticket.Number); it.Title != title {
		t.Errorf("a title the team wrote changed to %q", it.Title)
	}
}

// testErasureFindsEveryCopy: the cases an erasure must not miss: an item
// whose description copied a transcript (as before this version), made
// from the conversation and unlinked; a ticket she requested once; a name
// she had before; her messages' client ids; her e-mail and full name in
// the team's messages and their audit; a proposal open while she was erased.
func testErasureFindsEveryCopy(t *testing.T, f *fixture) {
	c, _ := f.s.CreateCustomer(f.ctx, chat.CustomerInfo{Name: "Oldname Yarrowby", Email: "zorblax@uniqmail.example"})
	zor := chat.Actor{Kind: chat.KindCustomer, ID: c.ID, Name: c.Name}
	conv, first, _, err := f.s.CreateConversation(f.ctx, zor, chat.NewConversation{Text: "omegasecret order", ClientID: "Wanda-DOB-1990-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	reply := f.send(f.support, conv.ID, "We will mail zorblax@uniqmail.example today, Oldname Yarrowby. (Not data@uniqmail.example.com.)")
	f.s.EditMessage(f.ctx, f.support, reply.ID, "We will mail zorblax@uniqmail.example tomorrow, Oldname Yarrowby. (Not data@uniqmail.example.com.)")
	f.s.CloseConversation(f.ctx, f.support, conv.ID)
	f.send(zor, conv.ID, "more lambdasecret\nsecond line thetasecret") // reopens: a note naming her
	p, _ := f.s.ProposeItem(f.ctx, f.support, conv.ID, chat.ItemTask)
	task := f.item(f.support, *p)
	// A transcript as items carried before this version, team lines too.
	legacy := "Oldname Yarrowby (2026-01-02 03:04 UTC): omegasecret order\nSam Support (2026-01-02 03:04 UTC): Noted.\n" +
		"Oldname Yarrowby (2026-01-02 03:04 UTC): more lambdasecret\nsecond line thetasecret"
	f.s.UpdateItem(f.ctx, f.support, task.Number, chat.ItemUpdate{Description: &legacy})
	f.s.LinkConversation(f.ctx, f.support, conv.ID, 0)
	printer := f.item(f.support, chat.NewItem{Type: chat.ItemTicket, Title: "Printer broken", RequesterID: c.ID})
	// The team's own items about her: her full name goes (any spelling),
	// a title the team wrote in her words stays theirs.
	callback := f.item(f.support, chat.NewItem{Type: chat.ItemTask, Title: "Call back OLDNAME  Yarrowby", RequesterID: 0,
		Description: "Oldname\u00a0Yarrowby\u200e wants a refund", ConversationID: conv.ID})
	teamTitle := f.item(f.support, chat.NewItem{Type: chat.ItemTicket, Title: "omegasecret order", RequesterID: c.ID})
	other := f.customerB.ID
	f.s.UpdateItem(f.ctx, f.support, printer.Number, chat.ItemUpdate{RequesterID: &other}) // she was the requester once
	open, _ := f.s.ProposeItem(f.ctx, f.support, conv.ID, chat.ItemTicket)
	if _, err := f.s.UpdateCustomer(f.ctx, zor, c.ID, chat.CustomerInfo{Name: "Newname Zed"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.EraseCustomer(f.ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	all := f.teamText(conv.ID, task.Number, printer.Number, callback.Number)
	audit, _ := f.s.ListMessageAudit(f.ctx, f.admin, reply.ID)
	b, _ := json.Marshal(audit)
	all += string(b)
	// The team's own title (checked below) is the one place her words may stay.
	all = strings.ReplaceAll(all, `"title":"omegasecret order"`, "")
	for _, w := range []string{"Oldname", "OLDNAME", "Yarrowby", "Newname", "zorblax@", "omegasecret", "lambdasecret", "thetasecret", "Wanda-DOB"} {
		if strings.Contains(all, w) {
			t.Errorf("%q is still readable after the erasure:\n%s", w, all)
		}
	}
	if !strings.Contains(all, "data@uniqmail.example.com") || !strings.Contains(all, "Sam Support (2026-01-02 03:04 UTC): Noted.") {
		t.Errorf("the team's own text changed: %s", all)
	}
	if it, _ := f.s.FindItemByNumber(f.ctx, f.admin, callback.Number); it.Title != "Call back [erased]" || it.Description != "[erased]\u200e wants a refund" {
		t.Errorf("the team's item about her: %q / %q", it.Title, it.Description)
	}
	if it, _ := f.s.FindItemByNumber(f.ctx, f.admin, teamTitle.Number); it.Title != "omegasecret order" {
		t.Errorf("a title the team wrote was taken: %q", it.Title)
	}
	if !strings.Contains(all, "The customer reopened the conversation.") {
		t.Errorf("her reopen note does not read as the customer's")
	}
	if it, _ := f.s.FindItemByNumber(f.ctx, f.admin, task.Number); it.Title != "Conversation "+itoa(conv.ID) {
		t.Errorf("the title proposed from her message = %q", it.Title)
	}
	_ = first
	// The proposal taken before the erasure cannot bring her words back.
	_, err = f.s.CreateItem(f.ctx, f.support, *open)
	wantCode(t, err, chat.EConflict)
	_, err = f.s.LinkConversation(f.ctx, f.support, conv.ID, printer.Number)
	wantCode(t, err, chat.EConflict)
}

// testErasureKeepsTheTeamsRecord: a customer who calls themselves like an
// agent, or like a common word, cannot wipe the team's record: the agent's
// notes, transcript lines and words stay.
func testErasureKeepsTheTeamsRecord(t *testing.T, f *fixture) {
	c, _ := f.s.CreateCustomer(f.ctx, chat.CustomerInfo{Name: "Sam Support", Email: "sam@test.example"})
	fake := chat.Actor{Kind: chat.KindCustomer, ID: c.ID, Name: c.Name}
	conv, _, _, _ := f.s.CreateConversation(f.ctx, fake, chat.NewConversation{Text: "hello"})
	f.send(fake, conv.ID, "ok")
	f.clock.Advance(2 * time.Minute)
	f.send(f.support, conv.ID, "Restart the router and check the cable.")
	f.send(f.support, conv.ID, "ok") // the same words, the agent's: they stay
	f.s.CloseConversation(f.ctx, f.support, conv.ID)
	p, _ := f.s.ProposeItem(f.ctx, f.support, conv.ID, chat.ItemTask)
	task := f.item(f.support, *p)
	legacy := "Sam Support (2026-01-02 03:04 UTC): hello\nSam Support (2026-01-02 03:04 UTC): ok\nSam Support (2026-01-02 03:06 UTC): ok"
	f.s.UpdateItem(f.ctx, f.support, task.Number, chat.ItemUpdate{Description: &legacy})
	t2, _, _, _ := f.s.CreateConversation(f.ctx, f.customerB, chat.NewConversation{Text: "hi"})
	c2, _ := f.s.CreateCustomer(f.ctx, chat.CustomerInfo{Name: "the"})
	word := chat.Actor{Kind: chat.KindCustomer, ID: c2.ID, Name: c2.Name}
	conv2, _, _, _ := f.s.CreateConversation(f.ctx, word, chat.NewConversation{Text: "help"})
	f.send(f.support, conv2.ID, "Restart the router and check the cable.")
	_ = t2
	for _, id := range []int64{c.ID, c2.ID} {
		if _, err := f.s.EraseCustomer(f.ctx, f.admin, id); err != nil {
			t.Fatal(err)
		}
	}
	msgs, _ := f.s.ListMessages(f.ctx, f.admin, conv.ID, chat.MessageFilter{})
	var texts []string
	for _, m := range msgs {
		texts = append(texts, m.Text)
	}
	for _, want := range []string{"\u2068Sam Support\u2069 closed the conversation.", "Restart the router and check the cable.", "ok"} {
		if !slices.Contains(texts, want) {
			t.Errorf("the team's %q is gone: %q", want, texts)
		}
	}
	it, _ := f.s.FindItemByNumber(f.ctx, f.admin, task.Number)
	// Her lines go whole; the agent's line keeps its words. (The agent's
	// name in an old transcript of an item about her goes with her name:
	// the same full name, whoever wore it; who made and works the item
	// stays in its fields.)
	if want := "[erased] (2026-01-02 03:04 UTC): [erased]\n[erased] (2026-01-02 03:04 UTC): [erased]\n[erased] (2026-01-02 03:06 UTC): ok"; it.Description != want {
		t.Errorf("transcript after the erasure:\n%q\nwant\n%q", it.Description, want)
	}
	msgs, _ = f.s.ListMessages(f.ctx, f.admin, conv2.ID, chat.MessageFilter{})
	if msgs[len(msgs)-1].Text != "Restart the router and check the cable." {
		t.Errorf("a customer named \"the\" took words from the team: %q", msgs[len(msgs)-1].Text)
	}
}

// testErasedCannotWriteBack: a request of the customer in flight when the
// erasure committed writes nothing back.
func testErasedCannotWriteBack(t *testing.T, f *fixture) {
	conv, _ := f.customerConversation(f.customerA, "hi")
	if _, err := f.s.EraseCustomer(f.ctx, f.admin, f.customerA.ID); err != nil {
		t.Fatal(err)
	}
	_, err := f.s.UpdateCustomer(f.ctx, f.customerA, f.customerA.ID, chat.CustomerInfo{Name: "Alice Again", Email: "alice@again.example"})
	wantCode(t, err, chat.ECustomerErased)
	_, _, _, err = f.s.CreateConversation(f.ctx, f.customerA, chat.NewConversation{Text: "new chat"})
	wantCode(t, err, chat.ECustomerErased)
	_, _, err = f.s.SendMessage(f.ctx, f.customerA, conv.ID, chat.NewMessage{Text: "still here"})
	wantCode(t, err, chat.ECustomerErased)
	if c, _ := f.s.FindCustomerByID(f.ctx, f.admin, f.customerA.ID); c.Name != "" || c.Email != "" {
		t.Fatalf("the erased customer was written back: %+v", c)
	}
}

// replay returns every event a may see from the start of the log.
func (f *fixture) replay(a chat.Actor) []*chat.Event {
	f.t.Helper()
	evs, err := f.s.ListEvents(f.ctx, a, 0, 0, 100000)
	if err != nil {
		f.t.Fatalf("ListEvents(%s %d): %v", a.Kind, a.ID, err)
	}
	return evs
}

// leaks lists the events whose data holds any of words.
func leaks(evs []*chat.Event, words ...string) []string {
	var out []string
	for _, ev := range evs {
		for _, w := range words {
			if strings.Contains(string(ev.Data), w) {
				out = append(out, ev.Type+" #"+fmt.Sprint(ev.Seq)+" holds "+w+": "+string(ev.Data))
			}
		}
	}
	return out
}

func seqs(evs []*chat.Event) []int64 {
	out := make([]int64, len(evs))
	for i, ev := range evs {
		out[i] = ev.Seq
	}
	return out
}

func testRedactEditDelete(t *testing.T, f *fixture) {
	conv, first := f.customerConversation(f.customerA, "my password is swordfish-alpha")
	f.send(f.support, conv.ID, "Please never send passwords here.")
	second := f.send(f.customerA, conv.ID, "and my pin is 4711-beta")
	// conversation.closed carries the newest message (second) as last_message.
	if _, err := f.s.CloseConversation(f.ctx, f.support, conv.ID); err != nil {
		t.Fatal(err)
	}
	third := f.send(f.customerA, conv.ID, "card 4111-gamma") // reopens: conversation.reopened carries it
	before := seqs(f.replay(f.support))

	if _, err := f.s.EditMessage(f.ctx, f.customerA, first.ID, "my password is (removed)"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.DeleteMessage(f.ctx, f.customerA, second.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.DeleteMessage(f.ctx, f.admin, third.ID); err != nil {
		t.Fatal(err)
	}
	secrets := []string{"swordfish-alpha", "4711-beta", "4111-gamma"}
	for _, a := range []chat.Actor{f.customerA, f.support, f.admin} {
		evs := f.replay(a)
		if l := leaks(evs, secrets...); len(l) > 0 {
			t.Errorf("replay from 0 for %s %d still holds earlier text:\n%s", a.Kind, a.ID, strings.Join(l, "\n"))
		}
	}
	// No hole, no reordering: the events before are still there, by the
	// same numbers, followed by the edit and the deletes.
	after := seqs(f.replay(f.support))
	if !slices.Equal(after[:len(before)], before) || len(after) != len(before)+3 {
		t.Fatalf("sequence numbers changed: before %v, after %v", before, after)
	}
	// The replayed message.created carries the current state.
	for _, ev := range f.replay(f.customerA) {
		if ev.Type != chat.EventMessageCreated {
			continue
		}
		var m chat.Message
		json.Unmarshal(ev.Data, &m)
		switch m.ID {
		case first.ID:
			if m.Text != "my password is (removed)" || m.EditedAt == nil {
				t.Errorf("replayed created of the edited message = %+v", m)
			}
		case second.ID, third.ID:
			if m.Text != "" || m.DeletedAt == nil {
				t.Errorf("replayed created of a deleted message = %+v", m)
			}
		}
	}
	// Search and snippets, and proposals made later.
	for _, q := range []string{"swordfish", "4711", "gamma"} {
		res, err := f.s.Search(f.ctx, f.support, chat.SearchQuery{Text: q})
		if err != nil || len(res) != 0 {
			t.Errorf("search %q = %+v, %v", q, res, err)
		}
	}
	p, err := f.s.ProposeItem(f.ctx, f.support, conv.ID, chat.ItemTicket)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if strings.Contains(p.Title+p.Description, s) {
			t.Errorf("proposal holds %q: %+v", s, p)
		}
	}
	// The audit trail is the one place that keeps it, for admins.
	audit, err := f.s.ListMessageAudit(f.ctx, f.admin, first.ID)
	if err != nil || len(audit) != 1 || audit[0].OldText != "my password is swordfish-alpha" {
		t.Fatalf("audit = %+v, %v", audit, err)
	}
}

// eraseFixture: Erin with a profile, a conversation with a reopen, an
// edit, a ticket made from the proposal and a link note; Bob beside her.
type eraseFixture struct {
	conv     *chat.Conversation
	erin     chat.Actor
	mine     []*chat.Message
	agent    *chat.Message
	item     *chat.Item
	other    *chat.Conversation
	token    []byte
	personal []string
}

func (f *fixture) eraseFixture(t *testing.T) *eraseFixture {
	e := &eraseFixture{}
	c, err := f.s.CreateCustomer(f.ctx, chat.CustomerInfo{Name: "Erin Erasable", Email: "erin@erase.example",
		PageURL: "https://shop.example/orders/erin-4471", Browser: "ErinBrowser/9", Language: "de-AT", TimeZone: "Europe/Vienna"})
	if err != nil {
		t.Fatal(err)
	}
	e.erin = chat.Actor{Kind: chat.KindCustomer, ID: c.ID, Name: c.Name}
	e.token = []byte("erin-session-token")
	if _, err := f.s.CreateSession(f.ctx, chat.Session{TokenHash: e.token, CustomerID: c.ID, ExpiresAt: f.clock.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	var first *chat.Message
	e.conv, first = f.customerConversation(e.erin, "Refund for order zebra-9931 please")
	e.agent = f.send(f.support, e.conv.ID, "Sure, checking order zebra.")
	if _, err := f.s.CloseConversation(f.ctx, f.support, e.conv.ID); err != nil {
		t.Fatal(err)
	}
	second := f.send(e.erin, e.conv.ID, "My IBAN is quokka-DE44") // reopens
	if _, err := f.s.EditMessage(f.ctx, e.erin, second.ID, "My IBAN is quokka-DE45"); err != nil {
		t.Fatal(err)
	}
	p, err := f.s.ProposeItem(f.ctx, f.support, e.conv.ID, chat.ItemTicket)
	if err != nil {
		t.Fatal(err)
	}
	if e.item, err = f.s.CreateItem(f.ctx, f.support, *p); err != nil {
		t.Fatal(err)
	}
	e.mine = []*chat.Message{first, second}
	e.other, _ = f.customerConversation(f.customerB, "Bob's own question about wombat-77")
	e.personal = []string{"Erin Erasable", "Erasable", "erin@erase.example", "erin-4471", "ErinBrowser", "Europe/Vienna",
		"zebra-9931", "quokka-DE44", "quokka-DE45", "Refund for order"}
	return e
}

func testEraseCustomer(t *testing.T, f *fixture) {
	e := f.eraseFixture(t)
	before := seqs(f.replay(f.support))
	er, err := f.s.EraseCustomer(f.ctx, f.admin, e.erin.ID)
	if err != nil {
		t.Fatal(err)
	}
	if er.CustomerID != e.erin.ID || er.By.ID != f.admin.ID || er.Conversations != 1 || er.Messages != 2 {
		t.Fatalf("erasure = %+v", er)
	}

	// The API's reads.
	c, err := f.s.FindCustomerByID(f.ctx, f.support, e.erin.ID)
	if err != nil || c.Name != "" || c.Email != "" || c.PageURL != "" || c.Browser != "" || c.Language != "" || c.TimeZone != "" || c.ErasedAt == nil {
		t.Fatalf("erased customer = %+v, %v", c, err)
	}
	d, err := f.s.FindCustomerDetails(f.ctx, f.support, e.erin.ID)
	if err != nil || d.LocalTime != "" || len(d.Conversations) != 1 {
		t.Fatalf("details = %+v, %v", d, err)
	}
	conv, err := f.s.FindConversationByID(f.ctx, f.support, e.conv.ID)
	if err != nil || conv.ErasedAt == nil || conv.Customer == nil || conv.Customer.Name != "" {
		t.Fatalf("conversation after erasure = %+v, %v", conv, err)
	}
	msgs, _ := f.s.ListMessages(f.ctx, f.admin, e.conv.ID, chat.MessageFilter{})
	var all strings.Builder
	for _, m := range msgs {
		b, _ := json.Marshal(m)
		all.Write(b)
		if m.Author.Kind == chat.KindCustomer && (m.Text != "" || m.DeletedAt == nil) {
			t.Errorf("customer message kept text: %+v", m)
		}
		if m.ID == e.agent.ID && m.Text != "Sure, checking order zebra." {
			t.Errorf("the agent's own message changed: %+v", m)
		}
	}
	it, err := f.s.FindItemByNumber(f.ctx, f.admin, e.item.Number)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(it)
	all.Write(b)
	b, _ = json.Marshal(conv)
	all.Write(b)
	b, _ = json.Marshal(d)
	all.Write(b)
	for _, m := range e.mine {
		audit, err := f.s.ListMessageAudit(f.ctx, f.admin, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		b, _ = json.Marshal(audit)
		all.Write(b)
	}
	for _, w := range e.personal {
		if strings.Contains(all.String(), w) {
			t.Errorf("%q is still readable through the store's reads:\n%s", w, all.String())
		}
	}
	if it.Requester == nil || it.Requester.ID != e.erin.ID {
		t.Errorf("the ticket lost its requester link: %+v", it.Requester)
	}
	// Search: nothing of hers, Bob's intact.
	for _, q := range []string{"zebra", "quokka", "Erasable", "erin", "refund"} {
		res, err := f.s.Search(f.ctx, f.admin, chat.SearchQuery{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			b, _ := json.Marshal(r)
			for _, w := range e.personal {
				if strings.Contains(string(b), w) {
					t.Errorf("search %q finds %s", q, b)
				}
			}
			if r.ConversationID == e.conv.ID && r.Kind != chat.ResultMessage {
				t.Errorf("search %q finds the erased customer: %s", q, b)
			}
		}
	}
	if res, _ := f.s.Search(f.ctx, f.admin, chat.SearchQuery{Text: "wombat"}); len(res) != 1 {
		t.Errorf("Bob's message is no longer found: %+v", res)
	}
	// The event log, replayed from 0 by the team: every copy rewritten, no
	// sequence number lost, customer.erased at the end.
	evs := f.replay(f.admin)
	if l := leaks(evs, e.personal...); len(l) > 0 {
		t.Errorf("the event log still holds the customer:\n%s", strings.Join(l, "\n"))
	}
	after := seqs(f.replay(f.support))
	if len(after) <= len(before) || !slices.Equal(after[:len(before)], before) {
		t.Fatalf("sequence numbers changed: before %v, after %v", before, after)
	}
	last := evs[len(evs)-1]
	var ce chat.CustomerErased
	if last.Type != chat.EventCustomerErased || json.Unmarshal(last.Data, &ce) != nil || ce.Customer.ID != e.erin.ID ||
		ce.Customer.ErasedAt == nil || !slices.Equal(ce.ConversationIDs, []int64{e.conv.ID}) {
		t.Fatalf("last event = %s %s", last.Type, last.Data)
	}
	// Her sessions end; nobody writes into the conversation any more.
	// The token still answers, so the widget learns why: customer_erased.
	_, _, err = f.s.Authenticate(f.ctx, e.token, f.clock.Now())
	wantCode(t, err, chat.ECustomerErased)
	_, _, err = f.s.SendMessage(f.ctx, f.support, e.conv.ID, chat.NewMessage{Text: "still there?"})
	wantCode(t, err, chat.EConflict)
	// Bob is untouched.
	if c, _ := f.s.FindCustomerByID(f.ctx, f.support, f.customerB.ID); c.Name != "Bob" || c.ErasedAt != nil {
		t.Errorf("Bob after Erin's erasure: %+v", c)
	}
	// Erasing twice answers the first erasure; the record names only the admin.
	again, err := f.s.EraseCustomer(f.ctx, f.admin, e.erin.ID)
	if err != nil || again.At != er.At || again.Messages != 2 {
		t.Fatalf("second erasure = %+v, %v", again, err)
	}
	list, err := f.s.ListErasures(f.ctx, f.admin)
	if err != nil || len(list) != 1 || list[0].CustomerID != e.erin.ID || list[0].By.Name != "Ada Admin" {
		t.Fatalf("erasures = %+v, %v", list, err)
	}
}

func testEraseCustomerRules(t *testing.T, f *fixture) {
	e := f.eraseFixture(t)
	for _, a := range []chat.Actor{f.support, f.dev, e.erin, f.customerB} {
		_, err := f.s.EraseCustomer(f.ctx, a, e.erin.ID)
		wantCode(t, err, chat.EForbidden)
		_, err = f.s.ListErasures(f.ctx, a)
		wantCode(t, err, chat.EForbidden)
	}
	_, err := f.s.EraseCustomer(f.ctx, f.admin, 98765)
	wantCode(t, err, chat.ENotFound)
	if c, _ := f.s.FindCustomerByID(f.ctx, f.support, e.erin.ID); c.Name != "Erin Erasable" {
		t.Fatalf("refused erasures changed the customer: %+v", c)
	}
}
