// The side panel: every field of an item (editable), or a customer's or
// teammate's details with their conversations and items.
import { useEffect, useState } from 'preact/hooks';
import { ITEM_STATUSES, PRIORITIES, type Item, type ItemStatus, type Person, type Priority } from '../lib/types';
import { open } from '../stores/conversation';
import { loadTeam, team } from '../stores/helpdesk';
import { customer, eraseCustomer, item, panel, panelError, setRole, showPanel, updateItem, user } from '../stores/panel';
import { me } from '../stores/session';
import { MAX_DESCRIPTION, MAX_TITLE, visible } from '../lib/text';
import { Counter, fits } from './Counter';
import { formatDateTime, formatZoneTime, t } from '../lib/i18n';
import { itemTypeLabel, tWith } from '../lib/format';

const when = (iso?: string) => (iso ? formatDateTime(iso) : '—');

/** An item's or conversation's status as a word ("in progress"), in the
 * current language; an unknown one as it is. */
export const statusLabel = (s: string) => ((ITEM_STATUSES as readonly string[]).includes(s) ? t(`items.status_${s}`) : s);

/** An item's priority as a word, in the current language. */
export const priorityLabel = (p: string) => ((PRIORITIES as readonly string[]).includes(p) ? t(`items.priority_${p}`) : p);

/** The local time in a time zone, e.g. "21:30 (Europe/Berlin)"; blank for an unknown zone. */
export function localTime(zone: string, now = new Date()): string {
  if (!zone) return '';
  try {
    return `${formatZoneTime(now, zone)} (${zone})`;
  } catch {
    return '';
  }
}

function People({ it, role, people }: { it: Item; role: 'assignee' | 'follower'; people: Person[] }) {
  const others = team.value.filter((u) => u.active && !people.some((p) => p.id === u.id));
  return (
    <div class="people">
      <ul>
        {people.map((p) => (
          <li key={p.id}>
            {p.name}
            <button aria-label={t('panel.remove', { name: p.name })} onClick={() => setRole(it.number, p.id, role, false)}>×</button>
          </li>
        ))}
      </ul>
      <select
        aria-label={t(`panel.add_${role}`)}
        value=""
        onChange={(e) => {
          const id = Number((e.currentTarget as HTMLSelectElement).value);
          if (id) setRole(it.number, id, role, true);
        }}
      >
        <option value="">{t(`panel.add_${role}_option`)}</option>
        {others.map((u) => <option value={u.id} key={u.id}>{u.name}</option>)}
      </select>
    </div>
  );
}

