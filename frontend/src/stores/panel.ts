// Panel store: the side panel (item, customer or teammate details) and the
// item dialogs (create from a conversation, link to an existing item).
import { signal } from '@preact/signals';
import { api, attempt, errorText, on } from '../lib/bridge';
import { refresh } from './conversation';
import type { CustomerDetails, Item, ItemRef, NewItem, User, ItemStatus, Priority } from '../lib/types';

export type Panel =
  | { kind: 'item'; number: number }
  | { kind: 'customer'; id: number }
  | { kind: 'user'; id: number };

export const panel = signal<Panel | null>(null);
export const item = signal<Item | null>(null);
export const customer = signal<CustomerDetails | null>(null);
export const user = signal<User | null>(null);
export const panelError = signal('');

let panelSeq = 0;

export async function showPanel(p: Panel | null) {
  panel.value = p;
  panelError.value = '';
  item.value = null;
  customer.value = null;
  user.value = null;
  if (p) await loadPanel();
}

export async function loadPanel() {
  const p = panel.value;
  const b = api();
  if (!p || !b) return;
  const mine = ++panelSeq; // a slower earlier load must not win
  try {
    if (p.kind === 'item') {
      const it = await b.ItemService.FindItemByNumber(p.number);
      if (mine === panelSeq) item.value = it;
    }
    if (p.kind === 'customer') {
      const c = await b.PeopleService.FindCustomerDetails(p.id);
      if (mine === panelSeq) customer.value = c;
    }
    if (p.kind === 'user') {
      const u = await b.PeopleService.FindUserByID(p.id);
      if (mine === panelSeq) user.value = u;
    }
  } catch (err) {
    if (mine === panelSeq) panelError.value = errorText(err);
  }
}

/** Erases the customer in the panel (admins), then shows what is left of
 * them; false (with the error shown) when refused. */
export const eraseCustomer = (id: number): Promise<boolean> =>
  attempt(panelError, async () => {
    await api()!.PeopleService.EraseCustomer(id);
    await loadPanel();
  });

/** Applies an item change; false (with the error shown) when refused. */
const itemChange = (fn: () => Promise<Item>): Promise<boolean> =>
  attempt(panelError, async () => (item.value = await fn()));

export const updateItem = (number: number, upd: { title?: string; description?: string; status?: ItemStatus; priority?: Priority }) =>
  itemChange(() => api()!.ItemService.UpdateItem({ number, ...upd }));
export const setRole = (number: number, user_id: number, role: 'assignee' | 'follower', on: boolean) =>
  itemChange(() => api()!.ItemService.SetItemRole({ number, user_id, role, on }));

// The create-item dialog: the server's proposal, edited, then created.
export const draft = signal<NewItem | null>(null);
export const dialogError = signal('');
export const dialog = signal<'create' | 'link' | null>(null);

export async function startItem(conversationId: number, type: 'ticket' | 'task') {
  dialogError.value = '';
  dialog.value = 'create';
  draft.value = null;
  await attempt(dialogError, async () => (draft.value = await api()!.ItemService.ProposeItem({ conversation_id: conversationId, type })));
}

/** Creates the item; offline it waits in the outbox (no answer yet: the
 * conversation shows it as pending). */
export async function createItem(ni: NewItem): Promise<Item | null> {
  let it: Item | null = null;
  const ok = await attempt(dialogError, async () => {
    it = await api()!.ItemService.CreateItem(ni);
    dialog.value = null;
    draft.value = null;
    if (it) await showPanel({ kind: 'item', number: it.number });
    else await refresh();
  });
  return ok ? it : null;
}

// The link dialog: find items by number or words.
export const found = signal<ItemRef[]>([]);
let findSeq = 0;
export async function findItems(q: string) {
  const mine = ++findSeq;
  if (!q.trim()) {
    found.value = [];
    return;
  }
  try {
    const r = (await api()!.ItemService.FindItems(q)) ?? [];
    if (mine === findSeq) found.value = r;
  } catch (err) {
    if (mine === findSeq) dialogError.value = errorText(err);
  }
}

export async function link(conversationId: number, number: number) {
  const ok = await attempt(dialogError, async () => {
    await api()!.ItemService.LinkConversation({ conversation_id: conversationId, number });
    dialog.value = null;
    found.value = [];
  });
  if (!ok && !dialog.value) panelError.value = dialogError.value; // unlink from the menu: no dialog open
}

export function startLink() {
  dialogError.value = '';
  found.value = [];
  dialog.value = 'link';
}

/** Keeps an open customer panel current: a change synced to this desktop
 * (an erasure by another admin, a new name) shows at once. A burst of
 * changes costs one reload. */
export function watchPanel(): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const off = on('inbox:changed', () => {
    if (panel.value?.kind !== 'customer') return;
    timer ??= setTimeout(() => {
      timer = undefined;
      loadPanel();
    }, 200);
  });
  return () => {
    off();
    clearTimeout(timer);
  };
}
