// tradedesk bench [--json] [--quick]: the performance benchmarks (bench/), loaded only when asked for.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CommonOptions } from './main.ts';

export async function runBenchCommand({ flags }: CommonOptions): Promise<number> {
  // Bundled (npm run bench) the bench's worker and child sit beside the bundle; from sources they need the TS loader.
  const fromSources = import.meta.url.endsWith('.ts');
  const here = dirname(fileURLToPath(import.meta.url));
  const root = fromSources ? join(here, '..', '..') : join(here, '..');
  const consoleWorker = fromSources
    ? () =>
        new Worker(join(root, 'source/control/worker-boot.js'), {
          workerData: { entry: new URL('../../bench/console-worker.ts', import.meta.url).href },
        })
    : () => new Worker(join(here, 'bench-console.mjs'));
  const memoryChild = fromSources
    ? ['--import', 'tsx', join(root, 'bench/memory-child.ts')]
    : [join(here, 'bench-memory.mjs')];
  const { runBench, benchLines } = await import('../../bench/run.ts');
  const result = await runBench({
    quick: flags.quick,
    log: flags.json ? () => undefined : (line) => process.stderr.write(`bench: ${line}…\n`),
    consoleWorker,
    memoryChild,
    binary: join(root, 'bin/tradedesk.js'),
  });
  process.stdout.write(flags.json ? JSON.stringify(result) + '\n' : benchLines(result).join('\n') + '\n');
  return 0;
}
