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

/** When the first order since `firstAt` was last set to 0n reached a venue (hrtime, ns), or 0n if none has. */
export interface OrderWatch {
  firstAt: bigint;
}

/**
 * Watch orders being handed to the venues: a tick's order is out when the venue has it, whatever the tick does
 * after (fills, ledger, journal lines). The bench wraps the venue objects; the engine is untouched.
 */
export function watchOrders(desk: Desk): OrderWatch {
  const watch: OrderWatch = { firstAt: 0n };
  for (const venue of desk.engine.venues.values()) {
    const submit = venue.submit.bind(venue);
    venue.submit = (order, now) => {
      if (watch.firstAt === 0n) watch.firstAt = process.hrtime.bigint();
      submit(order, now);
    };
  }
  return watch;
}
