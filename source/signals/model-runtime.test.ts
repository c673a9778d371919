import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SimMarket } from '../../gateways/sim/market.ts';
import { SimClock } from '../core/clock.ts';
import type { MarketEvent } from '../core/market-events.ts';
import { buildDesk } from '../engine/build.ts';
import { mlDemoProfile } from '../engine/config.ts';
import { buildSnapshot } from '../engine/snapshot.ts';
import { ModelArtifactError } from './artifact.ts';
import { FEATURE_NAMES, featureHash } from './features.ts';
import { loadArtifact, registerArtifact } from './model-registry.ts';
import { SignalPredictor } from './predictor.ts';
import { collectSamples, trainSignalModel, type TrainedArtifact } from './training.ts';

const venues = { targetVenue: 'hyperliquid', referenceVenue: 'binance' };
const temp = () => mkdtempSync(join(tmpdir(), 'td-models-'));

function* take(market: SimMarket, n: number): Generator<MarketEvent> {
  for (let i = 0; i < n; i++) yield market.next();
}

let trained: TrainedArtifact;
beforeAll(() => {
  const market = new SimMarket({ seed: 4, updatesPerSecond: 100 });
  trained = trainSignalModel({
    events: take(market, 30_000),
    instruments: market.instruments,
    venues,
    horizonMs: 5_000,
    model: 'logistic',
    source: { kind: 'sim', seed: 4, events: 30_000 },
    trainedAt: '2026-01-05T00:00:00.000Z',
  });
});

describe('model artifacts', () => {
  it('round-trip: written, read back and checked, they predict exactly as before', () => {
    const dir = temp();
    const { file, artifact } = registerArtifact(dir, trained);
    expect(file).toBe(join(dir, 'logistic-v1.json'));
    const loaded = loadArtifact(file);
    expect(loaded).toEqual(artifact);
    expect(loaded.featureHash).toBe(featureHash());
    expect(loaded.features).toEqual(FEATURE_NAMES);
    expect(loaded.window.source).toEqual({ kind: 'sim', seed: 4, events: 30_000 });
    expect(loaded.window.lastTs).toBeGreaterThan(loaded.window.firstTs);
    const market = new SimMarket({ seed: 9, updatesPerSecond: 100 });
    const samples = collectSamples({
      events: take(market, 5_000),
      instruments: market.instruments,
      venues,
      horizonMs: 5_000,
      model: 'logistic',
      source: { kind: 'sim', seed: 9, events: 5_000 },
      trainedAt: '',
    }).samples;
    expect(samples.length).toBeGreaterThan(50);
    const before = new SignalPredictor(artifact);
    const after = new SignalPredictor(loaded);
    for (const s of samples) expect(after.forecast(s.x)).toEqual(before.forecast(s.x));
    // A second registration is a new version; the first file is untouched.
    const bytes = readFileSync(file, 'utf8');
    expect(registerArtifact(dir, trained).file).toBe(join(dir, 'logistic-v2.json'));
    expect(readFileSync(file, 'utf8')).toBe(bytes);
  });

  it('refuse a model trained on another feature set, with a message that says so', () => {
    const dir = temp();
    const names = FEATURE_NAMES.slice(0, -1);
    const other = { ...trained, features: names, featureHash: featureHash(names) };
    const { file } = registerArtifact(dir, other);
    expect(() => loadArtifact(file)).toThrow(ModelArtifactError);
    expect(() => loadArtifact(file)).toThrow(
      /logistic-v1\.json: feature hash [0-9a-f]{12}… does not match the running feature set [0-9a-f]{12}….*retrain/,
    );
    // A hash edited to look right but not matching its own feature list is refused as well.
    const forged = { ...other, featureHash: featureHash() };
    writeFileSync(join(dir, 'logistic-v2.json'), JSON.stringify({ ...forged, version: 'v2' }));
    expect(() => loadArtifact(join(dir, 'logistic-v2.json'))).toThrow(
      /does not match the running feature set/,
    );
    writeFileSync(join(dir, 'logistic-v3.json'), '{"model":"logistic","version":"v3"}');
    expect(() => loadArtifact(join(dir, 'logistic-v3.json'))).toThrow(/logistic-v3\.json: field format/);
  });
});

