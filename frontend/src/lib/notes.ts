// The agent app's system-note text: renderNote (note-render.ts, shared
// with the widget) with the app's catalogs
// and language (lib/i18n).
import { has, lang, t } from './i18n';
import { renderNote } from './note-render';
import type { Message } from './protocol.gen';

/** noteText is a system note's sentence in the app's language. */
export function noteText(m: Message): string {
  return renderNote(m, lang.value, t, has);
}
