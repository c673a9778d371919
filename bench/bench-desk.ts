// The desk every benchmark drives: the sim profile's engine on a simulated clock, journal on a scratch dir.
import { SimClock } from '../source/core/clock.ts';
import type { Instrument } from '../source/core/instrument.ts';
import { simProfile } from '../source/engine/config.ts';
import { buildDesk, type Desk } from '../source/engine/build.ts';
import { REPLAY_START_TS } from '../source/engine/replay.ts';

export function benchDesk(storeDir: string, instruments: Instrument[]): Desk & { clock: SimClock } {
  const clock = new SimClock(REPLAY_START_TS);
  const desk = buildDesk({
    profile: simProfile(),
    clock,
    storeDir,
    mode: 'paper',
    liveAllowed: false,
    instruments,
    fsync: 'none',
  });
  return { ...desk, clock };
}

/** Count orders handed to the venues: the bench wraps the venue objects, the engine is untouched. */
export function countOrdersSent(desk: Desk): () => number {
  let sent = 0;
  for (const venue of desk.engine.venues.values()) {
    const submit = venue.submit.bind(venue);
    venue.submit = (order, now) => {
      sent += 1;
      submit(order, now);
    };
  }
  return () => sent;
}
