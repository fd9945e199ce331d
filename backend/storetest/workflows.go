package storetest

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
)

// workflowTests are the helpdesk-workflow cases of the suite.
var workflowTests = []struct {
	name string
	fn   func(*testing.T, *fixture)
}{
	{"SectionMembership", testSectionMembership},
	{"ProposeAndCreateItem", testProposeAndCreate},
	{"LinkUnlinkAndFindItems", testLinkUnlink},
	{"ItemChangesReachPeopleLive", testItemEvents},
	{"SectionCounts", testSectionCounts},
	{"SearchVisibility", testSearchVisibility},
	{"SearchIndexFollowsEditsAndDeletes", testSearchIndex},
	{"SearchSplitsAddressesAndPaths", testSearchSplitsWords},
	{"OnlineSwitchAndOfflineReply", testOfflineReply},
	{"SettingsAreAdminOnly", testSettings},
	{"ItemsDoNotExposeCustomers", testItemsDoNotExposeCustomers},
	{"UnlinkByItemOnlyMember", testUnlinkByItemOnlyMember},
	{"CreateItemOncePerClientID", testCreateItemOnce},
	{"SystemNotesCarryParams", testSystemParams},
	{"AdminTextsPerLanguage", testTranslations},
}

// testSystemParams: every note deskchat writes carries what it says
// (chat.SystemParams), so each reader writes it in their language; a
// customer's name is never among them; events carry them too.
func testSystemParams(t *testing.T, f *fixture) {
	conv, _ := f.customerConversation(f.customerA, "my order")
	item := f.item(f.support, chat.NewItem{Type: chat.ItemTask, Title: "Check the order"})
	steps := []func(){
		func() { f.s.CloseConversation(f.ctx, f.support, conv.ID) },
		func() { f.send(f.customerA, conv.ID, "still there?") }, // reopens
		func() { f.s.LinkConversation(f.ctx, f.support, conv.ID, item.Number) },
		func() { f.s.LinkConversation(f.ctx, f.support, conv.ID, 0) },
		func() { f.s.AssignConversation(f.ctx, f.admin, conv.ID, f.support2.ID) },
		func() { f.s.AssignConversation(f.ctx, f.support, conv.ID, f.support.ID) },
		func() { f.s.AssignConversation(f.ctx, f.admin, conv.ID, 0) },
	}
	for _, step := range steps {
		step()
	}
	want := []chat.SystemParams{
		{Key: "closed", Actor: "Sam Support", ActorKind: chat.KindUser},
		{Key: "reopened", ActorKind: chat.KindCustomer},
		{Key: "linked_task", Actor: "Sam Support", ActorKind: chat.KindUser, ItemNumber: item.Number},
		{Key: "unlinked", Actor: "Sam Support", ActorKind: chat.KindUser, ItemNumber: item.Number},
		{Key: "assigned", Actor: "Ada Admin", ActorKind: chat.KindUser, Assignee: "Sue Support"},
		{Key: "took", Actor: "Sam Support", ActorKind: chat.KindUser},
		{Key: "unassigned_from", Actor: "Ada Admin", ActorKind: chat.KindUser, Assignee: "Sam Support"},
	}
	msgs, err := f.s.ListMessages(f.ctx, f.admin, conv.ID, chat.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []chat.SystemParams
	for _, m := range msgs {
		if m.System != "" {
			if m.SystemParams == nil {
				t.Fatalf("note %q has no params", m.Text)
			}
			got = append(got, *m.SystemParams)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("notes' params:\n got %+v\nwant %+v", got, want)
	}
	// The event of a note carries them as the message does.
	var carried int
	for _, ev := range f.replay(f.admin) {
		if ev.Type == chat.EventMessageCreated && ev.ConversationID == conv.ID && strings.Contains(string(ev.Data), `"system_params":{"key":`) {
			carried++
		}
	}
	if carried != len(want) {
		t.Fatalf("%d message.created events carry params, want %d", carried, len(want))
	}
}

// testCreateItemOnce: an item created again under the same client id by
// the same person (the desktop's outbox after a lost answer) is the first
// one: the same number, one item.created event, one link note; another
// person's same id is their own item; no id, no such rule.
func testCreateItemOnce(t *testing.T, f *fixture) {
	conv, _ := f.customerConversation(f.customerA, "the parcel never came")
	ni := chat.NewItem{Type: chat.ItemTicket, Title: "Lost parcel", ConversationID: conv.ID, ClientID: "app-offline-1"}
	first := f.item(f.support, ni)
	before := len(f.replay(f.admin))
	ni.Title = "Lost parcel, again"
	again := f.item(f.support, ni)
	if again.Number != first.Number || again.Title != "Lost parcel" {
		t.Fatalf("again = #%d %q, want #%d as first made", again.Number, again.Title, first.Number)
	}
	if after := len(f.replay(f.admin)); after != before {
		t.Fatalf("the repeat wrote %d events", after-before)
	}
	notes := 0
	msgs, _ := f.s.ListMessages(f.ctx, f.support, conv.ID, chat.MessageFilter{})
	for _, m := range msgs {
		if m.System == chat.NoteLinked {
			notes++
		}
	}
	if notes != 1 {
		t.Fatalf("%d link notes", notes)
	}
	other := f.item(f.support2, chat.NewItem{Type: chat.ItemTask, Title: "Sue's", ClientID: "app-offline-1"})
	if other.Number == first.Number {
		t.Fatal("another creator's client id answered the first item")
	}
	plain1 := f.item(f.support, chat.NewItem{Type: chat.ItemTask, Title: "no id"})
	plain2 := f.item(f.support, chat.NewItem{Type: chat.ItemTask, Title: "no id"})
	if plain1.Number == plain2.Number {
		t.Fatal("creates without a client id were merged")
	}
	_, err := f.s.CreateItem(f.ctx, f.support, chat.NewItem{Type: chat.ItemTask, Title: "x", ClientID: "has space"})
	wantCode(t, err, chat.EInvalid)
}

// testItemsDoNotExposeCustomers: items are the whole team's, but a
// customer's profile only reaches those who may see that customer, and
// item events carry neither profiles nor conversation details.
func testItemsDoNotExposeCustomers(t *testing.T, f *fixture) {
	f.s.UpdateCustomer(f.ctx, f.customerA, f.customerA.ID, chat.CustomerInfo{Email: "alice@private.example"})
	conv, _ := f.customerConversation(f.customerA, "my card was charged")
	before := len(f.rec.Events())
	it := f.item(f.support, chat.NewItem{Type: chat.ItemTicket, Title: "Charge", RequesterID: f.customerA.ID, ConversationID: conv.ID})
	if it.Requester == nil || it.Requester.Email != "alice@private.example" {
		t.Fatalf("support user sees requester %+v", it.Requester)
	}
	got, err := f.s.FindItemByNumber(f.ctx, f.dev, it.Number)
	if err != nil || got.Requester == nil || got.Requester.Name != "Alice" || got.Requester.Email != "" || got.Requester.PageURL != "" || len(got.Conversations) != 0 {
		t.Fatalf("non-support outsider sees %+v / %+v", got.Requester, got.Conversations)
	}
	// Naming a customer one may not see is refused like an unknown one.
	_, err = f.s.CreateItem(f.ctx, f.dev, chat.NewItem{Type: chat.ItemTicket, Title: "probe", RequesterID: f.customerB.ID})
	wantCode(t, err, chat.EInvalid)
	for _, ev := range f.rec.Events()[before:] {
		if strings.HasPrefix(ev.Type, "item.") && (strings.Contains(string(ev.Data), "alice@private.example") || strings.Contains(string(ev.Data), "customer_name")) {
			t.Fatalf("%s carries customer details: %s", ev.Type, ev.Data)
		}
	}
}

// testUnlinkByItemOnlyMember: someone who sees a conversation only through
// its item can unlink it (and then no longer sees it).
func testUnlinkByItemOnlyMember(t *testing.T, f *fixture) {
	conv, _ := f.customerConversation(f.customerA, "help")
	it := f.item(f.support, chat.NewItem{Type: chat.ItemTicket, Title: "Help", ConversationID: conv.ID, AssigneeIDs: []int64{f.dev.ID}})
	c, err := f.s.LinkConversation(f.ctx, f.dev, conv.ID, 0)
	if err != nil || c != nil {
		t.Fatalf("unlink by the assignee: %+v, %v", c, err)
	}
	if got, _ := f.s.FindItemByNumber(f.ctx, f.support, it.Number); len(got.Conversations) != 0 {
		t.Fatal("still linked")
	}
	_, err = f.s.FindConversationByID(f.ctx, f.dev, conv.ID)
	wantCode(t, err, chat.ENotFound)
}

func ids(list []*chat.Conversation) []int64 {
	out := []int64{}
	for _, c := range list {
		out = append(out, c.ID)
	}
	slices.Sort(out)
	return out
}

func (f *fixture) section(a chat.Actor, s chat.Section, st chat.Status) []int64 {
	f.t.Helper()
	list, err := f.s.ListConversations(f.ctx, a, chat.ConversationFilter{Section: s, Status: st})
	if err != nil {
		f.t.Fatalf("ListConversations(%s): %v", s, err)
	}
	return ids(list)
}

func (f *fixture) item(a chat.Actor, ni chat.NewItem) *chat.Item {
	f.t.Helper()
	it, err := f.s.CreateItem(f.ctx, a, ni)
	if err != nil {
		f.t.Fatalf("CreateItem: %v", err)
	}
	return it
}

// testSectionMembership: every way into My Conversations and every way out.
func testSectionMembership(t *testing.T, f *fixture) {
	conv, _ := f.customerConversation(f.customerA, "printer on fire")
	team, _, _, _ := f.s.CreateConversation(f.ctx, f.support, chat.NewConversation{ParticipantIDs: []int64{f.support2.ID}})
	none := []int64{}

	_, err := f.s.ListConversations(f.ctx, f.dev, chat.ConversationFilter{Section: chat.SectionCustomers})
	wantCode(t, err, chat.EForbidden)
	_, err = f.s.ListConversations(f.ctx, f.customerA, chat.ConversationFilter{Section: chat.SectionMine})
	wantCode(t, err, chat.EForbidden)
	if got := f.section(f.support, chat.SectionCustomers, ""); !slices.Equal(got, []int64{conv.ID}) {
		t.Fatalf("From Customers = %v", got)
	}
	// Started a team conversation / was added to it: mine.
	if got := f.section(f.support, chat.SectionMine, ""); !slices.Equal(got, []int64{team.ID}) {
		t.Fatalf("support's mine = %v", got)
	}
	if got := f.section(f.support2, chat.SectionMine, ""); !slices.Equal(got, []int64{team.ID}) {
		t.Fatalf("support2's mine = %v", got)
	}
	// Wrote in it: mine.
	f.send(f.support2, conv.ID, "hello Alice")
	if got := f.section(f.support2, chat.SectionMine, ""); !slices.Equal(got, []int64{conv.ID, team.ID}) {
		t.Fatalf("after writing: %v", got)
	}
	// Created, assigned to, following the linked item: mine, even without
	// the support flag. Unassigned, unfollowed, unlinked: out again.
	it := f.item(f.admin, chat.NewItem{Type: chat.ItemTicket, Title: "Fire", ConversationID: conv.ID})
	if got := f.section(f.admin, chat.SectionMine, ""); !slices.Equal(got, []int64{conv.ID}) {
		t.Fatalf("creator's mine = %v", got)
	}
	if got := f.section(f.dev, chat.SectionMine, ""); !slices.Equal(got, none) {
		t.Fatalf("dev's mine before = %v", got)
	}
	for _, role := range []chat.ItemRole{chat.RoleAssignee, chat.RoleFollower} {
		if _, err := f.s.SetItemRole(f.ctx, f.admin, it.Number, f.dev.ID, role, true); err != nil {
			t.Fatal(err)
		}
		if got := f.section(f.dev, chat.SectionMine, chat.StatusOpen); !slices.Equal(got, []int64{conv.ID}) {
			t.Fatalf("%s: dev's mine = %v", role, got)
		}
		if _, err := f.s.FindConversationByID(f.ctx, f.dev, conv.ID); err != nil {
			t.Fatalf("%s cannot open the conversation: %v", role, err)
		}
		if _, err := f.s.SetItemRole(f.ctx, f.admin, it.Number, f.dev.ID, role, false); err != nil {
			t.Fatal(err)
		}
		if got := f.section(f.dev, chat.SectionMine, ""); !slices.Equal(got, none) {
			t.Fatalf("after un-%s: %v", role, got)
		}
		_, err := f.s.FindConversationByID(f.ctx, f.dev, conv.ID)
		wantCode(t, err, chat.ENotFound)
	}
	f.s.SetItemRole(f.ctx, f.admin, it.Number, f.dev.ID, chat.RoleFollower, true)
	if _, err := f.s.LinkConversation(f.ctx, f.admin, conv.ID, 0); err != nil {
		t.Fatal(err)
	}
	if got := f.section(f.dev, chat.SectionMine, ""); !slices.Equal(got, none) {
		t.Fatalf("after unlink dev's mine = %v", got)
	}
	if got := f.section(f.admin, chat.SectionMine, ""); !slices.Equal(got, none) {
		t.Fatalf("after unlink creator's mine = %v", got)
	}
	// Open/Closed split.
	f.s.CloseConversation(f.ctx, f.support2, conv.ID)
	if open, closed := f.section(f.support2, chat.SectionMine, chat.StatusOpen), f.section(f.support2, chat.SectionMine, chat.StatusClosed); !slices.Equal(open, []int64{team.ID}) || !slices.Equal(closed, []int64{conv.ID}) {
		t.Fatalf("open %v closed %v", open, closed)
	}
}

func testProposeAndCreate(t *testing.T, f *fixture) {
	conv, _ := f.customerConversation(f.customerA, "My invoice shows the wrong address and I need it fixed before Friday because accounting closes the books")
	f.send(f.support, conv.ID, "Which address should it show?")
	f.send(f.customerA, conv.ID, "Hauptstraße 5, Berlin")
	_, err := f.s.ProposeItem(f.ctx, f.customerA, conv.ID, chat.ItemTicket)
	wantCode(t, err, chat.EForbidden)
	_, err = f.s.ProposeItem(f.ctx, f.dev, conv.ID, chat.ItemTicket)
	wantCode(t, err, chat.ENotFound)

	p, err := f.s.ProposeItem(f.ctx, f.support, conv.ID, chat.ItemTicket)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(p.Title, "My invoice shows the wrong address") || !strings.HasSuffix(p.Title, "…") || len([]rune(p.Title)) > 81 {
		t.Errorf("title = %q", p.Title)
	}
	// The description says where the item comes from and copies no word
	// of the conversation (chat.ProposalSummary): the item links it.
	if want := "From conversation #" + itoa(conv.ID) + ": 3 messages, "; !strings.HasPrefix(p.Description, want) ||
		strings.Contains(p.Description, "Hauptstraße") || strings.Contains(p.Description, "address") {
		t.Errorf("description = %q, want a summary starting %q", p.Description, want)
	}
	if p.RequesterID != f.customerA.ID || p.ConversationID != conv.ID || p.Status != chat.ItemNew || p.Priority != chat.PriorityNormal {
		t.Errorf("proposal = %+v", p)
	}
	// Created as proposed: linked, requester set, creator me.
	it, err := f.s.CreateItem(f.ctx, f.support, *p)
	if err != nil {
		t.Fatal(err)
	}
	if it.Title != p.Title || it.Requester == nil || it.Requester.ID != f.customerA.ID || it.Creator.ID != f.support.ID ||
		len(it.Conversations) != 1 || it.Conversations[0].ID != conv.ID || it.Type != chat.ItemTicket {
		t.Fatalf("item = %+v", it)
	}
	c, _ := f.s.FindConversationByID(f.ctx, f.support2, conv.ID)
	if c.Item == nil || c.Item.Number != it.Number || c.Item.Title != it.Title {
		t.Fatalf("conversation's item = %+v", c.Item)
	}
	// The customer sees neither the link nor the internal note.
	cc, _ := f.s.FindConversationByID(f.ctx, f.customerA, conv.ID)
	if cc.Item != nil {
		t.Fatal("customer sees the linked item")
	}
	msgs, _ := f.s.ListMessages(f.ctx, f.customerA, conv.ID, chat.MessageFilter{})
	for _, m := range msgs {
		if m.Internal || m.System == "linked" {
			t.Fatalf("customer sees internal note %q", m.Text)
		}
	}
	team, _ := f.s.ListMessages(f.ctx, f.support, conv.ID, chat.MessageFilter{})
	if last := team[len(team)-1]; last.System != "linked" || !last.Internal || !strings.Contains(last.Text, "#") {
		t.Fatalf("team's last message = %+v", last)
	}

	// Created with edits: a task, other title, assignee, no requester.
	conv2, _ := f.customerConversation(f.customerB, "feature request: dark mode")
	p2, _ := f.s.ProposeItem(f.ctx, f.support, conv2.ID, chat.ItemTask)
	if p2.RequesterID != 0 {
		t.Fatalf("task proposal has a requester")
	}
	p2.Title, p2.Priority, p2.AssigneeIDs = "Dark mode for the widget", chat.PriorityHigh, []int64{f.dev.ID}
	it2, err := f.s.CreateItem(f.ctx, f.support, *p2)
	if err != nil || it2.Type != chat.ItemTask || it2.Title != "Dark mode for the widget" || it2.Priority != chat.PriorityHigh ||
		len(it2.Assignees) != 1 || it2.Assignees[0].ID != f.dev.ID || it2.Number == it.Number {
		t.Fatalf("edited item = %+v, %v", it2, err)
	}
	for _, bad := range []chat.NewItem{
		{Type: "bug", Title: "x"},
		{Type: chat.ItemTask, Title: " "},
		{Type: chat.ItemTask, Title: "x", Status: "done"},
		{Type: chat.ItemTask, Title: "x", Priority: "asap"},
		{Type: chat.ItemTask, Title: "x", RequesterID: f.customerA.ID},
		{Type: chat.ItemTicket, Title: "x", RequesterID: 9999},
		{Type: chat.ItemTicket, Title: "x", AssigneeIDs: []int64{9999}},
		{Type: chat.ItemTicket, Title: strings.Repeat("t", chat.MaxTitleRunes+1)},
	} {
		_, err := f.s.CreateItem(f.ctx, f.support, bad)
		wantCode(t, err, chat.EInvalid)
	}
	_, err = f.s.CreateItem(f.ctx, f.dev, chat.NewItem{Type: chat.ItemTask, Title: "x", ConversationID: conv.ID})
	wantCode(t, err, chat.ENotFound)

	// The title is the first customer message even in a long conversation.
	long, _ := f.customerConversation(f.customerB, "Original problem line")
	for i := 0; i < 105; i++ {
		f.send(f.customerB, long.ID, fmt.Sprintf("follow-up %d", i))
	}
	if p, _ := f.s.ProposeItem(f.ctx, f.support, long.ID, chat.ItemTicket); p.Title != "Original problem line" ||
		len([]rune(p.Description)) > chat.MaxDescriptionRunes {
		t.Fatalf("long conversation proposal: %q (%d characters)", p.Title, len([]rune(p.Description)))
	}
}

func testLinkUnlink(t *testing.T, f *fixture) {
	convA, _ := f.customerConversation(f.customerA, "login broken")
	convB, _ := f.customerConversation(f.customerB, "cannot log in either")
	it := f.item(f.support, chat.NewItem{Type: chat.ItemTicket, Title: "Login outage in Europe"})
	other := f.item(f.support, chat.NewItem{Type: chat.ItemTask, Title: "Rotate certificates"})

	for _, q := range []string{"login", "LOGIN europe", "outag", "#" + itoa(it.Number), itoa(it.Number)} {
		refs, err := f.s.FindItems(f.ctx, f.dev, q, 10)
		if err != nil || len(refs) == 0 || refs[0].Number != it.Number {
			t.Errorf("FindItems(%q) = %+v, %v", q, refs, err)
		}
	}
	if refs, _ := f.s.FindItems(f.ctx, f.dev, "certificates", 10); len(refs) != 1 || refs[0].Number != other.Number {
		t.Errorf("FindItems(certificates) = %+v", refs)
	}
	if refs, err := f.s.FindItems(f.ctx, f.dev, "#99999", 10); err != nil || len(refs) != 0 {
		t.Errorf("FindItems(#99999) = %+v, %v", refs, err)
	}
	_, err := f.s.FindItems(f.ctx, f.customerA, "login", 10)
	wantCode(t, err, chat.EForbidden)

	for _, c := range []int64{convA.ID, convB.ID} {
		if got, err := f.s.LinkConversation(f.ctx, f.support, c, it.Number); err != nil || got.Item == nil || got.Item.Number != it.Number {
			t.Fatalf("link %d: %+v %v", c, got, err)
		}
	}
	details, _ := f.s.FindItemByNumber(f.ctx, f.support, it.Number)
	if len(details.Conversations) != 2 {
		t.Fatalf("item has %d conversations", len(details.Conversations))
	}
	// The link shows wherever the conversation is listed.
	list, _ := f.s.ListConversations(f.ctx, f.support2, chat.ConversationFilter{Section: chat.SectionCustomers})
	for _, c := range list {
		if c.Item == nil || c.Item.Number != it.Number {
			t.Fatalf("listed conversation %d without its item", c.ID)
		}
	}
	// Relinking moves the conversation; unlinking clears it.
	if got, _ := f.s.LinkConversation(f.ctx, f.support, convB.ID, other.Number); got.Item.Number != other.Number {
		t.Fatal("relink failed")
	}
	if got, _ := f.s.LinkConversation(f.ctx, f.support, convA.ID, 0); got.Item != nil {
		t.Fatal("unlink failed")
	}
	details, _ = f.s.FindItemByNumber(f.ctx, f.support, it.Number)
	if len(details.Conversations) != 0 {
		t.Fatalf("item still has %d conversations", len(details.Conversations))
	}
	_, err = f.s.LinkConversation(f.ctx, f.support, convA.ID, 424242)
	wantCode(t, err, chat.ENotFound)
	_, err = f.s.LinkConversation(f.ctx, f.dev, convA.ID, it.Number)
	wantCode(t, err, chat.ENotFound)
	_, err = f.s.FindItemByNumber(f.ctx, f.support, 424242)
	wantCode(t, err, chat.ENotFound)

	// Details: status and priority changes.
	st, prio := chat.ItemInProgress, chat.PriorityUrgent
	upd, err := f.s.UpdateItem(f.ctx, f.dev, it.Number, chat.ItemUpdate{Status: &st, Priority: &prio})
	if err != nil || upd.Status != st || upd.Priority != prio || !upd.UpdatedAt.After(upd.CreatedAt.Add(-time.Second)) {
		t.Fatalf("update = %+v, %v", upd, err)
	}
	bad := chat.ItemStatus("archived")
	_, err = f.s.UpdateItem(f.ctx, f.dev, it.Number, chat.ItemUpdate{Status: &bad})
	wantCode(t, err, chat.EInvalid)
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// testItemEvents: item changes reach the people involved live, and
// conversations enter their My Conversations through conversation.updated.
func testItemEvents(t *testing.T, f *fixture) {
	conv, _ := f.customerConversation(f.customerA, "need help")
	it := f.item(f.support, chat.NewItem{Type: chat.ItemTicket, Title: "Help", ConversationID: conv.ID})
	before := len(f.rec.Events())
	if _, err := f.s.SetItemRole(f.ctx, f.support, it.Number, f.dev.ID, chat.RoleAssignee, true); err != nil {
		t.Fatal(err)
	}
	var gotConvUpdate, gotItemUpdate bool
	for _, ev := range f.rec.Events()[before:] {
		switch ev.Type {
		case chat.EventConversationUpdated:
			if ev.ConversationID == conv.ID && ev.VisibleTo(f.dev) && !ev.VisibleTo(f.customerA) {
				gotConvUpdate = true
			}
		case chat.EventItemUpdated:
			gotItemUpdate = ev.VisibleTo(f.dev) && !ev.VisibleTo(f.customerA)
		}
	}
	if !gotConvUpdate || !gotItemUpdate {
		t.Fatalf("assignment: conversation.updated to dev %t, item.updated %t", gotConvUpdate, gotItemUpdate)
	}
	// From now on the customer's messages reach the assignee live.
	before = len(f.rec.Events())
	f.send(f.customerA, conv.ID, "any news?")
	delivered := false
	for _, ev := range f.rec.Events()[before:] {
		if ev.Type == chat.EventMessageCreated && ev.VisibleTo(f.dev) {
			delivered = true
		}
	}
	if !delivered {
		t.Fatal("assignee does not get the customer's messages")
	}
	// Replay agrees with live delivery for the assignee.
	replayed, _ := f.s.ListEvents(f.ctx, f.dev, 0, 0, 0)
	var live []int64
	for _, ev := range f.rec.Events() {
		if ev.VisibleTo(f.dev) && ev.Seq > 0 {
			live = append(live, ev.Seq)
		}
	}
	var got []int64
	for _, ev := range replayed {
		got = append(got, ev.Seq)
	}
	// Replay is by current membership: it may include older events of the
	// conversation that live delivery did not; it must include all live ones.
	for _, s := range live {
		if !slices.Contains(got, s) {
			t.Fatalf("live event %d missing from replay %v", s, got)
		}
	}
}

func testSectionCounts(t *testing.T, f *fixture) {
	c1, _ := f.customerConversation(f.customerA, "one")
	c2, _ := f.customerConversation(f.customerB, "two")
	f.send(f.support, c2.ID, "answer") // c2: support member, read
	f.s.CloseConversation(f.ctx, f.support, c2.ID)
	f.send(f.customerB, c2.ID, "reopen!") // reopens, unread for support
	f.s.CloseConversation(f.ctx, f.support2, c2.ID)
	team, _, _, _ := f.s.CreateConversation(f.ctx, f.support2, chat.NewConversation{ParticipantIDs: []int64{f.support.ID, f.dev.ID}, Text: "lunch?"})
	_ = c1
	got, err := f.s.SectionCounts(f.ctx, f.support)
	if err != nil {
		t.Fatal(err)
	}
	if got.Customers == nil || got.Customers.Open != 1 || got.Customers.Closed != 1 || got.Mine.Open != 1 || got.Mine.Closed != 1 {
		t.Fatalf("support counts = %+v / %+v", got.Customers, got.Mine)
	}
	dev, _ := f.s.SectionCounts(f.ctx, f.dev)
	if dev.Customers != nil || dev.Mine.Open != 1 || dev.Mine.Closed != 0 {
		t.Fatalf("dev counts = %+v / %+v", dev.Customers, dev.Mine)
	}
	f.s.MarkRead(f.ctx, f.dev, team.ID, 0)
	if dev, _ := f.s.SectionCounts(f.ctx, f.dev); dev.Mine.Open != 0 {
		t.Fatalf("after reading: %+v", dev.Mine)
	}
	_, err = f.s.SectionCounts(f.ctx, f.customerA)
	wantCode(t, err, chat.EForbidden)
}

func (f *fixture) search(a chat.Actor, q chat.SearchQuery) []*chat.SearchResult {
	f.t.Helper()
	res, err := f.s.Search(f.ctx, a, q)
	if err != nil {
		f.t.Fatalf("Search(%q): %v", q.Text, err)
	}
	return res
}

// testSearchVisibility: never a result the user may not see.
func testSearchVisibility(t *testing.T, f *fixture) {
	convA, _ := f.customerConversation(f.customerA, "the zebra invoice is wrong")
	team, _, _, _ := f.s.CreateConversation(f.ctx, f.support, chat.NewConversation{ParticipantIDs: []int64{f.support2.ID}, Text: "zebra team secret"})
	it := f.item(f.support, chat.NewItem{Type: chat.ItemTask, Title: "Zebra stripes redesign"})
	f.s.UpdateCustomer(f.ctx, f.customerA, f.customerA.ID, chat.CustomerInfo{Name: "Zebra Corp buyer", Email: "buyer@zebra.example"})

	kinds := func(res []*chat.SearchResult) map[string][]int64 {
		out := map[string][]int64{}
		for _, r := range res {
			id := r.ConversationID
			if r.Kind == chat.ResultItem {
				id = r.ItemNumber
			}
			out[r.Kind] = append(out[r.Kind], id)
		}
		return out
	}
	sup := kinds(f.search(f.support, chat.SearchQuery{Text: "zebra"}))
	if !slices.Contains(sup[chat.ResultMessage], convA.ID) || !slices.Contains(sup[chat.ResultMessage], team.ID) ||
		!slices.Equal(sup[chat.ResultItem], []int64{it.Number}) || !slices.Contains(sup[chat.ResultCustomer], convA.ID) {
		t.Fatalf("support's results = %v", sup)
	}
	// The admin has support but is not in the team chat.
	adm := kinds(f.search(f.admin, chat.SearchQuery{Text: "zebra"}))
	if slices.Contains(adm[chat.ResultMessage], team.ID) || !slices.Contains(adm[chat.ResultMessage], convA.ID) {
		t.Fatalf("admin's results = %v", adm)
	}
	// Dev sees neither conversation, only the item.
	dev := kinds(f.search(f.dev, chat.SearchQuery{Text: "zebra"}))
	if len(dev[chat.ResultMessage]) != 0 || len(dev[chat.ResultCustomer]) != 0 || len(dev[chat.ResultItem]) != 1 {
		t.Fatalf("dev's results = %v", dev)
	}
	_, err := f.s.Search(f.ctx, f.customerA, chat.SearchQuery{Text: "zebra"})
	wantCode(t, err, chat.EForbidden)
	_, err = f.s.Search(f.ctx, f.dev, chat.SearchQuery{Text: "zebra", Section: chat.SectionCustomers})
	wantCode(t, err, chat.EForbidden)
	// Filters: section and status.
	mine := kinds(f.search(f.support2, chat.SearchQuery{Text: "zebra", Section: chat.SectionMine}))
	if !slices.Equal(mine[chat.ResultMessage], []int64{team.ID}) {
		t.Fatalf("support2 mine = %v", mine)
	}
	f.s.CloseConversation(f.ctx, f.support, convA.ID)
	open := kinds(f.search(f.support, chat.SearchQuery{Text: "zebra", Status: chat.StatusOpen}))
	if slices.Contains(open[chat.ResultMessage], convA.ID) {
		t.Fatalf("closed conversation in open results: %v", open)
	}
	// Snippets mark the hit; two words must both match (prefixes allowed).
	res := f.search(f.support, chat.SearchQuery{Text: "zeb invo"})
	if len(res) == 0 || res[0].Kind != chat.ResultMessage || res[0].ConversationID != convA.ID {
		t.Fatalf("two-word results = %+v", res)
	}
	hits := 0
	for _, s := range res[0].Snippet {
		if s.Hit {
			hits++
		}
	}
	if hits != 2 {
		t.Fatalf("snippet %+v has %d hits", res[0].Snippet, hits)
	}
	// Query syntax is inert.
	for _, q := range []string{`zebra OR secret`, `"zebra`, `text:zebra`, `zebra*`, `NEAR(zebra secret)`, `-zebra`} {
		if _, err := f.s.Search(f.ctx, f.support, chat.SearchQuery{Text: q}); err != nil {
			t.Errorf("Search(%q): %v", q, err)
		}
	}
	for _, q := range []string{"", "  ", "!!!"} {
		_, err := f.s.Search(f.ctx, f.support, chat.SearchQuery{Text: q})
		wantCode(t, err, chat.EInvalid)
	}
}

func testSearchIndex(t *testing.T, f *fixture) {
	conv, m := f.customerConversation(f.customerA, "quokka sighting")
	if res := f.search(f.support, chat.SearchQuery{Text: "quokka"}); len(res) != 1 || res[0].MessageID != m.ID {
		t.Fatalf("before edit: %+v", res)
	}
	f.s.EditMessage(f.ctx, f.customerA, m.ID, "wombat sighting")
	if res := f.search(f.support, chat.SearchQuery{Text: "quokka"}); len(res) != 0 {
		t.Fatalf("old text still found: %+v", res)
	}
	if res := f.search(f.support, chat.SearchQuery{Text: "wombat"}); len(res) != 1 {
		t.Fatalf("new text not found: %+v", res)
	}
	f.s.DeleteMessage(f.ctx, f.customerA, m.ID)
	if res := f.search(f.support, chat.SearchQuery{Text: "wombat"}); len(res) != 0 {
		t.Fatalf("deleted message found: %+v", res)
	}
	_ = conv
}

func testOfflineReply(t *testing.T, f *fixture) {
	_, err := f.s.SetOnline(f.ctx, f.dev, false)
	wantCode(t, err, chat.EForbidden)
	_, err = f.s.SetOnline(f.ctx, f.customerA, false)
	wantCode(t, err, chat.EForbidden)
	before := len(f.rec.Events())
	st, err := f.s.SetOnline(f.ctx, f.support, false)
	if err != nil || st.Online {
		t.Fatalf("SetOnline(false) = %+v, %v", st, err)
	}
	var widget bool
	for _, ev := range f.rec.Events()[before:] {
		if ev.Type == chat.EventWidgetConfig && ev.VisibleTo(f.customerB) && strings.Contains(string(ev.Data), `"online":false`) {
			widget = true
		}
	}
	if !widget {
		t.Fatal("widgets are not told the helpdesk went offline")
	}
	// Offline: the customer still writes; one automatic reply per
	// conversation and offline period, after the customer's message.
	conv, first := f.customerConversation(f.customerA, "anyone there?")
	f.send(f.customerA, conv.ID, "hello?")
	msgs, _ := f.s.ListMessages(f.ctx, f.customerA, conv.ID, chat.MessageFilter{})
	var replies []*chat.Message
	for _, m := range msgs {
		if m.System == "offline_reply" {
			replies = append(replies, m)
		}
	}
	if len(msgs) != 3 || len(replies) != 1 || msgs[0].ID != first.ID || msgs[1].System != "offline_reply" || replies[0].Text != chat.DefaultSettings().OfflineMessage {
		t.Fatalf("offline messages: %+v", msgs)
	}
	// Online again: no reply. Offline again: a new reply.
	f.s.SetOnline(f.ctx, f.admin, true)
	f.send(f.customerA, conv.ID, "ok thanks")
	f.clock.Advance(time.Second)
	f.s.SetOnline(f.ctx, f.admin, false)
	f.send(f.customerA, conv.ID, "again")
	msgs, _ = f.s.ListMessages(f.ctx, f.customerA, conv.ID, chat.MessageFilter{})
	n := 0
	for _, m := range msgs {
		if m.System == "offline_reply" {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("%d offline replies, want 2", n)
	}
	// Turned off: none.
	off := false
	f.s.UpdateSettings(f.ctx, f.admin, chat.SettingsUpdate{OfflineAutoReply: &off})
	conv2, _ := f.customerConversation(f.customerB, "hi")
	msgs, _ = f.s.ListMessages(f.ctx, f.customerB, conv2.ID, chat.MessageFilter{})
	if len(msgs) != 1 {
		t.Fatalf("auto-reply off but %d messages", len(msgs))
	}
}

// testTranslations: the admin texts may be written per language; the
// widget gets each language's texts over the defaults; the offline
// auto-reply carries its translations.
func testTranslations(t *testing.T, f *fixture) {
	tr := map[string]chat.SettingTexts{
		"DE": {OfflineMessage: "  Wir sind offline.  ", Greeting: "Hallo!"},
		"fr": {},
	}
	_, err := f.s.UpdateSettings(f.ctx, f.support, chat.SettingsUpdate{Translations: &tr})
	wantCode(t, err, chat.EForbidden)
	st, err := f.s.UpdateSettings(f.ctx, f.admin, chat.SettingsUpdate{Translations: &tr})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]chat.SettingTexts{"de": {OfflineMessage: "Wir sind offline.", Greeting: "Hallo!"}}; !reflect.DeepEqual(st.Translations, want) {
		t.Fatalf("translations = %+v, want %+v (codes lower-cased, texts trimmed, an empty language dropped)", st.Translations, want)
	}
	for _, bad := range []map[string]chat.SettingTexts{
		{"deutsch": {Greeting: "x"}}, {"d": {Greeting: "x"}}, {"de-AT": {Greeting: "x"}}, {"": {Greeting: "x"}},
		{"de": {Greeting: strings.Repeat("x", chat.MaxSettingRunes+1)}}, {"de": {WidgetTitle: "a\x00b"}},
	} {
		_, err := f.s.UpdateSettings(f.ctx, f.admin, chat.SettingsUpdate{Translations: &bad})
		wantCode(t, err, chat.EInvalid)
	}
	w := st.Widget()
	if d := w.Translations["de"]; d.Greeting != "Hallo!" || d.Title != chat.DefaultTexts["de"].WidgetTitle || d.Message != chat.DefaultTexts["de"].OnlineMessage {
		t.Fatalf("widget de = %+v (a field without a translation, left at the product's default, is the default in German)", d)
	}
	title := "ACME help"
	st, _ = f.s.UpdateSettings(f.ctx, f.admin, chat.SettingsUpdate{WidgetTitle: &title})
	if d := st.Widget().Translations["de"]; d.Title != title {
		t.Fatalf("widget de title = %q, want the admin's own %q", d.Title, title)
	}
	f.s.SetOnline(f.ctx, f.admin, false)
	st, _ = f.s.Settings(f.ctx)
	if d := st.Widget().Translations["de"]; d.Message != "Wir sind offline." {
		t.Fatalf("offline widget de = %+v", d)
	}
	conv, _ := f.customerConversation(f.customerA, "hallo?")
	msgs, _ := f.s.ListMessages(f.ctx, f.customerA, conv.ID, chat.MessageFilter{})
	last := msgs[len(msgs)-1]
	if last.System != chat.NoteOfflineReply || last.Text != st.OfflineMessage || last.SystemParams == nil ||
		last.SystemParams.Texts["de"] != "Wir sind offline." {
		t.Fatalf("offline reply = %+v %+v", last, last.SystemParams)
	}
	// An empty map removes every translation.
	none := map[string]chat.SettingTexts{}
	if st, err := f.s.UpdateSettings(f.ctx, f.admin, chat.SettingsUpdate{Translations: &none}); err != nil || len(st.Translations) != 0 {
		t.Fatalf("cleared = %+v, %v", st.Translations, err)
	}
}

func testSettings(t *testing.T, f *fixture) {
	st, err := f.s.Settings(f.ctx)
	if err != nil || !st.Online || !st.OfflineAutoReply || st.OfflineMessage == "" {
		t.Fatalf("defaults = %+v, %v", st, err)
	}
	msg := "Back Monday!"
	_, err = f.s.UpdateSettings(f.ctx, f.support, chat.SettingsUpdate{OfflineMessage: &msg})
	wantCode(t, err, chat.EForbidden)
	origins := []string{"https://www.example.com/", "https://*.example.org"}
	st, err = f.s.UpdateSettings(f.ctx, f.admin, chat.SettingsUpdate{OfflineMessage: &msg, AllowedOrigins: &origins})
	if err != nil || st.OfflineMessage != msg || !slices.Equal(st.AllowedOrigins, []string{"https://www.example.com", "https://*.example.org"}) {
		t.Fatalf("update = %+v, %v", st, err)
	}
	for _, bad := range [][]string{{"javascript:alert(1)"}, {"https://x.example/path"}, {"ftp://x.example"}, {"example.com"},
		{"https://*"}, {"https://a.com;sandbox"}, {"https://a.com'unsafe-inline'"}, {"https://a.com#x"}, {"https://a.com?"},
		{"https://foo*.example.com"}, {"https://a.com:"}, {"https://a.com:99999999"}, {"https://user@a.com"}} {
		_, err := f.s.UpdateSettings(f.ctx, f.admin, chat.SettingsUpdate{AllowedOrigins: &bad})
		wantCode(t, err, chat.EInvalid)
	}
	long := strings.Repeat("x", chat.MaxSettingRunes+1)
	_, err = f.s.UpdateSettings(f.ctx, f.admin, chat.SettingsUpdate{Greeting: &long})
	wantCode(t, err, chat.EInvalid)
	if st, _ := f.s.Settings(f.ctx); st.OfflineMessage != msg || st.Widget().Message != st.OnlineMessage {
		t.Fatalf("persisted = %+v", st)
	}
	u, err := f.s.SetUserTimeZone(f.ctx, f.dev, "Europe/Berlin")
	if err != nil || u.TimeZone != "Europe/Berlin" {
		t.Fatalf("time zone = %+v, %v", u, err)
	}
	_, err = f.s.SetUserTimeZone(f.ctx, f.dev, "Mars/Olympus")
	wantCode(t, err, chat.EInvalid)
}

// testSearchSplitsWords: the words inside e-mail addresses, links, paths
// and file names are found, and diacritics fold, on every store alike.
func testSearchSplitsWords(t *testing.T, f *fixture) {
	conv, _ := f.customerConversation(f.customerA, "write to bob@example.com, see https://foo.test/bar/baz?q=1 or /usr/local/thing and report_final.pdf — Müller's café")
	for _, q := range []string{"example", "baz", "thing", "final", "pdf", "muller", "cafe", "Café"} {
		res, err := f.s.Search(f.ctx, f.support, chat.SearchQuery{Text: q})
		found := false
		for _, r := range res {
			found = found || (r.ConversationID == conv.ID && r.Kind == chat.ResultMessage)
		}
		if err != nil || !found {
			t.Errorf("search %q does not find the message: %+v, %v", q, res, err)
		}
	}
}
