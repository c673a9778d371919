// Bundle the TypeScript sources into dist/ with esbuild (about 0.1 s), so a start loads two files, not hundreds.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const distDir = fileURLToPath(new URL('../dist/', import.meta.url));
const entry = new URL('../dist/tradedesk.mjs', import.meta.url);
/** Every source file the last build read, and when that build started. */
const manifestFile = join(distDir, 'inputs.json');
/** Coarse file-system clocks (1–2 s) must not make an edit just before a build look older than it. */
const CLOCK_SLACK_MS = 2_000;

/** Packages left out of the bundle (resolved from node_modules at run time). */
const EXTERNAL = [
  'esbuild',
  'tsx',
  'ccxt',
  // Ink imports it only when DEV=true (React devtools); not installed.
  'react-devtools-core',
  // ws's optional native speed-ups, required inside try/catch.
  'bufferutil',
  'utf-8-validate',
];

/** The bundle, rebuilt only when a source it was made from changed since (a few hundred stat calls). */
export async function freshBundle() {
  return isFresh() ? entry : bundle();
}

export function isFresh() {
  try {
    const { startedMs, inputs } = JSON.parse(readFileSync(manifestFile, 'utf8'));
    statSync(entry);
    for (const input of inputs)
      if (statSync(join(root, input)).mtimeMs >= startedMs - CLOCK_SLACK_MS) return false;
    return true;
  } catch {
    // No manifest, an unreadable one, or an input gone: build.
    return false;
  }
}

export async function bundle() {
  const startedMs = Date.now();
  // Loaded only to build: a start from a fresh bundle never reads esbuild.
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: root,
    entryPoints: {
      tradedesk: 'bin/tradedesk.ts',
      'engine-worker': 'source/control/engine-worker.ts',
      // The bench's console thread and memory process (tradedesk bench); never loaded otherwise.
      'bench-console': 'bench/console-worker.ts',
      'bench-memory': 'bench/memory-child.ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // The console's libraries go INTO the bundle: Node then parses one ESM file instead of ~200 CommonJS and ESM
    // modules (React's CJS builds, es-toolkit's whole compat index for Ink's one `throttle`), and with
    // NODE_ENV fixed at build time React's production build is picked and its development code dropped.
    // Left outside: the build tools, ccxt (large, loaded only by live venues), native or optional addons.
    external: EXTERNAL,
    define: { 'process.env.NODE_ENV': '"production"' },
    // CommonJS packages inside an ESM bundle still call require() for Node's built-ins.
    banner: {
      js: "import { createRequire as __tdRequire } from 'node:module'; const require = __tdRequire(import.meta.url);",
    },
    outdir: distDir,
    outExtension: { '.js': '.mjs' },
    // Chunks load on demand: the console starts its engine before Ink and React are even read.
    splitting: true,
    // Chunks sit beside the entries: modules find their siblings (engine-worker.mjs) from import.meta.url.
    chunkNames: '[name]-[hash]',
    sourcemap: 'inline',
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  // Write beside, then rename: two processes starting at once never read half a file.
  const writeAtomically = (path, contents) => {
    mkdirSync(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, contents);
    renameSync(temp, path);
  };
  for (const file of result.outputFiles) writeAtomically(file.path, file.contents);
  // The manifest goes last: a build that died half way is never taken for a fresh one.
  // Bundled packages count through npm's record of the install (rewritten by every npm install / ci), not file by
  // file: ~600 stat calls fewer on every start.
  const sources = Object.keys(result.metafile.inputs).filter((f) => !f.startsWith('node_modules/'));
  const inputs = [...sources, 'bin/bundle.js', 'package.json', 'tsconfig.json', ...installRecord()];
  writeAtomically(manifestFile, JSON.stringify({ startedMs, inputs }));
  return entry;
}

/** npm's record of what is installed, when there is one (`npm install` also rebuilds through `prepare`). */
function installRecord() {
  try {
    statSync(join(root, 'node_modules/.package-lock.json'));
    return ['node_modules/.package-lock.json'];
  } catch {
    return [];
  }
}
