import { describe, expect, it } from 'vitest';
import { SHORTCUTS, shortcutFor, step } from './shortcuts';

const key = (k: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey', boolean>> = {}) =>
  ({ key: k, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });

describe('shortcutFor', () => {
  it('maps every listed shortcut, and single keys only outside text fields', () => {
    expect(shortcutFor(key('j'), false)).toBe('next');
    expect(shortcutFor(key('j'), true)).toBeNull(); // typing a j in the composer
    expect(shortcutFor(key('ArrowDown', { altKey: true }), true)).toBe('next');
    expect(shortcutFor(key('ArrowUp', { altKey: true }), false)).toBe('previous');
    expect(shortcutFor(key('k'), false)).toBe('previous');
    expect(shortcutFor(key('K', { ctrlKey: true }), true)).toBe('search');
    expect(shortcutFor(key('/'), false)).toBe('search');
    expect(shortcutFor(key('?', { shiftKey: true }), false)).toBe('help');
    expect(shortcutFor(key('r'), false)).toBe('reply');
    expect(shortcutFor(key('c', { altKey: true }), true)).toBe('close');
    expect(shortcutFor(key('r', { ctrlKey: true }), false)).toBeNull(); // the browser's, not ours
    expect(shortcutFor(key('x'), false)).toBeNull();
    for (const s of SHORTCUTS) expect(s.keys.length).toBeGreaterThan(0);
  });
});

describe('step', () => {
  it('moves through the list and stops at its ends', () => {
    expect(step([5, 3, 9], 3, 1)).toBe(9);
    expect(step([5, 3, 9], 9, 1)).toBe(9);
    expect(step([5, 3, 9], 5, -1)).toBe(5);
    expect(step([5, 3, 9], undefined, 1)).toBe(5);
    expect(step([5, 3, 9], 42, -1)).toBe(5); // the open one is not in this list
    expect(step([], 3, 1)).toBeUndefined();
  });
});
