// System notes (closed, reopened, linked, assigned…) are stored as a code
// and its parameters and written here in the reader's language.
import type { Message } from './types';

/** noteText is a system note's sentence in the current language. */
export function noteText(m: Message): string {
  return m.text;
}
