package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
)

// Attachments (chat/attach.go): uploads wait for their uploader, go out
// with a message, follow the message's visibility, and go with a delete,
// an erasure or an expiry, releasing their blobs.
var attachmentTests = []struct {
	name string
	fn   func(*testing.T, *fixture)
}{
	{"AttachmentsGoOutWithAMessage", testAttachmentsSend},
	{"AttachmentAccess", testAttachmentAccess},
	{"AttachmentRules", testAttachmentRules},
	{"AttachmentsGoWithTheirMessage", testAttachmentsDeleted},
	{"AttachmentsGoWithAnErasedCustomer", testAttachmentsErased},
	{"UploadsNeverSentExpire", testUploadsExpire},
}

// upload records an upload with made-up blob keys named after name.
func (f *fixture) upload(a chat.Actor, name string, image bool) *chat.Upload {
	f.t.Helper()
	u := &chat.Upload{Attachment: chat.Attachment{Name: name, Type: "application/pdf", Size: 1234}, Blob: key(name)}
	if image {
		u.Type, u.Image, u.Width, u.Height, u.ThumbBlob, u.ThumbType = "image/png", true, 800, 600, key("thumb-"+name), "image/jpeg"
	}
	out, err := f.s.CreateUpload(f.ctx, a, u)
	if err != nil {
		f.t.Fatalf("CreateUpload(%s): %v", name, err)
	}
	return out
}

// key makes a blob key (64 hex digits) from s, unique per s.
func key(s string) string {
	const hex = "0123456789abcdef"
	var b [64]byte
	h := uint64(14695981039346656037)
	for i := range b {
		if i%16 == 0 {
			for _, c := range []byte(s) {
				h = (h ^ uint64(c)) * 1099511628211
			}
			h = (h ^ uint64(i)) * 1099511628211
		}
		b[i] = hex[(h>>(4*(i%16)))&15]
	}
	return string(b[:])
}

