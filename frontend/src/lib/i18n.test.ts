import { describe, expect, it } from 'vitest';
import { catalogs, FALLBACK, formatNumber, match, relativeTime, setLanguage, t } from './i18n';

type Tree = { [key: string]: string | Tree };
const PLURAL = /_(zero|one|two|few|many|other)$/;

function flatten(tree: Tree, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out[key] = v;
    else flatten(v, key, out);
  }
  return out;
}
const placeholders = (s: string) => [...s.matchAll(/\{\{\s*([^}\s]+)\s*\}\}/g)].map((m) => m[1]).sort();
/** Keys with plural suffixes folded: each language has its own forms. */
function base(cat: Record<string, string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [k, v] of Object.entries(cat)) {
    const b = k.replace(PLURAL, '');
    const ph = new Set([...(out.get(b) ?? []), ...placeholders(v)]);
    out.set(b, [...ph].sort());
  }
  return out;
}

describe('catalogs', () => {
  const en = base(flatten(catalogs[FALLBACK]));
  it('has English and German', () => {
    expect(Object.keys(catalogs)).toEqual(expect.arrayContaining(['en', 'de']));
    expect(en.size).toBeGreaterThan(10);
  });
  for (const [code, tree] of Object.entries(catalogs)) {
    if (code === FALLBACK) continue;
    it(`${code} has the keys of en, with the same placeholders`, () => {
      const cat = base(flatten(tree));
      expect([...cat.keys()].sort()).toEqual([...en.keys()].sort());
      for (const [k, ph] of en) expect([k, cat.get(k)]).toEqual([k, ph]);
    });
    it(`${code} has the plural forms its language uses`, () => {
      const flat = flatten(tree);
      const forms = new Intl.PluralRules(code).resolvedOptions().pluralCategories;
      for (const k of Object.keys(flat).filter((k) => k.endsWith('_other'))) {
        const b = k.replace(PLURAL, '');
        for (const f of forms) expect(flat, `${b}_${f}`).toHaveProperty([`${b}_${f}`]);
      }
    });
  }
  it('has no empty text', () => {
    for (const [code, tree] of Object.entries(catalogs)) {
      for (const [k, v] of Object.entries(flatten(tree))) expect(v.trim(), `${code}:${k}`).not.toBe('');
    }
  });
});

describe('t', () => {
  it('speaks the chosen language and isolates names', () => {
    setLanguage('de');
    expect(t('notes.closed', { actor: 'Ben' })).toBe('\u2068Ben\u2069 hat die Konversation geschlossen.');
    setLanguage('en-GB');
    expect(t('notes.closed', { actor: 'Ben' })).toBe('\u2068Ben\u2069 closed the conversation.');
  });
  it('matches tags to catalogs', () => {
    expect(match('de-AT')).toBe('de');
    expect(match('fr-FR', 'de_DE.UTF-8')).toBe('de');
    expect(match('fr', undefined)).toBe('en');
  });
  it('formats in the language', () => {
    setLanguage('de');
    expect(formatNumber(4812)).toBe('4.812');
    const now = new Date('2026-11-30T12:00:00Z');
    expect(relativeTime(new Date('2026-11-29T11:00:00Z'), now)).toBe('gestern');
    expect(relativeTime(new Date('2026-11-30T11:55:00Z'), now)).toBe('vor 5 Min.');
    setLanguage('en');
    expect(formatNumber(4812)).toBe('4,812');
    expect(relativeTime(new Date('2026-11-29T11:00:00Z'), now)).toBe('yesterday');
    expect(relativeTime(new Date('2026-11-30T11:59:30Z'), now)).toBe('now');
  });
});
