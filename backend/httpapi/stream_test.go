package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
	"github.com/deskchat/deskchat/backend/hub"
	"github.com/deskchat/deskchat/backend/server"
)

func timeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// closeCode reads until the server closes and returns its close code.
func closeCode(t *testing.T, s *client.Stream) int {
	t.Helper()
	ctx := timeout(t, 5*time.Second)
	for {
		_, err := s.Next(ctx)
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return ce.Code
		} else if err != nil {
			t.Fatalf("stream ended without a close frame: %v", err)
		}
	}
}

// readUntilCaughtUp collects the events of the replay.
func readUntilCaughtUp(t *testing.T, s *client.Stream) ([]*chat.Event, int64) {
	t.Helper()
	ctx := timeout(t, 10*time.Second)
	var out []*chat.Event
	for {
		f, err := s.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		switch f.Type {
		case "event":
			out = append(out, f.Event)
		case "caught_up":
			return out, f.Seq
		default:
			t.Fatalf("unexpected frame %s during replay", f.Type)
		}
	}
}

// TestStreamResumeAfterDrop: while customers send concurrently, an agent's
// connection is cut twice mid-stream; resuming from its cursor it gets
// every event exactly once and in order.
func TestStreamResumeAfterDrop(t *testing.T) {
	e := newEnv(t)
	start, err := e.support.OpenStream(e.ctx, client.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	epoch, head0 := start.Welcome.Epoch, start.Welcome.Head

	const customers, each = 6, 40
	var wg sync.WaitGroup
	errc := make(chan error, customers*each)
	for i := 0; i < customers; i++ {
		v, _ := e.customer(fmt.Sprintf("v%d", i))
		wg.Add(1)
		go func(v *client.Client, i int) {
			defer wg.Done()
			conv, _, _, err := v.CreateConversation(e.ctx, chat.NewConversation{ClientID: "start", Text: "hi"})
			if err != nil {
				errc <- err
				return
			}
			for j := 0; j < each; j++ {
				if _, _, err := v.SendMessage(e.ctx, conv.ID, fmt.Sprintf("m%d", j), fmt.Sprintf("v%d message %d", i, j)); err != nil {
					errc <- err
				}
			}
		}(v, i)
	}
	// When every sender is done, one last message marks the end.
	var endID int64
	endSent := make(chan struct{})
	go func() {
		defer close(endSent)
		wg.Wait()
		page, err := e.support.ListConversations(e.ctx, client.ConversationQuery{Limit: 1})
		if err != nil || len(page.Conversations) == 0 {
			errc <- fmt.Errorf("no conversation for the end marker: %v", err)
			return
		}
		m, _, err := e.support.SendMessage(e.ctx, page.Conversations[0].ID, "end", "END OF TEST")
		if err != nil {
			errc <- err
			return
		}
		endID = m.ID
	}()

	var seqs []int64
	msgIDs := map[int64]int{}
	cursor := head0
	stream := start
	drops := 0
	ctx := timeout(t, 60*time.Second)
	for {
		f, err := stream.Next(ctx)
		if ctx.Err() != nil {
			t.Fatalf("timed out after %d events (cursor %d)", len(seqs), cursor)
		}
		if err != nil {
			// Our own cut: reconnect from the cursor.
			stream, err = e.support.OpenStream(e.ctx, client.StreamOptions{Cursor: &cursor, Epoch: epoch})
			if err != nil {
				t.Fatalf("reconnect: %v", err)
			}
			continue
		}
		if f.Type != "event" {
			continue
		}
		ev := f.Event
		seqs = append(seqs, ev.Seq)
		cursor = ev.Seq
		if ev.Type == chat.EventMessageCreated {
			var m chat.Message
			json.Unmarshal(ev.Data, &m)
			msgIDs[m.ID]++
			if m.Text == "END OF TEST" {
				break
			}
		}
		// Cut the TCP connection (no close frame) twice along the way.
		if (len(seqs) == 60 || len(seqs) == 150) && drops < 2 {
			drops++
			stream.Conn.UnderlyingConn().Close()
		}
	}
	<-endSent
	if endID == 0 || msgIDs[endID] != 1 {
		t.Fatalf("end marker %d seen %d times", endID, msgIDs[endID])
	}
	stream.Close()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	if drops != 2 {
		t.Fatalf("dropped %d times", drops)
	}
	for i := 1; i < len(seqs); i++ {
		if seqs[i] <= seqs[i-1] {
			t.Fatalf("seq %d after %d: duplicate or out of order", seqs[i], seqs[i-1])
		}
	}
	// No gap: exactly what a full replay from the first cursor gives.
	replay, err := e.support.OpenStream(e.ctx, client.StreamOptions{Cursor: &head0, Epoch: epoch})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := readUntilCaughtUp(t, replay)
	replay.Close()
	var wantSeqs []int64
	for _, ev := range want {
		if ev.Seq <= cursor { // the end marker's transaction also marks it read
			wantSeqs = append(wantSeqs, ev.Seq)
		}
	}
	if !slices.Equal(seqs, wantSeqs) {
		t.Fatalf("got %d events, replay has %d; first difference matters", len(seqs), len(wantSeqs))
	}
	if len(msgIDs) != customers*(each+1)+1 {
		t.Fatalf("saw %d distinct messages, want %d", len(msgIDs), customers*(each+1)+1)
	}
	for id, n := range msgIDs {
		if n != 1 {
			t.Fatalf("message %d delivered %d times", id, n)
		}
	}
}

// TestStreamCustomerSeesOnlyOwn: customer A's stream carries A's
// conversation only, and a replay from 0 too.
func TestStreamCustomerSeesOnlyOwn(t *testing.T) {
	e := newEnv(t)
	a, _ := e.customer("A")
	b, _ := e.customer("B")
	convA := e.conversation(a, "A1")
	sa, err := a.OpenStream(e.ctx, client.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer sa.Close()
	convB := e.conversation(b, "B1")
	b.SendMessage(e.ctx, convB.ID, "", "B2")
	e.support.SendMessage(e.ctx, convB.ID, "", "to B")
	e.support.SendMessage(e.ctx, convA.ID, "", "to A")
	ctx := timeout(t, 5*time.Second)
	for {
		f, err := sa.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if f.Type != "event" {
			continue
		}
		if f.Event.ConversationID != convA.ID {
			t.Fatalf("customer A got an event of conversation %d: %s", f.Event.ConversationID, f.Event.Type)
		}
		if f.Event.Type == chat.EventParticipantAdded || f.Event.Type == chat.EventReadUpdated {
			t.Fatalf("customer got internal event %s", f.Event.Type)
		}
		if f.Event.Type == chat.EventMessageCreated && strings.Contains(string(f.Event.Data), "to A") {
			break
		}
	}
	zero := int64(0)
	all, err := a.OpenStream(e.ctx, client.StreamOptions{Cursor: &zero})
	if err != nil {
		t.Fatal(err)
	}
	defer all.Close()
	evs, _ := readUntilCaughtUp(t, all)
	if len(evs) == 0 {
		t.Fatal("empty replay")
	}
	for _, ev := range evs {
		if ev.ConversationID != convA.ID {
			t.Fatalf("replay leaked conversation %d", ev.ConversationID)
		}
	}
	// B's token cannot be used to follow A: a stream is its token's.
	sb, err := b.OpenStream(e.ctx, client.StreamOptions{Cursor: &zero})
	if err != nil {
		t.Fatal(err)
	}
	evs, _ = readUntilCaughtUp(t, sb)
	sb.Close()
	for _, ev := range evs {
		if ev.ConversationID == convA.ID {
			t.Fatal("B's replay contains A's conversation")
		}
	}
}

func TestStreamResync(t *testing.T) {
	e := newEnv(t)
	v, _ := e.customer("A")
	conv := e.conversation(v, "hello")
	for i := 0; i < 5; i++ {
		v.SendMessage(e.ctx, conv.ID, "", fmt.Sprintf("m%d", i))
	}
	last, _ := e.srv.Store.LastSeq(e.ctx)
	future := last + 100
	old := int64(1)
	cases := []struct {
		name    string
		opt     client.StreamOptions
		prepare func()
	}{
		{"other epoch", client.StreamOptions{Cursor: &old, Epoch: "not-this-log"}, nil},
		{"cursor beyond head", client.StreamOptions{Cursor: &future}, nil},
		{"cursor without epoch", client.StreamOptions{Cursor: &last}, nil},
		{"cursor pruned", client.StreamOptions{Cursor: &old}, func() { e.srv.Store.PruneEvents(e.ctx, last-2) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.prepare != nil {
				tc.prepare()
			}
			_, err := e.support.OpenStream(e.ctx, tc.opt)
			if client.Code(err) != chat.EResync {
				t.Fatalf("err = %v, want resync", err)
			}
		})
	}
	// The close code is 4000, after the resync frame.
	conn, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(e.url, "http")+"/v1/stream", nil)
	if err != nil {
		t.Fatal(err)
	}
	conn.WriteJSON(map[string]any{"type": "hello", "token": e.support.Token, "cursor": future})
	s := &client.Stream{Conn: conn}
	f, err := s.Next(timeout(t, 5*time.Second))
	if err != nil || f.Type != "resync" || f.Error.Code != chat.EResync || f.Head != last {
		t.Fatalf("resync frame = %+v, %v", f, err)
	}
	if code := closeCode(t, s); code != chat.CloseResync {
		t.Fatalf("close code %d", code)
	}

	// Each cause has its own reason and message.
	epoch, _ := e.srv.Store.Epoch(e.ctx)
	zero := int64(0)
	for _, tc := range []struct {
		hello  map[string]any
		reason string
		says   string
	}{
		{map[string]any{"cursor": old, "epoch": "not-this-log"}, chat.ResyncEpoch, "another event log"},
		{map[string]any{"cursor": zero, "epoch": "not-this-log"}, chat.ResyncEpoch, "another event log"},
		{map[string]any{"cursor": last}, chat.ResyncNoEpoch, "without its epoch"},
		{map[string]any{"cursor": future + 1000, "epoch": epoch}, chat.ResyncAhead, "beyond the log's head"},
		{map[string]any{"cursor": old, "epoch": epoch}, chat.ResyncPruned, "cannot be replayed"},
	} {
		conn, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(e.url, "http")+"/v1/stream", nil)
		if err != nil {
			t.Fatal(err)
		}
		tc.hello["type"], tc.hello["token"] = "hello", e.support.Token
		conn.WriteJSON(tc.hello)
		s := &client.Stream{Conn: conn}
		f, err := s.Next(timeout(t, 5*time.Second))
		if err != nil || f.Type != "resync" || f.Reason != tc.reason || !strings.Contains(f.Error.Message, tc.says) {
			t.Errorf("hello %v: frame = %+v (%+v), %v; want reason %s", tc.hello, f, f.Error, err, tc.reason)
		}
		conn.Close()
	}
}

