// Helpdesk store: the online/offline switch, the admin options and the
// team (members, presence, admin flags).
import { signal } from '@preact/signals';
import { api, attempt, on } from '../lib/bridge';
import type { Settings, User, SettingsUpdate } from '../lib/types';
import { FALLBACK, t, tIn } from '../lib/i18n';

export const settings = signal<Settings | null>(null);
export const team = signal<User[]>([]);
export const snippet = signal('');
export const helpdeskError = signal('');
export const saved = signal('');

export const loadSettings = () =>
  attempt(helpdeskError, async () => {
    settings.value = await api()!.HelpdeskService.Settings();
    snippet.value = await api()!.HelpdeskService.WidgetSnippet();
  });

export const loadTeam = () => attempt(helpdeskError, async () => (team.value = (await api()!.PeopleService.ListUsers()) ?? []));

export const setOnline = (online: boolean) =>
  attempt(helpdeskError, async () => (settings.value = await api()!.HelpdeskService.SetOnline(online)));

export const saveSettings = (upd: SettingsUpdate) =>
  attempt(helpdeskError, async () => {
    settings.value = await api()!.HelpdeskService.UpdateSettings(upd);
    saved.value = t('common.saved');
    setTimeout(() => (saved.value = ''), 2000);
  });

export const addMember = (p: { email: string; name: string; password: string; admin: boolean; support: boolean }) =>
  attempt(helpdeskError, async () => {
    await api()!.HelpdeskService.CreateUser(p);
    await loadTeam();
  });

export const updateMember = (p: { id: number; admin?: boolean; support?: boolean; active?: boolean }) =>
  attempt(helpdeskError, async () => {
    const u = await api()!.HelpdeskService.UpdateUser(p);
    team.value = team.value.map((x) => (x.id === u.id ? { ...u, online: x.online } : x));
  });

/** Allowed origins as the admin types them: one per line, blanks dropped. */
export function parseOrigins(text: string): string[] {
  return text.split(/[\n,\s]+/).map((s) => s.trim()).filter(Boolean);
}

export function watchHelpdesk(): () => void {
  // Every change and every (re)connection brings the settings: an error
  // from while the server was away no longer stands.
  return on('helpdesk:changed', (s: Settings) => {
    settings.value = s;
    helpdeskError.value = '';
  });
}

type AdminText = 'online_message' | 'offline_message' | 'greeting' | 'widget_title';

/** adminText is an admin text as readers of lang see it (chat.TextsFor,
 * the server's rule): the admin's translation; else, for a text left at
 * the product's default, that default in lang (the catalogs' "defaults");
 * else the default text. */
export function adminText(s: Settings, key: AdminText, lang: string): string {
  const own = s.translations?.[lang]?.[key];
  if (own) return own;
  return s[key] === tIn(FALLBACK, `defaults.${key}`) ? tIn(lang, `defaults.${key}`) : s[key];
}
