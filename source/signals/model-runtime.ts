// Models at work in the engine: the live feature set, the registered models' forecasts, drift, hot reload.
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Instrument } from '../core/instrument.ts';
import type { MarketEvent } from '../core/market-events.ts';
import type { OrderBook } from '../core/order-book.ts';
import { checkFeatures, ModelArtifactError, parseArtifact, type ModelArtifact } from './artifact.ts';
import type { SignalReading } from './basis-signal.ts';
import { FEATURE_NAMES, MarketFeatures, type FeatureVenues } from './features.ts';
import { listModels, loadArtifact, registeredVersions } from './model-registry.ts';
import { SignalPredictor } from './predictor.ts';

/** A model's latest word on one asset's target venue. */
export interface SignalForecast extends SignalReading {
  /** Expected move of the target venue's mid over `horizonMs`, bp (same as `prediction`). */
  bps: number;
  horizonMs: number;
}

/** What a strategy reads forecasts from. */
export interface ForecastSource {
  forecast(model: string, venue: string, symbol: string): SignalForecast | null;
}

export type AlertSink = (severity: 'info' | 'warning', source: string, message: string) => void;

export interface SignalHubOptions {
  instruments: Instrument[];
  venues: FeatureVenues;
  /** The model registry (DATA_DIR/models). */
  dir: string;
  /** Model names to serve ("logistic", "gbdt"); each runs its newest accepted version. */
  models: string[];
  /** How often, on the engine clock, the registry is looked at for new versions. */
  pollEveryMs?: number;
}

/** Share of features outside the training range, smoothed, above which a model's inputs count as drifted. */
const DRIFT_SHARE = 0.25;
const DRIFT_ALPHA = 0.02;

export class SignalHub implements ForecastSource {
  readonly features: MarketFeatures;
  private readonly predictors = new Map<string, SignalPredictor>();
  private readonly readings = new Map<string, SignalForecast>();
  private readonly outOfRange = new Map<string, number>();
  private readonly assetOfTarget = new Map<string, string>();
  /** Files refused once are not read again. */
  private readonly refused = new Set<string>();
  private readonly x = new Float64Array(FEATURE_NAMES.length);
  private readonly pollEveryMs: number;
  private nextPollTs = Number.NEGATIVE_INFINITY;
  private polling: Promise<void> | null = null;
  private alert: AlertSink = () => undefined;

  constructor(private readonly o: SignalHubOptions) {
    this.features = new MarketFeatures(o.instruments, o.venues);
    for (const [asset, inst] of this.features.targets)
      this.assetOfTarget.set(`${inst.venue}|${inst.symbol}`, asset);
    this.pollEveryMs = o.pollEveryMs ?? 2_000;
  }

  /** Wire alerts and load each model's newest acceptable version now (before the first event). */
  attach(alert: AlertSink): void {
    this.alert = alert;
    const files = listModels(this.o.dir);
    for (const model of this.o.models) {
      const versions = registeredVersions(files, model).reverse();
      for (const v of versions) {
        const file = join(this.o.dir, v.file);
        try {
          this.install(loadArtifact(file), file);
          break;
        } catch (e) {
          this.refuse(file, e);
        }
      }
      if (!this.predictors.has(model))
        this.alert(
          'warning',
          'models',
          `no usable ${model} model in ${this.o.dir}: train one with tradedesk train`,
        );
    }
  }

  /** The engine's one call per market event (for a book event, after the book has moved). */
  onMarket(ev: MarketEvent, book: OrderBook | undefined): void {
    if (ev.ts >= this.nextPollTs) {
      this.nextPollTs = ev.ts + this.pollEveryMs;
      this.polling ??= this.poll().finally(() => (this.polling = null));
    }
    const asset = this.features.onMarket(ev, ev.kind === 'book' ? book : undefined);
    if (!asset || ev.kind !== 'book' || !asset.ready || this.predictors.size === 0) return;
    asset.write(this.x);
    for (const [model, p] of this.predictors) {
      const f = p.forecast(this.x);
      const k = `${model}|${asset.asset}`;
      const drift = (this.outOfRange.get(k) ?? f.outOfRange) * (1 - DRIFT_ALPHA) + f.outOfRange * DRIFT_ALPHA;
      this.outOfRange.set(k, drift);
      this.readings.set(k, {
        model,
        symbol: asset.asset,
        prediction: f.bps,
        bps: f.bps,
        confidence: f.confidence,
        version: p.version,
        ts: ev.ts,
        drift: drift > DRIFT_SHARE,
        horizonMs: p.artifact.horizonMs,
      });
    }
  }

  forecast(model: string, venue: string, symbol: string): SignalForecast | null {
    const asset = this.assetOfTarget.get(`${venue}|${symbol}`);
    return asset === undefined ? null : (this.readings.get(`${model}|${asset}`) ?? null);
  }

  /** For the Signals pane. */
  latest(): SignalForecast[] {
    return [...this.readings.values()];
  }

  /** Versions running now, by model name. */
  running(): Map<string, string> {
    return new Map([...this.predictors].map(([m, p]) => [m, p.version]));
  }

  /** Wait for a registry look that is under way (tests; the engine never waits). */
  async settled(): Promise<void> {
    await this.polling;
  }

  /** Off the hot path: list the registry, read and check any newer version, swap it in whole. */
  private async poll(): Promise<void> {
    const files = await readdir(this.o.dir).catch(() => [] as string[]);
    for (const model of this.o.models) {
      const newest = registeredVersions(files, model).at(-1);
      if (!newest || this.refused.has(newest.file)) continue;
      const current = this.predictors.get(model);
      if (current && Number(current.version.slice(1)) >= newest.version) continue;
      const file = join(this.o.dir, newest.file);
      try {
        const a = parseArtifact(await readFile(file, 'utf8'), file);
        checkFeatures(a, file);
        this.install(a, file);
      } catch (e) {
        this.refuse(file, e);
      }
    }
  }

  private install(a: ModelArtifact, file: string): void {
    const { targetVenue, referenceVenue } = this.o.venues;
    if (a.venues.targetVenue !== targetVenue || a.venues.referenceVenue !== referenceVenue)
      throw new ModelArtifactError(
        `model ${file}: trained to predict ${a.venues.targetVenue} from ${a.venues.referenceVenue}, this engine runs ${targetVenue} from ${referenceVenue}`,
      );
    const before = this.predictors.get(a.model)?.version;
    this.predictors.set(a.model, new SignalPredictor(a));
    for (const k of [...this.readings.keys()]) if (k.startsWith(`${a.model}|`)) this.readings.delete(k);
    this.alert(
      'info',
      'models',
      `${before ? `hot-reloaded ${a.model} ${before} → ${a.version}` : `loaded ${a.model} ${a.version}`} (out of sample AUC ${a.oos.auc}, net ${a.oos.netPnl})`,
    );
  }

  /** Any failure to read or accept a model file is an alert, never a crash of the engine. */
  private refuse(file: string, e: unknown): void {
    if (!(e instanceof Error)) throw e;
    this.refused.add(basename(file));
    this.alert('warning', 'models', `refused ${file}: ${e.message.replace(`model ${file}: `, '')}`);
  }
}
