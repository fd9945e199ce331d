// The customer widget in real Chromium against the real server: a customer
// opens /preview and writes, an agent answers through the API, the
// helpdesk goes offline live, hostile text from both sides stays text, a
// reload and a second tab keep the history, a message written offline is
// sent once when the network returns, a phone-sized viewport works, and a
// site that is not allowed cannot embed the chat window. Screenshots go to
// frontend/e2e/artifacts/.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { api, launchBrowser, serveDir, startServer } from './helpers.mjs';

// axe-core, run in the chat window (evaluated through the DevTools
// protocol: the window's CSP allows no injected script, rightly).
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
async function axeViolations(frameLocator) {
  const frame = await (await frameLocator.owner().elementHandle()).contentFrame();
  await frame.evaluate(AXE);
  return frame.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
}

const artifacts = fileURLToPath(new URL('./artifacts/', import.meta.url));
const XSS_CUSTOMER = '<img src=x onerror="window.__xss=1;parent.__xss=1"> <script>window.__xss=2</script>';
const XSS_AGENT = '<svg onload="window.__xss=3"></svg> javascript:window.__xss=4 https://example.com/?q=<b>bold</b>';

test('customer widget end to end', async (t) => {
  await mkdir(artifacts, { recursive: true });
  const server = await startServer(t, ['--demo']);
  const { token: ben } = await api(server, 'POST', '/v1/auth/login', { body: { email: 'ben@deskchat.test', password: 'deskchat-demo' } });
  const { context, page, close } = await launchBrowser();
  t.after(close);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));

  // 1. The customer opens the preview and the widget.
  await page.goto(`${server}/preview`);
  await page.locator('button[aria-label="Open chat"]').click();
  const frame = page.frameLocator('iframe[title="Chat window"]');
  await frame.locator('h1').filter({ hasText: 'Chat with us' }).waitFor();
  await frame.getByLabel('Your name').fill('Sally E2E');
  await frame.getByRole('button', { name: 'Start chat' }).click();
  const box = frame.getByRole('textbox', { name: 'Message', exact: true });
  await box.fill('Hello from the widget');
  await box.press('Enter');
  const log = frame.locator('ol.log');
  await log.locator('li.msg.mine:not(.pending)').filter({ hasText: 'Hello from the widget' }).waitFor();

  // 2. An agent answers through the API; the reply appears live.
  const { conversations } = await api(server, 'GET', '/v1/conversations?section=customers&status=open', { token: ben });
  const conv = conversations.find((c) => c.customer?.name === 'Sally E2E');
  assert.ok(conv, 'the widget conversation reached the agent');
  await api(server, 'POST', `/v1/conversations/${conv.id}/messages`, { token: ben, body: { client_id: 'r1', text: 'Hi Sally, Ben here.' } });
  const reply = log.locator('li.msg.theirs').filter({ hasText: 'Hi Sally, Ben here.' });
  await reply.waitFor();
  assert.equal(await reply.locator('.who').textContent(), 'Ben Support');

  // 3. The helpdesk goes offline: the offline message appears live.
  await api(server, 'PUT', '/v1/helpdesk/online', { token: ben, body: { online: false } });
  await frame.locator('p.status.offline').filter({ hasText: "We're offline right now" }).waitFor();

  // 4. Hostile text from both sides is shown as text and runs nothing.
  await box.fill(XSS_CUSTOMER);
  await box.press('Enter');
  await api(server, 'POST', `/v1/conversations/${conv.id}/messages`, { token: ben, body: { client_id: 'x1', text: XSS_AGENT } });
  await log.locator('li.msg.mine:not(.pending)').filter({ hasText: '<script>window.__xss=2</script>' }).waitFor();
  await log.locator('li.msg.theirs').filter({ hasText: '<svg onload=' }).waitFor();
  assert.equal(await log.locator('img, svg, script, b').count(), 0, 'markup from messages became elements');
  const link = log.locator('a[href^="https://example.com/"]');
  assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
  assert.equal(await log.locator('a[href^="javascript"]').count(), 0);
  const chatFrame = page.frames().find((f) => f.url().includes('/widget/frame'));
  await new Promise((r) => setTimeout(r, 300)); // give any injected handler a chance to fire
  assert.equal(await chatFrame.evaluate(() => window.__xss), undefined);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  await page.screenshot({ path: join(artifacts, 'widget-open.png') });

  // 5. A reload keeps the history; so does a second tab.
  await page.reload();
  await page.locator('button[aria-label="Open chat"]').click();
  await frame.locator('ol.log li.msg').filter({ hasText: 'Hello from the widget' }).waitFor();
  await frame.locator('ol.log li.msg').filter({ hasText: 'Hi Sally, Ben here.' }).waitFor();
  const tab2 = await context.newPage();
  await tab2.goto(`${server}/preview`);
  await tab2.locator('button[aria-label="Open chat"]').click();
  await tab2.frameLocator('iframe[title="Chat window"]').locator('ol.log li.msg').filter({ hasText: 'Hi Sally, Ben here.' }).waitFor();
  await tab2.close();

  // 6. Written while the network is down: pending, then sent exactly once.
  await context.setOffline(true);
  await box.fill('sent while offline');
  await box.press('Enter');
  await log.locator('li.msg.pending').filter({ hasText: 'sent while offline' }).waitFor();
  await context.setOffline(false);
  await page.evaluate(() => 0); // let the page see the network return
  await log.locator('li.msg.mine:not(.pending)').filter({ hasText: 'sent while offline' }).waitFor({ timeout: 15_000 });
  const { messages } = await api(server, 'GET', `/v1/conversations/${conv.id}/messages?limit=200`, { token: ben });
  assert.equal(messages.filter((m) => m.text === 'sent while offline').length, 1);
  assert.equal(messages.filter((m) => m.system === 'offline_reply').length, 1, 'one automatic offline reply');
  // 7. Closed window: an agent's reply shows as an unread badge on the launcher.
  await page.locator('button[aria-label="Close chat"]').click();
  await api(server, 'POST', `/v1/conversations/${conv.id}/messages`, { token: ben, body: { client_id: 'b1', text: 'Are you still there?' } });
  const badge = page.locator('[data-deskchat] .badge');
  await badge.filter({ hasText: '1' }).waitFor();
  await page.locator('button[aria-label="Open chat"]').click();
  await badge.waitFor({ state: 'hidden' });
  assert.deepEqual(errors, []);
});

