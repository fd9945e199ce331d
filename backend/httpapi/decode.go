package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/deskchat/deskchat/backend/chat"
)

// decodeJSON reads one JSON object of at most chat.MaxBodyBytes into v,
// rejecting unknown fields, trailing data, invalid UTF-8 and unpaired
// surrogate escapes (which encoding/json would silently turn into U+FFFD).
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			return chat.Errorf(chat.EMediaType, "Send the body as application/json.")
		}
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, chat.MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return chat.Errorf(chat.EBodyTooLarge, "The request body is larger than %d bytes.", chat.MaxBodyBytes)
		}
		return chat.Errorf(chat.EInvalidJSON, "The request body could not be read.")
	}
	return decodeBytes(data, v)
}

// decodeBytes is decodeJSON without the HTTP part; WebSocket frames use it.
func decodeBytes(data []byte, v any) error {
	if !utf8.Valid(data) || hasLoneSurrogate(data) {
		return chat.Errorf(chat.EInvalidUTF8, "The body is not valid UTF-8.")
	}
	// Exactly one JSON object: not null, not an array, not a bare value.
	if trimmed := bytes.TrimLeft(data, " \t\r\n"); len(trimmed) > 0 && trimmed[0] != '{' {
		return chat.Errorf(chat.EInvalidJSON, "The body must be a JSON object.")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.EOF):
			return chat.Errorf(chat.EInvalidJSON, "The body is empty; send a JSON object.")
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return chat.Errorf(chat.EUnknownField, "Unknown field %s.", strings.TrimPrefix(err.Error(), "json: unknown field "))
		case errors.As(err, &typeErr):
			return chat.Errorf(chat.EInvalid, "Field %q must be of type %s.", typeErr.Field, typeErr.Type)
		}
		return chat.Errorf(chat.EInvalidJSON, "The body is not valid JSON.")
	}
	if _, err := dec.Token(); err != io.EOF {
		return chat.Errorf(chat.EInvalidJSON, "The body has data after the JSON object.")
	}
	return nil
}

// hasLoneSurrogate reports a \uD800–\uDFFF escape that is not a proper
// high+low pair. Backslashes occur only inside JSON strings, so a linear
// scan over escapes is exact.
func hasLoneSurrogate(data []byte) bool {
	hex4 := func(i int) (rune, bool) {
		if i+6 > len(data) || data[i] != '\\' || data[i+1] != 'u' {
			return 0, false
		}
		v, err := strconv.ParseUint(string(data[i+2:i+6]), 16, 16)
		return rune(v), err == nil
	}
	for i := 0; i < len(data); i++ {
		if data[i] != '\\' || i+1 >= len(data) {
			continue
		}
		if data[i+1] != 'u' {
			i++ // skip the escaped character, which may be a backslash
			continue
		}
		r, ok := hex4(i)
		if !ok {
			continue // the decoder reports the syntax error
		}
		switch {
		case r >= 0xD800 && r <= 0xDBFF:
			lo, ok := hex4(i + 6)
			if !ok || lo < 0xDC00 || lo > 0xDFFF {
				return true
			}
			i += 11
		case r >= 0xDC00 && r <= 0xDFFF:
			return true
		default:
			i += 5
		}
	}
	return false
}

// pathID parses a positive integer path value.
func pathID(r *http.Request, name string) (int64, error) {
	v, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || v <= 0 {
		return 0, chat.Errorf(chat.EInvalid, "%s must be a positive integer.", name)
	}
	return v, nil
}

// queryInt parses an optional non-negative integer query parameter.
func queryInt(r *http.Request, name string) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 {
		return 0, chat.Errorf(chat.EInvalid, "Query parameter %s must be a non-negative integer.", name)
	}
	return v, nil
}
