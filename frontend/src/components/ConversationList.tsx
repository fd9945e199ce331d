// The conversation list of the selected section and status.
import { itemTypeLabel } from '../lib/format';
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

export function ConversationRow({ c, selected, onOpen, menu = false }: { c: Conversation; selected: boolean; onOpen: () => void; menu?: boolean }) {
  const myId = me.value?.id;
  return (
    <div class="conv-row-wrap">
    {menu && c.kind === 'customer' && <RowMenu c={c} />}
    <button class={`conv-row${c.unread > 0 ? ' unread' : ''}${selected ? ' selected' : ''}`} data-id={c.id} onClick={onOpen}>
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
    </button>
    </div>
  );
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
    <div class="conv-list">
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
