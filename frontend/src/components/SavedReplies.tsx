// Settings › Saved replies: the team's (admins change them) and my own.
// Typing "/" in the composer offers them; {{customer.name}},
// {{customer.email}} and {{agent.name}} are filled in, {{name | fallback}}
// stands in the fallback for an empty value.
import { useState } from 'preact/hooks';
import { MAX_MESSAGE, MAX_TITLE } from '../lib/text';
import { MAX_SHORTCUT_BYTES } from '../lib/protocol.gen';
import type { SavedReply } from '../lib/types';
import { isAdmin } from '../stores/session';
import { createSavedReply, deleteSavedReply, savedReplies, teamworkError, updateSavedReply } from '../stores/teamwork';
import { Counter, fits } from './Counter';
import { t } from '../lib/i18n';
import { tSlots } from './Message';

/** A placeholder with its fallback, as written in a saved reply: {{customer.name | there}}. */
const withFallback = () => `{{customer.name | ${t('savedReplies.fallback')}}}`;

type Draft = { shortcut: string; title: string; text: string; personal: boolean };
const empty = (personal: boolean): Draft => ({ shortcut: '', title: '', text: '', personal });

function Editor({ initial, onSave, onCancel, label }: { initial: Draft; onSave: (d: Draft) => Promise<boolean>; onCancel?: () => void; label: string }) {
  const [d, setD] = useState(initial);
  const field = (k: keyof Draft) => (e: Event) => setD({ ...d, [k]: (e.currentTarget as HTMLInputElement).value });
  return (
    <form
      class="reply-editor"
      aria-label={label}
      onSubmit={async (e) => {
        e.preventDefault();
        if (await onSave(d)) setD(initial.shortcut ? d : empty(d.personal));
      }}
    >
      <input aria-label={t('savedReplies.shortcut')} placeholder={t('savedReplies.shortcut_placeholder')} value={d.shortcut} required maxLength={MAX_SHORTCUT_BYTES + 1} pattern="/?[A-Za-z0-9_\-]+"
        onInput={field('shortcut')} />
      <input aria-label={t('items.title')} placeholder={t('items.title')} value={d.title} required onInput={field('title')} />
      <textarea aria-label={t('savedReplies.text')} rows={3} placeholder={t('savedReplies.text_placeholder', { example: withFallback() })} value={d.text} required onInput={field('text')} />
      <Counter text={d.text} limit={MAX_MESSAGE} />
      {!initial.shortcut && isAdmin.value && (
        <label class="check">
          <input type="checkbox" checked={!d.personal} onChange={(e) => setD({ ...d, personal: !(e.currentTarget as HTMLInputElement).checked })} />
          {t('savedReplies.whole_team')}
        </label>
      )}
      <button type="submit" disabled={!fits(d.text, MAX_MESSAGE) || !fits(d.title, MAX_TITLE)}>{initial.shortcut ? t('common.save') : t('settings.add')}</button>
      {onCancel && <button type="button" onClick={onCancel}>{t('common.cancel')}</button>}
    </form>
  );
}

function Row({ r }: { r: SavedReply }) {
  const [editing, setEditing] = useState(false);
  const mine = !!r.owner_id;
  const canChange = mine || isAdmin.value;
  if (editing) {
    return (
      <li>
        <Editor
          label={t('savedReplies.edit_label', { shortcut: r.shortcut })}
          initial={{ shortcut: r.shortcut, title: r.title, text: r.text, personal: mine }}
          onCancel={() => setEditing(false)}
          onSave={async (d) => {
            const ok = await updateSavedReply(r.id, { shortcut: d.shortcut, title: d.title, text: d.text });
            if (ok) setEditing(false);
            return ok;
          }}
        />
      </li>
    );
  }
  return (
    <li data-saved-reply={r.shortcut}>
      <div class="reply-head">
        <code>/{r.shortcut}</code> <bdi class="reply-title">{r.title}</bdi> <span class="tag">{mine ? t('savedReplies.mine') : t('savedReplies.team')}</span>
        {canChange && <button onClick={() => setEditing(true)}>{t('message.edit')}</button>}
        {canChange && <button onClick={() => deleteSavedReply(r.id)}>{t('message.delete')}</button>}
      </div>
      <div class="reply-text">{r.text}</div>
    </li>
  );
}

export function SavedReplies() {
  return (
    <section aria-label={t('savedReplies.title')}>
      <h2>{t('savedReplies.title')}</h2>
      <p class="muted">
        {tSlots('savedReplies.help', {
          slash: <kbd>/</kbd>, name: <code>{'{{customer.name}}'}</code>, email: <code>{'{{customer.email}}'}</code>,
          agent: <code>{'{{agent.name}}'}</code>, example: <code>{withFallback()}</code>,
        }, { fallback: t('savedReplies.fallback') })}
      </p>
      {teamworkError.value && <div class="error" role="alert">{teamworkError.value}</div>}
      <ul class="saved-replies">
        {savedReplies.value.map((r) => <Row key={r.id} r={r} />)}
      </ul>
      <h3>{t('savedReplies.add')}</h3>
      <Editor label={t('savedReplies.add')} initial={empty(true)} onSave={(d) => createSavedReply(d)} />
    </section>
  );
}
