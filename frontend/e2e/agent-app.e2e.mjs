// End-to-end test of the agent app through its real Go bindings, run by
// scripts/app-e2e.sh inside Xvfb + a private D-Bus session where `wails dev`
// serves the app (its embedded helpdesk with demo data, the sync engine,
// notifications through dunst, the tray on D-Bus) at localhost:34115.
// A customer uses the real widget in a second page.
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { api, launchBrowser, sh, trayName, trayProp, until } from './helpers.mjs';

const APP = 'http://localhost:34115';
const OUT = process.env.E2E_OUT ?? join(import.meta.dirname, 'artifacts', 'agent');
const shot = (page, name) => page.screenshot({ path: join(OUT, `${name}.png`) });

const XSS = [
  '<script>window.__xss=1</script>',
  '<img src=x onerror="window.__xss=2">',
  '<svg onload="window.__xss=3"></svg>',
  '<a href="javascript:window.__xss=4">click</a>',
  '<b>bold</b><i unclosed',
].join(' ');

/** What dunst has shown (closing the visible ones moves them to history), with ids. */
function notifications() {
  sh('dunstctl', ['close-all']);
  const h = JSON.parse(sh('dunstctl', ['history']));
  return (h.data?.[0] ?? []).map((n) => ({ id: n.id.data, summary: n.summary.data, body: n.body.data }));
}
const lastNotificationId = () => Math.max(0, ...notifications().map((n) => n.id));


