// Package demo seeds a believable helpdesk: a few agents (one not in
// support), customers with open and closed conversations over the last
// four days (one of them writing in German, with a photo), an edited and
// a deleted message, a ticket and a task, a private note, an assignment,
// saved replies and a team conversation.
// It goes through chat.Store like any client, so the seeded history has
// its events in the log too.
package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"sync"
	"time"

	"github.com/deskchat/deskchat/backend/auth"
	"github.com/deskchat/deskchat/backend/blob"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/media"
)

// Clock is the clock a demo helpdesk's store runs on (server.Config's
// API.Now): the real time, except while SeedWith writes the history,
// when it reads the times of the story (days back). A nil Clock is the
// real time.
type Clock struct {
	mu sync.Mutex
	at time.Time
}

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	if c == nil {
		return time.Now()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at.IsZero() {
		return time.Now()
	}
	return c.at
}

// set makes the clock read t (the zero time: the real time again).
func (c *Clock) set(t time.Time) {
	if c != nil {
		c.mu.Lock()
		c.at = t
		c.mu.Unlock()
	}
}

// Options are what SeedWith may use besides the store.
type Options struct {
	// Clock is the store's clock; with it the history spreads over the
	// last four days, without it everything happens now.
	Clock *Clock
	// Blobs is where attachments' bytes go; without it the demo has no
	// image attachment.
	Blobs blob.Store
}

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
	ago      time.Duration // when it began, before the seeding
}

// earlier are the conversations of the days before; recent those of the
// last hours (seeded after the team's work of yesterday, so ids follow
// time).
var earlier = []chatScript{
	{chat.CustomerInfo{Name: "Priya Shah", Email: "priya@example.in", PageURL: "https://shop.example.com/help/returns",
		Browser: "Edge 130 on Windows", Language: "en-IN", TimeZone: "Asia/Kolkata"}, []line{
		{"c", "The return label link in my e-mail is broken <b>404</b>."},
		{"dana@deskchat.test", "Thanks Priya, I have sent you a new label."},
		{"c", "Got it. Closing this, all good."},
	}, true, 4*24*time.Hour + 3*time.Hour},
	{chat.CustomerInfo{Name: "Marco Rossi", Email: "marco@example.it", PageURL: "https://shop.example.com/account",
		Browser: "Chrome 130 on macOS", Language: "it-IT", TimeZone: "Europe/Rome"}, []line{
		{"c", "How do I change the e-mail address on my account?"},
		{"anna@deskchat.test", "Go to Account → Profile and choose Edit next to your e-mail. We send a confirmation link."},
		{"c", "Found it, thanks!"},
	}, true, 3*24*time.Hour + 5*time.Hour},
	{chat.CustomerInfo{PageURL: "https://shop.example.com/pricing", Browser: "Safari 18 on iOS", Language: "de-CH", TimeZone: "Europe/Zurich"}, []line{
		{"c", "Do you ship to Switzerland?"},
	}, false, 2*24*time.Hour + 2*time.Hour},
	{chat.CustomerInfo{Name: "Tom Becker", Email: "tom@example.de", PageURL: "https://shop.example.com/",
		Browser: "Firefox 132 on Linux", Language: "de-DE", TimeZone: "Europe/Berlin"}, []line{
		{"c", "Your site shows prices without VAT for me. Is that right?"},
		{"dana@deskchat.test", "Hi Tom, prices are shown for your region. I'll ask our developers to check."},
	}, false, 26 * time.Hour},
}

var recent = []chatScript{
	{chat.CustomerInfo{Name: "Sally C", Email: "sally@example.com", PageURL: "https://shop.example.com/checkout",
		Browser: "Firefox 131 on Windows", Language: "en-GB", TimeZone: "Europe/London"}, []line{
		{"c", "Hi! I was charged twice for order #4411. Can you help?"},
		{"ben@deskchat.test", "Hi Sally, sorry about that. Let me look at your order."},
		{"c", "Thank you, the second charge is from yesterday evening."},
	}, false, 3 * time.Hour},
	{chat.CustomerInfo{Name: "Lena Hoffmann", Email: "lena@example.de", PageURL: "https://shop.example.com/bestellungen/5120",
		Browser: "Firefox 133 on Windows", Language: "de-DE", TimeZone: "Europe/Berlin"}, []line{
		{"c", "Hallo! Meine Bestellung #5120 ist seit einer Woche unterwegs, und die Sendungsverfolgung zeigt nichts Neues. Können Sie nachsehen?"},
		{"anna@deskchat.test", "Hallo Frau Hoffmann, danke für Ihre Nachricht! Ich frage beim Versanddienstleister nach und melde mich heute noch."},
		{"c", "Vielen Dank! Anbei ein Foto des Versandetiketts."},
	}, false, 2 * time.Hour},
}

