// The helpdesk online/offline switch (sidebar footer and compact window).
import { helpdeskError, setOnline, settings } from '../stores/helpdesk';
import { sync } from '../stores/session';

export function HelpdeskSwitch() {
  const s = settings.value;
  const online = !!s?.online;
  // Disconnected, the state shown is the last one synced, and it cannot
  // be changed until the connection returns.
  const lastKnown = sync.value.phase !== 'connected';
  return (
    <div class="helpdesk-switch">
      <label title={online ? s?.online_message : s?.offline_message}>
        <input
          type="checkbox"
          role="switch"
          aria-label="Helpdesk online"
          checked={online}
          disabled={!s || lastKnown}
          onChange={(e) => setOnline((e.currentTarget as HTMLInputElement).checked)}
        />
        <span class="switch-label">Helpdesk {s ? (online ? 'online' : 'offline') : '…'}{s && lastKnown ? ' (last known)' : ''}</span>
      </label>
      {helpdeskError.value && <div class="error" role="alert">{helpdeskError.value}</div>}
    </div>
  );
}
