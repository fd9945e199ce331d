// The chat window inside the widget's iframe (on the chat server's origin).
// It keeps the customer token and an outbox in this origin's storage, shows
// the conversation, sends with client ids (so retries never duplicate),
// follows the event stream from its cursor, and talks to the host page only
// by postMessage to the parent origin the server vouched for.

import { codePoints, MAX_EMAIL_BYTES, MAX_MESSAGE, MAX_NAME, oneLine, visible as hasVisible } from '../../../frontend/src/lib/text';
import {
  CLOSE_UNAUTHORIZED, DEFAULT_MAX_FILE_BYTES, MAX_ATTACHMENTS, E_CUSTOMER_ERASED, E_INVALID, E_RATE_LIMITED, E_UNAUTHORIZED, E_UNAVAILABLE, LATER_CODES, SIGN_IN_CODES, EVENT_MESSAGE_CREATED, EVENT_MESSAGE_DELETED, EVENT_MESSAGE_EDITED, EVENT_TYPING,
  EVENT_WIDGET_CONFIG, FRAME_CAUGHT_UP, FRAME_EPHEMERAL, FRAME_EVENT, FRAME_HELLO, FRAME_RESYNC, FRAME_TYPING, FRAME_WELCOME,
  type Attachment, type ClientFrame, type Message as Msg, type ServerFrame as Frame, type TypingData, type WidgetConfig as Config,
} from '../../../frontend/src/lib/protocol.gen';
import { renderNote } from '../../../frontend/src/lib/note-render';
import { counterText, errorText, formatBytes, formatDateTime, formatTime, has, lang, num, t, visitorLanguage } from './i18n';
import { renderText } from './linkify';

type Pending = { client_id: string; text: string; files?: Attachment[]; failed?: string };
/** A file picked, pasted or dropped: uploaded at once, sent with the next message. */
type Staged = { key: string; name: string; att?: Attachment; error?: string };

const parentOrigin = document.querySelector<HTMLMetaElement>('meta[name="deskchat-parent"]')?.content ?? '';
const store = {
  get: (k: string) => localStorage.getItem('deskchat.' + k),
  set: (k: string, v: string) => localStorage.setItem('deskchat.' + k, v),
  del: (k: string) => localStorage.removeItem('deskchat.' + k),
};

let token = store.get('token');
let conversationId = Number(store.get('conversation') ?? 0);
let visible = false;
let unread = 0;
let ws: WebSocket | null = null;
let retry = 0;
let flushing = false;
const messages = new Map<number, Msg>();
let staged: Staged[] = [];
let maxFileBytes = DEFAULT_MAX_FILE_BYTES;

