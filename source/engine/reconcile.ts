// Startup reconciliation: the orders and positions the journal says we have, against what each venue says.
import { fx, str, ZERO, type Fixed } from '../core/money.ts';
import type { Fill } from '../core/trading.ts';
import type { ExecutionVenue, VenueAccountState } from '../core/venue.ts';
import type { CommandResult } from '../control/protocol.ts';
import type { Journal, JournalLine } from '../../state/journal.ts';

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
  /** When it was placed. */
  ts: number;
}

export interface Difference {
  /**
   * `order-left-at-venue`: live only — open in the journal and still resting at the venue after a restart, where no
   * strategy manages it any more (a live strategy comes back on paper).
   */
  kind: 'order-not-at-venue' | 'order-only-at-venue' | 'order-left-at-venue' | 'position';
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
        ts: Number(r.ts),
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
    const position = venue.position?.bind(venue);
    if (!position) continue;
    out.push(
      ...positionDifferences(
        venue.name,
        localPositions,
        venue.positionSymbols?.() ?? [],
        (symbol) => fx(position(symbol)),
        (symbol, mine, theirs) => `position ${symbol} on ${venue.name}: local ${mine}, venue ${theirs}`,
      ),
    );
  }
  return out;
}

/** One venue's positions against the local ones, on every symbol either side holds: a difference where they differ. */
function positionDifferences(
  venue: string,
  localPositions: Map<string, Fixed>,
  venueSymbols: Iterable<string>,
  atVenue: (symbol: string) => Fixed,
  say: (symbol: string, mine: string, theirs: string) => string,
): Difference[] {
  const symbols = new Set(
    [...localPositions.keys()].filter((k) => k.startsWith(`${venue}|`)).map((k) => k.split('|')[1]),
  );
  for (const symbol of venueSymbols) symbols.add(symbol);
  const out: Difference[] = [];
  for (const symbol of symbols) {
    const mine = localPositions.get(`${venue}|${symbol}`) ?? ZERO;
    const theirs = atVenue(symbol);
    if (mine === theirs) continue;
    out.push({
      kind: 'position',
      venue,
      symbol,
      local: str(mine),
      atVenue: str(theirs),
      message: say(symbol, str(mine), str(theirs)),
    });
  }
  return out;
}

/** Client order id → strategy of every order a journal placed on `venue`, open or finished: the orders that are ours. */
export function ordersPlacedOn(lines: JournalLine[], venue: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const { record: r } of lines)
    if (r.type === 'order' && r.venue === venue) out.set(String(r.orderId), String(r.strategy));
  return out;
}

/**
 * The live side after a restart: the live journal's open orders and the live ledger's positions against what each
 * live venue reported (`accountState`). Every live order still resting is a difference: no strategy manages it now.
 * Only venues that answered are compared; `local` orders on other venues are the caller's to report.
 */
export function reconcileLive(
  local: JournaledOrder[],
  localPositions: Map<string, Fixed>,
  venues: Map<string, VenueAccountState>,
): Difference[] {
  const out: Difference[] = [];
  for (const [venue, state] of venues) {
    const atVenue = new Map(state.orders.map((o) => [o.orderId, o]));
    const mine = local.filter((o) => o.venue === venue);
    for (const o of mine) {
      const there = atVenue.get(o.orderId);
      const what = `live order ${o.orderId} (${o.strategy}: ${o.side} ${o.qty} ${o.symbol}, journal line ${o.line})`;
      out.push(
        there
          ? {
              kind: 'order-left-at-venue',
              venue,
              orderId: o.orderId,
              symbol: o.symbol,
              message: `${what} is still resting at ${venue} (filled ${there.filled}) and no strategy manages it since the restart`,
            }
          : {
              kind: 'order-not-at-venue',
              venue,
              orderId: o.orderId,
              symbol: o.symbol,
              message: `${what} is open in the live journal but not at ${venue}`,
            },
      );
    }
    const open = new Set(mine.map((o) => o.orderId));
    for (const o of state.orders) {
      if (open.has(o.orderId)) continue;
      out.push({
        kind: 'order-only-at-venue',
        venue,
        orderId: o.orderId,
        symbol: o.symbol,
        message: `live order ${o.orderId} (${o.side} ${o.qty} ${o.symbol} at ${o.price}) is resting at ${venue} but closed in the live journal`,
      });
    }
    const positions = state.positions;
    if (!positions) continue;
    out.push(
      ...positionDifferences(
        venue,
        localPositions,
        positions.keys(),
        (symbol) => fx(positions.get(symbol) ?? '0'),
        (symbol, mine, theirs) => `live position ${symbol} on ${venue}: live ledger ${mine}, venue ${theirs}`,
      ),
    );
  }
  return out;
}

