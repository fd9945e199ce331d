// The chat window's language: the catalogs' "widget" and "notes" sections
// (locales/*.json, bundled by frontend/scripts/build-widget.mjs), chosen
// once at start, and times and numbers from Intl in that language.
//
// The language is the host page's (the loader passes the embedding tag's
// data-lang, else the page's <html lang>, as ?lang=), else the browser's,
// by the rule of locales.Match: the first whose primary subtag has a
// catalog, else English. String arguments are user text or names: t()
// isolates them (FSI … PDI), as the agent app's t() does.
import catalogs from 'deskchat:catalogs';
import { createI18n, FALLBACK, matchLanguage } from '../../../frontend/src/lib/catalog';
import { isolate, Plain } from '../../../frontend/src/lib/text';

export { FALLBACK };

/** The catalog language for preferences, best first (BCP 47 tags). */
export const match = (prefs: readonly (string | null | undefined)[]) => matchLanguage(catalogs, prefs);

/** What the host page asked for (data-lang or its <html lang>), if anything. */
const override = new URLSearchParams(location.search).get('lang') ?? '';

/** The language the window speaks. */
export const lang = match([override, ...(navigator.languages ?? []), navigator.language]);

const tag = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/; // chat.CheckLanguage
/** The visitor's language for the helpdesk (the customer's language):
 * the tag the choice came from, the page's or else the browser's. */
export const visitorLanguage = [override, navigator.language].find((l) => l && l.length <= 64 && tag.test(l)) ?? '';

const i18n = createI18n(catalogs, lang);
document.documentElement.lang = lang;
document.documentElement.dir = i18n.dir(lang);

const numbers = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });

/** A number written in the language's digits ("4.812" in German): pass
 * num(n) to t(). A plain number is written as it is (an item number, a
 * status code), as the agent app's t() and locales.T write it. */
class Num {
  constructor(readonly value: number) {}
}
export const num = (n: number) => new Num(n);

export type Args = Record<string, string | number | Num | Plain>;

/** The text of key ("widget.send") with args filled in: strings
 * isolated, num()s in the language's digits; the plural form by
 * args.count. A key no catalog has shows as itself. */
export function t(key: string, args: Args = {}): string {
  const replace: Record<string, string> = {};
  let count: number | undefined;
  for (const [k, v] of Object.entries(args)) {
    const n = v instanceof Num ? v.value : v instanceof Plain ? v.text : v;
    if (k === 'count' && typeof n === 'number') count = n;
    replace[k] = v instanceof Num ? numbers.format(v.value) : v instanceof Plain ? v.text : typeof v === 'number' ? String(v) : isolate(v);
  }
  // The plural form comes from count, the text from replace.
  return i18n.t(key, count === undefined ? { replace } : { count, replace }) as string;
}

/** What the window says for an error the server answered: the server's
 * own sentence in English; in another language the catalogs' for its
 * code (errors.<code>, the agent app's too), else a general one. */
export function errorText(code: string, message: string): string {
  if (lang === FALLBACK && message) return message;
  return has(`errors.${code}`) ? t(`errors.${code}`) : t('errors.general');
}

/** Whether the window's or the fallback catalog has key. */
export const has = (key: string) => i18n.exists(key);

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
  if (n >= MB) return t('widget.size_mb', { n: num(Math.floor((n * 10) / MB) / 10) });
  if (n >= 1024) return t('widget.size_kb', { n: num(Math.floor(n / 1024)) });
  return t('widget.size_bytes', { count: num(n) });
}

/** What a length counter next to a field says, or '' while far from the
 * limit (frontend/src/lib/text.ts counterText, in this language). */
export function counterText(n: number, limit: number): string {
  if (n < limit * 0.9) return '';
  const args = { n: num(n), limit: num(limit) };
  return n > limit ? t('widget.counter_over', { ...args, over: num(n - limit) }) : t('widget.counter', args);
}
