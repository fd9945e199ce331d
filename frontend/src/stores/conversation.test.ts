import { afterEach, describe, expect, it } from 'vitest';
import { setBridge } from '../lib/bridge';
import { setLanguage } from '../lib/i18n';
import type { Message } from '../lib/types';
import {
  atBottom, current, dayLabel, ephemeral, groupMessages, hasNewer, hasOlder, jumpToLatest, latest, loadNewer, loadOlder, mergeNewest, messages,
  open, PAGE, refresh, send, systemText, typed, typing, unsent, WINDOW,
} from './conversation';

const at = (d: number, h: number, m: number) => new Date(2026, 10, d, h, m).toISOString();
const msg = (id: number, who: [string, number], created: string, extra: Partial<Message> = {}): Message => ({
  id, conversation_id: 1, author: { kind: who[0] as any, id: who[1], name: `${who[0]}${who[1]}` }, text: `t${id}`, created_at: created, ...extra,
});

describe('groupMessages', () => {
  const now = new Date(2026, 10, 24, 12, 0);
  it('groups by day and author, with system notes on their own', () => {
    const rows = groupMessages(
      [
        msg(1, ['customer', 1], at(23, 9, 0)),
        msg(2, ['customer', 1], at(23, 9, 2)),
        msg(3, ['user', 7], at(23, 9, 3)),
        msg(4, ['system', 0], at(23, 9, 4), { system: 'closed', text: 'Anna closed the conversation.' }),
        msg(5, ['user', 7], at(23, 9, 5)),
        msg(6, ['user', 7], at(24, 8, 0)),
        msg(7, ['user', 7], at(24, 8, 30)),
      ],
      7,
      now,
    );
    expect(rows.map((r) => (r.kind === 'group' ? `g${r.messages.map((m) => m.id).join('')}${r.mine ? 'm' : ''}` : r.kind === 'day' ? r.label : 's'))).toEqual([
      'Yesterday', 'g12', 'g3m', 's', 'g5m', 'Today', 'g6m', 'g7m',
    ]);
  });
  it('labels older days with the date, in the language', () => {
    expect(dayLabel(new Date(2026, 10, 20, 10), new Date(2026, 10, 24))).toBe('Fri, Nov 20, 2026');
    setLanguage('de');
    try {
      expect(dayLabel(new Date(2026, 10, 20, 10), new Date(2026, 10, 24))).toBe('Fr., 20. Nov. 2026');
      expect(dayLabel(new Date(2026, 10, 23, 10), new Date(2026, 10, 24))).toBe('Gestern');
    } finally {
      setLanguage('en');
    }
  });
  it('says what system notes say', () => {
    expect(systemText(msg(1, ['system', 0], at(1, 1, 1), { system: 'offline_reply', text: 'Back at 9' }))).toBe('Auto-reply: \u2068Back at 9\u2069');
    expect(systemText(msg(1, ['system', 0], at(1, 1, 1), { system: 'closed', text: 'Anna closed the conversation.' }))).toBe('Anna closed the conversation.');
  });
});

describe('typing', () => {
  afterEach(() => setBridge(undefined));
  it('shows a typing signal of the open conversation only, and sends at most one a second', async () => {
    const sent: number[] = [];
    const opened: any[] = [];
    setBridge({
      InboxService: {
        FindConversationByID: async () => ({ id: 5, status: 'open' }),
        ListMessages: async () => ({ messages: [], pending: [] }),
        OpenConversation: async (p: any) => void opened.push(p),
        Typing: async (p: any) => void sent.push(p.internal ? -p.conversation_id : p.conversation_id),
        ListConversations: async () => [],
        SectionCounts: async () => ({ mine: { open: 0, closed: 0 } }),
        UnreadTotal: async () => 0,
      },
    } as any);
    await open(5);
    expect(current.value?.id).toBe(5);
    expect(opened[0].conversation_id).toBe(5);
    ephemeral({ seq: 0, created_at: '', type: 'typing', conversation_id: 6, data: { who: { name: 'Sally' } } }, 1000);
    expect(typing.value).toBeNull();
    ephemeral({ seq: 0, created_at: '', type: 'typing', conversation_id: 5, data: { who: { name: 'Sally' } } }, 1000);
    expect(typing.value).toEqual({ name: 'Sally', until: 5000 });
    typed(false, 10_000);
    typed(false, 10_500);
    typed(true, 11_001); // typing a private note: the team only
    await Promise.resolve();
    expect(sent).toEqual([5, -5]);
  });
});

