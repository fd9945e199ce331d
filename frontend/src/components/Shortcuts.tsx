// The keyboard shortcuts' help sheet (?): the list lib/shortcuts.ts holds.
import { signal } from '@preact/signals';
import { useRef } from 'preact/hooks';
import { useDialog } from '../lib/dialog';
import { SHORTCUTS } from '../lib/shortcuts';
import { t } from '../lib/i18n';

export const helpOpen = signal(false);

export function ShortcutHelp() {
  return helpOpen.value ? <Sheet /> : null;
}

function Sheet() {
  const ref = useRef<HTMLDivElement>(null);
  useDialog(ref, () => (helpOpen.value = false));
  return (
    <div class="overlay" onClick={(e) => e.target === e.currentTarget && (helpOpen.value = false)}>
      <div class="dialog shortcuts" role="dialog" aria-modal="true" aria-label={t('shortcuts.title')} ref={ref}>
        <h2>{t('shortcuts.title')}</h2>
        <table>
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.action}>
                <td>{s.keys.map((k, i) => <>{i > 0 && t('shortcuts.or')}<kbd>{k.replace(/^Ctrl\b/, t('shortcuts.ctrl'))}</kbd></>)}</td>
                <td>{t(s.label)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div class="dialog-buttons">
          <button onClick={() => (helpOpen.value = false)}>{t('common.close')}</button>
        </div>
      </div>
    </div>
  );
}
