package chat

import (
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// CheckMessageText validates a message body: valid UTF-8, something
// visible (see Visible: a message of only U+200B is empty), no NUL, at most
// MaxMessageRunes characters. It returns the text unchanged (we keep what
// the author typed, including leading spaces and newlines). EInvalidUTF8,
// EMessageEmpty, EInvalid, EMessageTooLong.
func CheckMessageText(s string) (string, error) {
	switch {
	case !utf8.ValidString(s):
		return "", Errorf(EInvalidUTF8, "Message text is not valid UTF-8.")
	case !Visible(s):
		return "", Errorf(EMessageEmpty, "Message text is empty.")
	case strings.ContainsRune(s, 0):
		return "", Errorf(EInvalid, "Message text contains a NUL character.")
	case utf8.RuneCountInString(s) > MaxMessageRunes:
		return "", Errorf(EMessageTooLong, "Message text is longer than %d characters.", MaxMessageRunes)
	}
	return s, nil
}

// CheckName validates a person's name: one line, at most MaxNameRunes
// characters, trimmed and balanced (see Balance). A name with nothing
// visible is no name: "" when optional, EInvalid when required.
func CheckName(s string, optional bool) (string, error) {
	if !utf8.ValidString(s) {
		return "", Errorf(EInvalidUTF8, "Name is not valid UTF-8.")
	}
	s = Balance(strings.TrimSpace(s))
	if !Visible(s) {
		s = ""
	}
	switch {
	case s == "" && !optional:
		return "", Errorf(EInvalid, "Name is required.")
	case !OneLine(s):
		return "", Errorf(EInvalid, "A name is one line, without control characters.")
	case RuneLen(s) > MaxNameRunes:
		return "", Errorf(EInvalid, "Name is longer than %d characters.", MaxNameRunes)
	}
	return s, nil
}

// OneLine reports whether s holds no control character (tabs and line
// feeds included) and no line or paragraph separator (U+2028, U+2029):
// names and titles sit inside one line of composed text, and a break in
// one could forge a line of its own ("…\u2028Anna closed the
// conversation.").
func OneLine(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
	})
}

// CheckTitle validates an item title: something visible, one line, at
// most MaxTitleRunes characters; trimmed and balanced. EInvalid,
// EInvalidUTF8.
func CheckTitle(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", Errorf(EInvalidUTF8, "Title is not valid UTF-8.")
	}
	// Counted as stored: balanced (a closing control may be added).
	s = Balance(strings.TrimSpace(s))
	if !Visible(s) || RuneLen(s) > MaxTitleRunes || !OneLine(s) {
		return "", Errorf(EInvalid, "A title is 1 to %d characters on one line.", MaxTitleRunes)
	}
	return s, nil
}

// CheckDescription validates an item description: at most
// MaxDescriptionRunes characters, no NUL; may be empty. EInvalid,
// EInvalidUTF8.
func CheckDescription(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", Errorf(EInvalidUTF8, "Description is not valid UTF-8.")
	}
	if RuneLen(s) > MaxDescriptionRunes || strings.ContainsRune(s, 0) {
		return "", Errorf(EInvalid, "A description is at most %d characters.", MaxDescriptionRunes)
	}
	if !Visible(s) {
		return "", nil
	}
	return s, nil
}

// CheckSettingText validates an admin text (online and offline message,
// greeting, widget title): at most MaxSettingRunes characters, no NUL,
// trimmed; one with nothing visible is empty. EInvalid names the field.
func CheckSettingText(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) || RuneLen(s) > MaxSettingRunes || strings.ContainsRune(s, 0) {
		return "", Errorf(EInvalid, "%s must be valid text of at most %d characters.", field, MaxSettingRunes)
	}
	if !Visible(s) {
		return "", nil
	}
	return s, nil
}

// CheckEmail validates and normalises (trims, lower-cases) an e-mail
// address; empty is allowed when optional.
func CheckEmail(s string, optional bool) (string, error) {
	// Validate before lower-casing: ToLower turns bad bytes into U+FFFD.
	if !utf8.ValidString(s) {
		return "", Errorf(EInvalidUTF8, "E-mail is not valid UTF-8.")
	}
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		if optional {
			return "", nil
		}
		return "", Errorf(EInvalid, "E-mail is required.")
	}
	if len(s) > MaxEmailBytes {
		return "", Errorf(EInvalid, "E-mail is too long.")
	}
	if a, err := mail.ParseAddress(s); err != nil || a.Address != s || a.Name != "" {
		return "", Errorf(EInvalid, "E-mail %q is not a valid address.", s)
	}
	return s, nil
}

// CheckField validates a free-text widget fact (page URL, browser),
// truncating nothing: too long is an error so the client learns of it.
// One line, balanced (it is shown next to labels).
func CheckField(name, s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", Errorf(EInvalidUTF8, "%s is not valid UTF-8.", name)
	}
	s = Balance(strings.TrimSpace(s))
	switch {
	case RuneLen(s) > MaxFieldRunes:
		return "", Errorf(EInvalid, "%s is longer than %d characters.", name, MaxFieldRunes)
	case !OneLine(s):
		return "", Errorf(EInvalid, "%s must be one line without control characters.", name)
	}
	return s, nil
}

var languageTag = regexp.MustCompile(`^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$`)

// CheckLanguage validates a BCP 47 language tag as browsers report it
// ("en-GB", "de"); empty is allowed. EInvalid.
func CheckLanguage(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s != "" && (len(s) > 64 || !languageTag.MatchString(s)) {
		return "", Errorf(EInvalid, "Language must be a language tag like en-GB.")
	}
	return s, nil
}