describe('unsent', () => {
  it('hides a send whose message already arrived, keeps the rest', () => {
    const arrived = msg(9, ['user', 7], at(24, 9, 0), { client_id: 'app-1' });
    const pend = [
      { seq: 1, client_id: 'app-1', kind: 'send_message', conversation_id: 1, text: 'x' },
      { seq: 2, client_id: 'app-2', kind: 'send_message', conversation_id: 1, text: 'y' },
      { seq: 3, client_id: 'app-3', kind: 'edit_message', conversation_id: 1, message_id: 9, text: 'z' },
    ] as any;
    expect(unsent([arrived], pend).map((p) => p.client_id)).toEqual(['app-2']);
  });
});

describe('mergeNewest', () => {
  const m = (id: number) => msg(id, ['customer', 1], at(24, 9, 0));
  const ids = (r: { messages: Message[] }) => r.messages.map((x) => x.id);
  it('keeps older pages and replaces the newest', () => {
    const r = mergeNewest([m(1), m(2), m(3), m(4)], [m(3), m(4), m(5)], 3);
    expect(ids(r)).toEqual([1, 2, 3, 4, 5]);
    expect(r.gap).toBe(false);
  });
  it('drops older pages instead of leaving a hole when more than a page arrived', () => {
    const r = mergeNewest([m(1), m(2)], [m(7), m(8), m(9)], 3);
    expect(ids(r)).toEqual([7, 8, 9]);
    expect(r.gap).toBe(true);
  });
  it('a short newest page is the whole conversation', () => {
    expect(ids(mergeNewest([m(1), m(2)], [m(1), m(2), m(3)], 50))).toEqual([1, 2, 3]);
  });
});

