package httpapi

import (
	"errors"
	"io"
	"mime"
	"net/http"
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
	name, err := chat.CheckFileName(r.URL.Query().Get("name"))
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
	data, err := io.ReadAll(io.LimitReader(r.Body, st.MaxFileBytes+1))
	if err != nil {
		s.writeError(w, r, chat.Errorf(chat.EInvalid, "The file did not arrive whole."))
		return
	}
	if err := chat.CheckFileSize(int64(len(data)), st.MaxFileBytes); err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := media.Process(data, media.Options{StripMetadata: !st.KeepImageLocation})
	if err != nil {
		s.writeError(w, r, chat.Errorf(chat.EFileEmpty, "The file is empty."))
		return
	}
	u := &chat.Upload{Attachment: chat.Attachment{Name: name, Type: res.Type, Size: int64(len(res.Data)),
		Image: res.Image, Width: res.Width, Height: res.Height}}
	u.Blob = blob.Key(res.Data)
	if err := s.cfg.Blobs.Put(r.Context(), u.Blob, res.Data); err != nil {
		s.writeError(w, r, err)
		return
	}
	if res.Image {
		u.ThumbBlob, u.ThumbType = blob.Key(res.Thumb), res.ThumbType
		if err := s.cfg.Blobs.Put(r.Context(), u.ThumbBlob, res.Thumb); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	if u, err = s.store.CreateUpload(r.Context(), a, u); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, u.Attachment)
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
		http.ServeContent(w, r, "", time.Time{}, f)
	}
}