// TestStreamClosedByServer: revocation, slow consumer and shutdown each
// close the stream with their own code; a slow consumer resumes losslessly.
func TestStreamClosedByServer(t *testing.T) {
	e := newEnv(t)
	v, _ := e.customer("A")
	conv := e.conversation(v, "hello")

	t.Run("logout closes 4001", func(t *testing.T) {
		c, _, _ := e.anon.Login(e.ctx, "sue@test.example", password)
		s, err := c.OpenStream(e.ctx, client.StreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		c.Logout(e.ctx)
		if code := closeCode(t, s); code != chat.CloseUnauthorized {
			t.Fatalf("close code %d", code)
		}
		_, err = c.OpenStream(e.ctx, client.StreamOptions{})
		if client.Code(err) != chat.EUnauthorized {
			t.Fatalf("reopen after logout: %v", err)
		}
	})
	t.Run("slow consumer closes 4008 and resumes", func(t *testing.T) {
		s, err := e.support.OpenStream(e.ctx, client.StreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		epoch, cursor := s.Welcome.Epoch, s.Welcome.Head
		m, _, _ := v.SendMessage(e.ctx, conv.ID, "", "while slow")
		e.srv.Hub.CloseWhere(hub.ReasonSlow, func(a chat.Actor) bool { return a.IsUser() })
		if code := closeCode(t, s); code != chat.CloseSlowConsumer {
			t.Fatalf("close code %d", code)
		}
		s, err = e.support.OpenStream(e.ctx, client.StreamOptions{Cursor: &cursor, Epoch: epoch})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		evs, _ := readUntilCaughtUp(t, s)
		found := 0
		for _, ev := range evs {
			if ev.Type == chat.EventMessageCreated && strings.Contains(string(ev.Data), fmt.Sprintf(`"id":%d,`, m.ID)) {
				found++
			}
		}
		if found != 1 {
			t.Fatalf("message sent while slow replayed %d times", found)
		}
	})
	t.Run("deactivation closes 4001", func(t *testing.T) {
		s, err := e.dev.OpenStream(e.ctx, client.StreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		off := false
		e.admin.UpdateUser(e.ctx, e.devU.ID, chat.UserUpdate{Active: &off})
		if code := closeCode(t, s); code != chat.CloseUnauthorized {
			t.Fatalf("close code %d", code)
		}
	})
	t.Run("shutdown closes 1001", func(t *testing.T) {
		s, err := v.OpenStream(e.ctx, client.StreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			done <- e.srv.Shutdown(ctx)
		}()
		if code := closeCode(t, s); code != websocket.CloseGoingAway {
			t.Fatalf("close code %d", code)
		}
		if err := <-done; err != nil {
			t.Fatalf("shutdown: %v", err)
		}
	})
}

// TestStreamFrames: the hello handshake and bad frames.
func TestStreamFrames(t *testing.T) {
	e := newEnv(t)
	dial := func() *client.Stream {
		conn, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(e.url, "http")+"/v1/stream", nil)
		if err != nil {
			t.Fatal(err)
		}
		return &client.Stream{Conn: conn}
	}
	for _, tc := range []struct {
		name  string
		hello map[string]string
		code  string
		close int
	}{
		{"first frame not hello", map[string]string{"type": "ping"}, chat.EInvalid, websocket.ClosePolicyViolation},
		{"bad token", map[string]string{"type": "hello", "token": "forged"}, chat.EUnauthorized, chat.CloseUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := dial()
			s.Conn.WriteJSON(tc.hello)
			f, _ := s.Next(timeout(t, 5*time.Second))
			if f == nil || f.Type != "error" || f.Error.Code != tc.code {
				t.Fatalf("frame = %+v", f)
			}
			if code := closeCode(t, s); code != tc.close {
				t.Fatalf("close code %d", code)
			}
		})
	}
	t.Run("malformed hello", func(t *testing.T) {
		s := dial()
		s.Conn.WriteMessage(websocket.TextMessage, []byte(`{"type":"hello","token":`))
		f, _ := s.Next(timeout(t, 5*time.Second))
		if f == nil || f.Error == nil || f.Error.Code != chat.EInvalidJSON {
			t.Fatalf("frame = %+v", f)
		}
	})
	t.Run("oversize frame closes 1009", func(t *testing.T) {
		s, err := e.support.OpenStream(e.ctx, client.StreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		s.Conn.WriteMessage(websocket.TextMessage, []byte(`{"type":"ping","id":"`+strings.Repeat("x", chat.MaxFrameBytes)+`"}`))
		if code := closeCode(t, s); code != websocket.CloseMessageTooBig {
			t.Fatalf("close code %d", code)
		}
	})
	t.Run("bad frames after hello are answered, stream stays", func(t *testing.T) {
		s, err := e.support.OpenStream(e.ctx, client.StreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		ctx := timeout(t, 5*time.Second)
		for _, tc := range []struct {
			kind int
			data string
			code string
		}{
			{websocket.TextMessage, `{nope`, chat.EInvalidJSON},
			{websocket.TextMessage, "{\"type\":\"ping\",\"id\":\"\xff\"}", chat.EInvalidUTF8},
			{websocket.TextMessage, `{"type":"dance"}`, chat.EInvalid},
			{websocket.TextMessage, `{"type":"ping","extra":1}`, chat.EUnknownField},
			{websocket.BinaryMessage, `{"type":"ping"}`, chat.EInvalid},
		} {
			s.Conn.WriteMessage(tc.kind, []byte(tc.data))
			f, err := nextNonEvent(ctx, s)
			if err != nil || f.Type != "error" || f.Error.Code != tc.code {
				t.Fatalf("%q: frame %+v, %v; want error %s", tc.data, f, err, tc.code)
			}
		}
		s.Conn.WriteJSON(map[string]string{"type": "ping", "id": "p1"})
		f, err := nextNonEvent(ctx, s)
		if err != nil || f.Type != "pong" || f.ID != "p1" {
			t.Fatalf("pong = %+v, %v", f, err)
		}
	})
}

func nextNonEvent(ctx context.Context, s *client.Stream) (*client.Frame, error) {
	for {
		f, err := s.Next(ctx)
		if err != nil || (f.Type != "event" && f.Type != "caught_up") {
			return f, err
		}
	}
}

// TestStreamOrigin: cross-site WebSocket hijacking is refused before the
// upgrade; the server's own origin and allowed sites get through.
func TestStreamOrigin(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		origin string
		ok     bool
	}{
		{"", true}, // non-browser client (desktop app)
		{e.url, true},
		{"https://shop.example.com", true},
		{"https://eu.partner.example", true},
		{"https://evil.example", false},
		{"http://shop.example.com", false}, // scheme matters
		{"https://shop.example.com.evil.example", false},
		{"https://partner.example", false}, // *.partner.example means subdomains
		{"null", false},
	} {
		t.Run(tc.origin, func(t *testing.T) {
			s, err := e.openStream(e.support, tc.origin)
			if tc.ok {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				s.Close()
				return
			}
			wantAPIError(t, err, 403, chat.EOriginForbidden)
		})
	}
}

// TestClientNoticesSilence: a stream that hears nothing, not even a ping,
// for client.LiveWait fails instead of waiting forever (a laptop that slept
// on a half-open connection).
func TestClientNoticesSilence(t *testing.T) {
	e := newEnv(t)
	defer func(w time.Duration) { client.LiveWait = w }(client.LiveWait)
	client.LiveWait = 300 * time.Millisecond // far below the server's 30 s ping period
	s, err := e.support.OpenStream(e.ctx, client.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	done := make(chan error, 1)
	go func() {
		for {
			if _, err := s.Next(context.Background()); err != nil {
				done <- err
				return
			}
		}
	}()
	select {
	case err := <-done:
		if !strings.Contains(err.Error(), "timeout") {
			t.Fatalf("err = %v, want a timeout", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a silent stream was waited on forever")
	}
}

// TestCursorAheadOfALaggingNode: with several nodes, a client may come to
// a node whose hub has not yet delivered the events up to the client's
// cursor (another node gave it out a moment ago). Within the database's
// head that is no reason to resync: the client goes on from its cursor,
// and the events the hub delivers late up to it are not sent twice.
func TestCursorAheadOfALaggingNode(t *testing.T) {
	e := newEnv(t)
	v, _ := e.customer("Lena Lag")
	conv := e.conversation(v, "one")
	v.SendMessage(e.ctx, conv.ID, "", "two")
	last, _ := e.srv.Store.LastSeq(e.ctx)
	epoch, _ := e.srv.Store.Epoch(e.ctx)
	late, err := e.srv.Store.ListEvents(e.ctx, chat.Actor{Kind: chat.KindCustomer, ID: v2id(t, e, v)}, last-2, last, 10)
	if err != nil || len(late) == 0 {
		t.Fatalf("events to deliver late: %d, %v", len(late), err)
	}
	e.srv.Hub.SetHead(last - 2) // this node's hub lags the database by two events
	st, err := v.OpenStream(e.ctx, client.StreamOptions{Cursor: &last, Epoch: epoch})
	if err != nil {
		t.Fatalf("a cursor within the database's head was refused: %v", err)
	}
	defer st.Close()
	if st.Welcome.Head != last {
		t.Fatalf("welcome head %d, want the cursor %d", st.Welcome.Head, last)
	}
	e.srv.Hub.Publish(late) // the lagging hub catches up
	m, _, err := v.SendMessage(e.ctx, conv.ID, "", "three")
	if err != nil {
		t.Fatal(err)
	}
	for {
		f, err := st.Next(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if f.Type != chat.FrameEvent {
			continue
		}
		if f.Event.Seq <= last {
			t.Fatalf("event %d sent again after the client's cursor %d", f.Event.Seq, last)
		}
		if f.Event.Type == chat.EventMessageCreated && strings.Contains(string(f.Event.Data), m.Text) {
			return
		}
	}
}

func v2id(t *testing.T, e *env, c *client.Client) int64 {
	t.Helper()
	me, err := c.Me(e.ctx)
	if err != nil || me.Customer == nil {
		t.Fatalf("me: %+v %v", me, err)
	}
	return me.Customer.ID
}

// TestStreamPanicEndsOnlyThatStream: a panic on a stream's goroutine (a
// bug) ends that stream, not the server: its connection closes, and the
// server goes on serving streams and requests. (Before the fix this test
// crashed the test process.)
func TestStreamPanicEndsOnlyThatStream(t *testing.T) {
	var boom atomic.Bool
	e := newEnv(t, func(c *server.Config) {
		now := c.API.Now
		c.API.Now = func() time.Time {
			if boom.Load() {
				panic("test: a bug in a stream")
			}
			return now()
		}
	})
	conn, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(e.url, "http")+"/v1/stream", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	boom.Store(true)
	conn.WriteJSON(map[string]any{"type": "hello", "token": e.support.Token, "cursor": 0})
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		if _, _, err := conn.ReadMessage(); err != nil {
			if ne, ok := err.(interface{ Timeout() bool }); ok && ne.Timeout() {
				t.Fatal("the stream neither answered nor closed")
			}
			break // closed by the server: the stream ended
		}
	}
	boom.Store(false)
	s, err := e.openStream(e.support, "")
	if err != nil {
		t.Fatalf("a stream after the panic: %v", err)
	}
	s.Close()
	if _, err := e.support.Me(e.ctx); err != nil {
		t.Fatalf("a request after the panic: %v", err)
	}
}

// rawStream opens a stream with a plain WebSocket (no client goroutines)
// and reads up to caught_up.
func rawStream(t *testing.T, e *env, token string) *websocket.Conn {
	t.Helper()
	conn, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(e.url, "http")+"/v1/stream", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.WriteJSON(map[string]any{"type": "hello", "token": token})
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		var f chat.ServerFrame
		if err := conn.ReadJSON(&f); err != nil {
			t.Fatal(err)
		}
		if f.Type == chat.FrameCaughtUp {
			return conn
		}
	}
}

// settledGoroutines waits until the number of goroutines stops moving.
func settledGoroutines() int {
	n := runtime.NumGoroutine()
	for range 50 {
		time.Sleep(20 * time.Millisecond)
		m := runtime.NumGoroutine()
		if m == n {
			return n
		}
		n = m
	}
	return n
}

// TestIdleStreamHasOnlyItsReader: a live stream with nothing to send keeps
// one goroutine (its reader), not a writer parked for the next event; an
// event wakes a writer that delivers it and goes (the memory of 15,000
// idle streams, docs/PERFORMANCE.md).
func TestIdleStreamHasOnlyItsReader(t *testing.T) {
	e := newEnv(t)
	v, _ := e.customer("Idle")
	conv := e.conversation(v, "hello")
	const n = 40
	before := settledGoroutines()
	conns := make([]*websocket.Conn, n)
	for i := range conns {
		conns[i] = rawStream(t, e, e.support.Token)
	}
	idle := settledGoroutines() - before
	if idle > n+n/4 {
		t.Fatalf("%d idle streams hold %d goroutines, want about %d (one reader each)", n, idle, n)
	}
	m, _, err := v.SendMessage(e.ctx, conv.ID, "", "wake up")
	if err != nil {
		t.Fatal(err)
	}
	for i, conn := range conns {
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		var f chat.ServerFrame
		for f.Event == nil || f.Event.Type != chat.EventMessageCreated {
			if err := conn.ReadJSON(&f); err != nil {
				t.Fatalf("stream %d: %v", i, err)
			}
		}
		if !strings.Contains(string(f.Event.Data), fmt.Sprintf(`"id":%d,`, m.ID)) {
			t.Fatalf("stream %d got %s", i, f.Event.Data)
		}
	}
	if after := settledGoroutines() - before; after > n+n/4 {
		t.Fatalf("after the event %d streams hold %d goroutines, want about %d", n, after, n)
	}
}

// TestStreamPingsAndExpiry: an idle stream is pinged every StreamPing,
// and the ping that finds the token expired closes it (4001,
// token_expired).
func TestStreamPingsAndExpiry(t *testing.T) {
	e := newEnv(t, func(c *server.Config) { c.API.StreamPing = 50 * time.Millisecond })
	conn := rawStream(t, e, e.support.Token)
	var pings atomic.Int32
	conn.SetPingHandler(func(data string) error {
		pings.Add(1)
		return conn.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
	})
	conn.SetReadDeadline(time.Now().Add(400 * time.Millisecond))
	for { // pings are handled while reading (presence may come too)
		if _, _, err := conn.ReadMessage(); err != nil {
			if ne, ok := err.(interface{ Timeout() bool }); !ok || !ne.Timeout() {
				t.Fatalf("idle stream ended: %v", err)
			}
			break
		}
	}
	if got := pings.Load(); got < 3 {
		t.Fatalf("%d pings in 400 ms at one per 50 ms", got)
	}
	// The read timed out: gorilla's conn is done; open a fresh one.
	conn = rawStream(t, e, e.support.Token)
	e.clock.Advance(31 * 24 * time.Hour) // past the user token's 30 days
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		_, _, err := conn.ReadMessage()
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			if ce.Code != chat.CloseUnauthorized || ce.Text != chat.ETokenExpired {
				t.Fatalf("closed %d %q, want %d %q", ce.Code, ce.Text, chat.CloseUnauthorized, chat.ETokenExpired)
			}
			return
		} else if err != nil {
			t.Fatalf("stream ended without a close frame: %v", err)
		}
	}
}

// TestStreamPingNotBehindQueue: a ping that falls due while events are
// queued goes out between them, so a token that expired ends a busy
// stream too, long before its queue drains (and a passive client, which
// only answers pings, is not taken for gone).
func TestStreamPingNotBehindQueue(t *testing.T) {
	e := newEnv(t, func(c *server.Config) { c.API.StreamPing = 20 * time.Millisecond })
	v, _ := e.customer("Busy")
	conv := e.conversation(v, "hello")
	conn := rawStream(t, e, e.support.Token)
	// The client does not read yet: 400 messages of 15 KB fill the
	// socket and wait in the stream's queue.
	text := strings.Repeat("€", chat.MaxMessageRunes)
	const n = 400
	for range n {
		if _, _, err := v.SendMessage(e.ctx, conv.ID, "", text); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.Advance(31 * 24 * time.Hour) // past the user token's 30 days
	time.Sleep(100 * time.Millisecond)   // a ping falls due
	// No pongs: data the server never reads would turn its close into a
	// reset that discards the close frame.
	conn.SetPingHandler(func(string) error { return nil })
	conn.SetReadDeadline(time.Now().Add(15 * time.Second))
	got := 0
	for {
		var f chat.ServerFrame
		err := conn.ReadJSON(&f)
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			if ce.Code != chat.CloseUnauthorized || ce.Text != chat.ETokenExpired {
				t.Fatalf("closed %d %q, want %d %q", ce.Code, ce.Text, chat.CloseUnauthorized, chat.ETokenExpired)
			}
			if got >= n {
				t.Fatalf("the expiry came after all %d queued events", got)
			}
			t.Logf("closed for the expired token after %d of %d queued events", got, n)
			return
		} else if err != nil {
			t.Fatalf("after %d events: %v", got, err)
		}
		if f.Event != nil && f.Event.Type == chat.EventMessageCreated {
			got++
		}
	}
}
