// The side panel: every field of an item (editable), or a customer's or
// teammate's details with their conversations and items.
import { useEffect, useState } from 'preact/hooks';
import { ITEM_STATUSES, PRIORITIES, type Item, type ItemStatus, type Person, type Priority } from '../lib/types';
import { open } from '../stores/conversation';
import { loadTeam, team } from '../stores/helpdesk';
import { customer, eraseCustomer, item, panel, panelError, setRole, showPanel, updateItem, user } from '../stores/panel';
import { me } from '../stores/session';
import { isolate, MAX_DESCRIPTION, MAX_TITLE, visible } from '../lib/text';
import { Counter, fits } from './Counter';

const when = (iso?: string) => (iso ? new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' }) : '—');

/** The local time in a time zone, e.g. "21:30 (Europe/Berlin)"; blank for an unknown zone. */
export function localTime(zone: string, now = new Date()): string {
  if (!zone) return '';
  try {
    return `${now.toLocaleTimeString('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit' })} (${zone})`;
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
            <button aria-label={`Remove ${isolate(p.name)}`} onClick={() => setRole(it.number, p.id, role, false)}>×</button>
          </li>
        ))}
      </ul>
      <select
        aria-label={`Add ${role}`}
        value=""
        onChange={(e) => {
          const id = Number((e.currentTarget as HTMLSelectElement).value);
          if (id) setRole(it.number, id, role, true);
        }}
      >
        <option value="">Add {role}…</option>
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
      <h2>#{it.number} <span class={`chip chip-${it.type}`}>{it.type}</span></h2>
      <label>
        Title
        <input value={title} onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)}
          onBlur={() => titleEdit !== null && titleEdit !== it.title && visible(title) && fits(title, MAX_TITLE) &&
            updateItem(it.number, { title }).then((ok) => ok && setTitle(null))} />
        <Counter text={title} limit={MAX_TITLE} />
      </label>
      <label>
        Status
        <select value={it.status} onChange={(e) => updateItem(it.number, { status: (e.currentTarget as HTMLSelectElement).value as ItemStatus })}>
          {ITEM_STATUSES.map((s) => <option value={s} key={s}>{s.replace('_', ' ')}</option>)}
        </select>
      </label>
      <label>
        Priority
        <select value={it.priority} onChange={(e) => updateItem(it.number, { priority: (e.currentTarget as HTMLSelectElement).value as Priority })}>
          {PRIORITIES.map((p) => <option value={p} key={p}>{p}</option>)}
        </select>
      </label>
      <label>
        Description
        <textarea rows={6} value={desc} onInput={(e) => setDesc((e.currentTarget as HTMLTextAreaElement).value)} />
        <Counter text={desc} limit={MAX_DESCRIPTION} />
      </label>
      {descEdit !== null && descEdit !== it.description && (
        <button disabled={!fits(desc, MAX_DESCRIPTION)} onClick={() => updateItem(it.number, { description: desc }).then((ok) => ok && setDesc(null))}>Save description</button>
      )}
      <dl>
        <dt>Requester</dt>
        <dd>
          {it.requester ? (
            <button class="linklike" onClick={() => showPanel({ kind: 'customer', id: it.requester!.id })}>
              {it.requester.name || it.requester.email}
            </button>
          ) : '—'}
        </dd>
        <dt>Creator</dt>
        <dd>{it.creator?.name}</dd>
        <dt>Created</dt>
        <dd>{when(it.created_at)}</dd>
        <dt>Updated</dt>
        <dd>{when(it.updated_at)}</dd>
      </dl>
      <h3>Assignees</h3>
      <People it={it} role="assignee" people={it.assignees ?? []} />
      <h3>Followers</h3>
      <People it={it} role="follower" people={it.followers ?? []} />
      {me.value && (
        <button onClick={() => setRole(it.number, me.value!.id, 'follower', !following)}>{following ? 'Unfollow' : 'Follow'}</button>
      )}
      <h3>Linked conversations</h3>
      <ul class="refs">
        {(it.conversations ?? []).map((c) => (
          <li key={c.id}>
            <button class="linklike" onClick={() => open(c.id)}>{c.customer_name || `Conversation ${c.id}`}</button> <span class="muted">{c.status}</span>
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
    return <button class="danger" onClick={() => setAsking(true)}>Erase customer…</button>;
  }
  return (
    <div class="confirm-erase" role="alertdialog" aria-label="Erase customer">
      <p>
        Erase <bdi>{name}</bdi> for good? Their name, e-mail, browser, pages and the text of all their messages are removed
        from the server and from every synced desktop. Their conversations stay, marked as erased. This cannot be undone.
      </p>
      <button class="danger" disabled={busy} onClick={async () => {
        setBusy(true);
        if (!(await eraseCustomer(id))) setBusy(false);
        setAsking(false);
      }}>Erase for good</button>
      <button onClick={() => setAsking(false)} disabled={busy}>Cancel</button>
    </div>
  );
}

function CustomerPanel() {
  const c = customer.value;
  if (!c) return null;
  const name = c.name || c.email || `Customer ${c.id}`;
  if (c.erased_at) {
    return (
      <div class="person" data-customer={c.id} data-erased="true">
        <h2>Erased customer</h2>
        <p class="muted">Erased {when(c.erased_at)}. Their details and the text of their messages are gone.</p>
        <h3>Conversations</h3>
        <ul class="refs">
          {(c.conversations ?? []).map((r) => (
            <li key={r.id}><button class="linklike" onClick={() => open(r.id)}>Conversation {r.id}</button> <span class="muted">{r.status}</span></li>
          ))}
        </ul>
      </div>
    );
  }
  return (
    <div class="person" data-customer={c.id}>
      <h2>{name}</h2>
      <dl>
        <dt>E-mail</dt><dd>{c.email || '—'}</dd>
        <dt>Local time</dt><dd>{localTime(c.time_zone) || '—'}</dd>
        <dt>Browser</dt><dd>{c.browser || '—'}</dd>
        <dt>Language</dt><dd>{c.language || '—'}</dd>
        <dt>Last page</dt><dd class="wrap">{c.page_url || '—'}</dd>
        <dt>First seen</dt><dd>{when(c.first_seen)}</dd>
        <dt>Last seen</dt><dd>{when(c.last_seen)}</dd>
      </dl>
      <h3>Conversations</h3>
      <ul class="refs">
        {(c.conversations ?? []).map((r) => (
          <li key={r.id}><button class="linklike" onClick={() => open(r.id)}>Conversation {r.id}</button> <span class="muted">{r.status} · {when(r.last_activity_at)}</span></li>
        ))}
      </ul>
      <h3>Tickets and tasks</h3>
      <ul class="refs">
        {(c.items ?? []).map((r) => (
          <li key={r.number}><button class="linklike" onClick={() => showPanel({ kind: 'item', number: r.number })}>#{r.number} <bdi>{r.title}</bdi></button> <span class="muted">{r.status}</span></li>
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
        <dt>E-mail</dt><dd>{u.email}</dd>
        <dt>Local time</dt><dd>{localTime(u.time_zone) || '—'}</dd>
        <dt>Presence</dt><dd>{u.online ? 'online' : 'offline'}</dd>
        <dt>Roles</dt><dd>{[u.admin && 'admin', u.support && 'customer support'].filter(Boolean).join(', ') || 'team member'}</dd>
        <dt>Member since</dt><dd>{when(u.created_at)}</dd>
      </dl>
    </div>
  );
}

export function SidePanel() {
  const p = panel.value;
  if (!p) return null;
  return (
    <aside class="side-panel" aria-label="Details">
      <button class="close-panel" aria-label="Close details" onClick={() => showPanel(null)}>×</button>
      {panelError.value && <div class="error" role="alert">{panelError.value}</div>}
      {p.kind === 'item' && item.value && <ItemDetails key={item.value.number} it={item.value} />}
      {p.kind === 'customer' && <CustomerPanel />}
      {p.kind === 'user' && <UserPanel />}
    </aside>
  );
}
