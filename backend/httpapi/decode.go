package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/deskchat/deskchat/backend/chat"
)

// decodeJSON reads one JSON object of at most chat.MaxBodyBytes into v,
// rejecting unknown fields, trailing data, invalid UTF-8 and unpaired
// surrogate escapes (which encoding/json would silently turn into U+FFFD).
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if err := checkBodyType(r); err != nil {
		return err
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

// checkBodyType answers EMediaType for a request that declares a body type
// other than application/json (no Content-Type is taken as JSON).
func checkBodyType(r *http.Request) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return chat.Errorf(chat.EMediaType, "Send the body as application/json.")
		}
		if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
			return chat.Errorf(chat.EMediaType, "Send the body as UTF-8 (charset=utf-8).")
		}
	}
	if ce := r.Header.Get("Content-Encoding"); ce != "" && !strings.EqualFold(ce, "identity") {
		return chat.Errorf(chat.EMediaType, "Send the body without a Content-Encoding.")
	}
	return nil
}

// emptyBody answers an endpoint that takes no body: nothing (or white
// space, or {}) is fine; anything else is EInvalidJSON, so a client that
// meant to send something learns it was not read.
func emptyBody(w http.ResponseWriter, r *http.Request) error {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, chat.MaxBodyBytes))
	if err != nil {
		return chat.Errorf(chat.EBodyTooLarge, "This endpoint takes no body.")
	}
	if t := bytes.TrimSpace(data); len(t) != 0 && !bytes.Equal(t, []byte("{}")) {
		return chat.Errorf(chat.EInvalidJSON, "This endpoint takes no body.")
	}
	return nil
}

// duplicateKey returns the first key that appears twice in one JSON
// object of data ("" if none): encoding/json would keep the last, and a
// proxy or another parser the first.
func duplicateKey(data []byte) string {
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		object bool
		keys   map[string]bool
		key    bool // the next string token is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		var top *frame
		if n := len(stack); n > 0 {
			top = stack[n-1]
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				if top != nil && top.object {
					top.key = true
				}
				stack = append(stack, &frame{object: true, keys: map[string]bool{}, key: true})
			case '[':
				if top != nil && top.object {
					top.key = true
				}
				stack = append(stack, &frame{})
			default:
				stack = stack[:len(stack)-1]
			}
		case string:
			if top != nil && top.object && top.key {
				if top.keys[t] {
					return t
				}
				top.keys[t] = true
				top.key = false
				continue
			}
			if top != nil && top.object {
				top.key = true
			}
		default:
			if top != nil && top.object {
				top.key = true
			}
		}
	}
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
	if k := duplicateKey(data); k != "" {
		return chat.Errorf(chat.EInvalidJSON, "The body has the key %q twice.", k)
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
	return refuseNulls(data, v)
}

// refuseNulls answers EInvalid for a top-level field given as null whose
// Go type has no "absent" (a bool, number or string): encoding/json would
// silently read it as false, 0 or "", so {"internal": null} would send a
// private note as a public reply. Optional fields (pointers, slices, maps)
// may be null, which means absent.
func refuseNulls(data []byte, v any) error {
	t := reflect.TypeOf(v)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct || !bytes.Contains(data, []byte("null")) {
		return nil
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(data, &fields) != nil {
		return nil
	}
	for name, raw := range fields {
		if !bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			continue
		}
		if f, ok := jsonField(t, name); ok {
			switch f.Type.Kind() {
			case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
				continue
			}
			return chat.Errorf(chat.EInvalid, "Field %q must not be null; leave it out or give a value.", name)
		}
	}
	return nil
}

// jsonField finds the struct field encoding/json reads key into (embedded
// structs included; names match case-insensitively, as encoding/json does).
func jsonField(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			if g, ok := jsonField(f.Type, key); ok {
				return g, true
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		if strings.EqualFold(name, key) {
			return f, true
		}
	}
	return reflect.StructField{}, false
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

// params reads a request's query string strictly. A parameter is either
// absent or given once with a valid value: "after=" is not "no after", and
// "after=0" means "after id 0" (the oldest page), never "no after". The
// first problem is kept in err (EInvalid, naming the parameter) and later
// reads return zero values.
type params struct {
	q   url.Values
	err error
}

// queryParams parses the query string; a malformed one (a bad %-escape, a
// ";" separator) is an error, never a silently dropped parameter.
func queryParams(r *http.Request) *params {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return &params{q: url.Values{}, err: chat.Errorf(chat.EInvalid, "The query string is malformed: %s.", strings.TrimPrefix(err.Error(), "invalid semicolon separator in query"))}
	}
	return &params{q: q}
}

// digits reports whether s is one or more ASCII digits (no sign, no
// spaces, no hex): the only form an id or a limit takes.
func digits(s string) bool {
	if s == "" || len(s) > 18 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// raw returns the one value of name and whether it was given.
func (p *params) raw(name string) (string, bool) {
	vs, ok := p.q[name]
	switch {
	case p.err != nil || !ok:
		return "", false
	case len(vs) > 1:
		p.err = chat.Errorf(chat.EInvalid, "Query parameter %s is given %d times; give it once.", name, len(vs))
		return "", false
	case vs[0] == "":
		p.err = chat.Errorf(chat.EInvalid, "Query parameter %s is empty; leave it out or give a value.", name)
		return "", false
	}
	return vs[0], true
}

// id reads an optional non-negative integer (an id); nil when absent.
func (p *params) id(name string) *int64 {
	s, ok := p.raw(name)
	if !ok {
		return nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || !digits(s) {
		p.err = chat.Errorf(chat.EInvalid, "Query parameter %s must be a non-negative integer.", name)
		return nil
	}
	return &v
}

// limit reads the optional page size, 1 to chat.MaxPageSize; def when
// absent. Out of range is an error, not a clamp.
func (p *params) limit(def int) int {
	s, ok := p.raw("limit")
	if !ok {
		return def
	}
	v, err := strconv.Atoi(s)
	if err != nil || !digits(s) || v < 1 || v > chat.MaxPageSize {
		p.err = chat.Errorf(chat.EInvalid, "Query parameter limit must be an integer from 1 to %d.", chat.MaxPageSize)
		return 0
	}
	return v
}

// oneOf reads an optional value that must be one of allowed; "" when absent.
func (p *params) oneOf(name string, allowed ...string) string {
	s, ok := p.raw(name)
	if !ok {
		return ""
	}
	if !slices.Contains(allowed, s) {
		p.err = chat.Errorf(chat.EInvalid, "Query parameter %s must be %s.", name, strings.Join(allowed, " or "))
		return ""
	}
	return s
}

// text reads an optional free-text value; "" when absent.
func (p *params) text(name string) string {
	s, _ := p.raw(name)
	return s
}
