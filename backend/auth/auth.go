// Package auth hashes passwords (bcrypt, golang.org/x/crypto) and makes
// bearer tokens. Tokens are 256 random bits; the server keeps only their
// SHA-256, so a leaked database does not leak usable tokens.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/deskchat/deskchat/backend/chat"
)

// Cost is the bcrypt cost for new hashes. Tests may lower it.
var Cost = bcrypt.DefaultCost

// HashPassword checks the password policy and returns a bcrypt hash.
func HashPassword(password string) (string, error) {
	if err := CheckPassword(password); err != nil {
		return "", err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), Cost)
	if err != nil {
		return "", err
	}
	return string(h), nil
}

// CheckPassword applies the password policy.
func CheckPassword(password string) error {
	switch {
	case !utf8.ValidString(password):
		return chat.Errorf(chat.EInvalidUTF8, "The password is not valid UTF-8.")
	case utf8.RuneCountInString(password) < chat.MinPasswordLen:
		return chat.Errorf(chat.EInvalid, "The password needs at least %d characters.", chat.MinPasswordLen)
	case len(password) > chat.MaxPasswordLen:
		return chat.Errorf(chat.EInvalid, "The password is longer than %d bytes.", chat.MaxPasswordLen)
	}
	return nil
}

// dummyHash is compared against when a login names no known user, so that
// the answer takes as long as for a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("deskchat-timing-equaliser"), bcrypt.DefaultCost)

// VerifyPassword reports whether password matches hash. With an empty hash
// it still spends a bcrypt comparison and returns false.
func VerifyPassword(hash, password string) bool {
	if hash == "" {
		bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return false
	}
	err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(password))
	return err == nil
}

// NewToken returns a fresh bearer token and its hash for storage.
func NewToken() (token string, hash []byte, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken returns the stored form of a token.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// ErrNoToken is returned by ParseBearer for a missing header.
var ErrNoToken = errors.New("no bearer token")

// ParseBearer extracts the token of an "Authorization: Bearer T" header.
func ParseBearer(header string) (string, error) {
	const prefix = "Bearer "
	if len(header) <= len(prefix) || !strings.EqualFold(header[:len(prefix)], prefix) {
		return "", ErrNoToken
	}
	return header[len(prefix):], nil
}
