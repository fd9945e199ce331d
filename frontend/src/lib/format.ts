import { Fragment, h, type ComponentChildren, type VNode } from 'preact';
import type { ItemType, OutKind } from './types';
import { t, type Args } from './i18n';
import { isolate } from './text';

/** What an agent calls each queued act, for "… refused" lines, in the
 * current language. */
export function outKindLabel(kind: OutKind): string {
  return t(`outbox.${kind}`);
}

/** An item's type as a word ("ticket", "task"), in the current language. */
export function itemTypeLabel(type: ItemType | string): string {
  return type === 'ticket' || type === 'task' ? t(`common.${type}`) : type;
}

const SLOT = '\u{E000}';

/** The text of key with node (markup such as a <bdi> name, which isolates
 * itself) where {{slot}} goes: a sentence around an element keeps its
 * markup and its word order in every language. */
export function tWith(key: string, slot: string, node: ComponentChildren, args?: Args): VNode {
  const [before, after = ''] = t(key, { ...args, [slot]: SLOT }).split(isolate(SLOT));
  return h(Fragment, null, before, node, after);
}
