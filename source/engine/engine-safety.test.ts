// The engine's safety: trading states, the kill switch (retries, flatten, triggers) and the promotion gate.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simInstrument } from '../../gateways/sim/instruments.ts';
import { PaperVenue } from '../../gateways/paper/paper-venue.ts';
import { SimClock } from '../core/clock.ts';
import { str, toNumber } from '../core/money.ts';
import type { OrderIntent, Strategy, StrategyContext } from '../core/strategy.ts';
import { Journal, readJournal } from '../../state/journal.ts';
import { Engine, key, type EngineOptions } from './engine.ts';

const BN = simInstrument('binance', 'BTC');

/** A live gateway stands in as a paper venue that reports the account's balances, as ccxt gateways do. */
class FundedVenue extends PaperVenue {
  readonly balances = new Map([
    ['USDT', 50_000],
    ['USDC', 50_000],
  ]);
}
const HL = simInstrument('hyperliquid', 'BTC');

/** A strategy with a script: each decision takes the next list of intents. */
class Scripted implements Strategy {
  readonly kind = 'scripted';
  readonly label = 'BTC';
  readonly legs = [
    { venue: 'binance', symbol: BN.symbol },
    { venue: 'hyperliquid', symbol: HL.symbol },
  ];
  idleReason: string | null = null;
  decisions = 0;
  private lastTs = -1;
  constructor(
    readonly name: string,
    readonly script: OrderIntent[][],
    readonly hedged = false,
  ) {}
  /** One step of the script per market moment (each moment brings both venues' books). */
  decide(ctx: StrategyContext): OrderIntent[] {
    this.decisions += 1;
    if (ctx.now === this.lastTs || !this.legs.every((l) => ctx.book(l.venue, l.symbol)?.ready)) return [];
    this.lastTs = ctx.now;
    return this.script.shift() ?? [];
  }
}

const intent = (over: Partial<OrderIntent>): OrderIntent => ({
  venue: 'binance',
  symbol: BN.symbol,
  side: 'buy',
  qty: 0.1,
  price: 64_000.1,
  tif: 'IOC',
  reduceOnly: false,
  decisionPrice: 64_000.1,
  tag: 'open',
  ...over,
});

function desk(
  script: OrderIntent[][],
  over: Partial<EngineOptions> & { latencyMs?: number; hedged?: boolean; live?: boolean } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'td-safety-'));
  const clock = new SimClock(1_000);
  const paper = (name: string, inst: typeof BN, Venue = PaperVenue) =>
    new Venue({
      name,
      instruments: [inst],
      latencyMs: over.latencyMs ?? 10,
      book: (s) => engine.books.get(key(name, s)),
    });
  const strategy = new Scripted('scripted', script, over.hedged ?? false);
  const killStates: boolean[] = [];
  const liveJournal = over.live ? new Journal(join(dir, 'live', 'journal.ndjson')) : undefined;
  const engine: Engine = new Engine({
    clock,
    mode: 'paper',
    liveAllowed: over.live ?? false,
    instruments: [BN, HL],
    venues: [paper('binance', BN), paper('hyperliquid', HL)],
    strategies: [strategy],
    journal: new Journal(join(dir, 'paper', 'journal.ndjson')),
    startBalances: [
      { venue: 'binance', currency: 'USDT', amount: '100000' },
      { venue: 'hyperliquid', currency: 'USDC', amount: '100000' },
    ],
    onKillStateChange: (h) => killStates.push(h),
    liveVenues: over.live
      ? new Map([
          ['binance', paper('binance', BN, FundedVenue)],
          ['hyperliquid', paper('hyperliquid', HL, FundedVenue)],
        ])
      : undefined,
    liveJournal,
    ...over,
  });
  engine.restore([]);
  let seq = 0;
  /** Both venues' books at a price, at a time: the engine decides on each. */
  const market = (ts: number, mid = 64_000) => {
    clock.advanceTo(ts);
    for (const inst of [BN, HL]) {
      seq += 1;
      engine.onMarket({
        kind: 'book',
        venue: inst.venue,
        symbol: inst.symbol,
        ts,
        seq,
        snapshot: true,
        bids: [[mid - 0.1 * (inst === BN ? 1 : 10), 5]],
        asks: [[mid + 0.1 * (inst === BN ? 1 : 10), 5]],
      });
    }
  };
  return { engine, strategy, clock, market, killStates, dir, liveJournal };
}

const position = (engine: Engine, venue = 'binance', symbol = BN.symbol) =>
  toNumber(engine.ledger.account('scripted', venue, symbol, venue === 'binance' ? 'USDT' : 'USDC').qty);

