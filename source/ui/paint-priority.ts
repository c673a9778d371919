// The screen gives way to trading: on a busy machine the thread that paints runs after the engine's, not before.
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * Nice value for the painting thread. On Linux the nice value belongs to a thread, so this lowers only the
 * console's thread: the engine's thread (and V8's own threads) keep theirs. At 10 the scheduler gives the
 * painter about a tenth of a contended core's time next to the engine, so a frame can be late, a tick cannot.
 */
export const PAINT_NICE = 10;

/** This thread's id as the kernel knows it, or null off Linux. */
function threadId(): number | null {
  try {
    const id = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(id) && id > 0 ? id : null;
  } catch {
    return null;
  }
}

/**
 * Lower the calling thread's priority to PAINT_NICE (never raise it: an operator's own `nice` stands).
 * Call it from the thread that paints, after the engine's thread is started, since new threads inherit it.
 * Returns the thread's nice value afterwards, or null where a thread's priority cannot be set on its own.
 */
export function paintBelowTrading(): number | null {
  const id = threadId();
  if (id === null) return null;
  try {
    if (getPriority(id) < PAINT_NICE) setPriority(id, PAINT_NICE);
    return getPriority(id);
  } catch {
    return null;
  }
}
