// What a recording holds: every input the engine consumed, each at the engine clock's time (t).
import type { Level, MarketEvent } from '../../source/core/market-events.ts';
import type { VenueHealthChange } from '../../source/core/market-feed.ts';
import type { Command } from '../../source/control/protocol.ts';

export type RecordedInput =
  | { kind: 'market'; t: number; ev: MarketEvent }
  /** engine.advance(t): venues deliver what is due, funding settles, the curve is sampled. */
  | { kind: 'tick'; t: number }
  | { kind: 'health'; t: number; change: VenueHealthChange }
  | { kind: 'command'; t: number; cmd: Command }
  /** The clean stop's cancel-all. */
  | { kind: 'cancelAll'; t: number };

/**
 * One line per input, a JSON array led by a one-letter code; t is the gap since the line before (absolute on a
 * segment's first line) and a book snapshot is stored as the levels that changed since that book's last one in the
 * same segment, so each segment decodes on its own:
 *   ["B", dt, venue, symbol, ts-t, seq, bids, asks]   whole book (snapshot)
 *   ["D", dt, venue, symbol, ts-t, seq, bids, asks]   whole book as changed levels (size 0 removes)
 *   ["U", dt, venue, symbol, ts-t, seq, bids, asks]   a venue's own diff (snapshot false)
 *   ["T", dt, venue, symbol, ts-t, price, size, side] trade
 *   ["F", dt, venue, symbol, ts-t, rate, nextFundingTs, markPrice]
 *   ["K", dt] tick   ["H", dt, venue, connected, severity, message]   ["C", dt, command]   ["X", dt] cancel-all
 */
export type EncodedLine = unknown[];

type Book = { bids: Map<number, number>; asks: Map<number, number> };

function changes(before: Map<number, number>, after: Level[]): Level[] {
  const out: Level[] = [];
  const seen = new Set<number>();
  for (const [price, size] of after) {
    seen.add(price);
    if (before.get(price) !== size) out.push([price, size]);
  }
  for (const price of before.keys()) if (!seen.has(price)) out.push([price, 0]);
  return out;
}

function apply(levels: Map<number, number>, changed: Level[]): void {
  for (const [price, size] of changed) {
    if (size === 0) levels.delete(price);
    else levels.set(price, size);
  }
}

function sorted(levels: Map<number, number>, descending: boolean): Level[] {
  const out = [...levels.entries()] as Level[];
  return out.sort((a, b) => (descending ? b[0] - a[0] : a[0] - b[0]));
}

const toMap = (levels: Level[]) => new Map(levels.map(([p, s]) => [p, s] as const));

function sameLevels(a: Level[], b: Level[]): boolean {
  return a.length === b.length && a.every((l, i) => l[0] === b[i][0] && l[1] === b[i][1]);
}

export class InputEncoder {
  private lastT: number | null = null;
  private readonly books = new Map<string, Book>();

  /** Start a new segment: the next line stands on its own. */
  reset(): void {
    this.lastT = null;
    this.books.clear();
  }

  encode(input: RecordedInput): EncodedLine {
    const dt = this.lastT === null ? input.t : input.t - this.lastT;
    this.lastT = input.t;
    switch (input.kind) {
      case 'tick':
        return ['K', dt];
      case 'cancelAll':
        return ['X', dt];
      case 'health': {
        const c = input.change;
        return ['H', dt, c.venue, c.connected, c.severity, c.message];
      }
      case 'command':
        return ['C', dt, input.cmd];
      case 'market':
        return this.market(dt, input.t, input.ev);
    }
  }

  private market(dt: number, t: number, ev: MarketEvent): EncodedLine {
    const head = [dt, ev.venue, ev.symbol, ev.ts - t];
    if (ev.kind === 'trade') return ['T', ...head, ev.price, ev.size, ev.side];
    if (ev.kind === 'fundingRate') return ['F', ...head, ev.rate, ev.nextFundingTs, ev.markPrice];
    if (!ev.snapshot) return ['U', ...head, ev.seq, ev.bids, ev.asks];
    const key = `${ev.venue}|${ev.symbol}`;
    const before = this.books.get(key);
    this.books.set(key, { bids: toMap(ev.bids), asks: toMap(ev.asks) });
    if (before) {
      const bids = changes(before.bids, ev.bids);
      const asks = changes(before.asks, ev.asks);
      // Only when decoding gives back the very same arrays (sorted, no zero sizes); else the whole book.
      apply(before.bids, bids);
      apply(before.asks, asks);
      if (sameLevels(sorted(before.bids, true), ev.bids) && sameLevels(sorted(before.asks, false), ev.asks))
        return ['D', ...head, ev.seq, bids, asks];
    }
    return ['B', ...head, ev.seq, ev.bids, ev.asks];
  }
}

export class InputDecoder {
  private lastT: number | null = null;
  private readonly books = new Map<string, Book>();

  reset(): void {
    this.lastT = null;
    this.books.clear();
  }

  decode(line: EncodedLine): RecordedInput {
    const code = line[0] as string;
    const t = this.lastT === null ? (line[1] as number) : this.lastT + (line[1] as number);
    this.lastT = t;
    switch (code) {
      case 'K':
        return { kind: 'tick', t };
      case 'X':
        return { kind: 'cancelAll', t };
      case 'H':
        return {
          kind: 'health',
          t,
          change: {
            venue: line[2] as string,
            connected: line[3] as boolean,
            severity: line[4] as VenueHealthChange['severity'],
            message: line[5] as string,
          },
        };
      case 'C':
        return { kind: 'command', t, cmd: line[2] as Command };
    }
    const venue = line[2] as string;
    const symbol = line[3] as string;
    const ts = t + (line[4] as number);
    const base = { venue, symbol, ts };
    if (code === 'T')
      return {
        kind: 'market',
        t,
        ev: {
          kind: 'trade',
          ...base,
          price: line[5] as number,
          size: line[6] as number,
          side: line[7] as 'buy',
        },
      };
    if (code === 'F')
      return {
        kind: 'market',
        t,
        ev: {
          kind: 'fundingRate',
          ...base,
          rate: line[5] as string,
          nextFundingTs: line[6] as number,
          markPrice: line[7] as number,
        },
      };
    const seq = line[5] as number;
    const bids = line[6] as Level[];
    const asks = line[7] as Level[];
    if (code === 'U')
      return { kind: 'market', t, ev: { kind: 'book', ...base, seq, snapshot: false, bids, asks } };
    const key = `${venue}|${symbol}`;
    if (code === 'B') {
      this.books.set(key, { bids: toMap(bids), asks: toMap(asks) });
      return { kind: 'market', t, ev: { kind: 'book', ...base, seq, snapshot: true, bids, asks } };
    }
    if (code !== 'D') throw new Error(`unknown line code ${JSON.stringify(code)}`);
    const book = this.books.get(key);
    if (!book) throw new Error(`book change for ${venue} ${symbol} before its whole book`);
    apply(book.bids, bids);
    apply(book.asks, asks);
    return {
      kind: 'market',
      t,
      ev: {
        kind: 'book',
        ...base,
        seq,
        snapshot: true,
        bids: sorted(book.bids, true),
        asks: sorted(book.asks, false),
      },
    };
  }
}
