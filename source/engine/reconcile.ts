// Startup reconciliation: the orders and positions the journal says we have, against what each venue says.
import { fx, str, ZERO, type Fixed } from '../core/money.ts';
import type { ExecutionVenue } from '../core/venue.ts';
import type { JournalLine } from '../../state/journal.ts';

export interface JournaledOrder {
  orderId: string;
  venue: string;
  symbol: string;
  side: string;
  qty: string;
  strategy: string;
  /** Sum of its fills so far. */
  filled: Fixed;
  /** 1-based journal line of the order. */
  line: number;
}

export interface Difference {
  kind: 'order-not-at-venue' | 'order-only-at-venue' | 'position';
  venue: string;
  orderId?: string;
  symbol?: string;
  /** Position sizes, for kind "position". */
  local?: string;
  atVenue?: string;
  message: string;
}

/** Orders the journal placed that have no final update (filled, cancelled, rejected) after them. */
export function openOrdersInJournal(lines: JournalLine[]): JournaledOrder[] {
  const open = new Map<string, JournaledOrder>();
  for (const { record: r, line } of lines) {
    if (r.type === 'order') {
      open.set(String(r.orderId), {
        orderId: String(r.orderId),
        venue: String(r.venue),
        symbol: String(r.symbol),
        side: String(r.side),
        qty: String(r.qty),
        strategy: String(r.strategy),
        filled: ZERO,
        line,
      });
    } else if ((r.type ?? 'fill') === 'fill') {
      const o = open.get(String(r.orderId));
      if (o) o.filled += fx(String(r.qty));
    } else if (r.type === 'orderUpdate') {
      if (r.status === 'filled' || r.status === 'cancelled' || r.status === 'rejected')
        open.delete(String(r.orderId));
    }
  }
  return [...open.values()];
}

/**
 * What differs between the local view and the venues'. Positions are compared only where a venue reports its
 * own (`position`); a paper venue's positions are the ledger's by construction.
 */
export function reconcile(
  local: JournaledOrder[],
  localPositions: Map<string, Fixed>,
  venues: ExecutionVenue[],
): Difference[] {
  const out: Difference[] = [];
  const byVenue = new Map(venues.map((v) => [v.name, v]));
  const localIds = new Set(local.map((o) => o.orderId));
  for (const o of local) {
    const venue = byVenue.get(o.venue);
    if (venue && venue.openOrderIds().includes(o.orderId)) continue;
    out.push({
      kind: 'order-not-at-venue',
      venue: o.venue,
      orderId: o.orderId,
      symbol: o.symbol,
      message: `order ${o.orderId} (${o.side} ${o.qty} ${o.symbol}, journal line ${o.line}) is open in the journal but not at ${o.venue}`,
    });
  }
  for (const venue of venues) {
    for (const id of venue.openOrderIds()) {
      if (localIds.has(id)) continue;
      out.push({
        kind: 'order-only-at-venue',
        venue: venue.name,
        orderId: id,
        message: `order ${id} is open at ${venue.name} but not in the journal`,
      });
    }
    if (!venue.position) continue;
    const symbols = new Set(
      [...localPositions.keys()].filter((k) => k.startsWith(`${venue.name}|`)).map((k) => k.split('|')[1]),
    );
    for (const symbol of venue.positionSymbols?.() ?? []) symbols.add(symbol);
    for (const symbol of symbols) {
      const mine = localPositions.get(`${venue.name}|${symbol}`) ?? ZERO;
      const theirs = fx(venue.position(symbol));
      if (mine === theirs) continue;
      out.push({
        kind: 'position',
        venue: venue.name,
        symbol,
        local: str(mine),
        atVenue: str(theirs),
        message: `position ${symbol} on ${venue.name}: local ${str(mine)}, venue ${str(theirs)}`,
      });
    }
  }
  return out;
}
