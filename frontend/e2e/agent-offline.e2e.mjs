// The agent app offline, restarted while its server is down (issue 20):
// run by scripts/app-e2e.sh after the main flow, in the same Xvfb display
// and D-Bus session (the tray), with a fresh config directory. The test
// runs a real deskchat-server (DESKCHAT_SERVER) on a fixed port, so that it
// comes back at the same address, and starts and stops the app itself
// (`wails dev`, as the script does), so that the app restarts for real.
//
// 1. Signed in to that server, the app has synced; the server stops.
// 2. Offline: search finds a customer, an item's details open, a link of a
//    conversation to that item and a new task (its form proposed from the
//    local copy) wait in the outbox.
// 3. The app restarts with the server still down: the helpdesk switch
//    shows the last known state (and no error), the tray says online, the
//    link still waits.
// 4. The server is back: the link and the task are applied once, and the
//    switch works on the first click.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { api, launchBrowser, trayName, trayProp, until } from './helpers.mjs';

const APP = 'http://localhost:34115';
const PORT = 8093;
const SERVER = `http://127.0.0.1:${PORT}`;
const ROOT = join(import.meta.dirname, '..', '..');
const OUT = process.env.E2E_OUT ?? join(import.meta.dirname, 'artifacts', 'agent');
const shot = (page, name) => page.screenshot({ path: join(OUT, `${name}.png`) });

