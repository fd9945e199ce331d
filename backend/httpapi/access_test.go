package httpapi_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/deskchat/deskchat/backend/auth"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
	"github.com/deskchat/deskchat/backend/media/mediatest"
)

// TestAccessMatrix checks every endpoint against every role: the answer is
// exactly what that role may see or do.
func TestAccessMatrix(t *testing.T) {
	e := newEnv(t)
	customerA, custA := e.customer("Alice")
	customerB, _ := e.customer("Bob")
	convA := e.conversation(customerA, "Alice's question")
	msgs, _ := customerA.ListMessages(e.ctx, convA.ID, chat.MessageFilter{Limit: 1})
	msgA := msgs[0].ID
	it, err := e.support.CreateItem(e.ctx, chat.NewItem{Type: chat.ItemTask, Title: "internal"})
	if err != nil {
		t.Fatal(err)
	}
	// A private note, a team saved reply and an admin's own one.
	noteA, _, err := e.support.Post(e.ctx, convA.ID, chat.NewMessage{Text: "a private note", Internal: true})
	if err != nil {
		t.Fatal(err)
	}
	// Alice's screenshot, and a file on a private note.
	shotA, err := customerA.Upload(e.ctx, "shot.png", "image/png", mediatest.PNG(40, 30))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := customerA.Post(e.ctx, convA.ID, chat.NewMessage{Attachments: []string{shotA.ID}}); err != nil {
		t.Fatal(err)
	}
	noteFile, _ := e.support.Upload(e.ctx, "notes.txt", "", []byte("for the team"))
	waitingA, _ := customerA.Upload(e.ctx, "draft.txt", "", []byte("not sent yet"))
	if _, _, err := e.support.Post(e.ctx, convA.ID, chat.NewMessage{Text: "see file", Internal: true, Attachments: []string{noteFile.ID}}); err != nil {
		t.Fatal(err)
	}
	teamReply, _ := e.admin.CreateSavedReply(e.ctx, chat.NewSavedReply{Shortcut: "team", Title: "Team", Text: "Hi"})
	ownReply, _ := e.admin.CreateSavedReply(e.ctx, chat.NewSavedReply{Shortcut: "own", Title: "Own", Text: "Hi", Personal: true})
	// A deactivated user (their token is revoked) and an expired token.
	_, gone := e.user("gone@test.example", "Gone", false, true)
	off := false
	e.admin.UpdateUser(e.ctx, e.userID(gone), chat.UserUpdate{Active: &off})
	expiredToken, hash, _ := auth.NewToken()
	e.srv.Store.CreateSession(e.ctx, chat.Session{TokenHash: hash, UserID: e.supportU.ID, ExpiresAt: time.Now().Add(-time.Minute)})

	roles := []struct {
		name  string
		token string
	}{
		{"admin", e.admin.Token}, {"support", e.support.Token}, {"nonsupport", e.dev.Token}, {"deactivated", gone.Token},
		{"customerA", customerA.Token}, {"customerB", customerB.Token}, {"none", ""}, {"expired", expiredToken},
	}
	const (
		ok, created              = 200, 201
		unauth, forbid, notFound = 401, 403, 404
	)
	// users/customers give the answer for the five groups of signed-in
	// roles; the three without a valid token always get 401.
	type want struct{ admin, support, nonsupport, customerA, customerB int }
	team := func(s int) want { return want{s, s, s, forbid, forbid} }
	n := 0
	body := func(v any) []byte { b, _ := json.Marshal(v); return b }
	rows := []struct {
		method, path string
		body         func() []byte
		want         want
	}{
		{"GET", "/v1/me", nil, want{ok, ok, ok, ok, ok}},
		{"GET", "/v1/users", nil, team(ok)},
		{"GET", fmt.Sprintf("/v1/users/%d", e.devU.ID), nil, team(ok)},
		{"POST", "/v1/users", func() []byte {
			n++
			return body(map[string]any{"email": fmt.Sprintf("n%d@test.example", n), "name": "N", "password": password})
		},
			want{created, forbid, forbid, forbid, forbid}},
		{"PATCH", fmt.Sprintf("/v1/users/%d", e.devU.ID), func() []byte { return body(map[string]any{"name": "Dev NoSupport"}) }, want{ok, forbid, ok, forbid, forbid}},
		{"GET", "/v1/conversations?section=customers", nil, want{ok, ok, forbid, forbid, forbid}},
		{"GET", "/v1/conversations?section=mine", nil, team(ok)},
		{"GET", fmt.Sprintf("/v1/conversations/%d", convA.ID), nil, want{ok, ok, notFound, ok, notFound}},
		{"GET", fmt.Sprintf("/v1/conversations/%d/messages", convA.ID), nil, want{ok, ok, notFound, ok, notFound}},
		{"POST", fmt.Sprintf("/v1/conversations/%d/messages", convA.ID), func() []byte { return body(map[string]string{"text": "hi"}) },
			want{created, created, notFound, created, notFound}},
		{"POST", fmt.Sprintf("/v1/conversations/%d/read", convA.ID), func() []byte { return body(map[string]int{"message_id": 0}) },
			want{ok, ok, notFound, forbid, forbid}},
		{"POST", fmt.Sprintf("/v1/conversations/%d/close", convA.ID), nil, want{ok, ok, notFound, forbid, forbid}},
		{"POST", fmt.Sprintf("/v1/conversations/%d/reopen", convA.ID), nil, want{ok, ok, notFound, forbid, forbid}},
		{"GET", fmt.Sprintf("/v1/conversations/%d/proposal", convA.ID), nil, want{ok, ok, notFound, forbid, forbid}},
		{"PATCH", fmt.Sprintf("/v1/messages/%d", msgA), func() []byte { return body(map[string]string{"text": "Alice's question!"}) },
			want{forbid, forbid, notFound, ok, notFound}},
		{"GET", fmt.Sprintf("/v1/messages/%d/audit", msgA), nil, want{ok, forbid, forbid, forbid, forbid}},
		{"GET", "/v1/unread", nil, team(ok)},
		{"GET", "/v1/sections/counts", nil, team(ok)},
		{"GET", fmt.Sprintf("/v1/items/%d", it.Number), nil, team(ok)},
		{"GET", "/v1/items?q=internal", nil, team(ok)},
		{"POST", "/v1/items", func() []byte { return body(map[string]string{"type": "task", "title": "t"}) }, team(created)},
		{"GET", "/v1/search?q=question", nil, team(ok)},
		{"GET", "/v1/settings", nil, team(ok)},
		{"PATCH", "/v1/settings", func() []byte { return body(map[string]any{}) }, want{ok, forbid, forbid, forbid, forbid}},
		{"PUT", "/v1/helpdesk/online", func() []byte { return body(map[string]bool{"online": true}) }, want{ok, ok, forbid, forbid, forbid}},
		{"GET", fmt.Sprintf("/v1/customers/%d", custA.ID), nil, want{ok, ok, notFound, ok, notFound}},
		{"PATCH", "/v1/widget/me", func() []byte { return body(map[string]any{}) }, want{forbid, forbid, forbid, ok, ok}},
		{"GET", "/v1/presence", nil, team(ok)},
		// Private notes: the team's only; a customer cannot write one, nor reach one by id.
		{"POST", fmt.Sprintf("/v1/conversations/%d/messages", convA.ID), func() []byte { return body(map[string]any{"text": "note", "internal": true}) },
			want{created, created, notFound, forbid, forbid}},
		{"PATCH", fmt.Sprintf("/v1/messages/%d", noteA.ID), func() []byte { return body(map[string]string{"text": "a private note"}) },
			want{forbid, ok, notFound, notFound, notFound}},
		{"DELETE", fmt.Sprintf("/v1/messages/%d", 1<<40), nil, want{notFound, notFound, notFound, notFound, notFound}},
		{"GET", fmt.Sprintf("/v1/messages/%d/audit", noteA.ID), nil, want{ok, forbid, forbid, forbid, forbid}},
		// Assignment.
		{"PUT", fmt.Sprintf("/v1/conversations/%d/assignee", convA.ID), func() []byte { return body(map[string]int64{"user_id": e.supportU.ID}) },
			want{ok, ok, notFound, forbid, notFound}},
		{"DELETE", fmt.Sprintf("/v1/conversations/%d/assignee", convA.ID), nil, want{ok, ok, notFound, forbid, notFound}},
		{"GET", "/v1/conversations?assignee=none", nil, want{ok, ok, ok, forbid, forbid}},
		{"GET", "/v1/conversations?section=customers&assignee=me", nil, want{ok, ok, forbid, forbid, forbid}},
		// Saved replies: the team's are the admins' to change; one's own are nobody else's.
		{"GET", "/v1/saved-replies", nil, team(ok)},
		{"POST", "/v1/saved-replies", func() []byte {
			n++
			return body(map[string]any{"shortcut": fmt.Sprintf("t%d", n), "title": "T", "text": "x"})
		}, want{created, forbid, forbid, forbid, forbid}},
		{"POST", "/v1/saved-replies", func() []byte {
			n++
			return body(map[string]any{"shortcut": fmt.Sprintf("p%d", n), "title": "P", "text": "x", "personal": true})
		}, team(created)},
		{"PATCH", fmt.Sprintf("/v1/saved-replies/%d", teamReply.ID), func() []byte { return body(map[string]string{"title": "Team"}) },
			want{ok, forbid, forbid, forbid, forbid}},
		{"PATCH", fmt.Sprintf("/v1/saved-replies/%d", ownReply.ID), func() []byte { return body(map[string]string{"title": "Own"}) },
			want{ok, notFound, notFound, forbid, forbid}},
		{"PATCH", "/v1/me", func() []byte { return body(map[string]any{}) }, team(ok)},
		// Attachments follow their message: the conversation's rule, a
		// private note's file the team's only; anyone signed in uploads.
		{"GET", "/v1/attachments/" + shotA.ID, nil, want{ok, ok, notFound, ok, notFound}},
		{"GET", "/v1/attachments/" + shotA.ID + "/thumbnail", nil, want{ok, ok, notFound, ok, notFound}},
		{"GET", "/v1/attachments/" + noteFile.ID, nil, want{ok, ok, notFound, notFound, notFound}},
		{"POST", "/v1/uploads?name=hello.txt", func() []byte { return []byte("hello") }, want{created, created, created, created, created}},
		{"GET", "/v1/attachments/" + waitingA.ID, nil, want{notFound, notFound, notFound, ok, notFound}},
		{"DELETE", "/v1/uploads/" + waitingA.ID, nil, want{notFound, notFound, notFound, 204, notFound}},
	}
	for _, row := range rows {
		for _, role := range roles {
			t.Run(row.method+" "+row.path+" as "+role.name, func(t *testing.T) {
				expect := map[string]int{"admin": row.want.admin, "support": row.want.support, "nonsupport": row.want.nonsupport,
					"customerA": row.want.customerA, "customerB": row.want.customerB, "deactivated": unauth, "none": unauth, "expired": unauth}[role.name]
				var b []byte
				if row.body != nil {
					b = row.body()
				}
				status, _ := e.raw(row.method, row.path, role.token, b, nil)
				if status != expect {
					t.Fatalf("%s %s as %s = %d, want %d", row.method, row.path, role.name, status, expect)
				}
			})
		}
	}
	// Streams: every valid token gets a welcome, the others are refused.
	for _, role := range roles {
		_, err := client.New(e.url).WithToken(role.token).OpenStream(e.ctx, client.StreamOptions{})
		valid := role.name != "deactivated" && role.name != "none" && role.name != "expired"
		if (err == nil) != valid {
			t.Errorf("stream as %s: err = %v", role.name, err)
		}
	}
}
