// Package client is a Go client of deskchat's HTTP API and event stream.
// The desktop app's sync engine and the server's tests use it, so it
// speaks exactly what docs/API.md documents.
//
// Errors: every method returns the server's *chat.Error as itself (its
// stable code and message; answerError for answers without that shape) or
// the network's error when the server was not reached. Every call can
// answer unauthorized or token_expired (the token), rate_limited and
// unavailable (try later); each method names the codes of its own rules
// and its endpoint; docs/API.md has the whole contract.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
)

// Client calls one server with one token.
type Client struct {
	BaseURL string // e.g. http://127.0.0.1:8080
	Token   string
	HTTP    *http.Client
}

// New returns a client for baseURL.
func New(baseURL string) *Client {
	return &Client{BaseURL: strings.TrimRight(baseURL, "/"), HTTP: &http.Client{Timeout: 30 * time.Second}}
}

// WithToken returns a copy of c that sends token.
func (c *Client) WithToken(token string) *Client {
	cc := *c
	cc.Token = token
	return &cc
}

// Errors cross the wire as themselves: an error answer comes back as the
// server's *chat.Error (its stable code and message), so callers branch on
// codes with chat.ErrorCode or errors.As, never on HTTP numbers. Failures
// to reach the server at all stay the network's errors.

// Code returns the deskchat error code of err, or "" when err is not an
// answer of the server (a network failure).
func Code(err error) string {
	var e *chat.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// Do sends a request with an optional JSON body and decodes a JSON answer
// into out (if not nil). It returns the status for callers that care about
// 200 versus 201.
func (c *Client) Do(ctx context.Context, method, path string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		if raw, ok := body.([]byte); ok {
			rd = bytes.NewReader(raw)
		} else {
			b, err := json.Marshal(body)
			if err != nil {
				return 0, err
			}
			rd = bytes.NewReader(b)
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, rd)
	if err != nil {
		return 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode >= 400 {
		return resp.StatusCode, answerError(resp.StatusCode, data)
	}
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, fmt.Errorf("deskchat: decode %s %s: %w", method, path, err)
		}
	}
	return resp.StatusCode, nil
}

// answerError rebuilds the *chat.Error of an error answer. An answer
// without the error shape (a proxy's page; its body is shown to no one)
// gets the code its status implies: 401 unauthorized, 408 and 429
// rate_limited (try later), any other 4xx invalid (the request itself was
// refused: an outbox marks it failed instead of retrying it forever), 5xx
// and the rest unavailable.
func answerError(status int, body []byte) error {
	var eb chat.ErrorResponse
	if err := json.Unmarshal(body, &eb); err == nil && eb.Error.Code != "" {
		return &chat.Error{Code: eb.Error.Code, Message: eb.Error.Message}
	}
	switch {
	case status == http.StatusUnauthorized:
		return chat.Errorf(chat.EUnauthorized, "The server answered HTTP 401; sign in again.")
	case status == http.StatusRequestTimeout || status == http.StatusTooManyRequests:
		return chat.Errorf(chat.ERateLimited, "The server answered HTTP %d; try again later.", status)
	case status >= 400 && status < 500:
		return chat.Errorf(chat.EInvalid, "The server refused the request (HTTP %d).", status)
	}
	return chat.Errorf(chat.EUnavailable, "The server answered HTTP %d without an error of its own; try again later.", status)
}

// TokenResponse answers login and widget session creation.
type TokenResponse struct {
	Token     string         `json:"token"`
	ExpiresAt time.Time      `json:"expires_at"`
	User      *chat.User     `json:"user,omitempty"`
	Customer  *chat.Customer `json:"customer,omitempty"`
}

// Login signs a team member in and returns a client carrying the token.
// POST /v1/auth/login. Errors: bad_credentials, invalid, rate_limited.
func (c *Client) Login(ctx context.Context, email, password string) (*Client, *TokenResponse, error) {
	var tr TokenResponse
	if _, err := c.Do(ctx, http.MethodPost, "/v1/auth/login", map[string]string{"email": email, "password": password}, &tr); err != nil {
		return nil, nil, err
	}
	return c.WithToken(tr.Token), &tr, nil
}

// Logout revokes the client's token.
// POST /v1/auth/logout.
func (c *Client) Logout(ctx context.Context) error {
	_, err := c.Do(ctx, http.MethodPost, "/v1/auth/logout", nil, nil)
	return err
}

