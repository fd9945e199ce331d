// The length counter shown next to a field near its limit. Limits count
// code points, like the server (lib/text.ts); nothing is ever cut: a text
// over the limit stays as typed, the counter says by how much, and the
// form refuses to send it until it is shorter.
import { codePoints, counterText } from '../lib/text';

/** Whether text is within limit (code points). */
export const fits = (text: string, limit: number) => codePoints(text) <= limit;

export function Counter({ text, limit }: { text: string; limit: number }) {
  const t = counterText(text, limit);
  if (!t) return null;
  const over = !fits(text, limit);
  return (
    <span class={`counter${over ? ' over' : ''}`} role={over ? 'alert' : undefined} aria-live="polite">
      {t}
    </span>
  );
}
