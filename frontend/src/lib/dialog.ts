// Modal dialogs keep the keyboard inside them: Tab and Shift+Tab wrap
// around their controls, Escape closes them (onClose), and the first
// control takes the focus when one opens.
import type { RefObject } from 'preact';
import { useLayoutEffect } from 'preact/hooks';

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** The control Tab should move to from active inside root, or null to let the browser move (still inside). */
export function wrapTarget(controls: HTMLElement[], active: Element | null, back: boolean): HTMLElement | null {
  if (controls.length === 0) return null;
  const i = active ? controls.indexOf(active as HTMLElement) : -1;
  if (i < 0) return back ? controls[controls.length - 1] : controls[0];
  if (!back && i === controls.length - 1) return controls[0];
  if (back && i === 0) return controls[controls.length - 1];
  return null;
}

/** Traps the focus in ref's element while it is shown and closes it on Escape. */
export function useDialog(ref: RefObject<HTMLElement | null>, onClose: () => void) {
  // A layout effect, as for menus (lib/menu.ts): the focus and the keys are
  // the dialog's from the moment it is painted.
  useLayoutEffect(() => {
    const root = ref.current;
    if (!root) return;
    if (!root.contains(document.activeElement)) root.querySelector<HTMLElement>(FOCUSABLE)?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onClose();
      } else if (e.key === 'Tab') {
        const to = wrapTarget([...root.querySelectorAll<HTMLElement>(FOCUSABLE)], document.activeElement, e.shiftKey);
        if (to) {
          e.preventDefault();
          to.focus();
        }
      }
    };
    root.addEventListener('keydown', onKey);
    return () => root.removeEventListener('keydown', onKey);
  });
}