// ChangePassword sets a new password; other sessions are revoked.
// POST /v1/auth/password. Errors: bad_credentials (current is wrong), invalid.
func (c *Client) ChangePassword(ctx context.Context, current, next string) error {
	_, err := c.Do(ctx, http.MethodPost, "/v1/auth/password", map[string]string{"current_password": current, "new_password": next}, nil)
	return err
}

// CreateWidgetSession starts a widget customer and returns a client for them.
// POST /v1/widget/session. Errors: invalid (a field), origin_not_allowed, rate_limited.
func (c *Client) CreateWidgetSession(ctx context.Context, info chat.CustomerInfo) (*Client, *TokenResponse, error) {
	var tr TokenResponse
	if _, err := c.Do(ctx, http.MethodPost, "/v1/widget/session", info, &tr); err != nil {
		return nil, nil, err
	}
	return c.WithToken(tr.Token), &tr, nil
}

// CreateUser adds a team member (admins).
// POST /v1/users. Errors: forbidden, conflict (e-mail taken), invalid.
func (c *Client) CreateUser(ctx context.Context, email, name, password string, admin, support bool) (*chat.User, error) {
	var u chat.User
	_, err := c.Do(ctx, http.MethodPost, "/v1/users", map[string]any{
		"email": email, "name": name, "password": password, "admin": admin, "support": support}, &u)
	return &u, err
}

// UpdateUser changes a user (admins; anyone for their own name).
// PATCH /v1/users/{id}. Errors: forbidden, not_found, invalid.
func (c *Client) UpdateUser(ctx context.Context, id int64, upd chat.UserUpdate) (*chat.User, error) {
	var u chat.User
	_, err := c.Do(ctx, http.MethodPatch, "/v1/users/"+itoa(id), upd, &u)
	return &u, err
}

// CreateConversation creates a conversation; created is false for a repeat
// of the same client id.
// POST /v1/conversations. Errors: invalid, message_empty, message_too_long, forbidden, customer_erased.
func (c *Client) CreateConversation(ctx context.Context, nc chat.NewConversation) (*chat.Conversation, *chat.Message, bool, error) {
	var out struct {
		Conversation *chat.Conversation `json:"conversation"`
		Message      *chat.Message      `json:"message"`
	}
	status, err := c.Do(ctx, http.MethodPost, "/v1/conversations", nc, &out)
	return out.Conversation, out.Message, status == http.StatusCreated, err
}

// FindConversationByID fetches one conversation.
// GET /v1/conversations/{id}. Errors: not_found (also for one the caller may not see).
func (c *Client) FindConversationByID(ctx context.Context, id int64) (*chat.Conversation, error) {
	var conv chat.Conversation
	_, err := c.Do(ctx, http.MethodGet, "/v1/conversations/"+itoa(id), nil, &conv)
	return &conv, err
}

// ConversationPage is one page of a conversation list.
type ConversationPage struct {
	Conversations []*chat.Conversation `json:"conversations"`
	NextCursor    string               `json:"next_cursor"`
}

// ConversationQuery selects a page of GET /v1/conversations: every field
// optional ("" and 0 are left out).
type ConversationQuery struct {
	Section chat.Section
	Status  chat.Status
	Kind    chat.ConversationKind
	Cursor  string
	Limit   int

	Assignee chat.AssigneeFilter
}

// ListConversations lists a page of the conversations the caller sees.
// GET /v1/conversations. Errors: invalid (a parameter), forbidden (From Customers without the support flag).
func (c *Client) ListConversations(ctx context.Context, cq ConversationQuery) (*ConversationPage, error) {
	q := url.Values{}
	setQ(q, "section", string(cq.Section))
	setQ(q, "status", string(cq.Status))
	setQ(q, "kind", string(cq.Kind))
	setQ(q, "assignee", string(cq.Assignee))
	setQ(q, "cursor", cq.Cursor)
	if cq.Limit > 0 {
		q.Set("limit", strconv.Itoa(cq.Limit))
	}
	var page ConversationPage
	_, err := c.Do(ctx, http.MethodGet, "/v1/conversations?"+q.Encode(), nil, &page)
	return &page, err
}

