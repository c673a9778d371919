// The engine: market data in, through books, strategies, risk and execution, into the ledger and journal.
import type { Clock } from '../core/clock.ts';
import type { Instrument } from '../core/instrument.ts';
import type { FundingRateEvent, MarketEvent } from '../core/market-events.ts';
import type { VenueHealthChange } from '../core/market-feed.ts';
import { fx, mul, roundTo, str, toNumber, ZERO, type Fixed } from '../core/money.ts';
import { OrderBook } from '../core/order-book.ts';
import type { DecidingState, OrderIntent, Strategy, StrategyContext } from '../core/strategy.ts';
import { isTerminal, type Fill, type OrderRequest, type OrderUpdate } from '../core/trading.ts';
import type { ExecutionVenue } from '../core/venue.ts';
import type {
  AlertRow,
  Command,
  CommandResult,
  EngineEvent,
  Mode,
  Severity,
  StrategyState,
  TradingState,
} from '../control/protocol.ts';
import type { Journal, JournalLine } from '../../state/journal.ts';
import { BasisSignal } from '../signals/basis-signal.ts';
import { feeInQuote } from './fee-conversion.ts';
import { IntegrityMonitor, unconvertedFee, type IntegrityFinding } from './integrity.ts';
import { Ledger } from './ledger.ts';
import { EquityStats, PerformanceBook } from './performance.ts';
import { acceptVenueState, openOrdersInJournal, reconcile, type Difference } from './reconcile.ts';
import { OrderManager } from './order-manager.ts';
import { checkOrder, defaultRiskLimits, type RiskLimits } from './risk.ts';

export interface StartBalance {
  venue: string;
  currency: string;
  amount: string;
}

export interface EngineOptions {
  clock: Clock;
  mode: Mode;
  liveAllowed: boolean;
  instruments: Instrument[];
  venues: ExecutionVenue[];
  strategies: Strategy[];
  journal: Journal;
  startBalances: StartBalance[];
  risk?: RiskLimits;
  staleAfterMs?: number;
  /** Equity curve sampling interval on the engine clock, ms. */
  curveEveryMs?: number;
  /** Venue whose prices lead (the signal's reference). */
  leadVenue?: string;
  /** Persist the kill state (HALTED survives restarts). */
  onKillStateChange?: (halted: boolean) => void;
  /** Start HALTED (the kill state persisted by a previous run). */
  halted?: boolean;
  /** Continuous integrity checks; haltOnCritical defaults to true live, false on paper. */
  integrity?: { haltOnCritical?: boolean; everyMs?: number };
}

export interface StrategyRuntime {
  strategy: Strategy;
  mode: Mode;
  state: StrategyState;
  /** Last risk denial, shown on the strategy row until the next decision acts. */
  denial: string | null;
  /** Net PnL of this strategy, sampled with the equity curve. */
  stats: EquityStats;
  /** RUNNING or REDUCING for the decision under way. */
  deciding: DecidingState;
  /** The strategy's one view of the market, made once: no allocation per market-data message. */
  context: StrategyContext;
}

interface FundingClock {
  rate: string;
  nextFundingTs: number;
  markPrice: number;
}

const MAX_ALERTS = 200;
const MAX_CURVE = 240;

export class Engine {
  readonly clock: Clock;
  readonly mode: Mode;
  readonly liveAllowed: boolean;
  readonly ledger = new Ledger();
  readonly orders = new OrderManager();
  readonly books = new Map<string, OrderBook>();
  readonly instruments = new Map<string, Instrument>();
  readonly venues = new Map<string, ExecutionVenue>();
  readonly strategies: StrategyRuntime[];
  readonly signals = new Map<string, BasisSignal>();
  readonly alerts: AlertRow[] = [];
  readonly curve: number[] = [];
  readonly lastData = new Map<string, number>();
  readonly funding = new Map<string, FundingClock>();
  /** Venues whose feed reports a broken connection. */
  readonly venueDown = new Set<string>();
  state: TradingState = 'ACTIVE';
  fills = 0;
  /** Equity of the whole book and of each strategy, venue and symbol, sampled on the curve interval. */
  performance!: PerformanceBook;
  readonly integrity = new IntegrityMonitor();
  /** What differs from the venues at startup; while not empty, nothing trades (until acceptVenueState). */
  reconciliation: Difference[] = [];
  readonly staleAfterMs: number;
  private readonly journal: Journal;
  private readonly risk: RiskLimits;
  private readonly curveEveryMs: number;
  private readonly leadVenue: string;
  private nextCurveTs = 0;
  private nextIntegrityTs = 0;
  private readonly integrityEveryMs: number;
  private readonly haltOnCritical: boolean;
  /** Decision price per open order, for slippage (a restart rebuilds it from the order lines). */
  private readonly decisionPrices = new Map<string, Fixed>();
  private nextStaleCheck = 0;
  /** Venues whose data is currently older than staleAfterMs. */
  readonly staleVenues = new Set<string>();
  private alertId = 0;
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  private readonly byInstrument = new Map<string, StrategyRuntime[]>();
  private readonly quotes = new Map<string, string>();
  /** Per instrument: the same asset's book on another venue and the signal they feed (found once, not per message). */
  private readonly signalPairs = new Map<string, { peer: string; leads: boolean; signal: BasisSignal }>();

