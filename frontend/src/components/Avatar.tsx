// An initials avatar (lib/avatar). Decorative: the name is always written
// next to it, so screen readers skip it.
import { avatarColour, initials } from '../lib/avatar';
import { lang } from '../lib/i18n';

export function Avatar({ name, id, kind, size = 28 }: { name: string; id?: number; kind: string; size?: number }) {
  const text = initials(name, lang.value) || (kind === 'customer' ? '?' : '•');
  return (
    <span class="avatar" aria-hidden="true" style={{ background: avatarColour(id ? `${kind}:${id}` : `${kind}:${name}`), width: `${size}px`, height: `${size}px`, fontSize: `${Math.round(size * 0.42)}px` }}>
      {text}
    </span>
  );
}
