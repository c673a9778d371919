// Time is injected: replay, demo and live run the same code on a different clock.
export interface Clock {
  /** Milliseconds since the epoch on this clock. */
  now(): number;
}

export class WallClock implements Clock {
  now(): number {
    return Date.now();
  }
}

/** A clock that only moves when told to: the simulated market and replay drive it. */
export class SimClock implements Clock {
  constructor(private ms: number) {}
  now(): number {
    return this.ms;
  }
  advanceTo(ms: number): void {
    if (ms > this.ms) this.ms = ms;
  }
}
