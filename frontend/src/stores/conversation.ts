// Conversation store: the open conversation, its messages and outbox
// entries, typing indicators, and every action on it (reply, edit, delete,
// close, reopen, retry).
import { signal } from '@preact/signals';
import { api, attempt, errorText, on } from '../lib/bridge';
import type { Conversation, Event, Message, OutboxEntry } from '../lib/types';
import { EVENT_TYPING, type TypingData } from '../lib/protocol.gen';
import { reloadSoon } from './inbox';
import { formatDay, t } from '../lib/i18n';
import { noteText } from '../lib/notes';

export const PAGE = 50;
/** The most messages the pane holds: a window of pages that moves as the
 * agent scrolls (older pages in at the top push the newest out, and back),
 * so a conversation of any length costs the same memory and DOM. */
export const WINDOW = 4 * PAGE;

export const current = signal<Conversation | null>(null);
export const messages = signal<Message[]>([]);
export const pending = signal<OutboxEntry[]>([]);
export const hasOlder = signal(false);
/** The window stops short of the newest message (scrolled back in history). */
export const hasNewer = signal(false);
/** The view is at the end of the pane (set by the view as the agent scrolls). */
export const atBottom = signal(true);
/** Bumped when the window goes to the latest: the view sticks to the end. */
export const latest = signal(0);

// The window's generation: bumped whenever it is replaced, moved or
// trimmed, so that a refresh read for an earlier window reads again.
let gen = 0;

/** setWindow puts a window of messages on screen: the one place that does. */
function setWindow(msgs: Message[], older: boolean, newer: boolean) {
  gen++;
  messages.value = msgs;
  hasOlder.value = older;
  hasNewer.value = newer;
}
export const typing = signal<{ name: string; until: number } | null>(null);
export const highlight = signal<number | null>(null); // a message to scroll to (search)
export const actionError = signal('');

let openSeq = 0;

/** Whether the window has the focus (notifications stay quiet for the open conversation only then). */
const focused = () => typeof document !== 'undefined' && document.hasFocus();

/** Opens a conversation (marking it read); with messageId, at that message. */
export async function open(id: number, messageId?: number) {
  const b = api();
  if (!b) return;
  const seq = ++openSeq;
  typing.value = null;
  actionError.value = '';
  try {
    const [conv, view] = await Promise.all([
      b.InboxService.FindConversationByID({ conversation_id: id }),
      b.InboxService.ListMessages({ conversation_id: id, limit: PAGE }),
    ]);
    if (seq !== openSeq) return;
    let msgs = view.messages ?? [];
    let more = msgs.length >= PAGE;
    let newer = false;
    // A search hit further back: the window opens at it, a page either side.
    if (messageId && !msgs.some((m) => m.id === messageId) && msgs.length && messageId < msgs[0].id) {
      const [before, after] = await Promise.all([
        b.InboxService.ListMessages({ conversation_id: id, before_id: messageId + 1, limit: PAGE }),
        b.InboxService.ListMessages({ conversation_id: id, after_id: messageId, limit: PAGE }),
      ]);
      msgs = (before.messages ?? []).concat(after.messages ?? []);
      more = (before.messages ?? []).length >= PAGE;
      newer = (after.messages ?? []).length >= PAGE;
    }
    if (seq !== openSeq) return;
    current.value = conv;
    setWindow(msgs, more, newer);
    pending.value = view.pending ?? [];
    atBottom.value = true;
    highlight.value = messageId ?? null;
    await b.InboxService.OpenConversation({ conversation_id: id, focused: focused() });
    reloadSoon(0);
  } catch (err) {
    // Not (or no longer) in the local store, e.g. from a stale link.
    if (seq === openSeq) actionError.value = t('conversation.cannot_show', { error: errorText(err) });
  }
}

export function closeView() {
  openSeq++;
  current.value = null;
  setWindow([], false, false);
  pending.value = [];
}

/**
 * mergeNewest puts the newest page after the older pages already loaded.
 * When the newest page does not reach back to what is loaded (more than a
 * page arrived meanwhile), the older pages are dropped rather than leaving
 * a hole: the gap is loaded by scrolling back like any older page.
 */
