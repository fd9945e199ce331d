// One message with its menu: details of the author, copy, edit and delete
// (own messages; delete asks first). Text is always rendered as text.
import { useState } from 'preact/hooks';
import { MAX_MESSAGE, visible } from '../lib/text';
import { OUT_KIND_LABEL } from '../lib/format';
import type { Message, OutboxEntry } from '../lib/types';
import { discard, edit, remove, retry } from '../stores/conversation';
import { isAdmin } from '../stores/session';
import { api, errorText } from '../lib/bridge';
import type { AuditEntry } from '../lib/bindings.gen';
import { showPanel } from '../stores/panel';
import { Counter, fits } from './Counter';
import { MessageFiles } from './Files';
import { memo } from '../lib/memo';

export async function copyText(text: string) {
  const rt = (window as any).runtime;
  if (rt?.ClipboardSetText) return rt.ClipboardSetText(text);
  return navigator.clipboard?.writeText(text);
}

/** An Enter that ends an IME composition (WebKit reports keyCode 229) must not send. */
export const composing = (e: KeyboardEvent) => e.isComposing || e.keyCode === 229;

const time = (iso: string) => new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });

/** One message; renders again only when its props change (lib/memo). */
export const MessageBubble = memo(function MessageBubble({ m, mine, pendingOps, highlighted, erased = false }: {
  m: Message; mine: boolean; pendingOps: OutboxEntry[]; highlighted: boolean; erased?: boolean;
}) {
  const [menu, setMenu] = useState(false);
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
  const text = pendingEdit?.text ?? m.text;
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
    >
      {editing ? (
        <div class="msg-edit">
          <textarea
            aria-label="Edit message"
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
          <button onClick={save} disabled={!fits(draft, MAX_MESSAGE)}>Save</button>
          <button onClick={() => setEditing(false)}>Cancel</button>
        </div>
      ) : (
        <div class="msg-text">{deleted ? <em>{erased ? 'Erased with the customer.' : 'This message was deleted.'}</em> : text}</div>
      )}
      {!deleted && <MessageFiles messageId={m.id} files={m.attachments} />}
      <div class="msg-meta">
        <time dateTime={m.created_at}>{time(m.created_at)}</time>
        {m.internal && (m.system ? <span class="tag">team only</span> : <span class="tag note-tag">Private note · team only</span>)}
        {(m.edited_at || pendingEdit) && !deleted && <span class="tag">edited{pendingEdit ? ' · saving' : ''}</span>}
        {pendingOps.filter((p) => p.failed).map((p) => (
          <span class="refused" key={p.client_id}>
            <span class="tag failed">{OUT_KIND_LABEL[p.kind]} refused: {p.failed}</span>
            <button onClick={() => retry(p)}>Retry</button>
            <button onClick={() => discard(p)}>Discard</button>
          </span>
        ))}
        {(!deleted || canAudit) && (
          <button class="msg-menu-button" aria-label="Message menu" aria-haspopup="menu" onClick={() => setMenu(!menu)}>
            ⋯
          </button>
        )}
      </div>
      {menu && (
        <div class="menu" role="menu">
          <button role="menuitem" onClick={details}>
            {m.author.kind === 'customer' ? 'Customer details' : 'User details'}
          </button>
          {!deleted && <button role="menuitem" onClick={() => (setMenu(false), copyText(m.text))}>Copy text</button>}
          {mine && !deleted && (
            <button role="menuitem" onClick={() => (setMenu(false), setDraft(text), setEditing(true))}>Edit</button>
          )}
          {canDelete && !deleted && (
            <button role="menuitem" onClick={() => (setMenu(false), setConfirming(true))}>Delete</button>
          )}
          {canAudit && <button role="menuitem" onClick={showHistory}>History</button>}
        </div>
      )}
      {history !== null && (
        <div class="audit" role="region" aria-label="Message history">
          {typeof history === 'string' ? <p class="error">{history}</p> : history.length === 0 ? <p class="muted">No earlier text.</p> : (
            <ol>
              {history.map((h) => (
                <li key={h.id}>
                  <time dateTime={h.at}>{new Date(h.at).toLocaleString()}</time>{' '}
                  {visible(h.actor.name) ? <bdi>{h.actor.name}</bdi> : 'Someone'}{' '}
                  {h.action === 'delete' ? 'deleted' : 'edited'}: <q class="audit-old" dir="auto"><bdi>{h.old_text}</bdi></q>
                  {h.action === 'edit' && <> → <q class="audit-new" dir="auto"><bdi>{h.new_text}</bdi></q></>}
                </li>
              ))}
            </ol>
          )}
          <button onClick={() => setHistory(null)}>Close history</button>
        </div>
      )}
      {confirming && (
        <div class="confirm" role="alertdialog" aria-label="Delete message">
          {mine ? 'Delete this message for everyone?' : 'Delete this message of someone else for everyone? (the audit keeps its text)'}
          <button class="danger" onClick={() => (setConfirming(false), remove(m))}>Delete</button>
          <button onClick={() => setConfirming(false)}>Cancel</button>
        </div>
      )}
    </div>
  );
});
