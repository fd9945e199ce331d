// Settings: account (server or local helpdesk, sign-out), notifications and
// window behaviour; for admins the helpdesk options, the widget snippet and
// the team members.
import { useEffect, useState } from 'preact/hooks';
import type { Settings, SettingTexts } from '../lib/protocol.gen';
import { api, errorText } from '../lib/bridge';
import {
  addMember, adminText, helpdeskError, loadSettings, loadTeam, parseOrigins, saved, saveSettings, settings, snippet, team, updateMember,
} from '../stores/helpdesk';
import { busy, isAdmin, me, pauseNotifications, prefs, savePrefs, session, sessionError, signIn, signOut, useLocalHelpdesk } from '../stores/session';
import { copyText, tSlots } from './Message';
import { HelpdeskSwitch } from './HelpdeskSwitch';
import { MAX_NAME, MAX_SETTING } from '../lib/text';
import { Counter, fits } from './Counter';
import { SavedReplies } from './SavedReplies';
import { formatWeekdayTime, languageName, languages, t } from '../lib/i18n';
import { tWith } from '../lib/format';

/** Changes my password; my other desktops are signed out, this one stays. */
function PasswordForm() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [note, setNote] = useState('');
  return (
    <form
      class="inline-form"
      aria-label={t('settings.change_password')}
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          await api()!.SessionService.ChangePassword({ current, next });
          setCurrent('');
          setNext('');
          setNote(t('settings.password_changed'));
        } catch (err) {
          setNote(errorText(err));
        }
      }}
    >
      <h3>{t('settings.change_password')}</h3>
      <input aria-label={t('settings.current_password')} placeholder={t('settings.current_password')} type="password" autocomplete="current-password" value={current} onInput={(e) => setCurrent((e.currentTarget as HTMLInputElement).value)} required />
      <input aria-label={t('settings.new_password')} placeholder={t('settings.new_password')} type="password" autocomplete="new-password" minLength={8} value={next} onInput={(e) => setNext((e.currentTarget as HTMLInputElement).value)} required />
      <button type="submit">{t('settings.change_password')}</button>
      {note && <span class="muted" role="status">{note}</span>}
    </form>
  );
}

/** The local helpdesk's widget preview: a link that opens the system's
 * browser, and a Copy button. */
function PreviewLink({ url }: { url: string }) {
  const [note, setNote] = useState('');
  return (
    <p class="preview-link">
      {tWith('settings.widget_preview', 'url', (
        <a href={url} onClick={(e) => {
          e.preventDefault();
          api()?.DesktopService.OpenPreview().catch((err) => setNote(errorText(err)));
        }}><bdi>{url}</bdi></a>
      ))}{' '}
      <button type="button" onClick={() => copyText(url).then(() => setNote(t('settings.copied')), (err) => setNote(errorText(err)))}>{t('settings.copy_link')}</button>
      {note && <span class="muted" role="status"> {note}</span>}
    </p>
  );
}

function Account() {
  const s = session.value!;
  const [url, setUrl] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [leaving, setLeaving] = useState(false);
  const [forget, setForget] = useState(false);
  return (
    <section aria-label={t('settings.account')}>
      <h2>{t('settings.account')}</h2>
      <p>
        {tSlots(s.local ? 'settings.signed_in_local' : 'settings.signed_in_server',
          { name: <strong><bdi>{me.value?.name}</bdi></strong>, server: <code>{s.server_url}</code> }, { email: me.value?.email })}
      </p>
      {s.local && s.preview_url && <PreviewLink url={s.preview_url} />}
      {!leaving ? (
        <button onClick={() => setLeaving(true)} disabled={busy.value}>{t('settings.sign_out')}</button>
      ) : (
        <div class="confirm" role="alertdialog" aria-label={t('settings.sign_out')}>
          <label class="check">
            <input type="checkbox" checked={forget} onChange={(e) => setForget((e.currentTarget as HTMLInputElement).checked)} />
            {t('settings.forget_history')}
          </label>
          <button class="danger" onClick={() => (setLeaving(false), signOut(forget))} disabled={busy.value}>{t('settings.sign_out')}</button>
          <button onClick={() => setLeaving(false)}>{t('common.cancel')}</button>
        </div>
      )}
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          signIn(url, email, password);
        }}
      >
        <h3>{t('settings.use_another_server')}</h3>
        <input aria-label={t('settings.server_address')} placeholder="https://chat.example.com" value={url} onInput={(e) => setUrl((e.currentTarget as HTMLInputElement).value)} required />
        <input aria-label={t('settings.email')} type="email" placeholder={t('settings.email')} value={email} onInput={(e) => setEmail((e.currentTarget as HTMLInputElement).value)} required />
        <input aria-label={t('settings.password')} type="password" placeholder={t('settings.password')} value={password} onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)} required />
        <button type="submit" disabled={busy.value}>{t('settings.sign_in')}</button>
        {!s.local && <button type="button" onClick={useLocalHelpdesk} disabled={busy.value}>{t('settings.use_local')}</button>}
      </form>
      {sessionError.value && <div class="error" role="alert">{sessionError.value}</div>}
      <PasswordForm />
    </section>
  );
}

