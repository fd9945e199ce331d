// Files: a message's attachments (images as thumbnails that open large,
// other files as buttons that save them), the composer's staged files,
// and the large view of an image.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Attachment, OutFile } from '../lib/bindings.gen';
import { formatBytes } from '../lib/text';
import { t } from '../lib/i18n';
import { fileError, openImage, saveFile, staged, thumbnail, unstage, viewing } from '../stores/files';

export function MessageFiles({ messageId, files }: { messageId: number; files?: Attachment[] }) {
  if (!files?.length) return null;
  return (
    <div class="msg-files">
      {files.map((a) => (a.image ? <ImageFile key={a.id} messageId={messageId} a={a} /> : (
        <button type="button" class="file" key={a.id} aria-label={t('files.save', { name: a.name })} title={t('common.save')} onClick={() => saveFile(messageId, a)}>
          <span class="file-icon" aria-hidden="true">📄</span> <bdi class="file-name">{a.name}</bdi> <span class="file-size">{formatBytes(a.size)}</span>
        </button>
      )))}
    </div>
  );
}

function ImageFile({ messageId, a }: { messageId: number; a: Attachment }) {
  const [src, setSrc] = useState('');
  const [missing, setMissing] = useState('');
  useEffect(() => {
    let live = true;
    thumbnail(messageId, a).then((u) => live && setSrc(u), (err) => live && setMissing(String(err)));
    return () => {
      live = false;
    };
  }, [messageId, a.id]);
  const w = Math.min(a.width ?? 240, 240);
  return (
    <button type="button" class="file image" aria-label={t('files.open_image', { name: a.name })} onClick={() => openImage(messageId, a)}>
      {src ? <img src={src} alt={a.name} style={{ width: `${w}px`, aspectRatio: `${a.width ?? 4} / ${a.height ?? 3}` }} />
        : <span class="file-missing" style={{ width: `${w}px`, aspectRatio: `${a.width ?? 4} / ${a.height ?? 3}` }}>{missing ? t('files.not_offline') : ''}</span>}
    </button>
  );
}

/** A queued reply's files, by name. */
export function PendingFiles({ files }: { files?: OutFile[] }) {
  if (!files?.length) return null;
  return (
    <ul class="pending-files">
      {files.map((f) => <li key={f.token}>📎 <bdi>{f.name}</bdi> · {formatBytes(f.size)}</li>)}
    </ul>
  );
}

/** The composer's staged files, each with a remove button. */
export function StagedFiles() {
  if (!staged.value.length && !fileError.value) return null;
  return (
    <div class="staged">
      {staged.value.length > 0 && (
        <ul aria-label={t('files.to_send')}>
          {staged.value.map((f) => (
            <li key={f.token}>
              <bdi class="file-name">{f.name}</bdi> <span class="file-size">{formatBytes(f.size)}</span>
              <button type="button" class="link" aria-label={t('panel.remove', { name: f.name })} onClick={() => unstage(f)}>×</button>
            </li>
          ))}
        </ul>
      )}
      {fileError.value && <p class="composer-warn" role="alert">{fileError.value}</p>}
    </div>
  );
}

/** The large view of an image; Escape or a click outside closes it. */
export function ImageViewer() {
  const v = viewing.value;
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (v) ref.current?.focus();
  }, [v]);
  if (!v) return null;
  const close = () => (viewing.value = null);
  return (
    <div class="viewer" role="dialog" aria-label={t('files.image', { name: v.name })} tabIndex={-1} ref={ref}
      onKeyDown={(e) => e.key === 'Escape' && close()} onClick={(e) => e.target === e.currentTarget && close()}>
      <img src={v.url} alt={v.name} />
      <div class="viewer-bar"><bdi>{v.name}</bdi> <button type="button" onClick={close}>{t('common.close')}</button></div>
    </div>
  );
}
