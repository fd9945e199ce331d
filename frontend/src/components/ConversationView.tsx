// The open conversation: header with status, Close/Reopen and the link
// menu; messages grouped by day and author; pending sends; typing; composer.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api, errorText } from '../lib/bridge';
import { itemTypeLabel, outKindLabel, tWith } from '../lib/format';
import { t } from '../lib/i18n';
import type { Conversation, Message, OutboxEntry } from '../lib/types';
import { Avatar } from './Avatar';
import { useMenu } from '../lib/menu';
import {
  closeView, actionError, atBottom, closeConversation, current, discard, groupMessages, hasNewer, hasOlder, highlight, jumpToLatest, latest, loadNewer,
  loadOlder, messages, pending, refresh, reopenConversation, retry, systemText, typing, unsent,
} from '../stores/conversation';
import { link, showPanel, startItem, startLink } from '../stores/panel';
import { me } from '../stores/session';
import { loadTeammates, teammates, teamworkError } from '../stores/teamwork';
import { AssignMenu } from './AssignMenu';
import { Composer } from './Composer';
import { conversationTitle } from './ConversationList';
import { MessageBubble } from './Message';
import { ImageViewer, PendingFiles } from './Files';
import { stageFiles, viewing } from '../stores/files';

/** More for the conversation: export its transcript (the whole history
 * from the local store, offline too) and add a teammate (they see it in
 * My Conversations). */
/** An author's name; a customer who gave none is named as the list and
 * the header name them (their e-mail, else "Customer 12"). */
function authorLabel(a: Message['author'], c: Conversation): string {
  if (a.name) return a.name;
  if (a.kind !== 'customer') return t('common.someone');
  return (c.customer?.id === a.id && c.customer?.email) || t('list.customer_id', { id: a.id ?? 0 });
}

function MoreMenu() {
  const [openMenu, setOpen, ref] = useMenu();
  const [note, setNote] = useState('');
  const c = current.value!;
  const candidates = teammates.value.filter((u) => u.active && !c.participants?.some((p) => p.user_id === u.id));
  const run = async (fn: () => Promise<unknown>, done = '') => {
    setOpen(false);
    setNote('');
    try {
      const r = await fn();
      if (done && r) setNote(done);
    } catch (err) {
      setNote(errorText(err));
    }
  };
  const exportAs = (format: 'text' | 'html') =>
    run(() => api()!.InboxService.ExportConversation({ conversation_id: c.id, format }), t('conversation.exported'));
  return (
    <div class="link-menu" ref={ref}>
      <button aria-haspopup="menu" aria-expanded={openMenu} onClick={() => (setOpen(!openMenu), loadTeammates())}>{t('conversation.more')} ▾</button>
      {openMenu && (
        <div class="menu" role="menu" aria-label={t('conversation.more')}>
          <button role="menuitem" onClick={() => exportAs('text')}>{t('conversation.export_text')}</button>
          <button role="menuitem" onClick={() => exportAs('html')}>{t('conversation.export_html')}</button>
          {candidates.map((u) => (
            <button role="menuitem" key={u.id} onClick={() => run(async () => {
              await api()!.InboxService.AddParticipant({ conversation_id: c.id, user_id: u.id });
              await refresh();
            })}>{tWith('conversation.add_participant', 'name', <bdi>{u.name}</bdi>)}</button>
          ))}
        </div>
      )}
      {note && <span class="muted" role="status">{note}</span>}
    </div>
  );
}

