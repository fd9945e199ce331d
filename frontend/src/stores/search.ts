// Search store: the Ctrl+K box searching the local store as you type.
import { signal } from '@preact/signals';
import { api, errorText } from '../lib/bridge';
import type { SearchResult } from '../lib/types';

export const searchOpen = signal(false);
export const query = signal('');
export const results = signal<SearchResult[]>([]);
export const searchError = signal('');
export const active = signal(0); // the highlighted result
export const searching = signal(false); // results are for an older query
/** Filters: a section ('' everywhere) and a status ('' open and closed). */
export const section = signal<'' | 'customers' | 'mine'>('');
export const status = signal<'' | 'open' | 'closed'>('');

let seq = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

/** Sets the query and searches after a short pause; stale answers are dropped. */
export function setQuery(q: string, delay = 80) {
  query.value = q;
  searching.value = true;
  clearTimeout(timer);
  timer = setTimeout(() => run(q), delay);
}

export async function run(q: string) {
  const mine = ++seq;
  if (q.trim() === '') {
    results.value = [];
    searchError.value = '';
    searching.value = false;
    return;
  }
  try {
    const r = (await api()?.InboxService.Search({ query: q, limit: 30, section: section.value || undefined, status: status.value || undefined })) ?? [];
    if (mine !== seq) return;
    results.value = r;
    active.value = 0;
    searchError.value = '';
  } catch (err) {
    if (mine === seq) searchError.value = errorText(err);
  } finally {
    if (mine === seq) searching.value = false;
  }
}

export function openSearch() {
  searchOpen.value = true;
}

export function closeSearch() {
  searchOpen.value = false;
}

/** Moves the highlight with the arrow keys, wrapping around. */
export function move(delta: number) {
  const n = results.value.length;
  if (n) active.value = (active.value + delta + n) % n;
}
