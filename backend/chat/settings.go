package chat

import "time"

// Settings are the helpdesk-wide options. The online switch may be flipped
// by admins and support users; everything else by admins.
type Settings struct {
	Online           bool      `json:"online"`
	OnlineMessage    string    `json:"online_message"`
	OfflineMessage   string    `json:"offline_message"`
	Greeting         string    `json:"greeting"`
	WidgetTitle      string    `json:"widget_title"`
	AllowedOrigins   []string  `json:"allowed_origins"`
	OfflineAutoReply bool      `json:"offline_auto_reply"`
	OnlineChangedAt  time.Time `json:"online_changed_at"`
	// AutoAssign: new customer conversations go round-robin to support
	// users who are online and under AssignCapacity (see assign.go).
	AutoAssign     bool `json:"auto_assign"`
	AssignCapacity int  `json:"assign_capacity"` // open assigned conversations per agent
	// UnassignOfflineAfter: minutes an assignee may be offline before
	// their open conversations go back to the queue, while AutoAssign is
	// on (0: never).
	UnassignOfflineAfter int `json:"unassign_offline_after"`
	// WaitingReminder: minutes a From Customers conversation may wait
	// for a team reply before the agents who can answer it are reminded
	// (desktop notification, once per wait; 0: never).
	WaitingReminder int `json:"waiting_reminder"`
	// MaxFileBytes: the largest file anyone may upload, in bytes
	// (MinFileBytesLimit to MaxFileBytesLimit).
	MaxFileBytes int64 `json:"max_file_bytes"`
	// KeepImageLocation keeps the EXIF/XMP metadata (GPS location above
	// all) of uploaded images; by default it is removed before the file is
	// stored.
	KeepImageLocation bool `json:"keep_image_location"`
	// Translations are the admin texts in other languages, by language
	// code ("de"; see CheckLanguage): a customer whose widget speaks one
	// reads its texts, and the default texts above where a field is
	// empty or the language has none (TextsFor).
	Translations map[string]SettingTexts `json:"translations,omitempty"`
}

// SettingTexts are the admin texts in one language; an empty field falls
// back to the default text (Settings.OnlineMessage…).
type SettingTexts struct {
	OnlineMessage  string `json:"online_message,omitempty"`
	OfflineMessage string `json:"offline_message,omitempty"`
	Greeting       string `json:"greeting,omitempty"`
	WidgetTitle    string `json:"widget_title,omitempty"`
}

// MaxTranslations is how many languages the admin texts may be written in
// besides the default.
const MaxTranslations = 50

// DefaultTexts are the product's own admin texts (DefaultSettings) in the
// languages the apps speak besides English: a field the admin left at
// its default reads in the reader's language without a translation.
var DefaultTexts = map[string]SettingTexts{
	"de": {
		OnlineMessage:  "Wir sind online. Fragen Sie uns etwas, wir antworten gleich hier.",
		OfflineMessage: "Wir sind gerade offline. Hinterlassen Sie eine Nachricht, wir melden uns so bald wie möglich.",
		Greeting:       "Hallo! Wie können wir helfen?",
		WidgetTitle:    "Chatten Sie mit uns",
	},
}

// TextsFor are the admin texts a reader of lang sees, field by field:
// the admin's translation; else, for a text left at the product's
// default, the default in lang (DefaultTexts); else the default text.
func (s *Settings) TextsFor(lang string) SettingTexts {
	out := SettingTexts{OnlineMessage: s.OnlineMessage, OfflineMessage: s.OfflineMessage, Greeting: s.Greeting, WidgetTitle: s.WidgetTitle}
	def, tr, builtin := DefaultSettings(), s.Translations[lang], DefaultTexts[lang]
	for _, f := range []struct{ tr, builtin, def, out *string }{
		{&tr.OnlineMessage, &builtin.OnlineMessage, &def.OnlineMessage, &out.OnlineMessage},
		{&tr.OfflineMessage, &builtin.OfflineMessage, &def.OfflineMessage, &out.OfflineMessage},
		{&tr.Greeting, &builtin.Greeting, &def.Greeting, &out.Greeting},
		{&tr.WidgetTitle, &builtin.WidgetTitle, &def.WidgetTitle, &out.WidgetTitle},
	} {
		switch {
		case *f.tr != "":
			*f.out = *f.tr
		case *f.builtin != "" && *f.out == *f.def:
			*f.out = *f.builtin
		}
	}
	return out
}

