// A virtualised list of fixed-height rows: only the rows in view (plus a
// few either side) are in the DOM, so 10,000 conversations scroll like 10.
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';

export const OVERSCAN = 6;

/** The slice of rows to render for a scroll position. */
export function visibleRange(scrollTop: number, height: number, rowHeight: number, count: number, overscan = OVERSCAN) {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  return { first, last };
}

interface Props<T> {
  items: T[];
  rowHeight: number;
  itemKey: (item: T) => string | number;
  render: (item: T, index: number) => ComponentChildren;
  onNearEnd?: () => void;
  label: string;
}

export function VirtualList<T>({ items, rowHeight, itemKey, render, onNearEnd, label }: Props<T>) {
  const ref = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 600 });
  useLayoutEffect(() => {
    const el = ref.current!;
    const update = () => setView({ top: el.scrollTop, height: el.clientHeight });
    update();
    const ro = new ResizeObserver(update);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const { first, last } = visibleRange(view.top, view.height, rowHeight, items.length);
  const onScroll = (e: Event) => {
    const el = e.currentTarget as HTMLDivElement;
    setView({ top: el.scrollTop, height: el.clientHeight });
    if (onNearEnd && el.scrollTop + el.clientHeight > el.scrollHeight - rowHeight * 10) onNearEnd();
  };
  const rows = [];
  for (let i = first; i < last; i++) {
    rows.push(
      <div key={itemKey(items[i])} role="listitem" class="vrow" style={{ top: `${i * rowHeight}px`, height: `${rowHeight}px` }}>
        {render(items[i], i)}
      </div>,
    );
  }
  return (
    <div class="vlist" ref={ref} onScroll={onScroll} role="list" aria-label={label}>
      <div style={{ height: `${items.length * rowHeight}px`, position: 'relative' }}>{rows}</div>
    </div>
  );
}
