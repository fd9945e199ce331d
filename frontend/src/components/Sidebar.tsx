// The sidebar: sections with Open/Closed and unread badges, actions, and a
// footer with the helpdesk switch, the connection state and my presence.
import { assignee, badge, section, show, status } from '../stores/inbox';
import { connection, isSupport, me, sync } from '../stores/session';
import { openSearch } from '../stores/search';
import { MEDIUM, NARROW, navOpen, screen, setCompact } from '../stores/window';
import { showPanel } from '../stores/panel';
import { closeView } from '../stores/conversation';
import type { AssigneeFilter, Section, Status } from '../lib/types';
import { HelpdeskSwitch } from './HelpdeskSwitch';
import { t } from '../lib/i18n';

function Entry({ s, st, label, a = '' }: { s: Section; st: Status; label: string; a?: AssigneeFilter | '' }) {
  const n = badge(s, st, a);
  const active = screen.value === 'inbox' && section.value === s && status.value === st && assignee.value === a;
  return (
    <button
      class={`nav-entry${active ? ' active' : ''}`}
      data-section={s}
      data-status={st}
      data-assignee={a || undefined}
      aria-current={active ? 'page' : undefined}
      onClick={() => {
        screen.value = 'inbox';
        // A narrow window shows the list or a conversation: a section
        // chosen in the drawer shows its list.
        if (matchMedia(NARROW).matches) closeView();
        // Below 1280 px an open side panel takes the list's place: a
        // section chosen shows its list.
        if (matchMedia(MEDIUM).matches) showPanel(null);
        show(s, st, a);
      }}
    >
      <span>{label}</span>
      {n > 0 && <span class={`badge${a ? ' count' : ''}`} aria-label={a ? t('sidebar.open_count', { count: n }) : t('common.unread_count', { count: n })}>{n}</span>}
    </button>
  );
}

export function Sidebar() {
  const conn = connection.value;
  const progress = sync.value.phase === 'syncing' ? sync.value.progress : null;
  return (
    <nav class="sidebar" aria-label={t('sidebar.sections')} onClick={(e) => (e.target as Element).closest('button') && (navOpen.value = false)}>
      <div class="brand">deskchat</div>
      <button class="search-button" onClick={openSearch} title={t('sidebar.search_title')}>
        {t('sidebar.search')} <kbd>{t('shortcuts.ctrl')} K</kbd>
      </button>
      {isSupport.value && (
        <section class="nav-section" aria-label={t('sidebar.from_customers')}>
          <h2>{t('sidebar.from_customers')}</h2>
          <Entry s="customers" st="open" label={t('common.state_open')} />
          <Entry s="customers" st="closed" label={t('common.state_closed')} />
          <Entry s="customers" st="open" a="none" label={t('sidebar.unassigned')} />
          <Entry s="customers" st="open" a="me" label={t('sidebar.assigned_to_me')} />
        </section>
      )}
      <section class="nav-section" aria-label={t('sidebar.my_conversations')}>
        <h2>{t('sidebar.my_conversations')}</h2>
        <Entry s="mine" st="open" label={t('common.state_open')} />
        <Entry s="mine" st="closed" label={t('common.state_closed')} />
      </section>
      <div class="nav-actions">
        <button onClick={() => (screen.value = 'team-new')} class={screen.value === 'team-new' ? 'active' : ''}>
          {t('team.title')}
        </button>
        <button onClick={() => (screen.value = 'settings')} class={screen.value === 'settings' ? 'active' : ''}>
          {t('sidebar.settings')}
        </button>
        <button onClick={() => setCompact(true)} title={t('sidebar.compact_title')}>
          {t('sidebar.compact')}
        </button>
      </div>
      <footer class="sidebar-footer">
        <HelpdeskSwitch />
        <div class={`conn conn-${conn.tone}`} role="status" aria-label={t('sidebar.connection')}>
          <span class="dot" />
          {conn.label}
          {progress !== null && <progress max={1} value={progress} />}
        </div>
        <div class="presence">
          <span class={`dot ${conn.tone === 'ok' ? 'online' : 'away'}`} />
          {me.value?.name} · {conn.tone === 'ok' ? t('sidebar.online') : t('sidebar.offline')}
        </div>
      </footer>
    </nav>
  );
}
