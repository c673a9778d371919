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
 * A full collection before each live-heap reading; RSS is read first, as the process has it. No heap-size flag:
 * the child shapes its heap itself with the product's own call (source/engine/heap-shape.ts).
 */
const EXPOSE_GC = ['--expose-gc'];

/** `command` starts memory-child (bundled, or from sources with the TypeScript loader). */
export function measureMemory(command: string[], first: number, last: number): Promise<Memory> {
  const dir = mkdtempSync(join(tmpdir(), 'td-bench-memory-'));
  return new Promise<Memory>((resolve, reject) => {
    const child = spawn(process.execPath, [...EXPOSE_GC, ...command, dir, String(first), String(last)], {
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