// ---- DOM -----------------------------------------------------------------
const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls = '', attrs: Record<string, string> = {}) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
};
const app = document.getElementById('app')!;
const header = el('header');
const title = el('h1');
const closeBtn = el('button', 'close', { type: 'button', 'aria-label': t('widget.close_chat') });
closeBtn.textContent = '×';
header.append(title, closeBtn);
const status = el('p', 'status', { role: 'status' });
const log = el('ol', 'log', { 'aria-live': 'polite', 'aria-relevant': 'additions', 'aria-label': t('widget.conversation') });
const typing = el('p', 'typing', { 'aria-live': 'polite' });
const intro = el('form', 'intro', { 'aria-label': t('widget.introduce') });
// No maxlength anywhere: it counts UTF-16 units, the server counts code
// points, and it cuts pasted text without a word. A counter near the limit
// says how much is left or how much is over instead.
const nameIn = el('input', '', { type: 'text', placeholder: t('widget.name_placeholder'), 'aria-label': t('widget.name_label'), autocomplete: 'name' });
const emailIn = el('input', '', { type: 'email', placeholder: t('widget.email_placeholder'), 'aria-label': t('widget.email_label'), autocomplete: 'email' });
const introError = el('p', 'counter over', { role: 'alert' });
const introGo = el('button', 'primary', { type: 'submit' });
introGo.textContent = t('widget.start_chat');
const introSkip = el('button', 'link', { type: 'button' });
introSkip.textContent = t('widget.skip');
intro.append(nameIn, emailIn, introError, introGo, introSkip);
const composer = el('form', 'composer', { 'aria-label': t('widget.write_message') });
const input = el('textarea', '', { rows: '2', placeholder: t('widget.write_placeholder'), 'aria-label': t('widget.message') });
const send = el('button', 'primary', { type: 'submit', 'aria-label': t('widget.send_message') });
send.textContent = t('widget.send');
const counter = el('span', 'counter', { 'aria-live': 'polite' });
const attach = el('button', 'link attach', { type: 'button', 'aria-label': t('widget.attach_files'), title: t('widget.attach_files') });
attach.textContent = '📎';
const picker = el('input', '', { type: 'file', multiple: '', hidden: '' });
const side = el('div', 'side');
const buttons = el('div', 'buttons');
buttons.append(attach, send);
side.append(counter, buttons);
composer.append(input, side, picker);
const tray = el('ul', 'tray', { 'aria-label': t('widget.files_to_send') });
const viewer = el('div', 'viewer', { role: 'dialog', 'aria-label': t('widget.image'), tabindex: '-1' });
viewer.hidden = true;

/** Shows the counter near the limit; over it, the text stays as typed and
 * cannot be sent until shortened. */
function updateCounter() {
  const over = codePoints(input.value) > MAX_MESSAGE;
  counter.textContent = counterText(codePoints(input.value), MAX_MESSAGE);
  counter.classList.toggle('over', over);
  counter.setAttribute('role', over ? 'alert' : 'status');
  send.disabled = over || staged.some((f) => !f.att && !f.error);
}
app.append(header, status, log, typing, intro, tray, composer, viewer);
document.title = t('widget.chat');

const toParent = (msg: Record<string, unknown>) => {
  if (parentOrigin && window.parent !== window) window.parent.postMessage(msg, parentOrigin);
};

// ---- rendering -------------------------------------------------------------
/** The admin's texts in the window's language where written, else the default ones. */
const textsOf = (c: Config) => c.translations?.[lang] ?? c;

function renderConfig(c: Config) {
  const texts = textsOf(c);
  if (title.textContent !== texts.title || title.dataset.greeting !== texts.greeting) {
    title.textContent = texts.title;
    title.dataset.greeting = texts.greeting; // followed live, like the rest
    render(); // the greeting is under the title
  }
  if (c.max_file_bytes) maxFileBytes = c.max_file_bytes;
  status.textContent = texts.message;
  status.classList.toggle('offline', !c.online);
}

