// Package demo seeds a believable helpdesk: a few agents (one not in
// support), customers with open and closed conversations, an edited and a
// deleted message, and a team conversation. It goes through chat.Store like
// any client, so the seeded history has its events in the log too.
package demo

import (
	"context"
	"fmt"

	"github.com/deskchat/deskchat/backend/auth"
	"github.com/deskchat/deskchat/backend/chat"
)

// Password is every demo agent's password.
const Password = "deskchat-demo"

// Agent is a seeded team member.
type Agent struct {
	Email, Name    string
	Admin, Support bool
}

// Agents are the seeded team members. Chris is a developer without the
// support flag: he sees only the conversations he takes part in.
var Agents = []Agent{
	{"anna@deskchat.test", "Anna Admin", true, true},
	{"ben@deskchat.test", "Ben Support", false, true},
	{"dana@deskchat.test", "Dana Support", false, true},
	{"chris@deskchat.test", "Chris Developer", false, false},
}

type line struct {
	who  string // "c" for the customer, else an agent's e-mail
	text string
}

type chatScript struct {
	customer chat.CustomerInfo
	lines    []line
	closed   bool
}

var scripts = []chatScript{
	{chat.CustomerInfo{Name: "Sally C", Email: "sally@example.com", PageURL: "https://shop.example.com/checkout",
		Browser: "Firefox 131 on Windows", Language: "en-GB", TimeZone: "Europe/London"}, []line{
		{"c", "Hi! I was charged twice for order #4411. Can you help?"},
		{"ben@deskchat.test", "Hi Sally, sorry about that. Let me look at your order."},
		{"c", "Thank you, the second charge is from yesterday evening."},
	}, false},
	{chat.CustomerInfo{Name: "Marco Rossi", Email: "marco@example.it", PageURL: "https://shop.example.com/account",
		Browser: "Chrome 130 on macOS", Language: "it-IT", TimeZone: "Europe/Rome"}, []line{
		{"c", "How do I change the e-mail address on my account?"},
		{"anna@deskchat.test", "Go to Account → Profile and choose Edit next to your e-mail. We send a confirmation link."},
		{"c", "Found it, thanks!"},
	}, true},
	{chat.CustomerInfo{PageURL: "https://shop.example.com/pricing", Browser: "Safari 18 on iOS", Language: "de-DE", TimeZone: "Europe/Berlin"}, []line{
		{"c", "Do you ship to Switzerland?"},
	}, false},
	{chat.CustomerInfo{Name: "Priya Shah", Email: "priya@example.in", PageURL: "https://shop.example.com/help/returns",
		Browser: "Edge 130 on Windows", Language: "en-IN", TimeZone: "Asia/Kolkata"}, []line{
		{"c", "The return label link in my e-mail is broken <b>404</b>."},
		{"dana@deskchat.test", "Thanks Priya, I have sent you a new label."},
		{"c", "Got it. Closing this, all good."},
	}, true},
	{chat.CustomerInfo{Name: "Tom Becker", Email: "tom@example.de", PageURL: "https://shop.example.com/",
		Browser: "Firefox 132 on Linux", Language: "de-DE", TimeZone: "Europe/Berlin"}, []line{
		{"c", "Your site shows prices without VAT for me. Is that right?"},
		{"dana@deskchat.test", "Hi Tom, prices are shown for your region. I'll ask our developers to check."},
	}, false},
}

// Seeded reports whether the demo data is already there.
func Seeded(ctx context.Context, s chat.Store) (bool, error) {
	_, _, err := s.FindUserCredentials(ctx, Agents[0].Email)
	switch chat.ErrorCode(err) {
	case "":
		return true, nil
	case chat.ENotFound:
		return false, nil
	}
	return false, err
}

