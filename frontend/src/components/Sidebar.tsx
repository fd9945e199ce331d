// The sidebar: sections with Open/Closed and unread badges, actions, and a
// footer with the helpdesk switch, the connection state and my presence.
import { assignee, badge, section, show, status } from '../stores/inbox';
import { connection, isSupport, me, sync } from '../stores/session';
import { openSearch } from '../stores/search';
import { screen, setCompact } from '../stores/window';
import type { AssigneeFilter, Section, Status } from '../lib/types';
import { HelpdeskSwitch } from './HelpdeskSwitch';

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
        show(s, st, a);
      }}
    >
      <span>{label}</span>
      {n > 0 && <span class={`badge${a ? ' count' : ''}`} aria-label={a ? `${n} open` : `${n} unread`}>{n}</span>}
    </button>
  );
}

export function Sidebar() {
  const conn = connection.value;
  const progress = sync.value.phase === 'syncing' ? sync.value.progress : null;
  return (
    <nav class="sidebar" aria-label="Sections">
      <div class="brand">deskchat</div>
      <button class="search-button" onClick={openSearch} title="Search (Ctrl+K)">
        Search… <kbd>Ctrl K</kbd>
      </button>
      {isSupport.value && (
        <section class="nav-section" aria-label="From Customers">
          <h2>From Customers</h2>
          <Entry s="customers" st="open" label="Open" />
          <Entry s="customers" st="closed" label="Closed" />
          <Entry s="customers" st="open" a="none" label="Unassigned" />
          <Entry s="customers" st="open" a="me" label="Assigned to me" />
        </section>
      )}
      <section class="nav-section" aria-label="My Conversations">
        <h2>My Conversations</h2>
        <Entry s="mine" st="open" label="Open" />
        <Entry s="mine" st="closed" label="Closed" />
      </section>
      <div class="nav-actions">
        <button onClick={() => (screen.value = 'team-new')} class={screen.value === 'team-new' ? 'active' : ''}>
          New team conversation
        </button>
        <button onClick={() => (screen.value = 'settings')} class={screen.value === 'settings' ? 'active' : ''}>
          Settings
        </button>
        <button onClick={() => setCompact(true)} title="A small window with the switch and the latest conversations">
          Compact window
        </button>
      </div>
      <footer class="sidebar-footer">
        <HelpdeskSwitch />
        <div class={`conn conn-${conn.tone}`} role="status" aria-label="Connection">
          <span class="dot" />
          {conn.label}
          {progress !== null && <progress max={1} value={progress} />}
        </div>
        <div class="presence">
          <span class={`dot ${conn.tone === 'ok' ? 'online' : 'away'}`} />
          {me.value?.name} · {conn.tone === 'ok' ? 'online' : 'offline'}
        </div>
      </footer>
    </nav>
  );
}
