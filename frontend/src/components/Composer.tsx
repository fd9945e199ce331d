// The composer: Enter sends, Shift+Enter makes a new line. Never disabled:
// offline, replies wait in the outbox.
import { useRef, useState } from 'preact/hooks';
import { current, send, typed } from '../stores/conversation';
import { sync } from '../stores/session';
import { composing } from './Message';

export function Composer() {
  const [text, setText] = useState('');
  const ref = useRef<HTMLTextAreaElement>(null);
  const offline = sync.value.phase !== 'connected';
  const submit = () => {
    const t = text.trim();
    if (!t) return;
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
        maxLength={5000}
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
      <button type="submit">Send</button>
    </form>
  );
}
