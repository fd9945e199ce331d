package syncer_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deskchat/deskchat/app/localstore"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
)

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out: %s", what)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// TestTeamworkKeptOffline: private notes, assignments and saved replies
// reach the desktop's local store through the event stream, read there as
// the server answers them, and stay after a close; a note queued offline
// goes out as a note with its mentions once the server is back.
func TestTeamworkKeptOffline(t *testing.T) {
	s := startSrv(t)
	ctx := context.Background()
	anna, ben := login(t, s.url(), "anna@deskchat.test"), login(t, s.url(), "ben@deskchat.test")
	benMe, _ := ben.Me(ctx)
	annaMe, _ := anna.Me(ctx)
	_, st, stop := engine(t, ben, filepath.Join(t.TempDir(), "ben.db"))
	defer stop()

	page, err := anna.ListConversations(ctx, client.ConversationQuery{Section: chat.SectionCustomers})
	if err != nil || len(page.Conversations) == 0 {
		t.Fatal(err)
	}
	conv := page.Conversations[0]
	note, _, err := anna.Post(ctx, conv.ID, chat.NewMessage{Text: "@Ben Support VIP customer, be quick", Internal: true, Mentions: []int64{benMe.User.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := anna.AssignConversation(ctx, conv.ID, benMe.User.ID); err != nil {
		t.Fatal(err)
	}
	team, _ := anna.CreateSavedReply(ctx, chat.NewSavedReply{Shortcut: "ref", Title: "Refund", Text: "Hi {{customer.name|there}}, refunded."})
	own, _ := ben.CreateSavedReply(ctx, chat.NewSavedReply{Shortcut: "bye", Title: "Bye", Text: "Bye for now", Personal: true})
	annasOwn, _ := anna.CreateSavedReply(ctx, chat.NewSavedReply{Shortcut: "anna", Title: "Anna's", Text: "ANNAONLY", Personal: true})

	sameReplies := func() bool {
		l, _ := st.ListSavedReplies(ctx)
		r, _ := ben.ListSavedReplies(ctx)
		return fmt.Sprint(replyIDs(l)) == fmt.Sprint(replyIDs(r)) && textsOf(l) == textsOf(r)
	}
	waitFor(t, "the assignment and the saved replies in Ben's local store", func() bool {
		mine, _ := st.ListConversations(ctx, chat.ConversationFilter{Section: chat.SectionCustomers, Assignee: chat.AssignedToMe})
		return slices.Contains(convIDs(mine), conv.ID) && sameReplies()
	})
	// As the server answers it.
	local, _ := st.FindConversationByID(ctx, conv.ID)
	remote, _ := ben.FindConversationByID(ctx, conv.ID)
	if local.Assignee == nil || local.Assignee.ID != benMe.User.ID || local.Assignee.Name != "Ben Support" {
		t.Fatalf("local assignee = %+v", local.Assignee)
	}
	if local.LastMessage == nil || remote.LastMessage == nil || local.LastMessage.ID != remote.LastMessage.ID || local.LastMessage.ID == note.ID {
		t.Fatalf("last message: local %+v, server %+v (the note is %d)", local.LastMessage, remote.LastMessage, note.ID)
	}
	if !local.LastActivityAt.Equal(remote.LastActivityAt) {
		t.Fatalf("activity: local %v, server %v", local.LastActivityAt, remote.LastActivityAt)
	}
	for _, f := range []chat.ConversationFilter{{Section: chat.SectionCustomers, Assignee: chat.Unassigned}, {Section: chat.SectionCustomers, Assignee: chat.AssignedToMe}} {
		l, _ := st.ListConversations(ctx, f)
		r, _ := ben.ListConversations(ctx, client.ConversationQuery{Section: f.Section, Assignee: f.Assignee})
		if !slices.Equal(convIDs(l), convIDs(r.Conversations)) {
			t.Fatalf("%s: local %v, server %v", f.Assignee, convIDs(l), convIDs(r.Conversations))
		}
	}
	lc, _ := st.SectionCounts(ctx)
	rc, _ := ben.SectionCounts(ctx)
	if lc.Assignment == nil || *lc.Assignment != *rc.Assignment {
		t.Fatalf("counts: local %+v, server %+v", lc.Assignment, rc.Assignment)
	}
	msgs, _ := st.ListMessages(ctx, conv.ID, 0, 200)
	if !slices.ContainsFunc(msgs, func(m *chat.Message) bool {
		return m.ID == note.ID && m.Internal && slices.Equal(m.Mentions, []int64{benMe.User.ID})
	}) {
		t.Fatal("the note is not in the local store as a note")
	}
	replies, _ := st.ListSavedReplies(ctx)
	if !slices.Contains(replyIDs(replies), own.ID) || !slices.Contains(replyIDs(replies), team.ID) {
		t.Fatalf("local saved replies = %+v", replies)
	}
	if slices.ContainsFunc(replies, func(r *chat.SavedReply) bool { return r.ID == annasOwn.ID }) {
		t.Fatal("someone else's own saved reply reached Ben")
	}
	// A close (its event carries no assignee) keeps it; an edit and a
	// delete of saved replies arrive.
	if _, err := anna.CloseConversation(ctx, conv.ID); err != nil {
		t.Fatal(err)
	}
	text := "Hi {{customer.name|there}}, refunded today."
	anna.UpdateSavedReply(ctx, team.ID, chat.SavedReplyUpdate{Text: &text})
	ben.DeleteSavedReply(ctx, own.ID)
	waitFor(t, "the close, the edit and the delete", func() bool {
		c, _ := st.FindConversationByID(ctx, conv.ID)
		r, _ := st.ListSavedReplies(ctx)
		return c.Status == chat.StatusClosed && !slices.Contains(replyIDs(r), own.ID) && strings.Contains(textsOf(r), text) && sameReplies()
	})
	if c, _ := st.FindConversationByID(ctx, conv.ID); c.Assignee == nil || c.Assignee.ID != benMe.User.ID {
		t.Fatalf("the close lost the assignee: %+v", c.Assignee)
	}

	// Offline: a note with a mention waits in the outbox, then goes out as a note.
	stop()
	s.kill()
	p2 := filepath.Join(t.TempDir(), "ben2.db")
	st2, err := localstore.Open(p2, benMe.User.ID)
	if err != nil {
		t.Fatal(err)
	}
	st2.Enqueue(ctx, localstore.Entry{ClientID: "offline-note", Kind: localstore.OutSendMessage, ConversationID: conv.ID,
		Text: "@Anna Admin done", Internal: true, Mentions: []int64{annaMe.User.ID}})
	if out, _ := st2.Outbox(ctx, conv.ID); len(out) != 1 || !out[0].Internal || !slices.Equal(out[0].Mentions, []int64{annaMe.User.ID}) {
		t.Fatalf("outbox = %+v", out)
	}
	st2.Close()
	s.start()
	_, st4, stop4 := engine(t, ben, p2)
	defer stop4()
	waitFor(t, "the offline note on the server", func() bool {
		ms, _ := anna.ListMessages(ctx, conv.ID, chat.MessageFilter{})
		for _, m := range ms {
			if m.ClientID == "offline-note" {
				return m.Internal && slices.Equal(m.Mentions, []int64{annaMe.User.ID}) && strings.Contains(m.Text, "done")
			}
		}
		return false
	})
	// The server has it before the engine has its answer: the outbox
	// empties right after.
	waitFor(t, "the outbox to empty after the flush", func() bool {
		out, _ := st4.Outbox(ctx, 0)
		return len(out) == 0
	})
}

func convIDs(cs []*chat.Conversation) []int64 {
	out := []int64{}
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func replyIDs(rs []*chat.SavedReply) []int64 {
	out := []int64{}
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

func textsOf(rs []*chat.SavedReply) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(r.Shortcut + "=" + r.Text + "\n")
	}
	return b.String()
}
