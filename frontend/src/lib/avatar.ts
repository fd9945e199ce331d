// Initials avatars: a person's initials on a colour of their own, the
// same for them everywhere (list, messages, panels).

/** The avatar colours, each with white text at 4.5:1 or more (WCAG AA). */
export const AVATAR_COLOURS = ['#1d4ed8', '#047857', '#b45309', '#7c3aed', '#be123c', '#0e7490', '#4d7c0f', '#a21caf', '#c2410c', '#4338ca'];

const graphemes = (s: string): string[] =>
  typeof Intl.Segmenter === 'function' ? [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s)].map((g) => g.segment) : [...s];

/** initials are the first letters of a name's first and last words
 * ("Sally Chen" → "SC", "Anna" → "A"), as whole graphemes (an accented
 * or combined letter stays whole), upper-cased in lang; '' for a name
 * with no letter or digit. Words start at a letter or digit: "(Tom)" →
 * "T". */
export function initials(name: string, lang?: string): string {
  const words = name.split(/\s+/).map((w) => graphemes(w).find((g) => /[\p{L}\p{N}]/u.test(g)) ?? '').filter(Boolean);
  if (words.length === 0) return '';
  const pick = words.length === 1 ? [words[0]] : [words[0], words[words.length - 1]];
  // One grapheme stays one: "ß" is not "SS".
  return pick.map((g) => (g.toLocaleUpperCase(lang).length === g.length ? g.toLocaleUpperCase(lang) : g)).join('');
}

/** avatarColour is the colour of a person: by kind and id when known, so
 * a rename keeps it, else by name. */
export function avatarColour(key: string): string {
  let h = 0;
  for (const ch of key) h = (Math.imul(h, 31) + ch.codePointAt(0)!) >>> 0;
  return AVATAR_COLOURS[h % AVATAR_COLOURS.length];
}
