// Builds the customer widget (backend/widget/src → backend/widget/dist):
// the loader websites embed and the chat window's app. Prints gzipped sizes
// and fails when a budget is exceeded (issue 4: loader ≤ 5 KB, app JS+CSS
// ≤ 40 KB, gzipped). The output is committed so the server builds without
// Node; `--check` fails if the committed files differ from a fresh build.
import { build } from 'esbuild';
import { readFile, readdir, mkdtemp, rm } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../backend/widget/', import.meta.url));
const locales = fileURLToPath(new URL('../../locales/', import.meta.url));
const nodeModules = fileURLToPath(new URL('../node_modules/', import.meta.url));
const check = process.argv.includes('--check');
const out = check ? await mkdtemp(join(tmpdir(), 'widget-')) : join(root, 'dist');

// The catalogs (locales/*.json, every file: a language is one file) as a
// virtual module, cut to what the widget shows: `deskchat:catalogs` is the
// "widget", "notes" and "errors" sections of each language; `deskchat:catalogs?keys=
// widget.a,widget.b` only those keys (the loader's few labels).
const catalogs = {
  name: 'deskchat-catalogs',
  setup(b) {
    b.onResolve({ filter: /^deskchat:catalogs(\?.*)?$/ }, (a) => ({ path: a.path, namespace: 'deskchat-catalogs' }));
    b.onLoad({ filter: /.*/, namespace: 'deskchat-catalogs' }, async (a) => {
      const keys = new URLSearchParams(a.path.split('?')[1] ?? '').get('keys')?.split(',');
      const files = (await readdir(locales)).filter((f) => f.endsWith('.json')).sort();
      const out = {};
      for (const f of files) {
        const tree = JSON.parse(await readFile(join(locales, f), 'utf8'));
        const cat = (out[f.slice(0, -'.json'.length)] = {});
        if (!keys) {
          for (const s of ['widget', 'notes', 'errors']) cat[s] = tree[s] ?? {};
          continue;
        }
        for (const k of keys) {
          const [s, key] = k.split('.');
          // Plural forms (key_one, key_other…) come along with their key.
          for (const [name, v] of Object.entries(tree[s] ?? {})) {
            if (name === key || name.replace(/_(zero|one|two|few|many|other)$/, '') === key) (cat[s] ??= {})[name] = v;
          }
        }
      }
      return { contents: JSON.stringify(out), loader: 'json', watchFiles: files.map((f) => join(locales, f)) };
    });
  },
};

const common = {
  bundle: true, minify: true, target: ['chrome100', 'firefox100', 'safari15'], legalComments: 'none', logLevel: 'error',
  plugins: [catalogs], nodePaths: [nodeModules], // i18next, from frontend's dependencies
};
await build({ ...common, entryPoints: [join(root, 'src/loader.ts')], outfile: join(out, 'widget.js'), format: 'iife' });
await build({ ...common, entryPoints: [join(root, 'src/app.ts')], outfile: join(out, 'app.js'), format: 'iife' });
await build({ ...common, plugins: [], entryPoints: [join(root, 'src/app.css')], outfile: join(out, 'app.css') });

const gz = async (f) => gzipSync(await readFile(join(out, f)), { level: 9 }).length;
const loader = await gz('widget.js');
const app = (await gz('app.js')) + (await gz('app.css'));
const kb = (n) => `${(n / 1024).toFixed(2)} KB`;
console.log(`widget.js ${kb(loader)} gzipped (budget 5 KB); app.js + app.css ${kb(app)} gzipped (budget 40 KB)`);
let failed = false;
if (loader > 5 * 1024) { console.error('widget.js is over its 5 KB budget'); failed = true; }
if (app > 40 * 1024) { console.error('the widget app is over its 40 KB budget'); failed = true; }
if (check) {
  for (const f of ['widget.js', 'app.js', 'app.css']) {
    const fresh = await readFile(join(out, f));
    const committed = await readFile(join(root, 'dist', f)).catch(() => Buffer.alloc(0));
    if (!fresh.equals(committed)) {
      console.error(`backend/widget/dist/${f} is stale: run make widget and commit it`);
      failed = true;
    }
  }
  await rm(out, { recursive: true, force: true });
}
if (failed) process.exit(1);
