import { describe, expect, it } from 'vitest';
import { relativeTime } from './format';

describe('relativeTime', () => {
  const now = new Date('2025-06-15T12:00:00Z');
  const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);

  const cases: Array<{ name: string; date: Date; want: string }> = [
    { name: 'same instant', date: now, want: 'just now' },
    { name: '59 seconds', date: ago(59), want: 'just now' },
    { name: 'future date (clock skew)', date: ago(-120), want: 'just now' },
    { name: 'exactly one minute', date: ago(60), want: '1 min ago' },
    { name: '59 minutes 59 seconds', date: ago(3599), want: '59 min ago' },
    { name: 'exactly one hour', date: ago(3600), want: '1 h ago' },
    { name: '23 hours', date: ago(23 * 3600), want: '23 h ago' },
    { name: 'exactly one day', date: ago(24 * 3600), want: 'yesterday' },
    { name: '47 hours', date: ago(47 * 3600), want: 'yesterday' },
    { name: 'two days', date: ago(48 * 3600), want: '2 d ago' },
    { name: 'six days', date: ago(6 * 24 * 3600 + 3600), want: '6 d ago' },
    { name: 'one week', date: ago(7 * 24 * 3600), want: '2025-06-08' },
    { name: 'months ago', date: new Date('2024-12-31T23:59:00Z'), want: '2024-12-31' },
  ];

  for (const tc of cases) {
    it(tc.name, () => {
      expect(relativeTime(tc.date, now)).toBe(tc.want);
    });
  }
});
