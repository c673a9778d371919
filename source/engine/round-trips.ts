// Round trips: a position taken from flat back to flat, the unit that win rate, profit factor and expectancy count.
import { toNumber, ZERO, type Fixed } from '../core/money.ts';

export interface RoundTripStats {
  /** Closed round trips. */
  count: number;
  /** Round trips whose net PnL (after fees and funding) was above zero. */
  wins: number;
  /** Sum of the winners' net PnL. */
  won: Fixed;
  /** Sum of the losers' net PnL, as a positive number. */
  lost: Fixed;
  /** Sum of every closed round trip's net PnL. */
  net: Fixed;
  /** Sum of each round trip's net edge (net PnL over its traded notional), in bps: a float ratio. */
  edgeBpsSum: number;
}

export function noRoundTrips(): RoundTripStats {
  return { count: 0, wins: 0, won: ZERO, lost: ZERO, net: ZERO, edgeBpsSum: 0 };
}

export function addRoundTrip(s: RoundTripStats, net: Fixed, volume: Fixed): void {
  s.count += 1;
  if (net > ZERO) {
    s.wins += 1;
    s.won += net;
  } else if (net < ZERO) s.lost -= net;
  s.net += net;
  const v = toNumber(volume);
  if (v > 0) s.edgeBpsSum += (toNumber(net) / v) * 1e4;
}

export function mergeRoundTrips(into: RoundTripStats, from: RoundTripStats): RoundTripStats {
  into.count += from.count;
  into.wins += from.wins;
  into.won += from.won;
  into.lost += from.lost;
  into.net += from.net;
  into.edgeBpsSum += from.edgeBpsSum;
  return into;
}

/** One position's round trip under way: where its net PnL stood when it left flat, and what it has traded. */
export class OpenRoundTrip {
  startNet: Fixed = ZERO;
  volume: Fixed = ZERO;
  readonly closed = noRoundTrips();

  /**
   * After a fill: `wasFlat` before it, `ends` when it took the position to flat or through zero; `netBefore` and
   * `netAfter` are the position's net PnL (realized − fees + funding) around it.
   */
  onFill(wasFlat: boolean, ends: boolean, netBefore: Fixed, netAfter: Fixed, notional: Fixed): void {
    if (wasFlat) {
      this.startNet = netBefore;
      this.volume = ZERO;
    }
    this.volume += notional;
    if (!wasFlat && ends) {
      // A flip through zero closes this round trip with the whole fill; the new one starts after it.
      addRoundTrip(this.closed, netAfter - this.startNet, this.volume);
      this.startNet = netAfter;
      this.volume = ZERO;
    }
  }
}
