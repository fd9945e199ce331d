// The agent app: sign-in, or the messenger (sidebar, list, conversation,
// side panel, dialogs), or the compact window.
import { useEffect } from 'preact/hooks';
import { api } from '../lib/bridge';
import { closeConversation, closeView, current, open, reopenConversation, watchConversation } from '../stores/conversation';
import { loadSettings, settings, team, watchHelpdesk } from '../stores/helpdesk';
import { staged, viewing } from '../stores/files';
import { dialog, draft, panel, showPanel, watchPanel } from '../stores/panel';
import { list, show, watchInbox } from '../stores/inbox';
import { searchOpen, openSearch, closeSearch, query, results } from '../stores/search';
import { isSupport, loadSession, me, session, watchSession } from '../stores/session';
import { mode, navOpen, screen, watchWindow } from '../stores/window';
import { Compact } from './Compact';
import { ConversationList } from './ConversationList';
import { ConversationView } from './ConversationView';
import { ItemDialog } from './ItemDialog';
import { SearchPalette } from './SearchPalette';
import { SettingsPage } from './SettingsPage';
import { SidePanel } from './SidePanel';
import { SignIn } from './SignIn';
import { Sidebar } from './Sidebar';
import { TeamNew } from './TeamNew';
import { helpOpen, ShortcutHelp } from './Shortcuts';
import { shortcutFor, step, typingIn } from '../lib/shortcuts';
import { watchAppearance } from '../stores/appearance';
import { loadSavedReplies, loadTeammates, watchTeamwork } from '../stores/teamwork';
import { t } from '../lib/i18n';

/** Forgets every UI store's state of the session before. */
function resetSessionState() {
  closeSearch();
  query.value = '';
  results.value = [];
  showPanel(null);
  draft.value = null;
  dialog.value = null;
  settings.value = null;
  team.value = [];
  staged.value = [];
  viewing.value = null;
  closeView();
}

/** Shows the first section the user has, once signed in. */
async function enter() {
  closeView();
  screen.value = 'inbox';
  await show(isSupport.value ? 'customers' : 'mine', 'open');
  loadSettings();
  loadSavedReplies();
  loadTeammates();
  // Teammates see my local time: the system's zone, recorded when it changed.
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (tz && me.value && me.value.time_zone !== tz) api()?.PeopleService.SetTimeZone(tz).catch(() => undefined);
}

export function App() {
  useEffect(() => {
    const offs = [watchSession(), watchInbox(), watchConversation(), watchHelpdesk(), watchWindow(), watchPanel(), watchTeamwork(), watchAppearance()];
    loadSession();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && helpOpen.value) {
        helpOpen.value = false;
        return;
      }
      if (e.key === 'Escape' && navOpen.value) {
        navOpen.value = false;
        return;
      }
      const action = shortcutFor(e, typingIn(e.target));
      // Search works everywhere; the rest in the messenger's full window,
      // with no dialog or search over it.
      if (action === 'search' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        searchOpen.value ? closeSearch() : openSearch();
        return;
      }
      if (!action || !session.value?.signed_in || mode.value !== 'full' || searchOpen.value || dialog.value || helpOpen.value) return;
      e.preventDefault();
      const c = current.value;
      switch (action) {
        case 'search':
          openSearch();
          break;
        case 'help':
          helpOpen.value = true;
          break;
        case 'next':
        case 'previous': {
          const id = step(list.value.map((x) => x.id), c?.id, action === 'next' ? 1 : -1);
          if (id !== undefined) {
            screen.value = 'inbox';
            open(id);
          }
          break;
        }
        case 'reply':
          document.querySelector<HTMLTextAreaElement>('.composer textarea')?.focus();
          break;
        case 'close':
          if (c) (c.status === 'open' ? closeConversation() : reopenConversation());
          break;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      offs.forEach((f) => f());
      window.removeEventListener('keydown', onKey);
    };
  }, []);
  // A new sign-in (or a different user) starts at the first section, with
  // nothing of the session before: no search results, panel, draft,
  // staged file or settings of another server.
  const userKey = session.value?.signed_in ? `${session.value.server_url}|${session.value.user?.id}` : '';
  useEffect(() => {
    resetSessionState();
    if (userKey) enter();
  }, [userKey]);

  if (!api()) return <main class="signin"><h1>deskchat</h1><p>{t('app.connecting')}</p></main>;
  const s = session.value;
  if (!s) return <main class="signin"><h1>deskchat</h1><p>{t('app.starting')}</p></main>;
  if (!s.signed_in) return <SignIn />;
  if (mode.value === 'compact') return <Compact />;
  // Narrow windows (style.css, max-width 760px): a top bar opens the
  // sidebar as a drawer, and the list and the open conversation take the
  // window in turn.
  return (
    <div class={`app${current.value ? ' viewing' : ''}${navOpen.value ? ' nav-open' : ''}${panel.value ? ' panel-open' : ''}`}>
      <header class="topbar">
        <button class="nav-toggle" aria-label={t('app.menu')} aria-expanded={navOpen.value} onClick={() => (navOpen.value = !navOpen.value)}>☰</button>
        <span class="brand">deskchat</span>
      </header>
      {navOpen.value && <div class="nav-scrim" onClick={() => (navOpen.value = false)} />}
      <Sidebar />
      {screen.value === 'settings' ? (
        <SettingsPage />
      ) : screen.value === 'team-new' ? (
        <TeamNew />
      ) : (
        <div class="inbox">
          <ConversationList />
          <ConversationView />
        </div>
      )}
      <SidePanel />
      {searchOpen.value && <SearchPalette />}
      <ItemDialog />
      <ShortcutHelp />
    </div>
  );
}