describe('trading states', () => {
  it('REDUCING lets only exposure-reducing orders out, and the row says why the rest were denied', () => {
    const { engine, market } = desk([
      [intent({})],
      [],
      [intent({ qty: 0.05 })],
      [intent({ side: 'sell', qty: 0.05, price: 63_999.9 })],
    ]);
    market(1_000);
    market(1_020);
    expect(position(engine)).toBeCloseTo(0.1, 9);
    expect(engine.command({ type: 'reduce', strategy: 'scripted' })).toMatchObject({ ok: true });
    market(1_040);
    expect(engine.strategies[0].denial).toBe('REDUCING: only exposure-reducing orders are allowed');
    market(1_060);
    market(1_080);
    expect(position(engine)).toBeCloseTo(0.05, 9);
    expect(engine.command({ type: 'resume', strategy: 'scripted' })).toMatchObject({ ok: true });
    expect(engine.strategies[0].state).toBe('RUNNING');
    // The whole engine can be put to REDUCING too, and re-armed back to ACTIVE.
    expect(engine.command({ type: 'reduce' })).toMatchObject({ ok: true });
    expect(engine.state).toBe('REDUCING');
    expect(engine.command({ type: 'rearm' })).toMatchObject({ ok: true });
    expect(engine.state).toBe('ACTIVE');
    expect(engine.command({ type: 'rearm' })).toMatchObject({
      ok: false,
      message: 'not halted: trading is ACTIVE',
    });
  });

  it('PAUSED stops deciding and cancels the strategy’s open orders', () => {
    const { engine, strategy, market } = desk([[intent({ tif: 'GTC', price: 63_990 })]]);
    market(1_000);
    market(1_020);
    expect(engine.orders.openCount).toBe(1);
    expect(engine.command({ type: 'pause', strategy: 'scripted' }).message).toBe(
      'scripted PAUSED (1 order(s) cancelled)',
    );
    const decided = strategy.decisions;
    market(1_040);
    market(1_060);
    expect(engine.orders.openCount).toBe(0);
    expect(strategy.decisions).toBe(decided);
  });
});

describe('the kill switch', () => {
  it('cancels every open order, halts every strategy, persists HALTED, and strategies stop deciding', () => {
    const { engine, strategy, market, killStates } = desk([
      [
        intent({ tif: 'GTC', price: 63_990 }),
        intent({ venue: 'hyperliquid', symbol: HL.symbol, tif: 'GTC', side: 'sell', price: 64_100 }),
      ],
    ]);
    market(1_000);
    market(1_020);
    expect(engine.orders.openCount).toBe(2);
    expect(engine.command({ type: 'kill' }).message).toBe('HALTED: 2 order(s) cancelled');
    expect(engine.state).toBe('HALTED');
    expect(engine.strategies[0].state).toBe('HALTED');
    expect(killStates).toEqual([true]);
    const decided = strategy.decisions;
    market(1_040);
    market(1_060);
    expect(engine.orders.openCount).toBe(0);
    expect(strategy.decisions).toBe(decided);
    expect(engine.command({ type: 'pause', strategy: 'scripted' }).ok).toBe(false);
    expect(engine.command({ type: 'rearm' }).ok).toBe(true);
    expect(killStates).toEqual([true, false]);
    expect(engine.strategies[0].state).toBe('RUNNING');
  });

  it('sends a cancel again while the venue has not confirmed it, then names the order it could not cancel', () => {
    // A venue 5 s away: cancels are not confirmed within 3 attempts a second apart.
    const { engine, market } = desk([[intent({ tif: 'GTC', price: 63_990 })]], { latencyMs: 5_000 });
    market(1_000);
    engine.command({ type: 'kill' });
    for (let t = 1_250; t <= 4_500; t += 250) engine.advance(t);
    const alerts = engine.alerts.filter((a) => a.source === 'kill switch');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'critical' });
    expect(alerts[0].message).toMatch(/^could not cancel order scripted-1 on binance after 3 attempts/);
    expect(engine.killSwitch.unconfirmed).toEqual(['scripted-1']);
    // Once the venue answers, the order is cancelled and nothing is left unconfirmed.
    market(11_100);
    engine.advance(11_500);
    expect(engine.orders.openCount).toBe(0);
    expect(engine.killSwitch.unconfirmed).toEqual([]);
  });

  it('flattens with verified reduce-only orders under HALTED when configured', () => {
    const { engine, market, dir } = desk([[intent({})]], { safety: { flattenOnKill: true } });
    market(1_000);
    market(1_020);
    expect(position(engine)).toBeCloseTo(0.1, 9);
    engine.command({ type: 'kill' });
    market(1_040);
    market(1_060);
    expect(engine.state).toBe('HALTED');
    expect(position(engine)).toBe(0);
    const exit = readJournal(join(dir, 'paper', 'journal.ndjson'))
      .map((l) => l.record)
      .find((r) => r.type === 'order' && r.tag === 'flatten');
    expect(exit).toMatchObject({ side: 'sell', qty: '0.1', reduceOnly: true, tif: 'IOC' });
  });

  it('trips by itself on the daily loss limit', () => {
    const { engine, market } = desk([[intent({ qty: 0.15, price: 64_000.1 })]], {
      safety: { dailyLossLimit: 500, trailingDrawdown: 0 },
    });
    market(1_000);
    market(1_020);
    market(1_300, 60_000);
    engine.advance(1_600);
    expect(engine.state).toBe('HALTED');
    expect(engine.alerts.find((a) => a.severity === 'critical')?.message).toMatch(
      /KILL SWITCH: daily loss \d+\.\d+ reached the limit 500/,
    );
  });

  it('trips by itself when a hedged strategy leaves a leg unhedged past the limit', () => {
    const { engine, market } = desk([[intent({})]], {
      hedged: true,
      safety: { unhedgedMs: 2_000, unhedgedNotional: 100 },
    });
    market(1_000);
    for (let t = 1_250; t <= 3_000; t += 250) market(t);
    expect(engine.state).toBe('ACTIVE');
    for (let t = 3_250; t <= 3_750; t += 250) market(t);
    expect(engine.state).toBe('HALTED');
    expect(engine.alerts.find((a) => a.severity === 'critical')?.message).toMatch(
      /KILL SWITCH: scripted: a leg unhedged by 6400 for 2\.\d s/,
    );
  });
});