// textLanguages are the languages with texts of their own: the admin's
// translations and DefaultTexts.
func (s *Settings) textLanguages() []string {
	var out []string
	for lang := range s.Translations {
		out = append(out, lang)
	}
	for lang := range DefaultTexts {
		if _, ok := s.Translations[lang]; !ok {
			out = append(out, lang)
		}
	}
	return out
}

// DefaultSettings are in force until an admin changes them.
func DefaultSettings() Settings {
	return Settings{
		Online:           true,
		OnlineMessage:    "We're online. Ask us anything and we'll answer right here.",
		OfflineMessage:   "We're offline right now. Leave a message and we'll get back to you as soon as we can.",
		Greeting:         "Hi! How can we help?",
		WidgetTitle:      "Chat with us",
		AllowedOrigins:   []string{},
		OfflineAutoReply: true,
		AssignCapacity:   DefaultAssignCapacity,

		UnassignOfflineAfter: DefaultUnassignOfflineAfter,
		WaitingReminder:      DefaultWaitingReminder,
		MaxFileBytes:         DefaultMaxFileBytes,
	}
}

// WidgetConfig is the public part of the settings, for customers.
type WidgetConfig struct {
	Online   bool   `json:"online"`
	Message  string `json:"message"` // the online or the offline message
	Greeting string `json:"greeting"`
	Title    string `json:"title"`
	// MaxFileBytes is the upload limit, so the widget can refuse a larger
	// file before sending it.
	MaxFileBytes int64 `json:"max_file_bytes"`
	// Translations are Message, Greeting and Title in the languages the
	// admin wrote them in (Settings.Translations, each over the defaults):
	// the widget shows its language's, else the fields above.
	Translations map[string]WidgetTexts `json:"translations,omitempty"`
}

// WidgetTexts are a WidgetConfig's texts in one language.
type WidgetTexts struct {
	Message  string `json:"message"`
	Greeting string `json:"greeting"`
	Title    string `json:"title"`
}

// Widget returns what customers are shown.
func (s *Settings) Widget() WidgetConfig {
	texts := func(t SettingTexts) WidgetTexts {
		msg := t.OnlineMessage
		if !s.Online {
			msg = t.OfflineMessage
		}
		return WidgetTexts{Message: msg, Greeting: t.Greeting, Title: t.WidgetTitle}
	}
	def := texts(s.TextsFor(""))
	w := WidgetConfig{Online: s.Online, Message: def.Message, Greeting: def.Greeting, Title: def.Title, MaxFileBytes: s.MaxFileBytes}
	for _, lang := range s.textLanguages() {
		if t := texts(s.TextsFor(lang)); t != def {
			if w.Translations == nil {
				w.Translations = map[string]WidgetTexts{}
			}
			w.Translations[lang] = t
		}
	}
	return w
}

// SettingsUpdate changes the fields that are not nil.
type SettingsUpdate struct {
	OnlineMessage    *string   `json:"online_message,omitempty"`
	OfflineMessage   *string   `json:"offline_message,omitempty"`
	Greeting         *string   `json:"greeting,omitempty"`
	WidgetTitle      *string   `json:"widget_title,omitempty"`
	AllowedOrigins   *[]string `json:"allowed_origins,omitempty"`
	OfflineAutoReply *bool     `json:"offline_auto_reply,omitempty"`

	AutoAssign           *bool `json:"auto_assign,omitempty"`
	AssignCapacity       *int  `json:"assign_capacity,omitempty"`
	UnassignOfflineAfter *int  `json:"unassign_offline_after,omitempty"`
	WaitingReminder      *int  `json:"waiting_reminder,omitempty"`

	MaxFileBytes      *int64 `json:"max_file_bytes,omitempty"`
	KeepImageLocation *bool  `json:"keep_image_location,omitempty"`
	// Translations replaces every translation of the admin texts (nil:
	// unchanged; an empty map removes them all).
	Translations *map[string]SettingTexts `json:"translations,omitempty"`
}

