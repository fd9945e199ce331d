// Start a team conversation with one or more teammates.
import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../lib/bridge';
import { open } from '../stores/conversation';
import { loadTeam, team } from '../stores/helpdesk';
import { show } from '../stores/inbox';
import { me } from '../stores/session';
import { screen } from '../stores/window';
import { MAX_MESSAGE, visible } from '../lib/text';
import { Counter, fits } from './Counter';
import { t } from '../lib/i18n';

export function TeamNew() {
  const [picked, setPicked] = useState<number[]>([]);
  const [text, setText] = useState('');
  const [err, setErr] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    loadTeam();
  }, []);
  const mates = team.value.filter((u) => u.active && u.id !== me.value?.id);
  const toggle = (id: number) => setPicked(picked.includes(id) ? picked.filter((x) => x !== id) : [...picked, id]);
  const start = async (e: Event) => {
    e.preventDefault();
    if (busy) return; // one conversation per click
    setBusy(true);
    setErr('');
    try {
      const c = await api()!.PeopleService.CreateConversation({ participant_ids: picked, text });
      screen.value = 'inbox';
      await show('mine', 'open');
      await open(c.id);
    } catch (x) {
      setErr(errorText(x));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="page team-new" onSubmit={start} aria-label={t('team.title')}>
      <h1>{t('team.title')}</h1>
      {err && <div class="error" role="alert">{err}</div>}
      <fieldset>
        <legend>{t('team.with')}</legend>
        {mates.map((u) => (
          <label class="check" key={u.id}>
            <input type="checkbox" checked={picked.includes(u.id)} onChange={() => toggle(u.id)} />
            <span class={`dot ${u.online ? 'online' : 'away'}`} /> {u.name} <span class="muted">{u.email}</span>
          </label>
        ))}
      </fieldset>
      <label>
        {t('team.message')}
        <textarea rows={4} value={text} required onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} />
        <Counter text={text} limit={MAX_MESSAGE} />
      </label>
      <button type="submit" class="primary" disabled={busy || picked.length === 0 || !visible(text) || !fits(text, MAX_MESSAGE)}>{t('team.start')}</button>
    </form>
  );
}
