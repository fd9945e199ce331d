// The compact tray-style window: the helpdesk switch, the unread count and
// the latest conversations; a click opens the full window there.
import { useEffect } from 'preact/hooks';
import { on } from '../lib/bridge';
import { latest, reloadLatest, unreadTotal } from '../stores/inbox';
import { connection, isSupport } from '../stores/session';
import { composeFor, openFull, setCompact } from '../stores/window';
import { current, messages } from '../stores/conversation';
import { Composer } from './Composer';
import { conversationTitle } from './ConversationList';
import { me } from '../stores/session';
import { ConversationRow } from './ConversationList';
import { HelpdeskSwitch } from './HelpdeskSwitch';
import { t } from '../lib/i18n';

export function Compact() {
  useEffect(() => {
    reloadLatest(isSupport.value);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = on('inbox:changed', () => {
      // A burst of events costs one reload.
      timer ??= setTimeout(() => {
        timer = undefined;
        reloadLatest(isSupport.value);
      }, 100);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, []);
  const n = unreadTotal.value;
  const cid = composeFor.value;
  const c = current.value;
  if (cid && c?.id === cid) {
    // A notification's Reply: the last messages and the composer, focused.
    const last = messages.value.filter((m) => !m.system && !m.deleted_at).slice(-3);
    return (
      <div class="compact quick-reply" aria-label={t('compact.quick_reply')}>
        <header class="compact-header">
          <button onClick={() => (composeFor.value = null)} aria-label={t('compact.back')}>←</button>
          <strong><bdi>{conversationTitle(c, me.value?.id)}</bdi></strong>
          <button onClick={() => openFull(c.id)} title={t('compact.full_window')}>⤢</button>
        </header>
        <ul class="quick-last">
          {last.map((m) => (
            <li key={m.id} class={m.internal ? 'internal' : ''}><span class="muted"><bdi>{m.author.name || t('common.customer')}</bdi>:</span> {m.text}</li>
          ))}
        </ul>
        <Composer key={c.id} autoFocus />
      </div>
    );
  }
  return (
    <div class="compact">
      <header class="compact-header">
        <strong>deskchat</strong>
        <span class="unread-total" aria-label={t('compact.unread_conversations')}>{n > 0 ? t('common.unread_count', { count: n }) : t('compact.all_read')}</span>
        <button class="full-window" onClick={() => setCompact(false)} title={t('compact.full_window')} aria-label={t('compact.full_window')}>⤢</button>
      </header>
      <HelpdeskSwitch />
      <div class={`conn conn-${connection.value.tone}`}><span class="dot" />{connection.value.label}</div>
      <ul class="compact-list" aria-label={t('compact.latest')}>
        {latest.value.map((c) => (
          <li key={c.id}><ConversationRow c={c} selected={false} onOpen={() => openFull(c.id)} /></li>
        ))}
      </ul>
    </div>
  );
}
