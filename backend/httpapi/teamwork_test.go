package httpapi_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
	"github.com/deskchat/deskchat/backend/server"
)

// TestPrivateNotesNeverReachTheVisitor: a note (sent, edited, deleted,
// typed) reaches no endpoint and no stream the visitor has, live or
// replayed from 0; the team has it.
func TestPrivateNotesNeverReachTheVisitor(t *testing.T) {
	e := newEnv(t)
	v, _ := e.customer("Vera")
	conv := e.conversation(v, "the app crashes")
	live, err := v.OpenStream(e.ctx, client.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	agent, err := e.support.OpenStream(e.ctx, client.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer agent.Close()

	devID := e.userID(e.dev)
	n, created, err := e.support.Post(e.ctx, conv.ID, chat.NewMessage{ClientID: "note-1", Text: "SECRETNOTE @Dev known bug, see ticket", Internal: true, Mentions: []int64{devID}})
	if err != nil || !created || !n.Internal || !slices.Equal(n.Mentions, []int64{devID}) {
		t.Fatalf("note = %+v, %t, %v", n, created, err)
	}
	if err := live.Typing(conv.ID, false); err != nil { // the visitor's own typing: harmless
		t.Fatal(err)
	}
	if err := agent.Typing(conv.ID, true); err != nil { // typing a note: the team only
		t.Fatal(err)
	}
	if _, err := e.support.EditMessage(e.ctx, n.ID, "SECRETEDIT known bug #12"); err != nil {
		t.Fatal(err)
	}
	n2, _, _ := e.support.Post(e.ctx, conv.ID, chat.NewMessage{Text: "SECRETGONE", Internal: true})
	if _, err := e.support.DeleteMessage(e.ctx, n2.ID); err != nil {
		t.Fatal(err)
	}
	e.support.CloseConversation(e.ctx, conv.ID)
	e.support.Post(e.ctx, conv.ID, chat.NewMessage{Text: "SECRETCLOSED", Internal: true})
	reply, _, _ := e.support.SendMessage(e.ctx, conv.ID, "", "PUBLICREPLY we are on it")

	secrets := []string{"SECRET", `"internal"`, `"mentions"`}
	// Live: everything up to the public reply carries no note.
	ctx := timeout(t, 10*time.Second)
	for {
		f, err := live.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if f.Event == nil {
			continue
		}
		for _, s := range secrets {
			if strings.Contains(string(f.Event.Data), s) {
				t.Fatalf("the visitor's live stream got %s: %s", f.Event.Type, f.Event.Data)
			}
		}
		if f.Event.Type == chat.EventTyping && f.Event.ConversationID == conv.ID {
			t.Fatal("the visitor saw an agent typing a note")
		}
		if f.Event.Type == chat.EventMessageCreated && strings.Contains(string(f.Event.Data), "PUBLICREPLY") {
			break
		}
	}
	// Replayed from 0.
	zero := int64(0)
	all, err := v.OpenStream(e.ctx, client.StreamOptions{Cursor: &zero})
	if err != nil {
		t.Fatal(err)
	}
	defer all.Close()
	evs, _ := readUntilCaughtUp(t, all)
	for _, ev := range evs {
		for _, s := range secrets {
			if strings.Contains(string(ev.Data), s) {
				t.Fatalf("the visitor's replay from 0 has %s: %s", ev.Type, ev.Data)
			}
		}
	}
	// Every endpoint the visitor may call.
	msgs, _ := v.ListMessages(e.ctx, conv.ID, chat.MessageFilter{})
	got, _ := v.FindConversationByID(e.ctx, conv.ID)
	page, _ := v.ListConversations(e.ctx, client.ConversationQuery{})
	for _, x := range []any{msgs, got, page} {
		for _, s := range secrets {
			if strings.Contains(string(mustJSON(t, x)), s) {
				t.Fatalf("the visitor reads %q in %s", s, mustJSON(t, x))
			}
		}
	}
	if got.LastMessage == nil || got.LastMessage.ID != reply.ID || got.Status != chat.StatusOpen {
		t.Fatalf("the visitor's conversation = %+v", got)
	}
	for _, path := range []string{"/v1/messages/" + itoa(n.ID) + "/audit"} {
		if st, _ := e.raw(http.MethodGet, path, v.Token, nil, nil); st != http.StatusForbidden && st != http.StatusNotFound {
			t.Fatalf("GET %s as the visitor: %d", path, st)
		}
	}
	_, err = v.EditMessage(e.ctx, n.ID, "mine now")
	wantAPIError(t, err, http.StatusNotFound, chat.ENotFound)
	// The visitor writes no note and mentions nobody.
	_, _, err = v.Post(e.ctx, conv.ID, chat.NewMessage{Text: "psst", Internal: true})
	wantAPIError(t, err, http.StatusForbidden, chat.EForbidden)
	_, _, err = v.Post(e.ctx, conv.ID, chat.NewMessage{Text: "@Sam", Mentions: []int64{1}})
	wantAPIError(t, err, http.StatusForbidden, chat.EForbidden)
	if err := live.Typing(conv.ID, true); err != nil {
		t.Fatal(err)
	}
	if f, err := nextNonEvent(timeout(t, 5*time.Second), live); err != nil || f.Type != chat.FrameError || f.Error.Code != chat.EForbidden {
		t.Fatalf("a visitor typing a note: %+v, %v", f, err)
	}
	// The team has it all: dev, mentioned, is a member now.
	devConv, err := e.dev.FindConversationByID(e.ctx, conv.ID)
	if err != nil || !devConv.HasParticipant(devID) {
		t.Fatalf("the mentioned agent's copy: %+v, %v", devConv, err)
	}
	team, _ := e.dev.ListMessages(e.ctx, conv.ID, chat.MessageFilter{})
	if !slices.ContainsFunc(team, func(m *chat.Message) bool { return m.Internal && strings.Contains(m.Text, "SECRETEDIT") }) {
		t.Fatal("the team does not read the edited note")
	}
	// Wrong shapes are refused with their codes.
	if st, code := e.raw(http.MethodPost, "/v1/conversations/"+itoa(conv.ID)+"/messages", e.support.Token,
		[]byte(`{"text":"x","internal":"yes"}`), nil); st != http.StatusBadRequest || code != chat.EInvalid {
		t.Fatalf("internal as a string: %d %s", st, code)
	}
	if st, code := e.raw(http.MethodPost, "/v1/conversations/"+itoa(conv.ID)+"/messages", e.support.Token,
		[]byte(`{"text":"x","internal":true,"mentions":[999999]}`), nil); st != http.StatusBadRequest || code != chat.EInvalid {
		t.Fatalf("mention of nobody: %d %s", st, code)
	}
	// null is no value where the field has no "absent": a note sent as
	// {"internal": null} must not become a public reply.
	if st, code := e.raw(http.MethodPost, "/v1/conversations/"+itoa(conv.ID)+"/messages", e.support.Token,
		[]byte(`{"text":"NULLNOTE","internal":null}`), nil); st != http.StatusBadRequest || code != chat.EInvalid {
		t.Fatalf("internal null: %d %s", st, code)
	}
	if msgs, _ := v.ListMessages(e.ctx, conv.ID, chat.MessageFilter{}); strings.Contains(string(mustJSON(t, msgs)), "NULLNOTE") {
		t.Fatal("a note sent with internal null reached the visitor")
	}
	if st, code := e.raw(http.MethodPost, "/v1/conversations/"+itoa(conv.ID)+"/messages", e.support.Token,
		[]byte(`{"text":"no mentions","mentions":null}`), nil); st != http.StatusCreated || code != "" {
		t.Fatalf("mentions null (optional: none): %d %s", st, code)
	}
}

// TestSavedRepliesOverHTTP: the endpoints, their statuses and codes.
func TestSavedRepliesOverHTTP(t *testing.T) {
	e := newEnv(t)
	team, err := e.admin.CreateSavedReply(e.ctx, chat.NewSavedReply{Shortcut: "ref", Title: "Refund", Text: "Hi {{customer.name|there}}, {{agent.name}} here."})
	if err != nil || team.ID == 0 {
		t.Fatal(err)
	}
	_, err = e.support.CreateSavedReply(e.ctx, chat.NewSavedReply{Shortcut: "ref", Title: "x", Text: "x"})
	wantAPIError(t, err, http.StatusForbidden, chat.EForbidden)
	own, err := e.support.CreateSavedReply(e.ctx, chat.NewSavedReply{Shortcut: "mine", Title: "Mine", Text: "Mine", Personal: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.support.CreateSavedReply(e.ctx, chat.NewSavedReply{Shortcut: "mine", Title: "Again", Text: "x", Personal: true})
	wantAPIError(t, err, http.StatusConflict, chat.EConflict)
	_, err = e.support.CreateSavedReply(e.ctx, chat.NewSavedReply{Shortcut: "x", Title: "x", Text: "{{customer.phone}}", Personal: true})
	wantAPIError(t, err, http.StatusBadRequest, chat.EInvalid)
	list, err := e.support.ListSavedReplies(e.ctx)
	if err != nil || len(list) != 2 {
		t.Fatalf("list = %+v, %v", list, err)
	}
	if list, _ := e.support2.ListSavedReplies(e.ctx); len(list) != 1 {
		t.Fatalf("someone else's list = %+v", list)
	}
	title := "Renamed"
	_, err = e.support2.UpdateSavedReply(e.ctx, own.ID, chat.SavedReplyUpdate{Title: &title})
	wantAPIError(t, err, http.StatusNotFound, chat.ENotFound)
	if up, err := e.support.UpdateSavedReply(e.ctx, own.ID, chat.SavedReplyUpdate{Title: &title}); err != nil || up.Title != title {
		t.Fatalf("update = %+v, %v", up, err)
	}
	if err := e.support.DeleteSavedReply(e.ctx, own.ID); err != nil {
		t.Fatal(err)
	}
	err = e.support.DeleteSavedReply(e.ctx, own.ID)
	wantAPIError(t, err, http.StatusNotFound, chat.ENotFound)
	v, _ := e.customer("Vic")
	_, err = v.ListSavedReplies(e.ctx)
	wantAPIError(t, err, http.StatusForbidden, chat.EForbidden)
	for _, c := range []struct {
		method, path, body string
		status             int
		code               string
	}{
		{http.MethodPost, "/v1/saved-replies", `{"shortcut":"a","title":"t","text":"x","owner_id":3}`, 400, chat.EUnknownField},
		{http.MethodPost, "/v1/saved-replies", `[]`, 400, chat.EInvalidJSON},
		{http.MethodPatch, "/v1/saved-replies/abc", `{}`, 400, chat.EInvalid},
		{http.MethodPatch, "/v1/saved-replies/-1", `{}`, 400, chat.EInvalid},
		{http.MethodDelete, "/v1/saved-replies/99999", ``, 404, chat.ENotFound},
		{http.MethodPut, "/v1/saved-replies", `{}`, 405, chat.EMethod},
	} {
		var body []byte
		if c.body != "" {
			body = []byte(c.body)
		}
		if st, code := e.raw(c.method, c.path, e.admin.Token, body, nil); st != c.status || code != c.code {
			t.Errorf("%s %s %s = %d %s, want %d %s", c.method, c.path, c.body, st, code, c.status, c.code)
		}
	}
}

// TestAssignmentOverHTTP: assign, transfer, unassign, the views and their
// counts, and the refusals.
func TestAssignmentOverHTTP(t *testing.T) {
	e := newEnv(t)
	v, _ := e.customer("Vi")
	c1 := e.conversation(v, "one")
	c2 := e.conversation(v, "two")
	sueID := e.userID(e.support2)
	got, err := e.support.AssignConversation(e.ctx, c1.ID, sueID)
	if err != nil || got.Assignee == nil || got.Assignee.ID != sueID {
		t.Fatalf("assign = %+v, %v", got, err)
	}
	mine, err := e.support2.ListConversations(e.ctx, client.ConversationQuery{Section: chat.SectionCustomers, Assignee: chat.AssignedToMe})
	if err != nil || len(mine.Conversations) != 1 || mine.Conversations[0].ID != c1.ID {
		t.Fatalf("assigned to me = %+v, %v", mine, err)
	}
	queue, _ := e.support2.ListConversations(e.ctx, client.ConversationQuery{Section: chat.SectionCustomers, Assignee: chat.Unassigned})
	if len(queue.Conversations) != 1 || queue.Conversations[0].ID != c2.ID {
		t.Fatalf("unassigned = %+v", queue)
	}
	counts, err := e.support2.SectionCounts(e.ctx)
	if err != nil || counts.Assignment == nil || counts.Assignment.AssignedToMe != 1 || counts.Assignment.Unassigned != 1 {
		t.Fatalf("counts = %+v, %v", counts, err)
	}
	if vc, _ := v.FindConversationByID(e.ctx, c1.ID); vc.Assignee != nil {
		t.Fatalf("the visitor sees the assignee: %+v", vc.Assignee)
	}
	_, err = e.dev.AssignConversation(e.ctx, c1.ID, sueID)
	wantAPIError(t, err, http.StatusNotFound, chat.ENotFound)
	_, err = e.support.AssignConversation(e.ctx, c1.ID, e.devU.ID)
	wantAPIError(t, err, http.StatusBadRequest, chat.EInvalid)
	_, err = v.AssignConversation(e.ctx, c1.ID, sueID)
	wantAPIError(t, err, http.StatusForbidden, chat.EForbidden)
	if un, err := e.support.AssignConversation(e.ctx, c1.ID, 0); err != nil || un.Assignee != nil {
		t.Fatalf("unassign = %+v, %v", un, err)
	}
	for _, c := range []struct {
		method, path, body string
		status             int
		code               string
	}{
		{http.MethodPut, "/v1/conversations/" + itoa(c1.ID) + "/assignee", `{"user_id":"2"}`, 400, chat.EInvalid},
		{http.MethodPut, "/v1/conversations/" + itoa(c1.ID) + "/assignee", `{"user_id":-2}`, 400, chat.EInvalid},
		{http.MethodPut, "/v1/conversations/" + itoa(c1.ID) + "/assignee", `{"assignee":2}`, 400, chat.EUnknownField},
		{http.MethodPut, "/v1/conversations/" + itoa(c1.ID) + "/assignee", `{}`, 400, chat.EInvalid},
		{http.MethodPut, "/v1/conversations/" + itoa(c1.ID) + "/assignee", `{"user_id":0}`, 400, chat.EInvalid},
		{http.MethodPut, "/v1/conversations/" + itoa(c1.ID) + "/assignee", `{"user_id":null}`, 400, chat.EInvalid},
		{http.MethodPut, "/v1/conversations/99999/assignee", `{"user_id":2}`, 404, chat.ENotFound},
		{http.MethodGet, "/v1/conversations?assignee=everyone", ``, 400, chat.EInvalid},
		{http.MethodGet, "/v1/conversations?assignee=me&assignee=none", ``, 400, chat.EInvalid},
		{http.MethodPatch, "/v1/settings", `{"assign_capacity":0}`, 400, chat.EInvalid},
		{http.MethodPatch, "/v1/settings", `{"unassign_offline_after":-5}`, 400, chat.EInvalid},
	} {
		var body []byte
		if c.body != "" {
			body = []byte(c.body)
		}
		if st, code := e.raw(c.method, c.path, e.admin.Token, body, nil); st != c.status || code != c.code {
			t.Errorf("%s %s %s = %d %s, want %d %s", c.method, c.path, c.body, st, code, c.status, c.code)
		}
	}
}

// TestAutoAssignmentWithOnlineAgents is the case on a real server:
// 31 new conversations while three support agents are online (streams
// open), each with a capacity of 10: each gets 10, and the 31st waits
// until one of them closes a conversation. Then an agent's streams close:
// past the grace, their open conversations go back to the queue.
func TestAutoAssignmentWithOnlineAgents(t *testing.T) {
	e := newEnv(t, func(c *server.Config) {
		c.AssignEvery = 20 * time.Millisecond
		c.AssignMinute = 200 * time.Millisecond
		c.PresenceGrace = 50 * time.Millisecond
	})
	agents := []*client.Client{e.admin, e.support, e.support2} // the admin has the support flag
	ids := map[int64]*client.Client{}
	var streams []*client.Stream
	for _, a := range agents {
		st, err := a.OpenStream(e.ctx, client.StreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		streams = append(streams, st)
		defer st.Close()
		ids[e.userID(a)] = a
	}
	on, cap10, grace := true, 10, 1
	if _, err := e.admin.UpdateSettings(e.ctx, chat.SettingsUpdate{AutoAssign: &on, AssignCapacity: &cap10, UnassignOfflineAfter: &grace}); err != nil {
		t.Fatal(err)
	}
	var convs []int64
	for i := range 31 {
		v, _ := e.customer("Visitor " + itoa(int64(i)))
		convs = append(convs, e.conversation(v, "help").ID)
	}
	load := func() (map[int64][]int64, []int64) {
		by := map[int64][]int64{}
		var waiting []int64
		for _, id := range convs {
			c, err := e.admin.FindConversationByID(e.ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if c.Status != chat.StatusOpen {
				continue
			}
			if c.Assignee == nil {
				waiting = append(waiting, id)
			} else {
				by[c.Assignee.ID] = append(by[c.Assignee.ID], id)
			}
		}
		return by, waiting
	}
	eventually(t, "30 assigned, 10 each, one waiting", func() bool {
		by, waiting := load()
		for id := range ids {
			if len(by[id]) != 10 {
				return false
			}
		}
		return len(waiting) == 1
	})
	by, waiting := load()
	// Over the API too: each agent's Assigned to me view and count.
	for id, a := range ids {
		page, _ := a.ListConversations(e.ctx, client.ConversationQuery{Section: chat.SectionCustomers, Assignee: chat.AssignedToMe, Status: chat.StatusOpen})
		counts, _ := a.SectionCounts(e.ctx)
		if len(page.Conversations) != 10 || counts.Assignment.AssignedToMe != 10 || counts.Assignment.Unassigned != 1 {
			t.Fatalf("agent %d: %d listed, counts %+v", id, len(page.Conversations), counts.Assignment)
		}
	}
	// Stable: nothing more happens while everyone is full.
	time.Sleep(100 * time.Millisecond)
	if _, w := load(); !slices.Equal(w, waiting) {
		t.Fatalf("waiting changed while all were full: %v → %v", waiting, w)
	}
	// Sam closes one: the waiting one is his.
	samID := e.userID(e.support)
	if _, err := e.support.CloseConversation(e.ctx, by[samID][0]); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the 31st assigned to the agent who closed one", func() bool {
		c, _ := e.admin.FindConversationByID(e.ctx, waiting[0])
		return c.Assignee != nil && c.Assignee.ID == samID
	})
	// Sue goes offline: after the grace her 10 go back to the queue (the
	// others are full, so they wait there).
	sueID := e.userID(e.support2)
	streams[2].Close()
	eventually(t, "Sue's conversations back in the queue", func() bool {
		by, waiting := load()
		return len(by[sueID]) == 0 && len(waiting) == 10
	})
	msgs, _ := e.admin.ListMessages(e.ctx, by[sueID][0], chat.MessageFilter{})
	if last := msgs[len(msgs)-1]; last.System != chat.NoteAssigned || !strings.Contains(last.Text, "back to the queue") {
		t.Fatalf("release note = %+v", last)
	}
	// She comes back: the queue goes to her again.
	st, err := e.support2.OpenStream(e.ctx, client.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	eventually(t, "Sue gets the queue again", func() bool {
		by, waiting := load()
		return len(by[sueID]) == 10 && len(waiting) == 0
	})
}

func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
