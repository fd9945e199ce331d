// The composer: Enter sends, Shift+Enter makes a new line. Never disabled:
// offline, replies wait in the outbox.
import { useRef, useState } from 'preact/hooks';
import { current, send, typed } from '../stores/conversation';
import { sync } from '../stores/session';
import { MAX_MESSAGE, visible } from '../lib/text';
import { Counter, fits } from './Counter';
import { composing } from './Message';

export function Composer() {
  const [text, setText] = useState('');
  const ref = useRef<HTMLTextAreaElement>(null);
  const offline = sync.value.phase !== 'connected';
  const submit = () => {
    const t = text.trim();
    // Nothing visible is nothing to send; too long is kept as typed (the
    // counter says by how much), never cut.
    if (!visible(t) || !fits(t, MAX_MESSAGE)) return;
    setText('');
    // Queued locally, so this fails only on a refused text (too long):
    // then the draft comes back.
    send(t).then((ok) => ok || setText((cur) => cur || text));
    ref.current?.focus();
  };
  const closed = current.value?.status === 'closed';
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <textarea
        ref={ref}
        aria-label="Reply"
        placeholder={offline ? 'Offline: your reply is sent when the connection returns' : closed ? 'Reply… (this conversation is closed)' : 'Reply… (Enter sends, Shift+Enter new line)'}
        value={text}
        rows={2}
        onInput={(e) => {
          setText((e.currentTarget as HTMLTextAreaElement).value);
          typed();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !composing(e)) {
            e.preventDefault();
            submit();
          }
        }}
      />
      <div class="composer-side">
        <Counter text={text} limit={MAX_MESSAGE} />
        <button type="submit" disabled={!fits(text.trim(), MAX_MESSAGE)}>Send</button>
      </div>
    </form>
  );
}
