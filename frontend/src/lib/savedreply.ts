// Saved replies and @mentions in the composer: the "/" picker's matching,
// placeholder filling, and the "@" autocomplete's word under the caret.
// The placeholder names are the server's (chat.Placeholders), which
// refuses any other.
import { PLACEHOLDERS } from './protocol.gen';
import type { SavedReply } from './types';

export type PlaceholderValues = Partial<Record<(typeof PLACEHOLDERS)[number], string>>;

/**
 * fillPlaceholders replaces {{name}} and {{name | fallback}} with the
 * value, or the fallback when the value is empty or missing; an unknown
 * name (the server refuses those) stays as written. Values are inserted as
 * text: the composer's textarea never reads markup.
 */
export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  return text.replace(/\{\{\s*([^{}|]*?)\s*(?:\|([^{}]*))?\}\}/g, (whole, name: string, fallback?: string) => {
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) return whole;
    const v = (values as Record<string, string | undefined>)[name]?.trim();
    return v ? v : (fallback ?? '').trim();
  });
}

/** slashQuery: the composer text is "/word" (a saved reply being picked): word; else null. */
export function slashQuery(text: string): string | null {
  const m = /^\/([^\s/]*)$/.exec(text);
  return m ? m[1].toLowerCase() : null;
}

/** matchReplies: shortcut prefix matches first, then shortcut or title containing the query; personal ones before the team's on a tie. */
export function matchReplies(list: SavedReply[], q: string, limit = 8): SavedReply[] {
  const query = q.toLowerCase();
  const score = (r: SavedReply) => {
    if (r.shortcut.startsWith(query)) return 0;
    if (r.shortcut.includes(query)) return 1;
    if (r.title.toLowerCase().includes(query)) return 2;
    return -1;
  };
  return list
    .map((r) => ({ r, s: score(r) }))
    .filter((x) => x.s >= 0)
    .sort((a, b) => a.s - b.s || a.r.shortcut.localeCompare(b.r.shortcut) || (b.r.owner_id ?? 0) - (a.r.owner_id ?? 0))
    .slice(0, limit)
    .map((x) => x.r);
}

/**
 * mentionQuery: the "@word" that ends at the caret (at the start or after
 * white space), as {start, query}; null when the caret is not in one.
 */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const m = /(^|\s)@([^\s@]{0,40})$/.exec(before);
  if (!m) return null;
  return { start: before.length - m[2].length - 1, query: m[2].toLowerCase() };
}

/** insertMention replaces the "@query" at start with "@Name " and returns the text and the caret after it. */
export function insertMention(text: string, start: number, caret: number, name: string): { text: string; caret: number } {
  const ins = `@${name} `;
  return { text: text.slice(0, start) + ins + text.slice(caret), caret: start + ins.length };
}

/** mentionedIds: the picked people whose "@Name" is still in the text (one deleted by hand is not mentioned). */
export function mentionedIds(text: string, picked: { id: number; name: string }[]): number[] {
  const ids = picked.filter((p) => text.includes(`@${p.name}`)).map((p) => p.id);
  return [...new Set(ids)].sort((a, b) => a - b);
}
