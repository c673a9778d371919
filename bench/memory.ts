// Memory: RSS of a replay after a first and a tenfold count of events, in a fresh process with its journal on a tmp dir.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Memory {
  first: number;
  last: number;
  rssMbAfterFirst: number;
  rssMbAfterLast: number;
  growthPct: number;
  /** Live heap after a full collection at each checkpoint. */
  heapMbAfterFirst: number;
  heapMbAfterLast: number;
}

/**
 * The child's young generation starts at the size V8 would grow it to anyway (Node 20's default maximum,
 * 16 MB semi-spaces): otherwise V8 doubles it from 8 to 32 MB somewhere in the run under a high allocation
 * rate, and RSS "grows" by that step though the live heap stays flat (measured: 9.1 MB after 1M, 9.0 MB after 10M).
 */
const HEAP_SHAPE = ['--expose-gc', '--min-semi-space-size=16', '--max-semi-space-size=16'];

/** `command` starts memory-child (bundled, or from sources with the TypeScript loader). */
export function measureMemory(command: string[], first: number, last: number): Promise<Memory> {
  const dir = mkdtempSync(join(tmpdir(), 'td-bench-memory-'));
  return new Promise<Memory>((resolve, reject) => {
    const child = spawn(process.execPath, [...HEAP_SHAPE, ...command, dir, String(first), String(last)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'production' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`memory run exited ${code}: ${err.trim().split('\n')[0]}`));
      const { rssMb, heapMb } = JSON.parse(out) as Record<'rssMb' | 'heapMb', Record<string, number>>;
      const a = rssMb[first];
      const b = rssMb[last];
      resolve({
        first,
        last,
        rssMbAfterFirst: a,
        rssMbAfterLast: b,
        growthPct: ((b - a) / a) * 100,
        heapMbAfterFirst: heapMb[first],
        heapMbAfterLast: heapMb[last],
      });
    });
  }).finally(() => rmSync(dir, { recursive: true, force: true }));
}