  constructor(private readonly options: EngineOptions) {
    this.clock = options.clock;
    this.mode = options.mode;
    this.liveAllowed = options.liveAllowed;
    this.journal = options.journal;
    this.risk = options.risk ?? defaultRiskLimits;
    this.staleAfterMs = options.staleAfterMs ?? 5_000;
    this.curveEveryMs = options.curveEveryMs ?? 5_000;
    this.leadVenue = options.leadVenue ?? 'binance';
    this.integrityEveryMs = options.integrity?.everyMs ?? 1_000;
    this.haltOnCritical = options.integrity?.haltOnCritical ?? options.mode === 'live';
    for (const inst of options.instruments) {
      const k = key(inst.venue, inst.symbol);
      this.instruments.set(k, inst);
      this.books.set(k, new OrderBook(inst.venue, inst.symbol));
      this.quotes.set(k, inst.quote);
      if (!this.signals.has(inst.base)) this.signals.set(inst.base, new BasisSignal(inst.base));
    }
    for (const inst of options.instruments) {
      const peer = options.instruments.find((o) => o.base === inst.base && o.venue !== inst.venue);
      if (peer) {
        this.signalPairs.set(key(inst.venue, inst.symbol), {
          peer: key(peer.venue, peer.symbol),
          leads: inst.venue === this.leadVenue,
          signal: this.signals.get(inst.base)!,
        });
      }
    }
    for (const venue of options.venues) {
      this.venues.set(venue.name, venue);
      venue.setListener({ onFill: (f) => this.onFill(f), onOrderUpdate: (u) => this.onOrderUpdate(u) });
    }
    this.strategies = options.strategies.map((strategy) => {
      const rt = {
        strategy,
        mode: options.mode,
        state: 'RUNNING',
        denial: null,
        stats: new EquityStats(this.curveEveryMs, 0),
        deciding: 'RUNNING',
      } as StrategyRuntime;
      rt.context = this.contextFor(rt);
      return rt;
    });
    for (const rt of this.strategies) {
      for (const leg of rt.strategy.legs) {
        const k = key(leg.venue, leg.symbol);
        if (!this.instruments.has(k))
          throw new Error(`strategy ${rt.strategy.name}: no instrument ${leg.symbol} on ${leg.venue}`);
        const list = this.byInstrument.get(k) ?? [];
        list.push(rt);
        this.byInstrument.set(k, list);
      }
    }
    if (options.halted) {
      this.state = 'HALTED';
      for (const rt of this.strategies) rt.state = 'HALTED';
    }
  }

