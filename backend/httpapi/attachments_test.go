package httpapi_test

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
	"github.com/deskchat/deskchat/backend/media/mediatest"
	"github.com/deskchat/deskchat/backend/server"
)

// fastSweep makes the file sweeper run often and spare nothing for long,
// so that a deleted file's bytes are gone within a test.
func fastSweep(c *server.Config) {
	c.FilesEvery, c.FileGrace = 50*time.Millisecond, time.Millisecond
}

// blobFiles lists the files in the server's blob folder (tmp/ aside).
func (e *env) blobFiles() []string {
	e.t.Helper()
	var out []string
	root := e.dbPath + ".files"
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if rel, _ := filepath.Rel(root, p); err == nil && !d.IsDir() && !strings.HasPrefix(rel, "tmp") {
			out = append(out, filepath.Base(p))
		}
		return nil
	})
	return out
}

func TestAttachmentRoundTrip(t *testing.T) {
	e := newEnv(t)
	alice, _ := e.customer("Alice")
	conv := e.conversation(alice, "It breaks")
	// The client claims HTML; the bytes are a PNG: the bytes win.
	png := mediatest.PNG(1200, 800)
	shot, err := alice.Upload(e.ctx, "error screen.png", "text/html", png)
	if err != nil {
		t.Fatal(err)
	}
	if shot.Type != "image/png" || !shot.Image || shot.Width != 1200 || shot.Height != 800 || shot.Name != "error screen.png" {
		t.Fatalf("upload = %+v", shot)
	}
	m, _, err := alice.Post(e.ctx, conv.ID, chat.NewMessage{Text: "see", Attachments: []string{shot.ID}})
	if err != nil || len(m.Attachments) != 1 || m.Attachments[0] != *shot {
		t.Fatalf("%v %+v", err, m)
	}
	// The agent opens it: inline, its own type, the safety headers.
	d, err := e.support.Download(e.ctx, shot.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if d.ContentType != "image/png" || !strings.HasPrefix(d.Disposition, "inline") || !strings.Contains(d.Disposition, "error screen.png") {
		t.Fatalf("served as %q, %q", d.ContentType, d.Disposition)
	}
	safe(t, d.Header)
	if int64(len(d.Data)) != shot.Size {
		t.Fatalf("%d bytes served, %d recorded", len(d.Data), shot.Size)
	}
	// The thumbnail fits 320 px and keeps the aspect.
	th, err := e.support.Download(e.ctx, shot.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := image.Decode(bytes.NewReader(th.Data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 320 || b.Dy() != 213 {
		t.Fatalf("thumbnail %v", b)
	}
	safe(t, th.Header)
	// Ranges are served (large files, resumed downloads).
	req, _ := http.NewRequest("GET", e.url+"/v1/attachments/"+shot.ID, nil)
	req.Header.Set("Authorization", "Bearer "+e.support.Token)
	req.Header.Set("Range", "bytes=0-7")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	head, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(head, png[:8]) {
		t.Fatalf("range: %d %x", resp.StatusCode, head)
	}
	// A range outside the file answers in the one error shape; a
	// malformed one is ignored (the whole file).
	tok := e.support.Token
	if status, code := e.raw("GET", "/v1/attachments/"+shot.ID, tok, nil, map[string]string{"Range": "bytes=99999999-"}); status != 416 || code != chat.ERange {
		t.Fatalf("range outside: %d %s", status, code)
	}
	if status, _ := e.raw("GET", "/v1/attachments/"+shot.ID, tok, nil, map[string]string{"Range": "bytes=abc"}); status != 200 {
		t.Fatalf("malformed range: %d", status)
	}
	if !strings.Contains(th.Disposition, "error screen (thumbnail).jpg") {
		t.Fatalf("thumbnail named %q", th.Disposition)
	}
	// The query is read strictly; the body is the file as it is.
	if status, code := e.raw("POST", "/v1/uploads?name=a.png&name=b.png", tok, []byte("x"), nil); status != 400 || code != chat.EInvalid {
		t.Fatalf("name twice: %d %s", status, code)
	}
	if status, code := e.raw("POST", "/v1/uploads?name=a.txt", tok, []byte("x"), map[string]string{"Content-Encoding": "gzip"}); status != 415 || code != chat.EMediaType {
		t.Fatalf("gzip: %d %s", status, code)
	}
}

// safe checks the headers every served file carries.
func safe(t *testing.T, h http.Header) {
	t.Helper()
	if h.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") ||
		!strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") || !strings.Contains(h.Get("Cache-Control"), "no-store") {
		t.Fatalf("unsafe headers: %v", h)
	}
}

// TestHostileFiles: whatever the bytes and the claims, only a whole PNG,
// JPEG, GIF or WebP is ever served inline; everything else is a download
// of application/octet-stream.
func TestHostileFiles(t *testing.T) {
	e := newEnv(t)
	alice, _ := e.customer("Alice")
	conv := e.conversation(alice, "files")
	cases := []struct {
		name, claim string
		data        []byte
		typ         string
		image       bool
	}{
		{"page.png", "image/png", []byte("<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"), "text/html; charset=utf-8", false},
		{"logo.svg", "image/svg+xml", mediatest.SVGWithScript(), "image/svg+xml", false},
		{"doc.pdf", "application/pdf", []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"), "application/pdf", false},
		{"anim.gif", "", mediatest.GIF(64, 64), "image/gif", true},
		{"pic.webp", "application/octet-stream", mediatest.WebP(), "image/webp", true},
		{"photo.jpg", "image/jpeg", mediatest.JPEGWithGPS(640, 480, 1), "image/jpeg", true},
	}
	// A file that is both a GIF and HTML starts as an image and breaks
	// off: its metadata cannot be checked, so it is refused (kept as a
	// plain file only when the admin keeps image metadata).
	if _, err := alice.Upload(e.ctx, "both.gif", "image/gif", mediatest.Polyglot()); client.Code(err) != chat.EInvalid {
		t.Fatalf("polyglot: %v", err)
	}
	keep := true
	if _, err := e.admin.UpdateSettings(e.ctx, chat.SettingsUpdate{KeepImageLocation: &keep}); err != nil {
		t.Fatal(err)
	}
	cases = append(cases, struct {
		name, claim string
		data        []byte
		typ         string
		image       bool
	}{"both.gif", "image/gif", mediatest.Polyglot(), "application/octet-stream", false})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			att, err := alice.Upload(e.ctx, c.name, c.claim, c.data)
			if err != nil {
				t.Fatal(err)
			}
			if att.Type != c.typ || att.Image != c.image {
				t.Fatalf("sniffed %q image=%v, want %q image=%v", att.Type, att.Image, c.typ, c.image)
			}
			if _, _, err := alice.Post(e.ctx, conv.ID, chat.NewMessage{Attachments: []string{att.ID}}); err != nil {
				t.Fatal(err)
			}
			d, err := e.support.Download(e.ctx, att.ID, false)
			if err != nil {
				t.Fatal(err)
			}
			safe(t, d.Header)
			if c.image {
				if d.ContentType != c.typ || !strings.HasPrefix(d.Disposition, "inline") {
					t.Fatalf("image served as %q %q", d.ContentType, d.Disposition)
				}
				return
			}
			if d.ContentType != "application/octet-stream" || !strings.HasPrefix(d.Disposition, "attachment") {
				t.Fatalf("%s served as %q %q: it must only download", c.name, d.ContentType, d.Disposition)
			}
			_, err = e.support.Download(e.ctx, att.ID, true)
			if client.Code(err) != chat.ENotFound {
				t.Fatalf("a file that is no image has a thumbnail: %v", err)
			}
		})
	}
}

// TestUploadLimits: every bad upload is a 4xx with its code, and the
// admin's limit holds to the byte.
func TestUploadLimits(t *testing.T) {
	e := newEnv(t)
	alice, _ := e.customer("Alice")
	conv := e.conversation(alice, "files")
	up := func(cl *client.Client, name string, data []byte) (*chat.Attachment, string) {
		t.Helper()
		att, err := cl.Upload(e.ctx, name, "", data)
		return att, client.Code(err)
	}
	if _, code := up(alice, "empty.txt", nil); code != chat.EFileEmpty {
		t.Fatalf("zero bytes: %q", code)
	}
	big := bytes.Repeat([]byte("x"), chat.DefaultMaxFileBytes+1)
	if _, code := up(alice, "big.txt", big); code != chat.EFileTooLarge {
		t.Fatalf("10 MB + 1: %q", code)
	}
	if _, code := up(alice, "ten.txt", big[:chat.DefaultMaxFileBytes]); code != "" {
		t.Fatalf("10 MB: %q", code)
	}
	// Without a Content-Length (chunked), the cut-off still holds.
	req, _ := http.NewRequest("POST", e.url+"/v1/uploads?name=chunked.bin", io.MultiReader(bytes.NewReader(big), strings.NewReader("")))
	req.ContentLength = -1
	req.Header.Set("Authorization", "Bearer "+alice.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("chunked 10 MB + 1: %d", resp.StatusCode)
	}
	// The admin lowers the limit.
	limit := int64(100 << 10)
	if _, err := e.admin.UpdateSettings(e.ctx, chat.SettingsUpdate{MaxFileBytes: &limit}); err != nil {
		t.Fatal(err)
	}
	if _, code := up(alice, "a.txt", big[:limit+1]); code != chat.EFileTooLarge {
		t.Fatalf("limit + 1: %q", code)
	}
	if _, code := up(alice, "a.txt", big[:limit]); code != "" {
		t.Fatalf("limit: %q", code)
	}
	for _, bad := range []int64{0, 1023, chat.MaxFileBytesLimit + 1} {
		if _, err := e.admin.UpdateSettings(e.ctx, chat.SettingsUpdate{MaxFileBytes: &bad}); client.Code(err) != chat.EInvalid {
			t.Fatalf("max_file_bytes %d: %v", bad, err)
		}
	}
	// The widget learns the limit.
	var cfg chat.WidgetConfig
	if _, err := e.anon.Do(e.ctx, "GET", "/v1/widget/config", nil, &cfg); err != nil || cfg.MaxFileBytes != limit {
		t.Fatal(err, cfg)
	}
	// Eleven files on one message.
	var ids []string
	for i := 0; i < chat.MaxAttachments+1; i++ {
		att, code := up(alice, fmt.Sprintf("f%d.txt", i), []byte("file"))
		if code != "" {
			t.Fatal(code)
		}
		ids = append(ids, att.ID)
	}
	if _, _, err := alice.Post(e.ctx, conv.ID, chat.NewMessage{Attachments: ids}); client.Code(err) != chat.ETooManyFiles {
		t.Fatalf("11 files: %v", err)
	}
	if m, _, err := alice.Post(e.ctx, conv.ID, chat.NewMessage{Attachments: ids[:10]}); err != nil || len(m.Attachments) != 10 {
		t.Fatalf("10 files: %v", err)
	}
	// Another person's upload, an unknown id.
	bobs, _ := e.customer("Bob")
	bob, _ := up(bobs, "bob.txt", []byte("bob"))
	if _, _, err := alice.Post(e.ctx, conv.ID, chat.NewMessage{Text: "x", Attachments: []string{bob.ID}}); client.Code(err) != chat.EInvalid {
		t.Fatalf("someone else's upload: %v", err)
	}
	// No name, no token.
	if status, code := e.raw("POST", "/v1/uploads", alice.Token, []byte("x"), nil); status != 400 || code != chat.EInvalid {
		t.Fatalf("no name: %d %s", status, code)
	}
	if status, code := e.raw("POST", "/v1/uploads?name=x.txt", "", []byte("x"), nil); status != 401 || code != chat.EUnauthorized {
		t.Fatalf("no token: %d %s", status, code)
	}
}

// TestFileNames: a name is user text; what is stored can neither leave a
// folder nor disguise itself.
func TestFileNames(t *testing.T) {
	e := newEnv(t)
	cases := []struct{ in, want string }{
		{"../../etc/passwd", "_.._etc_passwd"},
		{`..\..\windows\system32\cmd.exe`, `_.._windows_system32_cmd.exe`},
		{"invoice\u202Efdp.exe", "invoicefdp.exe"},
		{"\u2067evil\u2069.pdf", "evil.pdf"},
		{"tab\there\nnew.txt", "tabherenew.txt"},
		{"  .hidden  ", "hidden"},
		{"CON.txt", "_CON.txt"},
		{"a:b*c?.txt", "a_b_c_.txt"},
		{"Übersicht 2026.pdf", "Übersicht 2026.pdf"},
	}
	for _, c := range cases {
		att, err := e.support.Upload(e.ctx, c.in, "", []byte("x"))
		if err != nil || att.Name != c.want {
			t.Errorf("%q stored as %+v (%v), want %q", c.in, att, err, c.want)
		}
	}
	long := strings.Repeat("ü", 200) + ".pdf" // 404 bytes
	att, err := e.support.Upload(e.ctx, long, "", []byte("x"))
	if err != nil || len(att.Name) > chat.MaxFileNameBytes || !strings.HasSuffix(att.Name, "ü.pdf") {
		t.Fatalf("long name: %v %q (%d bytes)", err, att.Name, len(att.Name))
	}
	for _, empty := range []string{"", "   ", "\u202E", "..", ". . ."} {
		if _, err := e.support.Upload(e.ctx, empty, "", []byte("x")); client.Code(err) != chat.EInvalid {
			t.Errorf("name %q: %v", empty, err)
		}
	}
	if status, code := e.raw("POST", "/v1/uploads?name=%ff.txt", e.support.Token, []byte("x"), nil); status != 400 || code != chat.EInvalidUTF8 {
		t.Fatalf("invalid UTF-8: %d %s", status, code)
	}
	// The download names it safely (RFC 2231 for non-ASCII).
	d, err := e.support.Download(e.ctx, mustUpload(t, e, "Übersicht \"Q1\".pdf"), false)
	if err != nil || !strings.Contains(d.Disposition, "filename*=utf-8''%C3%9Cbersicht%20_Q1_.pdf") {
		t.Fatalf("%v %q", err, d.Disposition)
	}
}

func mustUpload(t *testing.T, e *env, name string) string {
	t.Helper()
	att, err := e.support.Upload(e.ctx, name, "", []byte("%PDF-1.4 x"))
	if err != nil {
		t.Fatal(err)
	}
	return att.ID
}

// TestImageLocationIsStripped: GPS goes before the file is stored, the
// orientation stays; an admin may keep the metadata.
func TestImageLocationIsStripped(t *testing.T) {
	e := newEnv(t)
	photo := mediatest.JPEGWithGPS(400, 300, 6)
	if !mediatest.HasGPS(photo) {
		t.Fatal("the fixture has no GPS")
	}
	att, err := e.support.Upload(e.ctx, "holiday.jpg", "image/jpeg", photo)
	if err != nil {
		t.Fatal(err)
	}
	d, err := e.support.Download(e.ctx, att.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if mediatest.HasGPS(d.Data) || bytes.Contains(d.Data, mediatest.GPSMarker()) {
		t.Fatal("the served photo still holds its location")
	}
	if mediatest.Orientation(d.Data) != 6 || att.Width != 300 || att.Height != 400 {
		t.Fatalf("orientation %d, %d×%d", mediatest.Orientation(d.Data), att.Width, att.Height)
	}
	// Nothing on disk holds it either.
	for _, f := range e.blobFiles() {
		data, _ := os.ReadFile(filepath.Join(e.dbPath+".files", f[:2], f))
		if mediatest.HasGPS(data) || bytes.Contains(data, mediatest.GPSMarker()) {
			t.Fatalf("blob %s holds the location", f)
		}
	}
	keep := true
	if _, err := e.admin.UpdateSettings(e.ctx, chat.SettingsUpdate{KeepImageLocation: &keep}); err != nil {
		t.Fatal(err)
	}
	att, _ = e.support.Upload(e.ctx, "holiday.jpg", "image/jpeg", photo)
	if d, _ := e.support.Download(e.ctx, att.ID, false); !bytes.Equal(d.Data, photo) {
		t.Fatal("with keep_image_location the photo is not kept as sent")
	}
}

// TestDeletedFilesAreGone: a delete or an erasure takes the file from
// every reader at once, and its bytes from the disk soon after; bytes
// another attachment shares stay.
func TestDeletedFilesAreGone(t *testing.T) {
	e := newEnv(t, fastSweep)
	alice, cust := e.customer("Alice")
	conv := e.conversation(alice, "files")
	secret, _ := alice.Upload(e.ctx, "passport.png", "", mediatest.PNG(300, 200))
	shared := []byte("%PDF-1.4 the same bytes twice")
	s1, _ := alice.Upload(e.ctx, "a.pdf", "", shared)
	m, _, err := alice.Post(e.ctx, conv.ID, chat.NewMessage{Attachments: []string{secret.ID, s1.ID}})
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := e.support.Upload(e.ctx, "b.pdf", "", shared) // same bytes, the team's
	if _, _, err := e.support.Post(e.ctx, conv.ID, chat.NewMessage{Text: "same", Attachments: []string{s2.ID}}); err != nil {
		t.Fatal(err)
	}
	if n := len(e.blobFiles()); n != 3 { // png, its thumbnail, the pdf once
		t.Fatalf("%d blobs: %v", n, e.blobFiles())
	}
	if _, err := alice.DeleteMessage(e.ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	for _, cl := range []*client.Client{alice, e.support, e.admin} {
		if _, err := cl.Download(e.ctx, secret.ID, false); client.Code(err) != chat.ENotFound {
			t.Fatalf("a deleted file is still served: %v", err)
		}
		if _, err := cl.Download(e.ctx, secret.ID, true); client.Code(err) != chat.ENotFound {
			t.Fatalf("a deleted file's thumbnail is still served: %v", err)
		}
	}
	waitFor(t, func() bool { return len(e.blobFiles()) == 1 }, "the deleted file's bytes to go")
	if d, err := e.support.Download(e.ctx, s2.ID, false); err != nil || !bytes.Equal(d.Data, shared) {
		t.Fatalf("the shared bytes went with the delete: %v", err)
	}
	// An erasure takes the customer's files, sent or waiting.
	m2, _ := alice.Upload(e.ctx, "id-card.png", "", mediatest.PNG(100, 100))
	if _, _, err := alice.Post(e.ctx, conv.ID, chat.NewMessage{Attachments: []string{m2.ID}}); err != nil {
		t.Fatal(err)
	}
	alice.Upload(e.ctx, "draft.txt", "", []byte("never sent"))
	if n := len(e.blobFiles()); n != 4 {
		t.Fatalf("%d blobs", n)
	}
	if _, err := e.admin.EraseCustomer(e.ctx, cust.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.Download(e.ctx, m2.ID, false); client.Code(err) != chat.ENotFound {
		t.Fatalf("an erased customer's file is still served: %v", err)
	}
	waitFor(t, func() bool { return len(e.blobFiles()) == 1 }, "the erased customer's bytes to go")
}

// waitFor polls cond (a state change of another goroutine) for up to 10 s.
func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("waited 10 s for %s", what)
}
