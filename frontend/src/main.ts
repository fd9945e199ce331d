import './style.css';

/** Renders the agent app shell into root. All text goes through textContent. */
export function renderShell(root: HTMLElement): void {
  const shell = document.createElement('main');
  shell.className = 'shell';

  const title = document.createElement('h1');
  title.textContent = 'deskchat — agent app';

  const status = document.createElement('p');
  status.textContent = 'Sign-in coming soon.';

  shell.append(title, status);
  root.replaceChildren(shell);
}

const root = document.getElementById('app');
if (root) {
  renderShell(root);
}