func testAttachmentsSend(t *testing.T, f *fixture) {
	shot := f.upload(f.customerA, "screenshot.png", true)
	if !chat.ValidAttachmentID(shot.ID) || shot.MessageID != 0 || shot.Uploader.ID != f.customerA.ID {
		t.Fatalf("upload = %+v", shot)
	}
	// A customer starts a conversation with only a screenshot.
	c, first, _, err := f.s.CreateConversation(f.ctx, f.customerA, chat.NewConversation{Attachments: []string{shot.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if first == nil || first.Text != "" || len(first.Attachments) != 1 || first.Attachments[0].ID != shot.ID ||
		!first.Attachments[0].Image || first.Attachments[0].Width != 800 || first.Attachments[0].Name != "screenshot.png" {
		t.Fatalf("first message = %+v", first)
	}
	// An agent answers with text and two files, in the order given.
	a1, a2 := f.upload(f.support, "invoice.pdf", false), f.upload(f.support, "guide.pdf", false)
	m, created, err := f.s.SendMessage(f.ctx, f.support, c.ID, chat.NewMessage{ClientID: "r1", Text: "Here you go", Attachments: []string{a2.ID, a1.ID}})
	if err != nil || !created {
		t.Fatal(created, err)
	}
	if len(m.Attachments) != 2 || m.Attachments[0].Name != "guide.pdf" || m.Attachments[1].Name != "invoice.pdf" {
		t.Fatalf("attachments = %+v", m.Attachments)
	}
	// A repeat of the send answers the original; the uploads are not
	// "used twice".
	again, created, err := f.s.SendMessage(f.ctx, f.support, c.ID, chat.NewMessage{ClientID: "r1", Text: "Here you go", Attachments: []string{a2.ID, a1.ID}})
	if err != nil || created || again.ID != m.ID || len(again.Attachments) != 2 {
		t.Fatal(created, err, again)
	}
	// Every copy carries them: the page, the customer's view, the events.
	msgs, err := f.s.ListMessages(f.ctx, f.customerA, c.ID, chat.MessageFilter{})
	if err != nil || len(msgs) < 2 || len(msgs[len(msgs)-1].Attachments) != 2 {
		t.Fatalf("customer's page: %v %+v", err, msgs)
	}
	found := false
	for _, ev := range f.replay(f.customerA) {
		if ev.Type == chat.EventMessageCreated && strings.Contains(string(ev.Data), a1.ID) {
			found = true
		}
	}
	if !found {
		t.Fatal("no message.created event carries the attachment")
	}
	// Sent once: a second message cannot take the same upload.
	_, _, err = f.s.SendMessage(f.ctx, f.support, c.ID, chat.NewMessage{Text: "again", Attachments: []string{a1.ID}})
	wantCode(t, err, chat.EInvalid)
}

func testAttachmentAccess(t *testing.T, f *fixture) {
	c, _ := f.customerConversation(f.customerA, "hello")
	shot := f.upload(f.customerA, "shot.png", true)
	// Waiting: only its uploader reads it, not even an admin.
	if _, err := f.s.FindAttachment(f.ctx, f.customerA, shot.ID); err != nil {
		t.Fatal(err)
	}
	for _, a := range []chat.Actor{f.customerB, f.admin, f.support, f.dev, {}} {
		if _, err := f.s.FindAttachment(f.ctx, a, shot.ID); err == nil {
			t.Fatalf("%s %d reads a waiting upload of someone else", a.Kind, a.ID)
		}
	}
	if _, _, err := f.s.SendMessage(f.ctx, f.customerA, c.ID, chat.NewMessage{Attachments: []string{shot.ID}}); err != nil {
		t.Fatal(err)
	}
	// Sent: the conversation's rule. Visitor B and a user without the
	// support flag get not found; support users and the admin read it.
	for _, a := range []chat.Actor{f.customerA, f.support, f.admin} {
		u, err := f.s.FindAttachment(f.ctx, a, shot.ID)
		if err != nil || u.Blob != key("shot.png") || u.ThumbBlob != key("thumb-shot.png") {
			t.Fatalf("%s %d: %v %+v", a.Kind, a.ID, err, u)
		}
	}
	for _, a := range []chat.Actor{f.customerB, f.dev} {
		_, err := f.s.FindAttachment(f.ctx, a, shot.ID)
		wantCode(t, err, chat.ENotFound)
	}
	// A private note's file is the team's.
	doc := f.upload(f.support, "internal.pdf", false)
	if _, _, err := f.s.SendMessage(f.ctx, f.support, c.ID, chat.NewMessage{Text: "for us", Internal: true, Attachments: []string{doc.ID}}); err != nil {
		t.Fatal(err)
	}
	_, err := f.s.FindAttachment(f.ctx, f.customerA, doc.ID)
	wantCode(t, err, chat.ENotFound)
	if _, err := f.s.FindAttachment(f.ctx, f.support2, doc.ID); err != nil {
		t.Fatal(err)
	}
	f.customerSees(t, f.customerA, c.ID, "internal.pdf")
	// An id that is no id.
	for _, id := range []string{"", "x", "../../etc/passwd", strings.Repeat("a", chat.AttachmentIDLen)} {
		_, err := f.s.FindAttachment(f.ctx, f.support, id)
		wantCode(t, err, chat.ENotFound)
	}
}

func testAttachmentRules(t *testing.T, f *fixture) {
	c, _ := f.customerConversation(f.customerA, "hello")
	// Someone else's upload cannot be sent.
	other := f.upload(f.customerB, "b.pdf", false)
	_, _, err := f.s.SendMessage(f.ctx, f.customerA, c.ID, chat.NewMessage{Text: "x", Attachments: []string{other.ID}})
	wantCode(t, err, chat.EInvalid)
	// Nor can an agent send a customer's.
	mine := f.upload(f.customerA, "a.pdf", false)
	_, _, err = f.s.SendMessage(f.ctx, f.support, c.ID, chat.NewMessage{Text: "x", Attachments: []string{mine.ID}})
	wantCode(t, err, chat.EInvalid)
	// The refused send changed nothing: the upload still waits for its owner.
	if u, err := f.s.FindAttachment(f.ctx, f.customerA, mine.ID); err != nil || u.MessageID != 0 {
		t.Fatal(err, u)
	}
	// Eleven files, a repeated id, a malformed id.
	var ids []string
	for i := 0; i < chat.MaxAttachments+1; i++ {
		ids = append(ids, f.upload(f.customerA, "f.pdf", false).ID)
	}
	_, _, err = f.s.SendMessage(f.ctx, f.customerA, c.ID, chat.NewMessage{Text: "x", Attachments: ids})
	wantCode(t, err, chat.ETooManyFiles)
	_, _, err = f.s.SendMessage(f.ctx, f.customerA, c.ID, chat.NewMessage{Text: "x", Attachments: []string{mine.ID, mine.ID}})
	wantCode(t, err, chat.EInvalid)
	_, _, err = f.s.SendMessage(f.ctx, f.customerA, c.ID, chat.NewMessage{Text: "x", Attachments: []string{"../etc"}})
	wantCode(t, err, chat.EInvalid)
	// Ten are fine, without text.
	m, _, err := f.s.SendMessage(f.ctx, f.customerA, c.ID, chat.NewMessage{Attachments: ids[:chat.MaxAttachments]})
	if err != nil || len(m.Attachments) != chat.MaxAttachments || m.Text != "" {
		t.Fatal(err, m)
	}
	// No text and no file is still empty.
	_, _, err = f.s.SendMessage(f.ctx, f.customerA, c.ID, chat.NewMessage{Text: " \u200b"})
	wantCode(t, err, chat.EMessageEmpty)
	// A waiting upload can be taken back, by its uploader only, once.
	taken := f.upload(f.customerA, "taken-back.pdf", false)
	wantCode(t, f.s.DiscardUpload(f.ctx, f.customerB, taken.ID), chat.ENotFound)
	wantCode(t, f.s.DiscardUpload(f.ctx, f.admin, taken.ID), chat.ENotFound)
	wantCode(t, f.s.DiscardUpload(f.ctx, f.customerA, ids[0]), chat.ENotFound) // sent
	if err := f.s.DiscardUpload(f.ctx, f.customerA, taken.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.s.DiscardUpload(f.ctx, f.customerA, taken.ID), chat.ENotFound)
	_, err = f.s.FindAttachment(f.ctx, f.customerA, taken.ID)
	wantCode(t, err, chat.ENotFound)
	if rel, _ := f.s.ReleasedBlobs(f.ctx, 100); !strings.Contains(strings.Join(rel, " "), key("taken-back.pdf")) {
		t.Fatalf("a discarded upload's blob was not released: %v", rel)
	}
	// At most MaxWaitingUploads wait per person.
	for i := 2; i < chat.MaxWaitingUploads; i++ { // `mine` and the eleventh wait already
		f.upload(f.customerA, "w.pdf", false)
	}
	_, err = f.s.CreateUpload(f.ctx, f.customerA, &chat.Upload{Attachment: chat.Attachment{Name: "one-too-many.pdf", Type: "application/pdf", Size: 1}, Blob: key("x")})
	wantCode(t, err, chat.ETooManyFiles)
	// Anonymous uploads are refused.
	_, err = f.s.CreateUpload(f.ctx, chat.Actor{}, &chat.Upload{Attachment: chat.Attachment{Name: "x", Type: "text/plain", Size: 1}, Blob: key("x")})
	wantCode(t, err, chat.EUnauthorized)
}

func testAttachmentsDeleted(t *testing.T, f *fixture) {
	c, _ := f.customerConversation(f.customerA, "hello")
	shot := f.upload(f.customerA, "passport-scan.png", true)
	m, _, err := f.s.SendMessage(f.ctx, f.customerA, c.ID, chat.NewMessage{Text: "my id", Attachments: []string{shot.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.DeleteMessage(f.ctx, f.customerA, m.ID); err != nil {
		t.Fatal(err)
	}
	// The file is gone for everybody, from every copy: pages, events.
	for _, a := range []chat.Actor{f.customerA, f.admin} {
		_, err := f.s.FindAttachment(f.ctx, a, shot.ID)
		wantCode(t, err, chat.ENotFound)
		for _, ev := range f.replay(a) {
			if strings.Contains(string(ev.Data), "passport-scan") || strings.Contains(string(ev.Data), shot.ID) {
				t.Fatalf("event %d %s still names the deleted file: %s", ev.Seq, ev.Type, ev.Data)
			}
		}
	}
	f.customerSees(t, f.customerA, c.ID, "passport-scan", shot.ID)
	msgs, _ := f.s.ListMessages(f.ctx, f.admin, c.ID, chat.MessageFilter{})
	for _, mm := range msgs {
		if len(mm.Attachments) > 0 {
			t.Fatalf("a deleted message keeps its files: %+v", mm)
		}
	}
	// Its blobs are released for the sweeper, and no attachment uses them.
	released, err := f.s.ReleasedBlobs(f.ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{key("passport-scan.png"): true, key("thumb-passport-scan.png"): true}
	for _, k := range released {
		delete(want, k)
	}
	if len(want) > 0 {
		t.Fatalf("not released: %v (released %v)", want, released)
	}
	used, err := f.s.BlobsInUse(f.ctx, released)
	if err != nil || len(used) != 0 {
		t.Fatal(err, used)
	}
	if err := f.s.ForgetBlobs(f.ctx, released); err != nil {
		t.Fatal(err)
	}
	if again, _ := f.s.ReleasedBlobs(f.ctx, 100); len(again) != 0 {
		t.Fatalf("forgotten blobs come back: %v", again)
	}
	// The same bytes uploaded again by someone else: released, then used
	// again, so the sweeper must not see it.
	a := f.upload(f.customerB, "same.png", false)
	b := f.upload(f.customerA, "same.png", false)
	cb, _ := f.customerConversation(f.customerB, "hi")
	mb, _, err := f.s.SendMessage(f.ctx, f.customerB, cb.ID, chat.NewMessage{Attachments: []string{a.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.DeleteMessage(f.ctx, f.customerB, mb.ID); err != nil {
		t.Fatal(err)
	}
	if rel, _ := f.s.ReleasedBlobs(f.ctx, 100); len(rel) != 0 {
		t.Fatalf("a blob still in use (upload %s) is offered for deletion: %v", b.ID, rel)
	}
	if used, _ := f.s.BlobsInUse(f.ctx, []string{key("same.png")}); !used[key("same.png")] {
		t.Fatal("BlobsInUse misses a waiting upload's blob")
	}
}

func testAttachmentsErased(t *testing.T, f *fixture) {
	c, _ := f.customerConversation(f.customerA, "hello")
	sent := f.upload(f.customerA, "alice-selfie.png", true)
	if _, _, err := f.s.SendMessage(f.ctx, f.customerA, c.ID, chat.NewMessage{Attachments: []string{sent.ID}}); err != nil {
		t.Fatal(err)
	}
	waiting := f.upload(f.customerA, "alice-draft.pdf", false)
	invoice := f.upload(f.support, "invoice-for-alice.pdf", false)
	if _, _, err := f.s.SendMessage(f.ctx, f.support, c.ID, chat.NewMessage{Text: "your invoice", Attachments: []string{invoice.ID}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.EraseCustomer(f.ctx, f.admin, f.customerA.ID); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{sent.ID, waiting.ID} {
		_, err := f.s.FindAttachment(f.ctx, f.admin, id)
		wantCode(t, err, chat.ENotFound)
	}
	for _, ev := range f.replay(f.admin) {
		if strings.Contains(string(ev.Data), "alice-selfie") {
			t.Fatalf("event %d %s still names the erased customer's file: %s", ev.Seq, ev.Type, ev.Data)
		}
	}
	// The team's own file stays (like the team's words).
	if _, err := f.s.FindAttachment(f.ctx, f.admin, invoice.ID); err != nil {
		t.Fatal(err)
	}
	released, _ := f.s.ReleasedBlobs(f.ctx, 100)
	got := strings.Join(released, " ")
	for _, k := range []string{key("alice-selfie.png"), key("thumb-alice-selfie.png"), key("alice-draft.pdf")} {
		if !strings.Contains(got, k) {
			t.Fatalf("blob %s not released: %v", k, released)
		}
	}
	if strings.Contains(got, key("invoice-for-alice.pdf")) {
		t.Fatal("the team's file was released")
	}
	// An erased customer uploads nothing more.
	_, err := f.s.CreateUpload(f.ctx, f.customerA, &chat.Upload{Attachment: chat.Attachment{Name: "x", Type: "text/plain", Size: 1}, Blob: key("x")})
	wantCode(t, err, chat.ECustomerErased)
}

func testUploadsExpire(t *testing.T, f *fixture) {
	old := f.upload(f.customerA, "old.pdf", false)
	f.clock.Advance(chat.UploadTTL + time.Minute)
	fresh := f.upload(f.customerA, "fresh.pdf", false)
	n, err := f.s.PruneUploads(f.ctx, f.clock.Now().Add(-chat.UploadTTL))
	if err != nil || n != 1 {
		t.Fatal(n, err)
	}
	_, err = f.s.FindAttachment(f.ctx, f.customerA, old.ID)
	wantCode(t, err, chat.ENotFound)
	if _, err := f.s.FindAttachment(f.ctx, f.customerA, fresh.ID); err != nil {
		t.Fatal(err)
	}
	released, _ := f.s.ReleasedBlobs(f.ctx, 100)
	if len(released) != 1 || released[0] != key("old.pdf") {
		t.Fatalf("released = %v", released)
	}
}
