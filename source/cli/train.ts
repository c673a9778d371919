// tradedesk train: walk-forward training of a signal model; the artifact goes into the data dir's model registry.
import { copyFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { readRecording, readRecordingMeta } from '../../gateways/replay/recording.ts';
import { SimMarket } from '../../gateways/sim/market.ts';
import type { Instrument } from '../core/instrument.ts';
import type { MarketEvent } from '../core/market-events.ts';
import type { MlSignalStrategyConfig } from '../engine/config.ts';
import { MODEL_KINDS, type ModelKind } from '../signals/artifact.ts';
import { modelsDir, registerArtifact } from '../signals/model-registry.ts';
import { trainSignalModel, TrainingError } from '../signals/training.ts';
import { UsageError, type CommonOptions } from './main.ts';

/** "5s", "500ms", "2m" → ms. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text.trim());
  const ms = m ? Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 's' ? 1000 : 60_000) : NaN;
  if (!(ms >= 1 && Number.isInteger(ms)))
    throw new UsageError(`${flag} expects a duration like 5s, 500ms or 2m, not "${text}"`);
  return ms;
}

export function runTrainCommand({ profile, dataDir, flags }: CommonOptions): number {
  const model = (flags.model ?? 'logistic') as ModelKind;
  if (!MODEL_KINDS.includes(model))
    throw new UsageError(`--model expects one of ${MODEL_KINDS.join(', ')}, not "${flags.model}"`);
  const horizonMs = parseDuration(flags.horizon ?? '5s', '--horizon');
  if (flags.data !== undefined && flags.seed !== undefined)
    throw new UsageError('--data trains on a recording; --seed/--events on the simulated market: choose one');
  const out = flags.out === undefined ? undefined : resolve(flags.out);
  // Nothing on disk is ever overwritten: refuse before spending the time to train.
  if (out && existsSync(out)) throw new UsageError(`--out ${flags.out}: the file exists; name a new one`);
  const events = Math.floor(flags.events);
  const m = profile.market;
  const seed = flags.seed ?? (m.kind === 'venues' ? 1 : m.seed);
  // The market to learn from: a recording's market events (the same the engine consumed), or the simulated market.
  const data = flags.data === undefined ? undefined : resolve(flags.data);
  const market = data
    ? null
    : new SimMarket({
        seed,
        assets: m.kind === 'venues' ? undefined : m.assets,
        updatesPerSecond: m.kind === 'venues' ? undefined : m.updatesPerSecond,
      });
  const instruments: Instrument[] = data ? readRecordingMeta(data).instruments : market!.instruments;
  // The profile's ml-signal strategy says which venue is traded (the target) and which leads it.
  const ml = profile.strategies.find(
    (s): s is MlSignalStrategyConfig => s.kind === 'ml-signal' && s.model === model,
  );
  const venues = ml
    ? { targetVenue: ml.legs[0].venue, referenceVenue: ml.legs[1].venue }
    : { targetVenue: 'hyperliquid', referenceVenue: 'binance' };
  for (const v of Object.values(venues))
    if (!instruments.some((i) => i.venue === v))
      throw new UsageError(
        `train: ${data ? `the recording ${data}` : 'the simulated market'} has no venue "${v}"`,
      );
  let seen = 0;
  function* stream(): Generator<MarketEvent> {
    if (data) {
      for (const input of readRecording(data)) {
        if (input.kind !== 'market') continue;
        seen += 1;
        yield input.ev;
      }
    } else for (let i = 0; i < events; i++) yield market!.next();
  }
  let trained;
  try {
    trained = trainSignalModel({
      events: stream(),
      instruments,
      venues,
      horizonMs,
      model,
      source: data ? { kind: 'data', dir: data } : { kind: 'sim', seed, events },
      trainedAt: new Date().toISOString(),
      marginBps: ml?.marginBps,
      minConfidence: ml?.minConfidence,
    });
  } catch (e) {
    if (e instanceof TrainingError) throw new UsageError(`train: ${e.message}`);
    throw e;
  }
  const { file, artifact } = registerArtifact(modelsDir(dataDir), trained);
  if (out) copyFileSync(file, out);
  const o = artifact.oos;
  if (flags.json) {
    process.stdout.write(
      JSON.stringify({ model: artifact.model, version: artifact.version, oos: o, file, horizonMs }) + '\n',
    );
    return 0;
  }
  const lines = [
    `train: ${model} on ${data ? `recording ${data}` : `seed ${seed}`}, ${data ? seen : events} events (${((artifact.window.lastTs - artifact.window.firstTs) / 1000).toFixed(0)} s simulated), horizon ${horizonMs} ms on ${venues.targetVenue}`,
    `walk-forward: ${o.folds} folds, purge ${o.purgeMs} ms, ${o.samples} out-of-sample predictions`,
    `out of sample: AUC ${o.auc}  accuracy ${o.accuracy}  IC ${o.ic}  calibration error ${o.calibrationError}`,
    `trading it at ≥ ${o.thresholdBps} bp (round-trip taker fees + margin; largest forecast ${o.maxForecastBps} bp), ${o.notional} a trade: ${o.trades} trades, net ${o.netPnl} (gross ${o.grossPnl}, fees ${o.fees})`,
    `registered ${artifact.model} ${artifact.version}: ${file}${out ? ` (copy: ${out})` : ''}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