export function mergeNewest(loaded: Message[], fresh: Message[], pageSize: number): { messages: Message[]; gap: boolean } {
  if (fresh.length === 0) return { messages: fresh, gap: false };
  const lastLoaded = loaded.length ? loaded[loaded.length - 1].id : 0;
  if (fresh.length >= pageSize && fresh[0].id > lastLoaded) return { messages: fresh, gap: true };
  return { messages: loaded.filter((m) => m.id < fresh[0].id).concat(fresh), gap: false };
}

/**
 * Re-reads the open conversation after a change. At the newest, the newest
 * page is merged in; past WINDOW the oldest messages go when the agent is
 * at the end, and otherwise the window stays put (nothing moves under the
 * reader) and the rest waits below. Scrolled back in history, the window's
 * own messages are read again (an edit or a delete shows). Read marks only
 * follow when the newest is on screen.
 */
export async function refresh(retries = 2): Promise<void> {
  const b = api();
  const conv = current.value;
  if (!b || !conv) return;
  const seq = openSeq;
  const g = gen;
  const back = hasNewer.value && messages.value.length > 0;
  const [c, view] = await Promise.all([
    b.InboxService.FindConversationByID({ conversation_id: conv.id }).catch(() => null),
    (back
      ? b.InboxService.ListMessages({
        conversation_id: conv.id, before_id: messages.value[messages.value.length - 1].id + 1, limit: messages.value.length,
      })
      : b.InboxService.ListMessages({ conversation_id: conv.id, limit: PAGE })
    ).catch(() => null),
  ]);
  // Another conversation was opened meanwhile: this answer is stale.
  if (seq !== openSeq || current.value?.id !== conv.id) return;
  if (!c) return closeView(); // no longer visible to me
  current.value = c;
  if (!view) return;
  pending.value = view.pending ?? [];
  // The window moved meanwhile (a page came in): read again for it, so
  // that nothing that arrived is dropped.
  if (g !== gen) return retries > 0 ? refresh(retries - 1) : undefined;
  if (back) {
    const fresh = view.messages ?? [];
    if (!same(fresh, messages.value)) setWindow(fresh, hasOlder.value, true);
  } else {
    const merged = mergeNewest(messages.value, view.messages ?? [], PAGE);
    let msgs = merged.messages;
    let newer = false;
    if (merged.gap && !atBottom.value) {
      // More than a page arrived while the agent reads above: the window
      // stays; the rest waits below.
      msgs = messages.value;
      newer = true;
    } else if (msgs.length > WINDOW) {
      if (atBottom.value) msgs = trim(msgs, 'oldest');
      else {
        msgs = msgs.slice(0, WINDOW);
        newer = true;
      }
    }
    if (!same(msgs, messages.value) || newer !== hasNewer.value) {
      setWindow(msgs, hasOlder.value || merged.gap || msgs[0]?.id !== merged.messages[0]?.id, newer);
    }
  }
  if (!hasNewer.value && c.unread > 0 && focused()) {
    await b.InboxService.OpenConversation({ conversation_id: c.id, focused: true });
  }
}

/** same reports two windows showing the same messages, unchanged. */
function same(a: Message[], b: Message[]): boolean {
  return a.length === b.length && a.every((m, i) => m === b[i] || (m.id === b[i].id && m.text === b[i].text &&
    m.edited_at === b[i].edited_at && m.deleted_at === b[i].deleted_at && (m.attachments?.length ?? 0) === (b[i].attachments?.length ?? 0)));
}

/** trim keeps the newest (or oldest) WINDOW messages. */
export function trim(msgs: Message[], drop: 'oldest' | 'newest'): Message[] {
  if (msgs.length <= WINDOW) return msgs;
  return drop === 'oldest' ? msgs.slice(msgs.length - WINDOW) : msgs.slice(0, WINDOW);
}

let moving = false;
/** Moves the window a page back in history (scrolling up). */
export async function loadOlder() {
  const b = api();
  const conv = current.value;
  if (!b || !conv || !hasOlder.value || messages.value.length === 0 || moving) return;
  moving = true;
  const first = messages.value[0].id;
  try {
    const older = (await b.InboxService.ListMessages({ conversation_id: conv.id, before_id: first, limit: PAGE })).messages ?? [];
    // Asked for a window whose first message is no longer first: dropped.
    if (current.value?.id !== conv.id || messages.value[0]?.id !== first) return;
    const all = older.concat(messages.value);
    const kept = trim(all, 'newest');
    setWindow(kept, older.length >= PAGE, hasNewer.value || kept.length < all.length);
  } catch (err) {
    actionError.value = errorText(err);
  } finally {
    moving = false;
  }
}

