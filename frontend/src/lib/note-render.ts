// System notes (closed, reopened, linked, assigned…) are stored as a code
// and its parameters (chat.SystemParams) and written here in the reader's
// language — the rule of locales.Note on the Go side, shared by the agent
// app and the customer widget (which passes its own catalog's t).
import type { Message } from './protocol.gen';
import { plain, type Plain } from './text';

/** Translate is a catalog lookup: t(key, args) with string args isolated. */
export type Translate = (key: string, args?: Record<string, string | number | Plain>) => string;

const ASSIGN_KEYS = new Set(['assigned', 'took', 'unassigned', 'unassigned_from']);

/** renderNote is a system note's sentence in lang: the offline
 * auto-reply as the admin wrote it in lang, every other note from its
 * parameters and the catalogs' "notes" section; a note without
 * parameters (older) or with a key the catalogs lack is its stored
 * text. `has` says whether the catalog knows a key. */
export function renderNote(m: Message, lang: string, t: Translate, has: (key: string) => boolean): string {
  const p = m.system_params;
  if (!p?.key) return m.text;
  if (p.key === 'offline_reply') return p.texts?.[lang] || m.text;
  const key = `notes.${p.key}`;
  if (!has(key)) return m.text;
  // A name is isolated (t does it); the catalog's word for someone
  // unnamed is product text, written as it is (as locales.NoteArgs).
  let actor: string | Plain = p.actor ?? '';
  if (!actor) {
    if (p.actor_kind === 'customer') actor = plain(t('notes.the_customer'));
    else if (p.actor_kind === 'system' && ASSIGN_KEYS.has(p.key)) actor = plain(t('notes.auto_assignment'));
    else actor = plain(t('notes.someone'));
  }
  let assignee: string | Plain = p.assignee ?? '';
  if (!assignee) {
    if (p.key.startsWith('released_')) assignee = plain(t('notes.the_assignee'));
    else if (p.key === 'unassigned_from') assignee = plain(t('notes.the_assignee_object'));
    else assignee = plain(t('notes.someone_object'));
  }
  return t(key, { actor, assignee, number: p.item_number ?? 0 });
}
