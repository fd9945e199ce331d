// The chat window's language: the catalogs' "widget" and "notes" sections
// (locales/*.json, bundled by frontend/scripts/build-widget.mjs), chosen
// once at start, and times and numbers from Intl in that language.
//
// The language is the host page's (the loader passes the embedding tag's
// data-lang, else the page's <html lang>, as ?lang=), else the browser's,
// by the rule of locales.Match: the first whose primary subtag has a
// catalog, else English. String arguments are user text or names: t()
// isolates them (FSI … PDI), as the agent app's t() does.
import i18next from 'i18next';
import catalogs from 'deskchat:catalogs';
import { isolate } from '../../../frontend/src/lib/text';

/** The language of the reference catalog and of a key another lacks. */
export const FALLBACK = 'en';

/** The catalog language for preferences, best first (BCP 47 tags). */
export function match(prefs: readonly (string | null | undefined)[]): string {
  for (const p of prefs) {
    const primary = (p ?? '').toLowerCase().replace(/_/g, '-').split(/[-.@]/)[0];
    if (primary && catalogs[primary]) return primary;
  }
  return FALLBACK;
}

/** What the host page asked for (data-lang or its <html lang>), if anything. */
const override = new URLSearchParams(location.search).get('lang') ?? '';

/** The language the window speaks. */
export const lang = match([override, ...(navigator.languages ?? []), navigator.language]);

const tag = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/; // chat.CheckLanguage
/** The visitor's language for the helpdesk (the customer's language):
 * the tag the choice came from, the page's or else the browser's. */
export const visitorLanguage = [override, navigator.language].find((l) => l && l.length <= 64 && tag.test(l)) ?? '';

const numbers = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
const i18n = i18next.createInstance();
i18n.init({
  resources: Object.fromEntries(Object.entries(catalogs).map(([code, tree]) => [code, { translation: tree }])),
  lng: lang,
  fallbackLng: FALLBACK,
  initAsync: false,
  interpolation: {
    escapeValue: false, // shown with textContent: text stays text
    alwaysFormat: true,
    format: (v: unknown) => (typeof v === 'number' ? numbers.format(v) : v), // "4.812" in German
  },
});
document.documentElement.lang = lang;
document.documentElement.dir = i18n.dir(lang);

export type Args = Record<string, string | number>;

/** The text of key ("widget.send") with args filled in: strings
 * isolated, numbers in the language's digits; the plural form by
 * args.count. */
export function t(key: string, args?: Args): string {
  const opts: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args ?? {})) opts[k] = typeof v === 'string' ? isolate(v) : v;
  return i18n.t(key, opts) as string;
}

const time = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' });
const dateTime = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
/** A clock time: "14:05" (de), "02:05 PM" (en). */
export const formatTime = (d: string) => time.format(new Date(d));
/** A date and time, for a time's tooltip. */
export const formatDateTime = (d: string) => dateTime.format(new Date(d));

/** A size as the product shows it (chat.FormatBytes): "10 MB", "1.5 MB",
 * "512 KB", "800 bytes", in the language's digits. */
export function formatBytes(n: number): string {
  const MB = 1 << 20;
  if (n >= MB) return t('widget.size_mb', { n: Math.floor((n * 10) / MB) / 10 });
  if (n >= 1024) return t('widget.size_kb', { n: Math.floor(n / 1024) });
  return t('widget.size_bytes', { count: n });
}

/** What a length counter next to a field says, or '' while far from the
 * limit (frontend/src/lib/text.ts counterText, in this language). */
export function counterText(n: number, limit: number): string {
  if (n < limit * 0.9) return '';
  return n > limit ? t('widget.counter_over', { n, limit, over: n - limit }) : t('widget.counter', { n, limit });
}
