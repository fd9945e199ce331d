package chat

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCheckFileName(t *testing.T) {
	for _, c := range []struct{ in, want, code string }{
		{"report.pdf", "report.pdf", ""},
		{"../../etc/passwd", "_.._etc_passwd", ""},
		{`C:\Users\me\x.txt`, "C__Users_me_x.txt", ""},
		{"invoice\u202Efdp.exe", "invoicefdp.exe", ""},
		{"a\u200bb\u2066c\u2069.txt", "abc.txt", ""},
		{"line\nbreak\x00.txt", "linebreak.txt", ""},
		{" .env ", "env", ""},
		{"nul", "_nul", ""},
		{"Lpt1.log", "_Lpt1.log", ""},
		{"CON.tar.gz", "_CON.tar.gz", ""},
		{"nul .txt", "_nul .txt", ""},
		{"COM¹.txt", "_COM¹.txt", ""},
		{"conout$", "_conout$", ""},
		{"console.txt", "console.txt", ""},
		{"", "", EInvalid},
		{"...", "", EInvalid},
		{"\u202E\u202C", "", EInvalid},
		{"\xff.txt", "", EInvalidUTF8},
	} {
		got, err := CheckFileName(c.in)
		if ErrorCode(err) != c.code && !(c.code == "" && err == nil) || got != c.want {
			t.Errorf("CheckFileName(%q) = %q, %v; want %q %s", c.in, got, err, c.want, c.code)
		}
	}
	// Over 255 bytes: cut at a character boundary, the extension kept.
	if got, _ := CheckFileName("CON" + strings.Repeat(" ", 300) + "x.txt"); !strings.HasPrefix(got, "_CON") || len(got) > MaxFileNameBytes {
		t.Errorf("a device name behind spaces: %q", got)
	}
	for _, stem := range []string{strings.Repeat("a", 300), strings.Repeat("日", 100), strings.Repeat("🙂", 80)} {
		got, err := CheckFileName(stem + ".tar.gz")
		if err != nil || len(got) > MaxFileNameBytes || !utf8.ValidString(got) || !strings.HasSuffix(got, ".gz") {
			t.Errorf("long %q…: %q (%d bytes), %v", stem[:4], got, len(got), err)
		}
	}
}

func TestCheckAttachmentIDs(t *testing.T) {
	id := NewAttachmentID()
	if !ValidAttachmentID(id) || len(id) != AttachmentIDLen || id == NewAttachmentID() {
		t.Fatalf("id %q", id)
	}
	many := make([]string, MaxAttachments+1)
	for i := range many {
		many[i] = NewAttachmentID()
	}
	if _, err := CheckAttachmentIDs(many); ErrorCode(err) != ETooManyFiles {
		t.Fatal(err)
	}
	if _, err := CheckAttachmentIDs(many[:MaxAttachments]); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]string{{id, id}, {"../x"}, {strings.ToUpper(id)}, {""}} {
		if _, err := CheckAttachmentIDs(bad); ErrorCode(err) != EInvalid {
			t.Errorf("%q: %v", bad, err)
		}
	}
	// A message of files only may have no text; without files it may not.
	nm := NewMessage{Text: " \u200b", Attachments: []string{id}}
	if err := CheckNewMessage(Actor{Kind: KindCustomer, ID: 1}, &nm); err != nil || nm.Text != "" {
		t.Fatal(err, nm.Text)
	}
	nm = NewMessage{Text: " "}
	if err := CheckNewMessage(Actor{Kind: KindCustomer, ID: 1}, &nm); ErrorCode(err) != EMessageEmpty {
		t.Fatal(err)
	}
}

func TestFileSizeAndSummary(t *testing.T) {
	if ErrorCode(CheckFileSize(0, 10)) != EFileEmpty || ErrorCode(CheckFileSize(11, 10)) != EFileTooLarge || CheckFileSize(10, 10) != nil {
		t.Fatal("CheckFileSize")
	}
	for n, want := range map[int64]string{10 << 20: "10 MB", 3 << 19: "1.5 MB", 512 << 10: "512 KB", 800: "800 bytes"} {
		if got := FormatBytes(n); got != want {
			t.Errorf("FormatBytes(%d) = %q, want %q", n, got, want)
		}
	}
	m := &Message{Attachments: []Attachment{{Name: "a.png"}, {Name: "\u202Eb.pdf"}}}
	if got := m.Summary(); got != "📎 \u2068a.png\u2069, \u2068\u202Eb.pdf\u202C\u2069" {
		t.Fatalf("Summary = %q", got)
	}
	m.Text = "hello"
	if m.Summary() != "hello" {
		t.Fatal(m.Summary())
	}
}
