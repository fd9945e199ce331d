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
	}
}

// WidgetConfig is the public part of the settings, for customers.
type WidgetConfig struct {
	Online   bool   `json:"online"`
	Message  string `json:"message"` // the online or the offline message
	Greeting string `json:"greeting"`
	Title    string `json:"title"`
}

// Widget returns what customers are shown.
func (s *Settings) Widget() WidgetConfig {
	msg := s.OnlineMessage
	if !s.Online {
		msg = s.OfflineMessage
	}
	return WidgetConfig{Online: s.Online, Message: msg, Greeting: s.Greeting, Title: s.WidgetTitle}
}

// SettingsUpdate changes the fields that are not nil.
type SettingsUpdate struct {
	OnlineMessage    *string   `json:"online_message,omitempty"`
	OfflineMessage   *string   `json:"offline_message,omitempty"`
	Greeting         *string   `json:"greeting,omitempty"`
	WidgetTitle      *string   `json:"widget_title,omitempty"`
	AllowedOrigins   *[]string `json:"allowed_origins,omitempty"`
	OfflineAutoReply *bool     `json:"offline_auto_reply,omitempty"`
}

// Limits of settings texts.
const (
	MaxSettingRunes = 1000
	MaxOrigins      = 100
)
