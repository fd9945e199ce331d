// Inbox store: which section and status is shown, its conversation list
// (paged, merged on every change so the scroll position survives), and the
// unread badges.
import { signal } from '@preact/signals';
import { api, errorText, on } from '../lib/bridge';
import type { AssigneeFilter, Conversation, Section, SectionCounts, Status } from '../lib/types';

export const PAGE = 100;

export const section = signal<Section>('customers');
export const status = signal<Status>('open');
/** The From Customers views Unassigned ('none') and Assigned to me ('me'); '' for the whole section. */
export const assignee = signal<AssigneeFilter | ''>('');
export const list = signal<Conversation[]>([]);
export const listEnd = signal(false);
export const counts = signal<SectionCounts | null>(null);
export const unreadTotal = signal(0);
export const listError = signal('');

let loadingMore = false;
let generation = 0; // a newer view drops older answers

const key = (c: Conversation) => [Date.parse(c.last_activity_at), c.id] as const;
const older = (a: Conversation, b: Conversation) => {
  const [ta, ia] = key(a);
  const [tb, ib] = key(b);
  return ta < tb || (ta === tb && ia < ib);
};

/**
 * mergeFirstPage replaces the newest page of a list with a fresh copy and
 * keeps the older pages already loaded, dropping any conversation the fresh
 * page now carries (it moved up) or that is newer than the page's end but
 * missing from it (it left the list).
 */
export function mergeFirstPage(old: Conversation[], fresh: Conversation[], pageSize: number): Conversation[] {
  if (fresh.length < pageSize) return fresh; // the whole list
  const last = fresh[fresh.length - 1];
  const ids = new Set(fresh.map((c) => c.id));
  return fresh.concat(old.filter((c) => !ids.has(c.id) && older(c, last)));
}

export async function reload() {
  const b = api();
  if (!b) return;
  const gen = generation;
  try {
    const [fresh, c, total] = await Promise.all([
      b.InboxService.ListConversations({ section: section.value, status: status.value, assignee: assignee.value, limit: PAGE }),
      b.InboxService.SectionCounts(),
      b.InboxService.UnreadTotal(),
    ]);
    if (gen !== generation) return;
    const page = fresh ?? [];
    const merged = mergeFirstPage(list.value, page, PAGE);
    list.value = merged;
    // A short first page is the whole list; a full one may have more.
    if (page.length < PAGE) listEnd.value = true;
    else if (merged.length === page.length) listEnd.value = false;
    counts.value = c;
    unreadTotal.value = total;
    listError.value = '';
  } catch (err) {
    listError.value = errorText(err);
  }
}

export async function loadMore() {
  const b = api();
  const cur = list.value;
  if (!b || loadingMore || listEnd.value || cur.length === 0) return;
  loadingMore = true;
  const gen = generation;
  try {
    const last = cur[cur.length - 1];
    const page =
      (await b.InboxService.ListConversations({
        section: section.value, status: status.value, assignee: assignee.value, limit: PAGE,
        before_activity: Date.parse(last.last_activity_at), before_id: last.id,
      })) ?? [];
    if (gen !== generation) return;
    // Onto the list as it is now (a reload may have finished meanwhile).
    const now = list.value;
    const ids = new Set(now.map((c) => c.id));
    list.value = now.concat(page.filter((c) => !ids.has(c.id)));
    if (page.length < PAGE) listEnd.value = true;
  } catch (err) {
    listError.value = errorText(err);
  } finally {
    loadingMore = false;
  }
}

export function show(s: Section, st: Status, a: AssigneeFilter | '' = '') {
  generation++;
  section.value = s;
  status.value = st;
  assignee.value = a;
  list.value = [];
  listEnd.value = false;
  return reload();
}

/** Badge for a section and status, or an assignment view (read inside a render, it subscribes). Assignment views count open conversations, read or not. */
export function badge(s: Section, st: Status, a: AssigneeFilter | '' = ''): number {
  const c = counts.value;
  if (a) return (a === 'none' ? c?.assignment?.unassigned : c?.assignment?.assigned_to_me) ?? 0;
  const sc = s === 'customers' ? c?.customers : c?.mine;
  return sc ? sc[st] : 0;
}

let pending: ReturnType<typeof setTimeout> | undefined;
/** Coalesces a burst of changes into one reload. */
export function reloadSoon(delay = 60) {
  if (pending) return;
  pending = setTimeout(() => {
    pending = undefined;
    reload();
  }, delay);
}

export function watchInbox(): () => void {
  return on('inbox:changed', () => reloadSoon());
}

// The compact window's list: the latest open conversations of both sections.
export const latest = signal<Conversation[]>([]);

/** latestOf merges section lists into one, newest activity first, without duplicates. */
export function latestOf(lists: Conversation[][], n: number): Conversation[] {
  const seen = new Set<number>();
  const all: Conversation[] = [];
  for (const l of lists) for (const c of l) if (!seen.has(c.id)) (seen.add(c.id), all.push(c));
  return all.sort((a, b) => (older(a, b) ? 1 : older(b, a) ? -1 : 0)).slice(0, n);
}

export async function reloadLatest(support: boolean) {
  const b = api();
  if (!b) return;
  try {
    await latestNow(b, support);
  } catch (err) {
    listError.value = errorText(err);
  }
}

async function latestNow(b: NonNullable<ReturnType<typeof api>>, support: boolean) {
  const lists = await Promise.all([
    support ? b.InboxService.ListConversations({ section: 'customers', status: 'open', limit: 20 }) : Promise.resolve([]),
    b.InboxService.ListConversations({ section: 'mine', status: 'open', limit: 20 }),
  ]);
  latest.value = latestOf(lists.map((l) => l ?? []), 20);
  unreadTotal.value = await b.InboxService.UnreadTotal();
}
