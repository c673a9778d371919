import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simProfile } from '../../source/engine/config.ts';
import { runReplay, runReplayPaced } from '../../source/engine/replay.ts';
import { SimMarket } from '../sim/market.ts';
import { Recorder } from './recording.ts';

const temp = () => mkdtempSync(join(tmpdir(), 'td-replay-rec-'));

/** A recording of the simulated market's BTC and ETH books, trades and funding, with host ticks between them. */
function recordSim(dir: string, seconds: number): { startTs: number } {
  const startTs = Date.UTC(2026, 0, 5);
  const market = new SimMarket({ seed: 11, startTs, assets: ['BTC', 'ETH'] });
  const r = new Recorder(dir, { format: 1, source: 'record', startTs, instruments: market.instruments });
  for (let ev = market.next(); ev.ts < startTs + seconds * 1000; ev = market.next()) {
    r.record({ kind: 'market', t: ev.ts, ev });
    r.record({ kind: 'tick', t: ev.ts + 2 });
  }
  r.close();
  return { startTs };
}

describe('replay --data', () => {
  it('paced at 20x gives the same journal and report as at full speed, and takes its time', async () => {
    const rec = temp();
    recordSim(rec, 10);
    const o = { profile: simProfile(), seed: 1, events: 0, recording: rec };
    const fast = runReplay({ ...o, dataDir: temp() });
    const started = Date.now();
    const paced = await runReplayPaced({ ...o, dataDir: temp(), speed: 20 });
    // 10 simulated seconds at 20x: no sooner than half a second of wall time.
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(paced.report).toEqual(fast.report);
    expect(readFileSync(paced.journalFile, 'utf8')).toBe(readFileSync(fast.journalFile, 'utf8'));
    expect(fast.events).toBeGreaterThan(1000);
  });

  it('leaves out strategies whose legs were not recorded', () => {
    const rec = temp();
    recordSim(rec, 2);
    const r = runReplay({ profile: simProfile(), seed: 1, events: 0, recording: rec, dataDir: temp() });
    expect(Object.keys(r.report.strategies).sort()).toEqual(['arb-btc', 'arb-eth']);
  });
});
