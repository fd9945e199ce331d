package httpapi_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/deskchat/deskchat/backend/auth"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
	"github.com/deskchat/deskchat/backend/httpapi"
	"github.com/deskchat/deskchat/backend/hub"
	"github.com/deskchat/deskchat/backend/sqlite"
)

// pausingStore is the real store whose Epoch can be held, to stop a stream
// between authenticating and subscribing.
type pausingStore struct {
	chat.Store
	once    sync.Once
	reached chan struct{}
	release chan struct{}
}

func (p *pausingStore) Epoch(ctx context.Context) (string, error) {
	p.once.Do(func() {
		close(p.reached)
		<-p.release
	})
	return p.Store.Epoch(ctx)
}

// TestLogoutWhileStreamConnects: a logout that lands between the stream's
// authentication and its subscription still closes it.
func TestLogoutWhileStreamConnects(t *testing.T) {
	h := hub.New(0)
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "d.db"), sqlite.Options{Publisher: h})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ps := &pausingStore{Store: st, reached: make(chan struct{}), release: make(chan struct{})}
	api := httpapi.New(ps, h, httpapi.Config{})
	srv := httptest.NewServer(api)
	defer srv.Close()
	ctx := context.Background()
	hash, _ := auth.HashPassword(password)
	st.CreateUser(ctx, chat.Operator, chat.NewUser{Email: "sam@test.example", Name: "Sam", PasswordHash: hash, Support: true})
	sam, _, err := client.New(srv.URL).Login(ctx, "sam@test.example", password)
	if err != nil {
		t.Fatal(err)
	}
	result := make(chan error, 1)
	go func() {
		_, err := sam.OpenStream(ctx, client.StreamOptions{})
		result <- err
	}()
	select {
	case <-ps.reached:
	case <-time.After(5 * time.Second):
		t.Fatal("stream never authenticated")
	}
	if err := sam.Logout(ctx); err != nil {
		t.Fatal(err)
	}
	close(ps.release)
	if err := <-result; client.Code(err) != chat.EUnauthorized {
		t.Fatalf("stream after logout: %v, want unauthorized", err)
	}
}
