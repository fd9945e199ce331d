// Sign in to a chat server, or use the local helpdesk with demo data.
import { useState } from 'preact/hooks';
import { busy, sessionError, signIn, useLocalHelpdesk } from '../stores/session';

export function SignIn() {
  const [url, setUrl] = useState('http://');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  return (
    <main class="signin">
      <h1>deskchat</h1>
      <form
        aria-label="Sign in"
        onSubmit={(e) => {
          e.preventDefault();
          signIn(url, email, password);
        }}
      >
        <label>Server address<input value={url} onInput={(e) => setUrl((e.currentTarget as HTMLInputElement).value)} required /></label>
        <label>E-mail<input type="email" value={email} onInput={(e) => setEmail((e.currentTarget as HTMLInputElement).value)} required /></label>
        <label>Password<input type="password" value={password} onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)} required /></label>
        <button type="submit" class="primary" disabled={busy.value}>Sign in</button>
      </form>
      <button onClick={useLocalHelpdesk} disabled={busy.value}>Use the local helpdesk (demo data)</button>
      {sessionError.value && <div class="error" role="alert">{sessionError.value}</div>}
    </main>
  );
}