/** What accepting the venue state needs from the engine. */
export interface Acceptance {
  now: number;
  journal: Journal;
  venues: Map<string, ExecutionVenue>;
  /** Exact mid of a book, null before it is ready. */
  mid(venue: string, symbol: string): Fixed | null;
  /** The strategy a position difference is booked to. */
  owner(venue: string, symbol: string): string;
  quote(venue: string, symbol: string): string;
  nextOrderId(): string;
  /** Journal and book a fill like any other. */
  bookFill(fill: Fill): void;
}

/**
 * The operator takes the venues' word: local orders the venue does not hold are journaled cancelled, orders only the
 * venue holds are cancelled there, a position difference is booked as a zero-fee fill at the mid; a state line
 * records it all. Refused (nothing written) while a differing position has no price yet.
 */
export function acceptVenueState(differences: Difference[], a: Acceptance): CommandResult {
  if (differences.length === 0) return { ok: false, message: 'nothing to reconcile' };
  for (const d of differences)
    if (d.kind === 'position' && a.mid(d.venue, d.symbol!) === null)
      return { ok: false, message: `no price for ${d.symbol} on ${d.venue} yet: cannot take its position` };
  for (const d of differences) {
    if (d.kind === 'order-not-at-venue')
      a.journal.append({
        type: 'orderUpdate',
        ts: a.now,
        orderId: d.orderId,
        status: 'cancelled',
        filledQty: null,
        reason: 'reconciled: not at venue',
      });
    // An order nobody here manages: ask the venue to cancel it (its confirmation is journaled when it comes).
    else if (d.kind === 'order-only-at-venue' || d.kind === 'order-left-at-venue')
      a.venues.get(d.venue)?.cancel(d.orderId!, a.now);
    else adoptPosition(d.venue, d.symbol!, fx(d.atVenue!) - fx(d.local!), a);
  }
  a.journal.append({
    type: 'state',
    ts: a.now,
    scope: 'reconcile',
    from: 'HOLD',
    to: 'ACCEPTED',
    reason: `operator accepted the venue state: ${differences.map((d) => d.message).join('; ')}`,
  });
  return { ok: true, message: `venue state accepted: ${differences.length} difference(s) resolved` };
}

/** The ledger takes the venue's size: an order, its zero-fee fill at the mid and its final update, journaled. */
function adoptPosition(venue: string, symbol: string, delta: Fixed, a: Acceptance): void {
  const price = a.mid(venue, symbol)!;
  const strategy = a.owner(venue, symbol);
  const orderId = a.nextOrderId();
  const side = delta > ZERO ? 'buy' : 'sell';
  const qty = delta > ZERO ? delta : -delta;
  a.journal.append({
    type: 'order',
    ts: a.now,
    orderId,
    venue,
    symbol,
    side,
    qty: str(qty),
    price: str(price),
    decisionPrice: str(price),
    tag: 'reconcile',
    strategy,
  });
  const feeCurrency = a.quote(venue, symbol);
  a.bookFill({
    ts: a.now,
    venue,
    symbol,
    side,
    qty,
    price,
    fee: ZERO,
    feeCurrency,
    liquidity: 'taker',
    orderId,
    strategy,
  });
  a.journal.append({
    type: 'orderUpdate',
    ts: a.now,
    orderId,
    status: 'filled',
    filledQty: str(qty),
    reason: 'reconciled: venue position',
  });
}
