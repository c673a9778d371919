// A 160×48 terminal that keeps no text, only what a real one would cost: bytes written and frames painted.
import { EventEmitter } from 'node:events';

// Ink wraps each frame in synchronized-output markers on a TTY; a write of markers alone paints nothing.
const SYNC_MARKERS = new RegExp(`${String.fromCharCode(27)}\\[\\?2026[hl]`, 'g');

export class CountingTerminal extends EventEmitter {
  readonly isTTY = true;
  bytes = 0;
  frames = 0;
  constructor(
    readonly columns = 160,
    readonly rows = 48,
  ) {
    super();
  }
  write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    this.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    if (typeof chunk !== 'string' || chunk.replace(SYNC_MARKERS, '').length > 0) this.frames += 1;
    const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    done?.();
    return true;
  };
  reset(): void {
    this.bytes = 0;
    this.frames = 0;
  }
}

/** A keyboard nobody types on, as Ink needs one to read keys from. */
export class IdleKeyboard extends EventEmitter {
  readonly isTTY = true;
  read = (): null => null;
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}