// Seed writes the demo helpdesk; it does nothing if it is already there.
func Seed(ctx context.Context, s chat.Store) error {
	if ok, err := Seeded(ctx, s); err != nil || ok {
		return err
	}
	hash, err := auth.HashPassword(Password)
	if err != nil {
		return err
	}
	agents := map[string]chat.Actor{}
	for _, a := range Agents {
		u, err := s.CreateUser(ctx, chat.Operator, chat.NewUser{Email: a.Email, Name: a.Name, PasswordHash: hash, Admin: a.Admin, Support: a.Support})
		if err != nil {
			return fmt.Errorf("demo: user %s: %w", a.Email, err)
		}
		agents[a.Email] = u.Actor(0)
	}
	for i, sc := range scripts {
		cust, err := s.CreateCustomer(ctx, sc.customer)
		if err != nil {
			return err
		}
		customer := chat.Actor{Kind: chat.KindCustomer, ID: cust.ID, Name: cust.Name}
		conv, _, _, err := s.CreateConversation(ctx, customer, chat.NewConversation{ClientID: fmt.Sprintf("demo-%d", i), Text: sc.lines[0].text})
		if err != nil {
			return err
		}
		var last *chat.Message
		for j, l := range sc.lines[1:] {
			who := customer
			if l.who != "c" {
				who = agents[l.who]
			}
			if last, _, err = s.SendMessage(ctx, who, conv.ID, chat.NewMessage{ClientID: fmt.Sprintf("demo-%d-%d", i, j), Text: l.text}); err != nil {
				return err
			}
		}
		if sc.closed {
			closer := agents[sc.lines[1].who]
			if _, err := s.CloseConversation(ctx, closer, conv.ID); err != nil {
				return err
			}
		}
		// Ben corrects himself once, so the audit trail has an entry.
		if i == 0 && last != nil {
			m, _, err := s.SendMessage(ctx, agents["ben@deskchat.test"], conv.ID, chat.NewMessage{ClientID: "demo-typo", Text: "I see two charges of 49.00 EUR; refunding one now."})
			if err != nil {
				return err
			}
			if _, err := s.EditMessage(ctx, agents["ben@deskchat.test"], m.ID, "I see two charges of 49.90 EUR; refunding one now."); err != nil {
				return err
			}
		}
	}
	// A team conversation: Dana asks Chris (no support flag) about Tom's VAT question.
	dana, chris := agents["dana@deskchat.test"], agents["chris@deskchat.test"]
	team, _, _, err := s.CreateConversation(ctx, dana, chat.NewConversation{ClientID: "demo-team", ParticipantIDs: []int64{chris.ID},
		Text: "Chris, a customer in Germany sees prices without VAT on the home page. Could the geo-IP lookup be off?"})
	if err != nil {
		return err
	}
	if _, _, err := s.SendMessage(ctx, chris, team.ID, chat.NewMessage{ClientID: "demo-team-1", Text: "Looking into it. The pricing service cached an old region table."}); err != nil {
		return err
	}
	oops, _, err := s.SendMessage(ctx, chris, team.ID, chat.NewMessage{ClientID: "demo-team-2", Text: "(wrong window, ignore)"})
	if err != nil {
		return err
	}
	if _, err := s.DeleteMessage(ctx, chris, oops.ID); err != nil {
		return err
	}
	// Dana turns Tom's VAT question into a ticket and assigns Chris: it
	// appears in his My Conversations although he has no support flag.
	list, err := s.ListConversations(ctx, dana, chat.ConversationFilter{Section: chat.SectionMine, Kind: chat.ConversationCustomer})
	if err != nil {
		return err
	}
	for _, c := range list {
		if c.Customer == nil || c.Customer.Name != "Tom Becker" {
			continue
		}
		p, err := s.ProposeItem(ctx, dana, c.ID, chat.ItemTicket)
		if err != nil {
			return err
		}
		p.Priority, p.AssigneeIDs = chat.PriorityHigh, []int64{chris.ID}
		if _, err := s.CreateItem(ctx, dana, *p); err != nil {
			return err
		}
	}
	// Teamwork: Dana leaves Chris a private note on Tom's conversation,
	// Sally's conversation is Ben's, and the team has saved replies.
	for _, c := range list {
		if c.Customer == nil || c.Customer.Name != "Tom Becker" {
			continue
		}
		if _, _, err := s.SendMessage(ctx, dana, c.ID, chat.NewMessage{ClientID: "demo-note", Internal: true, Mentions: []int64{chris.ID},
			Text: "@Chris the geo-IP fix is the ticket above; Tom is waiting for it, please tell him when it is live."}); err != nil {
			return err
		}
	}
	anna := agents["anna@deskchat.test"]
	sally, err := s.ListConversations(ctx, anna, chat.ConversationFilter{Section: chat.SectionCustomers})
	if err != nil {
		return err
	}
	for _, c := range sally {
		if c.Customer != nil && c.Customer.Name == "Sally C" {
			if _, err := s.AssignConversation(ctx, anna, c.ID, agents["ben@deskchat.test"].ID); err != nil {
				return err
			}
		}
	}
	for _, r := range []chat.NewSavedReply{
		{Shortcut: "hello", Title: "Greeting", Text: "Hi {{customer.name | there}}, thanks for writing! I'm {{agent.name}} and I'll look into this right away."},
		{Shortcut: "refund", Title: "Refund issued", Text: "Hi {{customer.name | there}}, I've issued the refund. It shows on your statement within 3 to 5 business days."},
		{Shortcut: "bye", Title: "Closing", Text: "Glad I could help. If anything else comes up, just write here. {{agent.name}}"},
	} {
		if _, err := s.CreateSavedReply(ctx, anna, r); err != nil {
			return err
		}
	}
	for email, tz := range map[string]string{"anna@deskchat.test": "Europe/Berlin", "ben@deskchat.test": "Europe/London",
		"dana@deskchat.test": "America/New_York", "chris@deskchat.test": "Europe/Berlin"} {
		if _, err := s.SetUserTimeZone(ctx, agents[email], tz); err != nil {
			return err
		}
	}
	return nil
}
