package chat

import (
	"crypto/rand"
	"encoding/base32"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Attachments. A file goes up first (POST /v1/uploads: the server sniffs
// its type, strips location metadata from images, makes a thumbnail and
// stores the bytes, content-addressed, before it answers) and becomes
// part of a message when a send names its id. Until then it is an upload
// only its uploader can see; one that is never sent is removed after
// UploadTTL. Downloads follow the message's visibility (CanSeeMessage):
// the id is unguessable, but it is never the check.

// Attachment is a file on a message, as every client sees it.
type Attachment struct {
	ID   string `json:"id"`   // AttachmentIDLen characters of [a-z2-7]; GET /v1/attachments/{id}
	Name string `json:"name"` // CheckFileName: at most MaxFileNameBytes
	Type string `json:"type"` // sniffed from the bytes, never the client's claim
	Size int64  `json:"size"` // bytes, as stored (location metadata removed)
	// Image: a PNG, JPEG, GIF or WebP that decoded whole. Only those are
	// shown inline and have a thumbnail (GET …/thumbnail); every other
	// file is served as a download.
	Image  bool `json:"image,omitempty"`
	Width  int  `json:"width,omitempty"` // pixels as displayed, images only
	Height int  `json:"height,omitempty"`
}

// Upload is an attachment with its server side: where its bytes are (the
// blob store's content addresses), who uploaded it and the message it went
// out with (0 while it waits to be sent).
type Upload struct {
	Attachment
	Blob      string // sha-256 (hex) of the stored file
	ThumbBlob string // sha-256 (hex) of the thumbnail; "" unless Image
	ThumbType string // the thumbnail's media type (image/jpeg or image/png)
	Uploader  Author // who uploaded it (a user or a customer)
	MessageID int64
	CreatedAt time.Time
}

// Limits of attachments.
const (
	MaxAttachments      = 10       // files on one message
	DefaultMaxFileBytes = 10 << 20 // Settings.MaxFileBytes until an admin changes it
	MinFileBytesLimit   = 1 << 10  // the smallest Settings.MaxFileBytes an admin may set
	MaxFileBytesLimit   = 50 << 20 // the largest (uploads are held in memory while they are checked)
	MaxFileNameBytes    = 255      // a file name, in UTF-8 bytes (what file systems allow)
	AttachmentIDLen     = 26       // 128 random bits, base32
	// MaxWaitingUploads is how many uploads one person may have waiting
	// to be sent (ETooManyFiles past it), so that uploads alone cannot
	// fill the disk.
	MaxWaitingUploads = 50
	// UploadTTL is how long an upload may wait to be sent before it is
	// removed with its bytes.
	UploadTTL = 24 * time.Hour
)

// NewAttachmentID returns a fresh unguessable attachment id.
func NewAttachmentID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand, Go 1.24+)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

// ValidAttachmentID reports whether id has the shape NewAttachmentID gives.
func ValidAttachmentID(id string) bool {
	if len(id) != AttachmentIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}

// CheckFileName makes a client's file name safe to show, store and save
// to disk. A file name is user text: direction controls (which can make
// "invoice‮fdp.exe" read as "invoiceexe.pdf"), other control and format
// characters go; path separators and the characters Windows forbids
// (<>:"|?*) become "_", so a name never reaches outside the folder it is
// saved in; leading and trailing spaces and dots go (no ".." and no
// hidden file); a name over MaxFileNameBytes is shortened at a character
// boundary, keeping its extension; then a name Windows takes for a device
// (CON, NUL, COM1…, whatever follows its first dot: "NUL.tar.gz") gets a
// leading "_". A name with nothing visible left is EInvalid;
// invalid UTF-8 is EInvalidUTF8.
func CheckFileName(name string) (string, error) {
	if !utf8.ValidString(name) {
		return "", Errorf(EInvalidUTF8, "The file name is not valid UTF-8.")
	}
	var b strings.Builder
	for _, r := range name {
		switch {
		case r == '/' || r == '\\' || strings.ContainsRune(`<>:"|?*`, r):
			b.WriteRune('_')
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r), r == 0x2028, r == 0x2029:
			// controls, bidi controls and marks, zero-width characters
		default:
			b.WriteRune(r)
		}
	}
	s := strings.Trim(b.String(), " .\u00a0\u3000")
	if !Visible(s) {
		return "", Errorf(EInvalid, "The file needs a name.")
	}
	if len(s) > MaxFileNameBytes-1 { // room for a device name's "_"
		ext := path.Ext(s)
		if len(ext) > 16 || !Visible(strings.TrimPrefix(ext, ".")) {
			ext = ""
		}
		stem := s[:len(s)-len(ext)]
		cut := MaxFileNameBytes - 1 - len(ext)
		for cut > 0 && !utf8.RuneStart(stem[cut]) {
			cut--
		}
		s = strings.TrimRight(stem[:cut], " .") + ext
	}
	// Windows takes "NUL.tar.gz" and "nul .txt" for the device NUL: what
	// comes before the first dot, without trailing spaces, decides.
	base, _, _ := strings.Cut(s, ".")
	if slices.Contains(windowsDevices, strings.ToUpper(strings.TrimRight(base, " "))) {
		s = "_" + s
	}
	return s, nil
}