test('phone-sized viewport', async (t) => {
  await mkdir(artifacts, { recursive: true });
  const server = await startServer(t);
  const { context, close } = await launchBrowser();
  t.after(close);
  const page = await context.newPage();
  await page.setViewportSize({ width: 375, height: 667 });
  await page.goto(`${server}/preview`);
  await page.locator('button[aria-label="Open chat"]').click();
  const iframe = page.locator('iframe[title="Chat window"]');
  await page.frameLocator('iframe[title="Chat window"]').getByRole('button', { name: 'Skip' }).click();
  const box = await iframe.boundingBox();
  assert.equal(Math.round(box.width), 375);
  await page.screenshot({ path: join(artifacts, 'widget-phone.png') });
  // Keyboard: the close button in the window closes it.
  await page.frameLocator('iframe[title="Chat window"]').getByRole('button', { name: 'Close chat' }).click();
  await iframe.waitFor({ state: 'hidden' });
});

test('only allowed sites can embed the chat window', async (t) => {
  const pages = await mkdtemp(join(tmpdir(), 'deskchat-sites-'));
  t.after(() => rm(pages, { recursive: true, force: true }));
  const allowedSite = await serveDir(pages);
  t.after(allowedSite.close);
  const foreignSite = await serveDir(pages);
  t.after(foreignSite.close);
  const server = await startServer(t, ['--allow-origin', allowedSite.url]);
  await writeFile(join(pages, 'index.html'),
    `<!doctype html><title>shop</title><p>A shop</p><script src="${server}/widget.js" async></script><script src="${server}/widget.js" async></script>`);
  const { context, close } = await launchBrowser();
  t.after(close);

  const hasChat = async (page) => {
    const f = page.frames().find((fr) => fr.url().includes('/widget/frame'));
    return f ? f.evaluate(() => !!document.getElementById('app')).catch(() => false) : false;
  };
  const allowed = await context.newPage();
  await allowed.goto(`${allowedSite.url}/`);
  assert.equal(await allowed.locator('[data-deskchat]').count(), 1, 'the loader is idempotent');
  await allowed.locator('button[aria-label="Open chat"]').click();
  await allowed.frameLocator('iframe[title="Chat window"]').locator('h1').waitFor();
  assert.equal(await hasChat(allowed), true);

  const foreign = await context.newPage();
  await foreign.goto(`${foreignSite.url}/`);
  await foreign.locator('button[aria-label="Open chat"]').click();
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(await hasChat(foreign), false, 'a foreign site embedded the chat window');
  // Nor can it open the widget's stream directly.
  const closed = await foreign.evaluate((url) => new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.onopen = () => resolve('open');
    ws.onclose = (e) => resolve(`closed ${e.code}`);
  }), server.replace('http', 'ws') + '/v1/stream');
  assert.equal(closed, 'closed 1006');
});

