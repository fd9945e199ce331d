import { describe, expect, it } from 'vitest';
import { changed } from './memo';

describe('changed', () => {
  it('compares props by identity, both ways', () => {
    const m = { id: 1 };
    const none: number[] = [];
    expect(changed({ m, ops: none, on: true }, { m, ops: none, on: true })).toBe(false);
    expect(changed({ m, ops: none }, { m: { id: 1 }, ops: none })).toBe(true);
    expect(changed({ m, ops: none }, { m, ops: [] })).toBe(true);
    expect(changed({ m }, { m, extra: undefined })).toBe(true);
    expect(changed({ m, extra: undefined }, { m })).toBe(true);
  });
});
