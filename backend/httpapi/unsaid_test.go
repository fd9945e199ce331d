package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
	"github.com/deskchat/deskchat/backend/server"
)

// replayAll opens a stream with hello cursor 0 and returns every replayed
// event's data, as one string, and the events.
func replayAll(t *testing.T, c *client.Client) (string, []*chat.Event) {
	t.Helper()
	zero := int64(0)
	s, err := c.OpenStream(context.Background(), client.StreamOptions{Cursor: &zero})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	evs, _ := readUntilCaughtUp(t, s)
	var b strings.Builder
	for _, ev := range evs {
		b.Write(ev.Data)
		b.WriteByte('\n')
	}
	return b.String(), evs
}

// TestReplayCarriesNoEarlierText is the report: a customer writes "secret",
// deletes it (or edits it), opens /v1/stream with cursor 0, and the
// replayed message.created must not carry it. Agents neither.
func TestReplayCarriesNoEarlierText(t *testing.T) {
	e := newEnv(t)
	v, _ := e.customer("Sally")
	conv := e.conversation(v, "hello")
	deleted, _, err := v.SendMessage(e.ctx, conv.ID, "", "secret-to-delete")
	if err != nil {
		t.Fatal(err)
	}
	edited, _, _ := v.SendMessage(e.ctx, conv.ID, "", "secret-to-edit")
	agent, _, _ := e.support.SendMessage(e.ctx, conv.ID, "", "agent secret-agent-typo")
	if _, err := v.DeleteMessage(e.ctx, deleted.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := v.EditMessage(e.ctx, edited.ID, "edited text"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.support.EditMessage(e.ctx, agent.ID, "agent text"); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*client.Client{"customer": v, "support agent": e.support, "admin": e.admin} {
		all, evs := replayAll(t, c)
		for _, secret := range []string{"secret-to-delete", "secret-to-edit", "secret-agent-typo"} {
			if strings.Contains(all, secret) {
				t.Errorf("%s's replay from cursor 0 still carries %q:\n%s", name, secret, all)
			}
		}
		// The replayed message.created of the deleted message says what it is now.
		found := false
		for _, ev := range evs {
			var m chat.Message
			if ev.Type == chat.EventMessageCreated && json.Unmarshal(ev.Data, &m) == nil && m.ID == deleted.ID {
				found = m.Text == "" && m.DeletedAt != nil
			}
		}
		if !found {
			t.Errorf("%s's replay lacks the deleted message's created event in its current state", name)
		}
	}
	// The admin's audit still has it.
	audit, err := e.admin.ListMessageAudit(e.ctx, deleted.ID)
	if err != nil || len(audit) != 1 || audit[0].OldText != "secret-to-delete" {
		t.Fatalf("audit = %+v, %v", audit, err)
	}
}

// TestEraseCustomerOverHTTP: an admin erases a customer. Their open stream
// closes with 4001 "erased", their token is dead, and nothing of theirs is
// readable through the API, a stream replay or search; non-admins cannot.
func TestEraseCustomerOverHTTP(t *testing.T) {
	e := newEnv(t)
	v, cust := e.customer("Erin Erasable")
	if _, err := v.Do(e.ctx, http.MethodPatch, "/v1/widget/me", chat.CustomerInfo{Email: "erin@erase.example"}, nil); err != nil {
		t.Fatal(err)
	}
	conv := e.conversation(v, "my IBAN is DE44-quokka")
	e.support.SendMessage(e.ctx, conv.ID, "", "Thanks, noted.")
	cur := int64(0)
	vs, err := v.OpenStream(e.ctx, client.StreamOptions{Cursor: &cur})
	if err != nil {
		t.Fatal(err)
	}
	defer vs.Close()
	readUntilCaughtUp(t, vs)

	for _, c := range []*client.Client{e.support, e.dev, v} {
		_, err := c.EraseCustomer(e.ctx, cust.ID)
		wantAPIError(t, err, 403, chat.EForbidden)
	}
	er, err := e.admin.EraseCustomer(e.ctx, cust.ID)
	if err != nil || er.CustomerID != cust.ID || er.Messages != 1 || er.Conversations != 1 {
		t.Fatalf("erase = %+v, %v", er, err)
	}
	// The customer's stream: customer.erased may come first, then 4001 customer_erased.
	ctx := timeout(t, 5*time.Second)
	for {
		_, err := vs.Next(ctx)
		var ce *websocket.CloseError
		if err != nil {
			if !asCloseError(err, &ce) || ce.Code != chat.CloseUnauthorized || ce.Text != chat.ECustomerErased {
				t.Fatalf("customer stream ended with %v, want 4001 customer_erased", err)
			}
			break
		}
	}
	_, err = v.FindConversationByID(e.ctx, conv.ID)
	wantAPIError(t, err, 401, chat.ECustomerErased)

	personal := []string{"Erin", "Erasable", "erin@erase.example", "quokka"}
	var reads strings.Builder
	for _, path := range []string{fmt.Sprintf("/v1/customers/%d", cust.ID), fmt.Sprintf("/v1/conversations/%d", conv.ID),
		fmt.Sprintf("/v1/conversations/%d/messages", conv.ID), "/v1/conversations?section=customers",
		"/v1/search?q=quokka", "/v1/search?q=erin", fmt.Sprintf("/v1/conversations/%d/proposal", conv.ID), "/v1/erasures"} {
		var out json.RawMessage
		if _, err := e.admin.Do(e.ctx, http.MethodGet, path, nil, &out); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		reads.Write(out)
	}
	all, _ := replayAll(t, e.admin)
	reads.WriteString(all)
	for _, w := range personal {
		if strings.Contains(reads.String(), w) {
			t.Errorf("%q is still readable after the erasure:\n%s", w, reads.String())
		}
	}
	list, err := e.admin.ListErasures(e.ctx)
	if err != nil || len(list) != 1 || list[0].By.Name != "Ada Admin" {
		t.Fatalf("erasures = %+v, %v", list, err)
	}
	_, _, err = e.support.SendMessage(e.ctx, conv.ID, "", "anyone there?")
	wantAPIError(t, err, 409, chat.EConflict)
}

func asCloseError(err error, ce **websocket.CloseError) bool {
	c, ok := err.(*websocket.CloseError)
	if ok {
		*ce = c
	}
	return ok
}

// TestCustomerSendRate: the documented default, 60 messages a minute per
// address; the 61st answers 429 with Retry-After.
func TestCustomerSendRate(t *testing.T) {
	e := newEnv(t, func(c *server.Config) { c.API.CustomerSendRate = 0 }) // the default
	v, _ := e.customer("chatty")
	conv := e.conversation(v, "1")
	for i := 2; i <= 60; i++ {
		if _, _, err := v.SendMessage(e.ctx, conv.ID, "", fmt.Sprint(i)); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/v1/conversations/%d/messages", e.url, conv.ID), strings.NewReader(`{"text":"61"}`))
	req.Header.Set("Authorization", "Bearer "+v.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "1" {
		t.Fatalf("61st message = %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

// TestLastMessageIsTheNewestEvenDeleted: last_message is the newest
// message by a person, deleted or not, so a list shows "deleted" rather
// than an older text as if it were the latest.
func TestLastMessageIsTheNewestEvenDeleted(t *testing.T) {
	e := newEnv(t)
	v, _ := e.customer("Sally")
	conv := e.conversation(v, "older text")
	m, _, _ := v.SendMessage(e.ctx, conv.ID, "", "newest text")
	v.DeleteMessage(e.ctx, m.ID)
	e.support.CloseConversation(e.ctx, conv.ID) // a system note does not replace it
	c, err := e.support.FindConversationByID(e.ctx, conv.ID)
	if err != nil || c.LastMessage == nil || c.LastMessage.ID != m.ID || c.LastMessage.Text != "" || c.LastMessage.DeletedAt == nil {
		t.Fatalf("last_message = %+v, %v", c.LastMessage, err)
	}
}
