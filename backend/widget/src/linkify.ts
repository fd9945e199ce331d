// Turns message text into DOM nodes: text stays text (never HTML), and
// http(s) URLs become links that open in a new tab without access to us.

export type Part = { text: string; href?: string };

const urlPattern = /\bhttps?:\/\/[^\s<>"']+/gi;

/** Splits text into plain parts and link parts (http and https only). */
export function linkParts(text: string): Part[] {
  const out: Part[] = [];
  let last = 0;
  for (const m of text.matchAll(urlPattern)) {
    let url = m[0];
    // Trailing punctuation belongs to the sentence, not the link.
    const trail = /[.,;:!?)\]]+$/.exec(url);
    if (trail) url = url.slice(0, -trail[0].length);
    const start = m.index ?? 0;
    if (start > last) out.push({ text: text.slice(last, start) });
    let href: string | undefined;
    try {
      const u = new URL(url);
      if (u.protocol === 'http:' || u.protocol === 'https:') href = u.href;
    } catch {
      href = undefined;
    }
    out.push(href ? { text: url, href } : { text: url });
    last = start + url.length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

/** Appends text to el as text nodes and safe links. */
export function renderText(el: HTMLElement, text: string): void {
  for (const p of linkParts(text)) {
    if (p.href) {
      const a = document.createElement('a');
      a.href = p.href;
      a.textContent = p.text;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      el.append(a);
    } else {
      el.append(document.createTextNode(p.text));
    }
  }
}
