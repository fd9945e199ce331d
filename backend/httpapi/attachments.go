package httpapi

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/deskchat/deskchat/backend/blob"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/media"
)

// uploadPath takes the file itself as its body (any Content-Type: the
// claim is never believed), so the JSON body checks skip it.
const uploadPath = "/v1/uploads"

// UploadTimeout is how long an upload's body may take to arrive (the
// server's ReadTimeout is for JSON bodies).
const UploadTimeout = 10 * time.Minute

// handleUpload: POST /v1/uploads?name=<file name>, the body the file's
// bytes. The limit is Settings.MaxFileBytes (EFileTooLarge, 413; EFileEmpty
// for none); the name is CheckFileName's (EInvalid, EInvalidUTF8). The
// type is sniffed (media.Process), location metadata is removed from
// images unless Settings.KeepImageLocation, and the bytes (and an image's
// thumbnail) are in the blob store before the upload's record commits.
// 201 with the chat.Attachment; its id goes into a message's attachments.
// Customers' uploads count against their send limit.
func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	if s.cfg.Blobs == nil {
		s.writeError(w, r, chat.Errorf(chat.EUnavailable, "This server keeps no files."))
		return
	}
	if ce := r.Header.Get("Content-Encoding"); ce != "" && !strings.EqualFold(ce, "identity") {
		s.writeError(w, r, chat.Errorf(chat.EMediaType, "Send the file's bytes as they are, without a Content-Encoding."))
		return
	}
	q := queryParams(r)
	raw, _ := q.raw("name")
	if q.err != nil {
		s.writeError(w, r, q.err)
		return
	}
	name, err := chat.CheckFileName(raw)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if a.IsCustomer() && s.rateLimited(w, r, s.customerSends, s.clientIP(r)) {
		return
	}
	st, err := s.store.Settings(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if r.ContentLength > st.MaxFileBytes {
		s.writeError(w, r, chat.CheckFileSize(r.ContentLength, st.MaxFileBytes))
		return
	}
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(UploadTimeout))
	buf := bytes.NewBuffer(make([]byte, 0, min(max(r.ContentLength, 0), st.MaxFileBytes)+1))
	if _, err := buf.ReadFrom(io.LimitReader(r.Body, st.MaxFileBytes+1)); err != nil {
		s.writeError(w, r, chat.Errorf(chat.EInvalid, "The file did not arrive whole."))
		return
	}
	data := buf.Bytes()
	if err := chat.CheckFileSize(int64(len(data)), st.MaxFileBytes); err != nil {
		s.writeError(w, r, err)
		return
	}
	// Decoding a large image takes hundreds of megabytes for a moment:
	// one at a time per CPU, the others wait (or give up with their
	// request).
	select {
	case s.decoding <- struct{}{}:
	case <-r.Context().Done():
		return
	}
	res, err := media.Process(data, media.Options{StripMetadata: !st.KeepImageLocation})
	<-s.decoding
	if err != nil {
		s.writeError(w, r, err) // EFileEmpty, or media.ErrDamaged
		return
	}
	u := &chat.Upload{Attachment: chat.Attachment{Name: name, Type: res.Type, Size: int64(len(res.Data)),
		Image: res.Image, Width: res.Width, Height: res.Height}}
	u.Blob = blob.Key(res.Data)
	if err := s.cfg.Blobs.Put(r.Context(), u.Blob, res.Data); err != nil {
		s.writeError(w, r, storeError(err))
		return
	}
	if res.Image {
		u.ThumbBlob, u.ThumbType = blob.Key(res.Thumb), res.ThumbType
		if err := s.cfg.Blobs.Put(r.Context(), u.ThumbBlob, res.Thumb); err != nil {
			s.writeError(w, r, storeError(err))
			return
		}
	}
	if u, err = s.store.CreateUpload(r.Context(), a, u); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, u.Attachment)
}

// storeError is the answer for a blob store that failed a write: a full
// disk is "later" (503 unavailable, as SQLite's full disk), anything else
// passes (a database error of PostgreSQL's blobs is classified already).
func storeError(err error) error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return chat.Errorf(chat.EUnavailable, "The server has no room for the file right now; try again later.")
	}
	return err
}

