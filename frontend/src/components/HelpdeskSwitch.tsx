// The helpdesk online/offline switch (sidebar footer and compact window).
import { helpdeskError, setOnline, settings } from '../stores/helpdesk';

export function HelpdeskSwitch() {
  const s = settings.value;
  const online = !!s?.online;
  return (
    <div class="helpdesk-switch">
      <label title={online ? s?.online_message : s?.offline_message}>
        <input
          type="checkbox"
          role="switch"
          aria-label="Helpdesk online"
          checked={online}
          disabled={!s}
          onChange={(e) => setOnline((e.currentTarget as HTMLInputElement).checked)}
        />
        <span class="switch-label">Helpdesk {s ? (online ? 'online' : 'offline') : '…'}</span>
      </label>
      {helpdeskError.value && <div class="error" role="alert">{helpdeskError.value}</div>}
    </div>
  );
}
