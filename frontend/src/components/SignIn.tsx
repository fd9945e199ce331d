// Sign in to a chat server, or use the local helpdesk with demo data.
import { useState } from 'preact/hooks';
import { busy, sessionError, signIn, useLocalHelpdesk } from '../stores/session';
import { t } from '../lib/i18n';

export function SignIn() {
  const [url, setUrl] = useState('http://');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  return (
    <main class="signin">
      <h1>deskchat</h1>
      <form
        aria-label={t('signin.title')}
        onSubmit={(e) => {
          e.preventDefault();
          signIn(url, email, password);
        }}
      >
        <label>{t('signin.server')}<input value={url} onInput={(e) => setUrl((e.currentTarget as HTMLInputElement).value)} required /></label>
        <label>{t('signin.email')}<input type="email" value={email} onInput={(e) => setEmail((e.currentTarget as HTMLInputElement).value)} required /></label>
        <label>{t('signin.password')}<input type="password" value={password} onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)} required /></label>
        <button type="submit" class="primary" disabled={busy.value}>{t('signin.title')}</button>
      </form>
      <button onClick={useLocalHelpdesk} disabled={busy.value}>{t('signin.local')}</button>
      {sessionError.value && <div class="error" role="alert">{sessionError.value}</div>}
    </main>
  );
}
