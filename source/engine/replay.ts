// Replay: recorded inputs (or the simulated market) through the same engine on a simulated clock.
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SimClock } from '../core/clock.ts';
import type { Instrument } from '../core/instrument.ts';
import { SimMarket } from '../../gateways/sim/market.ts';
import type { RecordedInput } from '../../gateways/replay/recorded-input.ts';
import { readRecording, readRecordingMeta } from '../../gateways/replay/recording.ts';
import type { Profile } from './config.ts';
import { buildDesk, type Desk } from './build.ts';
import { buildReport, type Report } from './report.ts';

export interface ReplayOptions {
  profile: Profile;
  seed: number;
  events: number;
  /** The data dir; the replay's journal goes to DIR/replay (the previous one kept as replay.previous). */
  dataDir: string;
  startTs?: number;
  /** A recording folder (`tradedesk record` or `--record`) instead of the simulated market. */
  recording?: string;
  /** Simulated ms per wall ms (1 = real time); absent: as fast as it goes. */
  speed?: number;
}

export interface ReplayResult {
  report: Report;
  journalFile: string;
  events: number;
  simulatedMs: number;
}

export const REPLAY_START_TS = Date.UTC(2026, 0, 5, 0, 0, 0);

interface ReplayInput {
  instruments: Instrument[];
  profile: Profile;
  startTs: number;
  inputs: Iterable<RecordedInput>;
}

function simulatedInput(o: ReplayOptions): ReplayInput {
  const startTs = o.startTs ?? REPLAY_START_TS;
  const m = o.profile.market;
  const market = new SimMarket({
    seed: o.seed,
    assets: m.kind === 'venues' ? undefined : m.assets,
    updatesPerSecond: m.kind === 'venues' ? undefined : m.updatesPerSecond,
    startTs,
  });
  function* inputs(): Generator<RecordedInput> {
    for (let i = 0; i < o.events; i++) {
      const ev = market.next();
      yield { kind: 'market', t: ev.ts, ev };
    }
  }
  return { instruments: market.instruments, profile: o.profile, startTs, inputs: inputs() };
}

/** An engine recording replays with the profile it ran with; strategies whose legs were not recorded are left out. */
function recordedInput(dir: string, o: ReplayOptions, profileGiven: boolean): ReplayInput {
  const meta = readRecordingMeta(dir);
  const base = !profileGiven && meta.profile ? (meta.profile as Profile) : o.profile;
  const recorded = new Set(meta.instruments.map((i) => `${i.venue}|${i.symbol}`));
  const profile = {
    ...base,
    strategies: base.strategies.filter((s) => s.legs.every((l) => recorded.has(`${l.venue}|${l.symbol}`))),
  };
  const first = readRecording(dir).next();
  const startTs = meta.source === 'engine' ? meta.startTs : first.done ? meta.startTs : first.value.t;
  return { instruments: meta.instruments, profile, startTs, inputs: readRecording(dir) };
}

function prepare(
  o: ReplayOptions,
  profileGiven: boolean,
): { desk: Desk; clock: SimClock; input: ReplayInput } {
  const input = o.recording ? recordedInput(o.recording, o, profileGiven) : simulatedInput(o);
  const storeDir = join(o.dataDir, 'replay');
  const previous = join(o.dataDir, 'replay.previous');
  if (existsSync(storeDir)) {
    rmSync(previous, { recursive: true, force: true });
    renameSync(storeDir, previous);
  }
  const clock = new SimClock(input.startTs);
  const desk = buildDesk({
    profile: input.profile,
    clock,
    storeDir,
    mode: 'paper',
    liveAllowed: false,
    instruments: input.instruments,
    fsync: 'none',
  });
  return { desk, clock, input };
}

/** One recorded input into the engine, at its time on the simulated clock: the live host's calls, in its order. */
function apply(desk: Desk, clock: SimClock, input: RecordedInput): void {
  clock.advanceTo(input.t);
  const engine = desk.engine;
  switch (input.kind) {
    case 'market':
      engine.onMarket(input.ev);
      break;
    case 'tick':
      engine.advance(input.t);
      break;
    case 'health':
      engine.venueHealth(input.change);
      break;
    case 'command':
      engine.command(input.cmd);
      break;
    case 'cancelAll':
      engine.cancelAll();
      break;
  }
}

function finish(desk: Desk, clock: SimClock, startTs: number, last: number, events: number): ReplayResult {
  // Let in-flight orders land before the books are closed.
  const settle = last + 1_000;
  clock.advanceTo(settle);
  desk.engine.advance(settle);
  const report = buildReport(desk.engine);
  desk.journal.close();
  return { report, journalFile: desk.journal.file, events, simulatedMs: last - startTs };
}

/** As fast as it goes. `profileGiven`: the caller chose the profile (else a recording's own is used). */
export function runReplay(o: ReplayOptions, profileGiven = true): ReplayResult {
  const { desk, clock, input } = prepare(o, profileGiven);
  let last = input.startTs;
  let events = 0;
  for (const i of input.inputs) {
    apply(desk, clock, i);
    last = i.t;
    if (i.kind === 'market') events += 1;
  }
  return finish(desk, clock, input.startTs, last, events);
}

/** Paced: `speed` simulated ms per wall ms; yields to the event loop while it waits. */
export async function runReplayPaced(o: ReplayOptions, profileGiven = true): Promise<ReplayResult> {
  const speed = o.speed ?? 1;
  const { desk, clock, input } = prepare(o, profileGiven);
  const wallStart = Date.now();
  let last = input.startTs;
  let events = 0;
  for (const i of input.inputs) {
    const due = wallStart + (i.t - input.startTs) / speed;
    const wait = due - Date.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    apply(desk, clock, i);
    last = i.t;
    if (i.kind === 'market') events += 1;
  }
  return finish(desk, clock, input.startTs, last, events);
}
