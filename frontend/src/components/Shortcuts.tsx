// The keyboard shortcuts' help sheet (?): the list lib/shortcuts.ts holds.
import { signal } from '@preact/signals';
import { useRef } from 'preact/hooks';
import { useDialog } from '../lib/dialog';
import { SHORTCUTS } from '../lib/shortcuts';

export const helpOpen = signal(false);

export function ShortcutHelp() {
  return helpOpen.value ? <Sheet /> : null;
}

function Sheet() {
  const ref = useRef<HTMLDivElement>(null);
  useDialog(ref, () => (helpOpen.value = false));
  return (
    <div class="overlay" onClick={(e) => e.target === e.currentTarget && (helpOpen.value = false)}>
      <div class="dialog shortcuts" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" ref={ref}>
        <h2>Keyboard shortcuts</h2>
        <table>
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.action}>
                <td>{s.keys.map((k, i) => <>{i > 0 && ' or '}<kbd>{k}</kbd></>)}</td>
                <td>{s.label}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div class="dialog-buttons">
          <button onClick={() => (helpOpen.value = false)}>Close</button>
        </div>
      </div>
    </div>
  );
}