// SendMessage posts a message; created is false for a repeat of the client id.
// POST /v1/conversations/{id}/messages. Errors: not_found, message_empty, message_too_long, forbidden, customer_erased.
func (c *Client) SendMessage(ctx context.Context, convID int64, clientID, text string) (*chat.Message, bool, error) {
	return c.Post(ctx, convID, chat.NewMessage{ClientID: clientID, Text: text})
}

// Post sends a message, a private note (Internal) or one with @mentions;
// created is false for a repeat of the client id.
// POST /v1/conversations/{id}/messages. Errors: as SendMessage; forbidden
// (a customer's note or mentions), invalid (a note in a team conversation,
// mentions in a reply, an inactive mentioned user).
func (c *Client) Post(ctx context.Context, convID int64, nm chat.NewMessage) (*chat.Message, bool, error) {
	var m chat.Message
	status, err := c.Do(ctx, http.MethodPost, "/v1/conversations/"+itoa(convID)+"/messages", nm, &m)
	return &m, status == http.StatusCreated, err
}

// AssignConversation assigns a customer conversation (userID 0 unassigns).
// PUT /v1/conversations/{id}/assignee (DELETE to unassign). Errors:
// forbidden (no support flag, customers), invalid (a team conversation; an
// assignee who is not an active support user), not_found.
func (c *Client) AssignConversation(ctx context.Context, convID, userID int64) (*chat.Conversation, error) {
	var conv chat.Conversation
	var err error
	if userID == 0 {
		_, err = c.Do(ctx, http.MethodDelete, "/v1/conversations/"+itoa(convID)+"/assignee", nil, &conv)
	} else {
		_, err = c.Do(ctx, http.MethodPut, "/v1/conversations/"+itoa(convID)+"/assignee", map[string]int64{"user_id": userID}, &conv)
	}
	return &conv, err
}

// ListSavedReplies lists the team's saved replies and the caller's own.
// GET /v1/saved-replies. Errors: forbidden (customers).
func (c *Client) ListSavedReplies(ctx context.Context) ([]*chat.SavedReply, error) {
	var out struct {
		SavedReplies []*chat.SavedReply `json:"saved_replies"`
	}
	_, err := c.Do(ctx, http.MethodGet, "/v1/saved-replies", nil, &out)
	return out.SavedReplies, err
}

// CreateSavedReply adds a saved reply (Personal: the caller's own).
// POST /v1/saved-replies. Errors: forbidden (a team one by a non-admin),
// invalid, conflict (the shortcut is taken).
func (c *Client) CreateSavedReply(ctx context.Context, n chat.NewSavedReply) (*chat.SavedReply, error) {
	var sr chat.SavedReply
	_, err := c.Do(ctx, http.MethodPost, "/v1/saved-replies", n, &sr)
	return &sr, err
}

// UpdateSavedReply changes a saved reply. PATCH /v1/saved-replies/{id}.
// Errors: not_found, forbidden, invalid, conflict.
func (c *Client) UpdateSavedReply(ctx context.Context, id int64, upd chat.SavedReplyUpdate) (*chat.SavedReply, error) {
	var sr chat.SavedReply
	_, err := c.Do(ctx, http.MethodPatch, "/v1/saved-replies/"+itoa(id), upd, &sr)
	return &sr, err
}

// DeleteSavedReply removes a saved reply. DELETE /v1/saved-replies/{id}.
// Errors: not_found, forbidden.
func (c *Client) DeleteSavedReply(ctx context.Context, id int64) error {
	_, err := c.Do(ctx, http.MethodDelete, "/v1/saved-replies/"+itoa(id), nil, nil)
	return err
}

// ListMessages lists a page of messages (see chat.MessageFilter: nil Before
// and After is the newest page; After 0 the first).
// GET /v1/conversations/{id}/messages. Errors: not_found, invalid (a parameter).
func (c *Client) ListMessages(ctx context.Context, convID int64, f chat.MessageFilter) ([]*chat.Message, error) {
	q := url.Values{}
	if f.Before != nil {
		q.Set("before", itoa(*f.Before))
	}
	if f.After != nil {
		q.Set("after", itoa(*f.After))
	}
	if f.Limit > 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	var page struct {
		Messages []*chat.Message `json:"messages"`
	}
	_, err := c.Do(ctx, http.MethodGet, "/v1/conversations/"+itoa(convID)+"/messages?"+q.Encode(), nil, &page)
	return page.Messages, err
}

