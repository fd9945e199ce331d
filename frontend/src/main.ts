import './style.css';

// The bound Go services, when running inside the desktop app. Used through
// window.go so the shell also loads in a plain browser (tests).
type Bound = {
  SessionService?: { Status(): Promise<any> };
  InboxService?: { ListConversations(p: object): Promise<any[]> };
};
const bound = (): Bound | undefined => (window as any).go?.app;

/** Renders the agent app shell into root. All text goes through textContent. */
export function renderShell(root: HTMLElement): { status: HTMLElement; list: HTMLElement } {
  const shell = document.createElement('main');
  shell.className = 'shell';

  const title = document.createElement('h1');
  title.textContent = 'deskchat — agent app';

  const status = document.createElement('p');
  status.textContent = 'Connecting…';
  const list = document.createElement('ul');
  list.setAttribute('aria-label', 'Open conversations from customers');

  shell.append(title, status, list);
  root.replaceChildren(shell);
  return { status, list };
}

async function refresh(status: HTMLElement, list: HTMLElement) {
  const go = bound();
  if (!go?.SessionService) return;
  const s = await go.SessionService.Status();
  const who = s.user?.name ? `Signed in as ${s.user.name}` : 'Not signed in';
  const where = s.local ? 'local helpdesk' : s.server_url || '';
  const preview = s.preview_url ? ` · widget preview: ${s.preview_url}` : '';
  status.textContent = `${who} · ${where} · sync: ${s.sync?.phase ?? 'starting'}${preview}`;
  if (!s.signed_in || !go.InboxService) return;
  const convs = await go.InboxService.ListConversations({ section: 'customers', status: 'open', limit: 20 }).catch(() => []);
  list.replaceChildren(
    ...convs.map((c) => {
      const li = document.createElement('li');
      const name = c.customer?.name || c.customer?.email || 'Customer';
      li.textContent = `${name}${c.unread ? ` (${c.unread} new)` : ''}: ${c.last_message?.text ?? ''}`;
      return li;
    }),
  );
}

const root = document.getElementById('app');
if (root) {
  const { status, list } = renderShell(root);
  const tick = () => refresh(status, list).catch(() => undefined);
  tick();
  setInterval(tick, 1000);
}
