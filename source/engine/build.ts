// Wiring: a profile becomes a market feed, venues, strategies, a journal and an engine.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../core/clock.ts';
import type { Instrument } from '../core/instrument.ts';
import { PaperVenue } from '../../gateways/paper/paper-venue.ts';
import { CrossVenueArb } from '../../strategies/cross-venue-arb/cross-venue-arb.ts';
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
}

export interface Desk {
  engine: Engine;
  journal: Journal;
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
  const strategies = p.strategies.map((s) => new CrossVenueArb({ ...s, legs: [s.legs[0], s.legs[1]] }));
  mkdirSync(o.storeDir, { recursive: true });
  const journalFile = join(o.storeDir, 'journal.ndjson');
  // Open first: opening sets a torn tail aside, so the read below sees only whole lines.
  const journal = new Journal(journalFile, { ...p.journal, fsync: o.fsync ?? p.journal.fsync });
  const existing = readJournal(journalFile);
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
    staleAfterMs: p.staleAfterMs,
    halted: o.halted,
    onKillStateChange: o.onKillStateChange,
  });
  engine.restore(existing);
  return { engine, journal };
}
