// Every screen of the agent app at three window sizes (the compact
// 360×560, the default 1100×720, and full screen 1920×1080), in English
// and in German, with the longest values the server accepts: no control
// is clipped or wraps, nothing lies outside the window, the page never
// scrolls sideways, a German screen holds no English product text, and
// axe-core finds no serious or critical violation. Run by
// scripts/app-e2e.sh after the main flow, on the same `wails dev` app
// (its real bindings and embedded helpdesk); screenshots go to E2E_OUT.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { api, launchBrowser, until } from './helpers.mjs';

const APP = 'http://localhost:34115';
const OUT = process.env.E2E_OUT ?? join(import.meta.dirname, 'artifacts', 'agent');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const SIZES = [[360, 560], [1100, 720], [1920, 1080]];
const LANGS = ['en', 'de'];
// The server's limits (chat.MaxNameRunes, MaxTitleRunes, the e-mail's 254 bytes).
const MAX_NAME = 200;
const MAX_TITLE = 200;

const catalog = (lang) => JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'locales', `${lang}.json`), 'utf8'));
function flatten(tree, prefix = '', out = {}) {
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out[key] = v;
    else flatten(v, key, out);
  }
  return out;
}
/** English product texts that German says otherwise (whole texts, no
 * placeholders), the words a German screen must not show. */
function englishOnly() {
  const en = flatten(catalog('en'));
  const de = flatten(catalog('de'));
  return new Set(Object.entries(en).filter(([k, v]) => !v.includes('{{') && v.length >= 4 && de[k] !== v && /[a-z]/.test(v)).map(([, v]) => v));
}

/** The longest unbroken word: a name of n characters without a space. */
const unbroken = (seed, n) => seed.repeat(Math.ceil(n / seed.length)).slice(0, n);

test('agent app: every screen fits at three sizes, in English and German, and passes axe', { timeout: 600_000 }, async (t) => {
  const { page, close } = await launchBrowser();
  t.after(close);
  const errors = [];
  const wailsShim = (e) => e.message === "Cannot read properties of null (reading 'nodes')" && /^\s*at \S+ \(http:\/\/localhost:34115\/wails\/ipc\.js/m.test(e.stack ?? '');
  page.on('pageerror', (e) => wailsShim(e) || errors.push(`${e.message}\n${e.stack}`));
  await page.setViewportSize({ width: 1100, height: 720 });
  await page.goto(APP);
  await page.locator('.conn-ok').waitFor({ timeout: 60_000 });
  const { server_url: server } = await page.evaluate(() => window.go.app.SessionService.Status());
  // The main flow (run before) ends by changing Anna's password.
  const login = (password) => api(server, 'POST', '/v1/auth/login', { body: { email: 'anna@deskchat.test', password } });
  const { token: anna } = await login('deskchat-demo').catch(() => login('a new password 2'));

  // The longest values: a customer's name and e-mail, an agent's name, an
  // item's title, an unbroken word in a message.
  const name = unbroken('Bartholomäus', MAX_NAME);
  const email = `${unbroken('l', 64)}@${unbroken('d', 63)}.${unbroken('e', 63)}.${unbroken('f', 57)}.example`.slice(0, 254);
  const { token: customer } = await api(server, 'POST', '/v1/widget/session', { body: { name, language: 'de-DE', time_zone: 'Europe/Berlin' } });
  await api(server, 'PATCH', '/v1/widget/me', { token: customer, body: { email } });
  const { conversation } = await api(server, 'POST', '/v1/conversations', {
    token: customer, body: { client_id: 'layout-1', text: `Lieferung ${unbroken('Donaudampfschifffahrtsgesellschaft', 300)} bitte prüfen.` },
  });
  const longAgent = await api(server, 'POST', '/v1/users', {
    token: anna, body: { email: 'longname@deskchat.test', name: unbroken('Wolfeschlegelsteinhausen', MAX_NAME), password: 'long-name-agent', support: true },
  });
  await api(server, 'PUT', `/v1/conversations/${conversation.id}/assignee`, { token: anna, body: { user_id: longAgent.id } });
  await api(server, 'POST', '/v1/items', {
    token: anna, body: { type: 'ticket', title: unbroken('Rechnungskorrekturanforderung', MAX_TITLE), conversation_id: conversation.id },
  });
  // The desktop has synced them.
  await until('the long conversation in the local store', async () =>
    (await page.evaluate((id) => window.go.app.InboxService.FindConversationByID({ conversation_id: id }).then((c) => !!c.item, () => false), conversation.id)));

  const seen = [];
  for (const lang of LANGS) {
    await page.evaluate(async (l) => {
      const p = await window.go.app.DesktopService.Prefs();
      await window.go.app.DesktopService.SetPrefs({ ...p, language: l });
    }, lang);
    await until(`the app in ${lang}`, () => page.evaluate((l) => document.documentElement.lang === l, lang));
    for (const [w, h] of SIZES) {
      await page.setViewportSize({ width: w, height: h });
      for (const screen of SCREENS) {
        await screen.show(page, conversation.id, w);
        const name = `layout-${lang}-${w}x${h}-${screen.name}`;
        await check(page, name, { german: lang === 'de', axe: w === 1100 });
        seen.push(name);
        await screen.hide?.(page);
      }
    }
  }
  // The dark theme: the same checks (contrast above all) at the default size.
  await page.evaluate(async () => {
    const p = await window.go.app.DesktopService.Prefs();
    await window.go.app.DesktopService.SetPrefs({ ...p, language: 'en', theme: 'dark' });
  });
  await until('the dark theme', () => page.evaluate(() => document.documentElement.dataset.theme === 'dark' && document.documentElement.lang === 'en'));
  await page.setViewportSize({ width: 1100, height: 720 });
  for (const screen of SCREENS) {
    await screen.show(page, conversation.id, 1100);
    const name = `layout-dark-1100x720-${screen.name}`;
    await check(page, name, { axe: true });
    seen.push(name);
    await screen.hide?.(page);
  }
  // Settings' preview link copies.
  await sidebar(page, 1100, '.nav-actions button:nth-child(2)');
  await page.locator('.preview-link button').click();
  await page.locator('.preview-link [role="status"]', { hasText: 'Copied' }).waitFor();
  console.log(`layout: ${seen.length} screens fit and pass`);
  // Back to the system's language and theme for whatever runs next.
  await page.evaluate(async () => {
    const p = await window.go.app.DesktopService.Prefs();
    await window.go.app.DesktopService.SetPrefs({ ...p, language: '', theme: '' });
  });
  assert.deepEqual(errors, []);
});

/** Screenshots a screen and checks it: it fits (fits), a German screen
 * shows no English product text, and axe finds no serious or critical
 * violation. */
async function check(page, name, { german = false, axe = false } = {}) {
  await page.screenshot({ path: join(OUT, `${name}.png`) });
  const problems = await page.evaluate(fits);
  assert.deepEqual(problems, [], `${name}: ${problems.join('; ')}`);
  if (german) {
    const english = englishOnly();
    const left = (await page.evaluate(visibleTexts)).filter((s) => english.has(s));
    assert.deepEqual(left, [], `${name}: English on a German screen`);
  }
  if (axe) {
    await page.addScriptTag({ path: AXE });
    const violations = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
    });
    assert.deepEqual(violations, [], `${name}: axe`);
  }
}

