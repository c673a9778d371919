// O(1) estimators in event time: irregular updates, windows measured in ms on the event clock.

/** A FIFO of (ts, value) pairs in a growable ring: push at the tail, pop at the head, both O(1) amortized. */
class TimedRing {
  private ts = new Float64Array(64);
  private vs = new Float64Array(64);
  private head = 0;
  size = 0;

  push(ts: number, v: number): void {
    if (this.size === this.ts.length) this.grow();
    const i = (this.head + this.size) % this.ts.length;
    this.ts[i] = ts;
    this.vs[i] = v;
    this.size++;
  }

  /** i-th entry from the head. */
  tsAt(i: number): number {
    return this.ts[(this.head + i) % this.ts.length];
  }
  valueAt(i: number): number {
    return this.vs[(this.head + i) % this.vs.length];
  }

  pop(): number {
    const v = this.vs[this.head];
    this.head = (this.head + 1) % this.ts.length;
    this.size--;
    return v;
  }

  private grow(): void {
    const n = this.ts.length;
    const ts = new Float64Array(n * 2);
    const vs = new Float64Array(n * 2);
    for (let i = 0; i < this.size; i++) {
      ts[i] = this.tsAt(i);
      vs[i] = this.valueAt(i);
    }
    this.ts = ts;
    this.vs = vs;
    this.head = 0;
  }
}

/** Log return over the last `windowMs`: now against the last value at or before now − window. */
export class WindowReturn {
  private readonly ring = new TimedRing();
  private last = NaN;

  constructor(readonly windowMs: number) {}

  push(ts: number, logPrice: number): void {
    this.ring.push(ts, logPrice);
    this.last = logPrice;
    this.evict(ts);
  }

  /** Keep exactly one entry at or before the window's start: the reference price. */
  evict(now: number): void {
    const start = now - this.windowMs;
    while (this.ring.size >= 2 && this.ring.tsAt(1) <= start) this.ring.pop();
  }

  /** In bp; over the history there is while the window is not yet full. */
  get bps(): number {
    if (this.ring.size === 0) return 0;
    return (this.last - this.ring.valueAt(0)) * 1e4;
  }
}

/** Realized volatility: the square root of the sum of squared log returns inside the window. */
export class WindowVolatility {
  private readonly ring = new TimedRing();
  private sum = 0;

  constructor(readonly windowMs: number) {}

  push(ts: number, logReturn: number): void {
    const sq = logReturn * logReturn;
    this.ring.push(ts, sq);
    this.sum += sq;
    this.evict(ts);
  }

  evict(now: number): void {
    const start = now - this.windowMs;
    while (this.ring.size > 0 && this.ring.tsAt(0) <= start) this.sum -= this.ring.pop();
    // An empty window is exactly zero: no rounding residue carried forward.
    if (this.ring.size === 0) this.sum = 0;
  }

  /** In bp over the window (not annualized). */
  get bps(): number {
    return Math.sqrt(Math.max(this.sum, 0)) * 1e4;
  }
}

/** Exponentially weighted mean and variance with a time constant in ms (decay by elapsed time, not by count). */
export class EwStats {
  private mean = 0;
  private variance = 0;
  private lastTs = NaN;
  private count = 0;

  constructor(
    readonly tauMs: number,
    /** Updates before the z-score is trusted. */
    private readonly warmup = 30,
  ) {}

  push(ts: number, x: number): void {
    if (this.count === 0) {
      this.mean = x;
      this.variance = 0;
    } else {
      const dt = Math.max(0, ts - this.lastTs);
      const a = 1 - Math.exp(-dt / this.tauMs);
      const dev = x - this.mean;
      this.mean += a * dev;
      this.variance = (1 - a) * (this.variance + a * dev * dev);
    }
    this.lastTs = ts;
    this.count++;
  }

  /** Distance from the mean; 0 until warm. */
  deviation(x: number): number {
    return this.count < this.warmup ? 0 : x - this.mean;
  }

  /** How many standard deviations `x` sits from the mean; 0 until warm. */
  z(x: number): number {
    if (this.count < this.warmup || this.variance <= 1e-12) return 0;
    return (x - this.mean) / Math.sqrt(this.variance);
  }
}

/** Signed over total traded volume, exponentially weighted in time: −1 all sells … +1 all buys. */
export class FlowImbalance {
  private signed = 0;
  private total = 0;
  private lastTs = NaN;

  constructor(readonly tauMs: number) {}

  push(ts: number, size: number, side: 'buy' | 'sell'): void {
    // Both sums decay alike, so their ratio needs no decay at read time.
    const d = Number.isNaN(this.lastTs) ? 1 : Math.exp(-Math.max(0, ts - this.lastTs) / this.tauMs);
    this.signed = this.signed * d + (side === 'buy' ? size : -size);
    this.total = this.total * d + size;
    this.lastTs = ts;
  }

  get value(): number {
    return this.total > 0 ? this.signed / this.total : 0;
  }
}
