// The latent prices behind the simulated books: one fair price per asset and each venue's lagged view of it.
// Everything advances on a fixed time grid of its own, so a seed gives the same price paths at any event rate.
import type { SeededRandom } from '../../source/core/random.ts';

export const GRID_MS = 5;
/** GARCH variance is updated once per bucket from the bucket's diffusive return. */
export const GARCH_BUCKET_MS = 10_000;
const BUCKET_STEPS = GARCH_BUCKET_MS / GRID_MS;
const MS_PER_YEAR = 365 * 24 * 3600 * 1000;
// Persistence 0.995 per 10 s: volatility regimes with a half-life of about 23 minutes; finite kurtosis.
const GARCH_ALPHA = 0.04;
const GARCH_BETA = 0.955;
const VARIANCE_FLOOR = 0.1;
const VARIANCE_CAP = 20;
/** Correlation of the assets' diffusive shocks (crypto moves together). */
const CROSS_ASSET_RHO = 0.7;
/** Basis between venues (applied in proportion to each venue's basisShare): OU, std 2 bp, 10 min. */
const BASIS_STD = 2e-4;
const BASIS_TAU_MS = 10 * 60_000;
const BASIS_EVERY_STEPS = 20;
/** Quote noise moves every 20 ms: finer than any book sees, and half the cost of moving it every step. */
const NOISE_EVERY_STEPS = 4;
/** Crowd long bias as a funding premium per hour: OU, std 0.125 bp/h (1 bp per 8 h), 4 h. */
const SENTIMENT_STD = 1.25e-5;
const SENTIMENT_TAU_MS = 4 * 3600_000;
/** A venue-only dislocation (one book swept) decays this fast: other arbitrageurs compete to close it. */
const DISLOCATION_TAU_MS = 500;
/** Share of dislocations that hit the slower, thinner venue (the last one). */
const DISLOCATION_LAGGER_SHARE = 0.8;
/** "Recent move" that biases trade aggressors: fair price minus its 2 s moving average. */
const MOVE_TAU_MS = 2_000;

export interface AssetDynamics {
  startPrice: number;
  annualVol: number;
  jumpMeanIntervalS: number;
  jumpBps: [min: number, max: number];
  /** Mean time between venue-only dislocations, seconds; they move one venue's book, not the fair price. */
  dislocationMeanIntervalS: number;
  dislocationBps: [min: number, max: number];
}

export interface VenueDynamics {
  /** Time constant of the venue mid's exponential approach to the fair price. */
  lagMs: number;
  /** Stationary std of the venue's own quote noise (OU), bp. */
  noiseBps: number;
  noiseTauMs: number;
  /** How much of the cross-venue basis this venue carries (0 or 1). */
  basisShare: number;
}

interface AssetState {
  readonly startPrice: number;
  /** log(fair / startPrice) */
  x: number;
  /** Diffusive variance per grid step (current GARCH state). */
  stepVar: number;
  readonly meanBucketVar: number;
  bucketReturn: number;
  nextJumpMs: number;
  readonly jumpMeanMs: number;
  readonly jumpMin: number;
  readonly jumpSpan: number;
  jumps: number;
  basis: number;
  sentiment: number;
  moveEma: number;
  nextDislocationMs: number;
  readonly dislocationMeanMs: number;
  readonly dislocationMin: number;
  readonly dislocationSpan: number;
  /** Per venue: the lagged log price, the quote noise, and the decaying dislocation. */
  readonly lag: Float64Array;
  readonly noise: Float64Array;
  readonly dislocation: Float64Array;
}

