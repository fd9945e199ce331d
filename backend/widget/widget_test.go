package widget_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/deskchat/deskchat/backend/widget"
)

func TestHandler(t *testing.T) {
	h := &widget.Handler{
		Allowed: func(origin, host string) bool { return origin == "https://shop.example" || origin == "http://"+host },
		Origins: func() []string { return []string{"https://shop.example"} },
	}
	mux := http.NewServeMux()
	h.Register(mux)
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec
	}
	tests := []struct {
		path, contentType string
		status            int
		body              string
	}{
		{"/widget.js", "text/javascript; charset=utf-8", 200, "deskchat"},
		{"/widget/app.js", "text/javascript; charset=utf-8", 200, "/v1/stream"},
		{"/widget/app.css", "text/css; charset=utf-8", 200, ".log"},
		{"/preview", "text/html; charset=utf-8", 200, `&lt;script src=&#34;http://example.com/widget.js&#34; async&gt;&lt;/script&gt;`},
		{"/widget/frame?origin=https%3A%2F%2Fshop.example", "text/html; charset=utf-8", 200, `content="https://shop.example"`},
		{"/widget/frame?origin=https%3A%2F%2Fevil.example", "text/plain; charset=utf-8", 403, "may not embed"},
		{"/widget/frame?origin=javascript%3Aalert(1)", "text/plain; charset=utf-8", 403, "may not embed"},
		{"/widget/frame", "text/plain; charset=utf-8", 403, "may not embed"},
	}
	for _, tt := range tests {
		rec := get(tt.path)
		if rec.Code != tt.status || rec.Header().Get("Content-Type") != tt.contentType || !strings.Contains(rec.Body.String(), tt.body) {
			t.Errorf("GET %s = %d %q, body %.200q", tt.path, rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
		}
	}
	csp := get("/widget/frame?origin=https%3A%2F%2Fshop.example").Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "frame-ancestors 'self' https://shop.example", "connect-src 'self' ws://example.com"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe") {
		t.Errorf("CSP allows unsafe sources: %q", csp)
	}
}

// TestPreviewLanguage: /preview?lang=de puts data-lang="de" on the
// widget's tag; anything but a language code puts nothing.
func TestPreviewLanguage(t *testing.T) {
	h := &widget.Handler{Allowed: func(string, string) bool { return true }, Origins: func() []string { return nil }}
	mux := http.NewServeMux()
	h.Register(mux)
	for _, tc := range []struct{ query, want string }{
		{"?lang=de", `data-lang="de"`},
		{"?lang=DE", `data-lang="de"`},
		{`?lang="><script>`, ""},
		{"", ""},
	} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", "/preview"+tc.query, nil))
		body := rec.Body.String()
		if got := strings.Contains(body, "data-lang="); got != (tc.want != "") || (tc.want != "" && !strings.Contains(body, tc.want)) {
			t.Errorf("%q: data-lang in the page: %v, want %q", tc.query, got, tc.want)
		}
		if strings.Contains(body, "<script>") {
			t.Errorf("%q: markup from the query in the page", tc.query)
		}
	}
}