function ItemDetails({ it }: { it: Item }) {
  // Edits in progress; null shows the item as it is now.
  const [titleEdit, setTitle] = useState<string | null>(null);
  const [descEdit, setDesc] = useState<string | null>(null);
  const title = titleEdit ?? it.title;
  const desc = descEdit ?? it.description;
  useEffect(() => {
    if (team.value.length === 0) loadTeam();
  }, []);
  const following = (it.followers ?? []).some((p) => p.id === me.value?.id);
  return (
    <div class="item-details" data-item={it.number}>
      <h2>#{it.number} <span class={`chip chip-${it.type}`}>{itemTypeLabel(it.type)}</span></h2>
      <label>
        {t('items.title')}
        <input value={title} onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)}
          onBlur={() => titleEdit !== null && titleEdit !== it.title && visible(title) && fits(title, MAX_TITLE) &&
            updateItem(it.number, { title }).then((ok) => ok && setTitle(null))} />
        <Counter text={title} limit={MAX_TITLE} />
      </label>
      <label>
        {t('items.status')}
        <select value={it.status} onChange={(e) => updateItem(it.number, { status: (e.currentTarget as HTMLSelectElement).value as ItemStatus })}>
          {ITEM_STATUSES.map((s) => <option value={s} key={s}>{statusLabel(s)}</option>)}
        </select>
      </label>
      <label>
        {t('items.priority')}
        <select value={it.priority} onChange={(e) => updateItem(it.number, { priority: (e.currentTarget as HTMLSelectElement).value as Priority })}>
          {PRIORITIES.map((p) => <option value={p} key={p}>{priorityLabel(p)}</option>)}
        </select>
      </label>
      <label>
        {t('items.description')}
        <textarea rows={6} value={desc} onInput={(e) => setDesc((e.currentTarget as HTMLTextAreaElement).value)} />
        <Counter text={desc} limit={MAX_DESCRIPTION} />
      </label>
      {descEdit !== null && descEdit !== it.description && (
        <button disabled={!fits(desc, MAX_DESCRIPTION)} onClick={() => updateItem(it.number, { description: desc }).then((ok) => ok && setDesc(null))}>{t('panel.save_description')}</button>
      )}
      <dl>
        <dt>{t('items.requester')}</dt>
        <dd>
          {it.requester ? (
            <button class="linklike" onClick={() => showPanel({ kind: 'customer', id: it.requester!.id })}>
              {it.requester.name || it.requester.email}
            </button>
          ) : '—'}
        </dd>
        <dt>{t('panel.creator')}</dt>
        <dd>{it.creator?.name}</dd>
        <dt>{t('panel.created')}</dt>
        <dd>{when(it.created_at)}</dd>
        <dt>{t('panel.updated')}</dt>
        <dd>{when(it.updated_at)}</dd>
      </dl>
      <h3>{t('panel.assignees')}</h3>
      <People it={it} role="assignee" people={it.assignees ?? []} />
      <h3>{t('panel.followers')}</h3>
      <People it={it} role="follower" people={it.followers ?? []} />
      {me.value && (
        <button onClick={() => setRole(it.number, me.value!.id, 'follower', !following)}>{following ? t('panel.unfollow') : t('panel.follow')}</button>
      )}
      <h3>{t('panel.linked_conversations')}</h3>
      <ul class="refs">
        {(it.conversations ?? []).map((c) => (
          <li key={c.id}>
            <button class="linklike" onClick={() => open(c.id)}>{c.customer_name || t('panel.conversation', { id: c.id })}</button> <span class="muted">{statusLabel(c.status)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The admin's erase button with its confirmation (the right to erasure). */
function EraseCustomer({ id, name }: { id: number; name: string }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking) {
    return <button class="danger" onClick={() => setAsking(true)}>{t('panel.erase_button')}</button>;
  }
  return (
    <div class="confirm-erase" role="alertdialog" aria-label={t('panel.erase_customer')}>
      <p>{tWith('panel.erase_confirm', 'name', <bdi>{name}</bdi>)}</p>
      <button class="danger" disabled={busy} onClick={async () => {
        setBusy(true);
        if (!(await eraseCustomer(id))) setBusy(false);
        setAsking(false);
      }}>{t('panel.erase_for_good')}</button>
      <button onClick={() => setAsking(false)} disabled={busy}>{t('common.cancel')}</button>
    </div>
  );
}

function CustomerPanel() {
  const c = customer.value;
  if (!c) return null;
  const name = c.name || c.email || t('panel.customer', { id: c.id });
  if (c.erased_at) {
    return (
      <div class="person" data-customer={c.id} data-erased="true">
        <h2>{t('panel.erased_customer')}</h2>
        <p class="muted">{t('panel.erased_note', { when: when(c.erased_at) })}</p>
        <h3>{t('panel.conversations')}</h3>
        <ul class="refs">
          {(c.conversations ?? []).map((r) => (
            <li key={r.id}><button class="linklike" onClick={() => open(r.id)}>{t('panel.conversation', { id: r.id })}</button> <span class="muted">{statusLabel(r.status)}</span></li>
          ))}
        </ul>
      </div>
    );
  }
  return (
    <div class="person" data-customer={c.id}>
      <h2>{name}</h2>
      <dl>
        <dt>{t('panel.email')}</dt><dd>{c.email || '—'}</dd>
        <dt>{t('panel.local_time')}</dt><dd>{localTime(c.time_zone) || '—'}</dd>
        <dt>{t('panel.browser')}</dt><dd>{c.browser || '—'}</dd>
        <dt>{t('panel.language')}</dt><dd>{c.language || '—'}</dd>
        <dt>{t('panel.last_page')}</dt><dd class="wrap">{c.page_url || '—'}</dd>
        <dt>{t('panel.first_seen')}</dt><dd>{when(c.first_seen)}</dd>
        <dt>{t('panel.last_seen')}</dt><dd>{when(c.last_seen)}</dd>
      </dl>
      <h3>{t('panel.conversations')}</h3>
      <ul class="refs">
        {(c.conversations ?? []).map((r) => (
          <li key={r.id}><button class="linklike" onClick={() => open(r.id)}>{t('panel.conversation', { id: r.id })}</button> <span class="muted">{statusLabel(r.status)} · {when(r.last_activity_at)}</span></li>
        ))}
      </ul>
      <h3>{t('panel.tickets_and_tasks')}</h3>
      <ul class="refs">
        {(c.items ?? []).map((r) => (
          <li key={r.number}><button class="linklike" onClick={() => showPanel({ kind: 'item', number: r.number })}>#{r.number} <bdi>{r.title}</bdi></button> <span class="muted">{statusLabel(r.status)}</span></li>
        ))}
      </ul>
      {me.value?.admin && <EraseCustomer id={c.id} name={name} />}
    </div>
  );
}

function UserPanel() {
  const u = user.value;
  if (!u) return null;
  return (
    <div class="person" data-user={u.id}>
      <h2>{u.name}</h2>
      <dl>
        <dt>{t('panel.email')}</dt><dd>{u.email}</dd>
        <dt>{t('panel.local_time')}</dt><dd>{localTime(u.time_zone) || '—'}</dd>
        <dt>{t('panel.presence')}</dt><dd>{u.online ? t('panel.online') : t('panel.offline')}</dd>
        <dt>{t('panel.roles')}</dt><dd>{[u.admin && t('panel.role_admin'), u.support && t('panel.role_support')].filter(Boolean).join(', ') || t('panel.role_member')}</dd>
        <dt>{t('panel.member_since')}</dt><dd>{when(u.created_at)}</dd>
      </dl>
    </div>
  );
}

export function SidePanel() {
  const p = panel.value;
  if (!p) return null;
  return (
    <aside class="side-panel" aria-label={t('panel.details')}>
      <button class="close-panel" aria-label={t('panel.close_details')} onClick={() => showPanel(null)}>×</button>
      {panelError.value && <div class="error" role="alert">{panelError.value}</div>}
      {p.kind === 'item' && item.value && <ItemDetails key={item.value.number} it={item.value} />}
      {p.kind === 'customer' && <CustomerPanel />}
      {p.kind === 'user' && <UserPanel />}
    </aside>
  );
}
