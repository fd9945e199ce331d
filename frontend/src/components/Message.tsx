// One message with its menu: details of the author, copy, edit and delete
// (own messages; delete asks first). Text is always rendered as text.
import { useMenu } from '../lib/menu';
import { createElement, Fragment, type ComponentChild, type VNode } from 'preact';
import { useState } from 'preact/hooks';
import { MAX_MESSAGE, visible } from '../lib/text';
import { outKindLabel } from '../lib/format';
import type { Message, OutboxEntry } from '../lib/types';
import { discard, edit, remove, retry } from '../stores/conversation';
import { isAdmin } from '../stores/session';
import { api, errorText } from '../lib/bridge';
import type { AuditEntry } from '../lib/bindings.gen';
import { showPanel } from '../stores/panel';
import { Counter, fits } from './Counter';
import { MessageFiles } from './Files';
import { memo } from '../lib/memo';
import { formatDateTime, formatTime, t, type Args } from '../lib/i18n';
import { noteText } from '../lib/notes';

export async function copyText(text: string) {
  const rt = (window as any).runtime;
  if (rt?.ClipboardSetText) return rt.ClipboardSetText(text);
  return navigator.clipboard?.writeText(text);
}

/** An Enter that ends an IME composition (WebKit reports keyCode 229) must not send. */
export const composing = (e: KeyboardEvent) => e.isComposing || e.keyCode === 229;

/** The text of key with elements where its {{slots}} go (markup such as
 * <bdi>, <code>, <kbd>), in the language's word order; other args as t's.
 * (lib/format's tWith does one slot.) */
export function tSlots(key: string, slots: Record<string, ComponentChild>, args?: Args): VNode {
  const marks: Args = { ...args };
  for (const k of Object.keys(slots)) marks[k] = `\uE000${k}\uE001`;
  // t isolates each mark (FSI … PDI); the mark with its isolation is the slot.
  const parts = t(key, marks).split(/\u2068\uE000(\w+)\uE001\u2069/);
  return createElement(Fragment, null, ...parts.map((p, i) => (i % 2 ? slots[p] : p)));
}

