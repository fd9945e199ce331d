// What the agent app's and the widget's languages share (each bundles
// its own catalogs: lib/i18n.ts all of them, the widget its sections):
// the rule that picks a catalog, and the i18next instance over them.
import i18next, { type i18n as I18n } from 'i18next';
import { FALLBACK } from './langmatch';

export { FALLBACK, matchLanguage } from './langmatch';

/** A catalog: sections of keys (i18next's JSON v4). */
export type Tree = { [key: string]: string | Tree };

/** createI18n is an i18next instance over catalogs speaking lng, with
 * English where a catalog lacks a key. Values are not escaped: both
 * callers show text as text (Preact text nodes, textContent). */
export function createI18n(catalogs: Record<string, Tree>, lng: string): I18n {
  const i18n = i18next.createInstance();
  i18n.init({
    resources: Object.fromEntries(Object.entries(catalogs).map(([code, tree]) => [code, { translation: tree }])),
    lng,
    fallbackLng: FALLBACK,
    initAsync: false,
    returnNull: false,
    interpolation: { escapeValue: false },
  });
  return i18n;
}
