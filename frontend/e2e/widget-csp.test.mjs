// The widget on a host page with a strict Content-Security-Policy: the page
// allows the chat server for scripts and frames only, styles from itself
// only ('unsafe-inline' nowhere) and requires Trusted Types for scripts.
// Exactly what the README tells site owners to allow must be enough: the
// launcher and the chat window keep their fixed place and size, nothing is
// refused (no securitypolicyviolation), and a customer can chat.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { api, launchBrowser, startServer } from './helpers.mjs';

const artifacts = fileURLToPath(new URL('./artifacts/', import.meta.url));


test('the widget works on a page with a strict Content-Security-Policy', async (t) => {
  await mkdir(artifacts, { recursive: true });
  // The host page's origin must be allowed on the chat server; its port is
  // only known once it listens, so the page is served first.
  let html = '';
  const srv = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': csp });
    res.end(html);
  });
  let csp = '';
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  // The browser keeps its connection alive: end it, or close() waits for it.
  t.after(() => new Promise((r) => { srv.closeAllConnections(); srv.close(r); }));
  const site = `http://127.0.0.1:${srv.address().port}`;
  const server = await startServer(t, ['--demo', '--allow-origin', site]);
  // The README's policy: the chat server for script-src and frame-src.
  csp = `default-src 'none'; script-src ${server}; frame-src ${server}; style-src 'self'; img-src 'self'; require-trusted-types-for 'script'`;
  html = `<!doctype html><html><head><title>strict shop</title></head><body>
    <main><h1>A shop with a strict policy</h1><p>Content</p></main>
    <script src="${server}/widget.js" async></script></body></html>`;

  const { page, close } = await launchBrowser();
  t.after(close);
  const violations = [];
  await page.exposeFunction('__cspViolation', (v) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__cspViolation(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
  });
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${site}/`);

  const launcher = page.locator('[data-deskchat] button');
  await launcher.waitFor();
  const look = (sel) => page.evaluate((sel) => {
    const el = document.querySelector('[data-deskchat]').shadowRoot.querySelector(sel);
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return { position: s.position, display: s.display, width: r.width, height: r.height, right: innerWidth - r.right, bottom: innerHeight - r.bottom, radius: s.borderRadius };
  }, sel);
  const b = await look('button');
  assert.deepEqual({ position: b.position, width: b.width, height: b.height, right: b.right, bottom: b.bottom },
    { position: 'fixed', width: 56, height: 56, right: 20, bottom: 20 }, 'the launcher keeps its fixed place and size');
  assert.equal(b.radius, '50%');

  await launcher.click();
  const frame = page.frameLocator('iframe[title="Chat window"]');
  await frame.locator('h1').filter({ hasText: 'Chat with us' }).waitFor();
  const f = await look('iframe');
  assert.deepEqual({ position: f.position, width: f.width, height: f.height, right: f.right, bottom: f.bottom },
    { position: 'fixed', width: 380, height: 600, right: 20, bottom: 88 }, 'the chat window keeps its fixed place and size');
  await page.screenshot({ path: `${artifacts}widget-strict-csp.png` });

  // A customer can chat through it.
  await frame.getByRole('button', { name: 'Skip' }).click();
  const box = frame.getByRole('textbox', { name: 'Message', exact: true });
  await box.fill('Hello from a strict page');
  await box.press('Enter');
  await frame.locator('ol.log li.msg.mine:not(.pending)').filter({ hasText: 'Hello from a strict page' }).waitFor();
  const { token } = await api(server, 'POST', '/v1/auth/login', { body: { email: 'ben@deskchat.test', password: 'deskchat-demo' } });
  const { conversations } = await api(server, 'GET', '/v1/conversations?section=customers&status=open', { token });
  assert.ok(conversations.some((c) => c.last_message?.text === 'Hello from a strict page'));

  // Closing hides the window; the phone layout takes the whole screen.
  await launcher.click();
  assert.equal((await look('iframe')).display, 'none');
  await page.setViewportSize({ width: 400, height: 700 });
  await launcher.click();
  const p = await look('iframe');
  assert.deepEqual({ position: p.position, width: p.width, height: p.height }, { position: 'fixed', width: 400, height: 700 });

  assert.deepEqual(violations, [], 'the host page refused something the widget did');
  assert.deepEqual(errors.filter((e) => /Content.Security.Policy|Trusted Type/i.test(e)), []);
});
