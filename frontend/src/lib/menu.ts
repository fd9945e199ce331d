// A drop-down menu's open state that closes the way menus do: Escape
// (the focus goes back to its button), a press anywhere outside it, or
// another menu opening.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';

/** useMenu gives a menu's open state and the ref of the element that
 * holds its button and its items. */
export function useMenu(): [boolean, (open: boolean) => void, { current: HTMLDivElement | null }] {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement | null>(null);
  // A layout effect: the listeners are on before the open menu is painted,
  // so an Escape pressed as soon as it shows is not lost (a plain effect
  // runs after the paint; a loaded machine showed the gap).
  useLayoutEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      setOpen(false);
      ref.current?.querySelector<HTMLElement>('[aria-haspopup]')?.focus();
    };
    const onDown = (e: PointerEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey, true);
    document.addEventListener('pointerdown', onDown, true);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      document.removeEventListener('pointerdown', onDown, true);
    };
  }, [open]);
  return [open, setOpen, ref];
}
