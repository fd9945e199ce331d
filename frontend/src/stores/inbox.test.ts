import { afterEach, describe, expect, it } from 'vitest';
import { setBridge } from '../lib/bridge';
import type { Conversation } from '../lib/types';
import { latestOf, list, listEnd, loadMore, mergeFirstPage, PAGE, reload, show } from './inbox';

const conv = (id: number, minute: number, extra: Partial<Conversation> = {}): Conversation => ({
  id, kind: 'customer', status: 'open', participants: [], created_at: '', unread: 0,
  last_activity_at: new Date(Date.UTC(2026, 10, 24, 10, minute)).toISOString(), ...extra,
});

describe('mergeFirstPage', () => {
  const cases: { name: string; old: number[][]; fresh: number[][]; page: number; want: number[] }[] = [
    { name: 'short fresh page is the whole list', old: [[1, 9], [2, 8]], fresh: [[2, 10]], page: 3, want: [2] },
    { name: 'older pages are kept', old: [[1, 9], [2, 8], [3, 7], [4, 6], [5, 5]], fresh: [[1, 9], [2, 8], [3, 7]], page: 3, want: [1, 2, 3, 4, 5] },
    { name: 'a conversation that moved up is not doubled', old: [[1, 9], [2, 8], [3, 7], [4, 6], [5, 5]], fresh: [[5, 20], [1, 9], [2, 8]], page: 3, want: [5, 1, 2, 3, 4] },
    { name: 'one that left the list is dropped', old: [[1, 9], [2, 8], [3, 7], [4, 6]], fresh: [[1, 9], [3, 7], [4, 6]], page: 3, want: [1, 3, 4] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = mergeFirstPage(c.old.map(([id, m]) => conv(id, m)), c.fresh.map(([id, m]) => conv(id, m)), c.page);
      expect(got.map((x) => x.id)).toEqual(c.want);
    });
  }
});

describe('latestOf', () => {
  it('merges, dedupes and sorts newest first', () => {
    const got = latestOf([[conv(1, 5), conv(2, 3)], [conv(2, 3), conv(3, 9)]], 2);
    expect(got.map((c) => c.id)).toEqual([3, 1]);
  });
});

describe('paging through the bridge', () => {
  afterEach(() => setBridge(undefined));
  it('loads pages with the last item as the cursor until a short page', async () => {
    const all = Array.from({ length: PAGE + 30 }, (_, i) => conv(1000 - i, 1000 - i));
    const calls: any[] = [];
    setBridge({
      InboxService: {
        ListConversations: async (p: any) => {
          calls.push(p);
          const start = p.before_id ? all.findIndex((c) => c.id === p.before_id) + 1 : 0;
          return all.slice(start, start + p.limit);
        },
        SectionCounts: async () => ({ mine: { open: 0, closed: 0 } }),
        UnreadTotal: async () => 0,
      },
    } as any);
    await show('customers', 'open');
    expect(list.value).toHaveLength(PAGE);
    expect(listEnd.value).toBe(false);
    await loadMore();
    expect(list.value).toHaveLength(PAGE + 30);
    expect(listEnd.value).toBe(true);
    expect(calls[1].before_id).toBe(all[PAGE - 1].id);
    expect(calls[1].before_activity).toBe(Date.parse(all[PAGE - 1].last_activity_at));
    await reload(); // a change: the first page is re-read, the rest kept
    expect(list.value).toHaveLength(PAGE + 30);
  });
});
