// What a repeated operation leaves in V8's old generation: garbage there piles up until the next full collection,
// so in a session of days it shows as RSS that climbs between them.
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** A full collection on demand (the flag turns on `gc` in contexts made after it). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const oldGenerationUsed = () =>
  getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')!.space_used_size;

/**
 * MB the old generation grows by while `operation` runs `times` times, after a warm-up and a full collection (which
 * moves long-lived state into the old generation, as hours of running do). Only the rises are summed: a full
 * collection in between would hide what piled up before it.
 */
export function oldGenerationGrowthMb(operation: (i: number) => void, times: number): number {
  for (let i = 0; i < times / 10; i++) operation(i);
  collectGarbage();
  const every = Math.max(1, Math.floor(times / 40));
  let grown = 0;
  let last = oldGenerationUsed();
  for (let i = 0; i < times; i++) {
    operation(i);
    if (i % every !== 0) continue;
    const now = oldGenerationUsed();
    grown += Math.max(0, now - last);
    last = now;
  }
  return grown / 2 ** 20;
}
