// The model artifact: what was trained, on which features and window, how it scored, and its parameters.
import { z } from 'zod';
import { FEATURE_NAMES, FEATURE_SET_VERSION, featureHash } from './features.ts';

export const ARTIFACT_FORMAT = 1;
export const MODEL_KINDS = ['logistic', 'gbdt'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

const finite = z.number().finite();

const calibrationBin = z.object({
  from: finite,
  to: finite,
  count: z.number().int(),
  predicted: finite,
  observed: finite,
});

export const oosSchema = z.object({
  auc: finite,
  accuracy: finite,
  ic: finite,
  /** Quote currency, decimal string: trading the signal at the threshold, after taker fees both ways. */
  netPnl: z.string(),
  grossPnl: z.string(),
  fees: z.string(),
  trades: z.number().int(),
  hitRate: finite,
  /** The largest forecast out of sample, bp: beside thresholdBps it says whether the signal could ever trade. */
  maxForecastBps: finite,
  thresholdBps: finite,
  notional: finite,
  calibration: z.array(calibrationBin),
  calibrationError: finite,
  samples: z.number().int(),
  folds: z.number().int(),
  purgeMs: z.number().int(),
});
export type OutOfSample = z.infer<typeof oosSchema>;

const logisticParams = z.object({
  low: z.array(finite),
  high: z.array(finite),
  mean: z.array(finite),
  scale: z.array(finite),
  weights: z.array(finite),
  bias: finite,
});
const gbdtParams = z.object({
  base: finite,
  learningRate: finite,
  trees: z.array(z.array(finite).length(10)),
});

const common = {
  format: z.literal(ARTIFACT_FORMAT),
  version: z.string().regex(/^v\d+$/, 'a version like "v3"'),
  trainedAt: z.string(),
  featureSetVersion: z.number().int(),
  features: z.array(z.string()).min(1),
  featureHash: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 hex digest'),
  venues: z.object({ targetVenue: z.string(), referenceVenue: z.string() }),
  horizonMs: z.number().int().positive(),
  window: z.object({
    firstTs: z.number(),
    lastTs: z.number(),
    events: z.number().int(),
    samples: z.number().int(),
    sampleEveryMs: z.number().int(),
    source: z.union([
      z.object({ kind: z.literal('sim'), seed: z.number().int(), events: z.number().int() }),
      z.object({ kind: z.literal('data'), dir: z.string() }),
    ]),
  }),
  oos: oosSchema,
  /** Predicted move, bp, per unit of (2p − 1): fitted on the training set. */
  moveScaleBps: finite,
  /** Per feature, the training distribution's 1st and 99th percentiles: live values outside are drift. */
  featureRanges: z.object({ p1: z.array(finite), p99: z.array(finite) }),
};

export const artifactSchema = z.discriminatedUnion('model', [
  z.object({ model: z.literal('logistic'), ...common, params: logisticParams }).strict(),
  z.object({ model: z.literal('gbdt'), ...common, params: gbdtParams }).strict(),
]);
export type ModelArtifact = z.infer<typeof artifactSchema>;

export class ModelArtifactError extends Error {}

/** Validate a model file's text; the message names the file and the field. */
export function parseArtifact(text: string, file: string): ModelArtifact {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ModelArtifactError(`model ${file}: not valid JSON (${(e as Error).message})`);
  }
  const result = artifactSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue.path.length ? issue.path.join('.') : '(top level)';
    throw new ModelArtifactError(`model ${file}: field ${field}: ${issue.message}`);
  }
  return result.data;
}

/** Refuse a model trained on another feature set: its weights would read the wrong numbers. */
export function checkFeatures(a: ModelArtifact, file: string, expected = featureHash()): void {
  if (a.featureHash !== featureHash(a.features, a.featureSetVersion) || a.featureHash !== expected)
    throw new ModelArtifactError(
      `model ${file}: feature hash ${a.featureHash.slice(0, 12)}… does not match the running feature set ` +
        `${expected.slice(0, 12)}… (v${FEATURE_SET_VERSION}, ${FEATURE_NAMES.length} features; ` +
        `the model has v${a.featureSetVersion}, ${a.features.length}): retrain it with tradedesk train`,
    );
  const n = a.features.length;
  const sized =
    a.featureRanges.p1.length === n &&
    a.featureRanges.p99.length === n &&
    (a.model === 'gbdt' ||
      [a.params.weights, a.params.mean, a.params.scale, a.params.low, a.params.high].every(
        (v) => v.length === n,
      ));
  if (!sized) throw new ModelArtifactError(`model ${file}: parameters do not match its ${n} features`);
}
