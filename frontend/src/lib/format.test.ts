import { afterAll, describe, expect, it } from 'vitest';
import { h } from 'preact';
import { itemTypeLabel, outKindLabel, tWith } from './format';
import { relativeTime, setLanguage } from './i18n';

// The conversation list's times: Intl.RelativeTimeFormat (short, numeric
// "auto") in the app's language, and the date a week or more back.
describe('relativeTime', () => {
  const now = new Date('2025-06-15T12:00:00Z');
  const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);

  const cases: Array<{ name: string; date: Date; en: string; de: string }> = [
    { name: 'same instant', date: now, en: 'now', de: 'jetzt' },
    { name: '59 seconds', date: ago(59), en: 'now', de: 'jetzt' },
    { name: 'future date (clock skew)', date: ago(-120), en: 'now', de: 'jetzt' },
    { name: 'exactly one minute', date: ago(60), en: '1 min. ago', de: 'vor 1 Min.' },
    { name: '59 minutes 59 seconds', date: ago(3599), en: '59 min. ago', de: 'vor 59 Min.' },
    { name: 'exactly one hour', date: ago(3600), en: '1 hr. ago', de: 'vor 1 Std.' },
    { name: '23 hours', date: ago(23 * 3600), en: '23 hr. ago', de: 'vor 23 Std.' },
    { name: 'exactly one day', date: ago(24 * 3600), en: 'yesterday', de: 'gestern' },
    { name: '47 hours', date: ago(47 * 3600), en: 'yesterday', de: 'gestern' },
    { name: 'two days', date: ago(48 * 3600), en: '2 days ago', de: 'vorgestern' },
    { name: 'six days', date: ago(6 * 24 * 3600 + 3600), en: '6 days ago', de: 'vor 6 Tagen' },
    { name: 'one week', date: ago(7 * 24 * 3600), en: 'Jun 8, 2025', de: '08.06.2025' },
    { name: 'months ago', date: new Date('2024-12-31T12:00:00Z'), en: 'Dec 31, 2024', de: '31.12.2024' },
  ];

  afterAll(() => setLanguage('en'));
  for (const lang of ['en', 'de'] as const) {
    for (const tc of cases) {
      it(`${lang}: ${tc.name}`, () => {
        setLanguage(lang);
        expect(relativeTime(tc.date, now)).toBe(tc[lang]);
      });
    }
  }
});

describe('labels', () => {
  afterAll(() => setLanguage('en'));
  it('names queued acts and item types in the language', () => {
    setLanguage('en');
    expect(outKindLabel('send_message')).toBe('Reply');
    expect(outKindLabel('create_item')).toBe('Create item');
    expect(itemTypeLabel('task')).toBe('task');
    setLanguage('de');
    expect(outKindLabel('send_message')).toBe('Antwort');
    expect(itemTypeLabel('task')).toBe('Aufgabe');
  });
});

describe('tWith', () => {
  afterAll(() => setLanguage('en'));
  const parts = (lang: string) => {
    setLanguage(lang);
    const bdi = h('bdi', null, 'Ben');
    const v = tWith('conversation.typing', 'name', bdi);
    return (v.props as { children: unknown[] }).children.map((c) => (c === bdi ? '<bdi>' : c));
  };
  it('puts the element where the placeholder is, with no isolation marks around it', () => {
    expect(parts('en')).toEqual(['', '<bdi>', ' is typing…']);
    expect(parts('de')).toEqual(['', '<bdi>', ' schreibt…']);
  });
});
