import { afterEach, describe, expect, it } from 'vitest';
import { setBridge } from '../lib/bridge';
import { setLanguage } from '../lib/i18n';
import { visibleRange } from '../components/VirtualList';
import { conversationTitle, preview } from '../components/ConversationList';
import { localTime } from '../components/SidePanel';
import { parseOrigins } from './helpdesk';
import { results, run } from './search';
import { describeSync } from './session';

describe('describeSync', () => {
  const cases: [any, string, string][] = [
    [{ phase: 'connected', progress: 1 }, 'Connected', 'ok'],
    [{ phase: 'syncing', progress: 0.426 }, 'Syncing 43%', 'busy'],
    [{ phase: 'reconnecting', progress: 0, retry_in: 2_500_000_000 }, 'Reconnecting in 3 s', 'bad'],
    [{ phase: 'signed_out', progress: 0 }, 'Signed out by the server', 'bad'],
    [{ phase: 'connecting', progress: 0 }, 'Connecting…', 'busy'],
  ];
  for (const [s, label, tone] of cases) it(label, () => expect(describeSync(s)).toEqual({ label, tone }));
  it('counts down', () => {
    const s = { phase: 'reconnecting', progress: 0, retry_in: 20_000_000_000 } as any;
    expect(describeSync(s, 0).label).toBe('Reconnecting in 20 s');
    expect(describeSync(s, 5_200).label).toBe('Reconnecting in 15 s');
    expect(describeSync(s, 20_500).label).toBe('Reconnecting…');
  });
});

describe('visibleRange', () => {
  const cases: [number, number, number, number, { first: number; last: number }][] = [
    [0, 600, 68, 10_000, { first: 0, last: 15 }],
    [68 * 5000, 600, 68, 10_000, { first: 4994, last: 5015 }],
    [68 * 9990, 600, 68, 10_000, { first: 9984, last: 10_000 }],
    [0, 600, 68, 3, { first: 0, last: 3 }],
  ];
  for (const [top, h, rh, n, want] of cases) it(`top ${top} of ${n}`, () => expect(visibleRange(top, h, rh, n)).toEqual(want));
});

describe('conversation row text', () => {
  const base = { id: 1, kind: 'team', status: 'open', created_at: '', last_activity_at: '', unread: 0 } as any;
  it('names the customer, else the other participants', () => {
    expect(conversationTitle({ ...base, customer: { id: 3, name: '', email: 'a@b.c' } }, 1)).toBe('a@b.c');
    expect(conversationTitle({ ...base, participants: [{ user_id: 1, name: 'Me' }, { user_id: 2, name: 'Ben' }] }, 1)).toBe('Ben');
    // Several names on one line: each isolated, so a right-to-left override
    // in one cannot reorder the others.
    expect(conversationTitle({ ...base, participants: [{ user_id: 2, name: 'Ben\u202e' }, { user_id: 3, name: 'Sue' }] }, 1))
      .toBe('\u2068Ben\u202e\u202c\u2069, \u2068Sue\u2069');
    expect(conversationTitle({ ...base, customer: { id: 3, name: 'Sally', email: '', erased_at: 'x' } }, 1)).toBe('Erased customer');
  });
  it('previews my last message as "You:" and deleted ones as such', () => {
    const m = { id: 1, conversation_id: 1, author: { kind: 'user', id: 1, name: 'Me' }, text: 'hi\nthere', created_at: '' };
    expect(preview({ ...base, last_message: m }, 1)).toBe('You: \u2068hi there\u2069');
    // Someone else's message is the whole line: nothing of ours around it.
    expect(preview({ ...base, last_message: { ...m, author: { kind: 'customer', id: 3, name: 'S' } } }, 1)).toBe('hi there');
    expect(preview({ ...base, last_message: { ...m, deleted_at: 'x' } }, 1)).toBe('Message deleted');
  });
});

describe('small parsers', () => {
  it('parses allowed origins one per line', () => {
    expect(parseOrigins(' https://a.example\n\nhttps://b.example, https://c.example ')).toEqual(['https://a.example', 'https://b.example', 'https://c.example']);
  });
  it('shows a local time for a zone and nothing for a bad one', () => {
    // In the app's language: 24-hour in German, 12-hour in English.
    setLanguage('de');
    expect(localTime('UTC', new Date(Date.UTC(2026, 10, 24, 21, 30)))).toBe('21:30 (UTC)');
    setLanguage('en');
    expect(localTime('UTC', new Date(Date.UTC(2026, 10, 24, 21, 30)))).toMatch(/^09:30\sPM \(UTC\)$/); // ICU puts U+202F or a space before PM
    expect(localTime('Not/AZone')).toBe('');
  });
});

describe('search', () => {
  afterEach(() => setBridge(undefined));
  it('drops an answer that arrives after a newer query', async () => {
    const resolvers: ((v: any) => void)[] = [];
    setBridge({ InboxService: { Search: () => new Promise((r) => resolvers.push(r)) } } as any);
    const first = run('pay');
    const second = run('paypal');
    resolvers[1]([{ kind: 'message', title: 'new' }]);
    await second;
    resolvers[0]([{ kind: 'message', title: 'stale' }]);
    await first;
    expect(results.value.map((r) => r.title)).toEqual(['new']);
  });
});

describe('dayStart', () => {
  it('is the local midnight of the day, or of a day after', async () => {
    const { dayStart } = await import('./search');
    const a = new Date(dayStart('2026-03-02')!);
    expect([a.getFullYear(), a.getMonth(), a.getDate(), a.getHours(), a.getMinutes()]).toEqual([2026, 2, 2, 0, 0]);
    const b = new Date(dayStart('2026-03-31', 1)!);
    expect([b.getMonth(), b.getDate(), b.getHours()]).toEqual([3, 1, 0]);
    expect(dayStart('')).toBeUndefined();
    expect(dayStart('yesterday')).toBeUndefined();
  });
});