/** One message; renders again only when its props change (lib/memo). */
export const MessageBubble = memo(function MessageBubble({ m, mine, pendingOps, highlighted, erased = false }: {
  m: Message; mine: boolean; pendingOps: OutboxEntry[]; highlighted: boolean; erased?: boolean;
}) {
  const [menu, setMenu, menuRef] = useMenu();
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [draft, setDraft] = useState(m.text);
  const [history, setHistory] = useState<AuditEntry[] | string | null>(null);
  // Admins may delete anyone's message (not a system note) and read what a
  // message said before (the audit: the server keeps it, never a desktop).
  const canDelete = (mine || isAdmin.value) && !m.system;
  const canAudit = isAdmin.value && !m.system && (!!m.edited_at || !!m.deleted_at);
  const showHistory = async () => {
    setMenu(false);
    try {
      setHistory((await api()!.InboxService.MessageAudit({ conversation_id: m.conversation_id, message_id: m.id })) ?? []);
    } catch (err) {
      setHistory(errorText(err));
    }
  };
  const deleted = !!m.deleted_at || pendingOps.some((p) => p.kind === 'delete_message' && !p.failed);
  const pendingEdit = pendingOps.find((p) => p.kind === 'edit_message' && !p.failed);
  const shown = m.system ? noteText(m) : m.text; // a system note in the reader's language
  const text = pendingEdit?.text ?? shown;
  const details = () => {
    setMenu(false);
    if (m.author.kind === 'customer' && m.author.id) showPanel({ kind: 'customer', id: m.author.id });
    if (m.author.kind === 'user' && m.author.id) showPanel({ kind: 'user', id: m.author.id });
  };
  const save = () => {
    if (!fits(draft, MAX_MESSAGE)) return; // the counter says by how much
    setEditing(false);
    if (visible(draft) && draft !== m.text) edit(m, draft);
  };
  return (
    <div
      class={`msg${deleted ? ' deleted' : ''}${m.internal ? ' internal' : ''}${m.internal && !m.system ? ' note' : ''}${highlighted ? ' highlighted' : ''}`}
      data-message-id={m.id}
      id={`m-${m.id}`}
      ref={menuRef}
    >
      {editing ? (
        <div class="msg-edit">
          <textarea
            aria-label={t('message.edit_message')}
            value={draft}
            onInput={(e) => setDraft((e.currentTarget as HTMLTextAreaElement).value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey && !composing(e)) {
                e.preventDefault();
                save();
              }
              if (e.key === 'Escape') setEditing(false);
            }}
          />
          <Counter text={draft} limit={MAX_MESSAGE} />
          <button onClick={save} disabled={!fits(draft, MAX_MESSAGE)}>{t('common.save')}</button>
          <button onClick={() => setEditing(false)}>{t('common.cancel')}</button>
        </div>
      ) : (
        <div class="msg-text">{deleted ? <em>{erased ? t('message.erased') : t('message.deleted')}</em> : text}</div>
      )}
      {!deleted && <MessageFiles messageId={m.id} files={m.attachments} />}
      <div class="msg-meta">
        <time dateTime={m.created_at}>{formatTime(m.created_at)}</time>
        {m.internal && (m.system ? <span class="tag">{t('message.team_only')}</span> : <span class="tag note-tag">{t('message.private_note')}</span>)}
        {(m.edited_at || pendingEdit) && !deleted && <span class="tag">{pendingEdit ? t('message.edited_saving') : t('message.edited')}</span>}
        {pendingOps.filter((p) => p.failed).map((p) => (
          <span class="refused" key={p.client_id}>
            <span class="tag failed">{t('outbox.refused', { act: outKindLabel(p.kind), reason: p.failed })}</span>
            <button onClick={() => retry(p)}>{t('common.retry')}</button>
            <button onClick={() => discard(p)}>{t('common.discard')}</button>
          </span>
        ))}
        {(!deleted || canAudit) && (
          <button class="msg-menu-button" aria-label={t('message.menu')} aria-haspopup="menu" onClick={() => setMenu(!menu)}>
            ⋯
          </button>
        )}
      </div>
      {menu && (
        <div class="menu" role="menu">
          <button role="menuitem" onClick={details}>
            {m.author.kind === 'customer' ? t('message.customer_details') : t('message.user_details')}
          </button>
          {!deleted && <button role="menuitem" onClick={() => (setMenu(false), copyText(shown))}>{t('message.copy_text')}</button>}
          {mine && !deleted && (
            <button role="menuitem" onClick={() => (setMenu(false), setDraft(text), setEditing(true))}>{t('message.edit')}</button>
          )}
          {canDelete && !deleted && (
            <button role="menuitem" onClick={() => (setMenu(false), setConfirming(true))}>{t('message.delete')}</button>
          )}
          {canAudit && <button role="menuitem" onClick={showHistory}>{t('message.history')}</button>}
        </div>
      )}
      {history !== null && (
        <div class="audit" role="region" aria-label={t('message.message_history')}>
          {typeof history === 'string' ? <p class="error">{history}</p> : history.length === 0 ? <p class="muted">{t('message.no_earlier')}</p> : (
            <ol>
              {history.map((h) => (
                <li key={h.id}>
                  <time dateTime={h.at}>{formatDateTime(h.at)}</time>{' '}
                  {tSlots(h.action === 'delete' ? 'message.audit_deleted' : 'message.audit_edited', {
                    actor: visible(h.actor.name) ? <bdi>{h.actor.name}</bdi> : t('common.someone'),
                    old: <q class="audit-old" dir="auto"><bdi>{h.old_text}</bdi></q>,
                    new: <q class="audit-new" dir="auto"><bdi>{h.new_text}</bdi></q>,
                  })}
                </li>
              ))}
            </ol>
          )}
          <button onClick={() => setHistory(null)}>{t('message.close_history')}</button>
        </div>
      )}
      {confirming && (
        <div class="confirm" role="alertdialog" aria-label={t('message.delete_message')}>
          {mine ? t('message.confirm_delete_mine') : t('message.confirm_delete_theirs')}
          <button class="danger" onClick={() => (setConfirming(false), remove(m))}>{t('message.delete')}</button>
          <button onClick={() => setConfirming(false)}>{t('common.cancel')}</button>
        </div>
      )}
    </div>
  );
});