/** The server on PORT over db; resolves once it listens. */
function startServer(db) {
  const proc = spawn(process.env.DESKCHAT_SERVER, ['serve', '--demo', '--db', db, '--addr', `127.0.0.1:${PORT}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    proc.stdout.on('data', (d) => {
      out += d;
      if (/listening on/.test(out)) resolve(proc);
    });
    proc.stderr.on('data', (d) => (out += d));
    proc.once('exit', (code) => reject(new Error(`deskchat-server exited ${code}: ${out}`)));
  });
}

const stop = (proc, signal = 'SIGTERM') =>
  proc.exitCode !== null ? Promise.resolve() : new Promise((r) => (proc.once('exit', r), proc.kill(signal)));

/** The app, as scripts/app-e2e.sh starts it; resolves once it serves. */
async function startApp() {
  const proc = spawn('wails', ['dev', '-m', '-s', '-skipbindings', '-noreload', '-nogorebuild', '-nocolour'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let log = '';
  proc.stdout.on('data', (d) => (log += d));
  proc.stderr.on('data', (d) => (log += d));
  await until('the app serving', async () => {
    if (proc.exitCode !== null) throw new Error(`wails dev exited: ${log.slice(-2000)}`);
    return (await fetch(APP).catch(() => null))?.ok;
  }, 600_000);
  return proc;
}

/** Stops the app (SIGINT makes wails dev stop the app it started) and waits until the port is free. */
async function stopApp(proc) {
  await stop(proc, 'SIGINT');
  await until('the app to stop serving', async () => !(await fetch(APP).catch(() => null)), 30_000);
}

test('agent app: offline, restarted with the server down, and back', { timeout: 600_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'deskchat-offline-'));
  let server = await startServer(join(dir, 'server.db'));
  let app = await startApp();
  const { context, page, close } = await launchBrowser();
  t.after(async () => {
    await close();
    await stopApp(app).catch(() => undefined);
    await stop(server);
    await rm(dir, { recursive: true, force: true });
  });
  const errors = [];
  // wails dev's own script (/wails/ipc.js, its reconnect overlay: the dev
  // harness, not the app) throws as a page loads; those are not counted.
  page.on('pageerror', (e) => e.stack?.includes('/wails/ipc.js') || errors.push(String(e)));
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(APP);
  await page.waitForFunction(() => window.go?.app?.SessionService);

  // Signed in to the remote server (the demo helpdesk of a first start stops).
  await page.evaluate((url) => window.go.app.SessionService.SignIn({ server_url: url, email: 'anna@deskchat.test', password: 'deskchat-demo' }), SERVER);
  await page.reload();
  const { token: anna } = await api(SERVER, 'POST', '/v1/auth/login', { body: { email: 'anna@deskchat.test', password: 'deskchat-demo' } });
  await api(SERVER, 'PUT', '/v1/helpdesk/online', { token: anna, body: { online: true } });
  const item = await api(SERVER, 'POST', '/v1/items', { token: anna, body: { type: 'task', title: 'Call the courier back' } });
  const sally = (await api(SERVER, 'GET', '/v1/conversations?section=customers&status=open', { token: anna })).conversations
    .find((c) => c.customer?.name === 'Sally C');
  const third = (await api(SERVER, 'GET', '/v1/conversations?section=customers&status=open', { token: anna })).conversations
    .find((c) => c.id !== sally?.id && !c.item);
  assert.ok(sally && !sally.item && third, 'the demo has Sally C and another customer with unlinked conversations');
  const thirdFirst = (await api(SERVER, 'GET', `/v1/conversations/${third.id}/messages`, { token: anna })).messages
    .find((m) => m.author.kind === 'customer' && !m.system).text;
  const sw = page.getByRole('switch', { name: 'Helpdesk online' });
  await page.locator('.sidebar', { hasText: 'Connected' }).waitFor();
  await until('the switch on', () => sw.isChecked());
  await until('the item in the local store', async () =>
    (await page.evaluate((n) => window.go.app.ItemService.FindItemByNumber(n).catch(() => null), item.number))?.title === item.title);
  await until('the tray registered', () => trayName());

  // 1. The server goes down.
  await stop(server, 'SIGKILL');
  await page.locator('.sidebar', { hasText: /Reconnecting|Connecting/ }).waitFor({ timeout: 30_000 });
  await page.locator('.helpdesk-switch', { hasText: 'Helpdesk online (last known)' }).waitFor();

  // 2. Offline: search finds the customer; the item's details open.
  await page.keyboard.press('Control+k');
  const search = page.getByRole('combobox', { name: 'Search messages, customers and items' });
  await search.fill('sally');
  await page.locator('.results .result-group', { hasText: 'Customers' }).waitFor();
  await page.locator('.results li[role="option"]', { hasText: 'Sally C' }).first().click();
  const view = page.locator('section.conv-view');
  await view.locator('h2', { hasText: 'Sally C' }).waitFor();
  await page.keyboard.press('Control+k');
  await search.fill('courier back');
  await page.locator('.results li[role="option"]', { hasText: 'Call the courier back' }).first().click();
  const details = page.locator('.side-panel', { hasText: `#${item.number} task` });
  await details.waitFor();
  assert.equal(await details.getByLabel('Title').inputValue(), item.title, 'the item details, read from the local store');
  // … and Sally's conversation is linked to it, queued.
  await page.locator('.results').waitFor({ state: 'detached' });
  await page.evaluate((id) => window.go.app.DesktopService.Open(id), sally.id);
  await view.locator('h2', { hasText: 'Sally C' }).waitFor();
  await view.getByRole('button', { name: /^Link/ }).click();
  await view.getByRole('menuitem', { name: 'Link to existing item' }).click();
  const dialog = page.getByRole('dialog', { name: 'Link to existing item' });
  await dialog.getByRole('textbox').fill(`#${item.number}`);
  await dialog.getByRole('button', { name: new RegExp(`#${item.number} task`) }).click();
  await view.locator('.tag', { hasText: `linking #${item.number}…` }).waitFor();
  // … and a task is created from another customer's conversation, the form
  // proposed from the local copy, queued too.
  await page.evaluate((id) => window.go.app.DesktopService.Open(id), third.id);
  await view.locator('.msg-text', { hasText: thirdFirst }).first().waitFor();
  await view.getByRole('button', { name: /^Link/ }).click();
  await view.getByRole('menuitem', { name: 'Create task' }).click();
  const create = page.getByRole('dialog', { name: 'Create item' });
  const titleBox = create.getByLabel('Title');
  await until('the offline proposal', async () => (await titleBox.inputValue()) === thirdFirst.split('\n')[0]);
  await titleBox.fill('Ask the courier about Switzerland');
  await create.getByRole('button', { name: /^Create/ }).click();
  await view.locator('.tag', { hasText: 'creating task Ask the courier about Switzerland…' }).waitFor();
  await shot(page, 'offline-1-queued');

  // 3. The app restarts; the server is still down.
  await stopApp(app);
  app = await startApp();
  await page.goto(APP);
  await page.locator('.helpdesk-switch', { hasText: 'Helpdesk online (last known)' }).waitFor({ timeout: 30_000 });
  assert.equal(await sw.isChecked(), true, 'the switch shows the last known state');
  assert.equal(await page.locator('.helpdesk-switch [role="alert"]').count(), 0, 'no error box nobody asked for');
  const tray = await until('the tray registered again', () => trayName());
  await until('the tray to say online (last known)', () => / · online"$|\\302\\267 online"$/.test(trayProp(tray, 'Title').trim()));
  await page.evaluate((id) => window.go.app.DesktopService.Open(id), sally.id);
  await view.locator('.tag', { hasText: `linking #${item.number}…` }).waitFor();
  await page.evaluate((id) => window.go.app.DesktopService.Open(id), third.id);
  await view.locator('.tag', { hasText: 'creating task Ask the courier about Switzerland…' }).waitFor();
  await shot(page, 'offline-2-restarted');

  // 4. The server is back: the link is applied once; the switch works on the first click.
  server = await startServer(join(dir, 'server.db'));
  await page.locator('.sidebar', { hasText: 'Connected' }).waitFor({ timeout: 60_000 });
  await until('the link on the server', async () =>
    (await api(SERVER, 'GET', `/v1/conversations/${sally.id}`, { token: anna })).item?.number === item.number, 30_000);
  await view.locator('.tag', { hasText: `linking #${item.number}…` }).waitFor({ state: 'detached' });
  const notes = (await api(SERVER, 'GET', `/v1/conversations/${sally.id}/messages`, { token: anna })).messages.filter((m) => m.system === 'linked');
  assert.equal(notes.length, 1, 'the link was applied once');
  await until('the task on the server, linked', async () =>
    (await api(SERVER, 'GET', `/v1/conversations/${third.id}`, { token: anna })).item?.title === 'Ask the courier about Switzerland', 30_000);
  const tasks = (await api(SERVER, 'GET', '/v1/items?q=switzerland', { token: anna })).items;
  assert.equal(tasks.length, 1, 'the task was created once');
  await view.locator('.chip', { hasText: 'Ask the courier about Switzerland' }).waitFor();
  await page.locator('.helpdesk-switch', { hasText: /^Helpdesk online$/ }).waitFor();
  await sw.uncheck();
  await until('the helpdesk offline on the server after one click', async () =>
    (await api(SERVER, 'GET', '/v1/settings', { token: anna })).online === false);
  await until('the tray to follow', () => / · offline"$|\\302\\267 offline"$/.test(trayProp(tray, 'Title').trim()));
  await shot(page, 'offline-3-back');
  assert.deepEqual(errors, []);
});
