package httpapi_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/deskchat/deskchat/backend/client"
)

// FuzzStreamFrames sends arbitrary frames on a real stream of a real
// server: the server answers each with a frame of its own (error, pong) or
// closes with a protocol code, never drops the connection silently or
// fails, and still answers a ping afterwards unless it closed properly.
func FuzzStreamFrames(f *testing.F) {
	e := newEnv(f)
	for _, seed := range []string{
		`{"type":"ping","id":"x"}`, `{"type":"typing","conversation_id":1}`, `{"type":"typing","conversation_id":-5}`,
		`{"type":"hello","token":"t"}`, `{"type":"dance"}`, `{`, `null`, `[]`, "\xff\xfe", `{"type":"ping","extra":1}`,
		`{"type":"typing","conversation_id":99999999999999999999}`, strings.Repeat(`{"type":"ping"}`, 3),
	} {
		f.Add([]byte(seed), true)
	}
	f.Fuzz(func(t *testing.T, frame []byte, text bool) {
		s, err := e.support.OpenStream(context.Background(), client.StreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		kind := websocket.BinaryMessage
		if text {
			kind = websocket.TextMessage
		}
		if err := s.Conn.WriteMessage(kind, frame); err != nil {
			t.Fatal(err)
		}
		s.Conn.WriteJSON(map[string]string{"type": "ping", "id": "after"})
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for {
			f, err := s.Next(ctx)
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				if ce.Code == websocket.CloseInternalServerErr || ce.Code == websocket.CloseAbnormalClosure {
					t.Fatalf("frame %q: closed with %d", frame, ce.Code)
				}
				return // a protocol close (e.g. 1009 too big) is a proper answer
			}
			if err != nil {
				t.Fatalf("frame %q: connection lost: %v", frame, err)
			}
			if f.Type == "error" && (f.Error == nil || f.Error.Code == "internal") {
				t.Fatalf("frame %q: error frame %+v", frame, f.Error)
			}
			if f.Type == "pong" && f.ID == "after" {
				return // still serving
			}
		}
	})
}
