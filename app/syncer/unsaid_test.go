package syncer_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/deskchat/deskchat/app/localstore"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
)

// fileHolds lists which of words the local database file or its WAL holds.
func fileHolds(path string, words ...string) []string {
	return fileHoldsAt(path, words...)
}

// fileKeeps is fileHolds once the background checkpoint had its chance.
func fileKeeps(path string, words ...string) []string {
	f := fileHoldsAt(path, words...)
	for deadline := time.Now().Add(10 * time.Second); len(f) > 0 && time.Now().Before(deadline); f = fileHoldsAt(path, words...) {
		time.Sleep(50 * time.Millisecond)
	}
	return f
}

func fileHoldsAt(path string, words ...string) []string {
	var found []string
	for _, suffix := range []string{"", "-wal"} {
		b, _ := os.ReadFile(path + suffix)
		for _, w := range words {
			if bytes.Contains(b, []byte(w)) {
				found = append(found, filepath.Base(path+suffix)+": "+w)
			}
		}
	}
	return found
}

// waitErased waits until the local store knows the customer was erased.
func waitErased(t *testing.T, st *localstore.Store, id int64) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if c, err := st.FindCustomerByID(context.Background(), id); err == nil && c.ErasedAt != nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the erasure never reached the local store")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestUnsaidReachesSyncedDesktops: two desktops synced a customer's
// conversation, one stays online and one is closed. A message is edited,
// another deleted, then an admin erases the customer. Both local stores end
// with none of the earlier text or the customer's details in search, reads
// or the database files; the closed one learns it when it starts again.
func TestUnsaidReachesSyncedDesktops(t *testing.T) {
	s := startSrv(t)
	ctx := context.Background()
	ben := login(t, s.url(), "ben@deskchat.test")
	sam := login(t, s.url(), "dana@deskchat.test")
	anna := login(t, s.url(), "anna@deskchat.test")
	v, tr, err := client.New(s.url()).CreateWidgetSession(ctx, chat.CustomerInfo{Name: "Quentin Quixotic", Email: "quentin@quixotic.example",
		PageURL: "https://shop.example/orders/xylograph"})
	if err != nil {
		t.Fatal(err)
	}
	conv, first, _, err := v.CreateConversation(ctx, chat.NewConversation{Text: "my card is zanzibarpelican"})
	if err != nil {
		t.Fatal(err)
	}
	typo, _, _ := v.SendMessage(ctx, conv.ID, "", "call me on flamingoquartz")
	if _, _, err := ben.SendMessage(ctx, conv.ID, "", "Noted, thanks."); err != nil {
		t.Fatal(err)
	}

	onlinePath := filepath.Join(t.TempDir(), "ben.db")
	closedPath := filepath.Join(t.TempDir(), "sam.db")
	_, online, stopOnline := engine(t, ben, onlinePath)
	defer stopOnline()
	eventually(t, ben, online, 15*time.Second)
	_, closed, stopClosed := engine(t, sam, closedPath)
	eventually(t, sam, closed, 15*time.Second)
	stopClosed() // this desktop is shut down now
	for _, p := range []string{onlinePath, closedPath} {
		if f := fileHolds(p, "zanzibarpelican", "Quixotic"); len(f) == 0 {
			t.Fatalf("premise: %s never held the text: %v", p, f)
		}
	}

	// The customer edits one message; the edit reaches the online desktop.
	if _, err := v.EditMessage(ctx, typo.ID, "call me (number removed)"); err != nil {
		t.Fatal(err)
	}
	eventually(t, ben, online, 15*time.Second)
	if f := fileKeeps(onlinePath, "flamingoquartz"); len(f) > 0 {
		t.Errorf("the online desktop keeps an edited message's earlier text: %v", f)
	}
	if res, _ := online.Search(ctx, "flamingoquartz", 10); len(res) != 0 {
		t.Errorf("earlier text still found: %+v", res)
	}

	// An admin erases the customer.
	if _, err := anna.EraseCustomer(ctx, tr.Customer.ID); err != nil {
		t.Fatal(err)
	}
	waitErased(t, online, tr.Customer.ID)
	_, closed, stopClosed = engine(t, sam, closedPath) // the closed desktop starts again
	defer stopClosed()
	waitErased(t, closed, tr.Customer.ID)

	personal := []string{"Quentin", "Quixotic", "quentin@quixotic", "xylograph", "zanzibarpelican", "flamingoquartz"}
	for name, st := range map[string]*localstore.Store{"online": online, "restarted": closed} {
		path := onlinePath
		if name == "restarted" {
			path = closedPath
		}
		c, _ := st.FindCustomerByID(ctx, tr.Customer.ID)
		if c.Name != "" || c.Email != "" || c.PageURL != "" {
			t.Errorf("%s desktop keeps the customer: %+v", name, c)
		}
		msgs, _ := st.ListMessages(ctx, conv.ID, 0, 50)
		for _, m := range msgs {
			if m.ID == first.ID && (m.Text != "" || m.DeletedAt == nil) {
				t.Errorf("%s desktop keeps the customer's message: %+v", name, m)
			}
		}
		for _, q := range []string{"zanzibarpelican", "quixotic"} {
			if res, _ := st.Search(ctx, q, 10); len(res) != 0 {
				t.Errorf("%s desktop still finds %q: %+v", name, q, res)
			}
		}
		if f := fileKeeps(path, personal...); len(f) > 0 {
			t.Errorf("%s desktop's files still hold the erased customer: %v", name, f)
		}
	}
}