function LinkMenu() {
  const [openMenu, setOpen, ref] = useMenu();
  const c = current.value!;
  const pick = (fn: () => void) => () => {
    setOpen(false);
    fn();
  };
  return (
    <div class="link-menu" ref={ref}>
      <button aria-haspopup="menu" aria-expanded={openMenu} onClick={() => setOpen(!openMenu)}>
        {c.item ? `#${c.item.number} ${itemTypeLabel(c.item.type)}` : t('conversation.link')} ▾
      </button>
      {openMenu && (
        <div class="menu" role="menu">
          <button role="menuitem" onClick={pick(() => startItem(c.id, 'ticket'))}>{t('conversation.create_ticket')}</button>
          <button role="menuitem" onClick={pick(() => startItem(c.id, 'task'))}>{t('conversation.create_task')}</button>
          <button role="menuitem" onClick={pick(startLink)}>{t('conversation.link_existing')}</button>
          {c.item && (
            <button role="menuitem" onClick={pick(() => showPanel({ kind: 'item', number: c.item!.number }))}>{t('conversation.item_details')}</button>
          )}
          {c.item && <button role="menuitem" onClick={pick(() => link(c.id, 0))}>{t('conversation.unlink', { number: c.item.number })}</button>}
        </div>
      )}
    </div>
  );
}

const NONE: OutboxEntry[] = []; // one empty list, so a message without pending acts is not rendered again

function PendingSend({ e }: { e: OutboxEntry }) {
  return (
    <div class={`msg mine pending${e.failed ? ' failed' : ''}${e.internal ? ' internal note' : ''}`} data-client-id={e.client_id}>
      {e.text && <div class="msg-text">{e.text}</div>}
      <PendingFiles files={e.files} />
      <div class="msg-meta">
        {e.failed ? (
          <>
            <span class="tag failed">{t('outbox.not_sent', { reason: e.failed })}</span>
            <button onClick={() => retry(e)}>{t('common.retry')}</button>
            <button onClick={() => discard(e)}>{t('common.discard')}</button>
          </>
        ) : (
          <span class="tag">{t('outbox.sending')}</span>
        )}
      </div>
    </div>
  );
}

/** Mutes this conversation's notifications on this desktop. */
function MuteButton({ id }: { id: number }) {
  const [muted, setMuted] = useState<boolean | null>(null);
  useEffect(() => {
    setMuted(null);
    api()?.DesktopService.ConversationMuted(id).then(setMuted).catch(() => undefined);
  }, [id]);
  if (muted === null) return null;
  return (
    <button aria-pressed={muted} title={muted ? t('conversation.muted_title') : t('conversation.mute_title')}
      onClick={async () => {
        await api()?.DesktopService.MuteConversation({ conversation_id: id, muted: !muted });
        setMuted(!muted);
      }}>
      {muted ? t('conversation.unmute') : t('conversation.mute')}
    </button>
  );
}

function Typing() {
  const [, tick] = useState(0);
  const who = typing.value;
  useEffect(() => {
    if (!who) return;
    const id = setTimeout(() => tick((x) => x + 1), who.until - Date.now() + 10);
    return () => clearTimeout(id);
  }, [who]);
  if (!who || who.until < Date.now()) return null;
  return <div class="typing" aria-live="polite">{tWith('conversation.typing', 'name', <bdi>{who.name}</bdi>)}</div>;
}

