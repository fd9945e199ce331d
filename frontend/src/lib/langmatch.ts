// The rule that picks a catalog for a list of language preferences, with
// no imports: the widget's loader (≤ 5 KB) uses it too.

/** The language of the reference catalog and of a key another lacks. */
export const FALLBACK = 'en';

/** matchLanguage is the catalog language for preferences, best first
 * (BCP 47 tags such as "de-AT", POSIX locales such as "de_DE.UTF-8"):
 * the first whose primary language has a catalog, else FALLBACK — the
 * rule of locales.Match on the Go side. */
export function matchLanguage(catalogs: Record<string, unknown>, prefs: readonly (string | null | undefined)[]): string {
  for (const p of prefs) {
    const primary = (p ?? '').toLowerCase().replace(/_/g, '-').split(/[-.@]/)[0];
    if (primary && catalogs[primary]) return primary;
  }
  return FALLBACK;
}
