package httpapi_test

import (
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
	"github.com/deskchat/deskchat/backend/server"
)

// TestAfterZeroIsTheFirstPage: after=0 is "after id 0" (catching up from
// the start), never "no after"; before=0 is the empty page before the
// first; no parameter is the newest page.
func TestAfterZeroIsTheFirstPage(t *testing.T) {
	e := newEnv(t)
	v, _ := e.customer("Alice")
	conv := e.conversation(v, "message 1")
	for i := 2; i <= 250; i++ {
		if _, _, err := v.SendMessage(e.ctx, conv.ID, "", fmt.Sprintf("message %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	all, err := e.support.ListMessages(e.ctx, conv.ID, chat.MessageFilter{Limit: 200, After: chat.ID(0)})
	if err != nil || len(all) != 200 || all[0].Text != "message 1" || all[199].Text != "message 200" {
		t.Fatalf("after=0&limit=200 = %d messages from %q to %q, %v", len(all), first(all), last(all), err)
	}
	newest, _ := e.support.ListMessages(e.ctx, conv.ID, chat.MessageFilter{})
	if len(newest) != chat.DefaultPageSize || last(newest) != "message 250" || first(newest) != "message 201" {
		t.Fatalf("no parameter = %d messages from %q to %q", len(newest), first(newest), last(newest))
	}
	if none, err := e.support.ListMessages(e.ctx, conv.ID, chat.MessageFilter{Before: chat.ID(0)}); err != nil || len(none) != 0 {
		t.Fatalf("before=0 = %d messages, %v", len(none), err)
	}
	rest, _ := e.support.ListMessages(e.ctx, conv.ID, chat.MessageFilter{Limit: 200, After: chat.ID(all[199].ID)})
	if len(rest) != 50 || first(rest) != "message 201" {
		t.Fatalf("the next page = %d from %q", len(rest), first(rest))
	}
	if h, err := e.support.History(e.ctx, conv.ID); err != nil || len(h) != 250 || first(h) != "message 1" {
		t.Fatalf("History = %d from %q, %v", len(h), first(h), err)
	}
}

func first(ms []*chat.Message) string {
	if len(ms) == 0 {
		return ""
	}
	return ms[0].Text
}

func last(ms []*chat.Message) string {
	if len(ms) == 0 {
		return ""
	}
	return ms[len(ms)-1].Text
}

// TestBadInput: every bad input answers its 4xx and stable code, never a
// 500, and changes nothing.
func TestBadInput(t *testing.T) {
	e := newEnv(t)
	customerA, _ := e.customer("Alice")
	customerB, _ := e.customer("Bob")
	conv := e.conversation(customerA, "hello")
	reply, _, err := e.support.SendMessage(e.ctx, conv.ID, "", "agent reply")
	if err != nil {
		t.Fatal(err)
	}
	sam := e.support.Token
	msgs := fmt.Sprintf("/v1/conversations/%d/messages", conv.ID)

	cases := []struct {
		name         string
		method, path string
		token        string
		body         string
		header       map[string]string
		status       int
		code         string
	}{
		{"malformed JSON", "POST", msgs, sam, `{"text": "hi"`, nil, 400, chat.EInvalidJSON},
		{"not an object", "POST", msgs, sam, `"hi"`, nil, 400, chat.EInvalidJSON},
		{"null body", "POST", "/v1/widget/session", "", `null`, nil, 400, chat.EInvalidJSON},
		{"array body", "POST", msgs, sam, `[{"text":"hi"}]`, nil, 400, chat.EInvalidJSON},
		{"empty body", "POST", msgs, sam, ``, nil, 400, chat.EInvalidJSON},
		{"trailing data", "POST", msgs, sam, `{"text":"hi"} {"text":"again"}`, nil, 400, chat.EInvalidJSON},
		{"unknown field", "POST", msgs, sam, `{"text":"hi","html":"<b>"}`, nil, 400, chat.EUnknownField},
		{"wrong type", "POST", msgs, sam, `{"text":42}`, nil, 400, chat.EInvalid},
		{"oversize body", "POST", msgs, sam, `{"text":"` + strings.Repeat("a", chat.MaxBodyBytes) + `"}`, nil, 413, chat.EBodyTooLarge},
		{"empty message", "POST", msgs, sam, `{"text":""}`, nil, 400, chat.EMessageEmpty},
		{"blank message", "POST", msgs, sam, `{"text":"  \n "}`, nil, 400, chat.EMessageEmpty},
		{"too long message", "POST", msgs, sam, `{"text":"` + strings.Repeat("ü", chat.MaxMessageRunes+1) + `"}`, nil, 400, chat.EMessageTooLong},
		{"invalid UTF-8 bytes", "POST", msgs, sam, "{\"text\":\"caf\xe9\"}", nil, 400, chat.EInvalidUTF8},
		{"lone surrogate escape", "POST", msgs, sam, `{"text":"\ud800 x"}`, nil, 400, chat.EInvalidUTF8},
		{"reversed surrogates", "POST", msgs, sam, `{"text":"\udc00\ud800"}`, nil, 400, chat.EInvalidUTF8},
		{"bad client id", "POST", msgs, sam, `{"text":"x","client_id":"a b"}`, nil, 400, chat.EInvalid},
		{"form content type", "POST", msgs, sam, `text=hi`, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 415, chat.EMediaType},
		{"unknown conversation", "POST", "/v1/conversations/999999/messages", sam, `{"text":"x"}`, nil, 404, chat.ENotFound},
		{"non-numeric id", "GET", "/v1/conversations/abc", sam, ``, nil, 400, chat.EInvalid},
		{"negative id", "GET", "/v1/conversations/-1", sam, ``, nil, 400, chat.EInvalid},
		{"unknown message", "PATCH", "/v1/messages/999999", sam, `{"text":"x"}`, nil, 404, chat.ENotFound},
		{"bad limit", "GET", msgs + "?limit=ten", sam, ``, nil, 400, chat.EInvalid},
		{"before and after", "GET", msgs + "?before=5&after=2", sam, ``, nil, 400, chat.EInvalid},
		{"bad cursor", "GET", "/v1/conversations?cursor=zzz", sam, ``, nil, 400, chat.EInvalid},
		{"bad status", "GET", "/v1/conversations?status=pending", sam, ``, nil, 400, chat.EInvalid},
		{"no token", "GET", "/v1/unread", "", ``, nil, 401, chat.EUnauthorized},
		{"garbage token", "GET", "/v1/unread", "not-a-token", ``, nil, 401, chat.EUnauthorized},
		{"basic auth", "GET", "/v1/unread", "", ``, map[string]string{"Authorization": "Basic YTpi"}, 401, chat.EUnauthorized},
		{"foreign customer token", "GET", msgs, customerB.Token, ``, nil, 404, chat.ENotFound},
		{"foreign customer sends", "POST", msgs, customerB.Token, `{"text":"hijack"}`, nil, 404, chat.ENotFound},
		{"edit someone else's message", "PATCH", fmt.Sprintf("/v1/messages/%d", reply.ID), e.support2.Token, `{"text":"x"}`, nil, 403, chat.ENotAuthor},
		{"customer edits agent message", "PATCH", fmt.Sprintf("/v1/messages/%d", reply.ID), customerA.Token, `{"text":"x"}`, nil, 403, chat.ENotAuthor},
		{"customer closes", "POST", fmt.Sprintf("/v1/conversations/%d/close", conv.ID), customerA.Token, ``, nil, 403, chat.EForbidden},
		{"customer lists users", "GET", "/v1/users", customerA.Token, ``, nil, 403, chat.EForbidden},
		{"foreign origin POST", "POST", msgs, sam, `{"text":"x"}`, map[string]string{"Origin": "https://evil.example"}, 403, chat.EOriginForbidden},
		{"null origin POST", "POST", "/v1/widget/session", "", `{}`, map[string]string{"Origin": "null"}, 403, chat.EOriginForbidden},
		{"unknown route", "GET", "/v1/nope", sam, ``, nil, 404, chat.ENotFound},
		{"wrong method", "PUT", "/v1/unread", sam, ``, nil, 405, chat.EMethod},
		{"stream without upgrade", "GET", "/v1/stream", sam, ``, nil, 400, chat.EInvalid},
		{"bad login body", "POST", "/v1/auth/login", "", `{"email":1}`, nil, 400, chat.EInvalid},
		{"widget name too long", "POST", "/v1/widget/session", "", `{"name":"` + strings.Repeat("n", 201) + `"}`, nil, 400, chat.EInvalid},
		{"widget bad email", "POST", "/v1/widget/session", "", `{"email":"nope"}`, nil, 400, chat.EInvalid},
		// The body's type is checked first, the token after.
		{"login as a form", "POST", "/v1/auth/login", "", `email=a%40b.example&password=secret-password`, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 415, chat.EMediaType},
		{"form without a token", "POST", msgs, "", `text=hi`, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 415, chat.EMediaType},
		{"multipart without a token", "POST", "/v1/widget/session", "", `x`, map[string]string{"Content-Type": "multipart/form-data; boundary=x"}, 415, chat.EMediaType},
		// Optional parameters: absent is not empty, not repeated, not out of range.
		{"empty after", "GET", msgs + "?after=", sam, ``, nil, 400, chat.EInvalid},
		{"empty before", "GET", msgs + "?before=", sam, ``, nil, 400, chat.EInvalid},
		{"repeated after", "GET", msgs + "?after=1&after=2", sam, ``, nil, 400, chat.EInvalid},
		{"negative after", "GET", msgs + "?after=-1", sam, ``, nil, 400, chat.EInvalid},
		{"after 0 and before", "GET", msgs + "?after=0&before=9", sam, ``, nil, 400, chat.EInvalid},
		{"limit 0", "GET", msgs + "?limit=0", sam, ``, nil, 400, chat.EInvalid},
		{"limit over the page", "GET", msgs + "?limit=201", sam, ``, nil, 400, chat.EInvalid},
		{"empty limit", "GET", "/v1/conversations?limit=", sam, ``, nil, 400, chat.EInvalid},
		{"bad section", "GET", "/v1/conversations?section=all", sam, ``, nil, 400, chat.EInvalid},
		{"empty status", "GET", "/v1/conversations?status=", sam, ``, nil, 400, chat.EInvalid},
		{"bad kind", "GET", "/v1/conversations?kind=vip", sam, ``, nil, 400, chat.EInvalid},
		{"empty cursor", "GET", "/v1/conversations?cursor=", sam, ``, nil, 400, chat.EInvalid},
		{"search bad status", "GET", "/v1/search?q=x&status=pending", sam, ``, nil, 400, chat.EInvalid},
		{"search bad section", "GET", "/v1/search?q=x&section=everything", sam, ``, nil, 400, chat.EInvalid},
		{"search limit 0", "GET", "/v1/search?q=x&limit=0", sam, ``, nil, 400, chat.EInvalid},
		{"search repeated q", "GET", "/v1/search?q=x&q=y", sam, ``, nil, 400, chat.EInvalid},
		{"items limit over", "GET", "/v1/items?q=x&limit=1000", sam, ``, nil, 400, chat.EInvalid},
		{"proposal bad type", "GET", fmt.Sprintf("/v1/conversations/%d/proposal?type=bug", conv.ID), sam, ``, nil, 400, chat.EInvalid},
		{"proposal empty type", "GET", fmt.Sprintf("/v1/conversations/%d/proposal?type=", conv.ID), sam, ``, nil, 400, chat.EInvalid},
		// A malformed query string is an error, not a dropped parameter.
		{"bad escape in after", "GET", msgs + "?after=%zz", sam, ``, nil, 400, chat.EInvalid},
		{"semicolon separator", "GET", msgs + "?limit=1;after=0", sam, ``, nil, 400, chat.EInvalid},
		{"signed after", "GET", msgs + "?after=+5", sam, ``, nil, 400, chat.EInvalid},
		{"bad escape in status", "GET", "/v1/conversations?status=%zz", sam, ``, nil, 400, chat.EInvalid},
		{"bad escape in search", "GET", "/v1/search?q=ship&limit=%zz", sam, ``, nil, 400, chat.EInvalid},
		// The body is UTF-8 JSON, plain, with each key once.
		{"other charset", "POST", msgs, sam, `{"text":"hi"}`, map[string]string{"Content-Type": "application/json; charset=iso-8859-1"}, 415, chat.EMediaType},
		{"compressed body", "POST", msgs, sam, `{"text":"hi"}`, map[string]string{"Content-Encoding": "gzip"}, 415, chat.EMediaType},
		{"duplicate key", "POST", msgs, sam, `{"text":"hi","text":"ho"}`, nil, 400, chat.EInvalidJSON},
		{"duplicate nested key", "POST", "/v1/conversations", sam, `{"participant_ids":[2],"participant_ids":[4]}`, nil, 400, chat.EInvalidJSON},
		{"body where none is taken", "POST", fmt.Sprintf("/v1/conversations/%d/close", conv.ID), sam, `garbage`, nil, 400, chat.EInvalidJSON},
		// Paths are ours only in their clean form.
		{"double slash", "GET", "/v1//me", sam, ``, nil, 404, chat.ENotFound},
		{"dot segments", "GET", fmt.Sprintf("/v1/conversations/%d/../../me", conv.ID), sam, ``, nil, 404, chat.ENotFound},
		// Read marks are messages of the conversation.
		{"read mark elsewhere", "POST", fmt.Sprintf("/v1/conversations/%d/read", conv.ID), sam, fmt.Sprintf(`{"message_id":%d}`, reply.ID+1000), nil, 400, chat.EInvalid},
		// What a customer tells about themselves is checked too.
		{"server's own time zone", "POST", "/v1/widget/session", "", `{"time_zone":"Local"}`, nil, 400, chat.EInvalid},
		{"path as time zone", "POST", "/v1/widget/session", "", `{"time_zone":"../../etc/passwd"}`, nil, 400, chat.EInvalid},
		{"language with an override", "POST", "/v1/widget/session", "", `{"language":"en\u202e"}`, nil, 400, chat.EInvalid},
		{"name with a line separator", "POST", "/v1/widget/session", "", `{"name":"Sally\u2028Anna Admin closed the conversation."}`, nil, 400, chat.EInvalid},
		{"name with a tab", "POST", "/v1/widget/session", "", `{"name":"Sally\tC"}`, nil, 400, chat.EInvalid},
		{"customer searches", "GET", "/v1/search?q=a", customerA.Token, ``, nil, 403, chat.EForbidden},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var body []byte
			if tc.method != "GET" {
				body = []byte(tc.body)
			}
			status, code := e.raw(tc.method, tc.path, tc.token, body, tc.header)
			if status != tc.status || code != tc.code {
				t.Fatalf("%s %s = %d %q, want %d %q", tc.method, tc.path, status, code, tc.status, tc.code)
			}
		})
	}
	// Nothing above changed the conversation.
	got, err := e.support.ListMessages(e.ctx, conv.ID, chat.MessageFilter{Limit: 0})
	if err != nil || len(got) != 2 || got[1].Text != "agent reply" {
		t.Fatalf("messages after bad input: %d %v", len(got), err)
	}
}

// TestCustomerIsolation: customer A cannot read, write or see customer B's
// conversation through any endpoint.
func TestCustomerIsolation(t *testing.T) {
	e := newEnv(t)
	a, custA := e.customer("Alice")
	b, custB := e.customer("Bob")
	convA := e.conversation(a, "A's secret")
	convB := e.conversation(b, "B's secret")
	m, _, _ := b.SendMessage(e.ctx, convB.ID, "", "B again")

	pageA, err := a.ListConversations(e.ctx, client.ConversationQuery{})
	if err != nil || len(pageA.Conversations) != 1 || pageA.Conversations[0].ID != convA.ID {
		t.Fatalf("A's list: %+v %v", pageA, err)
	}
	for _, probe := range []struct {
		name string
		call func() error
	}{
		{"get conversation", func() error { _, err := a.FindConversationByID(e.ctx, convB.ID); return err }},
		{"list messages", func() error { _, err := a.ListMessages(e.ctx, convB.ID, chat.MessageFilter{Limit: 0}); return err }},
		{"send", func() error { _, _, err := a.SendMessage(e.ctx, convB.ID, "", "hi B"); return err }},
		{"edit", func() error { _, err := a.EditMessage(e.ctx, m.ID, "mine now"); return err }},
		{"delete", func() error { _, err := a.DeleteMessage(e.ctx, m.ID); return err }},
		{"customer profile", func() error {
			_, err := a.FindCustomerDetails(e.ctx, custB.ID)
			return err
		}},
	} {
		t.Run(probe.name, func(t *testing.T) {
			wantAPIError(t, probe.call(), 404, chat.ENotFound)
		})
	}
	if _, err := a.Do(e.ctx, http.MethodGet, fmt.Sprintf("/v1/customers/%d", custA.ID), nil, nil); err != nil {
		t.Fatalf("own profile: %v", err)
	}
	msgs, _ := e.support.ListMessages(e.ctx, convB.ID, chat.MessageFilter{Limit: 0})
	if len(msgs) != 2 || msgs[1].Text != "B again" {
		t.Fatalf("B's conversation changed: %+v", msgs)
	}
}

// TestNonSupportUser: without the support flag a user cannot list customer
// conversations, and sees only conversations they take part in.
func TestNonSupportUser(t *testing.T) {
	e := newEnv(t)
	v, _ := e.customer("Carol")
	conv := e.conversation(v, "help please")
	_, err := e.dev.ListConversations(e.ctx, client.ConversationQuery{Kind: chat.ConversationCustomer})
	wantAPIError(t, err, 403, chat.EForbidden)
	all, err := e.dev.ListConversations(e.ctx, client.ConversationQuery{})
	if err != nil || len(all.Conversations) != 0 {
		t.Fatalf("dev sees %d conversations, %v", len(all.Conversations), err)
	}
	_, err = e.dev.FindConversationByID(e.ctx, conv.ID)
	wantAPIError(t, err, 404, chat.ENotFound)
	if page, err := e.support.ListConversations(e.ctx, client.ConversationQuery{Status: chat.StatusOpen, Kind: chat.ConversationCustomer}); err != nil || len(page.Conversations) != 1 {
		t.Fatalf("support list: %+v %v", page, err)
	}
	// Once added by a support user, the conversation is theirs too.
	if _, err := e.support.Do(e.ctx, http.MethodPost, fmt.Sprintf("/v1/conversations/%d/participants", conv.ID), map[string]int64{"user_id": e.devU.ID}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.dev.FindConversationByID(e.ctx, conv.ID); err != nil {
		t.Fatalf("participant: %v", err)
	}
}

// TestCloseReopenOverHTTP: close, the customer writes, it is open again;
// 201 for a new message and 200 for a repeated client id.
func TestCloseReopenOverHTTP(t *testing.T) {
	e := newEnv(t)
	v, _ := e.customer("Sally")
	conv := e.conversation(v, "Charged twice")
	if c, err := e.support.CloseConversation(e.ctx, conv.ID); err != nil || c.Status != chat.StatusClosed {
		t.Fatalf("close: %+v %v", c, err)
	}
	closed, _ := e.support.ListConversations(e.ctx, client.ConversationQuery{Status: chat.StatusClosed})
	if len(closed.Conversations) != 1 {
		t.Fatalf("closed list has %d", len(closed.Conversations))
	}
	m1, created1, err := v.SendMessage(e.ctx, conv.ID, "retry-1", "Still there?")
	m2, created2, err2 := v.SendMessage(e.ctx, conv.ID, "retry-1", "Still there?")
	if err != nil || err2 != nil || !created1 || created2 || m1.ID != m2.ID {
		t.Fatalf("idempotent send: %t %t %v %v", created1, created2, err, err2)
	}
	c, _ := e.support.FindConversationByID(e.ctx, conv.ID)
	if c.Status != chat.StatusOpen || c.Unread != 2 {
		t.Fatalf("after reply: status %s unread %d", c.Status, c.Unread)
	}
	if rs, err := e.support.MarkRead(e.ctx, conv.ID, 0); err != nil || rs.Unread != 0 {
		t.Fatalf("mark read: %+v %v", rs, err)
	}
	if u, _ := e.support.UnreadCounts(e.ctx); u.Messages != 0 {
		t.Fatalf("unread after read: %+v", u)
	}
	// The admin reads the audit trail of an edit made over HTTP.
	if _, err := v.EditMessage(e.ctx, m1.ID, "Still there??"); err != nil {
		t.Fatal(err)
	}
	audit, err := e.admin.ListMessageAudit(e.ctx, m1.ID)
	if err != nil || len(audit) != 1 || audit[0].OldText != "Still there?" {
		t.Fatalf("audit: %+v %v", audit, err)
	}
	_, err = e.support.ListMessageAudit(e.ctx, m1.ID)
	wantAPIError(t, err, 403, chat.EForbidden)
}

// TestLockedDatabase: while another process holds the database's write
// lock past the busy timeout, a send answers 503 unavailable with
// Retry-After and is not stored; once the lock is gone the retry (same
// client id) is stored exactly once.
func TestLockedDatabase(t *testing.T) {
	e := newEnv(t, func(c *server.Config) { c.BusyTimeout = 200 * time.Millisecond })
	v, _ := e.customer("Lena")
	conv := e.conversation(v, "hello")
	locker, err := sql.Open("sqlite3", "file:"+e.dbPath+"?_txlock=exclusive")
	if err != nil {
		t.Fatal(err)
	}
	defer locker.Close()
	tx, err := locker.Begin()
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = v.SendMessage(e.ctx, conv.ID, "while-locked", "sent while locked")
	wantAPIError(t, err, 503, chat.EUnavailable)
	tx.Rollback()
	m, created, err := v.SendMessage(e.ctx, conv.ID, "while-locked", "sent while locked")
	if err != nil || !created {
		t.Fatalf("retry after the lock: %+v %t %v", m, created, err)
	}
	msgs, _ := v.ListMessages(e.ctx, conv.ID, chat.MessageFilter{Limit: 50})
	n := 0
	for _, x := range msgs {
		if x.Text == "sent while locked" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("stored %d times", n)
	}
	status, code := e.raw("GET", "/healthz", "", nil, nil)
	if status != 200 || code != "" {
		t.Fatalf("healthz after the lock: %d %s", status, code)
	}
}