function Preferences() {
  const p = prefs.value;
  if (!p) return null;
  const toggle = (k: 'muted' | 'sound_off' | 'hide_on_close' | 'compact_on_top') => (e: Event) => {
    const checked = (e.currentTarget as HTMLInputElement).checked;
    savePrefs({ ...p, [k]: k === 'muted' || k === 'sound_off' ? !checked : checked });
  };
  const paused = p.paused_until ? new Date(p.paused_until) : null;
  return (
    <section aria-label={t('settings.desktop')}>
      <h2>{t('settings.desktop')}</h2>
      <div class="appearance">
        <label>
          {t('appearance.language')}
          <select value={p.language} onChange={(e) => savePrefs({ ...p, language: (e.currentTarget as HTMLSelectElement).value })}>
            <option value="">{t('appearance.language_system', { name: languageName(p.system_language) })}</option>
            {(p.languages ?? []).map((code) => <option key={code} value={code} lang={code}>{languageName(code)}</option>)}
          </select>
        </label>
        <label>
          {t('appearance.theme')}
          <select value={p.theme} onChange={(e) => savePrefs({ ...p, theme: (e.currentTarget as HTMLSelectElement).value })}>
            <option value="">{t('appearance.theme_system')}</option>
            <option value="light">{t('appearance.theme_light')}</option>
            <option value="dark">{t('appearance.theme_dark')}</option>
          </select>
        </label>
      </div>
      <label class="check"><input type="checkbox" checked={!p.muted} onChange={toggle('muted')} /> {t('settings.notifications')}</label>
      <label class="check"><input type="checkbox" checked={!p.sound_off} disabled={p.muted} onChange={toggle('sound_off')} /> {t('settings.play_sound')}</label>
      <div class="pause" role="group" aria-label={t('settings.pause')}>
        {paused ? (
          <>
            <span>{t('settings.paused_until', { time: formatWeekdayTime(paused) })}</span>
            <button onClick={() => pauseNotifications('off')}>{t('settings.resume')}</button>
          </>
        ) : (
          <>
            <span>{t('settings.pause_label')}</span>
            <button onClick={() => pauseNotifications('hour')}>{t('settings.for_hour')}</button>
            <button onClick={() => pauseNotifications('tomorrow')}>{t('settings.until_tomorrow')}</button>
          </>
        )}
      </div>
      <label class="check">
        <input type="checkbox" checked={p.hide_on_close} disabled={!p.tray} onChange={toggle('hide_on_close')} /> {t('settings.hide_on_close')}
        {!p.tray && <span class="muted"> {t('settings.no_tray')}</span>}
      </label>
      <label class="check"><input type="checkbox" checked={p.compact_on_top} onChange={toggle('compact_on_top')} /> {t('settings.compact_on_top')}</label>
    </section>
  );
}

type OptionFields = {
  online_message: string; offline_message: string; greeting: string; widget_title: string; origins: string; offline_auto_reply: boolean;
  auto_assign: boolean; assign_capacity: string; unassign_offline_after: string; waiting_reminder: string;
  max_file_mb: string; keep_image_location: boolean;
};
const MB = 1 << 20;