export function ConversationView() {
  const c = current.value;
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const shownId = useRef<number | undefined>(undefined);
  const msgs = messages.value;
  const pend = pending.value;
  const myId = me.value?.id;
  const [dropping, setDropping] = useState(false);
  // The pane holds a window of pages (stores/conversation.ts): older pages
  // come in as the agent scrolls up, newer ones as they scroll back down,
  // and the far end leaves. The message at the top of the view stays where
  // it is on screen while pages come and go around it (WebKitGTK has no
  // CSS scroll anchoring).
  const anchor = useRef<{ id: string; top: number; msgs: typeof msgs } | null>(null);
  const jumped = useRef(latest.value);
  const hold = () => {
    const el = scroller.current;
    if (!el) return;
    const top = el.getBoundingClientRect().top;
    for (const m of el.querySelectorAll<HTMLElement>('[data-message-id]')) {
      const r = m.getBoundingClientRect();
      if (r.bottom > top) {
        anchor.current = { id: m.dataset.messageId!, top: r.top - top, msgs: messages.value };
        return;
      }
    }
  };
  const move = (fn: () => Promise<void>) => {
    if (anchor.current) return;
    hold();
    const before = messages.value;
    // The layout effect lets go once the moved window is on screen.
    fn().finally(() => messages.value === before && (anchor.current = null));
  };
  const older = () => hasOlder.value && move(loadOlder);
  const newer = () => hasNewer.value && move(loadNewer);
  useEffect(() => () => void (viewing.value = null), [c?.id]); // the large view is this conversation's
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (shownId.current !== c?.id || jumped.current !== latest.value) {
      // Another conversation, or back to the latest: start at its end.
      shownId.current = c?.id;
      jumped.current = latest.value;
      stick.current = true;
      anchor.current = null;
    }
    const h = highlight.value;
    const a = anchor.current;
    if (a && a.msgs !== msgs) {
      // The window moved: the row that was at the top stays where it was.
      anchor.current = null;
      const held = el.querySelector<HTMLElement>(`[data-message-id="${a.id}"]`);
      if (held) el.scrollTop += held.getBoundingClientRect().top - el.getBoundingClientRect().top - a.top;
    } else if (h) {
      document.getElementById(`m-${h}`)?.scrollIntoView({ block: 'center' });
    } else if (stick.current && !hasNewer.value) {
      el.scrollTop = el.scrollHeight;
    }
    // Where the view is now, for the store (a window that moved without a
    // scroll event leaves no other trace).
    stick.current = !hasNewer.value && el.scrollTop + el.clientHeight >= el.scrollHeight - 40;
    atBottom.value = stick.current;
  }, [msgs, pend, c?.id, highlight.value, latest.value]);
  useEffect(() => {
    // A search hit stays marked for a few seconds.
    if (!highlight.value) return;
    const id = setTimeout(() => (highlight.value = null), 4000);
    return () => clearTimeout(id);
  }, [highlight.value]);
  if (!c) return <div class="conv-view empty-view"><p>{t('conversation.select')}</p></div>;
  const rows = groupMessages(msgs, myId, new Date());
  const ops = new Map<number, OutboxEntry[]>();
  for (const p of pend) if (p.message_id) ops.set(p.message_id, [...(ops.get(p.message_id) ?? []), p]);
  // The act waiting last for this conversation is not offered again (a
  // repeat); after a reply (which reopens) Close is a new act.
  const lastOp = pend[pend.length - 1];
  const waitingLast = (kind: string) => !!lastOp && lastOp.kind === kind && !lastOp.failed;
  const statusOps = pend.filter((p) => p.kind === 'close_conversation' || p.kind === 'reopen_conversation' || p.kind === 'link_conversation' ||
    p.kind === 'create_item');
  return (
    <section class={`conv-view${dropping ? ' dropping' : ''}`} aria-label={t('conversation.with', { name: conversationTitle(c, myId) })}
      // A file dropped anywhere on the conversation goes with the next reply.
      onDragOver={(e) => {
        if (!c.erased_at && e.dataTransfer?.types.includes('Files')) {
          e.preventDefault();
          setDropping(true);
        }
      }}
      onDragLeave={(e) => e.target === e.currentTarget && setDropping(false)}
      onDrop={(e) => {
        setDropping(false);
        if (!c.erased_at && e.dataTransfer?.files.length) {
          e.preventDefault();
          stageFiles(c.id, [...e.dataTransfer.files]);
        }
      }}>
      <header class="conv-header">
        <button class="back" aria-label={t('conversation.back')} onClick={closeView}>←</button>
        <div>
          <h2><bdi>{conversationTitle(c, myId)}</bdi></h2>
          <div class="conv-sub">
            <span class={`status status-${c.status}`}>{c.status === 'open' ? t('common.state_open') : t('common.state_closed')}</span>
            {statusOps.map((op) =>
              op.failed ? (
                <span class="refused" key={op.client_id}>
                  <span class="tag failed">{t('outbox.refused', { act: outKindLabel(op.kind), reason: op.failed })}</span>
                  <button onClick={() => retry(op)}>{t('common.retry')}</button>
                  <button onClick={() => discard(op)}>{t('common.discard')}</button>
                </span>
              ) : (
                <span class="tag" key={op.client_id}>
                  {op.kind === 'close_conversation' ? t('conversation.closing') : op.kind === 'reopen_conversation' ? t('conversation.reopening')
                    : op.kind === 'create_item' ? tWith(`conversation.creating_${op.item?.type ?? 'item'}`, 'title', <bdi>{op.item?.title}</bdi>)
                    : op.item_number ? t('conversation.linking', { number: op.item_number }) : t('conversation.unlinking')}
                </span>
              ),
            )}
            {c.customer && (
              <button class="linklike" onClick={() => showPanel({ kind: 'customer', id: c.customer!.id })}>
                {c.customer.email ? <bdi>{c.customer.email}</bdi> : t('conversation.customer_details')}
              </button>
            )}
            {c.item && (
              <button class={`chip chip-${c.item.type}`} onClick={() => showPanel({ kind: 'item', number: c.item!.number })}>
                #{c.item.number} <bdi>{c.item.title}</bdi>
              </button>
            )}
          </div>
        </div>
        <div class="conv-actions">
          <MuteButton id={c.id} />
          {c.kind === 'customer' && <AssignMenu c={c} />}
          <MoreMenu />
          <LinkMenu />
          {c.status === 'open' ? (
            <button onClick={closeConversation} disabled={waitingLast('close_conversation')}>{t('common.close')}</button>
          ) : (
            <button onClick={reopenConversation} disabled={waitingLast('reopen_conversation')}>{t('conversation.reopen')}</button>
          )}
        </div>
      </header>
      {actionError.value && <div class="error" role="alert">{actionError.value}</div>}
      {teamworkError.value && <div class="error" role="alert">{teamworkError.value}</div>}
      <div
        class="messages"
        ref={scroller}
        onScroll={(e) => {
          const el = e.currentTarget as HTMLDivElement;
          stick.current = !hasNewer.value && el.scrollTop + el.clientHeight >= el.scrollHeight - 40;
          atBottom.value = stick.current;
          if (el.scrollTop < 400 && !stick.current) older();
          else if (el.scrollTop + el.clientHeight > el.scrollHeight - 400) newer();
        }}
      >
        {hasOlder.value && (
          <button class="older" onClick={older}>{t('conversation.load_older')}</button>
        )}
        {rows.map((r) => {
          if (r.kind === 'day') return <div class="day" key={r.key}><span>{r.label}</span></div>;
          if (r.kind === 'system') {
            return <div class="system-note" key={r.key} id={`m-${r.message.id}`} data-message-id={r.message.id}>{systemText(r.message)}</div>;
          }
          // One element per message, keyed by it (the author's name on the
          // first of a run): as the window of pages moves, a run's first
          // message changes, and nothing already on screen renders again.
          return r.messages.map((m, i) => (
            <div class={`group${r.mine ? ' mine' : ''}${i ? ' cont' : ''} author-${r.author.kind}`} key={`g-${m.id}`}>
              {i === 0 && (
                <div class="author">
                  {!r.mine && <Avatar name={r.author.name} id={r.author.id} kind={r.author.kind} size={22} />}
                  {r.mine ? t('common.you') : <bdi>{authorLabel(r.author, c)}</bdi>}
                </div>
              )}
              <MessageBubble m={m} mine={r.mine} pendingOps={ops.get(m.id) ?? NONE} highlighted={highlight.value === m.id}
                erased={!!c.erased_at && m.author.kind === 'customer'} />
            </div>
          ));
        })}
        {hasNewer.value ? (
          <button class="older" onClick={newer}>{t('conversation.load_newer')}</button>
        ) : (
          unsent(msgs, pend).map((p) => <PendingSend key={p.client_id} e={p} />)
        )}
        <Typing />
      </div>
      {hasNewer.value && (
        <button class="jump-latest" onClick={jumpToLatest}>{t('conversation.jump_latest')}</button>
      )}
      {c.erased_at ? (
        <p class="erased-note" role="note">{t('conversation.erased')}</p>
      ) : (
        <Composer key={c.id} />
      )}
      <ImageViewer />
    </section>
  );
}