// Apply checks upd and sets its fields on s: the texts
// (CheckSettingText), the allowed origins (CheckOrigins), the offline
// auto-reply, the assignment options (CheckAssignmentSettings) and the
// attachment options (MaxFileBytes within MinFileBytesLimit…MaxFileBytesLimit).
// EInvalid names the field; s is unchanged on error.
func (s *Settings) Apply(upd SettingsUpdate) error {
	next := *s
	for _, f := range []struct {
		name string
		in   *string
		out  *string
	}{
		{"online_message", upd.OnlineMessage, &next.OnlineMessage},
		{"offline_message", upd.OfflineMessage, &next.OfflineMessage},
		{"greeting", upd.Greeting, &next.Greeting},
		{"widget_title", upd.WidgetTitle, &next.WidgetTitle},
	} {
		if f.in == nil {
			continue
		}
		v, err := CheckSettingText(f.name, *f.in)
		if err != nil {
			return err
		}
		*f.out = v
	}
	if upd.AllowedOrigins != nil {
		origins, err := CheckOrigins(*upd.AllowedOrigins)
		if err != nil {
			return err
		}
		next.AllowedOrigins = origins
	}
	if upd.OfflineAutoReply != nil {
		next.OfflineAutoReply = *upd.OfflineAutoReply
	}
	if err := CheckAssignmentSettings(upd); err != nil {
		return err
	}
	if upd.AutoAssign != nil {
		next.AutoAssign = *upd.AutoAssign
	}
	if upd.AssignCapacity != nil {
		next.AssignCapacity = *upd.AssignCapacity
	}
	if upd.UnassignOfflineAfter != nil {
		next.UnassignOfflineAfter = *upd.UnassignOfflineAfter
	}
	if w := upd.WaitingReminder; w != nil {
		if *w < 0 || *w > MaxWaitingReminder {
			return Errorf(EInvalid, "waiting_reminder must be 0 to %d minutes.", MaxWaitingReminder)
		}
		next.WaitingReminder = *w
	}
	if m := upd.MaxFileBytes; m != nil {
		if *m < MinFileBytesLimit || *m > MaxFileBytesLimit {
			return Errorf(EInvalid, "max_file_bytes must be %d to %d bytes.", MinFileBytesLimit, MaxFileBytesLimit)
		}
		next.MaxFileBytes = *m
	}
	if upd.KeepImageLocation != nil {
		next.KeepImageLocation = *upd.KeepImageLocation
	}
	if upd.Translations != nil {
		tr, err := checkTranslations(*upd.Translations)
		if err != nil {
			return err
		}
		next.Translations = tr
	}
	*s = next
	return nil
}

// checkTranslations validates the translations of the admin texts: at
// most MaxTranslations languages, each code a CheckLanguageCode, each
// text a CheckSettingText; a language left with no text is dropped.
// EInvalid names the language and field ("translations.de.greeting").
func checkTranslations(in map[string]SettingTexts) (map[string]SettingTexts, error) {
	if len(in) > MaxTranslations {
		return nil, Errorf(EInvalid, "translations may hold at most %d languages.", MaxTranslations)
	}
	out := map[string]SettingTexts{}
	for lang, t := range in {
		code, err := CheckLanguageCode(lang)
		if err != nil {
			return nil, Errorf(EInvalid, "translations: %q is not a language code such as \"de\".", lang)
		}
		if _, dup := out[code]; dup {
			return nil, Errorf(EInvalid, "translations: %q is given twice.", code)
		}
		for _, f := range []struct {
			name string
			v    *string
		}{{"online_message", &t.OnlineMessage}, {"offline_message", &t.OfflineMessage}, {"greeting", &t.Greeting}, {"widget_title", &t.WidgetTitle}} {
			v, err := CheckSettingText("translations."+code+"."+f.name, *f.v)
			if err != nil {
				return nil, err
			}
			*f.v = v
		}
		if t != (SettingTexts{}) {
			out[code] = t
		}
	}
	return out, nil
}

// The waiting reminder (Settings.WaitingReminder), in minutes.
const (
	DefaultWaitingReminder = 5
	MaxWaitingReminder     = 24 * 60
)

// Limits of settings texts.
const (
	MaxSettingRunes = 1000
	MaxOrigins      = 100
)
