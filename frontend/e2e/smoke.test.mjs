// Smoke test: the built agent shell (frontend/dist, `npm run build` first)
// renders in real chromium.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { distDir, launchBrowser, serveDir } from './helpers.mjs';

test('agent shell renders in chromium', async (t) => {
  assert.ok(existsSync(join(distDir, 'index.html')), 'frontend/dist missing: run `npm run build` first');

  const server = await serveDir(distDir);
  t.after(server.close);
  const { page, close } = await launchBrowser();
  t.after(close);

  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));

  await page.goto(`${server.url}/`);
  const heading = page.locator('h1');
  await heading.waitFor({ timeout: 10_000 });

  assert.equal(await page.title(), 'deskchat');
  assert.equal(await heading.textContent(), 'deskchat');
  // Outside the desktop app there are no bindings: the app waits for them.
  assert.match(await page.locator('main').innerText(), /Connecting…/);
  assert.deepEqual(errors, []);
});
