import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { commitFile, fsyncPath } from '../lib/fs-atomic';
import { PROJECT_ROOT } from '../lib/paths';

// The page is built from web/ with Vite the first time `cdp serve` runs after a change to its
// sources (or to the Vite and Preact versions), into node_modules/.cache, which git ignores and
// `npm ci` empties: a fresh clone builds on its first serve and nothing built is ever committed.
// A build is named by what it was built from, so processes serving at once share one and never
// see half of it.

export const WEB_DIR = path.join(PROJECT_ROOT, 'web');
const CACHE_DIR = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'cdp-web');

/** Every file under a folder, sorted. */
function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

function packageVersion(name: string): string {
  const require = createRequire(import.meta.url);
  const main = require.resolve(name);
  // The package.json above the resolved entry: exports maps may hide it from require.
  for (let dir = path.dirname(main); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name) return pkg.version ?? '';
    }
  }
  return '';
}

/** What the page is built from: web/index.html, web/src/, web/tsconfig.json and the API's shapes it reads (not the screenshots beside them). */
const SOURCES = ['index.html', 'tsconfig.json', 'src', '../server/api-schema.ts'];

/** A digest of everything the build depends on. */
export function webSourceDigest(): string {
  const hash = createHash('sha256');
  const files = SOURCES.map((s) => path.join(WEB_DIR, s)).flatMap((p) => (fs.statSync(p).isDirectory() ? filesUnder(p) : [p]));
  for (const file of files) hash.update(path.relative(WEB_DIR, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  for (const name of ['vite', 'preact', 'chart.js']) hash.update(`${name}@${packageVersion(name)}\0`);
  return hash.digest('hex').slice(0, 16);
}

/** The folder of the built page, building it first when this version of web/ has not been built. */
export async function ensureWebBuild(log: (line: string) => void = () => {}): Promise<string> {
  const digest = webSourceDigest();
  const target = path.join(CACHE_DIR, digest);
  if (fs.existsSync(path.join(target, 'index.html'))) return target;
  log('building the web app (first run after a change to web/)');
  const started = Date.now();
  const tmp = path.join(CACHE_DIR, `.tmp-${digest}-${process.pid}-${Date.now()}`);
  const { build } = await import('vite');
  await build({
    root: WEB_DIR,
    configFile: false,
    logLevel: 'warn',
    base: '/',
    publicDir: false,
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    build: { outDir: tmp, emptyOutDir: true, assetsDir: 'assets', sourcemap: false, reportCompressedSize: false, chunkSizeWarningLimit: 1024 },
  });
  // The built files reach the disk before the folder takes its name, so a crash never leaves a named half-build.
  const built = filesUnder(tmp);
  await Promise.all([...built, ...new Set(built.map((f) => path.dirname(f)))].map(fsyncPath));
  try {
    await commitFile(tmp, target);
  } catch (err) {
    // Another process finished the same build first: theirs is identical.
    if (!fs.existsSync(path.join(target, 'index.html'))) throw err;
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  log(`built the web app in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return target;
}
