// Bundle the TypeScript sources into dist/ with esbuild (about 0.1 s), so a start loads two files, not hundreds.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const distDir = fileURLToPath(new URL('../dist/', import.meta.url));

export async function bundle() {
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
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: 'inline',
    write: false,
    logLevel: 'silent',
  });
  // Write beside, then rename: two processes starting at once never read half a file.
  for (const file of result.outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    const temp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temp, file.contents);
    renameSync(temp, file.path);
  }
  return new URL('../dist/tradedesk.mjs', import.meta.url);
}
