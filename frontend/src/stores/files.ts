// Files on messages and in the composer. Staged files live in Go (copied
// into the local store's outbox folder, so a reply with files waits
// offline like any reply); what is shown is read through the local
// store's cache (AttachmentService), so files once seen open offline.
import { signal } from '@preact/signals';
import { api, errorText } from '../lib/bridge';
import type { Attachment, StagedFile } from '../lib/bindings.gen';
import { MAX_ATTACHMENTS, MAX_FILE_BYTES_LIMIT } from '../lib/protocol.gen';
import { formatBytes } from '../lib/text';
import { t } from '../lib/i18n';
import { current } from './conversation';

/** The composer's files, waiting for Send. */
export const staged = signal<StagedFile[]>([]);
/** Why the last file could not be attached ('' when it could). */
export const fileError = signal('');
/** The image shown large (null: none). */
export const viewing = signal<{ name: string; url: string } | null>(null);

function base64(buf: ArrayBuffer): string {
  const bytes = new Uint8Array(buf);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Keeps a staged file if the composer it was staged for is still the
 * open one (staging takes a moment; the agent may have moved on). */
function keep(convId: number, f: StagedFile): boolean {
  if (current.value?.id === convId) return true;
  api()?.AttachmentService.Unstage(f.token);
  return false;
}

/** Stages files the agent pasted or dropped into a conversation. */
export async function stageFiles(convId: number, files: File[]) {
  fileError.value = '';
  for (const f of files) {
    if (staged.value.length >= MAX_ATTACHMENTS) {
      fileError.value = t('files.too_many', { count: MAX_ATTACHMENTS });
      return;
    }
    if (f.size > MAX_FILE_BYTES_LIMIT) {
      fileError.value = t('files.too_large', { name: f.name, size: formatBytes(MAX_FILE_BYTES_LIMIT) }); // not even read
      continue;
    }
    try {
      const s = await api()!.AttachmentService.Stage({ conversation_id: convId, name: f.name || 'image.png', data: base64(await f.arrayBuffer()) });
      if (keep(convId, s)) staged.value = [...staged.value, s];
    } catch (err) {
      fileError.value = t('files.named_error', { name: f.name, error: errorText(err) });
    }
  }
}

/** Stages files chosen in the native dialog. */
export async function pickFiles(convId: number) {
  fileError.value = '';
  try {
    const files = ((await api()!.AttachmentService.Pick({ conversation_id: convId })) ?? []).filter((f) => keep(convId, f));
    const room = MAX_ATTACHMENTS - staged.value.length;
    for (const f of files.slice(room)) api()!.AttachmentService.Unstage(f.token);
    if (files.length > room) fileError.value = t('files.too_many', { count: MAX_ATTACHMENTS });
    staged.value = [...staged.value, ...files.slice(0, room)];
  } catch (err) {
    fileError.value = errorText(err);
  }
}

export function unstage(f: StagedFile) {
  staged.value = staged.value.filter((g) => g.token !== f.token);
  api()?.AttachmentService.Unstage(f.token);
}

/** Takes the staged files for a reply being sent. */
export function takeStaged(): string[] {
  const tokens = staged.value.map((f) => f.token);
  staged.value = [];
  fileError.value = '';
  return tokens;
}

const thumbs = new Map<string, Promise<string>>();
let thumbsOf = 0;
/** An image's thumbnail as a data: URL, kept while its conversation is
 * open (what a delete took is not held on to; the local store's cache
 * makes the next open fast). */
export function thumbnail(messageId: number, a: Attachment): Promise<string> {
  if (current.value?.id !== thumbsOf) {
    thumbs.clear();
    thumbsOf = current.value?.id ?? 0;
  }
  let p = thumbs.get(a.id);
  if (!p) {
    p = api()!.AttachmentService.Thumbnail({ message_id: messageId, id: a.id });
    p.catch(() => thumbs.delete(a.id));
    thumbs.set(a.id, p);
  }
  return p;
}

/** Shows an image large. */
export async function openImage(messageId: number, a: Attachment) {
  try {
    viewing.value = { name: a.name, url: await api()!.AttachmentService.Open({ message_id: messageId, id: a.id }) };
  } catch (err) {
    fileError.value = errorText(err);
  }
}

/** Saves a file where the agent says (the native dialog). */
export async function saveFile(messageId: number, a: Attachment) {
  try {
    await api()!.AttachmentService.Save({ message_id: messageId, id: a.id });
  } catch (err) {
    fileError.value = errorText(err);
  }
}
