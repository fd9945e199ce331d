import { describe, expect, it } from 'vitest';
import { adminText } from './helpdesk';
import type { Settings } from '../lib/types';

const base = {
  online_message: "We're online. Ask us anything and we'll answer right here.",
  offline_message: 'Back Monday.',
  greeting: 'Hi! How can we help?',
  widget_title: 'Chat with us',
} as Settings;

describe('adminText (chat.TextsFor)', () => {
  it('gives the admin translation first', () => {
    expect(adminText({ ...base, translations: { de: { greeting: 'Servus!' } } }, 'greeting', 'de')).toBe('Servus!');
  });
  it('gives the product default in the language for a text left at it', () => {
    expect(adminText(base, 'online_message', 'de')).toBe('Wir sind online. Fragen Sie uns etwas, wir antworten gleich hier.');
    expect(adminText(base, 'online_message', 'en')).toBe(base.online_message);
  });
  it('never replaces the admin own text', () => {
    expect(adminText(base, 'offline_message', 'de')).toBe('Back Monday.');
  });
});