export class PriceField {
  private steps = 0;
  private readonly state: AssetState[];
  private readonly lagA: Float64Array;
  private readonly lagC: Float64Array;
  private readonly noiseA: Float64Array;
  private readonly noiseB: Float64Array;
  private readonly basisShare: Float64Array;
  private readonly basisA = Math.exp(-(BASIS_EVERY_STEPS * GRID_MS) / BASIS_TAU_MS);
  private readonly basisB = BASIS_STD * Math.sqrt(1 - this.basisA ** 2);
  private readonly sentA = Math.exp(-GARCH_BUCKET_MS / SENTIMENT_TAU_MS);
  private readonly sentB = SENTIMENT_STD * Math.sqrt(1 - this.sentA ** 2);
  private readonly moveK = 1 - Math.exp(-GRID_MS / MOVE_TAU_MS);
  private readonly idioScale = Math.sqrt(1 - CROSS_ASSET_RHO ** 2);
  private readonly dislocationA = Math.exp(-GRID_MS / DISLOCATION_TAU_MS);

  constructor(
    private readonly rng: SeededRandom,
    assets: AssetDynamics[],
    venues: VenueDynamics[],
  ) {
    const nv = venues.length;
    // Exact response of an exponential filter to an input moving linearly across one grid step.
    this.lagA = Float64Array.from(venues, (v) => Math.exp(-GRID_MS / v.lagMs));
    this.lagC = Float64Array.from(venues, (v, i) => (v.lagMs / GRID_MS) * (1 - this.lagA[i]));
    this.noiseA = Float64Array.from(venues, (v) => Math.exp(-(NOISE_EVERY_STEPS * GRID_MS) / v.noiseTauMs));
    this.noiseB = Float64Array.from(venues, (v, i) => v.noiseBps * 1e-4 * Math.sqrt(1 - this.noiseA[i] ** 2));
    this.basisShare = Float64Array.from(venues, (v) => v.basisShare);
    this.state = assets.map((a) => {
      const meanStepVar = (a.annualVol ** 2 * GRID_MS) / MS_PER_YEAR;
      const jumpMeanMs = a.jumpMeanIntervalS * 1000;
      const dislocationMeanMs = a.dislocationMeanIntervalS * 1000;
      const noise = new Float64Array(nv);
      for (let v = 0; v < nv; v++) noise[v] = venues[v].noiseBps * 1e-4 * rng.normal();
      return {
        startPrice: a.startPrice,
        x: 0,
        stepVar: meanStepVar,
        meanBucketVar: meanStepVar * BUCKET_STEPS,
        bucketReturn: 0,
        nextJumpMs: Number.isFinite(jumpMeanMs) ? rng.exponential(jumpMeanMs) : Infinity,
        jumpMeanMs,
        jumpMin: a.jumpBps[0] * 1e-4,
        jumpSpan: (a.jumpBps[1] - a.jumpBps[0]) * 1e-4,
        jumps: 0,
        basis: BASIS_STD * rng.normal(),
        sentiment: SENTIMENT_STD * rng.normal(),
        moveEma: 0,
        nextDislocationMs: Number.isFinite(dislocationMeanMs) ? rng.exponential(dislocationMeanMs) : Infinity,
        dislocationMeanMs,
        dislocationMin: a.dislocationBps[0] * 1e-4,
        dislocationSpan: (a.dislocationBps[1] - a.dislocationBps[0]) * 1e-4,
        lag: new Float64Array(nv),
        noise,
        dislocation: new Float64Array(nv),
      };
    });
  }

  /** Simulated ms since start up to which the field has been integrated (a multiple of GRID_MS). */
  get timeMs(): number {
    return this.steps * GRID_MS;
  }

  /** Integrate up to the last grid point at or before `ms`. */
  advanceTo(ms: number): void {
    const target = Math.floor(ms / GRID_MS);
    while (this.steps < target) this.step();
  }

  fairPrice(asset: number): number {
    const s = this.state[asset];
    return s.startPrice * Math.exp(s.x);
  }

  fairLog(asset: number): number {
    return this.state[asset].x;
  }

  /** The venue's own (lagged, noisy, basis-shifted) mid, before it is put on the venue's price grid. */
  venuePrice(asset: number, venue: number): number {
    return this.state[asset].startPrice * Math.exp(this.venueLog(asset, venue));
  }