  /** Rebuild the ledger from an existing journal, or open a new one with the start balances. */
  restore(lines: JournalLine[]): void {
    if (lines.length === 0) {
      for (const b of this.options.startBalances) {
        this.ledger.deposit(b.venue, b.currency, fx(b.amount));
        this.integrity.onDeposit(b.venue, b.currency, fx(b.amount));
        this.journal.append({
          type: 'deposit',
          ts: this.clock.now(),
          venue: b.venue,
          currency: b.currency,
          amount: b.amount,
          mode: this.mode,
        });
      }
    } else {
      for (const { record: r } of lines) {
        const type = r.type ?? 'fill';
        if (type === 'deposit') {
          this.ledger.deposit(String(r.venue), String(r.currency), fx(String(r.amount)));
          this.integrity.onDeposit(String(r.venue), String(r.currency), fx(String(r.amount)));
        } else if (type === 'order') {
          if (typeof r.decisionPrice === 'string')
            this.decisionPrices.set(String(r.orderId), fx(r.decisionPrice));
          const n = /-(\d+)$/.exec(String(r.orderId));
          if (n) this.orders.resumeAfter(Number(n[1]));
        } else if (type === 'orderUpdate') this.decisionPrices.delete(String(r.orderId));
        else if (type === 'fill')
          this.bookFill(journalFill(r), false, typeof r.feeQuote === 'string' ? fx(r.feeQuote) : undefined);
        else if (type === 'funding')
          this.bookFunding(
            String(r.strategy),
            String(r.venue),
            String(r.symbol),
            fx(String(r.amount)),
            r,
            false,
          );
      }
    }
    const start = toNumber(this.ledger.startEquity());
    this.performance = new PerformanceBook(
      this.curveEveryMs,
      start,
      this.strategies.map((rt) => rt.strategy.name),
    );
    for (const rt of this.strategies) rt.stats = this.performance.strategies.get(rt.strategy.name)!;
    this.reconcileWithVenues(lines);
  }

  /** The whole book's equity statistics. */
  get equityStats(): EquityStats {
    return this.performance.total;
  }

  /** Orders left open in the journal and positions, against the venues': any difference holds trading. */
  private reconcileWithVenues(lines: JournalLine[]): void {
    const positions = new Map<string, Fixed>();
    for (const acc of this.ledger.accountsList())
      positions.set(
        key(acc.venue, acc.symbol),
        (positions.get(key(acc.venue, acc.symbol)) ?? ZERO) + acc.qty,
      );
    this.reconciliation = reconcile(openOrdersInJournal(lines), positions, [...this.venues.values()]);
    if (this.reconciliation.length === 0) return;
    this.alert(
      'critical',
      'reconcile',
      `trading held: local state differs from the venues: ${this.reconciliation.map((d) => d.message).join('; ')}; accept the venue state to trade`,
    );
  }

  /** The operator takes the venues' word (reconcile.ts): orphaned orders cancelled, positions adopted, hold lifted. */
  private acceptVenueState(): CommandResult {
    const result = acceptVenueState(this.reconciliation, {
      now: this.clock.now(),
      journal: this.journal,
      venues: this.venues,
      mid: (venue, symbol) => this.midOf(venue, symbol),
      owner: (venue, symbol) =>
        this.strategies.find((rt) => rt.strategy.legs.some((l) => l.venue === venue && l.symbol === symbol))
          ?.strategy.name ?? 'reconcile',
      quote: (venue, symbol) => this.quotes.get(key(venue, symbol))!,
      nextOrderId: () => this.orders.nextId('reconcile'),
      bookFill: (fill) => this.bookFill(fill, true),
    });
    if (!result.ok) return result;
    this.reconciliation = [];
    this.alert('info', 'reconcile', `${result.message}: trading resumes`);
    return result;
  }

  /** A book's mid as an exact price (one decimal finer than the venue's), or null before the book is ready. */
  private midOf(venue: string, symbol: string): Fixed | null {
    const inst = this.instruments.get(key(venue, symbol));
    const book = this.books.get(key(venue, symbol));
    if (!inst || !book?.ready) return null;
    return roundTo(fx(book.mid.toFixed(Math.min(inst.priceDecimals + 1, 12))), 12);
  }

  /** A venue's connection changed (from its market feed): the header shows it and an alert names the venue. */
  venueHealth(change: VenueHealthChange): void {
    if (change.connected) this.venueDown.delete(change.venue);
    else this.venueDown.add(change.venue);
    this.alert(change.severity, change.venue, change.message);
  }

