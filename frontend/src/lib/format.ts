import type { OutKind } from './types';

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/**
 * relativeTime describes date relative to now in short English, the way a
 * conversation list shows it: "just now", "5 min ago", "3 h ago", "yesterday",
 * "4 d ago", and the calendar date (YYYY-MM-DD, UTC) for anything a week or
 * more old. Dates in the future (clock skew) are shown as "just now".
 */
export function relativeTime(date: Date, now: Date): string {
  const seconds = Math.floor((now.getTime() - date.getTime()) / 1000);
  if (seconds < MINUTE) {
    return 'just now';
  }
  if (seconds < HOUR) {
    return `${Math.floor(seconds / MINUTE)} min ago`;
  }
  if (seconds < DAY) {
    return `${Math.floor(seconds / HOUR)} h ago`;
  }
  if (seconds < 2 * DAY) {
    return 'yesterday';
  }
  if (seconds < WEEK) {
    return `${Math.floor(seconds / DAY)} d ago`;
  }
  return date.toISOString().slice(0, 10);
}

/** What an agent calls each queued act, for "… refused" lines. */
export const OUT_KIND_LABEL: Record<OutKind, string> = {
  send_message: 'Reply',
  edit_message: 'Edit',
  delete_message: 'Delete',
  close_conversation: 'Close',
  reopen_conversation: 'Reopen',
  mark_read: 'Read mark',
  link_conversation: 'Link',
  create_item: 'Create item',
};