  venueLog(asset: number, venue: number): number {
    const s = this.state[asset];
    return s.lag[venue] + s.noise[venue] + s.dislocation[venue] + this.basisShare[venue] * s.basis;
  }

  /** Fair price minus its recent average, bp. */
  recentMoveBps(asset: number): number {
    const s = this.state[asset];
    return (s.x - s.moveEma) * 1e4;
  }

  /** Current cross-venue basis as a fraction of price (log units). */
  basis(asset: number): number {
    return this.state[asset].basis;
  }

  /** Crowd long bias, as a funding premium per hour. */
  sentiment(asset: number): number {
    return this.state[asset].sentiment;
  }

  /** Current annualised diffusive volatility (GARCH state). */
  annualisedVol(asset: number): number {
    return Math.sqrt((this.state[asset].stepVar * MS_PER_YEAR) / GRID_MS);
  }

  jumpCount(asset: number): number {
    return this.state[asset].jumps;
  }

  private step(): void {
    const rng = this.rng;
    const n = ++this.steps;
    const tEnd = n * GRID_MS;
    const bucketEnd = n % BUCKET_STEPS === 0;
    const basisStep = n % BASIS_EVERY_STEPS === 0;
    const noiseStep = n % NOISE_EVERY_STEPS === 0;
    const common = CROSS_ASSET_RHO * rng.normal();
    const nv = this.lagA.length;
    for (const s of this.state) {
      const f0 = s.x;
      const sd = Math.sqrt(s.stepVar);
      const dx = sd * (common + this.idioScale * rng.normal()) - 0.5 * s.stepVar;
      s.bucketReturn += dx;
      let x = f0 + dx;
      while (s.nextJumpMs <= tEnd) {
        const size = s.jumpMin + s.jumpSpan * rng.next();
        x += rng.next() < 0.5 ? size : -size;
        s.jumps++;
        s.nextJumpMs += rng.exponential(s.jumpMeanMs);
      }
      s.x = x;
      const df = x - f0;
      const lag = s.lag;
      for (let v = 0; v < nv; v++) lag[v] = x + (lag[v] - f0) * this.lagA[v] - df * this.lagC[v];
      if (noiseStep) {
        const noise = s.noise;
        for (let v = 0; v < nv; v++) noise[v] = noise[v] * this.noiseA[v] + this.noiseB[v] * rng.normal();
      }
      const dislocation = s.dislocation;
      for (let v = 0; v < nv; v++) if (dislocation[v] !== 0) dislocation[v] *= this.dislocationA;
      while (s.nextDislocationMs <= tEnd) {
        const size = s.dislocationMin + s.dislocationSpan * rng.next();
        const v = nv === 1 || rng.next() < DISLOCATION_LAGGER_SHARE ? nv - 1 : rng.int(nv - 1);
        dislocation[v] += rng.next() < 0.5 ? size : -size;
        s.nextDislocationMs += rng.exponential(s.dislocationMeanMs);
      }
      s.moveEma += (x - s.moveEma) * this.moveK;
      if (basisStep) s.basis = s.basis * this.basisA + this.basisB * rng.normal();
      if (bucketEnd) {
        const r = s.bucketReturn;
        const omega = s.meanBucketVar * (1 - GARCH_ALPHA - GARCH_BETA);
        let bucketVar = omega + GARCH_ALPHA * r * r + GARCH_BETA * s.stepVar * BUCKET_STEPS;
        bucketVar = Math.min(
          Math.max(bucketVar, VARIANCE_FLOOR * s.meanBucketVar),
          VARIANCE_CAP * s.meanBucketVar,
        );
        s.stepVar = bucketVar / BUCKET_STEPS;
        s.bucketReturn = 0;
        s.sentiment = s.sentiment * this.sentA + this.sentB * rng.normal();
      }
    }
  }
}
