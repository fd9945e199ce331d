// Session store: who is signed in where, the sync state and the window
// preferences.
import { computed, signal } from '@preact/signals';
import { api, attempt, errorText, on } from '../lib/bridge';
import type { Prefs, SessionStatus, SyncState } from '../lib/types';
import { t } from '../lib/i18n';

export const session = signal<SessionStatus | null>(null);
export const sync = signal<SyncState>({ phase: 'connecting', progress: 0 });
export const prefs = signal<Prefs | null>(null);
export const sessionError = signal('');
export const busy = signal(false);

export const me = computed(() => session.value?.user ?? null);
export const isSupport = computed(() => !!me.value?.support);
export const isAdmin = computed(() => !!me.value?.admin);

/** What the sidebar says about the connection (in the app's language); elapsed is how long ago (ms)
 * the state arrived, so the reconnect countdown counts. */
export function describeSync(s: SyncState, elapsed = 0): { label: string; tone: 'ok' | 'busy' | 'bad' } {
  switch (s.phase) {
    case 'connected':
      return { label: t('app.connected'), tone: 'ok' };
    case 'syncing':
      return { label: t('app.syncing', { percent: Math.round((s.progress || 0) * 100) }), tone: 'busy' };
    case 'reconnecting': {
      const secs = s.retry_in ? Math.ceil((s.retry_in / 1e6 - elapsed) / 1000) : 0;
      return { label: secs > 0 ? t('app.reconnecting_in', { seconds: secs }) : t('app.reconnecting'), tone: 'bad' };
    }
    case 'signed_out':
      return { label: t('app.signed_out'), tone: 'bad' };
    default:
      return { label: t('app.connecting'), tone: 'busy' };
  }
}

// When the state arrived, and a clock that ticks each second while a
// reconnect counts down.
const syncAt = signal(Date.now());
const tick = signal(Date.now());
let ticking: ReturnType<typeof setInterval> | undefined;
function setSync(s: SyncState) {
  sync.value = s;
  syncAt.value = tick.value = Date.now();
  clearInterval(ticking);
  ticking = undefined;
  if (s.phase !== 'reconnecting' || !s.retry_in) return;
  const until = Date.now() + s.retry_in / 1e6;
  ticking = setInterval(() => {
    tick.value = Date.now();
    if (tick.value >= until) {
      clearInterval(ticking); // counted down: "Reconnecting…" until the next state
      ticking = undefined;
    }
  }, 1000);
}

export const connection = computed(() => describeSync(sync.value, tick.value - syncAt.value));

export async function loadSession() {
  const b = api();
  if (!b) return;
  const s = await b.SessionService.Status();
  session.value = s;
  if (s.sync?.phase) setSync(s.sync);
  prefs.value = await b.DesktopService.Prefs();
}

export function watchSession(): () => void {
  const offs = [
    on('prefs:changed', (p: Prefs) => (prefs.value = p)),
    on('session:changed', (s: SessionStatus) => {
      session.value = s;
      if (s.sync?.phase) setSync(s.sync);
    }),
    on('sync:state', (s: SyncState) => setSync(s)),
  ];
  return () => {
    offs.forEach((f) => f());
    clearInterval(ticking);
  };
}

/** Signs in or out: busy meanwhile, the session reloaded after. */
async function changeSession(fn: () => Promise<SessionStatus | void>) {
  busy.value = true;
  await attempt(sessionError, async () => {
    const s = await fn();
    if (s) session.value = s;
    await loadSession();
  });
  busy.value = false;
}

export const signIn = (server_url: string, email: string, password: string) =>
  changeSession(() => api()!.SessionService.SignIn({ server_url, email, password }));
/** Signs out (the token is revoked); forget also removes this server's local history. */
export const signOut = (forget = false) => changeSession(() => api()!.SessionService.SignOut({ forget }));
export const useLocalHelpdesk = () => changeSession(() => api()!.SessionService.StartLocalHelpdesk());

/** Pauses notifications for an hour or until tomorrow morning, or resumes them ('off'). */
export async function pauseNotifications(length: 'hour' | 'tomorrow' | 'off') {
  try {
    prefs.value = await api()!.DesktopService.PauseNotifications(length);
  } catch (err) {
    sessionError.value = errorText(err);
  }
}

export async function savePrefs(p: Prefs) {
  const before = prefs.value;
  prefs.value = p;
  try {
    await api()?.DesktopService.SetPrefs(p);
  } catch (err) {
    prefs.value = before;
    sessionError.value = errorText(err);
  }
}
