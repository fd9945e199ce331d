package syncer_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/deskchat/deskchat/app/localstore"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
	"github.com/deskchat/deskchat/backend/media/mediatest"
)

// TestFilesWaitOfflineAndLeaveWithTheirMessage: a reply with a file
// written while the server is down waits in the outbox with its copy and
// goes out (uploaded once) when the server is back; a customer's image
// reaches the local store, is cached for offline review, and leaves the
// cache when the customer deletes the message; the cache keeps its cap.
func TestFilesWaitOfflineAndLeaveWithTheirMessage(t *testing.T) {
	s := startSrv(t)
	ctx := context.Background()
	ben := login(t, s.url(), "ben@deskchat.test")
	dbPath := filepath.Join(t.TempDir(), "ben.db")
	e, st, stop := engine(t, ben, dbPath)
	defer stop()
	cust, _, err := client.New(s.url()).CreateWidgetSession(ctx, chat.CustomerInfo{Name: "Fiona Files"})
	if err != nil {
		t.Fatal(err)
	}
	conv, _, _, err := cust.CreateConversation(ctx, chat.NewConversation{Text: "I need my invoice"})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the conversation in Ben's local store", func() bool {
		_, err := st.FindConversationByID(ctx, conv.ID)
		return err == nil
	})

	// Offline: a reply with a PDF waits, its copy in the outbox folder.
	s.kill()
	pdf := []byte("%PDF-1.4 invoice 4411")
	f, err := st.StageFile("invoice 4411.pdf", pdf, chat.DefaultMaxFileBytes)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Enqueue(ctx, localstore.Entry{ClientID: "files-1", Kind: localstore.OutSendMessage, ConversationID: conv.ID,
		Text: "Here it is", Files: []localstore.OutFile{*f}}); err != nil {
		t.Fatal(err)
	}
	e.Kick()
	copyPath := filepath.Join(dbPath+".outbox", f.Token)
	if _, err := os.Stat(copyPath); err != nil {
		t.Fatal("the staged copy is not in the outbox folder:", err)
	}
	s.start()
	e.Kick()
	var sent *chat.Message
	waitFor(t, "the reply with its file on the server", func() bool {
		msgs, _ := cust.ListMessages(ctx, conv.ID, chat.MessageFilter{})
		for _, m := range msgs {
			if m.Text == "Here it is" && len(m.Attachments) == 1 {
				sent = m
				return true
			}
		}
		return false
	})
	d, err := cust.Download(ctx, sent.Attachments[0].ID, false)
	if err != nil || !bytes.Equal(d.Data, pdf) || sent.Attachments[0].Name != "invoice 4411.pdf" {
		t.Fatalf("the customer gets %v %q", err, sent.Attachments[0].Name)
	}
	waitFor(t, "the outbox to empty and the copy to go", func() bool {
		out, _ := st.Outbox(ctx, 0)
		_, err := os.Stat(copyPath)
		return len(out) == 0 && os.IsNotExist(err)
	})
	msgs, _ := cust.ListMessages(ctx, conv.ID, chat.MessageFilter{})
	n := 0
	for _, m := range msgs {
		n += len(m.Attachments)
	}
	if n != 1 {
		t.Fatalf("%d files on the server: the reply went more than once", n)
	}

	// The customer's image reaches the local store and is cached.
	shot, err := cust.Upload(ctx, "screen.png", "", mediatest.PNG(640, 480))
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := cust.Post(ctx, conv.ID, chat.NewMessage{Attachments: []string{shot.ID}})
	if err != nil {
		t.Fatal(err)
	}
	var local *chat.Attachment
	waitFor(t, "the image in Ben's local store", func() bool {
		local, err = st.Attachment(ctx, m.ID, shot.ID)
		return err == nil
	})
	if *local != *shot {
		t.Fatalf("local %+v, server %+v", local, shot)
	}
	th, err := ben.Download(ctx, shot.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CacheFile(shot.ID, true, th.Data); err != nil {
		t.Fatal(err)
	}
	if got, ok := st.CachedFile(shot.ID, true); !ok || !bytes.Equal(got, th.Data) {
		t.Fatal("the thumbnail is not cached")
	}
	// Another message's id does not open it.
	if _, err := st.Attachment(ctx, m.ID-1, shot.ID); chat.ErrorCode(err) != chat.ENotFound {
		t.Fatalf("an attachment opened through another message: %v", err)
	}
	// The customer deletes it: gone from the local store and the cache.
	if _, err := cust.DeleteMessage(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the deleted image to leave the local store and its cache", func() bool {
		_, err := st.Attachment(ctx, m.ID, shot.ID)
		_, cached := st.CachedFile(shot.ID, true)
		return chat.ErrorCode(err) == chat.ENotFound && !cached
	})
	if entries, _ := os.ReadDir(dbPath + ".files"); len(entries) != 0 {
		t.Fatalf("%d files left in the cache folder", len(entries))
	}

	// The cap: least recently used first.
	st.FileCacheBytes = 2500
	ids := []string{chat.NewAttachmentID(), chat.NewAttachmentID(), chat.NewAttachmentID()}
	for _, id := range ids {
		if err := st.CacheFile(id, false, make([]byte, 1000)); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := st.CachedFile(ids[0], false); ok {
		t.Fatal("the cache grew past its cap")
	}
	if st.CacheSize() > 2500 {
		t.Fatalf("cache holds %d bytes", st.CacheSize())
	}
}
