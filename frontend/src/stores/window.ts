// Window store: the full window or the compact tray-style one, and the
// screen shown in the main area.
import { signal } from '@preact/signals';
import { api, on } from '../lib/bridge';
import { closeView, open } from './conversation';

export const mode = signal<'full' | 'compact'>('full');
export const screen = signal<'inbox' | 'settings' | 'team-new'>('inbox');

/** The narrow window of style.css (the list and a conversation in turn,
 * the sidebar a drawer). */
export const NARROW = '(max-width: 760px)';

/** The medium window of style.css, where an open side panel takes the
 * list's place. */
export const MEDIUM = '(max-width: 1279px)';

/** In a narrow window the sidebar is a drawer: whether it is out. */
export const navOpen = signal(false);

export async function setCompact(on: boolean) {
  mode.value = on ? 'compact' : 'full';
  await api()?.DesktopService.SetCompact(on);
}

/** The conversation whose composer the compact window shows (a notification's Reply), or null. */
export const composeFor = signal<number | null>(null);

/** From the compact window: the full window at a conversation. */
export async function openFull(conversationId: number) {
  screen.value = 'inbox';
  await setCompact(false);
  await open(conversationId);
}

export function watchWindow(): () => void {
  const offs = [
    on('window:mode', (m: 'full' | 'compact') => (mode.value = m)),
    on('window:open', (id: number) => {
      screen.value = 'inbox';
      composeFor.value = null;
      if (id > 0) open(id);
      else closeView(); // a summary's click: the list
    }),
    // A notification's Reply where the notification takes no typed
    // answer: the compact window, its composer at that conversation.
    on('window:compose', (id: number) => {
      composeFor.value = id;
      open(id);
    }),
  ];
  return () => offs.forEach((f) => f());
}