var languageCode = regexp.MustCompile(`^[a-z]{2,3}$`)

// CheckLanguageCode validates the code of a language texts are written in:
// a BCP 47 primary language subtag, two or three letters ("de", "fil"),
// returned lower-cased. The catalogs (locales/) and the admin texts'
// translations are keyed by it. EInvalid.
func CheckLanguageCode(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if !languageCode.MatchString(s) {
		return "", Errorf(EInvalid, "A language code is two or three letters, such as de.")
	}
	return s, nil
}

// CheckTimeZone validates an IANA time zone name ("Europe/Berlin"); empty
// is allowed when optional. "Local" (the server's own zone) and names that
// are not in the zone database are refused. EInvalid.
func CheckTimeZone(s string, optional bool) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" && optional {
		return "", nil
	}
	if s == "" || s == "Local" || len(s) > 64 || strings.Contains(s, "..") {
		return "", Errorf(EInvalid, "Time zone must be an IANA zone like Europe/Berlin.")
	}
	if _, err := time.LoadLocation(s); err != nil {
		return "", Errorf(EInvalid, "Time zone must be an IANA zone like Europe/Berlin.")
	}
	return s, nil
}

// CheckCustomerInfo validates every field of info.
func CheckCustomerInfo(info CustomerInfo) (CustomerInfo, error) {
	var err error
	if info.Name, err = CheckName(info.Name, true); err != nil {
		return info, err
	}
	if info.Email, err = CheckEmail(info.Email, true); err != nil {
		return info, err
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"Page URL", &info.PageURL}, {"Browser", &info.Browser}} {
		if *f.v, err = CheckField(f.name, *f.v); err != nil {
			return info, err
		}
	}
	if info.Language, err = CheckLanguage(info.Language); err != nil {
		return info, err
	}
	if info.TimeZone, err = CheckTimeZone(info.TimeZone, true); err != nil {
		return info, err
	}
	return info, nil
}

// CheckClientID validates a client message id: optional, printable ASCII,
// at most MaxClientID bytes.
func CheckClientID(s string) (string, error) {
	if len(s) > MaxClientID {
		return "", Errorf(EInvalid, "client_id is longer than %d bytes.", MaxClientID)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return "", Errorf(EInvalid, "client_id must be printable ASCII without spaces.")
		}
	}
	return s, nil
}

// PageLimit clamps a requested page size.
func PageLimit(n int) int {
	if n <= 0 {
		return DefaultPageSize
	}
	return min(n, MaxPageSize)
}

var originPattern = regexp.MustCompile(`^(https?)://(\*\.)?([a-z0-9-]+(\.[a-z0-9-]+)*)(:([0-9]{1,5}))?$`)

// CheckOrigin validates an allowed website origin: http(s)://host[:port],
// optionally *.host for subdomains, lower-cased, nothing else. Origins go
// into the widget's Content-Security-Policy, so anything looser (a `;`, a
// quote, a bare `*`) could change that policy.
func CheckOrigin(o string) (string, error) {
	o = strings.ToLower(strings.TrimRight(strings.TrimSpace(o), "/"))
	m := originPattern.FindStringSubmatch(o)
	if m == nil {
		return "", Errorf(EInvalid, "%q is not an origin like https://www.example.com or https://*.example.com.", o)
	}
	if m[6] != "" {
		if port, _ := strconv.Atoi(m[6]); port < 1 || port > 65535 {
			return "", Errorf(EInvalid, "%q has an invalid port.", o)
		}
	}
	return o, nil
}

// CheckOrigins checks the admin's allowed origins: at most MaxOrigins,
// each as CheckOrigin normalises it. EInvalid.
func CheckOrigins(in []string) ([]string, error) {
	if len(in) > MaxOrigins {
		return nil, Errorf(EInvalid, "At most %d allowed origins.", MaxOrigins)
	}
	out := []string{}
	for _, o := range in {
		o, err := CheckOrigin(o)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// CheckNewUser checks and normalises a new team member: name (CheckName),
// e-mail (CheckEmail) and a password hash (EInvalid without one).
func CheckNewUser(nu *NewUser) error {
	var err error
	if nu.Name, err = CheckName(nu.Name, false); err != nil {
		return err
	}
	if nu.Email, err = CheckEmail(nu.Email, false); err != nil {
		return err
	}
	return CheckPasswordHash(nu.PasswordHash)
}

// CheckPasswordHash: a user always has a password (EInvalid for an empty
// hash).
func CheckPasswordHash(hash string) error {
	if hash == "" {
		return Errorf(EInvalid, "A password is required.")
	}
	return nil
}

// CheckNewSession: a session has a token hash and acts for exactly one
// user or customer (EInvalid).
func CheckNewSession(s Session) error {
	if len(s.TokenHash) == 0 || (s.UserID == 0) == (s.CustomerID == 0) {
		return Errorf(EInvalid, "A session needs a token hash and exactly one of user or customer.")
	}
	return nil
}

// CheckUserUpdate checks and normalises a new name (CheckName); flags need
// no check (who may set them: CanUpdateUser).
func CheckUserUpdate(upd *UserUpdate) error {
	if upd.Name == nil {
		return nil
	}
	name, err := CheckName(*upd.Name, false)
	if err != nil {
		return err
	}
	upd.Name = &name
	return nil
}

// CheckMessageFilter: a page of messages is either before an id or after
// one, not both (EInvalid).
func CheckMessageFilter(f MessageFilter) error {
	if f.Before != nil && f.After != nil {
		return Errorf(EInvalid, "Use before or after, not both.")
	}
	return nil
}