test('sending survives slow answers, a bad identify and two tabs', async (t) => {
  const server = await startServer(t, ['--demo']);
  const { token: ben } = await api(server, 'POST', '/v1/auth/login', { body: { email: 'ben@deskchat.test', password: 'deskchat-demo' } });
  const { context, close } = await launchBrowser();
  t.after(close);
  // Every customer session and first message answers slowly, so the second
  // tab and the second message arrive while the first is in flight.
  await context.route('**/v1/widget/session', async (route) => {
    await new Promise((r) => setTimeout(r, 800));
    await route.continue();
  });
  const open = async (page) => {
    await page.goto(`${server}/preview`);
    await page.locator('button[aria-label="Open chat"]').click();
    return page.frameLocator('iframe[title="Chat window"]');
  };
  const tab1 = await context.newPage();
  const f1 = await open(tab1);
  // The host page passes an address the server refuses: chat still works.
  await tab1.evaluate(() => window.deskchat.identify({ name: 'Twin Tabs', email: 'Sam Smith <sam@example.com>' }));
  const box1 = f1.getByRole('textbox', { name: 'Message', exact: true });
  await box1.fill('first message');
  await box1.press('Enter');
  await box1.fill('second message, typed while the first is sending');
  await box1.press('Enter');
  const tab2 = await context.newPage();
  await open(tab2); // its frame flushes the same shared outbox
  for (const text of ['first message', 'second message, typed while the first is sending']) {
    await f1.locator('ol.log li.msg.mine:not(.pending)').filter({ hasText: text }).waitFor({ timeout: 15_000 });
  }
  const { conversations } = await api(server, 'GET', '/v1/conversations?section=customers', { token: ben });
  const mine = conversations.filter((c) => c.customer?.name === 'Twin Tabs');
  assert.equal(mine.length, 1, 'one customer, one conversation');
  const { messages } = await api(server, 'GET', `/v1/conversations/${mine[0].id}/messages`, { token: ben });
  assert.deepEqual(messages.filter((m) => !m.system).map((m) => m.text), ['first message', 'second message, typed while the first is sending']);
});