describe('the window of pages', () => {
  afterEach(() => setBridge(undefined));
  // A conversation of 1,000 messages, ids 1..1000, paged like the local store.
  let total = 1000;
  const page = (p: any) => {
    const all = Array.from({ length: total }, (_, i) => msg(i + 1, ['customer', 1], at(24, 9, 0)));
    const limit = p.limit ?? PAGE;
    if (p.after_id) return all.filter((m) => m.id > p.after_id).slice(0, limit);
    const before = all.filter((m) => m.id < (p.before_id || Infinity));
    return before.slice(Math.max(0, before.length - limit));
  };
  let edited: Record<number, string> = {};
  let hold: ((go: () => void) => void) | null = null; // delays the next after_id page (or one holdIf picks)
  let holdIf: ((p: any) => boolean) | null = null;
  const sent: any[] = [];
  const bridge = () =>
    setBridge({
      InboxService: {
        FindConversationByID: async (p: any) => ({ id: p.conversation_id, status: 'open', unread: 0 }),
        ListMessages: async (p: any) => {
          const r = { messages: page(p).map((m) => (edited[m.id] ? { ...m, text: edited[m.id] } : m)), pending: [] };
          if (hold && (holdIf ? holdIf(p) : p.after_id)) {
            holdIf = null;
            const h = hold;
            hold = null;
            await new Promise<void>((go) => h(go));
          }
          return r;
        },
        SendMessage: async (p: any) => void sent.push(p),
        OpenConversation: async () => undefined,
        ListConversations: async () => [],
        SectionCounts: async () => ({ mine: { open: 0, closed: 0 } }),
        UnreadTotal: async () => 0,
      },
    } as any);
  const span = () => [messages.value[0].id, messages.value[messages.value.length - 1].id, messages.value.length];
  it('never holds more than WINDOW messages, back to the first and down to the newest, with nothing missing', async () => {
    total = 1000;
    bridge();
    await open(1);
    expect(span()).toEqual([951, 1000, 50]);
    let steps = 0;
    while (hasOlder.value && steps++ < 100) {
      const first = messages.value[0].id;
      await loadOlder();
      expect(messages.value.length).toBeLessThanOrEqual(WINDOW);
      expect(messages.value[messages.value.length - 1].id - messages.value[0].id + 1).toBe(messages.value.length); // contiguous
      expect(messages.value[0].id).toBe(Math.max(1, first - PAGE));
    }
    expect(span()).toEqual([1, WINDOW, WINDOW]);
    expect(hasNewer.value).toBe(true);
    while (hasNewer.value && steps++ < 200) {
      const last = messages.value[messages.value.length - 1].id;
      await loadNewer();
      expect(messages.value.length).toBeLessThanOrEqual(WINDOW);
      expect(messages.value[messages.value.length - 1].id).toBe(Math.min(1000, last + PAGE));
    }
    expect(span()).toEqual([1000 - WINDOW + 1, 1000, WINDOW]);
    expect(hasOlder.value).toBe(true);
  });
  it('scrolled back, arrivals do not move the window; jumping to the latest shows them', async () => {
    total = 1000;
    bridge();
    await open(1);
    for (let i = 0; i < 6; i++) await loadOlder();
    const before = span();
    total = 1003;
    await refresh();
    expect(span()).toEqual(before);
    await jumpToLatest();
    expect(span()).toEqual([954, 1003, 50]);
    expect(hasNewer.value).toBe(false);
  });
  it('drops a page asked for a window that is gone (Jump to the latest while a page loads)', async () => {
    total = 1000;
    edited = {};
    bridge();
    await open(1);
    for (let i = 0; i < 8; i++) await loadOlder(); // scrolled back: the window ends before the newest
    expect(hasNewer.value).toBe(true);
    let release = () => {};
    hold = (go) => (release = go);
    const inFlight = loadNewer();
    await Promise.resolve();
    await jumpToLatest();
    release();
    await inFlight;
    const ids = messages.value.map((m) => m.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[ids.length - 1]).toBe(1000);
    expect(hasNewer.value).toBe(false);
  });
  it('scrolled back, an edit in the window shows; at the newest, a full window does not move under a reader above', async () => {
    total = 1000;
    edited = {};
    bridge();
    await open(1);
    for (let i = 0; i < 8; i++) await loadOlder();
    const shown = messages.value[10].id;
    edited = { [shown]: 'edited meanwhile' };
    await refresh();
    expect(messages.value.find((m) => m.id === shown)?.text).toBe('edited meanwhile');
    // At the newest with a full window, reading its top: arrivals wait below.
    edited = {};
    await jumpToLatest();
    for (let i = 0; i < 3; i++) await loadOlder();
    expect(messages.value.length).toBe(WINDOW);
    atBottom.value = false;
    const first = messages.value[0].id;
    total = 1010;
    await refresh();
    expect(messages.value[0].id).toBe(first);
    expect(messages.value.length).toBe(WINDOW);
    expect(hasNewer.value).toBe(true);
    await loadNewer();
    await loadNewer();
    expect(messages.value[messages.value.length - 1].id).toBe(1010);
    // At the end, the oldest go instead.
    atBottom.value = true;
    total = 1012;
    await refresh();
    expect(messages.value[messages.value.length - 1].id).toBe(1012);
    expect(messages.value.length).toBe(WINDOW);
  });
  it('a reply written while scrolled back goes to its conversation and shows at the end', async () => {
    total = 1000;
    edited = {};
    sent.length = 0;
    bridge();
    await open(1);
    for (let i = 0; i < 8; i++) await loadOlder();
    const jumps = latest.value;
    await send('on my way');
    expect(sent[0]?.conversation_id).toBe(1);
    expect(latest.value).toBe(jumps + 1); // the view sticks to the end
    expect(hasNewer.value).toBe(false);
    for (let i = 0; i < 8; i++) await loadOlder();
    const sending = send('second');
    void open(2); // another conversation opens while the window comes back
    await sending;
    expect(sent[1]?.conversation_id).toBe(1);
  });
  it('an arrival is not lost when a page comes in while the refresh reads', async () => {
    total = 1000;
    edited = {};
    bridge();
    await open(1);
    await loadOlder(); // 100 messages, at the newest
    let release = () => {};
    holdIf = (p) => !p.before_id && !p.after_id; // the refresh's newest page
    hold = (go) => (release = go);
    total = 1001;
    const refreshing = refresh();
    await Promise.resolve();
    await loadOlder(); // a page comes in first
    release();
    await refreshing;
    expect(messages.value[messages.value.length - 1].id).toBe(1001);
    expect(messages.value[0].id).toBe(851);
  });
  it('scrolled back to the very first message, a refresh keeps that window', async () => {
    total = 300;
    edited = {};
    bridge();
    await open(1);
    while (hasOlder.value) await loadOlder();
    const before = messages.value.map((m) => m.id);
    expect(before[0]).toBe(1);
    expect(hasNewer.value).toBe(true);
    await refresh();
    expect(messages.value.map((m) => m.id)).toEqual(before);
  });
  it('opens a search hit far back with a page either side', async () => {
    total = 1000;
    bridge();
    await open(1, 300);
    expect(span()).toEqual([251, 350, 100]);
    expect(hasOlder.value).toBe(true);
    expect(hasNewer.value).toBe(true);
  });
});
