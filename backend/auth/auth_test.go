package auth_test

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/deskchat/deskchat/backend/auth"
	"github.com/deskchat/deskchat/backend/chat"
)

func TestPasswords(t *testing.T) {
	auth.Cost = bcrypt.MinCost
	hash, err := auth.HashPassword("correct horse")
	if err != nil || !strings.HasPrefix(hash, "$2") {
		t.Fatalf("hash = %q, %v", hash, err)
	}
	if !auth.VerifyPassword(hash, "correct horse") || auth.VerifyPassword(hash, "correct horsE") || auth.VerifyPassword("", "correct horse") {
		t.Fatal("VerifyPassword accepts or rejects the wrong thing")
	}
	for _, tc := range []struct {
		pw, code string
	}{
		{"short", chat.EInvalid},
		{strings.Repeat("x", 73), chat.EInvalid},
		{"abcdefg\xff", chat.EInvalidUTF8},
		{"ünïcødé pass", ""},
	} {
		if err := auth.CheckPassword(tc.pw); chat.ErrorCode(err) != tc.code {
			t.Errorf("CheckPassword(%q) = %v, want %q", tc.pw, err, tc.code)
		}
	}
}

func TestTokens(t *testing.T) {
	a, ha, err := auth.NewToken()
	b, hb, _ := auth.NewToken()
	if err != nil || a == b || len(a) != 43 || bytes.Equal(ha, hb) || !bytes.Equal(ha, auth.HashToken(a)) {
		t.Fatalf("tokens %q %q", a, b)
	}
	for _, tc := range []struct {
		header, want string
		ok           bool
	}{
		{"Bearer abc", "abc", true},
		{"bearer abc", "abc", true},
		{"Bearer ", "", false},
		{"Basic abc", "", false},
		{"", "", false},
		{"Bearerabc", "", false},
	} {
		got, err := auth.ParseBearer(tc.header)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseBearer(%q) = %q, %v", tc.header, got, err)
		}
	}
}