test('agent app: the whole support flow through the real bindings', { timeout: 600_000 }, async (t) => {
  const { context, page, close } = await launchBrowser();
  t.after(close);
  await page.setViewportSize({ width: 1280, height: 800 });
  const errors = [];
  // wails dev's own browser IPC shim throws this once in a plain browser
  // (at /wails/ipc.js, in its own code); every other error counts.
  const wailsShim = (e) => e.message === "Cannot read properties of null (reading 'nodes')" && /^\s*at \S+ \(http:\/\/localhost:34115\/wails\/ipc\.js/m.test(e.stack ?? '');
  page.on('pageerror', (e) => wailsShim(e) || errors.push(`${e.message}\n${e.stack}`));
  try {
    await flow(page, context, errors);
  } catch (err) {
    await shot(page, 'failure').catch(() => undefined);
    throw err;
  }
});

async function flow(page, context, errors) {
  // Start: the app signs in to its embedded helpdesk and syncs the demo data.
  const t0 = Date.now();
  await page.goto(APP);
  await page.locator('nav.sidebar').waitFor({ timeout: 60_000 });
  await page.locator('.conn-ok').waitFor({ timeout: 60_000 });
  const status = await page.evaluate(() => window.go.app.SessionService.Status());
  assert.ok(status.signed_in && status.local, 'signed in to the local helpdesk');
  const server = status.server_url;
  console.log(`sidebar connected ${Date.now() - t0} ms after load; server ${server}`);
  const { token: anna } = await api(server, 'POST', '/v1/auth/login', { body: { email: 'anna@deskchat.test', password: 'deskchat-demo' } });
  await api(server, 'PUT', '/v1/helpdesk/online', { token: anna, body: { online: true } });

  // From Customers is shown for a support user, with demo conversations.
  await page.locator('section[aria-label="From Customers"]').waitFor();
  await page.locator('.conv-row').first().waitFor();
  await shot(page, '01-inbox');
  const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime);
  console.log(`first contentful paint ${Math.round(fcp)} ms after navigation`);
  // Switching conversations (a benchmark figure, printed, not asserted):
  // click to the last page of messages on screen, for every demo row.
  const switches = await page.evaluate(async () => {
    const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
    const out = [];
    for (const row of [...document.querySelectorAll('.conv-row')].slice(0, 12)) {
      const title = row.querySelector('.conv-title').textContent;
      const t0 = performance.now();
      row.click();
      for (let i = 0; ; i++) {
        await frame();
        const h = document.querySelector('.conv-view h2');
        if (h?.textContent === title && document.querySelector('.conv-view .msg')) break;
        if (i > 600) throw new Error(`conversation ${title} did not show`);
      }
      out.push(performance.now() - t0);
    }
    return out.sort((a, b) => a - b);
  });
  console.log(`switch conversation: n=${switches.length} median ${switches[switches.length >> 1].toFixed(1)} ms, max ${switches.at(-1).toFixed(1)} ms`);

  // A customer writes through the real widget (with hostile markup).
  const customer = await context.newPage();
  await customer.goto(`${server}/preview`);
  await customer.locator('button[aria-label="Open chat"]').click();
  const frame = customer.frameLocator('iframe[title="Chat window"]');
  await frame.getByLabel('Your name').fill('Wendy Widget');
  await frame.getByRole('button', { name: 'Start chat' }).click();
  const box = frame.getByRole('textbox', { name: 'Message', exact: true });
  await box.fill('My zanzibar parcel never arrived');
  await box.press('Enter');
  await box.fill(XSS);
  await box.press('Enter');
  await frame.locator('li.msg.mine:not(.pending)').filter({ hasText: '<b>bold</b>' }).waitFor();

  // It shows up unread; opening it clears the marker.
  const row = page.locator('.conv-row', { hasText: 'Wendy Widget' });
  await row.waitFor();
  assert.match(await row.getAttribute('class'), /unread/);
  await row.click();
  const view = page.locator('section.conv-view');
  await view.locator('.msg-text', { hasText: 'zanzibar parcel' }).waitFor();
  await until('the unread marker to clear', async () => !/unread/.test(await row.getAttribute('class')));

  // Hostile text is rendered as text: no element from it, nothing ran.
  const hostile = view.locator('.msg-text', { hasText: '<script>' });
  assert.equal(await hostile.textContent(), XSS);
  assert.equal(await view.locator('.messages img, .messages svg, .messages script, .messages b, .messages a').count(), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);

  // Hostile text from an agent (through the API) is text too.
  const wendy = (await api(server, 'GET', '/v1/conversations?section=customers&status=open', { token: anna })).conversations
    .find((c) => c.customer?.name === 'Wendy Widget');
  await api(server, 'POST', `/v1/conversations/${wendy.id}/messages`, { token: anna, body: { client_id: 'xss-agent', text: `Agent says ${XSS}` } });
  assert.equal(await view.locator('.msg-text', { hasText: 'Agent says' }).textContent(), `Agent says ${XSS}`);
  assert.equal(await view.locator('.messages img, .messages svg, .messages script, .messages b, .messages a').count(), 0);

  // Reply with the composer (Enter sends); the customer gets it.
  const composer = page.getByRole('textbox', { name: 'Reply' });
  await composer.fill('Hi Wendy, let me check the zanzibar tracking.');
  await composer.press('Enter');
  await view.locator('.group.mine .msg-text', { hasText: 'let me check the zanzibar tracking' }).waitFor();
  await frame.locator('li.msg.theirs').filter({ hasText: 'let me check the zanzibar tracking' }).waitFor();
  await shot(page, '02-conversation');

  // A private note with an @mention: the composer switches to Private
  // note, "@Be" offers Ben, Enter picks him; the note is styled as one.
  const { token: ben, user: benUser } = await api(server, 'POST', '/v1/auth/login', { body: { email: 'ben@deskchat.test', password: 'deskchat-demo' } });
  const benCountsBefore = (await api(server, 'GET', '/v1/sections/counts', { token: ben })).assignment;
  await view.getByRole('radio', { name: 'Private note' }).click();
  const noteBox = page.getByRole('textbox', { name: 'Private note' });
  await noteBox.pressSequentially('Known courier issue, @Be');
  await page.getByRole('listbox', { name: 'Mention a teammate' }).getByRole('option', { name: /Ben Support/ }).waitFor();
  await noteBox.press('Enter'); // picks Ben
  await noteBox.pressSequentially('please call them');
  assert.equal(await noteBox.inputValue(), 'Known courier issue, @Ben Support please call them');
  await shot(page, '02a-note-mention');
  await noteBox.press('Enter'); // adds the note
  const noteMsg = view.locator('.group.mine .msg.note', { hasText: 'Known courier issue' });
  await noteMsg.waitFor();
  assert.match(await noteMsg.innerText(), /Private note/);
  const onServer = (await api(server, 'GET', `/v1/conversations/${wendy.id}/messages`, { token: anna })).messages.find((m) => m.text.startsWith('Known courier'));
  assert.equal(onServer.internal, true);
  assert.deepEqual(onServer.mentions, [benUser.id]);
  // Ben: a member now, so the conversation is in his My Conversations.
  await until('the conversation in Ben\'s My Conversations', async () =>
    (await api(server, 'GET', '/v1/conversations?section=mine&status=open', { token: ben })).conversations.some((c) => c.id === wendy.id));
  // A saved reply: "/re" offers /ref, Enter inserts it with Wendy's name.
  await api(server, 'POST', '/v1/saved-replies', { token: anna, body: { shortcut: 'ref', title: 'Refund on its way',
    text: 'Hi {{customer.name | there}}, your refund is on its way. {{agent.name}}' } });
  await view.getByRole('radio', { name: 'Reply' }).click();
  await until('the saved reply in the app', async () =>
    ((await page.evaluate(() => window.go.app.SavedReplyService.ListSavedReplies())) ?? []).some((r) => r.shortcut === 'ref'));
  await composer.pressSequentially('/re');
  await page.getByRole('listbox', { name: 'Saved replies' }).getByRole('option', { name: '/ref Refund on its way' }).waitFor();
  await shot(page, '02b-saved-reply-picker');
  await composer.press('Enter');
  await until('the filled saved reply', async () => (await composer.inputValue()) === 'Hi Wendy Widget, your refund is on its way. Anna Admin');
  await composer.press('Enter');
  // The widget shows the reply and nothing of the note, before and after a reload.
  await frame.locator('li.msg.theirs').filter({ hasText: 'your refund is on its way' }).waitFor();
  assert.equal(await frame.locator('li.msg', { hasText: 'courier issue' }).count(), 0);
  await customer.reload();
  await customer.locator('button[aria-label="Open chat"]').click();
  await frame.locator('li.msg.theirs').filter({ hasText: 'your refund is on its way' }).waitFor();
  assert.equal(await frame.locator('li.msg', { hasText: 'courier issue' }).count(), 0);
  assert.doesNotMatch(await frame.locator('body').innerText(), /courier issue|Private note/);
  // Assign to Ben from the header: his Assigned to me count goes up; the row shows him.
  await view.locator('.assign-menu > button').click();
  await view.getByRole('menuitem', { name: /Assign to Ben Support/ }).click();
  await view.locator('.assign-menu > button', { hasText: 'Ben Support' }).waitFor();
  await page.locator('.conv-row', { hasText: 'Wendy Widget' }).locator('.chip-assignee', { hasText: 'Ben Support' }).waitFor();
  await until('Ben\'s Assigned to me count to go up', async () =>
    (await api(server, 'GET', '/v1/sections/counts', { token: ben })).assignment.assigned_to_me === benCountsBefore.assigned_to_me + 1);
  await view.locator('.system-note', { hasText: 'assigned this conversation to' }).waitFor();
  await shot(page, '02c-assigned');
  // Files both ways: the customer pastes a screenshot into the widget; the
  // agent sees its thumbnail in the conversation and opens it; the agent
  // drops a PDF onto the conversation, and the customer downloads it.
  await box.evaluate(async (el) => {
    const c = document.createElement('canvas');
    c.width = 1000; c.height = 560;
    const g = c.getContext('2d');
    g.fillStyle = '#fee2e2'; g.fillRect(0, 0, 1000, 560);
    g.fillStyle = '#991b1b'; g.font = 'bold 60px sans-serif'; g.fillText('Payment failed (code 51)', 60, 300);
    const blob = await new Promise((r) => c.toBlob(r, 'image/png'));
    const dt = new DataTransfer();
    dt.items.add(new File([blob], 'image.png', { type: 'image/png' }));
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  });
  await frame.locator('ul.tray li').filter({ hasText: 'KB' }).waitFor();
  await box.fill('The checkout shows this');
  await box.press('Enter');
  const shotMsg = view.locator('.msg', { hasText: 'The checkout shows this' });
  const thumb = shotMsg.locator('button.file.image img');
  await thumb.waitFor();
  await until('the thumbnail to show in the app', () => thumb.evaluate((i) => i.complete && i.naturalWidth > 0));
  await shot(page, '02d-image-inline');
  await shotMsg.locator('button.file.image').click();
  const large = page.locator('.viewer img');
  await large.waitFor();
  await until('the image to open large', () => large.evaluate((i) => i.complete && i.naturalWidth === 1000));
  await shot(page, '02e-image-open');
  await page.locator('.viewer').press('Escape');
  assert.equal(await page.locator('.viewer').count(), 0);
  const guide = '%PDF-1.4\n% our returns guide\n%%EOF\n';
  await view.evaluate((el, text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'Returns guide.pdf', { type: 'application/pdf' }));
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, guide);
  await view.locator('.staged li', { hasText: 'Returns guide.pdf' }).waitFor();
  await composer.fill('Our returns guide is attached');
  await composer.press('Enter');
  await view.locator('.group.mine .msg', { hasText: 'Our returns guide is attached' }).locator('button.file', { hasText: 'Returns guide.pdf' }).waitFor();
  const pdfButton = frame.locator('li.msg.theirs').filter({ hasText: 'Our returns guide is attached' }).locator('button.file');
  await pdfButton.waitFor();
  const [download] = await Promise.all([customer.waitForEvent('download'), pdfButton.click()]);
  assert.equal(download.suggestedFilename(), 'Returns guide.pdf');
  assert.equal(await readFile(await download.path(), 'utf8'), guide);
  await customer.screenshot({ path: join(OUT, '02f-widget-files.png') });
  // What the API could always do, now in the app. An admin deletes a
  // customer's message (its file goes with it) and reads its history; a
  // teammate is added to the conversation; my time zone is recorded.
  const checkout = view.locator('.msg', { hasText: 'The checkout shows this' });
  await checkout.getByRole('button', { name: 'Message menu' }).click();
  await checkout.getByRole('menuitem', { name: 'Delete' }).click();
  const delConfirm = checkout.getByRole('alertdialog', { name: 'Delete message' });
  assert.match(await delConfirm.innerText(), /someone else/);
  await delConfirm.getByRole('button', { name: 'Delete' }).click();
  const deletedMsg = view.locator('.msg.deleted').last();
  await deletedMsg.locator('.msg-text', { hasText: 'This message was deleted.' }).waitFor();
  assert.equal(await deletedMsg.locator('button.file').count(), 0, 'a deleted message keeps no file');
  await deletedMsg.getByRole('button', { name: 'Message menu' }).click();
  await deletedMsg.getByRole('menuitem', { name: 'History' }).click();
  const audit = deletedMsg.getByRole('region', { name: 'Message history' });
  await audit.locator('.audit-old', { hasText: 'The checkout shows this' }).waitFor();
  assert.match(await audit.innerText(), /Anna Admin deleted/);
  await shot(page, '02g-history');
  await audit.getByRole('button', { name: 'Close history' }).click();
  await view.getByRole('button', { name: 'More ▾' }).click();
  await view.getByRole('menuitem', { name: 'Add Dana Support' }).click();
  await until('Dana in the conversation', async () =>
    (await api(server, 'GET', `/v1/conversations/${wendy.id}`, { token: anna })).participants.some((p) => p.name === 'Dana Support'));
  const tz = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
  await until('my time zone on the server', async () => (await api(server, 'GET', `/v1/users/${status.user.id}`, { token: anna })).time_zone === tz);
  // Ben mentions Anna in a team conversation: her desktop notifies her.
  const beforeMention = lastNotificationId();
  const annaId = status.user.id;
  const { conversation: benTeam } = await api(server, 'POST', '/v1/conversations', { token: ben, body: { participant_ids: [annaId] } });
  await api(server, 'POST', `/v1/conversations/${benTeam.id}/messages`, { token: ben, body: { text: '@Anna Admin the courier called back', mentions: [annaId] } });
  const mention = await until('the notification of the mention', () =>
    notifications().find((n) => n.id > beforeMention && n.summary.includes('mentioned you')), 20_000);
  assert.match(mention.summary, /Ben Support/);
  assert.match(mention.body, /courier called back/);

  // Edit and delete my message through the message menu.
  const mineId = await view.locator('.group.mine .msg', { hasText: 'let me check the zanzibar tracking' }).getAttribute('data-message-id');
  const mine = view.locator(`.msg[data-message-id="${mineId}"]`);
  await mine.getByRole('button', { name: 'Message menu' }).click();
  await mine.getByRole('menuitem', { name: 'Edit' }).click();
  await mine.getByRole('textbox', { name: 'Edit message' }).fill('Hi Wendy, checking the zanzibar tracking now.');
  await mine.getByRole('button', { name: 'Save' }).click();
  const edited = view.locator('.group.mine .msg', { hasText: 'checking the zanzibar tracking now' });
  await edited.locator('.tag', { hasText: /^edited$/ }).waitFor();
  await frame.locator('li.msg.theirs').filter({ hasText: 'checking the zanzibar tracking now' }).waitFor();
  await composer.fill('A second note to delete');
  await composer.press('Enter');
  await view.locator('.group.mine .msg', { hasText: 'A second note to delete' }).waitFor(); // sent: pending ones are not in groups
  const doomedId = await view.locator('.group.mine .msg', { hasText: 'A second note to delete' }).getAttribute('data-message-id');
  const doomed = view.locator(`.msg[data-message-id="${doomedId}"]`);
  await doomed.getByRole('button', { name: 'Message menu' }).click();
  await doomed.getByRole('menuitem', { name: 'Delete' }).click();
  await view.getByRole('alertdialog', { name: 'Delete message' }).getByRole('button', { name: 'Delete' }).click();
  await doomed.locator('.msg-text', { hasText: 'This message was deleted.' }).waitFor();

  // Customer details from the message menu.
  const theirs = view.locator('.msg', { hasText: 'zanzibar parcel' });
  await theirs.getByRole('button', { name: 'Message menu' }).click();
  await theirs.getByRole('menuitem', { name: 'Customer details' }).click();
  const panel = page.locator('aside.side-panel');
  await panel.locator('h2', { hasText: 'Wendy Widget' }).waitFor();
  assert.match(await panel.innerText(), /Browser[\s\S]*Chrom/);
  assert.match(await panel.innerText(), /Last page[\s\S]*\/preview/);

  // Close it; it moves to Closed.
  await view.getByRole('button', { name: 'Close', exact: true }).click();
  await view.locator('.status-closed').waitFor();
  await page.locator('.nav-entry[data-section=customers][data-status=closed]').click();
  await page.locator('.conv-row', { hasText: 'Wendy Widget' }).waitFor();

  // Look elsewhere; the customer answers: it reopens, with a notification.
  // (Once the other conversation is on screen and the app was told: a
  // message in the conversation I am looking at notifies nobody.)
  const elsewhere = page.locator('.conv-row').filter({ hasNotText: 'Wendy Widget' }).first();
  const elsewhereTitle = await elsewhere.locator('.conv-title').textContent();
  await elsewhere.click();
  await view.locator('h2', { hasText: elsewhereTitle }).waitFor();
  await new Promise((r) => setTimeout(r, 500));
  const before = lastNotificationId();
  await box.fill('Still waiting for the zanzibar parcel!');
  await box.press('Enter');
  await page.locator('.nav-entry[data-section=customers][data-status=open]:not([data-assignee])').click();
  await page.locator('.conv-row', { hasText: 'Wendy Widget' }).waitFor();
  // The real notification on screen (dunst under Xvfb), with its actions
  // (dunst marks a notification that has actions with "(A)"); a click
  // (dunst's default action) opens the app at the conversation.
  await until('dunst to show the notification', () => Number(sh('dunstctl', ['count', 'displayed']).trim()) > 0, 20_000).catch((err) => {
    console.log('dunst:', sh('dunstctl', ['count']), sh('dunstctl', ['history']));
    throw err;
  });
  await new Promise((r) => setTimeout(r, 300)); // drawn
  sh('import', ['-window', 'root', join(OUT, '10-notification-with-actions.png')]);
  assert.match(sh('busctl', ['--user', 'call', 'org.freedesktop.Notifications', '/org/freedesktop/Notifications',
    'org.freedesktop.Notifications', 'GetCapabilities']), /"actions"/);
  sh('dunstctl', ['action', '0']);
  await view.locator('h2', { hasText: 'Wendy Widget' }).waitFor({ timeout: 15_000 });
  const shown = await until('a desktop notification', () =>
    notifications().find((n) => n.id > before && n.summary.includes('Wendy Widget')), 20_000).catch((err) => {
    console.log('dunst history:', sh('dunstctl', ['history']), sh('dunstctl', ['count']));
    throw err;
  });
  console.log(`notification: ${JSON.stringify(shown)}`);

  // Create a ticket from it: pre-filled, edited, created, details shown.
  await page.locator('.conv-row', { hasText: 'Wendy Widget' }).click();
  await view.locator('.status-open').waitFor();
  await view.getByRole('button', { name: /Link/ }).click();
  await view.getByRole('menuitem', { name: 'Create ticket' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create item' });
  const title = dialog.getByLabel('Title');
  await until('the proposal', async () => (await title.inputValue()) === 'My zanzibar parcel never arrived');
  await title.fill('Zanzibar parcel lost');
  await dialog.getByLabel('Priority').selectOption('high');
  await dialog.getByRole('button', { name: 'Create ticket' }).click();
  const details = panel.locator('.item-details');
  await details.waitFor();
  assert.equal(await details.getByLabel('Title').inputValue(), 'Zanzibar parcel lost');
  assert.equal(await details.getByLabel('Priority').inputValue(), 'high');
  assert.match(await details.innerText(), /Requester\s*Wendy Widget/);
  assert.match(await details.innerText(), /Assignees\s*Anna Admin/);
  await details.getByLabel('Status').selectOption('in_progress');
  const number = Number(await details.getAttribute('data-item'));
  await until('the status on the server', async () =>
    (await api(server, 'GET', `/v1/items/${number}`, { token: anna })).status === 'in_progress');
  await view.locator('.conv-header .chip', { hasText: `#${number}` }).waitFor();
  await shot(page, '03-ticket');
  // The default window size with the side panel open: the header keeps its controls whole.
  await page.setViewportSize({ width: 1100, height: 720 });
  await shot(page, '03b-ticket-1100');
  for (const name of ['Close', 'Link ▾']) {
    const b = view.locator('.conv-actions button', { hasText: name }).first();
    if (await b.count()) {
      const fits = await b.evaluate((el) => el.scrollWidth <= el.clientWidth + 1 && el.getClientRects().length === 1);
      assert.ok(fits, `the header's ${name} button is clipped or wrapped at 1100 px`);
    }
  }
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'the page scrolls sideways at 1100 px');
  await page.setViewportSize({ width: 1280, height: 800 });

  // Search (Ctrl+K) finds the message in the local store and opens it there.
  await page.keyboard.press('Control+k');
  const search = page.getByRole('combobox', { name: 'Search messages, customers and items' });
  await search.fill('zanzibar');
  const hit = page.locator('.results li', { hasText: 'zanzibar' }).first();
  await hit.locator('mark').first().waitFor();
  assert.equal((await hit.locator('mark').first().textContent()).toLowerCase(), 'zanzibar');
  await shot(page, '04-search');
  // The results export through the native save dialog (GTK's, driven with
  // xdotool: the name field has the focus; a full path saves there).
  const saveAs = async (title, path, click) => {
    await click();
    const win = await until(`the "${title}" dialog`, () => {
      try {
        return sh('xdotool', ['search', '--onlyvisible', '--name', `^${title}$`]).trim().split('\n')[0];
      } catch {
        return '';
      }
    });
    // No window manager under Xvfb: focus the dialog, then type into it.
    sh('xdotool', ['windowfocus', '--sync', win]);
    sh('xdotool', ['key', 'ctrl+a']);
    sh('xdotool', ['type', '--delay', '20', path]);
    sh('xdotool', ['key', 'Return']);
    await until(`${path} written`, async () => (await readFile(path, 'utf8').catch(() => '')).length > 0);
    return readFile(path, 'utf8');
  };
  const exported = join(OUT, 'search-results.html');
  await rm(exported, { force: true });
  const html = await saveAs('Export search results', exported, () => page.getByRole('button', { name: 'Export as web page…' }).click());
  assert.match(html, /Search results for <bdi>zanzibar<\/bdi>/);
  assert.match(html, /Still waiting for the zanzibar parcel!/);
  assert.doesNotMatch(html, /<script>window/, 'user text is escaped in the export');
  await page.locator('.search-export [role="status"]', { hasText: 'Exported.' }).waitFor();
  // Arrow keys move through the results; Enter opens the message there.
  const results = await page.locator('.results li[role="option"]').allInnerTexts();
  const target = results.findIndex((r) => /^message/i.test(r) && r.includes('waiting for the zanzibar'));
  assert.ok(target >= 0, `the customer's reply is among the results: ${JSON.stringify(results)}`);
  for (let i = 0; i < target; i++) await search.press('ArrowDown');
  await search.press('Enter');
  await view.locator('.msg.highlighted', { hasText: 'Still waiting for the zanzibar parcel' }).waitFor();
  // Customers and items are found too, grouped, from the local store.
  await page.keyboard.press('Control+k');
  await search.fill('wendy');
  await page.locator('.results .result-group', { hasText: 'Customers' }).waitFor();
  await page.locator('.results li[role="option"]', { hasText: 'Wendy Widget' }).first().waitFor();
  await search.press('Escape');

  // The helpdesk goes offline from the sidebar: the widget says so.
  const sw = page.getByRole('switch', { name: 'Helpdesk online' });
  assert.equal(await sw.isChecked(), true);
  await sw.uncheck();
  await frame.locator('p.status.offline').waitFor();
  const offline = (await api(server, 'GET', '/v1/settings', { token: anna })).offline_message;
  assert.equal(await frame.locator('p.status.offline').textContent(), offline);
  await customer.screenshot({ path: join(OUT, '05-widget-offline.png') });

  // The tray: registered on D-Bus, its title counts unread, its menu flips the switch.
  // The real window's title carries the unread count too.
  const windowTitle = () => {
    try {
      return sh('bash', ['-c', "xdotool search --onlyvisible --name 'deskchat$' getwindowname %@"]).trim();
    } catch {
      return ''; // no such window yet
    }
  };
  const unreadNow = await page.evaluate(() => window.go.app.InboxService.UnreadTotal());
  assert.ok(unreadNow > 0, 'the demo data leaves unread conversations');
  await until(`the window title to count ${unreadNow} unread`, () => windowTitle() === `(${unreadNow}) deskchat`);
  const name = await until('the tray item', () => trayName());
  // busctl prints the "·" as octal escapes.
  const trayTitle = (state) => new RegExp(`^s "deskchat: ${unreadNow} unread (·|\\\\302\\\\267) ${state}"$`);
  await until('the tray title', () => trayTitle('offline').test(trayProp(name, 'Title').trim())).catch((err) => {
    console.log('tray title:', trayProp(name, 'Title'));
    throw err;
  });
  const layout = sh('busctl', ['--user', '--json=short', 'call', '--', name, '/StatusNotifierItem/menu', 'com.canonical.dbusmenu', 'GetLayout', 'iias', '0', '-1', '0']);
  assert.match(layout, /Online/);
  assert.match(layout, /Open deskchat/);
  assert.match(layout, /Pause notifications/);
  // Its submenu: for an hour, until tomorrow morning.
  const pauseItem = JSON.parse(layout).data[1][2].map((c) => c.data).find((d) => d[1].label?.data === 'Pause notifications');
  const submenu = sh('busctl', ['--user', '--json=short', 'call', '--', name, '/StatusNotifierItem/menu', 'com.canonical.dbusmenu', 'GetLayout', 'iias', String(pauseItem[0]), '-1', '0']);
  assert.match(submenu, /For 1 hour/);
  assert.match(submenu, /Until tomorrow morning/);
  assert.match(layout, /Quit/);
  sh('busctl', ['--user', 'call', '--', name, '/StatusNotifierItem/menu', 'com.canonical.dbusmenu', 'Event', 'isvu', '1', 'clicked', 's', '', '0']);
  await until('the server to be online again', async () => (await api(server, 'GET', '/v1/settings', { token: anna })).online);
  await until('the tray to say online', () => trayTitle('online').test(trayProp(name, 'Title').trim()));
  await until('the UI switch to follow', () => sw.isChecked());
  await frame.locator('p.status:not(.offline)').waitFor();

  // A team conversation with Ben.
  await page.getByRole('button', { name: 'New team conversation' }).click();
  const form = page.getByRole('form', { name: 'New team conversation' });
  await form.getByLabel(/Ben Support/).check();
  await form.getByLabel('Message').fill('Ben, can you check the zanzibar courier?');
  await form.getByRole('button', { name: 'Start conversation' }).click();
  await view.locator('h2', { hasText: 'Ben Support' }).waitFor();
  await view.locator('.msg-text', { hasText: 'zanzibar courier' }).waitFor();

  // A notification's body is text in the daemon's markup: dunst reads
  // markup, so "<" and "&" arrive escaped and "<b>" is not bold.
  const beforeMarkup = lastNotificationId();
  await box.fill('Is 2 < 3 & 4 > 1? <b>urgent</b>');
  await box.press('Enter');
  const markup = await until('the notification of a message with markup', () =>
    notifications().find((n) => n.id > beforeMarkup && n.summary.includes('Wendy Widget')), 20_000);
  assert.equal(markup.body, 'Is 2 &lt; 3 &amp; 4 &gt; 1? &lt;b&gt;urgent&lt;/b&gt;');

  // Settings: admin options and the widget snippet.
  await page.getByRole('button', { name: 'Settings' }).click();
  const snippet = page.getByRole('textbox', { name: 'Widget snippet' });
  assert.equal(await snippet.inputValue(), `<script src="${server}/widget.js" async></script>`);
  await page.locator('table.members tr', { hasText: 'ben@deskchat.test' }).waitFor();
  await page.getByLabel('Widget greeting').fill('Hello from the e2e test');
  assert.equal(await page.getByLabel(/Largest file/).inputValue(), '10');
  await page.getByLabel(/Largest file/).fill('25');
  await page.getByRole('button', { name: 'Save options' }).click();
  await until('the greeting and the file limit on the server', async () => {
    const st = await api(server, 'GET', '/v1/settings', { token: anna });
    return st.greeting === 'Hello from the e2e test' && st.max_file_bytes === 25 * 1024 * 1024 && st.keep_image_location === false;
  });
  await shot(page, '06-settings');

  // Compact mode: the switch, the unread count, the latest conversations; a click opens the full window there.
  await page.getByRole('button', { name: 'Compact window' }).click();
  await page.locator('.compact').waitFor();
  await page.setViewportSize({ width: 360, height: 560 });
  await page.getByRole('switch', { name: 'Helpdesk online' }).waitFor();
  await page.locator('.compact-list .conv-row', { hasText: 'Wendy Widget' }).waitFor();
  await shot(page, '07-compact');
  await page.locator('.compact-list .conv-row', { hasText: 'Wendy Widget' }).click();
  await page.setViewportSize({ width: 1280, height: 800 });
  await view.locator('h2', { hasText: 'Wendy Widget' }).waitFor();

  // A notification's Reply where the server takes no typed answer: the
  // compact window at that conversation, its composer focused; the reply
  // reaches the customer.
  await page.evaluate((id) => window.go.app.DesktopService.Compose(id), wendy.id);
  await page.setViewportSize({ width: 360, height: 560 });
  const quick = page.locator('.quick-reply').getByRole('textbox', { name: 'Reply' });
  await quick.waitFor();
  await until('the quick reply composer to have the focus', () => quick.evaluate((el) => el === document.activeElement));
  await shot(page, '07b-quick-reply');
  await quick.fill('Quick reply from the notification');
  await quick.press('Enter');
  await frame.locator('li.msg.theirs').filter({ hasText: 'Quick reply from the notification' }).waitFor();
  await page.locator('.quick-reply').getByRole('button', { name: 'Full window' }).or(page.locator('.quick-reply button[title="Full window"]')).first().click();
  await page.setViewportSize({ width: 1280, height: 800 });
  await view.locator('h2', { hasText: 'Wendy Widget' }).waitFor();

  // The right to erasure: the admin erases Wendy from her customer panel,
  // after a confirmation. Her details and words leave the server, this
  // desktop's screen and local search, and her browser forgets her.
  const wendyId = wendy.customer_id;
  await view.getByRole('button', { name: 'Customer details' }).click();
  await panel.locator('h2', { hasText: 'Wendy Widget' }).waitFor();
  await panel.getByRole('button', { name: 'Erase customer…' }).click();
  const confirm = panel.getByRole('alertdialog', { name: 'Erase customer' });
  assert.match(await confirm.innerText(), /Erase Wendy Widget for good\?/);
  await shot(page, '08-erase-confirm');
  await confirm.getByRole('button', { name: 'Erase for good' }).click();
  await panel.locator('h2', { hasText: 'Erased customer' }).waitFor();
  await view.locator('h2', { hasText: 'Erased customer' }).waitFor();
  await view.locator('.erased-note').waitFor(); // no composer: nobody could read a reply
  assert.equal(await page.getByRole('textbox', { name: 'Reply' }).count(), 0);
  await until('her words to leave the screen', async () =>
    (await view.locator('.msg-text', { hasText: 'zanzibar parcel' }).count()) === 0);
  await page.locator('.conv-row', { hasText: 'Erased customer' }).first().waitFor();
  assert.equal(await page.locator('.conv-row', { hasText: 'Wendy Widget' }).count(), 0);
  const local = await page.evaluate(() => window.go.app.InboxService.Search({ query: 'arrived', limit: 20 }));
  assert.deepEqual((local ?? []).filter((r) => r.conversation_id === wendy.id), [], 'local search still finds her words');
  const erased = await api(server, 'GET', `/v1/customers/${wendyId}`, { token: anna });
  assert.equal(erased.name, '');
  assert.ok(erased.erased_at);
  await frame.getByLabel('Your name').waitFor(); // the widget starts over: nothing of Wendy kept
  assert.equal(await frame.locator('li.msg:not(.greeting)').count(), 0);
  await shot(page, '09-erased');

  // A long history: 10,000 messages scroll by without clicks, up to the
  // first and back down, the pane holding a window of pages (nothing
  // missing on the way), and the page's memory stays within 30 MB of an
  // empty conversation's (Chromium's JS heap after a collection; DOM nodes).
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { metrics: m } = await cdp.send('Performance.getMetrics');
    const get = (name) => m.find((x) => x.name === name).value;
    return { heap: get('JSHeapUsedSize'), nodes: get('Nodes') };
  };
  const { conversation: quiet } = await api(server, 'POST', '/v1/conversations', { token: ben, body: { participant_ids: [annaId] } });
  await api(server, 'POST', `/v1/conversations/${quiet.id}/messages`, { token: ben, body: { client_id: 'q1', text: 'a quiet conversation' } });
  const { conversation: long } = await api(server, 'POST', '/v1/conversations', { token: ben, body: { participant_ids: [annaId] } });
  await page.evaluate((id) => window.go.app.DesktopService.MuteConversation({ conversation_id: id, muted: true }), long.id); // 10,000 pings
  const LONG = Number(process.env.E2E_LONG ?? 10_000);
  const sendStart = Date.now();
  for (let i = 1; i <= LONG; i += 25) {
    await Promise.all(Array.from({ length: Math.min(25, LONG - i + 1) }, (_, k) =>
      api(server, 'POST', `/v1/conversations/${long.id}/messages`, { token: ben, body: { client_id: `h${i + k}`, text: `history line ${i + k}` } })));
  }
  console.log(`e2e: ${LONG} messages sent through the API in ${Date.now() - sendStart} ms`);
  const localIds = async (id) => {
    const ids = [];
    for (let before = 0; ;) {
      const msgs = (await page.evaluate(([id, before]) => window.go.app.InboxService.ListMessages({ conversation_id: id, before_id: before, limit: 200 }),
        [id, before]))?.messages ?? [];
      ids.unshift(...msgs.map((m) => m.id));
      if (msgs.length < 200) return ids;
      before = msgs[0].id;
    }
  };
  await until('the long conversation in the local store', async () => (await localIds(long.id)).length === LONG, 300_000);
  console.log(`e2e: ${LONG} messages in the local store ${Date.now() - sendStart} ms after the first send`);
  await until('the quiet conversation in the local store', async () => (await localIds(quiet.id)).length === 1);
  await page.evaluate((id) => window.go.app.DesktopService.Open(id), quiet.id);
  await view.locator('.msg-text', { hasText: 'a quiet conversation' }).waitFor();
  // The customer's page (opened later) left this one in the background,
  // where Chromium paints, and fires scroll events, once a second.
  await page.bringToFront();
  assert.equal(await page.evaluate(() => document.visibilityState), 'visible');
  const empty = await metrics();
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((l) => window.__longTasks.push(...l.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
  });
  await page.evaluate((id) => window.go.app.DesktopService.Open(id), long.id);
  const pane = view.locator('.messages');
  await pane.locator('.msg-text').last().waitFor();
  const seen = new Set();
  let most = 0;
  const look = async () => {
    const ids = await pane.evaluate((el) => [...el.querySelectorAll('[data-message-id]')].map((m) => Number(m.dataset.messageId)));
    ids.forEach((id) => seen.add(id));
    most = Math.max(most, ids.length);
    return ids;
  };
  const scrollUntil = async (what, dy, done) => {
    for (let i = 0; i < 1000; i++) {
      const ids = await look();
      if (done(ids)) return console.log(`e2e: ${what} after ${i} scrolls`);
      await pane.evaluate((el, dy) => el.scrollBy(0, dy * el.scrollHeight), dy);
      await page.waitForTimeout(40);
    }
    const at = await pane.evaluate((el) => ({ top: el.scrollTop, height: el.scrollHeight, client: el.clientHeight,
      first: el.querySelector('[data-message-id]')?.dataset.messageId, buttons: [...el.querySelectorAll('button.older')].map((b) => b.textContent) }));
    throw new Error(`scrolling: never reached ${what} (seen ${seen.size}; pane ${JSON.stringify(at)})`);
  };
  const all = await localIds(long.id);
  console.log('e2e: a page from the bindings takes', await page.evaluate(async ([id, before]) => {
    const t = performance.now();
    for (let i = 0; i < 10; i++) await window.go.app.InboxService.ListMessages({ conversation_id: id, before_id: before, limit: 50 });
    return (performance.now() - t) / 10;
  }, [long.id, all[300]]), 'ms');
  const scrollStart = Date.now();
  await scrollUntil('the first message', -1, (ids) => ids.includes(all[0]));
  const up = Date.now() - scrollStart;
  assert.equal(seen.size, LONG, 'every message of the history was on screen on the way up');
  await scrollUntil('the newest message', 1, (ids) => ids.includes(all[LONG - 1]));
  const down = Date.now() - scrollStart - up;
  await view.locator('.msg-text', { hasText: new RegExp(`^history line ${LONG}$`) }).waitFor();
  await pane.evaluate((el) => el.scrollBy(0, -el.scrollHeight / 2));
  const full = await metrics();
  const longTasks = await page.evaluate(() => window.__longTasks);
  console.log(`e2e: ${LONG} messages scrolled to the first in ${up} ms and back in ${down} ms; at most ${most} in the pane; ` +
    `JS heap ${(empty.heap / 2 ** 20).toFixed(1)} MB (a one-message conversation) → ${(full.heap / 2 ** 20).toFixed(1)} MB, ` +
    `DOM nodes ${empty.nodes} → ${full.nodes}; long tasks: ${longTasks.length}, longest ${Math.round(Math.max(0, ...longTasks))} ms`);
  assert.ok(most <= 200, `the pane held ${most} messages`);
  assert.ok(full.heap - empty.heap < 30 * 2 ** 20, `memory grew by ${((full.heap - empty.heap) / 2 ** 20).toFixed(1)} MB`);

  // Triage from the keyboard: ? lists the shortcuts (Escape closes them),
  // j and k move through the list, r goes to the composer.
  await page.getByRole('button', { name: /^Open/ }).first().click(); // From Customers · Open
  const rows = page.locator('.conv-list .conv-row, .vlist .conv-row');
  await rows.nth(1).waitFor();
  const ids = await rows.evaluateAll((els) => els.map((el) => Number(el.dataset.id)));
  await rows.first().click();
  const opened = async (id) => until(`conversation ${id} open`, async () =>
    Number(await page.locator('.conv-row.selected').first().getAttribute('data-id').catch(() => 0)) === id);
  await opened(ids[0]);
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await help.locator('td', { hasText: 'Next conversation in the list' }).waitFor();
  await shot(page, '12-shortcuts');
  // A dialog keeps the keyboard: Tab and Shift+Tab stay inside it.
  for (const k of ['Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab']) {
    await page.keyboard.press(k);
    assert.ok(await help.evaluate((el) => el.contains(document.activeElement)), `${k} left the dialog`);
  }
  await page.keyboard.press('Escape');
  await help.waitFor({ state: 'detached' });
  await page.keyboard.press('j');
  await opened(ids[1]);
  await page.keyboard.press('k');
  await opened(ids[0]);
  await page.keyboard.press('Alt+ArrowDown');
  await opened(ids[1]);
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('r');
  await until('the composer focused', () => page.evaluate(() => document.activeElement?.matches('.composer textarea')));
  await page.keyboard.type('jk'); // typed into the reply, not shortcuts
  await opened(ids[1]);
  assert.equal(await page.locator('.composer textarea').inputValue(), 'jk');
  await page.locator('.composer textarea').fill('');
  // Arrow keys move the focus through the list (Enter opens).
  const focused = () => page.evaluate(() => Number(document.activeElement?.closest('.conv-row')?.dataset.id ?? 0));
  await page.locator(`.conv-row[data-id="${ids[0]}"]`).focus();
  await page.keyboard.press('ArrowDown');
  await until('the second row focused', async () => (await focused()) === ids[1]);
  await page.keyboard.press('ArrowUp');
  await until('the first row focused', async () => (await focused()) === ids[0]);
  await page.keyboard.press('End');
  await until('the last row focused', async () => {
    const id = await focused();
    return id > 0 && id === (await page.locator('.conv-row').last().getAttribute('data-id').then(Number));
  });
  await page.keyboard.press('Home');
  await until('the first row focused again', async () => (await focused()) === ids[0]);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await opened(ids[1]);
  // A menu closes on Escape (the focus back on its button) and on a press
  // outside it.
  const more = view.getByRole('button', { name: /^More/ });
  await more.click();
  await view.getByRole('menu', { name: 'More' }).waitFor();
  await page.keyboard.press('Escape');
  await view.getByRole('menu', { name: 'More' }).waitFor({ state: 'detached' });
  assert.ok(await more.evaluate((el) => el === document.activeElement), 'the focus went back to the menu button');
  await more.click();
  await view.getByRole('menu', { name: 'More' }).waitFor();
  await view.locator('.conv-header h2').click();
  await view.getByRole('menu', { name: 'More' }).waitFor({ state: 'detached' });
  // An Escape the moment the menu is in the page (before it is painted)
  // still closes it: its listeners are on from the same commit.
  await page.evaluate(() => {
    new MutationObserver((changes, obs) => {
      if (document.querySelector('section.conv-view [role="menu"]')) {
        obs.disconnect();
        document.activeElement?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
  await more.click();
  await page.waitForTimeout(300);
  assert.equal(await view.getByRole('menu', { name: 'More' }).count(), 0, 'an Escape right as the menu opened closed it');

  // Last (it signs out every other session of Anna's, the API token of
  // this test too): the password changes from Settings.
  await page.getByRole('button', { name: 'Settings' }).click();
  const pw = page.getByRole('form', { name: 'Change password' });
  await pw.getByLabel('Current password').fill('deskchat-demo');
  await pw.getByLabel('New password').fill('a new password 2');
  await pw.getByRole('button', { name: 'Change password' }).click();
  await pw.getByRole('status').filter({ hasText: 'Password changed' }).waitFor();
  await api(server, 'POST', '/v1/auth/login', { body: { email: 'anna@deskchat.test', password: 'a new password 2' } });

  assert.deepEqual(errors, []);
}
