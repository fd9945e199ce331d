package storetest

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
)

// Private notes, saved replies and assignment (chat/assign.go,
// chat/savedreply.go, CheckNewMessage).
var teamworkTests = []struct {
	name string
	fn   func(*testing.T, *fixture)
}{
	{"PrivateNotesNeverReachTheCustomer", testPrivateNotes},
	{"PrivateNoteRules", testPrivateNoteRules},
	{"MentionsMakeMembers", testMentions},
	{"SavedReplies", testSavedReplies},
	{"SavedReplyEventsAndUnsaid", testSavedReplyEvents},
	{"Assignment", testAssignment},
	{"AssignmentRules", testAssignmentRules},
	{"AutoAssignment", testAutoAssignment},
	{"ReleaseAssignments", testReleaseAssignments},
}

func (f *fixture) note(a chat.Actor, convID int64, text string, mentions ...int64) *chat.Message {
	f.t.Helper()
	m, _, err := f.s.SendMessage(f.ctx, a, convID, chat.NewMessage{Text: text, Internal: true, Mentions: mentions})
	if err != nil {
		f.t.Fatalf("note(%s): %v", text, err)
	}
	return m
}

// customerSees fails if anything the customer can read carries word: the
// messages, the conversation (answer and list), or any event from 0.
func (f *fixture) customerSees(t *testing.T, v chat.Actor, convID int64, words ...string) {
	t.Helper()
	msgs, err := f.s.ListMessages(f.ctx, v, convID, chat.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := f.s.FindConversationByID(f.ctx, v, convID)
	if err != nil {
		t.Fatal(err)
	}
	list, err := f.s.ListConversations(f.ctx, v, chat.ConversationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	all := string(marshalT(t, msgs)) + string(marshalT(t, c)) + string(marshalT(t, list))
	for _, w := range words {
		if strings.Contains(all, w) {
			t.Fatalf("the customer reads %q: %s", w, all)
		}
	}
	if l := leaks(f.replay(v), words...); len(l) > 0 {
		t.Fatalf("the customer's replay from 0 carries %q: %v", words, l)
	}
	for _, m := range msgs {
		if m.Internal {
			t.Fatalf("the customer lists an internal message %+v", m)
		}
	}
	if c.Assignee != nil || c.Item != nil || len(c.Participants) > 0 {
		t.Fatalf("the customer's conversation names the team's assignee, item or participants: %+v", c)
	}
	// Who joined (by a note, a mention, an assignment) is the team's too.
	if l := leaks(f.replay(v), `"participants":[{`, `"assignee"`, `"item"`); len(l) > 0 {
		t.Fatalf("the customer's replay names the team's people: %v", l)
	}
}

func testPrivateNotes(t *testing.T, f *fixture) {
	conv, first := f.customerConversation(f.customerA, "my order is late")
	f.clock.Advance(time.Second)
	before, _ := f.s.FindConversationByID(f.ctx, f.customerA, conv.ID)
	n := f.note(f.support, conv.ID, "NOTESECRET: refund them, ask Sue")
	if !n.Internal || n.System != "" {
		t.Fatalf("note = %+v", n)
	}
	// The team reads it; it counts as unread for other members.
	team, _ := f.s.ListMessages(f.ctx, f.support2, conv.ID, chat.MessageFilter{})
	if last := team[len(team)-1]; last.ID != n.ID || !last.Internal {
		t.Fatalf("team messages end with %+v", last)
	}
	// Nothing the customer reads moved: not the preview, not the activity.
	after, _ := f.s.FindConversationByID(f.ctx, f.customerA, conv.ID)
	if after.LastMessage == nil || after.LastMessage.ID != first.ID || !after.LastActivityAt.Equal(before.LastActivityAt) {
		t.Fatalf("the note moved the customer's copy: last %+v at %v (was %v)", after.LastMessage, after.LastActivityAt, before.LastActivityAt)
	}
	// Edited, then deleted: still never the customer's, and audited.
	if _, err := f.s.EditMessage(f.ctx, f.support, n.ID, "NOTEEDIT: partial refund"); err != nil {
		t.Fatal(err)
	}
	n2 := f.note(f.support, conv.ID, "NOTEGONE: delete me")
	if _, err := f.s.DeleteMessage(f.ctx, f.support, n2.ID); err != nil {
		t.Fatal(err)
	}
	audit, err := f.s.ListMessageAudit(f.ctx, f.admin, n.ID)
	if err != nil || len(audit) != 1 || audit[0].Action != chat.AuditEdit {
		t.Fatalf("note audit = %+v, %v", audit, err)
	}
	// A note in a closed conversation does not reopen it.
	if _, err := f.s.CloseConversation(f.ctx, f.support, conv.ID); err != nil {
		t.Fatal(err)
	}
	f.note(f.support, conv.ID, "NOTECLOSED: wait for the courier")
	if c, _ := f.s.FindConversationByID(f.ctx, f.support, conv.ID); c.Status != chat.StatusClosed {
		t.Fatalf("a note reopened the conversation: %s", c.Status)
	}
	f.customerSees(t, f.customerA, conv.ID, "NOTESECRET", "NOTEEDIT", "NOTEGONE", "NOTECLOSED", `"internal"`)
	// The customer cannot reach a note by id either.
	_, err = f.s.EditMessage(f.ctx, f.customerA, n.ID, "x")
	wantCode(t, err, chat.ENotFound)
	_, err = f.s.DeleteMessage(f.ctx, f.customerA, n.ID)
	wantCode(t, err, chat.ENotFound)
	// The team's replay has the note and its edit.
	if l := leaks(f.replay(f.support2), "NOTEEDIT"); len(l) == 0 {
		t.Fatal("the team's replay lacks the edited note")
	}
	// Idempotent like any send.
	m1, c1, err := f.s.SendMessage(f.ctx, f.support, conv.ID, chat.NewMessage{ClientID: "n-1", Text: "twice", Internal: true})
	m2, c2, err2 := f.s.SendMessage(f.ctx, f.support, conv.ID, chat.NewMessage{ClientID: "n-1", Text: "twice", Internal: true})
	if err != nil || err2 != nil || !c1 || c2 || m1.ID != m2.ID {
		t.Fatalf("note repeat: %v %v %t %t", err, err2, c1, c2)
	}
}

func testPrivateNoteRules(t *testing.T, f *fixture) {
	conv, _ := f.customerConversation(f.customerA, "hello")
	_, _, err := f.s.SendMessage(f.ctx, f.customerA, conv.ID, chat.NewMessage{Text: "psst", Internal: true})
	wantCode(t, err, chat.EForbidden)
	_, _, err = f.s.SendMessage(f.ctx, f.customerA, conv.ID, chat.NewMessage{Text: "@Sam", Mentions: []int64{f.support.ID}})
	wantCode(t, err, chat.EForbidden)
	// Mentions belong in notes, not in replies the customer reads.
	_, _, err = f.s.SendMessage(f.ctx, f.support, conv.ID, chat.NewMessage{Text: "@Sue look", Mentions: []int64{f.support2.ID}})
	wantCode(t, err, chat.EInvalid)
	for _, bad := range [][]int64{{0}, {-3}, {999999}} {
		_, _, err = f.s.SendMessage(f.ctx, f.support, conv.ID, chat.NewMessage{Text: "@x", Internal: true, Mentions: bad})
		wantCode(t, err, chat.EInvalid)
	}
	// Deactivated: no mention, even of someone already taking part.
	f.note(f.support2, conv.ID, "joining")
	off := false
	if _, err := f.s.UpdateUser(f.ctx, f.admin, f.support2.ID, chat.UserUpdate{Active: &off}); err != nil {
		t.Fatal(err)
	}
	_, _, err = f.s.SendMessage(f.ctx, f.support, conv.ID, chat.NewMessage{Text: "@Sue", Internal: true, Mentions: []int64{f.support2.ID}})
	wantCode(t, err, chat.EInvalid)
	// Duplicates count once: 50 ids given twice are 50 mentions.
	twice := []int64{}
	for range chat.MaxParticipants {
		twice = append(twice, f.dev.ID)
	}
	if _, _, err := f.s.SendMessage(f.ctx, f.support, conv.ID, chat.NewMessage{Text: "@Dev", Internal: true, Mentions: append(twice, twice...)}); err != nil {
		t.Fatalf("100 mentions of one person: %v", err)
	}
	many := make([]int64, chat.MaxParticipants+1)
	for i := range many {
		many[i] = int64(i + 1)
	}
	_, _, err = f.s.SendMessage(f.ctx, f.support, conv.ID, chat.NewMessage{Text: "@all", Internal: true, Mentions: many})
	wantCode(t, err, chat.EInvalid)
	// A team conversation is the team's already: no notes there.
	team, _, _, _ := f.s.CreateConversation(f.ctx, f.support, chat.NewConversation{ParticipantIDs: []int64{f.dev.ID}})
	_, _, err = f.s.SendMessage(f.ctx, f.support, team.ID, chat.NewMessage{Text: "note", Internal: true})
	wantCode(t, err, chat.EInvalid)
	// Nothing of the refused sends was stored.
	msgs, _ := f.s.ListMessages(f.ctx, f.admin, conv.ID, chat.MessageFilter{})
	if len(msgs) != 3 {
		t.Fatalf("refused sends left %d messages, want the customer's and the two notes", len(msgs))
	}
}

func testMentions(t *testing.T, f *fixture) {
	conv, _ := f.customerConversation(f.customerA, "printer on fire")
	if slices.Contains(f.section(f.dev, chat.SectionMine, ""), conv.ID) {
		t.Fatal("dev sees the conversation before being mentioned")
	}
	n := f.note(f.support, conv.ID, "@Dev can you check the logs?", f.dev.ID, f.dev.ID)
	if !slices.Equal(n.Mentions, []int64{f.dev.ID}) {
		t.Fatalf("mentions = %v", n.Mentions)
	}
	// Dev (no support flag) is now a member: My Conversations, unread, events.
	if !slices.Contains(f.section(f.dev, chat.SectionMine, ""), conv.ID) {
		t.Fatal("a mention did not make dev a member")
	}
	c, err := f.s.FindConversationByID(f.ctx, f.dev, conv.ID)
	if err != nil || c.Unread == 0 || !c.HasParticipant(f.dev.ID) {
		t.Fatalf("dev's copy = %+v, %v", c, err)
	}
	got := false
	for _, ev := range f.rec.Events() {
		if ev.Type == chat.EventMessageCreated && strings.Contains(string(ev.Data), "check the logs") {
			got = ev.VisibleTo(f.dev) && !ev.VisibleTo(f.customerA)
		}
	}
	if !got {
		t.Fatal("the mentioning note's event does not reach dev, or reaches the customer")
	}
	// In a team conversation mentions need no note.
	team, _, _, _ := f.s.CreateConversation(f.ctx, f.support, chat.NewConversation{ParticipantIDs: []int64{f.support2.ID}})
	m, _, err := f.s.SendMessage(f.ctx, f.support, team.ID, chat.NewMessage{Text: "@Dev lunch?", Mentions: []int64{f.dev.ID}})
	if err != nil || !slices.Equal(m.Mentions, []int64{f.dev.ID}) {
		t.Fatalf("team mention = %+v, %v", m, err)
	}
	if tc, err := f.s.FindConversationByID(f.ctx, f.dev, team.ID); err != nil || !tc.HasParticipant(f.dev.ID) {
		t.Fatalf("dev after a team mention: %+v, %v", tc, err)
	}
}

func testSavedReplies(t *testing.T, f *fixture) {
	_, err := f.s.CreateSavedReply(f.ctx, f.support, chat.NewSavedReply{Shortcut: "ref", Title: "Refund", Text: "Hi"})
	wantCode(t, err, chat.EForbidden) // the team's are the admins'
	team, err := f.s.CreateSavedReply(f.ctx, f.admin, chat.NewSavedReply{Shortcut: "/Ref", Title: "Refund",
		Text: "Hi {{customer.name | there}}, your refund is on its way. {{agent.name}}"})
	if err != nil || team.Shortcut != "ref" || team.OwnerID != 0 {
		t.Fatalf("team reply = %+v, %v", team, err)
	}
	mine, err := f.s.CreateSavedReply(f.ctx, f.support, chat.NewSavedReply{Shortcut: "ref", Title: "My refund", Text: "Done, {{ customer.email }}", Personal: true})
	if err != nil || mine.OwnerID != f.support.ID {
		t.Fatalf("personal reply = %+v, %v", mine, err)
	}
	_, err = f.s.CreateSavedReply(f.ctx, f.support, chat.NewSavedReply{Shortcut: "REF", Title: "Again", Text: "x", Personal: true})
	wantCode(t, err, chat.EConflict)
	for _, bad := range []chat.NewSavedReply{
		{Shortcut: "has space", Title: "t", Text: "x"},
		{Shortcut: "", Title: "t", Text: "x"},
		{Shortcut: strings.Repeat("a", chat.MaxShortcutBytes+1), Title: "t", Text: "x"},
		{Shortcut: "ünï", Title: "t", Text: "x"},
		{Shortcut: "ok", Title: "", Text: "x"},
		{Shortcut: "ok", Title: "two\nlines", Text: "x"},
		{Shortcut: "ok", Title: "t", Text: " \u200b "},
		{Shortcut: "ok", Title: "t", Text: "Hi {{customer.password}}"},
		{Shortcut: "ok", Title: "t", Text: "Hi {{ agent.email | x }}"},
	} {
		bad.Personal = true
		_, err := f.s.CreateSavedReply(f.ctx, f.support, bad)
		if c := chat.ErrorCode(err); c != chat.EInvalid && c != chat.EMessageEmpty {
			t.Fatalf("CreateSavedReply(%+v) = %v, want invalid", bad, err)
		}
	}
	// Each sees the team's and their own.
	list, _ := f.s.ListSavedReplies(f.ctx, f.support)
	if len(list) != 2 || list[0].ID != team.ID || list[1].ID != mine.ID {
		t.Fatalf("support's list = %+v", list)
	}
	list, _ = f.s.ListSavedReplies(f.ctx, f.support2)
	if len(list) != 1 || list[0].ID != team.ID {
		t.Fatalf("support2's list = %+v", list)
	}
	_, err = f.s.ListSavedReplies(f.ctx, f.customerA)
	wantCode(t, err, chat.EForbidden)
	// Someone else's personal reply does not exist for them.
	title := "Mine now"
	_, err = f.s.UpdateSavedReply(f.ctx, f.support2, mine.ID, chat.SavedReplyUpdate{Title: &title})
	wantCode(t, err, chat.ENotFound)
	_, err = f.s.UpdateSavedReply(f.ctx, f.admin, mine.ID, chat.SavedReplyUpdate{Title: &title})
	wantCode(t, err, chat.ENotFound)
	err = f.s.DeleteSavedReply(f.ctx, f.support2, mine.ID)
	wantCode(t, err, chat.ENotFound)
	_, err = f.s.UpdateSavedReply(f.ctx, f.support, team.ID, chat.SavedReplyUpdate{Title: &title})
	wantCode(t, err, chat.EForbidden)
	err = f.s.DeleteSavedReply(f.ctx, f.support, team.ID)
	wantCode(t, err, chat.EForbidden)
	_, err = f.s.UpdateSavedReply(f.ctx, f.support, 99999, chat.SavedReplyUpdate{Title: &title})
	wantCode(t, err, chat.ENotFound)
	other, _ := f.s.CreateSavedReply(f.ctx, f.support, chat.NewSavedReply{Shortcut: "bye", Title: "Bye", Text: "Bye!", Personal: true})
	taken := "ref"
	_, err = f.s.UpdateSavedReply(f.ctx, f.support, other.ID, chat.SavedReplyUpdate{Shortcut: &taken})
	wantCode(t, err, chat.EConflict)
	bad := "{{nope}}"
	_, err = f.s.UpdateSavedReply(f.ctx, f.support, other.ID, chat.SavedReplyUpdate{Text: &bad})
	wantCode(t, err, chat.EInvalid)
	// Nothing to change is no change: no event.
	n := len(f.rec.Events())
	same := "Bye"
	if _, err := f.s.UpdateSavedReply(f.ctx, f.support, other.ID, chat.SavedReplyUpdate{Title: &same}); err != nil {
		t.Fatal(err)
	}
	if len(f.rec.Events()) != n {
		t.Fatal("an update that changes nothing wrote an event")
	}
	text := "Bye, {{customer.name|friend}}!"
	up, err := f.s.UpdateSavedReply(f.ctx, f.support, other.ID, chat.SavedReplyUpdate{Title: &title, Text: &text})
	if err != nil || up.Title != title || up.Text != text || up.Shortcut != "bye" {
		t.Fatalf("update = %+v, %v", up, err)
	}
	if err := f.s.DeleteSavedReply(f.ctx, f.support, other.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := f.s.ListSavedReplies(f.ctx, f.support); len(list) != 2 {
		t.Fatalf("after delete: %+v", list)
	}
	err = f.s.DeleteSavedReply(f.ctx, f.support, other.ID)
	wantCode(t, err, chat.ENotFound)
}

func testSavedReplyEvents(t *testing.T, f *fixture) {
	team, _ := f.s.CreateSavedReply(f.ctx, f.admin, chat.NewSavedReply{Shortcut: "hi", Title: "Hello", Text: "TEAMREPLY hello"})
	mine, _ := f.s.CreateSavedReply(f.ctx, f.support, chat.NewSavedReply{Shortcut: "own", Title: "Own", Text: "OWNREPLY first", Personal: true})
	if l := leaks(f.replay(f.support2), "TEAMREPLY"); len(l) == 0 {
		t.Fatal("the team's saved reply does not reach the team")
	}
	if l := leaks(f.replay(f.support2), "OWNREPLY"); len(l) > 0 {
		t.Fatalf("someone's own saved reply reaches another user: %v", l)
	}
	if l := leaks(f.replay(f.customerA), "TEAMREPLY"); len(l) > 0 {
		t.Fatalf("a saved reply reaches a customer: %v", l)
	}
	// An edit and a delete leave no earlier text in the log.
	text := "OWNREPLY second"
	if _, err := f.s.UpdateSavedReply(f.ctx, f.support, mine.ID, chat.SavedReplyUpdate{Text: &text}); err != nil {
		t.Fatal(err)
	}
	if l := leaks(f.replay(f.support), "OWNREPLY first"); len(l) > 0 {
		t.Fatalf("the log still holds the earlier text: %v", l)
	}
	if err := f.s.DeleteSavedReply(f.ctx, f.admin, team.ID); err != nil {
		t.Fatal(err)
	}
	evs := f.replay(f.support)
	if l := leaks(evs, "TEAMREPLY"); len(l) > 0 {
		t.Fatalf("the log still holds the deleted reply: %v", l)
	}
	if last := evs[len(evs)-1]; last.Type != chat.EventSavedReplyDeleted {
		t.Fatalf("last event = %s", last.Type)
	}
}

func (f *fixture) assign(a chat.Actor, convID, userID int64) *chat.Conversation {
	f.t.Helper()
	c, err := f.s.AssignConversation(f.ctx, a, convID, userID)
	if err != nil {
		f.t.Fatalf("AssignConversation(%d → %d): %v", convID, userID, err)
	}
	return c
}

func (f *fixture) listed(a chat.Actor, filter chat.ConversationFilter) []int64 {
	f.t.Helper()
	list, err := f.s.ListConversations(f.ctx, a, filter)
	if err != nil {
		f.t.Fatalf("ListConversations(%+v): %v", filter, err)
	}
	return ids(list)
}

func testAssignment(t *testing.T, f *fixture) {
	c1, _ := f.customerConversation(f.customerA, "one")
	c2, _ := f.customerConversation(f.customerB, "two")
	got := f.assign(f.support, c1.ID, f.support2.ID)
	if got.Assignee == nil || got.Assignee.ID != f.support2.ID || got.Assignee.Name != "Sue Support" {
		t.Fatalf("assignee = %+v", got.Assignee)
	}
	// The assignee is a member: My Conversations, Assigned to me.
	if !slices.Contains(f.section(f.support2, chat.SectionMine, ""), c1.ID) {
		t.Fatal("the assignee's My Conversations lacks it")
	}
	if l := f.listed(f.support2, chat.ConversationFilter{Section: chat.SectionCustomers, Assignee: chat.AssignedToMe}); !slices.Equal(l, []int64{c1.ID}) {
		t.Fatalf("assigned to me = %v", l)
	}
	if l := f.listed(f.support2, chat.ConversationFilter{Section: chat.SectionCustomers, Assignee: chat.Unassigned}); !slices.Equal(l, []int64{c2.ID}) {
		t.Fatalf("unassigned = %v", l)
	}
	counts, _ := f.s.SectionCounts(f.ctx, f.support2)
	if counts.Assignment == nil || counts.Assignment.Unassigned != 1 || counts.Assignment.AssignedToMe != 1 {
		t.Fatalf("counts = %+v", counts.Assignment)
	}
	if dev, _ := f.s.SectionCounts(f.ctx, f.dev); dev.Assignment != nil {
		t.Fatalf("a user without From Customers gets assignment counts: %+v", dev.Assignment)
	}
	// The transfer writes an internal note; the same assignee again changes nothing.
	n := len(f.rec.Events())
	f.assign(f.support2, c1.ID, f.support2.ID)
	if len(f.rec.Events()) != n {
		t.Fatal("assigning the current assignee wrote events")
	}
	f.assign(f.support2, c1.ID, f.support.ID) // a transfer
	msgs, _ := f.s.ListMessages(f.ctx, f.admin, c1.ID, chat.MessageFilter{})
	var notes []string
	for _, m := range msgs {
		if m.System == chat.NoteAssigned {
			if !m.Internal {
				t.Fatalf("the assignment note is not internal: %+v", m)
			}
			notes = append(notes, m.Text)
		}
	}
	if len(notes) != 2 || !strings.Contains(notes[0], "Sam Support") || !strings.Contains(notes[0], "Sue Support") ||
		!strings.Contains(notes[1], "Sue Support") || !strings.Contains(notes[1], "Sam Support") {
		t.Fatalf("assignment notes = %q", notes)
	}
	// Every change is conversation.updated for the team, never the customer.
	var updates int
	for _, ev := range f.rec.Events() {
		if ev.Type == chat.EventConversationUpdated && ev.ConversationID == c1.ID && strings.Contains(string(ev.Data), `"assignee"`) {
			updates++
			if ev.VisibleTo(f.customerA) {
				t.Fatal("an assignment event reaches the customer")
			}
		}
	}
	if updates != 2 {
		t.Fatalf("%d assignment events, want 2", updates)
	}
	// Closing keeps the assignee; the customer never learns of either.
	f.s.CloseConversation(f.ctx, f.support, c1.ID)
	f.send(f.customerA, c1.ID, "still there?")
	if c, _ := f.s.FindConversationByID(f.ctx, f.support, c1.ID); c.Assignee == nil || c.Assignee.ID != f.support.ID {
		t.Fatalf("after close and reopen: %+v", c.Assignee)
	}
	f.customerSees(t, f.customerA, c1.ID, `"assignee"`, "assigned this conversation")
	// Unassign.
	un := f.assign(f.admin, c1.ID, 0)
	if un.Assignee != nil {
		t.Fatalf("after unassign: %+v", un.Assignee)
	}
	if l := f.listed(f.support, chat.ConversationFilter{Assignee: chat.Unassigned}); !slices.Equal(l, []int64{c1.ID, c2.ID}) && !slices.Equal(l, []int64{c2.ID, c1.ID}) {
		t.Fatalf("unassigned after unassign = %v", l)
	}
}

func testAssignmentRules(t *testing.T, f *fixture) {
	conv, _ := f.customerConversation(f.customerA, "hi")
	_, err := f.s.AssignConversation(f.ctx, f.dev, conv.ID, f.support.ID)
	wantCode(t, err, chat.ENotFound) // dev cannot see it at all
	team, _, _, _ := f.s.CreateConversation(f.ctx, f.dev, chat.NewConversation{ParticipantIDs: []int64{f.support.ID}})
	_, err = f.s.AssignConversation(f.ctx, f.dev, team.ID, f.support.ID)
	wantCode(t, err, chat.EForbidden) // no support flag
	_, err = f.s.AssignConversation(f.ctx, f.support, team.ID, f.support.ID)
	wantCode(t, err, chat.EInvalid) // team conversations have no assignee
	_, err = f.s.AssignConversation(f.ctx, f.customerA, conv.ID, f.support.ID)
	wantCode(t, err, chat.EForbidden)
	for _, who := range []int64{f.dev.ID, 99999, -1} {
		_, err = f.s.AssignConversation(f.ctx, f.support, conv.ID, who)
		wantCode(t, err, chat.EInvalid)
	}
	off := false
	if _, err := f.s.UpdateUser(f.ctx, f.admin, f.support2.ID, chat.UserUpdate{Active: &off}); err != nil {
		t.Fatal(err)
	}
	_, err = f.s.AssignConversation(f.ctx, f.support, conv.ID, f.support2.ID)
	wantCode(t, err, chat.EInvalid)
	for _, bad := range []chat.AssigneeFilter{"everyone", "ME", "0"} {
		_, err = f.s.ListConversations(f.ctx, f.support, chat.ConversationFilter{Assignee: bad})
		wantCode(t, err, chat.EInvalid)
	}
	_, err = f.s.ListConversations(f.ctx, f.customerA, chat.ConversationFilter{Assignee: chat.Unassigned})
	wantCode(t, err, chat.EForbidden)
	// Assignment settings are checked.
	for _, upd := range []chat.SettingsUpdate{{AssignCapacity: ptr(0)}, {AssignCapacity: ptr(chat.MaxAssignCapacity + 1)},
		{UnassignOfflineAfter: ptr(-1)}, {UnassignOfflineAfter: ptr(chat.MaxUnassignOfflineAfter + 1)}} {
		_, err := f.s.UpdateSettings(f.ctx, f.admin, upd)
		wantCode(t, err, chat.EInvalid)
	}
	st, _ := f.s.Settings(f.ctx)
	if st.AutoAssign || st.AssignCapacity != chat.DefaultAssignCapacity || st.UnassignOfflineAfter != chat.DefaultUnassignOfflineAfter {
		t.Fatalf("assignment defaults = %+v", st)
	}
}

func ptr[T any](v T) *T { return &v }

// testAutoAssignment: the case on the store: 31 conversations
// while three support users are online with a capacity of 10 each.
func testAutoAssignment(t *testing.T, f *fixture) {
	agents := []int64{f.admin.ID, f.support.ID, f.support2.ID} // the admin has the support flag too
	online := append(slices.Clone(agents), f.dev.ID, 99999)    // dev has no support flag; 99999 is nobody
	var convs []int64
	for i := range 31 {
		v := f.customer("Visitor " + itoa(int64(i)))
		c, _ := f.customerConversation(v, "help "+itoa(int64(i)))
		convs = append(convs, c.ID)
		f.clock.Advance(time.Second)
	}
	if n, err := f.s.AutoAssign(f.ctx, online); err != nil || n != 0 {
		t.Fatalf("with auto-assignment off: %d, %v", n, err)
	}
	if _, err := f.s.UpdateSettings(f.ctx, f.admin, chat.SettingsUpdate{AutoAssign: ptr(true), AssignCapacity: ptr(10)}); err != nil {
		t.Fatal(err)
	}
	n, err := f.s.AutoAssign(f.ctx, online)
	if err != nil || n != 30 {
		t.Fatalf("AutoAssign = %d, %v; want 30", n, err)
	}
	owner := map[int64]int64{}
	load := map[int64]int{}
	for _, id := range convs {
		c, _ := f.s.FindConversationByID(f.ctx, f.admin, id)
		if c.Assignee != nil {
			owner[id] = c.Assignee.ID
			load[c.Assignee.ID]++
		}
	}
	for _, a := range agents {
		if load[a] != 10 {
			t.Fatalf("load = %v, want 10 each of %v", load, agents)
		}
	}
	// Round-robin, oldest first: the first three went to three agents.
	if owner[convs[0]] == owner[convs[1]] || owner[convs[1]] == owner[convs[2]] || owner[convs[0]] == owner[convs[2]] {
		t.Fatalf("not round-robin: %d %d %d", owner[convs[0]], owner[convs[1]], owner[convs[2]])
	}
	if _, ok := owner[convs[30]]; ok {
		t.Fatal("the 31st was assigned past capacity")
	}
	if n, _ := f.s.AutoAssign(f.ctx, online); n != 0 {
		t.Fatalf("everyone full, yet %d assigned", n)
	}
	// One agent closes a conversation: the 31st goes to them.
	freed := owner[convs[4]]
	by := f.support
	if freed == f.admin.ID {
		by = f.admin
	}
	if _, err := f.s.CloseConversation(f.ctx, by, convs[4]); err != nil {
		t.Fatal(err)
	}
	if n, err := f.s.AutoAssign(f.ctx, online); err != nil || n != 1 {
		t.Fatalf("after a close: %d, %v", n, err)
	}
	if c, _ := f.s.FindConversationByID(f.ctx, f.admin, convs[30]); c.Assignee == nil || c.Assignee.ID != freed {
		t.Fatalf("the 31st went to %+v, want %d", c.Assignee, freed)
	}
	// Nobody online: nothing happens.
	f.customerConversation(f.customer("Late"), "anyone?")
	if n, _ := f.s.AutoAssign(f.ctx, nil); n != 0 {
		t.Fatalf("assigned %d with nobody online", n)
	}
}

func testReleaseAssignments(t *testing.T, f *fixture) {
	c1, _ := f.customerConversation(f.customerA, "one")
	c2, _ := f.customerConversation(f.customerB, "two")
	f.assign(f.support, c1.ID, f.support2.ID)
	f.assign(f.support, c2.ID, f.support2.ID)
	f.s.CloseConversation(f.ctx, f.support, c2.ID)
	if ids, _ := f.s.Assignees(f.ctx); !slices.Equal(ids, []int64{f.support2.ID}) {
		t.Fatalf("assignees = %v", ids)
	}
	n, err := f.s.ReleaseAssignments(f.ctx, f.support2.ID)
	if err != nil || n != 1 {
		t.Fatalf("released %d, %v; want the one open conversation", n, err)
	}
	if c, _ := f.s.FindConversationByID(f.ctx, f.admin, c1.ID); c.Assignee != nil {
		t.Fatalf("still assigned: %+v", c.Assignee)
	}
	if c, _ := f.s.FindConversationByID(f.ctx, f.admin, c2.ID); c.Assignee == nil {
		t.Fatal("a closed conversation was released")
	}
	msgs, _ := f.s.ListMessages(f.ctx, f.admin, c1.ID, chat.MessageFilter{})
	if last := msgs[len(msgs)-1]; last.System != chat.NoteAssigned || !strings.Contains(last.Text, "back to the queue") {
		t.Fatalf("release note = %+v", last)
	}
	if ids, _ := f.s.Assignees(f.ctx); len(ids) != 0 {
		t.Fatalf("assignees after release = %v", ids)
	}
	// An assignee who loses the support flag, or is deactivated, is no
	// assignee any more: all their conversations go back to the queue,
	// closed ones too (a customer's reply would reopen them with them).
	f.assign(f.support, c1.ID, f.support2.ID)
	f.s.ReopenConversation(f.ctx, f.support, c2.ID)
	f.assign(f.support, c2.ID, f.support.ID)
	f.s.CloseConversation(f.ctx, f.support, c2.ID)
	off := false
	if _, err := f.s.UpdateUser(f.ctx, f.admin, f.support2.ID, chat.UserUpdate{Support: &off}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.UpdateUser(f.ctx, f.admin, f.support.ID, chat.UserUpdate{Active: &off}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{c1.ID, c2.ID} {
		if c, _ := f.s.FindConversationByID(f.ctx, f.admin, id); c.Assignee != nil {
			t.Fatalf("conversation %d still assigned to %+v", id, c.Assignee)
		}
		msgs, _ := f.s.ListMessages(f.ctx, f.admin, id, chat.MessageFilter{})
		if last := msgs[len(msgs)-1]; last.System != chat.NoteAssigned || !strings.Contains(last.Text, "no longer a support agent") {
			t.Fatalf("release note = %+v", last)
		}
	}
}

func marshalT(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
