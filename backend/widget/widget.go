// Package widget serves the customer chat widget: the loader script that
// websites embed (/widget.js), the chat window that runs in an iframe on
// the server's own origin (/widget/frame with its app.js and app.css), and
// a preview page (/preview) with the widget on a sample site.
//
// The bundles in dist/ are built from src/ by frontend/scripts/build-widget.mjs
// (make widget) and committed, so the server builds with plain `go build`
// on a host without Node; make test rebuilds them and fails if the
// committed files are stale or over their size budget.
package widget

import (
	"embed"
	"github.com/deskchat/deskchat/backend/chat"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
)

//go:embed dist
var dist embed.FS

// Handler serves the widget. Allowed reports whether a website origin may
// embed the chat window (the server's own origin always may).
type Handler struct {
	Allowed func(origin, host string) bool
	// Origins lists the allowed website origins for the frame's CSP.
	Origins func() []string
}

// Register adds the widget's routes to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /widget.js", h.asset("dist/widget.js", "text/javascript; charset=utf-8"))
	mux.HandleFunc("GET /widget/app.js", h.asset("dist/app.js", "text/javascript; charset=utf-8"))
	mux.HandleFunc("GET /widget/app.css", h.asset("dist/app.css", "text/css; charset=utf-8"))
	mux.HandleFunc("GET /widget/frame", h.frame)
	mux.HandleFunc("GET /preview", h.preview)
}

func (h *Handler) asset(name, contentType string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		data, err := fs.ReadFile(dist, name)
		if err != nil {
			http.Error(w, "widget not built", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Cache-Control", "public, max-age=300")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		// The loader runs on other sites; it must be loadable cross-origin.
		w.Header().Set("Cross-Origin-Resource-Policy", "cross-origin")
		w.Write(data)
	}
}

var frameTmpl = template.Must(template.New("frame").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="deskchat-parent" content="{{.Parent}}">
<title>Chat</title>
<link rel="stylesheet" href="/widget/app.css">
</head>
<body>
<div id="app"></div>
<script src="/widget/app.js"></script>
</body>
</html>
`))

// frame serves the chat window for the website in ?origin=. Browsers
// refuse to show it inside any site not in frame-ancestors, so a foreign
// site cannot embed our widget; origin tells the app where to post.
func (h *Handler) frame(w http.ResponseWriter, r *http.Request) {
	parent := r.URL.Query().Get("origin")
	u, err := url.Parse(parent)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") || u.Path != "" || !h.Allowed(parent, r.Host) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte("This website may not embed the chat widget.\n"))
		return
	}
	ancestors := []string{"'self'"}
	for _, o := range h.Origins() {
		ancestors = append(ancestors, o)
	}
	w.Header().Set("Content-Security-Policy", strings.Join([]string{
		"default-src 'none'",
		"script-src 'self'",
		"style-src 'self'",
		"img-src 'self' data: blob:", // attachments are fetched with the token, shown as blob: URLs
		"connect-src 'self' ws://" + r.Host + " wss://" + r.Host,
		"base-uri 'none'",
		"form-action 'none'",
		"frame-ancestors " + strings.Join(ancestors, " "),
	}, "; "))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	frameTmpl.Execute(w, struct{ Parent string }{parent})
}

var previewTmpl = template.Must(template.New("preview").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>deskchat widget preview</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1f2937; background: #f8fafc; }
main { max-width: 44rem; margin: 3rem auto; padding: 0 1.5rem; }
code, pre { background: #e2e8f0; border-radius: 4px; padding: .1rem .3rem; }
pre { padding: .75rem; overflow-x: auto; }
</style>
</head>
<body>
<main>
<h1>Widget preview</h1>
<p>This page stands in for your website. The chat button in the corner is the deskchat
widget: open it and write as a customer would; your team answers from the desktop app.</p>
<p>To add the widget to a website, paste this snippet before <code>&lt;/body&gt;</code> and add
the site's origin to the allowed origins in the admin options:</p>
<pre>{{.Snippet}}</pre>
<p>The widget speaks the page's language (this page's is English), or the one a
<code>data-lang</code> attribute on the script tag names. See it in
<a href="/preview?lang=en">English</a> or <a href="/preview?lang=de" hreflang="de">Deutsch</a>.</p>
</main>
<script src="/widget.js" async{{if .Lang}} data-lang="{{.Lang}}"{{end}}></script>
</body>
</html>
`))

// Snippet is the embed code for a server reachable at base.
func Snippet(base string) string {
	return `<script src="` + strings.TrimRight(base, "/") + `/widget.js" async></script>`
}

func (h *Handler) preview(w http.ResponseWriter, r *http.Request) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	// ?lang=de shows the widget in that language (data-lang on its tag).
	lang, _ := chat.CheckLanguageCode(r.URL.Query().Get("lang"))
	previewTmpl.Execute(w, struct{ Snippet, Lang string }{Snippet(scheme + "://" + r.Host), lang})
}
