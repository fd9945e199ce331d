package httpapi

import (
	"net/http"
	"testing"

	"github.com/deskchat/deskchat/backend/chat"
)

// FuzzDecodeBytes: any request body or WebSocket frame decodes to a value
// or to one of our 4xx errors: never a panic, never an internal error.
// The seeds run as ordinary tests; `go test -fuzz FuzzDecodeBytes` explores.
func FuzzDecodeBytes(f *testing.F) {
	for _, seed := range []string{
		`{"text":"hi","client_id":"c-1"}`, `{"type":"hello","token":"t","cursor":5,"epoch":"e"}`,
		`{"text":"\ud83d\ude00"}`, `{"text":"\ud83d"}`, `{"text":"\\\ud800"}`, "{\"text\":\"\xff\"}",
		`null`, `[]`, `"x"`, `{}`, `{"text":1}`, `{"text":"a"} {}`, `{"unknown":true}`, ``, `{`, `{"cursor":-1}`,
		`{"cursor":99999999999999999999}`, `{"type":"typing","conversation_id":1.5}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, v := range []any{&chat.ClientFrame{}, &chat.NewMessage{}, &chat.CustomerInfo{}, &chat.NewItem{}} {
			err := decodeBytes(data, v)
			if err == nil {
				continue
			}
			code := chat.ErrorCode(err)
			if status, ok := statusOf[code]; !ok || status < 400 || status >= 500 || code == chat.EInternal {
				t.Fatalf("decodeBytes(%q) = %v (code %q): not a client error", data, err, code)
			}
			if status := statusOf[code]; status == http.StatusInternalServerError {
				t.Fatalf("500 for %q", data)
			}
		}
	})
}