function outbox(): Pending[] {
  try {
    const v = JSON.parse(store.get('outbox') ?? '[]');
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}
const saveOutbox = (o: Pending[]) => store.set('outbox', JSON.stringify(o));

function render() {
  // The greeting is the team's first message, under the widget's title.
  const greeting = el('li', 'msg theirs note greeting');
  const from = el('span', 'who');
  from.textContent = title.textContent || t('widget.chat');
  const hello = el('p', 'text');
  hello.textContent = (title.dataset.greeting ?? '') || t('widget.greeting');
  greeting.append(from, hello);
  const items: HTMLElement[] = [greeting];
  const sorted = [...messages.values()].sort((a, b) => a.id - b.id);
  const sent = new Set(sorted.map((m) => m.client_id).filter(Boolean));
  for (const m of sorted) items.push(renderMessage(m));
  for (const p of outbox()) if (!sent.has(p.client_id)) items.push(renderPending(p));
  log.replaceChildren(...items);
  log.scrollTop = log.scrollHeight;
  intro.hidden = !!token || store.get('introduced') === '1';
  composer.hidden = !intro.hidden;
}

/** What a system note the customer sees says (the conversation was
 * closed or reopened, the offline auto-reply), in the window's language:
 * the one place that writes it. */
function noteText(m: Msg): string {
  return renderNote(m, lang, t, has);
}

function renderMessage(m: Msg): HTMLElement {
  if (m.author.kind === 'system') {
    const li = el('li', 'note');
    li.textContent = noteText(m);
    return li;
  }
  const mine = m.author.kind === 'customer';
  const li = el('li', mine ? 'msg mine' : 'msg theirs');
  const who = el('span', 'who');
  who.textContent = mine ? t('widget.you') : m.author.name || t('widget.support');
  const body = el('p', 'text');
  if (m.deleted_at) {
    body.classList.add('deleted');
    body.textContent = t('widget.deleted');
  } else {
    renderText(body, m.text);
  }
  li.append(who, body);
  if (!m.deleted_at) li.append(...(m.attachments ?? []).map(renderFile));
  // When it was written, and whether it was edited since, on one line.
  const foot = el('span', 'foot');
  if (m.edited_at && !m.deleted_at) {
    const ed = el('span', 'meta');
    ed.textContent = t('widget.edited');
    foot.append(ed);
  }
  const at = el('time', 'time', { datetime: m.created_at, title: formatDateTime(m.created_at) });
  at.textContent = formatTime(m.created_at);
  foot.append(at);
  li.append(foot);
  return li;
}

function renderPending(p: Pending): HTMLElement {
  const li = el('li', 'msg mine pending');
  const who = el('span', 'who');
  who.textContent = t('widget.you');
  const body = el('p', 'text');
  renderText(body, p.text);
  const meta = el('span', 'meta');
  meta.textContent = p.failed ? t('widget.not_sent', { reason: p.failed }) : t('widget.sending');
  li.append(who, body, ...(p.files ?? []).map(renderFile), meta);
  if (p.failed) {
    const again = el('button', 'link', { type: 'button' });
    again.textContent = t('widget.retry');
    again.addEventListener('click', () => {
      saveOutbox(outbox().map((q) => (q.client_id === p.client_id ? { client_id: q.client_id, text: q.text } : q)));
      render();
      flush();
    });
    li.append(again);
  }
  return li;
}

// ---- files ------------------------------------------------------------------
/** Files come with the token (never a bare URL): fetched once, shown from
 * a local object URL. */
const fetched = new Map<string, Promise<string>>();
function fetchFile(path: string): Promise<string> {
  let p = fetched.get(path);
  if (!p) {
    p = fetch(path, { headers: { Authorization: `Bearer ${token}` } }).then(async (res) => {
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return URL.createObjectURL(await res.blob());
    });
    p.catch(() => fetched.delete(path));
    fetched.set(path, p);
  }
  return p;
}

/** An attachment on a message: an image as its thumbnail (opens large),
 * anything else as a download button with its name and size. */
function renderFile(a: Attachment): HTMLElement {
  const b = el('button', a.image ? 'file image' : 'file', { type: 'button' });
  if (a.image) {
    b.setAttribute('aria-label', t('widget.open_image', { name: a.name }));
    const img = el('img', '', { alt: a.name });
    const w = Math.min(a.width ?? 200, 200);
    img.style.aspectRatio = `${a.width ?? 4} / ${a.height ?? 3}`;
    img.style.width = `${w}px`;
    fetchFile(`/v1/attachments/${a.id}/thumbnail`).then((u) => (img.src = u), () => (img.alt = t('widget.not_available', { name: a.name })));
    b.append(img);
    b.addEventListener('click', () => openImage(a));
  } else {
    b.setAttribute('aria-label', t('widget.download_file', { name: a.name }));
    b.textContent = `⬇ ${a.name} · ${formatBytes(a.size)}`;
    b.addEventListener('click', () => download(a));
  }
  return b;
}

function download(a: Attachment) {
  fetchFile(`/v1/attachments/${a.id}`).then((u) => {
    const link = el('a', '', { href: u, download: a.name });
    link.click();
  }, () => undefined);
}

function openImage(a: Attachment) {
  const img = el('img', '', { alt: a.name });
  const close = el('button', 'close', { type: 'button', 'aria-label': t('widget.close_image') });
  close.textContent = '×';
  const save = el('button', 'link', { type: 'button' });
  save.textContent = t('widget.download');
  save.addEventListener('click', () => download(a));
  viewer.replaceChildren(close, img, save);
  viewer.hidden = false;
  viewer.focus();
  close.addEventListener('click', closeImage);
  fetchFile(`/v1/attachments/${a.id}`).then((u) => (img.src = u), () => (img.alt = t('widget.not_available', { name: a.name })));
}
function closeImage() {
  viewer.hidden = true;
  viewer.replaceChildren();
  input.focus();
}
viewer.addEventListener('keydown', (e) => e.key === 'Escape' && closeImage());
viewer.addEventListener('click', (e) => e.target === viewer && closeImage());

function renderTray() {
  tray.replaceChildren(...staged.map((f) => {
    const li = el('li', f.error ? 'over' : '');
    const name = el('span', 'name');
    name.textContent = f.name;
    const state = el('span', 'meta');
    state.textContent = f.error ?? (f.att ? formatBytes(f.att.size) : t('widget.uploading'));
    const rm = el('button', 'link', { type: 'button', 'aria-label': t('widget.remove_file', { name: f.name }) });
    rm.textContent = '×';
    rm.addEventListener('click', () => {
      staged = staged.filter((g) => g !== f);
      renderTray();
      if (f.att) api('DELETE', `/v1/uploads/${f.att.id}`).catch(() => undefined); // taken back: the server forgets it too
    });
    li.append(name, state, rm);
    return li;
  }));
  tray.hidden = staged.length === 0;
  updateCounter();
}

/** Stages files: each is uploaded at once (the server checks and keeps
 * it), and goes out with the next message. */
function addFiles(files: File[]) {
  for (const file of files) {
    const f: Staged = { key: newClientId(), name: file.name || 'image.png' };
    if (staged.length >= MAX_ATTACHMENTS) f.error = t('widget.too_many_files', { count: num(MAX_ATTACHMENTS) });
    else if (file.size > maxFileBytes) f.error = t('widget.larger_than', { size: formatBytes(maxFileBytes) });
    else if (file.size === 0) f.error = t('widget.file_empty');
    staged.push(f);
    if (!f.error) upload(f, file);
  }
  renderTray();
}

async function upload(f: Staged, file: File) {
  try {
    if (!token) await ensureCustomer();
    const res = await fetch(`/v1/uploads?name=${encodeURIComponent(f.name)}`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: file });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) {
      throw typeof data?.error?.code === 'string'
        ? new Error(errorText(data.error.code, String(data.error.message ?? '')))
        : new Error(t('widget.server_answered', { status: res.status }));
    }
    f.att = data as Attachment;
  } catch (err) {
    f.error = err instanceof Error ? err.message : t('widget.not_uploaded');
  }
  renderTray();
}

