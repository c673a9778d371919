// A first model signal: the lagging venue's mid tends to converge to the leading venue's; O(1) per update.
export interface SignalReading {
  model: string;
  symbol: string;
  /** Predicted move of the lagging venue's mid, bps. */
  prediction: number;
  confidence: number;
  version: string;
  ts: number;
  drift: boolean;
}

/** Exponentially weighted mean and variance of the cross-venue basis, and its z-score. */
export class BasisSignal {
  readonly model = 'basis-revert';
  readonly version = 'v0';
  private mean = 0;
  private variance = 1;
  private warm = 0;
  /** The last update's figures: the reading is built from them only when someone asks (a few times a second). */
  private updated = false;
  private lastBasis = 0;
  private lastZ = 0;
  private lastTs = 0;

  constructor(
    readonly asset: string,
    private readonly alpha = 0.01,
  ) {}

  /** `leadMid`, `lagMid`: the two venues' mids at the same moment. */
  update(leadMid: number, lagMid: number, ts: number): void {
    if (!(leadMid > 0 && lagMid > 0)) return;
    const basis = ((lagMid - leadMid) / leadMid) * 1e4;
    const dev = basis - this.mean;
    this.mean += this.alpha * dev;
    this.variance = (1 - this.alpha) * (this.variance + this.alpha * dev * dev);
    this.warm += 1;
    const sd = Math.sqrt(Math.max(this.variance, 1e-9));
    const z = (basis - this.mean) / sd;
    this.updated = true;
    this.lastBasis = basis;
    this.lastZ = z;
    this.lastTs = ts;
  }

  get latest(): SignalReading | null {
    if (!this.updated) return null;
    const z = this.lastZ;
    return {
      model: this.model,
      symbol: this.asset,
      prediction: -(this.lastBasis - this.mean),
      confidence: Math.min(1, Math.abs(z) / 3),
      version: this.version,
      ts: this.lastTs,
      // Far outside what it has seen: trust it less.
      drift: this.warm > 200 && Math.abs(z) > 6,
    };
  }
}