/** Moves the window a page towards the newest (scrolling down). */
export async function loadNewer() {
  const b = api();
  const conv = current.value;
  if (!b || !conv || !hasNewer.value || messages.value.length === 0 || moving) return;
  moving = true;
  let end = false;
  try {
    const last = messages.value[messages.value.length - 1].id;
    const newer = (await b.InboxService.ListMessages({ conversation_id: conv.id, after_id: last, limit: PAGE })).messages ?? [];
    // Asked for a window whose last message is no longer last: dropped.
    if (current.value?.id !== conv.id || !hasNewer.value || messages.value[messages.value.length - 1]?.id !== last) return;
    const all = messages.value.concat(newer);
    const kept = trim(all, 'oldest');
    end = newer.length < PAGE;
    setWindow(kept, hasOlder.value || kept.length < all.length, !end);
  } catch (err) {
    actionError.value = errorText(err);
  } finally {
    moving = false;
  }
  // At the newest again: what arrived meanwhile, and the read mark.
  if (end) await refresh().catch(() => undefined);
}

/** Back to the newest page (the window left in history); the view sticks to the end. */
export async function jumpToLatest() {
  const b = api();
  const conv = current.value;
  if (!b || !conv) return;
  const seq = openSeq;
  const view = await b.InboxService.ListMessages({ conversation_id: conv.id, limit: PAGE });
  if (seq !== openSeq || current.value?.id !== conv.id) return;
  setWindow(view.messages ?? [], (view.messages ?? []).length >= PAGE, false);
  pending.value = view.pending ?? [];
  highlight.value = null;
  atBottom.value = true;
  latest.value++;
  await refresh().catch(() => undefined); // the read mark
}

/** An action on the open conversation; the view reloads after it. */
async function act(fn: () => Promise<unknown>): Promise<boolean> {
  if (!(await attempt(actionError, fn))) return false;
  await refresh().catch(() => undefined);
  return true;
}

const cid = () => current.value!.id;
/** Sends a reply, or a private note (internal) for the team; mentions are the teammates it @mentions, files staged files (stores/files.ts). */
export const send = async (text: string, internal = false, mentions: number[] = [], files: string[] = []) => {
  const id = cid(); // the conversation it was written in, whatever opens meanwhile
  // What I send shows at the end: a window back in history comes to it,
  // and the view goes to the end.
  if (hasNewer.value) await jumpToLatest().catch(() => undefined);
  else if (current.value?.id === id) {
    atBottom.value = true;
    latest.value++;
  }
  return act(() => api()!.InboxService.SendMessage({ conversation_id: id, text, internal, mentions, files: files.length ? files : undefined }));
};
export const edit = (m: Message, text: string) =>
  act(() => api()!.InboxService.EditMessage({ conversation_id: m.conversation_id, message_id: m.id, text }));
export const remove = (m: Message) => act(() => api()!.InboxService.DeleteMessage({ conversation_id: m.conversation_id, message_id: m.id }));
export const closeConversation = () => act(() => api()!.InboxService.CloseConversation({ conversation_id: cid() }));
export const reopenConversation = () => act(() => api()!.InboxService.ReopenConversation({ conversation_id: cid() }));
export const retry = (e: OutboxEntry) => act(() => api()!.InboxService.Retry(e.client_id));
export const discard = (e: OutboxEntry) => act(() => api()!.InboxService.Discard(e.client_id));

let lastTyping = { id: 0, at: 0 };
/** Called on every keystroke; sends at most one signal a second per conversation. Typing a note (internal) tells the team only. */
export function typed(internal = false, now = Date.now()) {
  const conv = current.value;
  if (!conv || (lastTyping.id === conv.id && now - lastTyping.at < 1000)) return;
  lastTyping = { id: conv.id, at: now };
  api()?.InboxService.Typing({ conversation_id: conv.id, internal }).catch(() => undefined);
}