const narrow = (w) => w <= 760;
/** Opens the drawer in a narrow window, then clicks a sidebar control. */
async function sidebar(page, w, selector) {
  if (narrow(w)) await page.locator('.topbar .nav-toggle').click();
  await page.locator(`nav.sidebar ${selector}`).click();
}
async function openConversation(page, id, w) {
  await sidebar(page, w, '.nav-entry[data-section="customers"][data-status="open"]:not([data-assignee])');
  await page.locator(`.conv-row[data-id="${id}"]`).click();
  await page.locator('.conv-header h2').waitFor();
}

const SCREENS = [
  { name: 'list', show: async (page, id, w) => {
    await openConversation(page, id, w);
    if (narrow(w)) await page.locator('.conv-header .back').click();
    await page.locator('.conv-list').waitFor();
  } },
  { name: 'conversation', show: openConversation },
  { name: 'customer', show: async (page, id, w) => {
    await openConversation(page, id, w);
    await page.locator('.conv-sub .linklike').first().click();
    await page.locator('.side-panel').waitFor();
  }, hide: (page) => page.locator('.side-panel .close-panel').click() },
  { name: 'item', show: async (page, id, w) => {
    await openConversation(page, id, w);
    await page.locator('.conv-sub .chip').first().click();
    await page.locator('.side-panel').waitFor();
  }, hide: (page) => page.locator('.side-panel .close-panel').click() },
  { name: 'search', show: async (page) => {
    await page.keyboard.press('Control+K');
    await page.locator('.palette input').first().fill('Bartholomäus');
    await page.locator('.results li').first().waitFor();
  }, hide: (page) => page.keyboard.press('Escape') },
  { name: 'shortcuts', show: async (page, id, w) => {
    await openConversation(page, id, w);
    await page.locator('body').press('?');
    await page.locator('.shortcuts').waitFor();
  }, hide: (page) => page.keyboard.press('Escape') },
  { name: 'settings', show: async (page, id, w) => {
    await sidebar(page, w, '.nav-actions button:nth-child(2)');
    await page.locator('.page').waitFor();
  } },
  { name: 'compact', show: async (page, id, w) => {
    await sidebar(page, w, '.nav-actions button:nth-child(3)');
    await page.locator('.compact-list').waitFor();
  }, hide: (page) => page.locator('.compact-header .full-window').click() },
];

