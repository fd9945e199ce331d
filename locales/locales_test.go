package locales_test

import (
	"regexp"
	"slices"
	"testing"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/locales"
)

var pluralSuffix = regexp.MustCompile(`_(zero|one|two|few|many|other)$`)

// base folds plural keys: each language has its own plural forms.
func base(cat map[string]string) map[string][]string {
	out := map[string][]string{}
	for k, v := range cat {
		b := pluralSuffix.ReplaceAllString(k, "")
		ph := append(out[b], locales.Placeholders(v)...)
		slices.Sort(ph)
		out[b] = slices.Compact(ph)
	}
	return out
}

func TestCatalogsMatch(t *testing.T) {
	if err := locales.Err(); err != nil {
		t.Fatal(err)
	}
	langs := locales.Languages()
	if !slices.Contains(langs, "en") || !slices.Contains(langs, "de") {
		t.Fatalf("languages %v, want en and de among them", langs)
	}
	en := base(locales.Catalog("en"))
	for _, l := range langs {
		cat := base(locales.Catalog(l))
		for k, ph := range en {
			got, ok := cat[k]
			if !ok {
				t.Errorf("%s lacks %s", l, k)
			} else if !slices.Equal(got, ph) {
				t.Errorf("%s: %s has placeholders %v, en %v", l, k, got, ph)
			}
		}
		for k := range cat {
			if _, ok := en[k]; !ok {
				t.Errorf("%s has %s, en does not", l, k)
			}
		}
	}
}

func TestT(t *testing.T) {
	if got, want := locales.T("de", "notes.closed", locales.Args{"actor": "Ben"}), "\u2068Ben\u2069 hat die Konversation geschlossen."; got != want {
		t.Errorf("de: %q, want %q", got, want)
	}
	if got, want := locales.T("fr", "notes.took", locales.Args{"actor": "Ana"}), "\u2068Ana\u2069 took this conversation."; got != want {
		t.Errorf("a language without a catalog falls back to English: %q, want %q", got, want)
	}
	if got := locales.T("de", "no.such.key", nil); got != "no.such.key" {
		t.Errorf("a missing key shows as itself, got %q", got)
	}
	// Numbers are not isolated; a missing argument leaves its placeholder.
	if got, want := locales.T("en", "notes.unlinked", locales.Args{"number": 12}), "{{actor}} unlinked this conversation from #12."; got != want {
		t.Errorf("%q, want %q", got, want)
	}
}

func TestMatchAndPlural(t *testing.T) {
	for _, tc := range []struct {
		prefs []string
		want  string
	}{
		{[]string{"de_DE.UTF-8"}, "de"},
		{[]string{"de_AT@euro"}, "de"},
		{[]string{"C"}, "en"},
		{[]string{"fr_FR", "de"}, "de"},
		{[]string{"en-GB"}, "en"},
		{nil, "en"},
	} {
		if got := locales.Match(tc.prefs...); got != tc.want {
			t.Errorf("Match(%v) = %s, want %s", tc.prefs, got, tc.want)
		}
	}
	t.Setenv("LANGUAGE", "")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "de_DE.UTF-8")
	if got := locales.System(); got != "de" {
		t.Errorf("System() with LANG=de_DE.UTF-8 = %s", got)
	}
	t.Setenv("LC_ALL", "en_US.UTF-8")
	if got := locales.System(); got != "en" {
		t.Errorf("System() with LC_ALL=en_US.UTF-8 over LANG = %s", got)
	}
	for _, tc := range []struct {
		lang string
		n    int
		want string
	}{{"en", 1, "one"}, {"en", 0, "other"}, {"de", 1, "one"}, {"de", 2, "other"}, {"pl", 3, "few"}, {"pl", 5, "many"}} {
		if got := locales.PluralForm(tc.lang, tc.n); got != tc.want {
			t.Errorf("PluralForm(%s, %d) = %s, want %s", tc.lang, tc.n, got, tc.want)
		}
	}
}

// TestDefaultTextsMatchCatalogs: the product's default admin texts
// (chat.DefaultSettings in English, chat.DefaultTexts in the other
// languages) are the catalogs' "defaults" section, which Settings shows
// as what readers of a language see when no text is written for it.
func TestDefaultTextsMatchCatalogs(t *testing.T) {
	def := chat.DefaultSettings()
	for _, lang := range locales.Languages() {
		want := chat.DefaultTexts[lang]
		if lang == locales.Fallback {
			want = chat.SettingTexts{OnlineMessage: def.OnlineMessage, OfflineMessage: def.OfflineMessage, Greeting: def.Greeting, WidgetTitle: def.WidgetTitle}
		}
		cat := locales.Catalog(lang)
		got := chat.SettingTexts{OnlineMessage: cat["defaults.online_message"], OfflineMessage: cat["defaults.offline_message"],
			Greeting: cat["defaults.greeting"], WidgetTitle: cat["defaults.widget_title"]}
		if got != want {
			t.Errorf("%s: catalog defaults %+v, chat %+v", lang, got, want)
		}
	}
}
