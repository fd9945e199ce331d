package app

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/deskchat/deskchat/app/localstore"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
	"github.com/deskchat/deskchat/backend/media"
	"github.com/deskchat/deskchat/locales"
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
	staged map[string]stagedFor // by token, until sent or removed
}

// stagedFor is a staged file and the conversation whose composer holds it.
type stagedFor struct {
	file           *localstore.OutFile
	conversationID int64
	store          *localstore.Store // the session's: a file never crosses to another server
}

// StagedFile is a file attached in the composer, waiting for Send.
type StagedFile struct {
	Token string `json:"token"`
	Name  string `json:"name"` // as it will be sent (chat.CheckFileName)
	Size  int64  `json:"size"` // bytes
	Image bool   `json:"image"`
}

// StageParams is a file the frontend holds (a paste, a drop) for the
// composer of a conversation: its name and its bytes in base64.
type StageParams struct {
	ConversationID int64  `json:"conversation_id"`
	Name           string `json:"name"`
	Data           string `json:"data"`
}

// Stage keeps a pasted or dropped file for the next reply in a
// conversation. EInvalid for a bad name, EFileEmpty, EFileTooLarge over
// the helpdesk's limit.
func (s *AttachmentService) Stage(p StageParams) (*StagedFile, error) {
	data, err := base64.StdEncoding.DecodeString(p.Data)
	if err != nil {
		return nil, s.Session.fail("desktop.errors.file_incomplete")
	}
	limit, err := s.limit()
	if err != nil {
		return nil, err
	}
	return s.stage(p.ConversationID, p.Name, data, limit)
}

// Pick opens the native file dialog and stages the chosen files for a
// conversation's reply. A file over the limit is refused before it is read.
func (s *AttachmentService) Pick(p ConversationParams) ([]*StagedFile, error) {
	if s.Dialogs == nil {
		return nil, s.Session.fail("desktop.errors.no_window")
	}
	limit, err := s.limit()
	if err != nil {
		return nil, err
	}
	paths, err := s.Dialogs.OpenFiles(locales.T(s.Session.Language(), "desktop.dialog.attach_files", nil))
	if err != nil {
		return nil, err
	}
	out := []*StagedFile{}
	for _, path := range paths {
		info, err := os.Stat(path)
		if err != nil {
			return out, err
		}
		if err := chat.CheckFileSize(info.Size(), limit); err != nil {
			return out, fmt.Errorf("%s: %s", filepath.Base(path), chat.ErrorMessage(err))
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return out, err
		}
		f, err := s.stage(p.ConversationID, filepath.Base(path), data, limit)
		if err != nil {
			return out, err
		}
		out = append(out, f)
	}
	return out, nil
}

// limit is the helpdesk's file size limit as the local store knows it.
func (s *AttachmentService) limit() (int64, error) {
	st, err := s.Session.store()
	if err != nil {
		return 0, err
	}
	if set, err := st.Settings(context.Background()); err == nil && set.MaxFileBytes > 0 {
		return set.MaxFileBytes, nil
	}
	return chat.DefaultMaxFileBytes, nil
}

func (s *AttachmentService) stage(convID int64, name string, data []byte, limit int64) (*StagedFile, error) {
	st, err := s.Session.store()
	if err != nil {
		return nil, err
	}
	f, err := st.StageFile(name, data, limit)
	if err != nil {
		return nil, errors.New(chat.ErrorMessage(err))
	}
	s.mu.Lock()
	if s.staged == nil {
		s.staged = map[string]stagedFor{}
	}
	s.staged[f.Token] = stagedFor{f, convID, st}
	s.mu.Unlock()
	return &StagedFile{Token: f.Token, Name: f.Name, Size: f.Size, Image: media.Inline(media.Sniff(data))}, nil
}

// Unstage removes a staged file the agent took back.
func (s *AttachmentService) Unstage(token string) error {
	s.mu.Lock()
	f, ok := s.staged[token]
	delete(s.staged, token)
	s.mu.Unlock()
	if !ok {
		return nil
	}
	if st, err := s.Session.store(); err == nil {
		st.Unstage(f.file.Token)
	}
	return nil
}

// take hands staged files over to a reply queued in a conversation (they
// are no longer the composer's): an unknown token means the file must be
// attached again (staging does not outlive the app), and a file staged
// for another conversation's composer never goes to this one.
func (s *AttachmentService) take(convID int64, tokens []string) ([]localstore.OutFile, error) {
	if s == nil {
		return nil, errors.New("Files cannot be sent from here.")
	}
	st, err := s.Session.store()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]localstore.OutFile, 0, len(tokens))
	for _, t := range tokens {
		f, ok := s.staged[t]
		if !ok {
			return nil, s.Session.fail("desktop.errors.file_gone")
		}
		if f.conversationID != convID || f.store != st {
			return nil, s.Session.fail("desktop.errors.file_elsewhere")
		}
		out = append(out, *f.file)
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
		return "", s.Session.fail("desktop.errors.only_images_open")
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
		return "", s.Session.fail("desktop.errors.no_window")
	}
	path, err := s.Dialogs.SaveFile(locales.T(s.Session.Language(), "desktop.dialog.save_file", nil), a.Name)
	if err != nil || path == "" {
		return "", err
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return "", err
	}
	if runtime.GOOS == "windows" {
		// Marked as downloaded from the internet, as a browser would:
		// SmartScreen and Office's macro block then apply to it.
		os.WriteFile(path+":Zone.Identifier", []byte("[ZoneTransfer]\r\nZoneId=3\r\n"), 0o600)
	}
	return path, nil
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
		return nil, nil, s.Session.fail("desktop.errors.only_images_thumbnail")
	}
	if data, ok := st.CachedFile(a.ID, thumb); ok {
		return data, a, nil
	}
	c, err := s.Session.online()
	if err != nil {
		return nil, nil, err
	}
	// A large file on a slow line takes longer than a JSON call may.
	ctx, cancel := context.WithTimeout(context.Background(), client.TransferTimeout(a.Size))
	defer cancel()
	d, err := c.ForTransfers().Download(ctx, a.ID, thumb)
	if err != nil {
		return nil, nil, s.Session.userError(err)
	}
	if err := st.CacheFile(a.ID, thumb, d.Data); err != nil {
		s.Session.log().Warn("attachments: cache", "err", err)
	}
	return d.Data, a, nil
}

func dataURL(typ string, data []byte) string {
	return "data:" + typ + ";base64," + base64.StdEncoding.EncodeToString(data)
}
