// The console's thread gives way to the engine's: only the painting thread is lowered, never the process.
import { readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { PAINT_NICE } from './paint-priority.ts';

/** A thread's nice value as the kernel reports it (field 19 of its stat line). */
function niceOf(thread: string): number {
  const stat = readFileSync(join('/proc', thread, 'stat'), 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

describe('paint priority', () => {
  it('lowers the painting thread to nice 10 and leaves the others', async () => {
    const before = getPriority();
    const worker = new Worker(new URL('../control/worker-boot.js', import.meta.url), {
      workerData: { entry: new URL('../../test/fixtures/paint-thread.ts', import.meta.url).href },
    });
    const seen = await new Promise<{ nice: number | null; thread: string }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    // The kernel agrees while the thread still lives.
    expect(niceOf(seen.thread)).toBe(PAINT_NICE);
    await worker.terminate();
    expect(seen.nice).toBe(PAINT_NICE);
    // The thread that started it (here the test's, in the product the engine's sibling) keeps its priority.
    expect(getPriority()).toBe(before);
    expect(niceOf('thread-self')).toBe(before);
  });
});
