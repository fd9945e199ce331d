// The agent app's language: the catalogs in locales/ (one JSON file per
// language, i18next's format; see locales/locales.go), the chosen language
// as a signal, and dates, times and numbers from Intl in that language.
// Plural forms are i18next's (Intl.PluralRules): key_one, key_other….
//
// A component that calls t() or a formatter re-renders when the language
// changes (they read the signal). String arguments are user text or
// names: t() isolates them (FSI … PDI) so they cannot reorder the
// sentence around them, the rule chat.Isolate keeps on the Go side.
import { signal } from '@preact/signals';
import { isolate, Plain, setTextWords } from './text';

import { createI18n, FALLBACK, matchLanguage, type Tree } from './catalog';

export { FALLBACK };

const files = import.meta.glob<Tree>('../../../locales/*.json', { eager: true, import: 'default' });

/** Every catalog by language code ("en", "de"), from the file names. */
export const catalogs: Record<string, Tree> = Object.fromEntries(
  Object.entries(files).map(([path, tree]) => [path.replace(/^.*\/(.+)\.json$/, '$1'), tree]),
);

/** The languages with a catalog, sorted by code. */
export const languages = Object.keys(catalogs).sort();

/** match is the catalog language for preferences, best first (BCP 47
 * tags such as "de-AT"): the first whose primary language has a catalog,
 * else FALLBACK — the rule of locales.Match. */
export function match(...prefs: (string | undefined | null)[]): string {
  return matchLanguage(catalogs, prefs);
}

const i18n = createI18n(catalogs, FALLBACK);

/** The language the app speaks now. Set it with setLanguage. */
export const lang = signal(FALLBACK);

/** setLanguage switches the app's language (a code from `languages`;
 * anything else falls back) and the document's lang attribute. */
export function setLanguage(code: string) {
  const l = match(code);
  i18n.changeLanguage(l);
  lang.value = l;
  if (typeof document !== 'undefined') document.documentElement.lang = l;
}

export type Args = Record<string, string | number | Plain | undefined | null>;

/** t is the text of key ("section.key") in the current language, with
 * args filled in ({{name}}; strings isolated, plain() words as they are)
 * and the plural form chosen by args.count. A key no catalog has shows
 * as itself. */
export function t(key: string, args?: Args): string {
  const l = lang.value;
  const opts: Record<string, unknown> = { lng: l };
  for (const [k, v] of Object.entries(args ?? {})) {
    opts[k] = v instanceof Plain ? v.text : typeof v === 'string' ? isolate(v) : v ?? '';
  }
  return i18n.t(key, opts) as string;
}

/** tIn is the text of key in a given language (not the app's), with
 * English where that language lacks it; no arguments. */
export function tIn(language: string, key: string): string {
  return i18n.t(key, { lng: match(language) }) as string;
}

/** Whether the current or the fallback catalog has key. */
export function has(key: string): boolean {
  return i18n.exists(key, { lng: lang.value });
}

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat>();
function fmt<T>(kind: string, make: (l: string) => T): T {
  const key = `${lang.value}|${kind}`;
  let f = cache.get(key) as T | undefined;
  if (!f) {
    f = make(lang.value);
    cache.set(key, f as never);
  }
  return f;
}

const asDate = (d: Date | string) => (typeof d === 'string' ? new Date(d) : d);

/** A clock time: "14:05" (de), "2:05 PM" (en). */
export const formatTime = (d: Date | string) =>
  fmt('time', (l) => new Intl.DateTimeFormat(l, { hour: '2-digit', minute: '2-digit' })).format(asDate(d));

/** A date and time: "30 Nov 2026, 14:05" / "30.11.2026, 14:05". */
export const formatDateTime = (d: Date | string) =>
  fmt('datetime', (l) => new Intl.DateTimeFormat(l, { dateStyle: 'medium', timeStyle: 'short' })).format(asDate(d));

/** A calendar day: "Mon, 30 Nov 2026" / "Mo., 30. Nov. 2026". */
export const formatDay = (d: Date | string) =>
  fmt('day', (l) => new Intl.DateTimeFormat(l, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' })).format(asDate(d));

/** A date: "30 Nov 2026" / "30.11.2026". */
export const formatDate = (d: Date | string) =>
  fmt('date', (l) => new Intl.DateTimeFormat(l, { dateStyle: 'medium' })).format(asDate(d));

/** A weekday and time (a pause's end): "Mon 08:00" / "Mo., 08:00". */
export const formatWeekdayTime = (d: Date | string) =>
  fmt('wtime', (l) => new Intl.DateTimeFormat(l, { weekday: 'short', hour: '2-digit', minute: '2-digit' })).format(asDate(d));

/** A clock time in another time zone (a customer's local time). */
export const formatZoneTime = (d: Date, zone: string) =>
  new Intl.DateTimeFormat(lang.value, { timeZone: zone, hour: '2-digit', minute: '2-digit' }).format(d);

/** A count: "4,812" / "4.812". */
export const formatNumber = (n: number) => fmt('number', (l) => new Intl.NumberFormat(l)).format(n);

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** relativeTime describes date relative to now the way a conversation
 * list shows it, in the current language: "now", "5 min. ago", "3 hr.
 * ago", "yesterday", "4 days ago" ("jetzt", "vor 5 Min.", "gestern"…),
 * and the date for anything a week or more old. A future date (clock
 * skew) is "now". */
export function relativeTime(date: Date, now: Date): string {
  const rtf = fmt('rel', (l) => new Intl.RelativeTimeFormat(l, { numeric: 'auto', style: 'short' }));
  const seconds = Math.floor((now.getTime() - date.getTime()) / 1000);
  if (seconds < MINUTE) return rtf.format(0, 'second');
  if (seconds < HOUR) return rtf.format(-Math.floor(seconds / MINUTE), 'minute');
  if (seconds < DAY) return rtf.format(-Math.floor(seconds / HOUR), 'hour');
  if (seconds < WEEK) return rtf.format(-Math.floor(seconds / DAY), 'day');
  return formatDate(date);
}

/** The name of a language in that language: "English", "Deutsch". */
export function languageName(code: string): string {
  try {
    const n = new Intl.DisplayNames([code], { type: 'language' }).of(code) ?? code;
    return n.charAt(0).toLocaleUpperCase(code) + n.slice(1);
  } catch {
    return code;
  }
}

// Sizes and length counters (lib/text, shared with the widget) in the
// app's language: "1,5 MB", "5.001 / 5.000 · 1 Zeichen zu viel".
const sizeFormats = new Map<string, Intl.NumberFormat>();
setTextWords({
  count: formatNumber,
  size: (n, fraction) => {
    const key = `${lang.value}|${fraction}`;
    let f = sizeFormats.get(key);
    if (!f) sizeFormats.set(key, (f = new Intl.NumberFormat(lang.value, { useGrouping: false, minimumFractionDigits: fraction, maximumFractionDigits: fraction })));
    return f.format(n);
  },
  tooMany: (over) => t('message.too_many', { count: over }),
  unit: (u) => t(u === 'MB' ? 'files.unit_mb' : u === 'KB' ? 'files.unit_kb' : 'files.unit_bytes'),
});
