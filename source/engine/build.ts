// Wiring: a profile becomes a market feed, venues, strategies, a journal and an engine.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Clock } from '../core/clock.ts';
import type { Instrument } from '../core/instrument.ts';
import type { ExecutionVenue } from '../core/venue.ts';
import { PaperVenue } from '../../gateways/paper/paper-venue.ts';
import { CrossVenueArb } from '../../strategies/cross-venue-arb/cross-venue-arb.ts';
import { MlSignal } from '../../strategies/ml-signal/ml-signal.ts';
import { SignalHub } from '../signals/model-runtime.ts';
import { Journal, readJournal, type FsyncPolicy } from '../../state/journal.ts';
import type { Mode } from '../control/protocol.ts';
import type { Profile } from './config.ts';
import { Engine, key } from './engine.ts';

export interface DeskOptions {
  profile: Profile;
  clock: Clock;
  /** Where this mode's journal lives (a folder). */
  storeDir: string;
  mode: Mode;
  liveAllowed: boolean;
  /** As the market source defines them. */
  instruments: Instrument[];
  halted?: boolean;
  /** Overrides the profile's journal fsync policy (replay: none). */
  fsync?: FsyncPolicy;
  onKillStateChange?: (halted: boolean) => void;
  /** Live gateways by venue (with --live and credentials) and the folder of the live ledger's journal. */
  liveVenues?: Map<string, ExecutionVenue>;
  liveDir?: string;
  /** The model registry; default DATA_DIR/models (beside the mode's store). */
  modelsDir?: string;
}

export interface Desk {
  engine: Engine;
  journal: Journal;
  liveJournal?: Journal;
}

export function buildDesk(o: DeskOptions): Desk {
  const p = o.profile;
  const instruments = o.instruments.filter((i) => p.venues[i.venue]);
  const venues = Object.entries(p.venues).map(
    ([name, v]) =>
      new PaperVenue({
        name,
        latencyMs: v.latencyMs,
        instruments: instruments.filter((i) => i.venue === name),
        book: (symbol) => engine.books.get(key(name, symbol)),
      }),
  );
  // Model signals run only when a strategy trades them: the hub's features cost time on every event.
  const ml = p.strategies.flatMap((s) => (s.kind === 'ml-signal' ? [s] : []));
  const signalHub = ml.length
    ? new SignalHub({
        instruments,
        venues: { targetVenue: ml[0].legs[0].venue, referenceVenue: ml[0].legs[1].venue },
        dir: o.modelsDir ?? join(dirname(o.storeDir), 'models'),
        models: [...new Set(ml.map((s) => s.model))],
      })
    : undefined;
  const strategies = p.strategies.map((s) =>
    s.kind === 'ml-signal'
      ? new MlSignal({ ...s, legs: [s.legs[0], s.legs[1]] }, signalHub!)
      : new CrossVenueArb({ ...s, legs: [s.legs[0], s.legs[1]] }),
  );
  mkdirSync(o.storeDir, { recursive: true });
  const journalFile = join(o.storeDir, 'journal.ndjson');
  // Open first: opening sets a torn tail aside, so the read below sees only whole lines.
  const journal = new Journal(journalFile, { ...p.journal, fsync: o.fsync ?? p.journal.fsync });
  const existing = readJournal(journalFile);
  // Real money's journal: its own folder, every line on disk before the ledger moves.
  const liveFile = o.liveDir ? join(o.liveDir, 'journal.ndjson') : undefined;
  const liveJournal = liveFile ? new Journal(liveFile, { ...p.journal, fsync: 'every-line' }) : undefined;
  const liveExisting = liveFile ? readJournal(liveFile) : [];
  const engine: Engine = new Engine({
    clock: o.clock,
    mode: o.mode,
    liveAllowed: o.liveAllowed,
    instruments,
    venues,
    strategies,
    journal,
    startBalances: p.startBalances,
    risk: p.risk,
    safety: p.safety,
    promotion: p.promotion,
    staleAfterMs: p.staleAfterMs,
    integrity: p.integrity,
    halted: o.halted,
    onKillStateChange: o.onKillStateChange,
    liveVenues: o.liveVenues,
    liveJournal,
    signalHub,
  });
  signalHub?.attach((severity, source, message) => engine.alert(severity, source, message));
  engine.restore(existing, liveExisting);
  return { engine, journal, liveJournal };
}