// History returns every message of a conversation, oldest first, a full
// page at a time from the very first (after=0).
// Errors: as ListMessages.
func (c *Client) History(ctx context.Context, convID int64) ([]*chat.Message, error) {
	var all []*chat.Message
	after := int64(0)
	for {
		page, err := c.ListMessages(ctx, convID, chat.MessageFilter{After: &after, Limit: chat.MaxPageSize})
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if len(page) < chat.MaxPageSize {
			return all, nil
		}
		after = page[len(page)-1].ID
	}
}

// EditMessage replaces a message's text.
// PATCH /v1/messages/{id}. Errors: not_found, not_author, forbidden (system notes), message_empty, message_too_long.
func (c *Client) EditMessage(ctx context.Context, id int64, text string) (*chat.Message, error) {
	var m chat.Message
	_, err := c.Do(ctx, http.MethodPatch, "/v1/messages/"+itoa(id), map[string]string{"text": text}, &m)
	return &m, err
}

// DeleteMessage blanks a message.
// DELETE /v1/messages/{id}. Errors: not_found, not_author, forbidden (system notes).
func (c *Client) DeleteMessage(ctx context.Context, id int64) (*chat.Message, error) {
	var m chat.Message
	_, err := c.Do(ctx, http.MethodDelete, "/v1/messages/"+itoa(id), nil, &m)
	return &m, err
}

// ListMessageAudit reads a message's audit trail (admins).
// GET /v1/messages/{id}/audit. Errors: forbidden, not_found.
func (c *Client) ListMessageAudit(ctx context.Context, id int64) ([]*chat.AuditEntry, error) {
	var out struct {
		Audit []*chat.AuditEntry `json:"audit"`
	}
	_, err := c.Do(ctx, http.MethodGet, "/v1/messages/"+itoa(id)+"/audit", nil, &out)
	return out.Audit, err
}

// CloseConversation closes a conversation.
// POST /v1/conversations/{id}/close. Errors: forbidden (customers), not_found.
func (c *Client) CloseConversation(ctx context.Context, id int64) (*chat.Conversation, error) {
	var conv chat.Conversation
	_, err := c.Do(ctx, http.MethodPost, "/v1/conversations/"+itoa(id)+"/close", nil, &conv)
	return &conv, err
}

// ReopenConversation reopens a conversation.
// POST /v1/conversations/{id}/reopen. Errors: forbidden (customers), not_found.
func (c *Client) ReopenConversation(ctx context.Context, id int64) (*chat.Conversation, error) {
	var conv chat.Conversation
	_, err := c.Do(ctx, http.MethodPost, "/v1/conversations/"+itoa(id)+"/reopen", nil, &conv)
	return &conv, err
}

// MarkRead moves the read mark (messageID 0 = newest).
// POST /v1/conversations/{id}/read. Errors: forbidden (customers), not_found, invalid (a message of another conversation).
func (c *Client) MarkRead(ctx context.Context, convID, messageID int64) (*chat.ReadState, error) {
	var rs chat.ReadState
	_, err := c.Do(ctx, http.MethodPost, "/v1/conversations/"+itoa(convID)+"/read", map[string]int64{"message_id": messageID}, &rs)
	return &rs, err
}

