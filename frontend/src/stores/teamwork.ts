// Teamwork store: saved replies (for the composer's "/" picker and
// Settings), the teammates (for @mentions and assignment) and the assign
// action. Saved replies are read from the local store, so the picker works
// offline; changing them and assigning need the server.
import { signal } from '@preact/signals';
import { api, attempt, on } from '../lib/bridge';
import type { NewSavedReply, SavedReply, SavedReplyUpdate, User } from '../lib/types';
import { current, refresh } from './conversation';
import { reloadSoon } from './inbox';

export const savedReplies = signal<SavedReply[]>([]);
export const teammates = signal<User[]>([]);
export const teamworkError = signal('');

export async function loadSavedReplies() {
  const b = api();
  if (!b) return;
  try {
    savedReplies.value = (await b.SavedReplyService.ListSavedReplies()) ?? [];
  } catch {
    // Not signed in yet: the next change loads them.
  }
}

export async function loadTeammates() {
  const b = api();
  if (!b) return;
  try {
    teammates.value = (await b.PeopleService.ListUsers()) ?? [];
  } catch {
    // Kept as they were.
  }
}

/** Active support users: who may be assigned (chat.CanBeAssigned). */
export const assignable = () => teammates.value.filter((u) => u.active && u.support);

/** Assigns conversation id to user (0 unassigns). */
export const assign = (id: number, user: number) =>
  attempt(teamworkError, async () => {
    await api()!.InboxService.AssignConversation({ conversation_id: id, user_id: user });
    if (current.value?.id === id) await refresh().catch(() => undefined);
    reloadSoon(0);
  });

export const createSavedReply = (n: NewSavedReply) =>
  attempt(teamworkError, async () => {
    await api()!.SavedReplyService.CreateSavedReply(n);
    await loadSavedReplies();
  });

export const updateSavedReply = (id: number, upd: SavedReplyUpdate) =>
  attempt(teamworkError, async () => {
    await api()!.SavedReplyService.UpdateSavedReply({ id, ...upd });
    await loadSavedReplies();
  });

export const deleteSavedReply = (id: number) =>
  attempt(teamworkError, async () => {
    await api()!.SavedReplyService.DeleteSavedReply(id);
    await loadSavedReplies();
  });

export function watchTeamwork(): () => void {
  loadSavedReplies();
  loadTeammates();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const off = on('inbox:changed', () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      loadSavedReplies();
    }, 200);
  });
  return () => {
    off();
    if (timer) clearTimeout(timer);
  };
}