function addMessage(m: Msg) {
  if (conversationId && m.conversation_id !== conversationId) return;
  const isNew = !messages.has(m.id);
  messages.set(m.id, m);
  if (isNew && !visible && m.author.kind !== 'customer') {
    unread++;
    toParent({ type: 'unread', count: unread });
  }
  render();
}

// ---- API -------------------------------------------------------------------
/** An error answer, as its code (protocol.gen.ts). Branch on codes, never
 * on HTTP numbers: the same code can cross a proxy's status. */
class ApiError extends Error {
  constructor(public code: string, message: string) {
    super(message);
  }
}

/** The code of an answer without our error body (a proxy's page), by its
 * status, as backend/client's answerError gives it. */
function codeOfStatus(status: number): string {
  if (status === 401) return E_UNAUTHORIZED;
  if (status === 408 || status === 429) return E_RATE_LIMITED;
  if (status >= 400 && status < 500) return E_INVALID;
  return E_UNAVAILABLE;
}

/** The request itself was refused: it would meet the same answer again
 * (chat.Refused). */
const refused = (err: unknown) => err instanceof ApiError && !(LATER_CODES as readonly string[]).includes(err.code);
/** The token no longer counts: start a new widget session. */
const signInAgain = (err: unknown) => err instanceof ApiError && (SIGN_IN_CODES as readonly string[]).includes(err.code);

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    if (typeof data?.error?.code === 'string' && data.error.code) throw new ApiError(data.error.code, String(data.error.message ?? ''));
    throw new ApiError(codeOfStatus(res.status), t('widget.server_answered', { status: res.status }));
  }
  return data as T;
}

