// How a tradedesk process sizes V8's heap: the young generation at its working size from the first second of a
// session, not grown in steps over its first hours.
import { setFlagsFromString } from 'node:v8';

/**
 * V8 starts the young generation small (1 MB semi-spaces) and doubles it each time the bytes that survive its
 * collections add up to its size, up to 16 MB semi-spaces. Under a steady market feed that takes millions of events:
 * in the memory bench the new space went 8 → 16 → 32 MB between 1M and 8M events, so RSS climbed by ~25 MB long
 * after start and looked like a leak. Growing by 16× at V8's first growth step reaches the same maximum at once:
 * the footprint a long session ends up with anyway, known from the start.
 *
 * The factor is read each time V8 grows a young generation, so setting it at run time works for this thread's
 * heap and for the worker threads started after it (the console's engine). Node accepts no heap-size flag at run
 * time for the main thread's heap, and `tradedesk` is started as `node bin/tradedesk.js`, without flags.
 */
export function youngGenerationAtWorkingSize(): void {
  setFlagsFromString('--semi-space-growth-factor=16');
}
