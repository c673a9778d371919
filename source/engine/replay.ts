// Replay: the simulated market through the same engine on a simulated clock, as fast as it goes.
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SimClock } from '../core/clock.ts';
import { SimMarket } from '../../gateways/sim/market.ts';
import type { Profile } from './config.ts';
import { buildDesk } from './build.ts';
import { buildReport, type Report } from './report.ts';

export interface ReplayOptions {
  profile: Profile;
  seed: number;
  events: number;
  /** The data dir; the replay's journal goes to DIR/replay (the previous one kept as replay.previous). */
  dataDir: string;
  startTs?: number;
}

export interface ReplayResult {
  report: Report;
  journalFile: string;
  events: number;
  simulatedMs: number;
}

export const REPLAY_START_TS = Date.UTC(2026, 0, 5, 0, 0, 0);

export function runReplay(o: ReplayOptions): ReplayResult {
  const storeDir = join(o.dataDir, 'replay');
  const previous = join(o.dataDir, 'replay.previous');
  if (existsSync(storeDir)) {
    rmSync(previous, { recursive: true, force: true });
    renameSync(storeDir, previous);
  }
  const startTs = o.startTs ?? REPLAY_START_TS;
  const clock = new SimClock(startTs);
  const m = o.profile.market;
  const market = new SimMarket({
    seed: o.seed,
    assets: m.kind === 'venues' ? undefined : m.assets,
    updatesPerSecond: m.kind === 'venues' ? undefined : m.updatesPerSecond,
    startTs,
  });
  const { engine, journal } = buildDesk({
    profile: o.profile,
    clock,
    storeDir,
    mode: 'paper',
    liveAllowed: false,
    instruments: market.instruments,
    fsync: 'none',
  });
  let last = startTs;
  for (let i = 0; i < o.events; i++) {
    const ev = market.next();
    clock.advanceTo(ev.ts);
    engine.onMarket(ev);
    last = ev.ts;
  }
  // Let in-flight orders land before the books are closed.
  const settle = last + 1_000;
  clock.advanceTo(settle);
  engine.advance(settle);
  const report = buildReport(engine);
  journal.close();
  return { report, journalFile: journal.file, events: o.events, simulatedMs: last - startTs };
}