// handleDiscardUpload: DELETE /v1/uploads/{id} removes one of the caller's
// uploads that was not sent (a file taken back before Send). 204; 404 for
// anyone else's, a sent one, or none.
func (s *Server) handleDiscardUpload(w http.ResponseWriter, r *http.Request, a chat.Actor) {
	if err := s.store.DiscardUpload(r.Context(), a, r.PathValue("id")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// DownloadCSP is the Content-Security-Policy of every file served: no
// script, no plugin, no form, a sandbox; a file opened in a browser tab
// can show itself and nothing more.
const DownloadCSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"

// handleAttachment: GET /v1/attachments/{id} (the file) and
// GET /v1/attachments/{id}/thumbnail (an image's thumbnail). The caller
// must see the message (FindAttachment: ENotFound otherwise, never
// EForbidden). Images (chat.Attachment.Image) are served inline as their
// sniffed type; every other file only as a download: Content-Disposition
// attachment and application/octet-stream, so no HTML or SVG ever renders
// from our origin. Every answer has nosniff, DownloadCSP and no-store (a
// deleted file leaves no cached copy). Ranges are served.
func (s *Server) handleAttachment(thumb bool) actorHandler {
	return func(w http.ResponseWriter, r *http.Request, a chat.Actor) {
		if s.cfg.Blobs == nil {
			s.writeError(w, r, chat.AttachmentNotFound())
			return
		}
		u, err := s.store.FindAttachment(r.Context(), a, r.PathValue("id"))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		key, typ, disposition, name := u.Blob, u.Type, "inline", u.Name
		switch {
		case thumb && !u.Image:
			s.writeError(w, r, chat.Errorf(chat.ENotFound, "Only images have a thumbnail."))
			return
		case thumb:
			key, typ = u.ThumbBlob, u.ThumbType
			// Saved, a thumbnail is named as what it is.
			ext := ".jpg"
			if typ == "image/png" {
				ext = ".png"
			}
			name = strings.TrimSuffix(name, path.Ext(name)) + " (thumbnail)" + ext
		case !u.Image || !media.Inline(u.Type):
			typ, disposition = "application/octet-stream", "attachment"
		}
		f, err := s.cfg.Blobs.Open(r.Context(), key)
		if errors.Is(err, blob.ErrNotFound) {
			s.writeError(w, r, chat.AttachmentNotFound())
			return
		} else if err != nil {
			s.writeError(w, r, err)
			return
		}
		defer f.Close()
		h := w.Header()
		h.Set("Content-Type", typ)
		cd := mime.FormatMediaType(disposition, map[string]string{"filename": name})
		if cd == "" {
			cd = disposition
		}
		h.Set("Content-Disposition", cd)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", DownloadCSP)
		h.Set("Cache-Control", "private, no-store")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		if rg := r.Header.Get("Range"); rg != "" && !rangeSyntax.MatchString(rg) {
			r.Header.Del("Range") // malformed: ignored, the whole file (RFC 9110 14.2)
		}
		http.ServeContent(&rangeErrors{ResponseWriter: w, s: s, r: r}, r, "", time.Time{}, f)
	}
}

// rangeSyntax is a well-formed bytes range set.
var rangeSyntax = regexp.MustCompile(`^bytes=(\d+-\d*|-\d+)(\s*,\s*(\d+-\d*|-\d+))*$`)

// rangeErrors answers http.ServeContent's "416 Range Not Satisfiable" in
// the one error shape (ERange) instead of its plain text.
type rangeErrors struct {
	http.ResponseWriter
	s       *Server
	r       *http.Request
	swallow bool
}

func (w *rangeErrors) WriteHeader(code int) {
	if code == http.StatusRequestedRangeNotSatisfiable {
		w.swallow = true
		w.ResponseWriter.Header().Del("Content-Range")
		w.s.writeError(w.ResponseWriter, w.r, chat.Errorf(chat.ERange, "The range is outside the file."))
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *rangeErrors) Write(b []byte) (int, error) {
	if w.swallow {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}
