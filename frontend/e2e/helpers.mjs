// Helpers for browser end-to-end tests (run with `npm run test:e2e`, i.e. node --test).
//
// API:
//
//   const { browser, context, page, close } = await launchBrowser();
//     Starts Debian's /usr/bin/chromium headless via playwright-core with a fresh,
//     empty profile in a temp dir. `context` is a persistent BrowserContext (use
//     context.newPage() for more tabs); `browser` is context.browser() (may be null
//     for persistent contexts). `close()` closes chromium and deletes the profile;
//     call it in t.after(). Options: { args: [...] } adds chromium flags,
//     { executablePath } overrides the browser binary, { timeout } the launch timeout.
//
//   const { url, close } = await serveDir(dir);
//     Serves a directory (e.g. the built frontend/dist) over HTTP on
//     127.0.0.1:<random port>; "/" maps to index.html. url has no trailing slash.
//
//   distDir
//     Absolute path of frontend/dist.
//
// Never run `npx playwright install`: tests use the system chromium only.

import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const distDir = fileURLToPath(new URL('../dist/', import.meta.url));

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches headless system chromium with a throwaway profile. */
export async function launchBrowser({
  args = [],
  executablePath = '/usr/bin/chromium',
  timeout = 30_000,
} = {}) {
  const profile = await mkdtemp(join(tmpdir(), 'deskchat-e2e-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS, ...args],
      timeout,
    });
  } catch (err) {
    await rm(profile, { recursive: true, force: true });
    throw err;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const close = async () => {
    try {
      await context.close();
    } finally {
      await rm(profile, { recursive: true, force: true });
    }
  };
  return { browser: context.browser(), context, page, close };
}

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** Serves dir read-only on 127.0.0.1 at a random free port. */
export async function serveDir(dir) {
  const root = resolve(dir);
  const server = createServer(async (req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(root, pathname));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      await stat(file);
    } catch {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', ok);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/**
 * Starts the real deskchat-server (DESKCHAT_SERVER, built by `make server`)
 * on 127.0.0.1 with a fresh database and resolves with its base URL; it is
 * stopped (SIGTERM) after the test. args are extra `serve` flags.
 */
export async function startServer(t, args = []) {
  const serverBin = process.env.DESKCHAT_SERVER;
  if (!serverBin) throw new Error('set DESKCHAT_SERVER to the deskchat-server binary (make test does)');
  const dir = await mkdtemp(join(tmpdir(), 'deskchat-e2e-db-'));
  const proc = spawn(serverBin, ['serve', '--db', join(dir, 'e2e.db'), '--addr', '127.0.0.1:0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(async () => {
    if (proc.exitCode === null) {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    }
    await rm(dir, { recursive: true, force: true });
  });
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    proc.once('exit', (code) => reject(new Error(`deskchat-server exited ${code}: ${stderr}`)));
  });
}

/** Calls the server's API as a non-browser client would. */
export async function api(base, method, path, { token, body } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(data)}`);
  return data;
}

/** Runs a command and returns its output (throws on a non-zero exit). */
export const sh = (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8' });

/** The tray item's bus name, from the StatusNotifier watcher. */
export function trayName() {
  const out = sh('busctl', ['--user', 'get-property', 'org.kde.StatusNotifierWatcher', '/StatusNotifierWatcher',
    'org.kde.StatusNotifierWatcher', 'RegisteredStatusNotifierItems']);
  const m = out.match(/"([^"/]+)/);
  return m?.[1];
}
export const trayProp = (name, prop) => sh('busctl', ['--user', 'get-property', name, '/StatusNotifierItem', 'org.kde.StatusNotifierItem', prop]);

/** Polls fn every 200 ms until it returns something truthy (returned). */
export async function until(what, fn, timeout = 15_000) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
