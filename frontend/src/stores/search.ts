// Search store: the Ctrl+K box searching the local store as you type.
import { signal } from '@preact/signals';
import { api, errorText } from '../lib/bridge';
import type { SearchResult } from '../lib/types';
import { t } from '../lib/i18n';

export const searchOpen = signal(false);
export const query = signal('');
export const results = signal<SearchResult[]>([]);
export const searchError = signal('');
export const active = signal(0); // the highlighted result
export const searching = signal(false); // results are for an older query
/** Filters: a section ('' everywhere) and a status ('' open and closed). */
export const section = signal<'' | 'customers' | 'mine'>('');
export const status = signal<'' | 'open' | 'closed'>('');
/** A date range, days as the agent picks them ('YYYY-MM-DD', '' open). */
export const fromDay = signal('');
export const toDay = signal('');

/** The start of a local day as an instant; to is the day after toDay. */
export function dayStart(day: string, plusDays = 0): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const d = new Date(`${day}T00:00:00`);
  d.setDate(d.getDate() + plusDays);
  return d.toISOString();
}

/** The filters as the bindings take them. */
const filters = () => ({
  section: section.value || undefined, status: status.value || undefined, from: dayStart(fromDay.value), to: dayStart(toDay.value, 1),
});

export const exportNote = signal('');

/** Exports the results of this search (up to 200, as a file the agent picks). */
export async function exportResults(format: 'text' | 'html') {
  exportNote.value = '';
  try {
    const path = await api()?.InboxService.ExportSearch({ query: query.value, format, ...filters() });
    if (path) exportNote.value = t('search.exported');
  } catch (err) {
    exportNote.value = errorText(err);
  }
}

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
    const r = (await api()?.InboxService.Search({ query: q, limit: 30, ...filters() })) ?? [];
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
