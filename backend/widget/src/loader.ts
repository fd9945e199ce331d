// The deskchat loader: the one script a website embeds. It adds a launcher
// button and an iframe that shows the chat window from the chat server's
// own origin, so the host page's CSS and JS cannot reach the conversation.
// It talks to the frame only by postMessage with an explicit target origin
// and checks origin and source of everything it receives.
//
// API: window.deskchat.open(), .close(), .toggle(), .identify({name, email}).

import { FALLBACK, matchLanguage } from '../../../frontend/src/lib/langmatch';
import catalogs from 'deskchat:catalogs?keys=widget.open_chat,widget.close_chat,widget.unread_messages,widget.chat_window';

type Message = { type: string; [k: string]: unknown };

(() => {
  const w = window as unknown as { deskchat?: { loaded?: boolean } };
  if (w.deskchat?.loaded) return; // idempotent: a second tag does nothing

  const script =
    (document.currentScript as HTMLScriptElement | null) ??
    document.querySelector<HTMLScriptElement>('script[src*="/widget.js"]');
  if (!script) return;
  const server = new URL(script.src).origin;

  // The language: the tag's data-lang, else the page's <html lang>, else
  // the browser's. The chat window is told the page's choice and picks
  // its catalog by the same rule (the first primary subtag with one, else
  // English); the labels here follow it.
  const asked = script.dataset.lang || document.documentElement.lang || '';
  const texts = { ...catalogs[FALLBACK].widget, ...catalogs[matchLanguage(catalogs, [asked, ...(navigator.languages ?? []), navigator.language])].widget };

  // Nothing here is inline markup or an inline stylesheet: a host page with
  // a strict Content-Security-Policy (style-src 'self', no 'unsafe-inline',
  // even require-trusted-types-for 'script') governs those, and would drop
  // them. Styles are set through the CSSOM (element.style), which no CSP
  // directive governs; elements are made with createElement, never from
  // HTML strings. The host page needs script-src and frame-src for the chat
  // server, nothing else.
  type Style = Record<string, string>;
  const css = (el: HTMLElement, style: Style) => {
    for (const [k, v] of Object.entries(style)) el.style.setProperty(k, v, 'important');
  };
  const host = document.createElement('div');
  host.setAttribute('data-deskchat', '');
  css(host, { all: 'initial' });
  const root = host.attachShadow({ mode: 'open' });
  const font = 'system-ui, -apple-system, "Segoe UI", sans-serif';
  const button = document.createElement('button');
  button.type = 'button';
  button.setAttribute('aria-label', texts.open_chat);
  button.setAttribute('aria-expanded', 'false');
  button.textContent = '💬';
  css(button, {
    position: 'fixed', right: '20px', bottom: '20px', width: '56px', height: '56px', 'border-radius': '50%',
    border: '0', background: '#2563eb', color: '#fff', cursor: 'pointer', 'box-shadow': '0 4px 14px rgba(0,0,0,.25)',
    'z-index': '2147483646', font: `600 24px/56px ${font}`, padding: '0', margin: '0', display: 'block',
  });
  const badge = document.createElement('span');
  badge.className = 'badge';
  badge.setAttribute('aria-label', texts.unread_messages);
  css(badge, {
    position: 'absolute', top: '-4px', right: '-4px', 'min-width': '20px', height: '20px', 'border-radius': '10px',
    background: '#dc2626', color: '#fff', font: `700 12px/20px ${font}`, 'text-align': 'center', padding: '0 4px',
    'box-sizing': 'border-box', display: 'none',
  });
  button.append(badge);
  const frame = document.createElement('iframe');
  frame.title = texts.chat_window;
  frame.src = `${server}/widget/frame?origin=${encodeURIComponent(location.origin)}${asked ? `&lang=${encodeURIComponent(asked)}` : ''}`;
  const phone = window.matchMedia('(max-width: 480px)');
  let shown = false;
  const layout = () => {
    css(frame, {
      position: 'fixed', border: '0', 'z-index': '2147483647', background: '#fff', display: shown ? 'block' : 'none',
      ...(phone.matches
        ? { right: '0', bottom: '0', width: '100vw', height: '100vh', 'border-radius': '0', 'box-shadow': 'none' }
        : { right: '20px', bottom: '88px', width: '380px', height: 'min(600px, calc(100vh - 108px))', 'border-radius': '12px',
            'box-shadow': '0 8px 30px rgba(0,0,0,.25)' }),
    });
  };
  layout();
  phone.addEventListener('change', layout);
  root.append(frame, button);

  let ready = false;
  const queue: Message[] = [];
  const post = (msg: Message) => {
    if (ready && frame.contentWindow) frame.contentWindow.postMessage(msg, server);
    else queue.push(msg);
  };

  const open = () => {
    shown = true;
    layout();
    button.setAttribute('aria-expanded', 'true');
    button.setAttribute('aria-label', texts.close_chat);
    post({ type: 'open' });
  };
  const close = () => {
    shown = false;
    layout();
    button.setAttribute('aria-expanded', 'false');
    button.setAttribute('aria-label', texts.open_chat);
    post({ type: 'close' });
    button.focus();
  };
  const toggle = () => (shown ? close() : open());
  const identify = (who: { name?: unknown; email?: unknown }) => {
    // Passed whole: the chat window checks them (a name too long is
    // refused there, never cut).
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    post({ type: 'identify', name: str(who?.name), email: str(who?.email) });
  };

  button.addEventListener('click', toggle);
  window.addEventListener('message', (e: MessageEvent) => {
    if (e.origin !== server || e.source !== frame.contentWindow) return;
    const d = e.data as Message;
    if (!d || typeof d.type !== 'string') return;
    if (d.type === 'ready') {
      ready = true;
      queue.splice(0).forEach(post);
      if (shown) post({ type: 'open' });
    } else if (d.type === 'unread') {
      const n = typeof d.count === 'number' ? d.count : 0;
      badge.textContent = n > 9 ? '9+' : String(n);
      css(badge, { display: n <= 0 || shown ? 'none' : 'block' });
    } else if (d.type === 'close') {
      close();
    }
  });

  // The page the visitor is on, as it changes (links, history): the chat
  // window records it, throttled, as the customer's last page. Origin and
  // path only: a query or a fragment may hold a reset link's token or a
  // session id, which the helpdesk has no business keeping.
  let page = '';
  const tellPage = () => {
    const here = location.origin + location.pathname;
    if (here !== page) post({ type: 'page', url: (page = here) });
  };
  tellPage();
  window.addEventListener('popstate', tellPage);
  window.addEventListener('hashchange', tellPage);
  setInterval(tellPage, 2000);

  w.deskchat = Object.freeze({ loaded: true, open, close, toggle, identify });
  const mount = () => document.body.append(host);
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
