import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** New-space MB of a fresh process after a short burst of allocation in which some objects survive, as books do. */
function newSpaceMbAfterABurst(shaped: boolean): number {
  const heapShape = new URL('./heap-shape.ts', import.meta.url).href;
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    const { youngGenerationAtWorkingSize } = await import(${JSON.stringify(heapShape)});
    if (${shaped}) youngGenerationAtWorkingSize();
    let window = [];
    for (let i = 0; i < 300_000; i++) {
      window.push({ i });
      if (window.length > 5_000) window = [];
    }
    const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    process.stdout.write(String(space.space_size / 2 ** 20));
  `;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return Number(run.stdout);
}

describe('youngGenerationAtWorkingSize', () => {
  it("takes a process's young generation to V8's maximum at its first growth, not over hours", () => {
    const shaped = newSpaceMbAfterABurst(true);
    const unshaped = newSpaceMbAfterABurst(false);
    // V8's maximum: two 16 MB semi-spaces on a 64-bit machine (8 MB ones below ~8 GB of memory).
    expect(shaped).toBeGreaterThanOrEqual(16);
    // Without it V8 is still growing the space in steps, which for the engine takes millions of events.
    expect(shaped).toBeGreaterThanOrEqual(2 * unshaped);
  });
});
