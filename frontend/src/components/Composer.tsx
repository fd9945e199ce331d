// The composer: Enter sends, Shift+Enter makes a new line. Never disabled:
// offline, replies and notes wait in the outbox. In a customer
// conversation a Reply / Private note switch says who reads it; "/" opens
// the saved replies, "@" the teammates to mention (notes and team
// conversations only: a mention never goes into a reply the customer reads).
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { current, send, typed } from '../stores/conversation';
import { me, sync } from '../stores/session';
import { loadTeammates, savedReplies, teammates } from '../stores/teamwork';
import { MAX_MESSAGE, visible } from '../lib/text';
import { fillPlaceholders, insertMention, matchReplies, mentionedIds, mentionQuery, slashQuery } from '../lib/savedreply';
import type { SavedReply, User } from '../lib/types';
import { Counter, fits } from './Counter';
import { composing } from './Message';
import { StagedFiles } from './Files';
import { pickFiles, stageFiles, staged, takeStaged, unstage } from '../stores/files';
import { t } from '../lib/i18n';

type Pick = { kind: 'reply'; items: SavedReply[] } | { kind: 'mention'; items: User[]; start: number };

export function Composer({ autoFocus = false }: { autoFocus?: boolean }) {
  const conv = current.value;
  const [text, setText] = useState('');
  const [note, setNote] = useState(false);
  const [picked, setPicked] = useState<{ id: number; name: string }[]>([]);
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState('');
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (autoFocus) ref.current?.focus();
  }, [autoFocus]);
  // Staged files belong to this conversation's composer.
  useEffect(() => () => staged.value.forEach(unstage), []);
  const offline = sync.value.phase !== 'connected';
  const customerConv = conv?.kind === 'customer';
  const internal = customerConv && note;
  const canMention = !customerConv || note;

  // What the picker offers for the text as it is.
  let pick: Pick | null = null;
  const slash = slashQuery(text);
  if (slash !== null && dismissed !== text) {
    const items = matchReplies(savedReplies.value, slash);
    pick = { kind: 'reply', items };
  } else if (canMention && dismissed !== text) {
    const mq = mentionQuery(text, caret);
    if (mq) {
      const items = teammates.value
        .filter((u) => u.active && u.id !== me.value?.id && u.name.toLowerCase().includes(mq.query))
        .slice(0, 8);
      pick = { kind: 'mention', items, start: mq.start };
    }
  }
  const choices = pick ? pick.items.length : 0;
  const at = Math.min(active, Math.max(choices - 1, 0));

  // Where the caret goes once the inserted text is rendered: set in the
  // same commit (a later frame would move it back while typing goes on).
  const caretTo = useRef<number | null>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    const pos = caretTo.current;
    if (!el || pos === null) return;
    caretTo.current = null;
    el.focus();
    el.setSelectionRange(pos, pos);
    setCaret(pos);
  });
  const choose = (i: number) => {
    if (!pick || !pick.items[i]) return;
    if (pick.kind === 'reply') {
      const r = pick.items[i];
      const filled = fillPlaceholders(r.text, {
        'customer.name': conv?.customer?.name ?? '',
        'customer.email': conv?.customer?.email ?? '',
        'agent.name': me.value?.name ?? '',
      });
      setText(filled);
      caretTo.current = filled.length;
    } else {
      const u = pick.items[i];
      const ins = insertMention(text, pick.start, caret, u.name);
      setText(ins.text);
      setPicked([...picked, { id: u.id, name: u.name }]);
      caretTo.current = ins.caret;
    }
    setActive(0);
  };
  const submit = () => {
    const trimmed = text.trim();
    // Nothing visible and no file is nothing to send; too long is kept as
    // typed (the counter says by how much), never cut.
    if ((!visible(trimmed) && !staged.value.length) || !fits(trimmed, MAX_MESSAGE)) return;
    const mentions = canMention ? mentionedIds(trimmed, picked) : [];
    setText('');
    setPicked([]);
    // Queued locally, so this fails only on a refused text (too long):
    // then the draft comes back.
    send(visible(trimmed) ? trimmed : '', internal, mentions, takeStaged()).then((ok) => ok || setText((cur) => cur || text));
    ref.current?.focus();
  };
  const closed = conv?.status === 'closed';
  const placeholder = internal
    ? t('composer.placeholder_note')
    : closed
      ? t(offline ? 'composer.placeholder_closed_offline' : 'composer.placeholder_closed')
      : offline
        ? t('composer.placeholder_offline')
        : t('composer.placeholder');
  return (
    <form
      class={`composer${internal ? ' note-mode' : ''}`}
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {customerConv && (
        <div class="composer-mode" role="radiogroup" aria-label={t('composer.who_reads')}>
          <button type="button" role="radio" aria-checked={!note} class={!note ? 'on' : ''} onClick={() => (setNote(false), ref.current?.focus())}>
            {t('composer.reply')}
          </button>
          <button type="button" role="radio" aria-checked={note} class={note ? 'on note' : ''} onClick={() => (setNote(true), loadTeammates(), ref.current?.focus())}>
            {t('composer.private_note')}
          </button>
        </div>
      )}
      <div class="composer-main">
        {pick && (
          <div class="picker" role="listbox" aria-label={pick.kind === 'reply' ? t('composer.saved_replies') : t('composer.mention')}>
            {choices === 0 && <div class="picker-empty">{pick.kind === 'reply' ? t('composer.no_reply_match') : t('composer.no_teammate_match')}</div>}
            {pick.kind === 'reply' &&
              pick.items.map((r, i) => (
                <button type="button" role="option" aria-selected={i === at} class={i === at ? 'active' : ''} key={r.id}
                  onMouseDown={(e) => (e.preventDefault(), choose(i))}>
                  <span class="picker-key">/{r.shortcut}</span> <bdi class="picker-title">{r.title}</bdi>
                  {r.owner_id ? <span class="tag">{t('composer.mine')}</span> : null}
                </button>
              ))}
            {pick.kind === 'mention' &&
              pick.items.map((u, i) => (
                <button type="button" role="option" aria-selected={i === at} class={i === at ? 'active' : ''} key={u.id}
                  onMouseDown={(e) => (e.preventDefault(), choose(i))}>
                  <span class={`dot ${u.online ? 'online' : 'away'}`} /> <bdi>{u.name}</bdi>
                </button>
              ))}
          </div>
        )}
        <textarea
          ref={ref}
          aria-label={internal ? t('composer.private_note') : t('composer.reply')}
          placeholder={placeholder}
          value={text}
          rows={2}
          onInput={(e) => {
            const el = e.currentTarget as HTMLTextAreaElement;
            setText(el.value);
            setCaret(el.selectionStart ?? el.value.length);
            setActive(0);
            typed(internal);
          }}
          onClick={(e) => setCaret((e.currentTarget as HTMLTextAreaElement).selectionStart ?? 0)}
          onPaste={(e) => {
            const files = [...(e.clipboardData?.files ?? [])];
            if (files.length) {
              e.preventDefault();
              if (conv) stageFiles(conv.id, files);
            }
          }}
          onKeyUp={(e) => {
            // Arrows that the picker did not take move the caret.
            if (e.key.startsWith('Arrow') && !(pick && choices > 0 && (e.key === 'ArrowUp' || e.key === 'ArrowDown'))) {
              setCaret((e.currentTarget as HTMLTextAreaElement).selectionStart ?? 0);
            }
          }}
          onKeyDown={(e) => {
            // An IME composition owns its keys (candidates, cancel).
            if (composing(e)) return;
            if (pick && choices > 0) {
              if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                e.preventDefault();
                setActive((at + (e.key === 'ArrowDown' ? 1 : choices - 1)) % choices);
                return;
              }
              if ((e.key === 'Enter' && !e.shiftKey) || e.key === 'Tab') {
                e.preventDefault();
                choose(at);
                return;
              }
            }
            if (pick && e.key === 'Escape') {
              e.preventDefault();
              setDismissed(text);
              return;
            }
            if (e.key === 'Enter' && !e.shiftKey) {
              // No saved reply matches: "/shrug" is a message like any other.
              e.preventDefault();
              submit();
            }
          }}
        />
      </div>
      {!canMention && picked.some((p) => text.includes(`@${p.name}`)) && (
        <p class="composer-warn" role="note">{t('composer.mention_warning')}</p>
      )}
      <StagedFiles />
      <div class="composer-side">
        <Counter text={text} limit={MAX_MESSAGE} />
        <button type="button" class="attach" aria-label={t('composer.attach')} title={t('composer.attach')} onClick={() => conv && pickFiles(conv.id)}>📎</button>
        <button type="submit" class={internal ? 'note' : ''} disabled={!fits(text.trim(), MAX_MESSAGE)}>{internal ? t('composer.add_note') : t('composer.send')}</button>
      </div>
    </form>
  );
}
