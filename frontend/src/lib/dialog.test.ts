import { describe, expect, it } from 'vitest';
import { wrapTarget } from './dialog';

describe('wrapTarget', () => {
  it('wraps Tab at the last control and Shift+Tab at the first, and leaves the rest to the browser', () => {
    const [a, b, c] = [{ n: 'a' }, { n: 'b' }, { n: 'c' }] as unknown as HTMLElement[];
    expect(wrapTarget([a, b, c], c, false)).toBe(a);
    expect(wrapTarget([a, b, c], a, true)).toBe(c);
    expect(wrapTarget([a, b, c], b, false)).toBeNull();
    expect(wrapTarget([a, b, c], null, false)).toBe(a); // focus outside: back in
    expect(wrapTarget([a, b, c], null, true)).toBe(c);
    expect(wrapTarget([], a, false)).toBeNull();
  });
});