/** Applies an ephemeral event: a typing signal shows for 4 s. */
export function ephemeral(ev: Event, now = Date.now()) {
  if (ev.type !== EVENT_TYPING || ev.conversation_id !== current.value?.id) return;
  const data = ev.data as TypingData | undefined;
  typing.value = { name: data?.who?.name || t('common.someone'), until: now + 4000 };
}

/**
 * unsent drops outbox sends whose message already arrived through the
 * stream (the server has it; the outbox entry goes a moment later), so a
 * reply never shows twice.
 */
export function unsent(msgs: Message[], pend: OutboxEntry[]): OutboxEntry[] {
  const arrived = new Set(msgs.map((m) => m.client_id).filter(Boolean));
  return pend.filter((p) => p.kind === 'send_message' && !arrived.has(p.client_id));
}

export type Row =
  | { kind: 'day'; key: string; label: string }
  | { kind: 'system'; key: string; message: Message }
  | { kind: 'group'; key: string; author: Message['author']; mine: boolean; messages: Message[] };

const GROUP_GAP_MS = 5 * 60 * 1000;

/** The day label of a date in local time, in the app's language, e.g.
 * "Today", "Yesterday", "Mon, Nov 23, 2026" ("Heute", "Mo., 23. Nov. 2026"). */
export function dayLabel(d: Date, now: Date): string {
  const start = (x: Date) => new Date(x.getFullYear(), x.getMonth(), x.getDate()).getTime();
  const days = Math.round((start(now) - start(d)) / 86_400_000);
  if (days === 0) return t('conversation.today');
  if (days === 1) return t('conversation.yesterday');
  return formatDay(d);
}

/**
 * groupMessages lays messages out the way a messenger does: a divider per
 * day, consecutive messages of one author within five minutes in one
 * group, system notes (closed, reopened, linked) on their own line.
 */
export function groupMessages(msgs: Message[], me: number | undefined, now: Date): Row[] {
  const rows: Row[] = [];
  let day = '';
  let group: Extract<Row, { kind: 'group' }> | null = null;
  let lastAt = 0;
  for (const m of msgs) {
    const at = new Date(m.created_at);
    const label = dayLabel(at, now);
    if (label !== day) {
      day = label;
      rows.push({ kind: 'day', key: `day-${m.id}`, label });
      group = null;
    }
    if (m.system || m.author.kind === 'system') {
      rows.push({ kind: 'system', key: `sys-${m.id}`, message: m });
      group = null;
      continue;
    }
    const same = group && group.author.kind === m.author.kind && group.author.id === m.author.id && at.getTime() - lastAt < GROUP_GAP_MS;
    if (!same) {
      group = { kind: 'group', key: `g-${m.id}`, author: m.author, mine: m.author.kind === 'user' && m.author.id === me, messages: [] };
      rows.push(group);
    }
    group!.messages.push(m);
    lastAt = at.getTime();
  }
  return rows;
}

/** What a system note says, in the app's language (lib/notes.ts); an
 * offline auto-reply is the helpdesk's own text. */
export function systemText(m: Message): string {
  if (m.system === 'offline_reply') return t('conversation.auto_reply', { text: noteText(m) });
  return noteText(m) || m.system || '';
}

export function watchConversation(): () => void {
  const offs = [
    on('inbox:changed', () => {
      if (current.value) refreshSoon();
    }),
    on('inbox:ephemeral', (ev) => ephemeral(ev)),
  ];
  // Focus and blur only tell notifications whether I am looking; coming
  // back marks read only when something arrived meanwhile.
  const onFocus = () => {
    const c = current.value;
    const b = api();
    if (!c || !b) return;
    const f = focused();
    b.InboxService.SetFocus({ conversation_id: c.id, focused: f }).catch(() => undefined);
    if (f && c.unread > 0) refreshSoon();
  };
  window.addEventListener('focus', onFocus);
  window.addEventListener('blur', onFocus);
  return () => {
    offs.forEach((f) => f());
    window.removeEventListener('focus', onFocus);
    window.removeEventListener('blur', onFocus);
  };
}

let refreshTimer: ReturnType<typeof setTimeout> | undefined;
function refreshSoon() {
  if (refreshTimer) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = undefined;
    refresh();
  }, 40);
}
