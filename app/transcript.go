package app

import (
	"bytes"
	"fmt"
	"html"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/deskchat/deskchat/backend/chat"
)

// Transcript formats.
const (
	TranscriptText = "text"
	TranscriptHTML = "html"
)

// Transcript writes a conversation and its messages (ascending) as a file
// an agent keeps or forwards: plain text or a standalone HTML page. User
// text is text in each: in plain text, names the transcript places in its
// own lines are direction-isolated (chat.Isolate) and message lines are
// indented, so no text can pose as a line of the transcript; in HTML every
// piece of user text is escaped, names sit in <bdi>, and the page carries
// a Content-Security-Policy that allows no script, no request and no form.
// Private notes are marked as the team's; deleted messages keep their
// place without text; files are listed by name and size. Times are in loc.
func Transcript(format string, c *chat.Conversation, msgs []*chat.Message, myID int64, loc *time.Location, now time.Time) ([]byte, error) {
	lead, names := transcriptTitle(c, myID)
	title := lead + strings.Join(names, ", ")
	var b bytes.Buffer
	switch format {
	case TranscriptText:
		isolated := make([]string, len(names))
		for i, n := range names {
			isolated[i] = chat.Isolate(n)
		}
		fmt.Fprintf(&b, "%s%s\n", lead, strings.Join(isolated, ", "))
		fmt.Fprintf(&b, "Conversation %d, %s; exported %s\n\n", c.ID, c.Status, now.In(loc).Format("2006-01-02 15:04 MST"))
		for _, m := range msgs {
			textMessage(&b, m, loc)
		}
	case TranscriptHTML:
		e := html.EscapeString
		htmlHead(&b, title)
		bdis := make([]string, len(names))
		for i, n := range names {
			bdis[i] = "<bdi>" + e(n) + "</bdi>"
		}
		fmt.Fprintf(&b, "<h1>%s%s</h1>\n<p class=\"at\">Conversation %d, %s; exported %s</p>\n", e(lead), strings.Join(bdis, ", "), c.ID, e(string(c.Status)),
			e(now.In(loc).Format("2006-01-02 15:04 MST")))
		for _, m := range msgs {
			htmlMessage(&b, m, loc)
		}
		b.WriteString("</body></html>\n")
	default:
		return nil, chat.Errorf(chat.EInvalid, "format is %q or %q.", TranscriptText, TranscriptHTML)
	}
	return b.Bytes(), nil
}

// textMessage writes one message of a plain-text transcript: its time and
// author on a line, its lines indented and isolated below.
func textMessage(b *bytes.Buffer, m *chat.Message, loc *time.Location) {
	at := m.CreatedAt.In(loc).Format("2006-01-02 15:04")
	if m.System != "" {
		fmt.Fprintf(b, "[%s] — %s\n", at, oneLine(m.Text))
		return
	}
	tag := ""
	if m.Internal {
		tag = " (private note, team only)"
	}
	fmt.Fprintf(b, "[%s] %s%s:\n", at, chat.Party(m.Author.Name, authorFallback(m)), tag)
	if m.DeletedAt != nil {
		b.WriteString("    (deleted)\n")
		return
	}
	if m.Text != "" {
		// Each line indented and isolated: no line of a message can pose
		// as, or reorder, a transcript line.
		for _, line := range lines(m.Text) {
			fmt.Fprintf(b, "    %s\n", chat.Isolate(line))
		}
	}
	for _, a := range m.Attachments {
		fmt.Fprintf(b, "    📎 %s (%s)\n", chat.Isolate(a.Name), chat.FormatBytes(a.Size))
	}
}

