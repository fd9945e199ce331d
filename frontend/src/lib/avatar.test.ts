import { describe, expect, it } from 'vitest';
import { AVATAR_COLOURS, avatarColour, initials } from './avatar';

describe('initials', () => {
  it('takes the first and last words', () => {
    expect(initials('Sally Chen')).toBe('SC');
    expect(initials('Anna Maria van der Berg')).toBe('AB');
    expect(initials('anna')).toBe('A');
    expect(initials('  (Tom)  Becker ')).toBe('TB');
  });
  it('keeps graphemes whole and knows no letter', () => {
    expect(initials('e\u0301mile zola')).toBe('E\u0301Z');
    expect(initials('Ölaf ßauer', 'de')).toBe('Öß');
    expect(initials('!!! ???')).toBe('');
    expect(initials('')).toBe('');
    expect(initials('李 小龍')).toBe('李小');
  });
});

describe('avatarColour', () => {
  it('is stable and from the palette', () => {
    expect(avatarColour('customer:7')).toBe(avatarColour('customer:7'));
    expect(AVATAR_COLOURS).toContain(avatarColour('user:1'));
    const seen = new Set(Array.from({ length: 50 }, (_, i) => avatarColour(`user:${i}`)));
    expect(seen.size).toBeGreaterThan(5);
  });
});