/** Runs in the page: what does not fit. Every visible control lies inside
 * the window, shows its whole text on one line (multi-line rows and
 * controls cut with "…" on purpose excepted), the page does not scroll
 * sideways, and the conversation keeps a readable width. */
function fits() {
  const vw = document.documentElement.clientWidth;
  const out = [];
  const desc = (el) => `${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).trim().split(/\s+/).join('.') : ''} "${(el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 30)}"`;
  if (document.documentElement.scrollWidth > vw + 1) out.push(`the page is ${document.documentElement.scrollWidth} px wide in a ${vw} px window`);
  const multiLine = '.conv-row, .results button, .found button, .picker button, .file, .msg-menu-button';
  for (const el of document.querySelectorAll('button, select, input:not([type="hidden"]), textarea, a[href], [role="button"]')) {
    const cs = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    if (cs.visibility === 'hidden' || cs.display === 'none' || r.width === 0 || r.height === 0 || el.closest('[inert], [aria-hidden="true"]')) continue;
    if (el.closest('.sidebar') && getComputedStyle(el.closest('.sidebar')).visibility === 'hidden') continue;
    if (r.left < -1 || r.right > vw + 1) out.push(`${desc(el)} lies outside the window (${Math.round(r.left)}…${Math.round(r.right)} of ${vw})`);
    if (el.tagName !== 'BUTTON' || el.matches(multiLine)) continue;
    const cut = cs.textOverflow === 'ellipsis' || [...el.querySelectorAll('*')].some((c) => getComputedStyle(c).textOverflow === 'ellipsis');
    if (el.scrollWidth > el.clientWidth + 1 && !cut) out.push(`${desc(el)} is clipped (${el.scrollWidth} > ${el.clientWidth})`);
    const range = document.createRange();
    range.selectNodeContents(el);
    // A second line starts below the bottom of the first.
    const rects = [...range.getClientRects()].filter((q) => q.width > 0 && q.height > 0);
    const firstBottom = Math.min(...rects.map((q) => q.bottom));
    if (rects.some((q) => q.top >= firstBottom - 1) && !cut) out.push(`${desc(el)} wraps onto more than one line`);
  }
  // No box scrolls sideways either (overflow-y: auto makes x auto too).
  for (const el of document.querySelectorAll('body *')) {
    const cs = getComputedStyle(el);
    if ((cs.overflowX === 'auto' || cs.overflowX === 'scroll') && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {
      out.push(`${desc(el)} scrolls sideways (${el.scrollWidth} > ${el.clientWidth})`);
    }
  }
  // No text runs past the window's edge, unless a box cuts it with "…".
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const el = n.parentElement;
    if (!el || !n.textContent.trim() || getComputedStyle(el).visibility === 'hidden') continue;
    const range = document.createRange();
    range.selectNodeContents(n);
    const right = Math.max(0, ...[...range.getClientRects()].map((q) => q.right));
    if (right <= vw + 1) continue;
    let cut = false;
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.overflowX !== 'visible') {
        cut = cs.textOverflow === 'ellipsis';
        break;
      }
    }
    if (!cut) out.push(`text "${n.textContent.trim().slice(0, 30)}" in ${desc(el)} runs past the window (${Math.round(right)} of ${vw})`);
  }
  const view = document.querySelector('.conv-view');
  if (view && getComputedStyle(view).display !== 'none' && view.clientWidth < Math.min(vw, 360) - 1) {
    out.push(`the conversation is ${view.clientWidth} px wide`);
  }
  return out;
}

/** Runs in the page: the visible texts (each text node, trimmed). */
function visibleTexts() {
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const s = n.textContent.trim();
    const el = n.parentElement;
    if (!s || !el || el.closest('script, style, [hidden]')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || getComputedStyle(el).visibility === 'hidden') continue;
    out.push(s);
  }
  for (const el of document.querySelectorAll('[placeholder], [aria-label], [title]')) {
    for (const a of ['placeholder', 'aria-label', 'title']) if (el.getAttribute(a)) out.push(el.getAttribute(a).trim());
  }
  return out;
}