// ErrPartial: the demo helpdesk is there only in part (an earlier
// seeding stopped midway); it cannot be finished, only started afresh in
// an empty database.
var ErrPartial = errors.New("demo: the demo helpdesk was only partly written; start from an empty database")

// Seeded reports whether the demo data is already there (its first
// step, the agents; see SeedWith for a partial one).
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

// Seed writes the demo helpdesk at the present time, without files; it
// does nothing if it is already there. See SeedWith.
func Seed(ctx context.Context, s chat.Store) error {
	return SeedWith(ctx, s, Options{})
}

// SeedWith writes the demo helpdesk; it does nothing if it is already
// there. With o.Clock the story spreads over the last four days; with
// o.Blobs Lena's message carries a photo.
//
// A database where an earlier seeding stopped midway answers ErrPartial:
// the last step (the agents' time zones) marks a whole demo.
func SeedWith(ctx context.Context, s chat.Store, o Options) error {
	if ok, err := Seeded(ctx, s); err != nil || ok {
		if ok {
			last := Agents[len(Agents)-1]
			u, _, err := s.FindUserCredentials(ctx, last.Email)
			if err != nil {
				return err
			}
			if u.TimeZone == "" {
				return ErrPartial
			}
		}
		return err
	}
	now := time.Now()
	defer o.Clock.set(time.Time{})
	// at moves the story's clock to d before the seeding (and a little
	// on with each step, so nothing happens at the same millisecond).
	var cursor time.Time
	at := func(d time.Duration) {
		if o.Clock != nil {
			cursor = now.Add(-d)
			o.Clock.set(cursor)
		}
	}
	step := func(d time.Duration) {
		if o.Clock != nil {
			cursor = cursor.Add(d)
			o.Clock.set(cursor)
		}
	}
	at(5 * 24 * time.Hour)
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
	anna, ben, dana, chris := agents["anna@deskchat.test"], agents["ben@deskchat.test"], agents["dana@deskchat.test"], agents["chris@deskchat.test"]
	convs := map[string]*chat.Conversation{}
	play := func(scripts []chatScript) error {
		for i, sc := range scripts {
			at(sc.ago)
			cust, err := s.CreateCustomer(ctx, sc.customer)
			if err != nil {
				return err
			}
			customer := chat.Actor{Kind: chat.KindCustomer, ID: cust.ID, Name: cust.Name}
			key := sc.customer.Name
			cid := fmt.Sprintf("demo-%d-%d", len(convs), i)
			conv, _, _, err := s.CreateConversation(ctx, customer, chat.NewConversation{ClientID: cid, Text: sc.lines[0].text})
			if err != nil {
				return err
			}
			convs[key] = conv
			for j, l := range sc.lines[1:] {
				step(3*time.Minute + time.Duration(j)*47*time.Second)
				who := customer
				if l.who != "c" {
					who = agents[l.who]
				}
				nm := chat.NewMessage{ClientID: fmt.Sprintf("%s-%d", cid, j), Text: l.text}
				if key == "Lena Hoffmann" && l.who == "c" && o.Blobs != nil {
					id, err := photo(ctx, s, o.Blobs, customer)
					if err != nil {
						return err
					}
					nm.Attachments = []string{id}
				}
				if _, _, err := s.SendMessage(ctx, who, conv.ID, nm); err != nil {
					return err
				}
			}
			if sc.closed {
				step(2 * time.Minute)
				if _, err := s.CloseConversation(ctx, agents[sc.lines[1].who], conv.ID); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := play(earlier); err != nil {
		return err
	}

	// Yesterday: Dana asks Chris (no support flag) about Tom's VAT
	// question in a team conversation…
	at(25 * time.Hour)
	team, _, _, err := s.CreateConversation(ctx, dana, chat.NewConversation{ClientID: "demo-team", ParticipantIDs: []int64{chris.ID},
		Text: "Chris, a customer in Germany sees prices without VAT on the home page. Could the geo-IP lookup be off?"})
	if err != nil {
		return err
	}
	step(6 * time.Minute)
	if _, _, err := s.SendMessage(ctx, chris, team.ID, chat.NewMessage{ClientID: "demo-team-1", Text: "Looking into it. The pricing service cached an old region table."}); err != nil {
		return err
	}
	step(time.Minute)
	oops, _, err := s.SendMessage(ctx, chris, team.ID, chat.NewMessage{ClientID: "demo-team-2", Text: "(wrong window, ignore)"})
	if err != nil {
		return err
	}
	if _, err := s.DeleteMessage(ctx, chris, oops.ID); err != nil {
		return err
	}
	// …turns it into a ticket assigned to Chris (it appears in his My
	// Conversations although he has no support flag) and leaves him a
	// private note.
	step(10 * time.Minute)
	tom := convs["Tom Becker"]
	p, err := s.ProposeItem(ctx, dana, tom.ID, chat.ItemTicket)
	if err != nil {
		return err
	}
	p.Priority, p.AssigneeIDs = chat.PriorityHigh, []int64{chris.ID}
	if _, err := s.CreateItem(ctx, dana, *p); err != nil {
		return err
	}
	step(2 * time.Minute)
	if _, _, err := s.SendMessage(ctx, dana, tom.ID, chat.NewMessage{ClientID: "demo-note", Internal: true, Mentions: []int64{chris.ID},
		Text: "@Chris the geo-IP fix is the ticket above; Tom is waiting for it, please tell him when it is live."}); err != nil {
		return err
	}

	// The last hours: Sally writes; her conversation is Ben's, and he
	// corrects himself once, so the audit trail has an entry.
	if err := play(recent[:1]); err != nil {
		return err
	}
	at(2*time.Hour + 30*time.Minute)
	sally := convs["Sally C"]
	if _, err := s.AssignConversation(ctx, anna, sally.ID, ben.ID); err != nil {
		return err
	}
	step(time.Minute)
	m, _, err := s.SendMessage(ctx, ben, sally.ID, chat.NewMessage{ClientID: "demo-typo", Text: "I see two charges of 49.00 EUR; refunding one now."})
	if err != nil {
		return err
	}
	step(30 * time.Second)
	if _, err := s.EditMessage(ctx, ben, m.ID, "I see two charges of 49.90 EUR; refunding one now."); err != nil {
		return err
	}
	// Lena writes in German; Anna makes a task of her parcel for Ben.
	if err := play(recent[1:]); err != nil {
		return err
	}
	step(12 * time.Minute)
	task, err := s.ProposeItem(ctx, anna, convs["Lena Hoffmann"].ID, chat.ItemTask)
	if err != nil {
		return err
	}
	task.Title, task.AssigneeIDs = "Sendung #5120 beim Versanddienstleister nachverfolgen", []int64{ben.ID}
	if _, err := s.CreateItem(ctx, anna, *task); err != nil {
		return err
	}

	for _, r := range []chat.NewSavedReply{
		{Shortcut: "hello", Title: "Greeting", Text: "Hi {{customer.name | there}}, thanks for writing! I'm {{agent.name}} and I'll look into this right away."},
		{Shortcut: "refund", Title: "Refund issued", Text: "Hi {{customer.name | there}}, I've issued the refund. It shows on your statement within 3 to 5 business days."},
		{Shortcut: "bye", Title: "Closing", Text: "Glad I could help. If anything else comes up, just write here. {{agent.name}}"},
		{Shortcut: "hallo", Title: "Begrüßung", Text: "Hallo {{customer.name | zusammen}}, danke für Ihre Nachricht! Ich bin {{agent.name}} und kümmere mich sofort darum."},
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

// photo uploads the demo's photo of a shipping label as the customer's
// (a PNG drawn here: a label with an address block and a barcode).
func photo(ctx context.Context, s chat.Store, blobs blob.Store, customer chat.Actor) (string, error) {
	img := image.NewRGBA(image.Rect(0, 0, 640, 420))
	fill := func(x0, y0, x1, y1 int, c color.RGBA) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				img.SetRGBA(x, y, c)
			}
		}
	}
	fill(0, 0, 640, 420, color.RGBA{196, 164, 120, 255})   // cardboard
	fill(60, 40, 580, 380, color.RGBA{250, 250, 246, 255}) // the label
	fill(60, 40, 580, 90, color.RGBA{220, 38, 38, 255})    // the carrier's band
	for i := 0; i < 5; i++ {                               // address lines
		fill(90, 120+i*28, 90+[]int{300, 260, 340, 200, 240}[i], 134+i*28, color.RGBA{60, 60, 60, 255})
	}
	for x := 90; x < 550; x += 7 { // the barcode
		w := 2 + (x*31)%5
		fill(x, 280, min(x+w, 550), 350, color.RGBA{20, 20, 20, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", err
	}
	res, err := media.Process(buf.Bytes(), media.Options{StripMetadata: true})
	if err != nil {
		return "", err
	}
	u := &chat.Upload{Attachment: chat.Attachment{Name: "versandetikett.png", Type: res.Type, Size: int64(len(res.Data)),
		Image: res.Image, Width: res.Width, Height: res.Height}}
	u.Blob = blob.Key(res.Data)
	if err := blobs.Put(ctx, u.Blob, res.Data); err != nil {
		return "", err
	}
	if res.Image {
		u.ThumbBlob, u.ThumbType = blob.Key(res.Thumb), res.ThumbType
		if err := blobs.Put(ctx, u.ThumbBlob, res.Thumb); err != nil {
			return "", err
		}
	}
	u, err = s.CreateUpload(ctx, customer, u)
	if err != nil {
		return "", err
	}
	return u.ID, nil
}
