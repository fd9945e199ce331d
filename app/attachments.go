package app

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"sync"

	"github.com/deskchat/deskchat/app/localstore"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
	"github.com/deskchat/deskchat/backend/media"
)

// Dialogs are the native file dialogs (Wails' runtime), behind an
// interface so the service is tested without a window.
type Dialogs interface {
	// OpenFiles asks for files to attach; none (nil) when cancelled.
	OpenFiles(title string) ([]string, error)
	// SaveFile asks where to save a file named name; "" when cancelled.
	SaveFile(title, name string) (string, error)
}

// AttachmentService is files on messages. Files attached in the composer
// (the native dialog, a paste, a drop) are staged: copied into the local
// store's outbox folder at once, so a reply with files waits offline like
// any reply and survives a restart; the sync engine uploads them when it
// sends. Files on messages are read through the local store's cache, so
// those once shown can be reviewed offline; a file whose message was
// deleted (or whose customer was erased) is never served again.
type AttachmentService struct {
	Session *SessionService
	Dialogs Dialogs // nil until Wails started

	mu     sync.Mutex
	staged map[string]*localstore.OutFile // by token, until sent or removed
}

// StagedFile is a file attached in the composer, waiting for Send.
type StagedFile struct {
	Token string `json:"token"`
	Name  string `json:"name"` // as it will be sent (chat.CheckFileName)
	Size  int64  `json:"size"` // bytes
	Image bool   `json:"image"`
}

// StageParams is a file the frontend holds (a paste, a drop): its name and
// its bytes in base64.
type StageParams struct {
	Name string `json:"name"`
	Data string `json:"data"`
}

// Stage keeps a pasted or dropped file for the next reply. EInvalid for a
// bad name, EFileEmpty, EFileTooLarge over the helpdesk's limit.
func (s *AttachmentService) Stage(p StageParams) (*StagedFile, error) {
	data, err := base64.StdEncoding.DecodeString(p.Data)
	if err != nil {
		return nil, errors.New("The file did not arrive whole.")
	}
	return s.stage(p.Name, data)
}

// Pick opens the native file dialog and stages the chosen files.
func (s *AttachmentService) Pick() ([]*StagedFile, error) {
	if s.Dialogs == nil {
		return nil, errors.New("No window to open a dialog in.")
	}
	paths, err := s.Dialogs.OpenFiles("Attach files")
	if err != nil {
		return nil, err
	}
	out := []*StagedFile{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return out, err
		}
		f, err := s.stage(filepath.Base(p), data)
		if err != nil {
			return out, err
		}
		out = append(out, f)
	}
	return out, nil
}

func (s *AttachmentService) stage(name string, data []byte) (*StagedFile, error) {
	st, err := s.Session.store()
	if err != nil {
		return nil, err
	}
	limit := int64(chat.DefaultMaxFileBytes)
	if set, err := st.Settings(context.Background()); err == nil && set.MaxFileBytes > 0 {
		limit = set.MaxFileBytes
	}
	f, err := st.StageFile(name, data, limit)
	if err != nil {
		return nil, errors.New(chat.ErrorMessage(err))
	}
	s.mu.Lock()
	if s.staged == nil {
		s.staged = map[string]*localstore.OutFile{}
	}
	s.staged[f.Token] = f
	s.mu.Unlock()
	return &StagedFile{Token: f.Token, Name: f.Name, Size: f.Size, Image: media.Inline(media.Sniff(data))}, nil
}

// Unstage removes a staged file the agent took back.
func (s *AttachmentService) Unstage(token string) error {
	s.mu.Lock()
	f := s.staged[token]
	delete(s.staged, token)
	s.mu.Unlock()
	if f == nil {
		return nil
	}
	if st, err := s.Session.store(); err == nil {
		st.Unstage(f.Token)
	}
	return nil
}

// take hands staged files over to a queued reply (they are no longer
// the composer's): an unknown token means the file must be attached
// again (staging does not outlive the app).
func (s *AttachmentService) take(tokens []string) ([]localstore.OutFile, error) {
	if s == nil {
		return nil, errors.New("Files cannot be sent from here.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]localstore.OutFile, 0, len(tokens))
	for _, t := range tokens {
		f := s.staged[t]
		if f == nil {
			return nil, errors.New("A file is no longer attached; attach it again.")
		}
		out = append(out, *f)
	}
	for _, t := range tokens {
		delete(s.staged, t)
	}
	return out, nil
}

// FileRef names a file of a message.
type FileRef struct {
	MessageID int64  `json:"message_id"`
	ID        string `json:"id"`
}

// Thumbnail returns an image attachment's thumbnail as a data: URL, from
// the cache or (then kept) the server; ErrOffline when neither has it.
func (s *AttachmentService) Thumbnail(p FileRef) (string, error) {
	data, _, err := s.file(p, true)
	if err != nil {
		return "", err
	}
	return dataURL(http.DetectContentType(data), data), nil
}

// Open returns an image attachment as a data: URL (the large view).
func (s *AttachmentService) Open(p FileRef) (string, error) {
	data, a, err := s.file(p, false)
	if err != nil {
		return "", err
	}
	if !a.Image {
		return "", errors.New("Only images open here; save the file instead.")
	}
	return dataURL(a.Type, data), nil
}

// Save asks where to save an attachment and writes it there; it returns
// the path ("" when the agent cancelled).
func (s *AttachmentService) Save(p FileRef) (string, error) {
	data, a, err := s.file(p, false)
	if err != nil {
		return "", err
	}
	if s.Dialogs == nil {
		return "", errors.New("No window to open a dialog in.")
	}
	path, err := s.Dialogs.SaveFile("Save file", a.Name)
	if err != nil || path == "" {
		return "", err
	}
	return path, os.WriteFile(path, data, 0o600)
}

// file reads an attachment of a message the local store holds and has
// not seen deleted: from the cache, else from the server (then cached).
func (s *AttachmentService) file(p FileRef, thumb bool) ([]byte, *chat.Attachment, error) {
	st, err := s.Session.store()
	if err != nil {
		return nil, nil, err
	}
	a, err := st.Attachment(context.Background(), p.MessageID, p.ID)
	if err != nil {
		return nil, nil, errors.New(chat.ErrorMessage(err))
	}
	if thumb && !a.Image {
		return nil, nil, errors.New("Only images have a thumbnail.")
	}
	if data, ok := st.CachedFile(a.ID, thumb); ok {
		return data, a, nil
	}
	d, err := call(s.Session, func(ctx context.Context, c *client.Client) (*client.Download, error) {
		return c.Download(ctx, a.ID, thumb)
	})
	if err != nil {
		return nil, nil, err
	}
	if err := st.CacheFile(a.ID, thumb, d.Data); err != nil {
		s.Session.log().Warn("attachments: cache", "err", err)
	}
	return d.Data, a, nil
}

func dataURL(typ string, data []byte) string {
	return "data:" + typ + ";base64," + base64.StdEncoding.EncodeToString(data)
}
