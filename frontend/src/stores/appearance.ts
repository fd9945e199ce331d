// The app's language and theme follow the desktop settings (Prefs): the
// language chosen in Settings or the system's, the theme chosen or the
// system's (style.css: data-theme on the root element).
import { effect } from '@preact/signals';
import { setLanguage } from '../lib/i18n';
import { prefs } from './session';

/** watchAppearance applies prefs' language and theme now and whenever
 * they change; before prefs arrive, the browser's language. */
export function watchAppearance(): () => void {
  return effect(() => {
    const p = prefs.value;
    setLanguage(p?.language || p?.system_language || navigator.language);
    const root = document.documentElement;
    if (p?.theme) root.dataset.theme = p.theme;
    else delete root.dataset.theme;
  });
}