// UnreadCounts returns the user's unread counts.
// GET /v1/unread. Errors: forbidden (customers).
func (c *Client) UnreadCounts(ctx context.Context) (*chat.UnreadCounts, error) {
	var u chat.UnreadCounts
	_, err := c.Do(ctx, http.MethodGet, "/v1/unread", nil, &u)
	return &u, err
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

func setQ(q url.Values, k, v string) {
	if v != "" {
		q.Set(k, v)
	}
}

// SectionCounts returns unread badges per section and status.
// GET /v1/sections/counts. Errors: forbidden (customers).
func (c *Client) SectionCounts(ctx context.Context) (*chat.SectionCounts, error) {
	var sc chat.SectionCounts
	_, err := c.Do(ctx, http.MethodGet, "/v1/sections/counts", nil, &sc)
	return &sc, err
}

// ProposeItem asks the server to suggest an item for a conversation.
// GET /v1/conversations/{id}/proposal. Errors: forbidden, not_found, invalid (type).
func (c *Client) ProposeItem(ctx context.Context, convID int64, typ chat.ItemType) (*chat.NewItem, error) {
	var ni chat.NewItem
	_, err := c.Do(ctx, http.MethodGet, "/v1/conversations/"+itoa(convID)+"/proposal?type="+url.QueryEscape(string(typ)), nil, &ni)
	return &ni, err
}

// CreateItem creates a ticket or task.
// POST /v1/items. Errors: forbidden, invalid, not_found (conversation), conflict (erased customer).
func (c *Client) CreateItem(ctx context.Context, ni chat.NewItem) (*chat.Item, error) {
	var it chat.Item
	_, err := c.Do(ctx, http.MethodPost, "/v1/items", ni, &it)
	return &it, err
}

// FindItemByNumber returns an item's details.
// GET /v1/items/{number}. Errors: not_found, forbidden (customers).
func (c *Client) FindItemByNumber(ctx context.Context, number int64) (*chat.Item, error) {
	var it chat.Item
	_, err := c.Do(ctx, http.MethodGet, "/v1/items/"+itoa(number), nil, &it)
	return &it, err
}

// FindItems finds items by number or title words.
// GET /v1/items?q=… Errors: forbidden (customers), invalid.
func (c *Client) FindItems(ctx context.Context, q string) ([]*chat.ItemRef, error) {
	var out struct {
		Items []*chat.ItemRef `json:"items"`
	}
	_, err := c.Do(ctx, http.MethodGet, "/v1/items?q="+url.QueryEscape(q), nil, &out)
	return out.Items, err
}

// SetItemRole assigns/unassigns (assignees) or follows/unfollows (followers).
// POST /v1/items/{number}/{role}s, DELETE /v1/items/{number}/{role}s/{user}. Errors: forbidden, not_found, invalid.
func (c *Client) SetItemRole(ctx context.Context, number, userID int64, role chat.ItemRole, on bool) (*chat.Item, error) {
	var it chat.Item
	path := "/v1/items/" + itoa(number) + "/" + string(role) + "s"
	var err error
	if on {
		_, err = c.Do(ctx, http.MethodPost, path, map[string]int64{"user_id": userID}, &it)
	} else {
		_, err = c.Do(ctx, http.MethodDelete, path+"/"+itoa(userID), nil, &it)
	}
	return &it, err
}

// LinkConversation links a conversation to an item (number 0 unlinks).
// PUT /v1/conversations/{id}/item (DELETE to unlink). Errors: forbidden, not_found, conflict (erased customer).
func (c *Client) LinkConversation(ctx context.Context, convID, number int64) (*chat.Conversation, error) {
	var conv chat.Conversation
	var err error
	if number == 0 {
		_, err = c.Do(ctx, http.MethodDelete, "/v1/conversations/"+itoa(convID)+"/item", nil, &conv)
	} else {
		_, err = c.Do(ctx, http.MethodPut, "/v1/conversations/"+itoa(convID)+"/item", map[string]int64{"number": number}, &conv)
	}
	return &conv, err
}

// Search runs a full-text search.
// GET /v1/search. Errors: forbidden (customers; From Customers without the support flag), invalid.
func (c *Client) Search(ctx context.Context, text string, section chat.Section, status chat.Status) ([]*chat.SearchResult, error) {
	q := url.Values{}
	q.Set("q", text)
	setQ(q, "section", string(section))
	setQ(q, "status", string(status))
	var out struct {
		Results []*chat.SearchResult `json:"results"`
	}
	_, err := c.Do(ctx, http.MethodGet, "/v1/search?"+q.Encode(), nil, &out)
	return out.Results, err
}

// SetOnline flips the helpdesk switch.
// PUT /v1/helpdesk/online. Errors: forbidden (neither admin nor support).
func (c *Client) SetOnline(ctx context.Context, online bool) (*chat.Settings, error) {
	var st chat.Settings
	_, err := c.Do(ctx, http.MethodPut, "/v1/helpdesk/online", map[string]bool{"online": online}, &st)
	return &st, err
}

// UpdateSettings changes admin options.
// PATCH /v1/settings. Errors: forbidden (admins only), invalid.
func (c *Client) UpdateSettings(ctx context.Context, upd chat.SettingsUpdate) (*chat.Settings, error) {
	var st chat.Settings
	_, err := c.Do(ctx, http.MethodPatch, "/v1/settings", upd, &st)
	return &st, err
}

// UpdateItem changes an item's title, description, status, priority or
// requester.
// PATCH /v1/items/{number}. Errors: forbidden, not_found, invalid.
func (c *Client) UpdateItem(ctx context.Context, number int64, upd chat.ItemUpdate) (*chat.Item, error) {
	var it chat.Item
	_, err := c.Do(ctx, http.MethodPatch, "/v1/items/"+itoa(number), upd, &it)
	return &it, err
}

// Me is GET /v1/me: who the token acts for (Kind "user" or "customer").
type Me struct {
	Kind     chat.ActorKind `json:"kind"`
	User     *chat.User     `json:"user,omitempty"`
	Customer *chat.Customer `json:"customer,omitempty"`
}

// Me returns who the client's token acts for.
// GET /v1/me. Errors: unauthorized, token_expired, customer_erased.
func (c *Client) Me(ctx context.Context) (*Me, error) {
	var me Me
	_, err := c.Do(ctx, http.MethodGet, "/v1/me", nil, &me)
	return &me, err
}

// ListUsers lists the team.
// GET /v1/users. Errors: forbidden (customers).
func (c *Client) ListUsers(ctx context.Context) ([]*chat.User, error) {
	var out struct {
		Users []*chat.User `json:"users"`
	}
	_, err := c.Do(ctx, http.MethodGet, "/v1/users", nil, &out)
	return out.Users, err
}

// FindUserByID returns one team member.
// GET /v1/users/{id}. Errors: not_found, forbidden (customers).
func (c *Client) FindUserByID(ctx context.Context, id int64) (*chat.User, error) {
	var u chat.User
	_, err := c.Do(ctx, http.MethodGet, "/v1/users/"+itoa(id), nil, &u)
	return &u, err
}

// FindCustomerDetails returns a customer's details panel.
// GET /v1/customers/{id}. Errors: not_found, forbidden (customers).
func (c *Client) FindCustomerDetails(ctx context.Context, id int64) (*chat.CustomerDetails, error) {
	var cd chat.CustomerDetails
	_, err := c.Do(ctx, http.MethodGet, "/v1/customers/"+itoa(id), nil, &cd)
	return &cd, err
}

// Settings returns the helpdesk switch and admin options.
// GET /v1/settings. Errors: forbidden (customers).
func (c *Client) Settings(ctx context.Context) (*chat.Settings, error) {
	var st chat.Settings
	_, err := c.Do(ctx, http.MethodGet, "/v1/settings", nil, &st)
	return &st, err
}

// EraseCustomer erases a customer (admins): POST /v1/customers/{id}/erase.
// Errors: forbidden (admins only), not_found.
func (c *Client) EraseCustomer(ctx context.Context, id int64) (*chat.Erasure, error) {
	var er chat.Erasure
	_, err := c.Do(ctx, http.MethodPost, "/v1/customers/"+itoa(id)+"/erase", nil, &er)
	return &er, err
}

// ListErasures lists every erasure (admins): GET /v1/erasures.
// Errors: forbidden (admins only).
func (c *Client) ListErasures(ctx context.Context) ([]*chat.Erasure, error) {
	var out struct {
		Erasures []*chat.Erasure `json:"erasures"`
	}
	_, err := c.Do(ctx, http.MethodGet, "/v1/erasures", nil, &out)
	return out.Erasures, err
}

// AddParticipant adds a teammate to a conversation
// (POST /v1/conversations/{id}/participants).
func (c *Client) AddParticipant(ctx context.Context, convID, userID int64) (*chat.Conversation, error) {
	var out chat.Conversation
	_, err := c.Do(ctx, http.MethodPost, "/v1/conversations/"+itoa(convID)+"/participants", map[string]int64{"user_id": userID}, &out)
	return &out, err
}

// SetTimeZone records my IANA time zone (PATCH /v1/me), so teammates see
// my local time.
func (c *Client) SetTimeZone(ctx context.Context, tz string) (*chat.User, error) {
	var out chat.User
	_, err := c.Do(ctx, http.MethodPatch, "/v1/me", map[string]string{"time_zone": tz}, &out)
	return &out, err
}