async function loadHistory() {
  if (!token) return;
  if (!conversationId) {
    const page = await api<{ conversations: { id: number }[] }>('GET', '/v1/conversations?limit=1');
    conversationId = page.conversations[0]?.id ?? 0;
    if (conversationId) store.set('conversation', String(conversationId));
  }
  if (!conversationId) return;
  const page = await api<{ messages: Msg[] }>('GET', `/v1/conversations/${conversationId}/messages?limit=100`);
  // The server's copy wins: an edit or delete made while this window was
  // away (or past a resync) replaces what it kept. A newer copy that
  // arrived on the stream meanwhile stays.
  for (const m of page.messages) {
    const kept = messages.get(m.id);
    if (!kept || version(m) >= version(kept)) messages.set(m.id, m);
  }
  render();
}

/** How recent a copy of a message is: its last edit or delete. */
const version = (m: Msg) => Math.max(Date.parse(m.created_at) || 0, Date.parse(m.edited_at ?? '') || 0, Date.parse(m.deleted_at ?? '') || 0);

function newClientId(): string {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** Forgets the customer (token revoked or expired): a new one is made at
 * the next send, with a new conversation. An erased customer (the helpdesk
 * honoured a right-to-erasure request) loses everything this browser kept:
 * name, e-mail and unsent messages too. */
function resetCustomer(erased = false) {
  token = null;
  conversationId = 0;
  for (const k of ['token', 'conversation', 'cursor', 'epoch']) store.del(k);
  if (erased) for (const k of ['name', 'email', 'introduced', 'outbox']) store.del(k);
  messages.clear();
  staged = []; // uploads are the old customer's
  tray.replaceChildren();
  if (ws) {
    ws.onclose = null;
    ws.close();
    ws = null;
  }
  render();
}

const emailOk = (e: string) => /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(e) && new TextEncoder().encode(e).length <= MAX_EMAIL_BYTES;
const nameFits = (n: string) => codePoints(n) <= MAX_NAME;
/** Cuts metadata (not typed text) at a code point, never inside one. */
const clip = (s: string, n: number) => (codePoints(s) <= n ? s : Array.from(s).slice(0, n).join(''));

/** Creates the customer once, even with several tabs open: the first tab
 * makes it, the others find its token in storage. */
async function ensureCustomer() {
  const create = async () => {
    token = store.get('token');
    if (token) return;
    const info: Record<string, string> = { page_url: clip(pageURL || document.referrer.split(/[?#]/)[0], 2000), language: visitorLanguage,
      time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone ?? '' };
    const name = store.get('name'), email = store.get('email');
    if (name) info.name = name;
    if (email && emailOk(email)) info.email = email;
    let s: { token: string };
    try {
      s = await api<{ token: string }>('POST', '/v1/widget/session', info);
    } catch (err) {
      // What the host page told us may be refused: never let it block chat.
      if (!refused(err)) throw err;
      store.del('name');
      store.del('email');
      s = await api<{ token: string }>('POST', '/v1/widget/session', { language: info.language });
    }
    token = s.token;
    store.set('token', token);
    pageSent = info.page_url;
  };
  // The lock keeps the name the first widgets used, so a tab still running
  // an older widget and a new one share it.
  if (navigator.locks) await navigator.locks.request('deskchat-visitor', create);
  else await create();
  connect();
}

// The page the visitor is on (the loader tells), recorded as the
// customer's last page: at once, then at most every 15 s (the last one
// wins).
let pageURL = '';
let pageSent = '';
let pageAt = 0; // when the last one went out
let pageTimer = 0;
function notePage(url: string) {
  pageURL = clip(url, 2000);
  if (pageTimer || !token || pageURL === pageSent) return;
  pageTimer = window.setTimeout(() => {
    pageTimer = 0;
    const u = pageURL;
    if (!token || u === pageSent) return;
    pageAt = Date.now();
    api('PATCH', '/v1/widget/me', { page_url: u }).then(() => {
      pageSent = u;
      notePage(pageURL); // a change meanwhile
    }, () => notePage(pageURL)); // not recorded: again, after the throttle
  }, Math.max(0, pageAt + 15000 - Date.now()));
}

let flushAgain = false;
const ids = (p: Pending) => (p.files?.length ? p.files.map((f) => f.id) : undefined);

/** Sends the outbox in order, re-reading it for every entry, so a message
 * written meanwhile (here or in another tab) goes too. Client ids make a
 * repeat harmless, so two tabs or a retry after a lost answer never
 * duplicate a message. */
async function flush() {
  if (flushing) {
    flushAgain = true;
    return;
  }
  flushing = true;
  try {
    for (let p = outbox().find((q) => !q.failed); p; p = outbox().find((q) => !q.failed)) {
      if (!token) await ensureCustomer();
      conversationId = conversationId || Number(store.get('conversation') ?? 0);
      let m: Msg;
      if (!conversationId) {
        const r = await api<{ conversation: { id: number }; message: Msg }>('POST', '/v1/conversations', { client_id: p.client_id, text: p.text, attachments: ids(p) });
        conversationId = r.conversation.id;
        store.set('conversation', String(conversationId));
        m = r.message;
      } else {
        m = await api<Msg>('POST', `/v1/conversations/${conversationId}/messages`, { client_id: p.client_id, text: p.text, attachments: ids(p) });
      }
      const sent = p.client_id;
      saveOutbox(outbox().filter((q) => q.client_id !== sent));
      addMessage(m);
    }
  } catch (err) {
    if (err instanceof ApiError && err.code === E_CUSTOMER_ERASED) {
      resetCustomer(true); // erased at their request: nothing is sent again
    } else if (signInAgain(err)) {
      resetCustomer();
      flushAgain = true;
    } else if (err instanceof ApiError && refused(err)) {
      const first = outbox().find((q) => !q.failed);
      if (first) saveOutbox(outbox().map((q) => (q.client_id === first.client_id ? { ...q, failed: errorText(err.code, err.message) } : q)));
    } else {
      setTimeout(flush, 2000 + Math.random() * 1000); // network or server trouble: keep it, try again
    }
  } finally {
    flushing = false;
    render();
    if (flushAgain) {
      flushAgain = false;
      setTimeout(flush, 0);
    }
  }
}

// ---- stream -----------------------------------------------------------------
function connect() {
  if (!token || ws) return;
  const sock = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v1/stream`);
  ws = sock;
  sock.onopen = () => {
    const hello: ClientFrame = { type: FRAME_HELLO, token: token ?? '' };
    const cursor = Number(store.get('cursor') ?? 0), epoch = store.get('epoch');
    if (cursor > 0 && epoch) Object.assign(hello, { cursor, epoch });
    sock.send(JSON.stringify(hello));
  };
  sock.onmessage = (e) => onFrame(JSON.parse(e.data) as Frame);
  const mine = token;
  sock.onclose = (e) => {
    if (ws === sock) ws = null;
    if (e.code === CLOSE_UNAUTHORIZED) {
      // Only if this socket's customer is still ours (a new one may exist).
      if (token === mine) resetCustomer(e.reason === E_CUSTOMER_ERASED);
      return;
    }
    retry = Math.min(retry + 1, 6);
    setTimeout(connect, (2 ** retry * 250) * (0.5 + Math.random()));
  };
}

function onFrame(f: Frame) {
  switch (f.type) {
    case FRAME_WELCOME:
      retry = 0;
      if (f.epoch) store.set('epoch', f.epoch);
      if (!store.get('cursor')) store.set('cursor', String(f.head ?? 0));
      loadHistory().catch(() => undefined);
      flush();
      break;
    case FRAME_CAUGHT_UP:
      store.set('cursor', String(f.seq ?? 0));
      break;
    case FRAME_RESYNC:
      // Events were lost to the gap: what is kept may be stale (edited or
      // deleted meanwhile); the history is loaded again after reconnecting.
      store.del('cursor');
      store.del('epoch');
      messages.clear();
      render();
      break;
    case FRAME_EVENT:
      if (f.event) {
        onEvent(f.event.type, f.event.data);
        store.set('cursor', String(f.event.seq));
      }
      break;
    case FRAME_EPHEMERAL: {
      const ty = f.event?.type === EVENT_TYPING ? (f.event.data as TypingData) : undefined;
      if (ty && ty.who.kind === 'user' && f.event?.conversation_id === conversationId) {
        typing.textContent = t('widget.typing', { name: ty.who.name || t('widget.support') });
        clearTimeout(typingTimer);
        typingTimer = window.setTimeout(() => (typing.textContent = ''), 4000);
      }
      break;
    }
  }
}
let typingTimer = 0;

function onEvent(type: string, data: any) {
  switch (type) {
    case EVENT_MESSAGE_CREATED:
      if (!conversationId && data.conversation_id) {
        conversationId = data.conversation_id;
        store.set('conversation', String(conversationId));
      }
      if (data.author?.kind === 'user') typing.textContent = '';
      addMessage(data as Msg);
      break;
    case EVENT_MESSAGE_EDITED:
    case EVENT_MESSAGE_DELETED:
      if (messages.has(data.id)) {
        messages.set(data.id, data as Msg);
        render();
      }
      break;
    case EVENT_WIDGET_CONFIG:
      renderConfig(data as Config);
      break;
  }
}

// ---- input -------------------------------------------------------------------
let lastTyping = 0;
input.addEventListener('input', () => {
  updateCounter();
  const now = Date.now();
  if (ws && ws.readyState === WebSocket.OPEN && conversationId && now - lastTyping > 2000) {
    lastTyping = now;
    ws.send(JSON.stringify({ type: FRAME_TYPING, conversation_id: conversationId } satisfies ClientFrame));
  }
});
input.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    composer.requestSubmit();
  }
});
composer.addEventListener('submit', (e) => {
  e.preventDefault();
  const text = input.value;
  const files = staged.flatMap((f) => (f.att ? [f.att] : []));
  // Nothing visible and no file is nothing to send (a lone U+200B too);
  // too long is kept, with the counter saying by how much; files still
  // uploading wait.
  if ((!hasVisible(text) && !files.length) || codePoints(text) > MAX_MESSAGE || send.disabled) return;
  input.value = '';
  staged = [];
  renderTray();
  saveOutbox([...outbox(), { client_id: newClientId(), text: hasVisible(text) ? text : '', files: files.length ? files : undefined }]);
  render();
  flush();
});
intro.addEventListener('submit', (e) => {
  e.preventDefault();
  const name = nameIn.value.trim(), email = emailIn.value.trim();
  introError.textContent = !nameFits(name) ? t('widget.name_too_long', { count: num(codePoints(name) - MAX_NAME) })
    : !oneLine(name) ? t('widget.name_one_line')
    : email && !emailOk(email) ? t('widget.email_wrong') : '';
  if (introError.textContent) return;
  if (hasVisible(name)) store.set('name', name);
  if (email) store.set('email', email);
  store.set('introduced', '1');
  render();
  input.focus();
});
introSkip.addEventListener('click', () => {
  store.set('introduced', '1');
  render();
  input.focus();
});
closeBtn.addEventListener('click', () => toParent({ type: 'close' }));
attach.addEventListener('click', () => picker.click());
picker.addEventListener('change', () => {
  addFiles([...(picker.files ?? [])]);
  picker.value = '';
});
input.addEventListener('paste', (e) => {
  const files = [...(e.clipboardData?.files ?? [])];
  if (files.length) {
    e.preventDefault();
    addFiles(files);
  }
});
app.addEventListener('dragover', (e) => {
  if (e.dataTransfer?.types.includes('Files')) {
    e.preventDefault();
    app.classList.add('dropping');
  }
});
app.addEventListener('dragleave', (e) => e.target === app && app.classList.remove('dropping'));
app.addEventListener('drop', (e) => {
  app.classList.remove('dropping');
  if (e.dataTransfer?.files.length) {
    e.preventDefault();
    addFiles([...e.dataTransfer.files]);
  }
});
window.addEventListener('online', () => flush());
// Another tab sent or received: pick up its outbox and conversation.
window.addEventListener('storage', (e) => {
  if (e.key === 'deskchat.token' && e.newValue && !token) {
    token = e.newValue;
    connect();
    if (pageURL) notePage(pageURL); // this tab's page, for the customer another tab made
  }
  if (e.key === 'deskchat.conversation' && e.newValue && !conversationId) {
    conversationId = Number(e.newValue);
    loadHistory().catch(() => undefined);
  }
  if (e.key === 'deskchat.outbox') render();
});

// The host page: only its vouched origin, only the parent window.
window.addEventListener('message', (e: MessageEvent) => {
  if (e.origin !== parentOrigin || e.source !== window.parent) return;
  const d = e.data as { type?: string; name?: unknown; email?: unknown; url?: unknown };
  if (d?.type === 'page' && typeof d.url === 'string') {
    notePage(d.url);
  } else if (d?.type === 'open') {
    visible = true;
    unread = 0;
    toParent({ type: 'unread', count: 0 });
    input.focus();
  } else if (d?.type === 'close') {
    visible = false;
  } else if (d?.type === 'identify') {
    // What the page tells is taken whole or not at all (a console note
    // says why), never cut.
    if (typeof d.name === 'string') {
      const name = d.name.trim();
      if (!nameFits(name)) console.warn(`deskchat: identify() name is over ${MAX_NAME} characters; ignored`);
      else if (!oneLine(name)) console.warn('deskchat: identify() name has a line break or control character; ignored');
      else store.set('name', name);
    }
    if (typeof d.email === 'string' && emailOk(d.email)) store.set('email', d.email);
    store.set('introduced', '1');
    render();
    if (token) api('PATCH', '/v1/widget/me', { name: store.get('name') ?? '', email: store.get('email') ?? '' }).catch(() => undefined);
  }
});

// ---- start -------------------------------------------------------------------
(async () => {
  if (window.parent === window) visible = true; // opened on its own
  try {
    const c = await api<Config>('GET', '/v1/widget/config');
    title.textContent = textsOf(c).title;
    title.dataset.greeting = textsOf(c).greeting;
    renderConfig(c);
  } catch {
    title.textContent = t('widget.chat');
  }
  render();
  renderTray();
  if (token) {
    try {
      await api('GET', '/v1/me');
    } catch (err) {
      if (signInAgain(err)) resetCustomer((err as ApiError).code === E_CUSTOMER_ERASED);
    }
  }
  if (token) {
    await loadHistory().catch(() => undefined);
    connect();
  }
  flush();
  toParent({ type: 'ready' });
})();