function Options({ s }: { s: Settings }) {
  // Only the admin's edits are state; everything else shows the settings as
  // they are now, so a late load or another admin's change never reverts
  // what is being typed, and a save shows the saved values.
  const [edits, setEdits] = useState<Partial<OptionFields>>({});
  const f: OptionFields = {
    online_message: s.online_message, offline_message: s.offline_message, greeting: s.greeting, widget_title: s.widget_title,
    origins: (s.allowed_origins ?? []).join('\n'), offline_auto_reply: s.offline_auto_reply,
    auto_assign: s.auto_assign, assign_capacity: String(s.assign_capacity), unassign_offline_after: String(s.unassign_offline_after),
    waiting_reminder: String(s.waiting_reminder),
    max_file_mb: String(Math.round(((s.max_file_bytes || 10 * MB) / MB) * 100) / 100), keep_image_location: !!s.keep_image_location, ...edits,
  };
  // The four texts may be written per language (Settings.translations):
  // with a language chosen, the fields edit its translation and show the
  // default text as their placeholder (what its readers see when empty).
  const [textLang, setTextLang] = useState('');
  const [trEdits, setTrEdits] = useState<Record<string, SettingTexts>>({});
  const translations: Record<string, SettingTexts> = { ...(s.translations ?? {}) };
  for (const [l, e] of Object.entries(trEdits)) translations[l] = { ...translations[l], ...e };
  const textLangs = [...new Set([...languages, ...Object.keys(s.translations ?? {})])].sort();
  type TextKey = 'online_message' | 'offline_message' | 'greeting' | 'widget_title';
  const pick = (o: OptionFields) => ({ online_message: o.online_message, offline_message: o.offline_message, greeting: o.greeting, widget_title: o.widget_title });
  const textValue = (k: TextKey) => (textLang ? translations[textLang]?.[k] ?? '' : f[k]);
  const textInput = (k: TextKey) => (e: Event) => {
    const v = (e.currentTarget as HTMLInputElement).value;
    if (textLang) setTrEdits({ ...trEdits, [textLang]: { ...trEdits[textLang], [k]: v } });
    else setEdits({ ...edits, [k]: v });
  };
  // What a language's readers see while its field is empty: the default
  // text, or the product's own default in their language when the
  // default text is still the product's (chat.TextsFor).
  const textProps = (k: TextKey) => ({ value: textValue(k), onInput: textInput(k),
    placeholder: textLang ? adminText({ ...s, ...pick(f), translations: {} }, k, textLang) : undefined });
  const allTexts = [f.online_message, f.offline_message, f.greeting, f.widget_title,
    ...Object.values(translations).flatMap((x) => [x.online_message, x.offline_message, x.greeting, x.widget_title].map((v) => v ?? ''))];
  const text = (k: keyof OptionFields) => (e: Event) => setEdits({ ...edits, [k]: (e.currentTarget as HTMLInputElement).value });
  return (
    <form
      aria-label={t('settings.helpdesk_options')}
      onSubmit={(e) => {
        e.preventDefault();
        saveSettings({
          online_message: f.online_message, offline_message: f.offline_message, greeting: f.greeting, widget_title: f.widget_title,
          allowed_origins: parseOrigins(f.origins), offline_auto_reply: f.offline_auto_reply,
          auto_assign: f.auto_assign, assign_capacity: Number(f.assign_capacity), unassign_offline_after: Number(f.unassign_offline_after),
          waiting_reminder: Number(f.waiting_reminder),
          max_file_bytes: Math.round(Number(f.max_file_mb) * MB), keep_image_location: f.keep_image_location,
          translations,
        }).then((ok) => {
          if (ok) {
            setEdits({});
            setTrEdits({});
          }
        });
      }}
    >
      <label class="text-lang">
        {t('settings.texts_language')}
        <select value={textLang} onChange={(e) => setTextLang((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">{t('settings.texts_default')}</option>
          {textLangs.map((l) => <option key={l} value={l} lang={l}>{languageName(l)}</option>)}
        </select>
      </label>
      <label>{t('settings.online_message')}<textarea rows={2} {...textProps('online_message')} /><Counter text={textValue('online_message')} limit={MAX_SETTING} /></label>
      <label>{t('settings.offline_message')}<textarea rows={2} {...textProps('offline_message')} /><Counter text={textValue('offline_message')} limit={MAX_SETTING} /></label>
      <label class="check">
        <input type="checkbox" checked={f.offline_auto_reply} onChange={(e) => setEdits({ ...edits, offline_auto_reply: (e.currentTarget as HTMLInputElement).checked })} />
        {t('settings.offline_auto_reply')}
      </label>
      <label>{t('settings.widget_greeting')}<input {...textProps('greeting')} /><Counter text={textValue('greeting')} limit={MAX_SETTING} /></label>
      <label>{t('settings.widget_title')}<input {...textProps('widget_title')} /><Counter text={textValue('widget_title')} limit={MAX_SETTING} /></label>
      <fieldset class="assignment-options">
        <legend>{t('settings.assignment')}</legend>
        <label class="check">
          <input type="checkbox" checked={f.auto_assign} onChange={(e) => setEdits({ ...edits, auto_assign: (e.currentTarget as HTMLInputElement).checked })} />
          {t('settings.auto_assign')}
        </label>
        <label>{t('settings.assign_capacity')}<input type="number" min={1} max={1000} value={f.assign_capacity} onInput={text('assign_capacity')} /></label>
        <label>{t('settings.unassign_offline_after')}
          <input type="number" min={0} max={10080} value={f.unassign_offline_after} onInput={text('unassign_offline_after')} />
        </label>
        <label>{t('settings.waiting_reminder')}
          <input type="number" min={0} max={1440} value={f.waiting_reminder} onInput={text('waiting_reminder')} />
        </label>
      </fieldset>
      <fieldset class="file-options">
        <legend>{t('settings.files')}</legend>
        <label>{t('settings.max_file')}
          <input type="number" min={0.01} max={50} step="any" value={f.max_file_mb} onInput={text('max_file_mb')} />
        </label>
        <label class="check">
          <input type="checkbox" checked={f.keep_image_location} onChange={(e) => setEdits({ ...edits, keep_image_location: (e.currentTarget as HTMLInputElement).checked })} />
          {t('settings.keep_image_location')}
        </label>
      </fieldset>
      <label>{t('settings.allowed_origins')}<textarea rows={3} value={f.origins} onInput={text('origins')} placeholder="https://www.example.com" /></label>
      <button type="submit" class="primary" disabled={allTexts.some((v) => !fits(v, MAX_SETTING))}>{t('settings.save_options')}</button> <span class="muted">{saved.value}</span>
    </form>
  );
}

function Members() {
  const [n, setN] = useState({ email: '', name: '', password: '', admin: false, support: true });
  return (
    <section aria-label={t('settings.team_members')}>
      <h2>{t('settings.team_members')}</h2>
      <table class="members">
        <thead><tr><th>{t('settings.name')}</th><th>{t('settings.email')}</th><th>{t('settings.admin')}</th><th>{t('settings.support')}</th><th>{t('items.status')}</th></tr></thead>
        <tbody>
          {team.value.map((u) => (
            <tr key={u.id} data-user={u.id}>
              <td><span class={`dot ${u.online ? 'online' : 'away'}`} /> {u.name}</td>
              <td>{u.email}</td>
              <td data-label={t('settings.admin')}><input type="checkbox" aria-label={t('settings.is_admin', { name: u.name })} checked={u.admin} disabled={u.id === me.value?.id} onChange={(e) => updateMember({ id: u.id, admin: (e.currentTarget as HTMLInputElement).checked })} /></td>
              <td data-label={t('settings.support')}><input type="checkbox" aria-label={t('settings.does_support', { name: u.name })} checked={u.support} onChange={(e) => updateMember({ id: u.id, support: (e.currentTarget as HTMLInputElement).checked })} /></td>
              <td>
                {u.active ? (
                  u.id !== me.value?.id && <button onClick={() => updateMember({ id: u.id, active: false })}>{t('settings.deactivate')}</button>
                ) : (
                  <button onClick={() => updateMember({ id: u.id, active: true })}>{t('settings.reactivate')}</button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        class="inline-form"
        aria-label={t('settings.add_member_form')}
        onSubmit={async (e) => {
          e.preventDefault();
          if (await addMember(n)) setN({ email: '', name: '', password: '', admin: false, support: true });
        }}
      >
        <h3>{t('settings.add_member')}</h3>
        <input aria-label={t('settings.name')} placeholder={t('settings.name')} value={n.name} required onInput={(e) => setN({ ...n, name: (e.currentTarget as HTMLInputElement).value })} />
        <Counter text={n.name} limit={MAX_NAME} />
        <input aria-label={t('settings.new_member_email')} type="email" placeholder={t('settings.email')} value={n.email} required onInput={(e) => setN({ ...n, email: (e.currentTarget as HTMLInputElement).value })} />
        <input aria-label={t('settings.initial_password')} type="password" placeholder={t('settings.initial_password')} value={n.password} required minLength={8} onInput={(e) => setN({ ...n, password: (e.currentTarget as HTMLInputElement).value })} />
        <label class="check"><input type="checkbox" checked={n.admin} onChange={(e) => setN({ ...n, admin: (e.currentTarget as HTMLInputElement).checked })} /> {t('settings.admin')}</label>
        <label class="check"><input type="checkbox" checked={n.support} onChange={(e) => setN({ ...n, support: (e.currentTarget as HTMLInputElement).checked })} /> {t('settings.customer_support')}</label>
        <button type="submit">{t('settings.add')}</button>
      </form>
    </section>
  );
}

export function SettingsPage() {
  useEffect(() => {
    loadSettings();
    if (isAdmin.value) loadTeam();
  }, []);
  const s = settings.value;
  return (
    <div class="page settings">
      <h1>{t('settings.title')}</h1>
      <Account />
      <Preferences />
      <SavedReplies />
      <section aria-label={t('settings.helpdesk')}>
        <h2>{t('settings.helpdesk')}</h2>
        <HelpdeskSwitch />
        {helpdeskError.value && <div class="error" role="alert">{helpdeskError.value}</div>}
        {isAdmin.value && s && <Options s={s} />}
      </section>
      {isAdmin.value && (
        <section aria-label={t('settings.widget')}>
          <h2>{t('settings.website_widget')}</h2>
          <p>{t('settings.widget_tag')}</p>
          <textarea class="snippet" readOnly rows={2} value={snippet.value} aria-label={t('settings.widget_snippet')} />
          <button onClick={() => copyText(snippet.value)}>{t('settings.copy_snippet')}</button>
        </section>
      )}
      {isAdmin.value && <Members />}
    </div>
  );
}