describe('promotion to live', () => {
  it('is refused without --live and without live credentials, naming why', () => {
    expect(desk([]).engine.command({ type: 'promote', strategy: 'scripted' }).message).toMatch(
      /^promotion needs --live: scripted stays PAPER\. break-even gate refused: FAIL paper trades 0/,
    );
    const { engine } = desk([], { liveAllowed: true });
    expect(engine.command({ type: 'promote', strategy: 'scripted' }).message).toMatch(
      /^no live credentials for binance, hyperliquid: scripted stays PAPER/,
    );
  });

  it('shows the gate and refuses on its failing criterion', () => {
    const { engine } = desk([], { live: true });
    const r = engine.command({ type: 'promote', strategy: 'scripted', confirm: 'scripted' });
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(
      /^scripted stays PAPER: break-even gate refused: FAIL paper trades 0 \(≥ 200\)/,
    );
  });

  it('needs the typed name, then trades live on its own ledger and journal', () => {
    // A round trip that earns: buy at 64 000.1, sell at 64 100 after the market moves.
    const { engine, market, liveJournal } = desk(
      [
        [intent({})],
        [],
        [intent({ side: 'sell', price: 64_099.9, decisionPrice: 64_099.9 })],
        [],
        [intent({ qty: 0.002, price: 64_100.1 })],
      ],
      { live: true, promotion: { minTrades: 2, minNetPnl: 0, maxDrawdown: 1_000 } },
    );
    market(1_000);
    market(1_020);
    market(1_040, 64_100);
    market(1_060, 64_100);
    expect(engine.ledger.totals().trades).toBe(2);
    const gate = engine.command({ type: 'promote', strategy: 'scripted' });
    expect(gate).toMatchObject({ ok: true });
    expect(gate.message).toMatch(/^break-even gate passed: .*Type scripted to trade it with real money\.$/);
    expect(engine.command({ type: 'promote', strategy: 'scripted', confirm: 'scrpted' }).ok).toBe(false);
    expect(engine.strategies[0].mode).toBe('paper');
    expect(engine.command({ type: 'promote', strategy: 'scripted', confirm: 'scripted' })).toEqual({
      ok: true,
      message: 'scripted is LIVE',
    });
    const paperBefore = engine.ledger.equity();
    market(1_080, 64_100);
    market(1_100, 64_100);
    expect(engine.ledger.equity()).toBe(paperBefore);
    expect(str(engine.liveLedger.account('scripted', 'binance', BN.symbol, 'USDT').qty)).toBe('0.002');
    liveJournal!.close();
    const live = readJournal(liveJournal!.file).map((l) => l.record);
    expect(live.filter((r) => r.type === 'fill')).toMatchObject([{ mode: 'live', qty: '0.002' }]);
    expect(engine.command({ type: 'demote', strategy: 'scripted' })).toMatchObject({ ok: true });
    expect(engine.strategies[0].mode).toBe('paper');
  });

  it('forgets each live order once it is finished, so routing state stays bounded over many orders', () => {
    const roundTrips = 60;
    const trades: OrderIntent[][] = [[intent({})], [], [intent({ side: 'sell', price: 64_099.9 })], []];
    for (let i = 0; i < roundTrips; i++)
      trades.push(
        [intent({ qty: 0.002, price: 64_100.1 })],
        [intent({ side: 'sell', qty: 0.002, price: 64_099.9, tag: 'close' })],
      );
    const { engine, market } = desk(trades, {
      live: true,
      promotion: { minTrades: 2, minNetPnl: 0, maxDrawdown: 1_000 },
    });
    market(1_000);
    market(1_020);
    market(1_040, 64_100);
    market(1_060, 64_100);
    expect(engine.command({ type: 'promote', strategy: 'scripted', confirm: 'scripted' }).ok).toBe(true);
    // 5 orders a second: under the order-rate limit.
    for (let i = 0; i < 2 * roundTrips + 2; i++) market(1_080 + 200 * i, 64_100);
    expect(engine.liveLedger.totals().trades).toBe(2 * roundTrips);
    expect(engine.orders.openCount).toBe(0);
    expect(engine.liveOrdersTracked).toBe(0);
  });
});