  on(listener: (e: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: EngineEvent): void {
    for (const l of this.listeners) l(e);
  }

  /** Deliver what is due by `now`: order arrivals at venues, funding settlements, curve samples. */
  advance(now: number): void {
    for (const v of this.venues.values()) v.advance(now);
    for (const [k, f] of this.funding) {
      if (f.nextFundingTs <= now) {
        this.settleFunding(k, f);
        f.nextFundingTs = Number.POSITIVE_INFINITY;
      }
    }
    if (now >= this.nextStaleCheck) {
      this.checkStale(now);
      this.nextStaleCheck = now + 250;
    }
    if (now >= this.nextCurveTs) {
      this.sampleCurve();
      this.nextCurveTs = now + this.curveEveryMs;
    }
    if (now >= this.nextIntegrityTs) {
      this.refreshMarks();
      for (const f of this.integrity.check(now, this)) this.onIntegrityFinding(f);
      this.nextIntegrityTs = now + this.integrityEveryMs;
    }
  }

  private readonly reportFinding = (f: IntegrityFinding): void => this.onIntegrityFinding(f);

  /** An integrity finding becomes an alert; a critical one halts trading where the profile says so. */
  private onIntegrityFinding(f: IntegrityFinding): void {
    this.alert(f.severity, 'integrity', f.message);
    if (f.severity === 'critical' && this.haltOnCritical && this.state !== 'HALTED')
      this.kill(`integrity: ${f.message}`);
  }

  onMarket(ev: MarketEvent): void {
    this.advance(ev.ts);
    const k = key(ev.venue, ev.symbol);
    const book = this.books.get(k);
    if (!book) return;
    this.lastData.set(ev.venue, ev.ts);
    this.lastData.set(k, ev.ts);
    if (ev.kind === 'book') {
      if (ev.snapshot) book.applySnapshot(ev.bids, ev.asks, ev.seq, ev.ts);
      else book.applyDiff(ev.bids, ev.asks, ev.seq, ev.ts);
      this.integrity.onMarket(ev, book, this.reportFinding);
      this.venues.get(ev.venue)?.onBook(book, ev);
      this.updateSignal(k, book);
      this.decideFor(k);
    } else {
      this.integrity.onMarket(ev, book, this.reportFinding);
      if (ev.kind === 'trade') this.venues.get(ev.venue)?.onTrade(ev);
      else this.onFundingRate(k, ev);
    }
  }

  /** Say so once when a venue's data goes stale and once when it is fresh again. */
  private checkStale(now: number): void {
    for (const venue of this.venues.keys()) {
      const t = this.lastData.get(venue);
      if (t === undefined) continue;
      const age = now - t;
      if (age > this.staleAfterMs && !this.staleVenues.has(venue)) {
        this.staleVenues.add(venue);
        this.alert(
          'warning',
          venue,
          `market data stale (${(age / 1000).toFixed(1)} s old): no new positions on ${venue}`,
        );
      } else if (age <= this.staleAfterMs && this.staleVenues.delete(venue)) {
        this.alert('info', venue, 'market data fresh again');
      }
    }
  }

  private updateSignal(instrumentKey: string, book: OrderBook): void {
    const pair = this.signalPairs.get(instrumentKey);
    if (!pair || !book.ready) return;
    const other = this.books.get(pair.peer)!;
    if (!other.ready) return;
    const [lead, lag] = pair.leads ? [book, other] : [other, book];
    pair.signal.update(lead.mid, lag.mid, book.ts);
  }

  private decideFor(instrumentKey: string): void {
    const runtimes = this.byInstrument.get(instrumentKey);
    if (!runtimes || this.reconciliation.length > 0) return;
    for (const rt of runtimes) {
      if (rt.state === 'PAUSED' || rt.state === 'HALTED') continue;
      const deciding: DecidingState =
        rt.state === 'REDUCING' || this.state === 'REDUCING' ? 'REDUCING' : 'RUNNING';
      if (this.state === 'HALTED') continue;
      rt.deciding = deciding;
      const intents = rt.strategy.decide(rt.context);
      for (const intent of intents) this.place(rt, intent, deciding === 'REDUCING');
    }
  }

  private contextFor(rt: StrategyRuntime): StrategyContext {
    const name = rt.strategy.name;
    const clock = this.clock;
    return {
      get now() {
        return clock.now();
      },
      get state() {
        return rt.deciding;
      },
      staleAfterMs: this.staleAfterMs,
      book: (venue, symbol) => this.books.get(key(venue, symbol)),
      instrument: (venue, symbol) => this.instruments.get(key(venue, symbol))!,
      position: (venue, symbol) =>
        toNumber(this.ledger.account(name, venue, symbol, this.quotes.get(key(venue, symbol))!).qty),
      openOrders: () => this.orders.openOrders(name),
      dataAgeMs: (venue, symbol) => {
        const t = this.lastData.get(key(venue, symbol));
        return t === undefined ? Number.POSITIVE_INFINITY : clock.now() - t;
      },
    };
  }

  private place(rt: StrategyRuntime, intent: OrderIntent, reducingOnly: boolean): void {
    const denial = checkOrder(
      intent,
      this.risk,
      {
        position: (venue, symbol) => this.venuePosition(venue, symbol),
        mid: (venue, symbol) => this.books.get(key(venue, symbol))?.mid ?? intent.price,
      },
      reducingOnly,
    );
    if (denial) {
      if (rt.denial !== denial)
        this.alert(
          'warning',
          'risk',
          `${rt.strategy.name}: denied ${intent.side} ${intent.qty} ${intent.symbol} on ${intent.venue}: ${denial}`,
        );
      rt.denial = denial;
      return;
    }
    rt.denial = null;
    const venue = this.venues.get(intent.venue);
    if (!venue) return;
    const now = this.clock.now();
    const req: OrderRequest = {
      ...intent,
      clientOrderId: this.orders.nextId(rt.strategy.name),
      strategy: rt.strategy.name,
    };
    // Journal first: an order the venue may have seen is never unknown after a crash.
    this.journal.append({
      type: 'order',
      ts: now,
      orderId: req.clientOrderId,
      venue: req.venue,
      symbol: req.symbol,
      side: req.side,
      qty: String(req.qty),
      price: String(req.price),
      decisionPrice: String(req.decisionPrice),
      tif: req.tif,
      reduceOnly: req.reduceOnly,
      tag: req.tag,
      strategy: req.strategy,
      mode: rt.mode,
    });
    this.orders.track(req, now);
    this.decisionPrices.set(req.clientOrderId, fx(req.decisionPrice));
    venue.submit(req, now);
  }

  private venuePosition(venue: string, symbol: string): number {
    let total = ZERO;
    for (const acc of this.ledger.accountsList())
      if (acc.venue === venue && acc.symbol === symbol) total += acc.qty;
    return toNumber(total);
  }

  private onFill(fill: Fill): void {
    this.bookFill(fill, true);
    this.orders.recordFill(fill.orderId, toNumber(fill.qty), toNumber(fill.price));
  }

  private bookFill(fill: Fill, journal: boolean, recordedFeeQuote?: Fixed): void {
    const k = key(fill.venue, fill.symbol);
    const quote = this.quotes.get(k) ?? fill.feeCurrency;
    // A restart books the fee at the rate recorded on the fill's line, never at today's price.
    const { feeQuote, rate } =
      recordedFeeQuote !== undefined
        ? { feeQuote: recordedFeeQuote, rate: null }
        : feeInQuote(fill, this.instruments.get(k)?.base ?? '', quote, (c) =>
            this.rateIn(fill.venue, c, quote),
          );
    const decisionPrice = this.decisionPrices.get(fill.orderId);
    if (!journal) {
      this.ledger.applyFill(fill, quote, feeQuote, decisionPrice);
      this.integrity.onFill(fill, quote, feeQuote);
      this.fills += 1;
      return;
    }
    const line = {
      ts: fill.ts,
      venue: fill.venue,
      symbol: fill.symbol,
      side: fill.side,
      qty: str(fill.qty),
      price: str(fill.price),
      fee: str(fill.fee),
      feeCurrency: fill.feeCurrency,
      liquidity: fill.liquidity,
      orderId: fill.orderId,
      strategy: fill.strategy,
    };
    // A fee not in the quote carries the rate it was converted at and the result, so any reader books the same.
    const conversion =
      fill.feeCurrency === quote
        ? {}
        : { feeRate: rate === null ? null : str(rate), feeQuote: feeQuote === null ? null : str(feeQuote) };
    // Journal first: a fill on disk is never lost, even if the process dies before the ledger moves.
    this.journal.append({
      type: 'fill',
      ...line,
      ...conversion,
      mode: this.runtime(fill.strategy)?.mode ?? this.mode,
    });
    this.ledger.applyFill(fill, quote, feeQuote, decisionPrice);
    this.integrity.onFill(fill, quote, feeQuote);
    this.fills += 1;
    this.emit({ type: 'fill', ...line });
    // Refused loudly, at once: a fee we could not price is never guessed.
    if (feeQuote === null) {
      const k = `${fill.venue}:${fill.feeCurrency}`;
      const finding = this.integrity.raise(unconvertedFee(k, this.ledger.unconvertedFees().get(k)!));
      if (finding) this.onIntegrityFinding(finding);
    }
  }

  /** The price of `currency` in `quote` on a venue now: the mid of its book there, if it has one. */
  private rateIn(venue: string, currency: string, quote: string): Fixed | null {
    for (const inst of this.instruments.values()) {
      if (inst.venue !== venue || inst.base !== currency || inst.quote !== quote) continue;
      const mid = this.midOf(venue, inst.symbol);
      if (mid !== null) return mid;
    }
    return null;
  }

  private onOrderUpdate(update: OrderUpdate): void {
    const order = this.orders.apply(update);
    if (!order) return;
    if (isTerminal(update.status)) this.decisionPrices.delete(update.clientOrderId);
    if (update.status === 'rejected' || update.status === 'cancelled' || update.status === 'filled') {
      this.journal.append({
        type: 'orderUpdate',
        ts: update.ts,
        orderId: update.clientOrderId,
        status: update.status,
        filledQty: String(update.filledQty),
        reason: update.reason ?? null,
      });
    }
    if (update.status === 'rejected')
      this.alert(
        'warning',
        order.venue,
        `order ${order.clientOrderId} rejected: ${update.reason ?? 'no reason given'}`,
      );
  }

  private onFundingRate(k: string, ev: FundingRateEvent): void {
    this.funding.set(k, { rate: ev.rate, nextFundingTs: ev.nextFundingTs, markPrice: ev.markPrice });
  }

  private settleFunding(k: string, f: FundingClock): void {
    const inst = this.instruments.get(k)!;
    const rate = fx(f.rate);
    const mark = fx(String(f.markPrice));
    for (const acc of this.ledger.accountsList()) {
      if (acc.venue !== inst.venue || acc.symbol !== inst.symbol || acc.qty === ZERO) continue;
      // Positive rate: longs pay shorts.
      const amount = roundTo(-mul(mul(acc.qty, mark), rate), 8);
      const record = { rate: f.rate, qty: str(acc.qty), markPrice: str(mark) };
      this.bookFunding(acc.strategy, acc.venue, acc.symbol, amount, record, true, f.nextFundingTs);
    }
  }

  private bookFunding(
    strategy: string,
    venue: string,
    symbol: string,
    amount: Fixed,
    r: Record<string, unknown>,
    journal: boolean,
    ts = 0,
  ): void {
    const quote = this.quotes.get(key(venue, symbol)) ?? 'USD';
    const rate = fx(String(r.rate ?? '0'));
    this.integrity.onFunding(venue, quote, amount);
    this.ledger.applyFunding(
      {
        ts,
        venue,
        symbol,
        strategy,
        amount,
        rate,
        qty: fx(String(r.qty ?? '0')),
        markPrice: fx(String(r.markPrice ?? '0')),
      },
      quote,
    );
    if (!journal) return;
    this.journal.append({
      type: 'funding',
      ts,
      venue,
      symbol,
      strategy,
      amount: str(amount),
      currency: quote,
      rate: String(r.rate),
      qty: r.qty,
      markPrice: r.markPrice,
      mode: this.mode,
    });
    this.emit({ type: 'funding', ts, venue, symbol, amount: str(amount), rate: String(r.rate) });
  }

  /** Bring every position's mark to its book's mid (lazily: only when someone looks). */
  refreshMarks(): void {
    for (const [k, book] of this.books) {
      if (!book.ready) continue;
      const inst = this.instruments.get(k)!;
      this.ledger.mark(
        inst.venue,
        inst.symbol,
        roundTo(fx(book.mid.toFixed(Math.min(inst.priceDecimals + 1, 12))), 12),
      );
    }
  }

  private sampleCurve(): void {
    this.refreshMarks();
    const equity = this.ledger.equity();
    this.performance.sample(this.ledger, this.clock.now());
    this.curve.push(toNumber(equity));
    if (this.curve.length > MAX_CURVE) this.curve.shift();
  }

  alert(severity: Severity, source: string, message: string): void {
    const row: AlertRow = { id: ++this.alertId, ts: this.clock.now(), severity, source, message };
    this.alerts.unshift(row);
    if (this.alerts.length > MAX_ALERTS) this.alerts.pop();
    this.emit({ type: 'alert', ts: row.ts, severity, source, message });
  }

  private setStrategyState(rt: StrategyRuntime, to: StrategyState, reason: string): void {
    if (rt.state === to) return;
    const from = rt.state;
    rt.state = to;
    this.journal.append({ type: 'state', ts: this.clock.now(), scope: rt.strategy.name, from, to, reason });
    this.emit({ type: 'state', ts: this.clock.now(), scope: rt.strategy.name, from, to, reason });
  }

  private setState(to: TradingState, reason: string): void {
    if (this.state === to) return;
    const from = this.state;
    this.state = to;
    this.journal.append({ type: 'state', ts: this.clock.now(), scope: 'engine', from, to, reason });
    this.emit({ type: 'state', ts: this.clock.now(), scope: 'engine', from, to, reason });
  }

  /** Cancel every open order on every venue; returns how many were asked to cancel. */
  cancelAll(strategy?: string): number {
    const now = this.clock.now();
    const open = this.orders.openOrders(strategy);
    for (const o of open) this.venues.get(o.venue)?.cancel(o.clientOrderId, now);
    return open.length;
  }

  /** KILL: cancel everything, halt every strategy, persist HALTED. */
  kill(reason: string): CommandResult {
    const cancelled = this.cancelAll();
    for (const rt of this.strategies) this.setStrategyState(rt, 'HALTED', reason);
    this.setState('HALTED', reason);
    this.options.onKillStateChange?.(true);
    this.alert(
      'critical',
      'engine',
      `KILL SWITCH: ${reason}; ${cancelled} open order${cancelled === 1 ? '' : 's'} cancelled, all strategies HALTED`,
    );
    return { ok: true, message: `HALTED: ${cancelled} order(s) cancelled` };
  }

  private runtime(name: string): StrategyRuntime | undefined {
    return this.strategies.find((s) => s.strategy.name === name);
  }

  command(cmd: Command): CommandResult {
    switch (cmd.type) {
      case 'kill':
        return this.kill('kill switch');
      case 'rearm': {
        if (this.state !== 'HALTED') return { ok: false, message: 'not halted' };
        this.setState('ACTIVE', 're-armed');
        for (const rt of this.strategies) this.setStrategyState(rt, 'RUNNING', 're-armed');
        this.options.onKillStateChange?.(false);
        this.alert('info', 'engine', 're-armed: trading ACTIVE');
        return { ok: true, message: 're-armed: ACTIVE' };
      }
      case 'pause':
      case 'resume': {
        const rt = this.runtime(cmd.strategy);
        if (!rt) return { ok: false, message: `no strategy named ${cmd.strategy}` };
        if (rt.state === 'HALTED')
          return { ok: false, message: `${rt.strategy.name} is HALTED: re-arm first` };
        if (cmd.type === 'pause') {
          const n = this.cancelAll(rt.strategy.name);
          this.setStrategyState(rt, 'PAUSED', 'paused by operator');
          return { ok: true, message: `${rt.strategy.name} PAUSED (${n} order(s) cancelled)` };
        }
        this.setStrategyState(rt, 'RUNNING', 'resumed by operator');
        return { ok: true, message: `${rt.strategy.name} RUNNING` };
      }
      case 'promote': {
        const rt = this.runtime(cmd.strategy);
        if (!rt) return { ok: false, message: `no strategy named ${cmd.strategy}` };
        if (!this.liveAllowed)
          return { ok: false, message: `promotion needs --live: ${rt.strategy.name} stays PAPER` };
        return {
          ok: false,
          message: `no live execution gateway is configured: ${rt.strategy.name} stays PAPER`,
        };
      }
      case 'demote': {
        const rt = this.runtime(cmd.strategy);
        if (!rt) return { ok: false, message: `no strategy named ${cmd.strategy}` };
        if (rt.mode === 'paper') return { ok: false, message: `${rt.strategy.name} is already PAPER` };
        rt.mode = 'paper';
        return { ok: true, message: `${rt.strategy.name} demoted to PAPER` };
      }
      case 'acceptVenueState':
        return this.acceptVenueState();
      case 'status':
        return { ok: true, message: `${this.state} ${this.mode}` };
      case 'quit':
        return { ok: true, message: 'stopping' };
    }
  }
}

export function key(venue: string, symbol: string): string {
  return `${venue}|${symbol}`;
}

function journalFill(r: Record<string, unknown>): Fill {
  return {
    ts: Number(r.ts),
    venue: String(r.venue),
    symbol: String(r.symbol),
    side: r.side === 'sell' ? 'sell' : 'buy',
    qty: fx(String(r.qty)),
    price: fx(String(r.price)),
    fee: fx(String(r.fee)),
    feeCurrency: String(r.feeCurrency),
    liquidity: r.liquidity === 'maker' ? 'maker' : 'taker',
    orderId: String(r.orderId),
    strategy: String(r.strategy),
  };
}