describe('the model runtime in the engine', () => {
  function desk(dir: string) {
    const market = new SimMarket({ seed: 11, updatesPerSecond: 100 });
    const clock = new SimClock(0);
    const { engine, journal } = buildDesk({
      profile: mlDemoProfile(),
      clock,
      storeDir: join(dir, 'paper'),
      mode: 'paper',
      liveAllowed: false,
      instruments: market.instruments,
      fsync: 'none',
    });
    const feed = (n: number) => {
      for (let i = 0; i < n; i++) {
        const ev = market.next();
        clock.advanceTo(ev.ts);
        engine.onMarket(ev);
      }
    };
    return { engine, journal, feed };
  }

  it('shows the loaded model in the Signals pane, and the strategy says why it waits', () => {
    const dir = temp();
    registerArtifact(join(dir, 'models'), trained);
    const { engine, journal, feed } = desk(dir);
    feed(5_000);
    const snap = buildSnapshot(engine, 1);
    const row = snap.signals.find((s) => s.model === 'logistic' && s.symbol === 'BTC');
    expect(row).toBeDefined();
    expect(row!.version).toBe('v1');
    expect(Number.isFinite(row!.prediction)).toBe(true);
    expect(row!.confidence).toBeGreaterThanOrEqual(0);
    expect(row!.confidence).toBeLessThanOrEqual(1);
    expect(row!.ageMs).toBeGreaterThanOrEqual(0);
    // The basis signal keeps its rows beside the model's.
    expect(snap.signals.some((s) => s.model === 'basis-revert')).toBe(true);
    expect(snap.alerts.some((a) => /loaded logistic v1/.test(a.message))).toBe(true);
    const ml = snap.strategies.find((s) => s.name === 'ml-btc')!;
    expect(ml.idleReason).toMatch(/predicted -?\d+\.\d bp < 10\.0 bp needed|holding|model drift/);
    journal.close();
  });

  it('hot-reloads a newly registered version, and refuses one on other features without stopping', async () => {
    const dir = temp();
    const models = join(dir, 'models');
    registerArtifact(models, trained);
    const { engine, journal, feed } = desk(dir);
    feed(2_000);
    const hub = engine.signalHub!;
    // The registry is looked at off the hot path: let a look under way finish, then trigger a fresh one.
    const reload = async () => {
      await hub.settled();
      feed(500);
      await hub.settled();
    };
    expect(hub.running().get('logistic')).toBe('v1');
    const names = FEATURE_NAMES.slice(1);
    registerArtifact(models, { ...trained, features: names, featureHash: featureHash(names) });
    await reload();
    expect(hub.running().get('logistic')).toBe('v1');
    expect(engine.alerts.some((a) => /refused .*logistic-v2\.json: feature hash/.test(a.message))).toBe(true);
    registerArtifact(models, trained);
    await reload();
    expect(hub.running().get('logistic')).toBe('v3');
    feed(200);
    expect(buildSnapshot(engine, 2).signals.find((s) => s.model === 'logistic')!.version).toBe('v3');
    expect(engine.alerts.some((a) => a.message.startsWith('hot-reloaded logistic v1 → v3'))).toBe(true);
    journal.close();
  });

  it('flags drift when live inputs leave the training range', () => {
    const dir = temp();
    const n = FEATURE_NAMES.length;
    registerArtifact(join(dir, 'models'), {
      ...trained,
      featureRanges: { p1: new Array(n).fill(1e9), p99: new Array(n).fill(1e9) },
    });
    const { engine, journal, feed } = desk(dir);
    feed(3_000);
    const snap = buildSnapshot(engine, 1);
    expect(snap.signals.find((s) => s.model === 'logistic')!.drift).toBe(true);
    expect(snap.strategies.find((s) => s.name === 'ml-btc')!.idleReason).toMatch(/^model drift: logistic v1/);
    journal.close();
  });
});
