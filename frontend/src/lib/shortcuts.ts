// Keyboard shortcuts for triage: the one list the app's key handler and
// its help sheet (opened with ?) both read.

export type ShortcutAction = 'next' | 'previous' | 'reply' | 'close' | 'search' | 'help';

export interface Shortcut {
  action: ShortcutAction;
  keys: string[]; // as the help sheet shows them (Ctrl in the app's language)
  label: string; // a catalog key (locales/): the help sheet says t(label)
}

export const SHORTCUTS: Shortcut[] = [
  { action: 'next', keys: ['j', 'Alt+↓'], label: 'shortcuts.next' },
  { action: 'previous', keys: ['k', 'Alt+↑'], label: 'shortcuts.previous' },
  { action: 'reply', keys: ['r'], label: 'shortcuts.reply' },
  { action: 'close', keys: ['Alt+C'], label: 'shortcuts.close' },
  { action: 'search', keys: ['Ctrl+K', '/'], label: 'shortcuts.search' },
  { action: 'help', keys: ['?'], label: 'shortcuts.help' },
];

/** Whether the key goes to a text field (single-key shortcuts then stay out of the way). */
export function typingIn(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' ||
    (el.tagName === 'INPUT' && !['checkbox', 'radio', 'button', 'submit'].includes((el as HTMLInputElement).type));
}

/** The shortcut a key press means, or null. Single keys only count outside text fields. */
export function shortcutFor(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>, typing: boolean): ShortcutAction | null {
  if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') return 'search';
  if (e.altKey && !e.ctrlKey && !e.metaKey) {
    if (e.key === 'ArrowDown') return 'next';
    if (e.key === 'ArrowUp') return 'previous';
    if (e.key.toLowerCase() === 'c') return 'close';
    return null;
  }
  if (typing || e.ctrlKey || e.metaKey || e.altKey) return null;
  switch (e.key) {
    case 'j':
      return 'next';
    case 'k':
      return 'previous';
    case 'r':
      return 'reply';
    case '/':
      return 'search';
    case '?':
      return 'help';
  }
  return null;
}

/** The conversation after (delta 1) or before (-1) current in a list; the first when none is open. */
export function step(ids: number[], current: number | undefined, delta: 1 | -1): number | undefined {
  if (ids.length === 0) return undefined;
  const i = current === undefined ? -1 : ids.indexOf(current);
  if (i < 0) return ids[0];
  return ids[Math.min(ids.length - 1, Math.max(0, i + delta))];
}