var windowsDevices = []string{"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
	"COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "COM¹", "COM²", "COM³",
	"LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³"}

// CheckAttachmentIDs checks the attachments a new message names: at most
// MaxAttachments (ETooManyFiles), each an id of NewAttachmentID's shape
// (EInvalid), none twice (EInvalid). Whether each is the sender's own,
// waiting upload is the store's check (EInvalid, see AttachmentUnknown).
func CheckAttachmentIDs(ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if len(ids) > MaxAttachments {
		return nil, Errorf(ETooManyFiles, "A message carries at most %d files.", MaxAttachments)
	}
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if !ValidAttachmentID(id) {
			return nil, Errorf(EInvalid, "attachments holds upload ids.")
		}
		if seen[id] {
			return nil, Errorf(EInvalid, "attachments names upload %s twice.", id)
		}
		seen[id] = true
	}
	return ids, nil
}

// TooManyWaiting is CreateUpload's answer past MaxWaitingUploads.
func TooManyWaiting() error {
	return Errorf(ETooManyFiles, "You have %d files waiting to be sent; send or remove them first.", MaxWaitingUploads)
}

// AttachmentUnknown is the answer to a send that names an upload that is
// not the sender's, already went out with a message, or was removed.
func AttachmentUnknown(id string) error {
	return Errorf(EInvalid, "Upload %s is unknown or was sent already; upload the file again.", id)
}

// AttachmentNotFound is the answer for an attachment the caller may not
// see, or that no longer exists (its message was deleted, its customer
// erased).
func AttachmentNotFound() error { return Errorf(ENotFound, "Attachment not found.") }

// CheckFileSize checks an upload's size against the helpdesk's limit
// (Settings.MaxFileBytes): EFileEmpty for no bytes, EFileTooLarge above it.
func CheckFileSize(n, limit int64) error {
	switch {
	case n == 0:
		return Errorf(EFileEmpty, "The file is empty.")
	case n > limit:
		return Errorf(EFileTooLarge, "The file is larger than %s.", FormatBytes(limit))
	}
	return nil
}

// CanSeeUpload reports whether a may read an upload that was not sent
// yet: only its uploader may.
func CanSeeUpload(a Actor, u *Upload) bool {
	return u.MessageID == 0 && u.Uploader.Kind == a.Kind && u.Uploader.ID == a.ID && a.ID != 0
}

// Summary is what a one-line preview shows of m (a list row, a
// notification): its text, or for a message of files only "📎 " and their
// names (isolated: the product composes the line), e.g. "📎 ⁨image.png⁩".
func (m *Message) Summary() string {
	if Visible(m.Text) || len(m.Attachments) == 0 {
		return m.Text
	}
	names := make([]string, len(m.Attachments))
	for i, a := range m.Attachments {
		names[i] = Isolate(a.Name)
	}
	return "📎 " + strings.Join(names, ", ")
}

// FormatBytes writes a size the way the product shows it: "10 MB",
// "512 KB", "800 bytes" (1 MB = 1,048,576 bytes).
func FormatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MB"
	case n >= 1<<20:
		return strconv.FormatInt(n>>20, 10) + "." + strconv.FormatInt((n%(1<<20))*10>>20, 10) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt(n>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
