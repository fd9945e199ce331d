// memo: a component that renders again only when one of its props changed
// (shallowly), as preact/compat's memo does, without compat (which patches
// Preact's options globally). The message pane uses it so that moving its
// window of pages renders the page that came in, not every message again.
import { createElement, type FunctionComponent } from 'preact';

export function memo<P extends object>(fn: FunctionComponent<P>): FunctionComponent<P> {
  function Memo(this: { props: P; shouldComponentUpdate?: (next: P) => boolean }, props: P) {
    this.shouldComponentUpdate = (next: P) => changed(this.props, next);
    return createElement(fn as FunctionComponent<any>, props);
  }
  Memo.displayName = `Memo(${fn.displayName || fn.name})`;
  return Memo as FunctionComponent<P>;
}

/** Whether a and b differ in any prop (by identity). */
export function changed(a: object, b: object): boolean {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  for (const k in x) if (!(k in y) || x[k] !== y[k]) return true;
  for (const k in y) if (!(k in x)) return true;
  return false;
}
