package app

import (
	"bytes"
	"fmt"
	"html"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/locales"
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
// place without text; files are listed by name and size. It is written
// in lang (the product's words, dates and numbers); times are in loc.
func Transcript(format string, c *chat.Conversation, msgs []*chat.Message, myID int64, lang string, loc *time.Location, now time.Time) ([]byte, error) {
	w := writer{lang: lang, loc: loc}
	title, names := transcriptTitle(lang, c, myID)
	header := locales.T(lang, "desktop.export.header", locales.Args{"id": c.ID})
	products := map[string]string{"status": w.word("status", string(c.Status)), "at": w.exported(now)}
	var b bytes.Buffer
	switch format {
	case TranscriptText:
		fmt.Fprintf(&b, "%s\n", locales.Put(title, map[string]string{"names": isolatedList(names)}))
		fmt.Fprintf(&b, "%s\n\n", locales.Put(header, products))
		for _, m := range msgs {
			w.textMessage(&b, m)
		}
	case TranscriptHTML:
		e := html.EscapeString
		htmlHead(&b, locales.Put(title, map[string]string{"names": strings.Join(names, ", ")}))
		fmt.Fprintf(&b, "<h1>%s</h1>\n<p class=\"at\">%s</p>\n", locales.Put(e(title), map[string]string{"names": bdiList(names)}), locales.Put(e(header), escaped(products)))
		for _, m := range msgs {
			w.htmlMessage(&b, m)
		}
		b.WriteString("</body></html>\n")
	default:
		return nil, chat.Errorf(chat.EInvalid, "%s", locales.T(lang, "desktop.errors.format", nil))
	}
	return b.Bytes(), nil
}

// writer writes the product's part of an export in a language: its
// words, dates (in loc) and numbers.
type writer struct {
	lang string
	loc  *time.Location
}

// t is the catalog's desktop.export.<key> in the writer's language.
func (w writer) t(key string, args locales.Args) string {
	return locales.T(w.lang, "desktop.export."+key, args)
}

// word is the product's word for a value of a kind ("status", "type") in
// the writer's language; a value the catalog lacks stays as it is.
func (w writer) word(kind, value string) string {
	key := "desktop.export." + kind + "." + value
	if _, ok := locales.Catalog(locales.Fallback)[key]; !ok {
		return value
	}
	return locales.T(w.lang, key, nil)
}

// at, exported and date write a time in the language's layout (the
// catalog's Go reference-time layouts, desktop.export.*_layout).
func (w writer) at(t time.Time) string       { return t.In(w.loc).Format(w.t("time_layout", nil)) }
func (w writer) exported(t time.Time) string { return t.In(w.loc).Format(w.t("exported_layout", nil)) }
func (w writer) date(t time.Time) string     { return t.In(w.loc).Format(w.t("date_layout", nil)) }

// size writes a file size as the product does (chat.FormatBytes: "10 MB",
// "1.5 MB", "512 KB", "800 bytes") with the language's numbers.
func (w writer) size(n int64) string {
	tag, err := language.Parse(w.lang)
	if err != nil {
		tag = language.English
	}
	p := message.NewPrinter(tag)
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return p.Sprint(number.Decimal(n>>20, number.NoSeparator())) + " MB"
	case n >= 1<<20:
		tenths := (n % (1 << 20)) * 10 >> 20
		return p.Sprint(number.Decimal(float64(n>>20)+float64(tenths)/10, number.NoSeparator(),
			number.MinFractionDigits(1), number.MaxFractionDigits(1))) + " MB"
	case n >= 1<<10:
		return p.Sprint(number.Decimal(n>>10, number.NoSeparator())) + " KB"
	}
	return w.t("bytes", locales.Args{"count": n})
}

// escaped is parts escaped for HTML.
func escaped(parts map[string]string) map[string]string {
	out := make(map[string]string, len(parts))
	for k, v := range parts {
		out[k] = html.EscapeString(v)
	}
	return out
}

// isolatedList is names (user text) for a plain-text line: each isolated.
func isolatedList(names []string) string {
	isolated := make([]string, len(names))
	for i, n := range names {
		isolated[i] = chat.Isolate(n)
	}
	return strings.Join(isolated, ", ")
}

// bdiList is names (user text) for HTML: each escaped in a <bdi>.
func bdiList(names []string) string {
	bdis := make([]string, len(names))
	for i, n := range names {
		bdis[i] = "<bdi>" + html.EscapeString(n) + "</bdi>"
	}
	return strings.Join(bdis, ", ")
}

