package httpapi

import (
	"net/url"
	"testing"
)

func TestHasLoneSurrogate(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{`{"t":"plain"}`, false},
		{`{"t":"\ud83d\ude00"}`, false}, // a proper pair (😀)
		{`{"t":"\uD83D\uDE00"}`, false},
		{`{"t":"\ud83d"}`, true},
		{`{"t":"\ud83dx"}`, true},
		{`{"t":"\ude00"}`, true},
		{`{"t":"\ud83d\u0041"}`, true},
		{`{"t":"\\ud83d"}`, false}, // an escaped backslash, then text
		{`{"t":"\\\ud83d"}`, true},
		{`{"t":"\u00e9\n\t\""}`, false},
		{`{"t":"\u12"}`, false}, // malformed: the decoder reports it
	}
	for _, tt := range tests {
		if got := hasLoneSurrogate([]byte(tt.in)); got != tt.want {
			t.Errorf("hasLoneSurrogate(%s) = %t, want %t", tt.in, got, tt.want)
		}
	}
}

func TestMatchOrigin(t *testing.T) {
	tests := []struct {
		pattern, origin string
		want            bool
	}{
		{"https://shop.example.com", "https://shop.example.com", true},
		{"https://shop.example.com/", "https://SHOP.example.com", true},
		{"https://shop.example.com", "http://shop.example.com", false},
		{"https://shop.example.com", "https://shop.example.com:8443", false},
		{"https://*.example.com", "https://a.b.example.com", true},
		{"https://*.example.com", "https://example.com", false},
		{"https://*.example.com", "https://evilexample.com", false},
		{"https://*.example.com", "https://example.com.evil.test", false},
	}
	for _, tt := range tests {
		u, _ := url.Parse(tt.origin)
		if got := matchOrigin(tt.pattern, u); got != tt.want {
			t.Errorf("matchOrigin(%q, %q) = %t, want %t", tt.pattern, tt.origin, got, tt.want)
		}
	}
}
