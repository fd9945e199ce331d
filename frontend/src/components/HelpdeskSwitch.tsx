// The helpdesk online/offline switch (sidebar footer and compact window).
import { adminText, helpdeskError, setOnline, settings } from '../stores/helpdesk';
import { sync } from '../stores/session';
import { lang, t } from '../lib/i18n';

export function HelpdeskSwitch() {
  const s = settings.value;
  const online = !!s?.online;
  // Disconnected, the state shown is the last one synced, and it cannot
  // be changed until the connection returns.
  const lastKnown = sync.value.phase !== 'connected';
  return (
    <div class="helpdesk-switch">
      <label title={s ? adminText(s, online ? 'online_message' : 'offline_message', lang.value) : undefined}>
        <input
          type="checkbox"
          role="switch"
          aria-label={t('helpdesk.online')}
          checked={online}
          disabled={!s || lastKnown}
          onChange={(e) => setOnline((e.currentTarget as HTMLInputElement).checked)}
        />
        <span class="switch-label">{!s ? t('helpdesk.unknown') : lastKnown ? t(online ? 'helpdesk.online_last_known' : 'helpdesk.offline_last_known')
          : t(online ? 'helpdesk.online' : 'helpdesk.offline')}</span>
      </label>
      {helpdeskError.value && <div class="error" role="alert">{helpdeskError.value}</div>}
    </div>
  );
}
