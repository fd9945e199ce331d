// Dialogs of the link menu: create a ticket/task from the server's
// proposal (editable), or link to an existing item found by number/words.
import { useDialog } from '../lib/dialog';
import { useEffect, useRef, useState } from 'preact/hooks';
import { PRIORITIES, type NewItem } from '../lib/types';
import { current } from '../stores/conversation';
import { createItem, dialog, dialogError, draft, findItems, found, link } from '../stores/panel';
import { me } from '../stores/session';
import { MAX_DESCRIPTION, MAX_TITLE, visible } from '../lib/text';
import { Counter, fits } from './Counter';

function CreateForm({ initial }: { initial: NewItem }) {
  const [f, setF] = useState<NewItem>({ priority: 'normal', ...initial });
  const [assignMe, setAssignMe] = useState(true);
  const set = (k: keyof NewItem) => (e: Event) => setF({ ...f, [k]: (e.currentTarget as HTMLInputElement).value });
  const requester = current.value?.customer;
  return (
    <form
      class="dialog-form"
      onSubmit={(e) => {
        e.preventDefault();
        createItem({ ...f, assignee_ids: assignMe && me.value ? [me.value.id] : [] });
      }}
    >
      <label>
        Type
        <select value={f.type} onChange={set('type')}>
          <option value="ticket">Ticket</option>
          <option value="task">Task</option>
        </select>
      </label>
      <label>
        Title
        <input value={f.title} onInput={set('title')} required />
        <Counter text={f.title} limit={MAX_TITLE} />
      </label>
      <label>
        Description
        <textarea value={f.description} onInput={set('description')} rows={8} />
        <Counter text={f.description} limit={MAX_DESCRIPTION} />
      </label>
      <label>
        Priority
        <select value={f.priority} onChange={set('priority')}>
          {PRIORITIES.map((p) => <option value={p} key={p}>{p}</option>)}
        </select>
      </label>
      {f.requester_id ? <p class="muted">Requester: {requester?.name || requester?.email || `customer ${f.requester_id}`}</p> : null}
      <label class="check">
        <input type="checkbox" checked={assignMe} onChange={(e) => setAssignMe((e.currentTarget as HTMLInputElement).checked)} />
        Assign to me
      </label>
      <div class="dialog-buttons">
        <button type="submit" class="primary" disabled={!visible(f.title) || !fits(f.title, MAX_TITLE) || !fits(f.description, MAX_DESCRIPTION)}>Create {f.type}</button>
        <button type="button" onClick={() => (dialog.value = null)}>Cancel</button>
      </div>
    </form>
  );
}

function LinkForm() {
  const [q, setQ] = useState('');
  useEffect(() => {
    const id = setTimeout(() => findItems(q), 150);
    return () => clearTimeout(id);
  }, [q]);
  const c = current.value;
  return (
    <div class="dialog-form">
      <label>
        Find an item by number or words
        <input autoFocus value={q} placeholder="#12 or checkout paypal" onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <ul class="found" aria-label="Items found">
        {found.value.map((it) => (
          <li key={it.number}>
            <button onClick={() => c && link(c.id, it.number)}>
              #{it.number} {it.type}: {it.title} <span class="muted">({it.status})</span>
            </button>
          </li>
        ))}
      </ul>
      <div class="dialog-buttons">
        <button type="button" onClick={() => (dialog.value = null)}>Cancel</button>
      </div>
    </div>
  );
}

export function ItemDialog() {
  return dialog.value ? <Dialog kind={dialog.value} /> : null;
}

function Dialog({ kind }: { kind: NonNullable<typeof dialog.value> }) {
  const ref = useRef<HTMLDivElement>(null);
  useDialog(ref, () => (dialog.value = null));
  return (
    <div class="overlay" onClick={(e) => e.target === e.currentTarget && (dialog.value = null)}>
      <div class="dialog" role="dialog" aria-modal="true" aria-label={kind === 'create' ? 'Create item' : 'Link to existing item'} ref={ref}>
        <h2>{kind === 'create' ? `Create ${draft.value?.type ?? 'item'}` : 'Link to existing item'}</h2>
        {dialogError.value && <div class="error" role="alert">{dialogError.value}</div>}
        {kind === 'create' ? draft.value ? <CreateForm initial={draft.value} /> : !dialogError.value && <p>Preparing…</p> : <LinkForm />}
      </div>
    </div>
  );
}
