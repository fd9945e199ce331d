import { afterAll, describe, expect, it } from 'vitest';
import shared from '../../../backend/chat/testdata/text.json';
import { balance, codePoints, counterText, formatBytes, isolate, oneLine, setTextWords, visible } from './text';
import { setLanguage } from './i18n';

// The same cases the Go rules pass (backend/chat/text_test.go).
const cases = shared as unknown as {
  visible: [string, boolean][]; balance: [string, string][]; isolate: [string, string][]; runes: [string, number][];
  oneLine: [string, boolean][];
};

describe('text rules shared with the server', () => {
  it.each(cases.visible)('visible(%j) is %s', (s, want) => expect(visible(s)).toBe(want));
  it.each(cases.balance)('balance(%j)', (s, want) => expect(balance(s)).toBe(want));
  it.each(cases.isolate)('isolate(%j)', (s, want) => expect(isolate(s)).toBe(want));
  it.each(cases.runes)('codePoints(%j)', (s, want) => expect(codePoints(s)).toBe(want));
  it.each(cases.oneLine)('oneLine(%j) is %s', (s, want) => expect(oneLine(s)).toBe(want));
});

describe('counterText', () => {
  it('stays quiet far from the limit and counts code points near it', () => {
    expect(counterText('x'.repeat(100), 5000)).toBe('');
    expect(counterText('😀'.repeat(4600), 5000)).toBe('4,600 / 5,000');
    expect(counterText('😀'.repeat(5001), 5000)).toBe('5,001 / 5,000 · 1 too many');
    // 3,000 emoji are 6,000 UTF-16 units but 3,000 characters: within the limit.
    expect(counterText('😀'.repeat(3000), 5000)).toBe('');
  });
});

describe('formatBytes', () => {
  it('writes sizes as chat.FormatBytes', () => {
    expect(formatBytes(10 << 20)).toBe('10 MB');
    expect(formatBytes(3 << 19)).toBe('1.5 MB');
    expect(formatBytes(512 << 10)).toBe('512 KB');
    expect(formatBytes(800)).toBe('800 bytes');
  });
});

// The widget keeps the English words above; the agent app puts its
// catalogs' in (components/Files.tsx), following the language.
describe('counterText and formatBytes in the app', () => {
  afterAll(() => {
    setLanguage('en');
    setTextWords({});
  });
  it('speak German and stay the same in English', async () => {
    await import('../components/Files');
    setLanguage('de');
    expect(counterText('😀'.repeat(4600), 5000)).toBe('4.600 / 5.000');
    expect(counterText('😀'.repeat(5001), 5000)).toBe('5.001 / 5.000 · 1 Zeichen zu viel');
    expect(counterText('😀'.repeat(6200), 5000)).toBe('6.200 / 5.000 · 1.200 Zeichen zu viel');
    expect(formatBytes(10 << 20)).toBe('10 MB');
    expect(formatBytes(3 << 19)).toBe('1,5 MB');
    expect(formatBytes((1 << 20) + 1000)).toBe('1,0 MB');
    expect(formatBytes(1023 << 10)).toBe('1023 KB');
    expect(formatBytes(800)).toBe('800 Byte');
    setLanguage('en');
    expect(counterText('😀'.repeat(5001), 5000)).toBe('5,001 / 5,000 · 1 too many');
    expect(counterText('😀'.repeat(6200), 5000)).toBe('6,200 / 5,000 · 1,200 too many');
    expect(formatBytes(10 << 20)).toBe('10 MB');
    expect(formatBytes(3 << 19)).toBe('1.5 MB');
    expect(formatBytes((1 << 20) + 1000)).toBe('1.0 MB');
    expect(formatBytes(1023 << 10)).toBe('1023 KB');
    expect(formatBytes(800)).toBe('800 bytes');
  });
});
