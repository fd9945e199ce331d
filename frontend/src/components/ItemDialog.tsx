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
import { t } from '../lib/i18n';
import { itemTypeLabel } from '../lib/format';
import { priorityLabel, statusLabel } from './SidePanel';

/** The create button and heading: "Create ticket", "Create task", "Create item". */
const createKey = (type?: string) => (type === 'ticket' || type === 'task' ? `items.create_${type}` : 'items.create_item');

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
        {t('items.type')}
        <select value={f.type} onChange={set('type')}>
          <option value="ticket">{t('items.type_ticket')}</option>
          <option value="task">{t('items.type_task')}</option>
        </select>
      </label>
      <label>
        {t('items.title')}
        <input value={f.title} onInput={set('title')} required />
        <Counter text={f.title} limit={MAX_TITLE} />
      </label>
      <label>
        {t('items.description')}
        <textarea value={f.description} onInput={set('description')} rows={8} />
        <Counter text={f.description} limit={MAX_DESCRIPTION} />
      </label>
      <label>
        {t('items.priority')}
        <select value={f.priority} onChange={set('priority')}>
          {PRIORITIES.map((p) => <option value={p} key={p}>{priorityLabel(p)}</option>)}
        </select>
      </label>
      {f.requester_id ? <p class="muted">{t('items.requester_is', { name: requester?.name || requester?.email || t('items.customer', { id: f.requester_id }) })}</p> : null}
      <label class="check">
        <input type="checkbox" checked={assignMe} onChange={(e) => setAssignMe((e.currentTarget as HTMLInputElement).checked)} />
        {t('assign.assign_to_me')}
      </label>
      <div class="dialog-buttons">
        <button type="submit" class="primary" disabled={!visible(f.title) || !fits(f.title, MAX_TITLE) || !fits(f.description, MAX_DESCRIPTION)}>{t(createKey(f.type))}</button>
        <button type="button" onClick={() => (dialog.value = null)}>{t('common.cancel')}</button>
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
        {t('items.find')}
        <input autoFocus value={q} placeholder={t('items.find_placeholder')} onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <ul class="found" aria-label={t('items.found')}>
        {found.value.map((it) => (
          <li key={it.number}>
            <button onClick={() => c && link(c.id, it.number)}>
              #{it.number} {itemTypeLabel(it.type)}: {it.title} <span class="muted">({statusLabel(it.status)})</span>
            </button>
          </li>
        ))}
      </ul>
      <div class="dialog-buttons">
        <button type="button" onClick={() => (dialog.value = null)}>{t('common.cancel')}</button>
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
      <div class="dialog" role="dialog" aria-modal="true" aria-label={kind === 'create' ? t('items.create_item') : t('items.link_existing')} ref={ref}>
        <h2>{kind === 'create' ? t(createKey(draft.value?.type)) : t('items.link_existing')}</h2>
        {dialogError.value && <div class="error" role="alert">{dialogError.value}</div>}
        {kind === 'create' ? draft.value ? <CreateForm initial={draft.value} /> : !dialogError.value && <p>{t('items.preparing')}</p> : <LinkForm />}
      </div>
    </div>
  );
}
