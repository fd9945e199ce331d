import { describe, expect, it } from 'vitest';
import { has, setLanguage, t, lang } from './i18n';
import { renderNote } from './note-render';
import shared from '../../../locales/testdata/notes.json';
import type { Message } from './protocol.gen';

const msg = (p: Message['system_params'], text = 'stored'): Message =>
  ({ id: 1, conversation_id: 1, author: { kind: 'system', name: '' }, text, system: p?.key ?? 'x', system_params: p, created_at: '' }) as Message;
const render = (m: Message) => renderNote(m, lang.value, t, has);

describe('renderNote', () => {
  it('writes each note in the reader language', () => {
    setLanguage('de');
    expect(render(msg({ key: 'linked_task', actor: 'Ben', actor_kind: 'user', item_number: 7 }))).toBe(
      '\u2068Ben\u2069 hat diese Konversation mit Aufgabe #7 verknüpft.',
    );
    expect(render(msg({ key: 'reopened', actor_kind: 'customer' }))).toContain('Der Kunde');
    expect(render(msg({ key: 'assigned', actor_kind: 'system', assignee: 'Ana' }))).toContain('Die automatische Zuweisung');
    setLanguage('en');
    expect(render(msg({ key: 'took', actor: 'Ben', actor_kind: 'user' }))).toBe('\u2068Ben\u2069 took this conversation.');
    expect(render(msg({ key: 'released_offline', actor_kind: 'system' }))).toContain('The assignee');
  });
  it('keeps the stored text of older notes and unknown keys; picks the offline reply language', () => {
    setLanguage('de');
    expect(render(msg(undefined, 'old text'))).toBe('old text');
    expect(render(msg({ key: 'merged' }, 'future'))).toBe('future');
    expect(render(msg({ key: 'offline_reply', texts: { de: 'Wir sind offline.' } }, 'We are offline.'))).toBe('Wir sind offline.');
    setLanguage('en');
    expect(render(msg({ key: 'offline_reply', texts: { de: 'Wir sind offline.' } }, 'We are offline.'))).toBe('We are offline.');
  });
});

// The cases Go's locales.Note is held to (locales/testdata/notes.json):
// the app and the widget write every note exactly as the Go side does.
describe('renderNote, the shared cases', () => {
  const cases = shared as unknown as { system_params: Message['system_params']; text: string; en: string; de: string }[];
  it('has them', () => expect(cases.length).toBeGreaterThan(10));
  for (const c of cases) {
    it(`${c.system_params?.key}: ${c.en}`, () => {
      const m = msg(c.system_params, c.text);
      setLanguage('en');
      expect(render(m)).toBe(c.en);
      setLanguage('de');
      expect(render(m)).toBe(c.de);
    });
  }
});
