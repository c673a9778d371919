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
    packages: 'external',
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
  const inputs = [...Object.keys(result.metafile.inputs), 'bin/bundle.js', 'package.json', 'tsconfig.json'];
  writeAtomically(manifestFile, JSON.stringify({ startedMs, inputs }));
  return entry;
}