// Attachments: the customer pastes a screenshot (made on a canvas, as a
// clipboard image is), the agent reads it and answers with a PDF, which
// the customer downloads from the widget, byte for byte.
test('files both ways in the widget', async (t) => {
  await mkdir(artifacts, { recursive: true });
  const server = await startServer(t, ['--demo']);
  const { token: ben } = await api(server, 'POST', '/v1/auth/login', { body: { email: 'ben@deskchat.test', password: 'deskchat-demo' } });
  const { page, close } = await launchBrowser();
  t.after(close);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server}/preview`);
  await page.locator('button[aria-label="Open chat"]').click();
  const frame = page.frameLocator('iframe[title="Chat window"]');
  await frame.getByLabel('Your name').fill('Paula Paste');
  await frame.getByRole('button', { name: 'Start chat' }).click();
  const box = frame.getByRole('textbox', { name: 'Message', exact: true });

  // 1. A paste of an image stages it: uploaded at once, sent with the text.
  await box.evaluate(async (el) => {
    const c = document.createElement('canvas');
    c.width = 900; c.height = 500;
    const g = c.getContext('2d');
    g.fillStyle = '#fee2e2'; g.fillRect(0, 0, 900, 500);
    g.fillStyle = '#991b1b'; g.font = 'bold 64px sans-serif'; g.fillText('Error 500 at checkout', 60, 260);
    const blob = await new Promise((r) => c.toBlob(r, 'image/png'));
    const dt = new DataTransfer();
    dt.items.add(new File([blob], 'image.png', { type: 'image/png' }));
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  });
  const tray = frame.locator('ul.tray');
  await tray.locator('li').filter({ hasText: 'image.png' }).filter({ hasText: 'KB' }).waitFor();
  await box.fill('This is what I see');
  await box.press('Enter');
  const mine = frame.locator('ol.log li.msg.mine:not(.pending)').filter({ hasText: 'This is what I see' });
  const thumb = mine.locator('button.file.image img');
  await thumb.waitFor();
  for (let i = 0; i < 100 && !(await thumb.evaluate((img) => img.complete && img.naturalWidth > 0)); i++) await page.waitForTimeout(50);
  assert.ok(await thumb.evaluate((img) => img.complete && img.naturalWidth > 0), 'the thumbnail shows');
  assert.equal(await tray.isHidden(), true, 'the tray empties once sent');

  // 2. The agent reads it: the image inline type, its thumbnail.
  const { conversations } = await api(server, 'GET', '/v1/conversations?section=customers&status=open', { token: ben });
  const conv = conversations.find((c) => c.customer?.name === 'Paula Paste');
  const { messages } = await api(server, 'GET', `/v1/conversations/${conv.id}/messages`, { token: ben });
  const sent = messages.find((m) => m.text === 'This is what I see');
  assert.equal(sent.attachments.length, 1);
  assert.deepEqual([sent.attachments[0].type, sent.attachments[0].image, sent.attachments[0].width], ['image/png', true, 900]);
  const th = await fetch(`${server}/v1/attachments/${sent.attachments[0].id}/thumbnail`, { headers: { Authorization: `Bearer ${ben}` } });
  assert.equal(th.status, 200);
  assert.equal(th.headers.get('content-type'), 'image/jpeg');

  // 3. The customer opens it large; Escape closes.
  await page.screenshot({ path: join(artifacts, 'widget-image-inline.png') });
  await thumb.click();
  const viewer = frame.locator('.viewer');
  await viewer.locator('img').waitFor();
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(artifacts, 'widget-image-viewer.png') });
  await viewer.press('Escape');
  assert.equal(await viewer.isHidden(), true);

  // 4. The agent answers with a PDF; the customer downloads it.
  const pdf = Buffer.from('%PDF-1.4\n% the returns guide\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
  const up = await fetch(`${server}/v1/uploads?name=${encodeURIComponent('Returns guide.pdf')}`, {
    method: 'POST', headers: { Authorization: `Bearer ${ben}`, 'Content-Type': 'application/pdf' }, body: pdf,
  });
  assert.equal(up.status, 201);
  const att = await up.json();
  await api(server, 'POST', `/v1/conversations/${conv.id}/messages`, { token: ben, body: { client_id: 'pdf-1', text: 'Here is our guide', attachments: [att.id] } });
  const file = frame.locator('ol.log li.msg.theirs').filter({ hasText: 'Here is our guide' }).locator('button.file');
  await file.waitFor();
  assert.match(await file.textContent(), /Returns guide\.pdf · \d+ bytes/);
  const [download] = await Promise.all([page.waitForEvent('download'), file.click()]);
  assert.equal(download.suggestedFilename(), 'Returns guide.pdf');
  const dir = await mkdtemp(join(tmpdir(), 'deskchat-dl-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await download.saveAs(join(dir, 'guide.pdf'));
  assert.deepEqual(await readFile(join(dir, 'guide.pdf')), pdf);

  // 5. Too large is refused before it is sent, with the limit.
  await box.evaluate((el) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(10 * 1024 * 1024 + 1)], 'huge.bin'));
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  });
  await tray.locator('li.over').filter({ hasText: /Larger than \u2068?10 MB/ }).waitFor(); // the size isolated, as t() does
  await page.screenshot({ path: join(artifacts, 'widget-files.png') });
  assert.deepEqual(errors, []);
});

// The customer's last page follows the visitor around the site, and the
// widget's configuration (the greeting too) follows the admin live.
test('the last page and the configuration follow live', async (t) => {
  const server = await startServer(t, ['--demo']);
  const { token: anna } = await api(server, 'POST', '/v1/auth/login', { body: { email: 'anna@deskchat.test', password: 'deskchat-demo' } });
  const { page, close } = await launchBrowser();
  t.after(close);
  await page.goto(`${server}/preview`);
  await page.locator('button[aria-label="Open chat"]').click();
  const frame = page.frameLocator('iframe[title="Chat window"]');
  await frame.getByRole('button', { name: 'Skip' }).click();
  const box = frame.getByRole('textbox', { name: 'Message', exact: true });
  await box.fill('Where do I find the prices?');
  await box.press('Enter');
  await frame.locator('li.msg.mine:not(.pending)').waitFor();
  const { conversations } = await api(server, 'GET', '/v1/conversations?section=customers&status=open', { token: anna });
  const conv = conversations.find((c) => c.last_message?.text === 'Where do I find the prices?');
  const lastPage = async () => (await api(server, 'GET', `/v1/customers/${conv.customer_id}`, { token: anna })).page_url;
  assert.equal(await lastPage(), `${server}/preview`);
  // The visitor moves on (a single-page app's navigation).
  // Origin and path only: a query or a fragment may hold a token.
  await page.evaluate(() => history.pushState({}, '', '/pricing?reset_token=s3cret#access_token=abc'));
  for (let i = 0; i < 100 && (await lastPage()) !== `${server}/pricing`; i++) await page.waitForTimeout(100);
  assert.equal(await lastPage(), `${server}/pricing`);
  // The admin changes the greeting: the open widget shows it at once.
  await api(server, 'PATCH', '/v1/settings', { token: anna, body: { greeting: 'Welcome back! Ask away.' } });
  await frame.locator('ol.log li.note').filter({ hasText: 'Welcome back! Ask away.' }).waitFor();
});

// The widget's language: the embedding tag's data-lang (over the page's
// <html lang>), else the page's <html lang>, else the browser's. German
// pages show a German window with nothing of the English catalog left (the
// admin wrote the texts in German too), times in German; English by
// default. The helpdesk learns the customer's language.
test('the widget speaks the page\'s language', async (t) => {
  await mkdir(artifacts, { recursive: true });
  const catalog = async (l) => JSON.parse(await readFile(new URL(`../../locales/${l}.json`, import.meta.url), 'utf8'));
  const [en, de] = [await catalog('en'), await catalog('de')];
  const pages = new Map();
  const srv = createServer((req, res) => {
    const html = pages.get(req.url);
    res.writeHead(html ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html ?? '');
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => new Promise((r) => { srv.closeAllConnections(); srv.close(r); }));
  const site = `http://127.0.0.1:${srv.address().port}`;
  const server = await startServer(t, ['--demo', '--allow-origin', site]);
  const shop = (htmlLang, attrs = '') => `<!doctype html><html${htmlLang ? ` lang="${htmlLang}"` : ''}><head><title>shop</title></head>
    <body><p>A shop</p><script src="${server}/widget.js" ${attrs} async></script></body></html>`;
  pages.set('/data-lang', shop('en', 'data-lang="de"')); // data-lang wins over the page's language
  pages.set('/page-lang', shop('de-AT'));
  pages.set('/plain', shop(''));
  pages.set('/english', shop('en-GB'));
  const { token: anna } = await api(server, 'POST', '/v1/auth/login', { body: { email: 'anna@deskchat.test', password: 'deskchat-demo' } });
  const { token: ben } = await api(server, 'POST', '/v1/auth/login', { body: { email: 'ben@deskchat.test', password: 'deskchat-demo' } });
  await api(server, 'PATCH', '/v1/settings', { token: anna, body: { translations: { de: {
    widget_title: 'Schreiben Sie uns', greeting: 'Guten Tag! Wie können wir helfen?',
    online_message: 'Wir sind online und antworten gleich hier.', offline_message: 'Wir sind gerade offline.',
  } } } });
  const errors = [];

  // Every text the widget shows or says: text nodes, labels, placeholders,
  // titles, in the host page's launcher and in the chat window.
  const shown = async (page) => {
    const collect = (root) => {
      const out = [];
      const walk = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
      for (let n = walk.currentNode; n; n = walk.nextNode()) {
        if (n.nodeType === Node.TEXT_NODE) out.push(n.data);
        else if (n.nodeType === Node.ELEMENT_NODE) for (const a of ['aria-label', 'placeholder', 'title', 'alt']) if (n.hasAttribute(a)) out.push(n.getAttribute(a));
      }
      return out;
    };
    const host = await page.evaluate(`(${collect})(document.querySelector('[data-deskchat]').shadowRoot)`);
    const frame = page.frames().find((f) => f.url().includes('/widget/frame'));
    const inside = await frame.evaluate(`[document.title, ...(${collect})(document.body)]`);
    return [...host, ...inside].map((s) => s.replace(/[\u2068\u2069]/g, '').trim()).filter(Boolean);
  };
  // The texts of a catalog's widget section the other catalog says differently, as patterns.
  const only = (cat, other) => Object.entries(cat.widget).filter(([k, v]) => other.widget[k] !== v)
    .map(([k, v]) => [k, new RegExp(`^${v.split(/\{\{\w+\}\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+?')}$`)]);
  const leftover = (texts, patterns) => patterns.filter(([, re]) => texts.some((s) => re.test(s))).map(([k]) => k);

  const open = async (path, browserLang) => {
    // A visitor of its own (fresh storage), in an English browser unless told.
    const { page, close } = await launchBrowser({ args: browserLang ? [`--accept-lang=${browserLang}`] : [] });
    t.after(close);
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setViewportSize({ width: 1024, height: 760 });
    await page.goto(`${site}${path}`);
    await page.locator('[data-deskchat] button').click();
    const frame = page.frameLocator('[data-deskchat] iframe');
    await frame.locator('h1').filter({ hasText: /./ }).waitFor();
    return { page, frame };
  };
  // The e-mail placeholder is seen whole at the window's width.
  const placeholderFits = (frame) => frame.locator('input[type="email"]').evaluate((el) => {
    const s = getComputedStyle(el);
    const g = document.createElement('canvas').getContext('2d');
    g.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
    return g.measureText(el.placeholder).width <= el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
  });
  const customerOf = async (name) => {
    const { conversations } = await api(server, 'GET', '/v1/conversations?section=customers', { token: ben });
    const conv = conversations.find((c) => c.customer?.name === name);
    return { conv, customer: await api(server, 'GET', `/v1/customers/${conv.customer_id}`, { token: ben }) };
  };

  // 1. data-lang="de" on an English page: German, everywhere.
  const { page, frame } = await open('/data-lang');
  assert.equal(await page.locator('[data-deskchat] button').getAttribute('aria-label'), de.widget.close_chat);
  assert.equal(await page.locator('[data-deskchat] iframe').getAttribute('title'), de.widget.chat_window);
  await frame.locator('h1').filter({ hasText: 'Schreiben Sie uns' }).waitFor();
  assert.equal(await frame.locator('html').getAttribute('lang'), 'de');
  const greeting = frame.locator('ol.log li.note.greeting');
  assert.equal(await greeting.locator('.who').textContent(), 'Schreiben Sie uns', 'the greeting is the team\'s, under the title');
  assert.equal(await greeting.locator('.text').textContent(), 'Guten Tag! Wie können wir helfen?');
  await frame.locator('p.status').filter({ hasText: 'Wir sind online' }).waitFor();
  assert.ok(await placeholderFits(frame), 'the German e-mail placeholder is cut off');
  assert.deepEqual(leftover(await shown(page), only(en, de)), [], 'English left on the German intro');
  assert.deepEqual(await axeViolations(frame), [], 'axe on the German intro');
  await page.screenshot({ path: join(artifacts, 'widget-de-intro.png') });
  await frame.getByLabel(de.widget.name_label).fill('Greta Deutsch');
  await frame.getByRole('button', { name: de.widget.start_chat }).click();
  const box = frame.getByRole('textbox', { name: de.widget.message, exact: true });
  await box.fill('Guten Tag, wo ist meine Bestellung?');
  await box.press('Enter');
  const mine = frame.locator('ol.log li.msg.mine:not(.pending)').filter({ hasText: 'Guten Tag, wo ist meine Bestellung?' });
  await mine.waitFor();
  assert.equal(await mine.locator('.who').textContent(), de.widget.you);
  // Its time, in German (24 hours), from when the server took it.
  const stamp = mine.locator('time.time');
  assert.equal(await stamp.textContent(), await stamp.evaluate((el) => new Intl.DateTimeFormat('de', { hour: '2-digit', minute: '2-digit' }).format(new Date(el.dateTime))));
  assert.match(await stamp.textContent(), /^\d\d:\d\d$/);
  const { conv, customer } = await customerOf('Greta Deutsch');
  assert.equal(customer.language, 'de', 'the helpdesk learns the language the page asked for');
  await api(server, 'POST', `/v1/conversations/${conv.id}/messages`, { token: ben, body: { client_id: 'de1', text: 'Sie ist unterwegs.' } });
  await frame.locator('ol.log li.msg.theirs').filter({ hasText: 'Sie ist unterwegs.' }).locator('time.time').waitFor();
  await api(server, 'POST', `/v1/conversations/${conv.id}/close`, { token: ben });
  // The system note in German, the agent's name isolated.
  await frame.locator('ol.log li.note').filter({ hasText: 'hat die Konversation geschlossen.' }).waitFor();
  // The counter near the limit, in German digits.
  await box.fill('x'.repeat(4900));
  assert.equal(await frame.locator('form.composer .counter').textContent(), '4.900 / 5.000');
  await box.fill('Danke!');
  assert.deepEqual(leftover(await shown(page), only(en, de)), [], 'English left on the German chat');
  assert.deepEqual(await axeViolations(frame), [], 'axe on the German chat');
  await page.screenshot({ path: join(artifacts, 'widget-de.png') });

  // 2. <html lang="de-AT">: German too; the helpdesk is told de-AT.
  const at = await open('/page-lang');
  await at.frame.getByRole('button', { name: de.widget.skip }).waitFor();
  assert.equal(await at.frame.locator('html').getAttribute('lang'), 'de');
  assert.deepEqual(leftover(await shown(at.page), only(en, de)), []);
  await at.page.evaluate(() => window.deskchat.identify({ name: 'Anton Österreich' }));
  const atBox = at.frame.getByRole('textbox', { name: de.widget.message, exact: true });
  await atBox.fill('Grüß Gott');
  await atBox.press('Enter');
  await at.frame.locator('ol.log li.msg.mine:not(.pending)').waitFor();
  assert.equal((await customerOf('Anton Österreich')).customer.language, 'de-AT');

  // 3. A page that says nothing, in an English browser: English, nothing German.
  const plain = await open('/plain');
  assert.equal(await plain.page.locator('[data-deskchat] iframe').getAttribute('title'), 'Chat window');
  await plain.frame.getByRole('button', { name: 'Start chat' }).waitFor();
  await plain.frame.locator('h1').filter({ hasText: 'Chat with us' }).waitFor();
  assert.equal(await plain.frame.locator('html').getAttribute('lang'), 'en');
  assert.ok(await placeholderFits(plain.frame), 'the English e-mail placeholder is cut off');
  assert.deepEqual(leftover(await shown(plain.page), only(de, en)), [], 'German on the English window');
  assert.deepEqual(await axeViolations(plain.frame), [], 'axe on the English intro');
  await plain.page.screenshot({ path: join(artifacts, 'widget-en.png') });

  // 4. A German browser: German on a page that says nothing, English on
  // an English page (the page's language comes first).
  const deBrowser = await open('/plain', 'de-DE,de');
  await deBrowser.frame.getByRole('button', { name: de.widget.start_chat }).waitFor();
  assert.equal(await deBrowser.frame.locator('html').getAttribute('lang'), 'de');
  const enPage = await open('/english', 'de-DE,de');
  await enPage.frame.getByRole('button', { name: 'Start chat' }).waitFor();
  assert.equal(await enPage.page.locator('[data-deskchat] button').getAttribute('aria-label'), 'Close chat');
  assert.deepEqual(errors, []);
});
