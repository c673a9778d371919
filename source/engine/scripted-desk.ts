// A paper desk for engine tests: one scripted strategy on simulated Binance BTC, a real journal on disk.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simInstrument } from '../../gateways/sim/instruments.ts';
import { PaperVenue } from '../../gateways/paper/paper-venue.ts';
import { SimClock } from '../core/clock.ts';
import type { Instrument } from '../core/instrument.ts';
import { fx } from '../core/money.ts';
import type { OrderIntent, Strategy, StrategyContext } from '../core/strategy.ts';
import type { ExecutionListener, ExecutionVenue } from '../core/venue.ts';
import { Journal, readJournal } from '../../state/journal.ts';
import { Engine, key } from './engine.ts';

export const BTC = simInstrument('binance', 'BTC');
export const BNB: Instrument = { ...simInstrument('binance', 'SOL'), base: 'BNB', symbol: 'BNB/USDT:USDT' };

/** Each decision takes the next list of intents. */
export class Scripted implements Strategy {
  readonly kind = 'scripted';
  readonly label = 'BTC';
  readonly legs = [{ venue: 'binance', symbol: BTC.symbol }];
  idleReason: string | null = null;
  constructor(private readonly script: OrderIntent[][]) {}
  readonly name = 'scripted';
  decide(_ctx: StrategyContext): OrderIntent[] {
    return this.script.shift() ?? [];
  }
}

export const buy = (qty: number, price: number, tif: 'IOC' | 'GTC' = 'IOC'): OrderIntent => ({
  venue: 'binance',
  symbol: BTC.symbol,
  side: 'buy',
  qty,
  price,
  tif,
  reduceOnly: false,
  decisionPrice: price - 0.1,
  tag: 'open',
});

/** Paper execution whose account pays its fees in BNB (as a Binance account with the BNB discount does). */
export class PaysInBnb implements ExecutionVenue {
  constructor(private readonly paper: PaperVenue) {}
  readonly name = 'binance';
  setListener(l: ExecutionListener): void {
    this.paper.setListener({
      onOrderUpdate: (u) => l.onOrderUpdate(u),
      onFill: (f) => l.onFill({ ...f, fee: fx('0.0002'), feeCurrency: 'BNB' }),
    });
  }
  submit: ExecutionVenue['submit'] = (o, now) => this.paper.submit(o, now);
  cancel: ExecutionVenue['cancel'] = (id, now) => this.paper.cancel(id, now);
  advance: ExecutionVenue['advance'] = (now) => this.paper.advance(now);
  onBook: ExecutionVenue['onBook'] = (b, e) => this.paper.onBook(b, e);
  onTrade: ExecutionVenue['onTrade'] = (e) => this.paper.onTrade(e);
  openOrderIds = () => this.paper.openOrderIds();
}

export function setup(
  o: {
    script?: OrderIntent[][];
    haltOnCritical?: boolean;
    bnbFees?: boolean;
    file?: string;
    instruments?: Instrument[];
    mode?: 'paper' | 'live';
    /** A venue other than plain paper execution. */
    venue?: (paper: PaperVenue) => ExecutionVenue;
  } = {},
) {
  const file = o.file ?? join(mkdtempSync(join(tmpdir(), 'td-integrity-')), 'journal.ndjson');
  const clock = new SimClock(1_000);
  const existing = readJournal(file);
  const journal = new Journal(file);
  const instruments = o.instruments ?? [BTC];
  const paper = new PaperVenue({
    name: 'binance',
    instruments,
    latencyMs: 10,
    book: (s) => engine.books.get(key('binance', s)),
  });
  const engine: Engine = new Engine({
    clock,
    mode: o.mode ?? 'paper',
    liveAllowed: false,
    instruments,
    venues: [o.venue ? o.venue(paper) : o.bnbFees ? new PaysInBnb(paper) : paper],
    strategies: [new Scripted(o.script ?? [])],
    journal,
    startBalances: [{ venue: 'binance', currency: 'USDT', amount: '100000' }],
    integrity: { haltOnCritical: o.haltOnCritical, everyMs: 1_000 },
  });
  engine.restore(existing);
  const book = (ts: number, bid: number, ask: number, seq: number, symbol = BTC.symbol, snapshot = true) => {
    clock.advanceTo(Math.max(clock.now(), ts));
    engine.onMarket({
      kind: 'book',
      venue: 'binance',
      symbol,
      ts,
      seq,
      snapshot,
      bids: [[bid, 5]],
      asks: [[ask, 5]],
    });
  };
  const integrityAlerts = () => engine.alerts.filter((a) => a.source === 'integrity');
  return { engine, journal, clock, book, file, integrityAlerts };
}
