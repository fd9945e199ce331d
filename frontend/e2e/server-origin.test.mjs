// Cross-site WebSocket hijacking, checked in real Chromium against the real
// deskchat-server binary (DESKCHAT_SERVER, built by `make server`): a page on
// an allowed origin can open a stream, a page on a foreign origin cannot,
// even holding a valid token, and cannot create customer sessions either.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { launchBrowser, serveDir, startServer } from './helpers.mjs';

/** In the page: open the stream, say hello, report the first frame or the close. */
function openStream([wsURL, token]) {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsURL);
    ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', token }));
    ws.onmessage = (e) => {
      resolve({ frame: JSON.parse(e.data).type });
      ws.close();
    };
    ws.onclose = (e) => resolve({ closed: e.code });
  });
}

test('streams open only from allowed origins', async (t) => {
  const pages = await mkdtemp(join(tmpdir(), 'deskchat-e2e-pages-'));
  t.after(() => rm(pages, { recursive: true, force: true }));
  await writeFile(join(pages, 'index.html'), '<!doctype html><title>site</title><p>a website</p>');
  const allowedSite = await serveDir(pages);
  t.after(allowedSite.close);
  const foreignSite = await serveDir(pages);
  t.after(foreignSite.close);

  const server = await startServer(t, ['--allow-origin', allowedSite.url]);
  const wsURL = server.replace('http', 'ws') + '/v1/stream';

  // A customer token, obtained the way a non-browser client would.
  const res = await fetch(`${server}/v1/widget/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'E2E customer' }),
  });
  assert.equal(res.status, 201);
  const { token } = await res.json();

  const { context, close } = await launchBrowser();
  t.after(close);

  const allowed = await context.newPage();
  await allowed.goto(`${allowedSite.url}/`);
  assert.deepEqual(await allowed.evaluate(openStream, [wsURL, token]), { frame: 'welcome' });

  const foreign = await context.newPage();
  await foreign.goto(`${foreignSite.url}/`);
  // The upgrade is refused with 403 before any frame: the browser sees 1006.
  assert.deepEqual(await foreign.evaluate(openStream, [wsURL, token]), { closed: 1006 });

  // Nor can the foreign page create customer sessions or read API answers.
  const fetchResult = await foreign.evaluate(async (url) => {
    try {
      const r = await fetch(`${url}/v1/widget/session`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
      return `status ${r.status}`;
    } catch (err) {
      return `blocked: ${err.name}`;
    }
  }, server);
  assert.equal(fetchResult, 'blocked: TypeError');
});
