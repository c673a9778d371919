// A loaded model: from a feature vector to an up-move probability, a predicted move in bp and a confidence.
import type { ModelArtifact } from './artifact.ts';
import { gbdtProbability } from './gbdt.ts';
import { logisticProbability } from './logistic.ts';

export interface Forecast {
  /** Probability the target mid is higher one horizon from now. */
  probability: number;
  /** Expected move over the horizon, bp. */
  bps: number;
  /** |2p − 1|: 0 a coin flip, 1 certain. */
  confidence: number;
  /** Share of features outside the training range [p1, p99]. */
  outOfRange: number;
}

export class SignalPredictor {
  private readonly scratch: Float64Array;

  constructor(readonly artifact: ModelArtifact) {
    this.scratch = new Float64Array(artifact.features.length);
  }

  get model(): string {
    return this.artifact.model;
  }
  get version(): string {
    return this.artifact.version;
  }

  probability(x: ArrayLike<number>): number {
    const a = this.artifact;
    return a.model === 'logistic'
      ? logisticProbability(a.params, x, this.scratch)
      : gbdtProbability(a.params, x);
  }

  forecast(x: ArrayLike<number>): Forecast {
    const p = this.probability(x);
    const { p1, p99 } = this.artifact.featureRanges;
    let out = 0;
    for (let j = 0; j < p1.length; j++) if (x[j] < p1[j] || x[j] > p99[j]) out++;
    return {
      probability: p,
      bps: this.artifact.moveScaleBps * (2 * p - 1),
      confidence: Math.abs(2 * p - 1),
      outOfRange: out / p1.length,
    };
  }
}