// textMessage writes one message of a plain-text transcript: its time and
// author on a line, its lines indented and isolated below.
func (w writer) textMessage(b *bytes.Buffer, m *chat.Message) {
	at := w.at(m.CreatedAt)
	if m.System != "" {
		fmt.Fprintf(b, "[%s] — %s\n", at, oneLine(noteText(*m, w.lang)))
		return
	}
	tag := ""
	if m.Internal {
		tag = " " + w.t("private_note", nil)
	}
	fmt.Fprintf(b, "[%s] %s%s:\n", at, chat.Party(m.Author.Name, authorFallback(m, w.lang)), tag)
	if m.DeletedAt != nil {
		fmt.Fprintf(b, "    %s\n", w.t("deleted", nil))
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
		fmt.Fprintf(b, "    📎 %s (%s)\n", chat.Isolate(a.Name), w.size(a.Size))
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
func (w writer) htmlMessage(b *bytes.Buffer, m *chat.Message) {
	e := html.EscapeString
	at := e(w.at(m.CreatedAt))
	if m.System != "" {
		fmt.Fprintf(b, "<p class=\"m sys\"><span class=\"at\">%s</span> %s</p>\n", at, e(noteText(*m, w.lang)))
		return
	}
	cls, tag := "m", ""
	if m.Internal {
		cls, tag = "m note", " <span class=\"at\">"+e(w.t("private_note", nil))+"</span>"
	}
	name := m.Author.Name
	if !chat.Visible(name) {
		name = authorFallback(m, w.lang)
	}
	fmt.Fprintf(b, "<div class=\"%s\"><span class=\"at\">%s</span> <span class=\"who\"><bdi>%s</bdi></span>%s\n", cls, at, e(name), tag)
	if m.DeletedAt != nil {
		fmt.Fprintf(b, "<p class=\"text deleted\">%s</p>\n", e(w.t("deleted", nil)))
	} else {
		if m.Text != "" {
			fmt.Fprintf(b, "<p class=\"text\" dir=\"auto\">%s</p>\n", e(m.Text))
		}
		for _, a := range m.Attachments {
			fmt.Fprintf(b, "<p class=\"at\">📎 <bdi>%s</bdi> (%s)</p>\n", e(a.Name), e(w.size(a.Size)))
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
// under the conversation it is in). It is written in lang, times in loc;
// filters is in lang too (describeFilter). Errors: invalid (a format
// other than text or html).
func SearchTranscript(format, query, filters string, results []*chat.SearchResult, found SearchFound, lang string, loc *time.Location, now time.Time) ([]byte, error) {
	w := writer{lang: lang, loc: loc}
	var b bytes.Buffer
	e := html.EscapeString
	title := w.t("search_title", nil)
	header := w.t("search_header", locales.Args{"count": len(results)})
	products := map[string]string{"filters": filters, "at": w.exported(now)}
	switch format {
	case TranscriptText:
		fmt.Fprintf(&b, "%s\n%s\n", locales.Put(title, map[string]string{"query": chat.Isolate(oneLine(query))}), locales.Put(header, products))
	case TranscriptHTML:
		htmlHead(&b, locales.Put(title, map[string]string{"query": oneLine(query)}))
		fmt.Fprintf(&b, "<h1>%s</h1>\n<p class=\"at\">%s</p>\n",
			locales.Put(e(title), map[string]string{"query": "<bdi>" + e(oneLine(query)) + "</bdi>"}), locales.Put(e(header), escaped(products)))
	default:
		return nil, chat.Errorf(chat.EInvalid, "%s", locales.T(lang, "desktop.errors.format", nil))
	}
	for _, r := range results {
		// head is the product's words; names the user text after it.
		head, names, status := w.t("conversation", locales.Args{"id": r.ConversationID}), []string{r.Title}, r.Status
		switch r.Kind {
		case chat.ResultCustomer:
			head, names = w.t("customer", nil), nil
			if c := found.Conversations[r.ConversationID]; c != nil && c.Customer != nil {
				for _, n := range []string{c.Customer.Name, c.Customer.Email} {
					if chat.Visible(n) {
						names = append(names, n)
					}
				}
			}
		case chat.ResultItem:
			head, names = w.t("item", locales.Args{"number": r.ItemNumber}), nil
			if it := found.Items[r.ItemNumber]; it != nil {
				head = locales.Put(w.t("item_type", locales.Args{"number": it.Number}), map[string]string{"type": w.word("type", string(it.Type))})
				names, status = []string{it.Title}, string(it.Status)
			}
		}
		if status != "" {
			status = ", " + w.word("status", status)
		}
		for i, n := range names {
			names[i] = oneLine(n)
		}
		if format == TranscriptText {
			fmt.Fprintf(&b, "\n%s: %s%s\n", head, isolatedList(names), status)
		} else {
			fmt.Fprintf(&b, "<h2>%s: %s%s</h2>\n", e(head), bdiList(names), e(status))
		}
		if r.Kind != chat.ResultMessage {
			continue
		}
		if m := found.Messages[r.MessageID]; m != nil {
			if format == TranscriptText {
				w.textMessage(&b, m)
			} else {
				w.htmlMessage(&b, m)
			}
		}
	}
	if format == TranscriptHTML {
		b.WriteString("</body></html>\n")
	}
	return b.Bytes(), nil
}

// transcriptTitle names the conversation as the list does, in lang: the
// product's sentence (title) with the people's names (user text) for the
// caller to put in its {{names}}.
func transcriptTitle(lang string, c *chat.Conversation, myID int64) (title string, names []string) {
	t := func(key string) string { return locales.T(lang, "desktop.export."+key, nil) }
	if c.Kind == chat.ConversationCustomer {
		switch {
		case c.Customer != nil && chat.Visible(c.Customer.Name):
			return t("conversation_with"), []string{c.Customer.Name}
		case c.Customer != nil && c.Customer.Email != "":
			return t("conversation_with"), []string{c.Customer.Email}
		}
		return t("conversation_with_customer"), nil
	}
	for _, p := range c.Participants {
		if p.UserID != myID {
			names = append(names, p.Name)
		}
	}
	if len(names) == 0 {
		return t("team_conversation"), nil
	}
	return t("team_conversation_with"), names
}

// authorFallback names a nameless author in lang.
func authorFallback(m *chat.Message, lang string) string {
	if m.Author.Kind == chat.KindCustomer {
		return locales.T(lang, "desktop.export.the_customer", nil)
	}
	return locales.T(lang, "desktop.someone", nil)
}

// noteText is a system note (m.System set) in lang, from its parameters
// (locales.Note; a note without them is the text the server wrote).
func noteText(m chat.Message, lang string) string {
	return locales.Note(lang, &m)
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
