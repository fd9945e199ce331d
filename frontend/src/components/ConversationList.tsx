// The conversation list of the selected section and status.
import { itemTypeLabel } from '../lib/format';
import { Avatar } from './Avatar';
import { relativeTime, t } from '../lib/i18n';
import { isolate, visible } from '../lib/text';
import type { Conversation } from '../lib/types';
import { current, open } from '../stores/conversation';
import { assignee, list, listError, loadMore, section, status } from '../stores/inbox';
import { me } from '../stores/session';
import { AssignMenu } from './AssignMenu';
import { VirtualList } from './VirtualList';

export const ROW_HEIGHT = 68;

/** The name a conversation goes by: the customer, or the other
 * participants (each name isolated: several names share one line). */
export function conversationTitle(c: Conversation, myId?: number): string {
  if (c.erased_at || c.customer?.erased_at) return t('list.erased_customer');
  if (c.customer) return c.customer.name || c.customer.email || t('list.customer_id', { id: c.customer.id });
  const others = (c.participants ?? []).filter((p) => p.user_id !== myId).map((p) => p.name);
  if (others.length === 1) return others[0];
  return others.length ? others.map(isolate).join(', ') : t('list.just_me');
}

/** The preview line: the last message, "You: …" when it is mine (the text
 * isolated after our words). */
export function preview(c: Conversation, myId?: number): string {
  const m = c.last_message;
  if (!m) return '';
  if (m.deleted_at) return t('list.message_deleted');
  // A message of files only shows their names (as chat.Message.Summary).
  const files = m.attachments ?? [];
  const text = !visible(m.text) && files.length ? `📎 ${files.map((a) => isolate(a.name)).join(', ')}` : m.text.replace(/\s+/g, ' ');
  return m.author.kind === 'user' && m.author.id === myId ? t('list.you_said', { text }) : text;
}

/** The row's avatar: the customer's, or the other teammate's in a team
 * conversation (the first other one's when there are several). */
function RowAvatar({ c, myId }: { c: Conversation; myId?: number }) {
  if (c.customer) return <Avatar name={c.customer.name || c.customer.email} id={c.customer.id} kind="customer" size={32} />;
  const other = c.participants?.find((p) => p.user_id !== myId);
  return <Avatar name={other?.name ?? ''} id={other?.user_id} kind="user" size={32} />;
}

export function ConversationRow({ c, selected, onOpen, menu = false }: { c: Conversation; selected: boolean; onOpen: () => void; menu?: boolean }) {
  const myId = me.value?.id;
  return (
    <div class="conv-row-wrap">
    {menu && c.kind === 'customer' && <RowMenu c={c} />}
    <button class={`conv-row${c.unread > 0 ? ' unread' : ''}${selected ? ' selected' : ''}`} data-id={c.id} onClick={onOpen}>
      <RowAvatar c={c} myId={myId} />
      <div class="conv-main">
      <div class="conv-top">
        <span class="conv-title">{conversationTitle(c, myId)}</span>
        <time class="conv-time" dateTime={c.last_activity_at}>{relativeTime(new Date(c.last_activity_at), new Date())}</time>
      </div>
      <div class="conv-bottom">
        {c.item && <span class={`chip chip-${c.item.type}`}>#{c.item.number} {itemTypeLabel(c.item.type)}</span>}
        {c.assignee && (
          <span class="chip chip-assignee" title={t('list.assigned_to', { name: c.assignee.name })}>
            {c.assignee.id === myId ? t('common.you') : <bdi>{c.assignee.name}</bdi>}
          </span>
        )}
        <span class="conv-preview">{preview(c, myId)}</span>
        {c.unread > 0 && <span class="unread-dot" aria-label={t('common.unread_count', { count: c.unread })}>{c.unread}</span>}
      </div>
      </div>
    </button>
    </div>
  );
}

/** Arrow keys move the focus through the rows (Home and End to the
 * first and last); Enter or Space opens the focused one. The list is
 * virtual: the row is scrolled into view first, then focused. */
function moveFocus(e: KeyboardEvent, ids: number[]) {
  const row = (e.target as Element).closest?.('.conv-row') as HTMLElement | null;
  if (!row || e.altKey || e.ctrlKey || e.metaKey) return;
  const at = ids.indexOf(Number(row.dataset.id));
  const to = e.key === 'ArrowDown' ? at + 1 : e.key === 'ArrowUp' ? at - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? ids.length - 1 : -2;
  if (to === -2 || at < 0) return;
  e.preventDefault();
  if (to < 0 || to >= ids.length) return;
  const list = row.closest('.vlist') as HTMLElement | null;
  if (list) {
    const top = to * ROW_HEIGHT;
    if (top < list.scrollTop) list.scrollTop = top;
    else if (top + ROW_HEIGHT > list.scrollTop + list.clientHeight) list.scrollTop = top + ROW_HEIGHT - list.clientHeight;
  }
  const focus = (tries: number) => {
    const next = list?.querySelector<HTMLElement>(`.conv-row[data-id="${ids[to]}"]`);
    if (next) next.focus();
    else if (tries > 0) requestAnimationFrame(() => focus(tries - 1));
  };
  focus(10);
}

/** The row's menu (⋯): assignment without opening the conversation. */
function RowMenu({ c }: { c: Conversation }) {
  return <div class="row-menu"><AssignMenu c={c} label="⋯" /></div>;
}

export function ConversationList() {
  const items = list.value;
  const sel = current.value?.id;
  const view = assignee.value === 'none' ? t('sidebar.unassigned') : assignee.value === 'me' ? t('sidebar.assigned_to_me')
    : status.value === 'open' ? t('common.state_open') : t('common.state_closed');
  const heading = `${section.value === 'customers' ? t('sidebar.from_customers') : t('sidebar.my_conversations')} · ${view}`;
  return (
    <div class="conv-list" onKeyDown={(e) => moveFocus(e, items.map((c) => c.id))}>
      <h1 class="list-heading">{heading}</h1>
      {listError.value && <div class="error" role="alert">{listError.value}</div>}
      {items.length === 0 ? (
        <p class="empty">{status.value === 'open' ? t('list.empty_open') : t('list.empty_closed')}</p>
      ) : (
        <VirtualList
          label={heading}
          items={items}
          rowHeight={ROW_HEIGHT}
          itemKey={(c) => c.id}
          onNearEnd={loadMore}
          render={(c) => <ConversationRow c={c} selected={c.id === sel} onOpen={() => open(c.id)} menu />}
        />
      )}
    </div>
  );
}