// htmlHead opens an HTML transcript: no script, no request, no form.
func htmlHead(b *bytes.Buffer, title string) {
	b.WriteString("<!doctype html>\n<html><head><meta charset=\"utf-8\">\n")
	b.WriteString(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">` + "\n")
	fmt.Fprintf(b, "<title>%s</title>\n", html.EscapeString(title))
	b.WriteString("<style>body{font:15px/1.45 system-ui,sans-serif;max-width:48em;margin:2em auto;color:#111827}" +
		".m{margin:.6em 0}.who{font-weight:600}.at{color:#6b7280;font-size:12px}.text{white-space:pre-wrap;overflow-wrap:anywhere;margin:.2em 0}" +
		".note{background:#fef3c7;padding:.3em .6em;border-left:3px solid #d97706}.sys{color:#6b7280;font-style:italic;text-align:center}" +
		".deleted{color:#6b7280;font-style:italic}h2{font-size:15px;margin:1.4em 0 .2em}</style>\n</head><body>\n")
}

// htmlMessage writes one message of an HTML transcript, its text escaped.
func htmlMessage(b *bytes.Buffer, m *chat.Message, loc *time.Location) {
	e := html.EscapeString
	at := e(m.CreatedAt.In(loc).Format("2006-01-02 15:04"))
	if m.System != "" {
		fmt.Fprintf(b, "<p class=\"m sys\"><span class=\"at\">%s</span> %s</p>\n", at, e(m.Text))
		return
	}
	cls, tag := "m", ""
	if m.Internal {
		cls, tag = "m note", " <span class=\"at\">(private note, team only)</span>"
	}
	name := m.Author.Name
	if !chat.Visible(name) {
		name = authorFallback(m)
	}
	fmt.Fprintf(b, "<div class=\"%s\"><span class=\"at\">%s</span> <span class=\"who\"><bdi>%s</bdi></span>%s\n", cls, at, e(name), tag)
	if m.DeletedAt != nil {
		b.WriteString("<p class=\"text deleted\">(deleted)</p>\n")
	} else {
		if m.Text != "" {
			fmt.Fprintf(b, "<p class=\"text\" dir=\"auto\">%s</p>\n", e(m.Text))
		}
		for _, a := range m.Attachments {
			fmt.Fprintf(b, "<p class=\"at\">📎 <bdi>%s</bdi> (%s)</p>\n", e(a.Name), e(chat.FormatBytes(a.Size)))
		}
	}
	b.WriteString("</div>\n")
}

// SearchFound is what a search result export shows beyond the results
// themselves, read from the local store: the messages (whole), the items
// (their titles) and the conversations (their customers' names and
// e-mails), by id. A result whose record is gone shows its heading only.
type SearchFound struct {
	Messages      map[int64]*chat.Message
	Items         map[int64]*chat.Item
	Conversations map[int64]*chat.Conversation
}

// SearchTranscript writes a search result as a file, with the rules of
// Transcript: the query and filters it was made with (filters says how the
// search was narrowed), then each result in its order: a customer (name,
// e-mail), an item (number, type, title, status) or a message (whole,
// under the conversation it is in). Errors: invalid (a format other than
// text or html).
func SearchTranscript(format, query, filters string, results []*chat.SearchResult, found SearchFound, loc *time.Location, now time.Time) ([]byte, error) {
	var b bytes.Buffer
	e := html.EscapeString
	exported := now.In(loc).Format("2006-01-02 15:04 MST")
	switch format {
	case TranscriptText:
		fmt.Fprintf(&b, "Search results for %s\n%d results%s; exported %s\n", chat.Isolate(oneLine(query)), len(results), filters, exported)
	case TranscriptHTML:
		htmlHead(&b, "Search results for "+oneLine(query))
		fmt.Fprintf(&b, "<h1>Search results for <bdi>%s</bdi></h1>\n<p class=\"at\">%d results%s; exported %s</p>\n",
			e(oneLine(query)), len(results), e(filters), e(exported))
	default:
		return nil, chat.Errorf(chat.EInvalid, "format is %q or %q.", TranscriptText, TranscriptHTML)
	}
	for _, r := range results {
		// head is the product's words; names the user text after it.
		head, names, status := fmt.Sprintf("Conversation %d", r.ConversationID), []string{r.Title}, r.Status
		switch r.Kind {
		case chat.ResultCustomer:
			head, names = "Customer", nil
			if c := found.Conversations[r.ConversationID]; c != nil && c.Customer != nil {
				for _, n := range []string{c.Customer.Name, c.Customer.Email} {
					if chat.Visible(n) {
						names = append(names, n)
					}
				}
			}
		case chat.ResultItem:
			head, names = fmt.Sprintf("#%d", r.ItemNumber), nil
			if it := found.Items[r.ItemNumber]; it != nil {
				head, names, status = fmt.Sprintf("#%d %s", it.Number, it.Type), []string{it.Title}, string(it.Status)
			}
		}
		if status != "" {
			status = ", " + status
		}
		if format == TranscriptText {
			isolated := make([]string, len(names))
			for i, n := range names {
				isolated[i] = chat.Isolate(oneLine(n))
			}
			fmt.Fprintf(&b, "\n%s: %s%s\n", head, strings.Join(isolated, ", "), status)
		} else {
			bdis := make([]string, len(names))
			for i, n := range names {
				bdis[i] = "<bdi>" + e(oneLine(n)) + "</bdi>"
			}
			fmt.Fprintf(&b, "<h2>%s: %s%s</h2>\n", e(head), strings.Join(bdis, ", "), e(status))
		}
		if r.Kind != chat.ResultMessage {
			continue
		}
		if m := found.Messages[r.MessageID]; m != nil {
			if format == TranscriptText {
				textMessage(&b, m, loc)
			} else {
				htmlMessage(&b, m, loc)
			}
		}
	}
	if format == TranscriptHTML {
		b.WriteString("</body></html>\n")
	}
	return b.Bytes(), nil
}

// transcriptTitle names the conversation as the list does: the product's
// words (lead) and the people's names (user text, placed by the caller).
func transcriptTitle(c *chat.Conversation, myID int64) (lead string, names []string) {
	if c.Kind == chat.ConversationCustomer {
		switch {
		case c.Customer != nil && chat.Visible(c.Customer.Name):
			return "Conversation with ", []string{c.Customer.Name}
		case c.Customer != nil && c.Customer.Email != "":
			return "Conversation with ", []string{c.Customer.Email}
		}
		return "Conversation with a customer", nil
	}
	for _, p := range c.Participants {
		if p.UserID != myID {
			names = append(names, p.Name)
		}
	}
	if len(names) == 0 {
		return "Team conversation", nil
	}
	return "Team conversation with ", names
}

func authorFallback(m *chat.Message) string {
	if m.Author.Kind == chat.KindCustomer {
		return "The customer"
	}
	return "Someone"
}

// oneLine puts a system note's text on one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// lines splits text at every line or paragraph break a viewer may honour
// (CR LF, CR, LF, VT, FF, NEL, U+2028, U+2029), so that none can start a
// line of the transcript that is not indented.
func lines(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var out []string
	start := 0
	for i, r := range text {
		switch r {
		case '\n', '\r', '\v', '\f', '\u0085', '\u2028', '\u2029':
			out = append(out, text[start:i]) // blank lines stay
			start = i + utf8.RuneLen(r)
		}
	}
	return append(out, text[start:])
}
