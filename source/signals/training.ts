// Walk-forward training of a signal model on an event stream; the out-of-sample record goes into the artifact.
import type { Instrument } from '../core/instrument.ts';
import type { MarketEvent } from '../core/market-events.ts';
import type { ModelArtifact, ModelKind, OutOfSample } from './artifact.ts';
import { ARTIFACT_FORMAT } from './artifact.ts';
import { SampleCollector, type Sample } from './dataset.ts';
import { FEATURE_NAMES, FEATURE_SET_VERSION, featureHash, type FeatureVenues } from './features.ts';
import { fitGbdt, gbdtProbability, type GbdtParams } from './gbdt.ts';
import { fitLogistic, logisticProbability, type LogisticParams } from './logistic.ts';
import { accuracy, auc, calibration, calibrationError, round, spearman } from './metrics.ts';
import { money, tradeSignal } from './signal-pnl.ts';
import { walkForwardFolds } from './walk-forward.ts';

export interface TrainOptions {
  events: Iterable<MarketEvent>;
  instruments: Instrument[];
  venues: FeatureVenues;
  horizonMs: number;
  model: ModelKind;
  source: ModelArtifact['window']['source'];
  /** Wall-clock stamp for the artifact (the CLI's, never the engine's clock). */
  trainedAt: string;
  sampleEveryMs?: number;
  folds?: number;
  /** Gap after the last training label before the test fold; at least the horizon. */
  purgeMs?: number;
  marginBps?: number;
  minConfidence?: number;
  notional?: number;
}

/** An artifact before the registry gives it a version (per model kind, so `params` stays tied to `model`). */
export type TrainedArtifact = ModelArtifact extends infer A
  ? A extends ModelArtifact
    ? Omit<A, 'version'>
    : never
  : never;

export class TrainingError extends Error {}

type Params = LogisticParams | GbdtParams;

function fit(kind: ModelKind, xs: Float64Array[], ys: Uint8Array): Params {
  return kind === 'logistic' ? fitLogistic(xs, ys) : fitGbdt(xs, ys);
}

function probability(kind: ModelKind, p: Params, x: Float64Array): number {
  return kind === 'logistic'
    ? logisticProbability(p as LogisticParams, x)
    : gbdtProbability(p as GbdtParams, x);
}

/** Samples with a move: flat outcomes say nothing about direction and are left out of the fit. */
function labelled(samples: Sample[]): { xs: Float64Array[]; ys: Uint8Array; moves: number[] } {
  const moving = samples.filter((s) => s.moveBps !== 0);
  return {
    xs: moving.map((s) => s.x),
    ys: Uint8Array.from(moving, (s) => (s.moveBps > 0 ? 1 : 0)),
    moves: moving.map((s) => s.moveBps),
  };
}

/** Fit, then the least-squares bp per unit of (2p − 1) on the same training data. */
function fitWithScale(kind: ModelKind, train: Sample[]): { params: Params; scale: number } {
  const { xs, ys, moves } = labelled(train);
  if (xs.length < 50 || ys.every((y) => y === ys[0]))
    throw new TrainingError(`too few samples with a move to train on (${xs.length}); give it more events`);
  const params = fit(kind, xs, ys);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    const u = 2 * probability(kind, params, xs[i]) - 1;
    sxy += u * moves[i];
    sxx += u * u;
  }
  return { params, scale: sxx > 0 ? sxy / sxx : 0 };
}

export function collectSamples(o: TrainOptions): SampleCollector {
  const collector = new SampleCollector({
    instruments: o.instruments,
    venues: o.venues,
    horizonMs: o.horizonMs,
    sampleEveryMs: o.sampleEveryMs ?? 250,
  });
  for (const ev of o.events) collector.onMarket(ev);
  collector.finish();
  return collector;
}

