// The Ctrl+K search box: searches the local store as you type; a result
// opens the conversation at that message (or the item's details).
import { Fragment } from 'preact';
import { useRef } from 'preact/hooks';
import { useDialog } from '../lib/dialog';
import type { ItemType, SearchResult, Segment } from '../lib/types';
import { open } from '../stores/conversation';
import { showPanel } from '../stores/panel';
import {
  active, closeSearch, exportNote, exportResults, fromDay, move, query, results, searchError, searching, section, setQuery, status, toDay,
} from '../stores/search';
import { screen } from '../stores/window';
import { composing } from './Message';
import { MAX_QUERY } from '../lib/text';
import { Counter } from './Counter';
import { t } from '../lib/i18n';
import { statusLabel } from './SidePanel';
import { itemTypeLabel } from '../lib/format';

/** Snippet segments as text, hits in <mark>: never HTML from the data. */
export function Snippet({ segments }: { segments: Segment[] | null }) {
  return <>{(segments ?? []).map((s, i) => (s.hit ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}</>;
}

/** The headings of the result groups (customers and items come first). */
const GROUP: Record<string, string> = { customer: 'search.customers', item: 'panel.tickets_and_tasks', message: 'search.messages' };
/** What each kind of result is called. */
const KIND: Record<string, string> = { customer: 'search.kind_customer', item: 'search.kind_item', message: 'search.kind_message' };

export function choose(r: SearchResult) {
  closeSearch();
  screen.value = 'inbox';
  if (r.kind === 'item' && r.item_number) showPanel({ kind: 'item', number: r.item_number });
  if (r.conversation_id) open(r.conversation_id, r.message_id || undefined);
}

/** A result's title; an item's ("ticket #12", the server's words) in
 * the app's language. */
function resultTitle(r: SearchResult): string {
  const m = r.kind === 'item' ? /^(ticket|task) #(\d+)$/.exec(r.title) : null;
  return m ? `${itemTypeLabel(m[1] as ItemType)} #${m[2]}` : r.title;
}

export function SearchPalette() {
  const rs = results.value;
  const ref = useRef<HTMLDivElement>(null);
  useDialog(ref, closeSearch);
  return (
    <div class="overlay" onClick={(e) => e.target === e.currentTarget && closeSearch()}>
      <div class="palette" role="dialog" aria-modal="true" aria-label={t('search.search')} ref={ref}>
        <input
          autoFocus
          onFocus={(e) => e.currentTarget.select()}
          role="combobox"
          aria-expanded={rs.length > 0}
          aria-controls="search-results"
          aria-autocomplete="list"
          aria-activedescendant={rs[active.value] ? `search-result-${active.value}` : undefined}
          aria-label={t('search.input_label')}
          placeholder={t('search.placeholder')}
          value={query.value}
          onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') (e.preventDefault(), move(1));
            if (e.key === 'ArrowUp') (e.preventDefault(), move(-1));
            // Not while the results are for an older query.
            if (e.key === 'Enter' && !composing(e) && !searching.value && rs[active.value]) choose(rs[active.value]);
            if (e.key === 'Escape') closeSearch();
          }}
        />
        <Counter text={query.value} limit={MAX_QUERY} />
        <div class="search-filters">
          <select aria-label={t('search.where')} value={section.value} onChange={(e) => {
            section.value = (e.currentTarget as HTMLSelectElement).value as typeof section.value;
            setQuery(query.value, 0);
          }}>
            <option value="">{t('search.everywhere')}</option>
            <option value="customers">{t('search.from_customers')}</option>
            <option value="mine">{t('search.my_conversations')}</option>
          </select>
          <select aria-label={t('items.status')} value={status.value} onChange={(e) => {
            status.value = (e.currentTarget as HTMLSelectElement).value as typeof status.value;
            setQuery(query.value, 0);
          }}>
            <option value="">{t('search.open_and_closed')}</option>
            <option value="open">{t('common.state_open')}</option>
            <option value="closed">{t('common.state_closed')}</option>
          </select>
          <label>{t('search.from')} <input type="date" aria-label={t('search.written_from')} value={fromDay.value} onChange={(e) => {
            fromDay.value = (e.currentTarget as HTMLInputElement).value;
            setQuery(query.value, 0);
          }} /></label>
          <label>{t('search.to')} <input type="date" aria-label={t('search.written_until')} value={toDay.value} onChange={(e) => {
            toDay.value = (e.currentTarget as HTMLInputElement).value;
            setQuery(query.value, 0);
          }} /></label>
        </div>
        {rs.length > 0 && (
          <div class="search-export">
            <button onClick={() => exportResults('text')}>{t('search.export_text')}</button>
            <button onClick={() => exportResults('html')}>{t('search.export_html')}</button>
            {exportNote.value && <span class="muted" role="status">{exportNote.value}</span>}
          </div>
        )}
        {searchError.value && <div class="error" role="alert">{searchError.value}</div>}
        <ul class="results" id="search-results" role="listbox" aria-label={t('search.results')}>
          {rs.map((r, i) => (<Fragment key={`${r.kind}-${r.message_id ?? r.item_number ?? r.conversation_id}-${i}`}>
            {(i === 0 || rs[i - 1].kind !== r.kind) && (
              <li class="result-group" role="presentation">{GROUP[r.kind] ? t(GROUP[r.kind]) : r.kind}</li>
            )}
            {/* Options of a combobox (the input keeps the focus and moves
                through them; a click chooses), not buttons inside options. */}
            <li role="option" id={`search-result-${i}`} class={i === active.value ? 'active' : ''} aria-selected={i === active.value} onClick={() => choose(r)}>
              <div class="result-title">
                <span class="kind">{r.system ? t('search.kind_system') : KIND[r.kind] ? t(KIND[r.kind]) : r.kind}</span> <bdi>{resultTitle(r)}</bdi>
                {r.status && <span class="muted"> · {statusLabel(r.status)}</span>}
              </div>
              <div class="snippet"><Snippet segments={r.snippet} /></div>
            </li>
          </Fragment>))}
          {query.value.trim() && rs.length === 0 && !searchError.value && <li class="muted">{t('search.no_results')}</li>}
        </ul>
      </div>
    </div>
  );
}
