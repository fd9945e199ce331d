// Package locales holds the product's catalogs: one JSON file per language
// (en.json, de.json…), read by the desktop app's Go side (notifications, the
// tray, exports), by the agent app (frontend/src/lib/i18n.ts) and by the
// customer widget (its build takes the "widget" and "notes" sections).
//
// A catalog is i18next's JSON v4 format: sections of keys, "{{name}}" for
// an argument, and plural forms as key_one, key_other… (CLDR categories:
// zero, one, two, few, many, other), chosen by the argument "count".
// en.json is the reference: every other catalog has the same keys with
// the same placeholders (TestCatalogsMatch; vitest checks it too), and a
// key a catalog lacks falls back to English.
//
// Adding a language is adding its file: <code>.json, with the code a
// BCP 47 primary language subtag ("fr", "pt").
package locales

import (
	"embed"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"

	"github.com/deskchat/deskchat/backend/chat"
)

// Fallback is the language of the reference catalog, used for a key or a
// language no other catalog has.
const Fallback = "en"

//go:embed *.json
var files embed.FS

var (
	once     sync.Once
	catalogs map[string]map[string]string // language → flattened key → text
	loadErr  error
)

func load() {
	catalogs = map[string]map[string]string{}
	entries, err := files.ReadDir(".")
	if err != nil {
		loadErr = err
		return
	}
	for _, e := range entries {
		code := strings.TrimSuffix(e.Name(), ".json")
		data, err := files.ReadFile(e.Name())
		if err != nil {
			loadErr = err
			return
		}
		var tree map[string]any
		if err := json.Unmarshal(data, &tree); err != nil {
			loadErr = fmt.Errorf("locales/%s: %w", e.Name(), err)
			return
		}
		flat := map[string]string{}
		flatten("", tree, flat)
		catalogs[code] = flat
	}
}

func flatten(prefix string, tree map[string]any, out map[string]string) {
	for k, v := range tree {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		switch v := v.(type) {
		case string:
			out[key] = v
		case map[string]any:
			flatten(key, v, out)
		}
	}
}

// Catalog is one language's keys ("section.key") and texts; nil for a
// language there is no catalog of. Callers must not change it.
func Catalog(lang string) map[string]string {
	once.Do(load)
	return catalogs[lang]
}

// Err is the error of reading the catalogs (a malformed file), nil when
// they are well formed.
func Err() error {
	once.Do(load)
	return loadErr
}

// Languages lists the languages with a catalog, sorted.
func Languages() []string {
	once.Do(load)
	out := make([]string, 0, len(catalogs))
	for code := range catalogs {
		out = append(out, code)
	}
	slices.Sort(out)
	return out
}

// Match is the catalog language for a list of preferences, best first:
// BCP 47 tags ("de-AT") or POSIX locales ("de_DE.UTF-8", "C"). The first
// whose primary language has a catalog wins; Fallback when none has.
func Match(prefs ...string) string {
	once.Do(load)
	for _, p := range prefs {
		p, _, _ = strings.Cut(p, ".") // de_DE.UTF-8
		p, _, _ = strings.Cut(p, "@") // de_DE@euro
		p = strings.ToLower(strings.ReplaceAll(p, "_", "-"))
		primary, _, _ := strings.Cut(p, "-")
		if _, ok := catalogs[primary]; ok && primary != "" {
			return primary
		}
	}
	return Fallback
}

// System is the language of the session, from the POSIX environment in
// its order of precedence: LANGUAGE (a colon-separated list), LC_ALL,
// LC_MESSAGES, LANG.
func System() string {
	var prefs []string
	if l := os.Getenv("LANGUAGE"); l != "" {
		prefs = append(prefs, strings.Split(l, ":")...)
	}
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if l := os.Getenv(v); l != "" {
			prefs = append(prefs, l)
			break // the first set one is the locale in force
		}
	}
	return Match(prefs...)
}

// Args are a text's arguments by placeholder name. A string is user text
// or a name: it is isolated (chat.Isolate) so it cannot reorder the
// sentence around it; numbers are written as they are; "count" also
// chooses the plural form.
type Args map[string]any

// Plain is an argument that is product text, not user text (a word of a
// catalog standing in for a name): it is written as it is, not isolated.
type Plain string

// T is the text of key in lang with args filled in: the plural form for
// args["count"] when the catalog has key_<form>, English where lang lacks
// the key, and the key itself where English lacks it too (a missing key
// shows, it is never blank).
func T(lang, key string, args Args) string {
	once.Do(load)
	text, ok := lookup(lang, key, args)
	if !ok {
		if text, ok = lookup(Fallback, key, args); !ok {
			return key
		}
	}
	return Fill(text, args)
}

func lookup(lang, key string, args Args) (string, bool) {
	cat := catalogs[lang]
	if cat == nil {
		return "", false
	}
	if n, ok := args["count"]; ok {
		if s, ok := cat[key+"_"+PluralForm(lang, toInt(n))]; ok {
			return s, true
		}
		if s, ok := cat[key+"_other"]; ok {
			return s, true
		}
	}
	s, ok := cat[key]
	return s, ok
}

func toInt(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case int64:
		return int(n)
	case float64:
		return int(n)
	}
	return 0
}

// PluralForm is the CLDR cardinal category of n in lang: "zero", "one",
// "two", "few", "many" or "other" (from golang.org/x/text's CLDR tables).
func PluralForm(lang string, n int) string {
	tag, err := language.Parse(lang)
	if err != nil {
		return "other"
	}
	if n < 0 {
		n = -n
	}
	switch plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0) {
	case plural.Zero:
		return "zero"
	case plural.One:
		return "one"
	case plural.Two:
		return "two"
	case plural.Few:
		return "few"
	case plural.Many:
		return "many"
	}
	return "other"
}

// Fill replaces each {{name}} in text with args[name] (isolated when it
// is a string); a placeholder without an argument is left as it is.
func Fill(text string, args Args) string {
	if !strings.Contains(text, "{{") {
		return text
	}
	var b strings.Builder
	for {
		i := strings.Index(text, "{{")
		if i < 0 {
			break
		}
		j := strings.Index(text[i:], "}}")
		if j < 0 {
			break
		}
		name := strings.TrimSpace(text[i+2 : i+j])
		b.WriteString(text[:i])
		switch v := args[name].(type) {
		case nil:
			b.WriteString(text[i : i+j+2])
		case string:
			b.WriteString(chat.Isolate(v))
		case Plain:
			b.WriteString(string(v))
		case int:
			b.WriteString(strconv.Itoa(v))
		case int64:
			b.WriteString(strconv.FormatInt(v, 10))
		default:
			b.WriteString(fmt.Sprint(v))
		}
		text = text[i+j+2:]
	}
	b.WriteString(text)
	return b.String()
}

// Put fills each {{name}} of text with parts[name] as it is: for a text
// whose arguments are made already (a quoted preview, a formatted date),
// where Fill would isolate them. A placeholder without a part stays.
func Put(text string, parts map[string]string) string {
	args := make(Args, len(parts))
	for k, v := range parts {
		args[k] = Plain(v)
	}
	return Fill(text, args)
}

// Placeholders lists the {{names}} of a text in order (the catalogs'
// consistency check).
func Placeholders(text string) []string {
	var out []string
	for {
		i := strings.Index(text, "{{")
		if i < 0 {
			return out
		}
		j := strings.Index(text[i:], "}}")
		if j < 0 {
			return out
		}
		out = append(out, strings.TrimSpace(text[i+2:i+j]))
		text = text[i+j+2:]
	}
}
