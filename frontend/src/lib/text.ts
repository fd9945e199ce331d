// The text rules the server applies (backend/chat/text.go), for the agent
// UI and the customer widget: what counts as visible, how user text is
// direction-isolated inside a sentence we compose, and the length limits in
// the server's unit, code points. backend/chat/testdata/text.json holds the
// cases both sides must pass.

// The limits, in code points (e-mail in bytes), are the server's own,
// generated from Go.
export { MAX_DESCRIPTION, MAX_EMAIL_BYTES, MAX_MESSAGE, MAX_NAME, MAX_QUERY, MAX_SETTING, MAX_TITLE } from './protocol.gen';

// Characters that show nothing on their own: white space, controls, format
// characters, default-ignorable code points, marks without a base, and the
// blank braille pattern (chat.Visible).
const visibleChar = /[^\p{White_Space}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Mn}\p{Me}\u2800]/u;

/** Whether s holds at least one character a reader can see. */
export function visible(s: string): boolean {
  return visibleChar.test(s);
}

/** Whether s has no control character (tab and line feed included) and no
 * line or paragraph separator: names and titles are one line (chat.OneLine). */
export function oneLine(s: string): boolean {
  return !/[\p{Cc}\u2028\u2029]/u.test(s);
}

/** The length of s in code points, the unit of every limit (not UTF-16 units). */
export function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

const LRE = 0x202a, RLE = 0x202b, PDF = 0x202c, LRO = 0x202d, RLO = 0x202e;
const LRI = 0x2066, RLI = 0x2067, FSI = 0x2068, PDI = 0x2069;
const isIsolate = (c: number) => c === LRI || c === RLI || c === FSI;
const isParagraphEnd = (c: number) => c === 0x0a || c === 0x0d || c === 0x1c || c === 0x1d || c === 0x1e || c === 0x85 || c === 0x2029;

/** Neutralises unbalanced bidi controls (chat.Balance): stray PDF/PDI are
 * dropped, controls still open at a paragraph's end are closed there. */
export function balance(s: string): string {
  if (!/[\u202a-\u202e\u2066-\u2069]/.test(s)) return s;
  let out = '';
  let open: number[] = [];
  const closeAll = () => {
    for (let i = open.length - 1; i >= 0; i--) out += isIsolate(open[i]) ? '\u2069' : '\u202c';
    open = [];
  };
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c === LRE || c === RLE || c === LRO || c === RLO || isIsolate(c)) {
      open.push(c);
    } else if (c === PDF) {
      if (open.length === 0 || isIsolate(open[open.length - 1])) continue;
      open.pop();
    } else if (c === PDI) {
      let i = open.length - 1;
      while (i >= 0 && !isIsolate(open[i])) i--;
      if (i < 0) continue;
      open = open.slice(0, i);
    } else if (isParagraphEnd(c)) {
      closeAll();
    }
    out += ch;
  }
  closeAll();
  return out;
}

/** Product text given to a t() as an argument (a catalog word standing
 * in for a name: "The customer"): written as it is, not isolated — the
 * Go side's locales.Plain. */
export class Plain {
  constructor(readonly text: string) {}
}
export const plain = (s: string) => new Plain(s);

/** User text ready for a sentence composed as plain text (a window or
 * tray title, an aria-label, a notification): each line balanced and
 * wrapped in FSI … PDI (chat.Isolate). In markup, use <bdi> instead. */
export function isolate(s: string): string {
  let out = '\u2068';
  for (const ch of balance(s)) {
    out += isParagraphEnd(ch.codePointAt(0)!) ? `\u2069${ch}\u2068` : ch;
  }
  return out + '\u2069';
}

/** The words and numbers of counterText and formatBytes. This file is
 * bundled into the customer widget too, which must not carry the agent
 * app's catalogs (lib/i18n), so they are English until setTextWords puts
 * a language's in (the agent app: components/Files.tsx). Each is read
 * when a text is made, so a function may follow a language signal. */
export type TextWords = {
  /** A count: "4,812". */
  count: (n: number) => string;
  /** A size's number with exactly `fraction` decimals, no grouping: "1.5". */
  size: (n: number, fraction: number) => string;
  /** What follows the number of characters over a limit: "too many". */
  tooMany: (over: number) => string;
  /** The size units. */
  unit: (u: 'MB' | 'KB' | 'bytes') => string;
};

const english: TextWords = {
  count: (n) => n.toLocaleString('en-GB'),
  size: (n, fraction) => n.toFixed(fraction),
  tooMany: () => 'too many',
  unit: (u) => u,
};
let words = english;

/** setTextWords makes counterText and formatBytes speak a language (the
 * parts not given stay English). */
export function setTextWords(w: Partial<TextWords>) {
  words = { ...english, ...w };
}

/** What a length counter next to a field says, or '' while far from the
 * limit: "4,812 / 5,000", and how many characters are over when over. */
export function counterText(s: string, limit: number): string {
  const n = codePoints(s);
  if (n < limit * 0.9) return '';
  const fmt = words.count;
  if (n > limit) return `${fmt(n)} / ${fmt(limit)} · ${fmt(n - limit)} ${words.tooMany(n - limit)}`;
  return `${fmt(n)} / ${fmt(limit)}`;
}

/** A size the way the product shows it, as chat.FormatBytes: "10 MB",
 * "1.5 MB", "512 KB", "800 bytes" (1 MB = 1,048,576 bytes; tenths cut,
 * not rounded). */
export function formatBytes(n: number): string {
  const MB = 1 << 20;
  if (n >= MB) {
    return n % MB === 0
      ? `${words.size(n / MB, 0)} ${words.unit('MB')}`
      : `${words.size(Math.floor(n / MB) + Math.floor(((n % MB) * 10) / MB) / 10, 1)} ${words.unit('MB')}`;
  }
  if (n >= 1024) return `${words.size(Math.floor(n / 1024), 0)} ${words.unit('KB')}`;
  return `${words.size(n, 0)} ${words.unit('bytes')}`;
}