export function trainSignalModel(o: TrainOptions): TrainedArtifact {
  const collector = collectSamples(o);
  const samples = collector.samples;
  if (samples.length === 0)
    throw new TrainingError(
      `no samples: the events never had books on both ${o.venues.targetVenue} and ${o.venues.referenceVenue} for one asset`,
    );
  const folds = o.folds ?? 4;
  const purgeMs = Math.max(o.purgeMs ?? o.horizonMs, o.horizonMs);
  const marginBps = o.marginBps ?? 1;
  const minConfidence = o.minConfidence ?? 0;
  const notional = o.notional ?? 1_000;
  const fees = new Map(
    [...o.instruments].filter((i) => i.venue === o.venues.targetVenue).map((i) => [i.base, i.takerFee]),
  );

  const oosSamples: Sample[] = [];
  const oosProb: number[] = [];
  const oosBps: number[] = [];
  const ts = samples.map((s) => s.ts);
  const plan = walkForwardFolds(ts, { folds, horizonMs: o.horizonMs, purgeMs });
  if (plan.length === 0) throw new TrainingError(`too short a history for ${folds} walk-forward folds`);
  for (const fold of plan) {
    const { params, scale } = fitWithScale(o.model, samples.slice(...fold.train));
    for (const s of samples.slice(...fold.test)) {
      const p = probability(o.model, params, s.x);
      oosSamples.push(s);
      oosProb.push(p);
      oosBps.push(scale * (2 * p - 1));
    }
  }
  const moving = oosSamples.map((s, i) => ({ s, p: oosProb[i] })).filter(({ s }) => s.moveBps !== 0);
  const probs = moving.map((m) => m.p);
  const ups = moving.map((m) => (m.s.moveBps > 0 ? 1 : 0));
  const trades = tradeSignal(
    oosSamples,
    oosProb.map((p, i) => ({ bps: oosBps[i], confidence: Math.abs(2 * p - 1) })),
    { horizonMs: o.horizonMs, takerFee: (a) => fees.get(a) ?? '0', marginBps, minConfidence, notional },
  );
  const bins = calibration(probs, ups);
  const oos: OutOfSample = {
    auc: round(auc(probs, ups), 4),
    accuracy: round(accuracy(probs, ups), 4),
    ic: round(
      spearman(
        oosBps,
        oosSamples.map((s) => s.moveBps),
      ),
      4,
    ),
    netPnl: money(trades.net),
    grossPnl: money(trades.gross),
    fees: money(trades.fees),
    trades: trades.trades,
    hitRate: trades.trades > 0 ? round(trades.wins / trades.trades, 4) : 0,
    maxForecastBps: round(
      oosBps.reduce((m, b) => Math.max(m, Math.abs(b)), 0),
      2,
    ),
    thresholdBps: round(2 * Number(fees.values().next().value ?? 0) * 1e4 + marginBps, 2),
    notional,
    calibration: bins,
    calibrationError: round(calibrationError(bins), 4),
    samples: oosSamples.length,
    folds: plan.length,
    purgeMs,
  };

  const final = fitWithScale(o.model, samples);
  const base = {
    format: ARTIFACT_FORMAT as typeof ARTIFACT_FORMAT,
    trainedAt: o.trainedAt,
    featureSetVersion: FEATURE_SET_VERSION,
    features: [...FEATURE_NAMES],
    featureHash: featureHash(),
    venues: o.venues,
    horizonMs: o.horizonMs,
    window: {
      firstTs: collector.firstTs,
      lastTs: collector.lastTs,
      events: collector.events,
      samples: samples.length,
      sampleEveryMs: o.sampleEveryMs ?? 250,
      source: o.source,
    },
    oos,
    moveScaleBps: round(final.scale, 6),
    featureRanges: featureRanges(samples),
  };
  return o.model === 'logistic'
    ? { ...base, model: 'logistic', params: final.params as LogisticParams }
    : { ...base, model: 'gbdt', params: final.params as GbdtParams };
}

/** The 1st and 99th percentile of each feature over the training samples. */
function featureRanges(samples: Sample[]): { p1: number[]; p99: number[] } {
  const d = FEATURE_NAMES.length;
  const p1: number[] = [];
  const p99: number[] = [];
  const col = new Float64Array(samples.length);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < samples.length; i++) col[i] = samples[i].x[j];
    col.sort();
    p1.push(col[Math.floor(0.01 * (col.length - 1))]);
    p99.push(col[Math.ceil(0.99 * (col.length - 1))]);
  }
  return { p1, p99 };
}
