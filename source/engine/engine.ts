// The engine: market data in, through books, strategies, risk and execution, into the ledger and journal.
import type { Clock } from '../core/clock.ts';
import type { Instrument } from '../core/instrument.ts';
import type { FundingRateEvent, MarketEvent } from '../core/market-events.ts';
import type { VenueHealthChange } from '../core/market-feed.ts';
import { fixedOf, fx, mul, roundTo, str, toNumber, ZERO, type Fixed } from '../core/money.ts';
import { OrderBook } from '../core/order-book.ts';
import { redact } from '../core/redact.ts';
import type { DecidingState, OrderIntent, Strategy, StrategyContext } from '../core/strategy.ts';
import { isTerminal, orderRequest, type Fill, type OrderUpdate } from '../core/trading.ts';
import type { ExecutionVenue, OrderToLookUp, VenueAccountState } from '../core/venue.ts';
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
import type { SignalHub } from '../signals/model-runtime.ts';
import { feeInQuote } from './fee-conversion.ts';
import { IntegrityMonitor, unconvertedFee, type IntegrityFinding } from './integrity.ts';
import { Ledger, type PositionAccount } from './ledger.ts';
import { EquityStats, PerformanceBook } from './performance.ts';
import {
  acceptVenueState,
  openOrdersInJournal,
  ordersPlacedOn,
  reconcile,
  reconcileLive,
  type Difference,
  type JournaledOrder,
} from './reconcile.ts';
import { OrderManager } from './order-manager.ts';
import { BookedFills } from './booked-fills.ts';
import { judgeBreakEven, type BreakEvenGateRules } from './break-even-gate.ts';
import { KillSwitch } from './kill-switch.ts';
import { checkOrder, defaultRiskLimits, type RiskGate, type RiskLimits, type RiskView } from './risk.ts';
import { SafetyTriggers, type SafetyLimits } from './safety-triggers.ts';

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
  risk?: Partial<RiskLimits>;
  /** Automatic kill triggers and what a kill does beyond cancel and halt. */
  safety?: Partial<SafetyOptions>;
  /** The break-even gate for promotion to live. */
  promotion?: BreakEvenGateRules;
  staleAfterMs?: number;
  /** Equity curve sampling interval on the engine clock, ms. */
  curveEveryMs?: number;
  /** Venue whose prices lead (the signal's reference). */
  leadVenue?: string;
  /** Persist the kill state (HALTED survives restarts). */
  onKillStateChange?: (halted: boolean) => void;
  /** Live execution gateways by venue name: present only with --live and credentials. */
  liveVenues?: Map<string, ExecutionVenue>;
  /** The live ledger's own journal (DATA_DIR/live): paper and live money never share a book. */
  liveJournal?: Journal;
  /** Start HALTED (the kill state persisted by a previous run). */
  halted?: boolean;
  /** Model signals: streaming features and the registered models' forecasts. */
  signalHub?: SignalHub;
  /** Continuous integrity checks; haltOnCritical defaults to true live, false on paper. */
  integrity?: { haltOnCritical?: boolean; everyMs?: number };
}

export interface SafetyOptions extends SafetyLimits {
  flattenOnKill: boolean;
  cancelRetryMs: number;
  cancelAttempts: number;
}

export const defaultSafety: SafetyOptions = {
  flattenOnKill: false,
  dailyLossLimit: 2_000,
  trailingDrawdown: 3_000,
  staleKillMs: 120_000,
  unhedgedMs: 30_000,
  unhedgedNotional: 250,
  cancelRetryMs: 1_000,
  cancelAttempts: 3,
};

export const defaultPromotionGate: BreakEvenGateRules = { minTrades: 200, minNetPnl: 0, maxDrawdown: 1_000 };

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
const NO_VENUES: readonly ExecutionVenue[] = [];
const MAX_CURVE = 240;

export class Engine {
  readonly clock: Clock;
  readonly mode: Mode;
  readonly liveAllowed: boolean;
  /** The paper ledger (or the live one when the whole engine runs live). */
  readonly ledger = new Ledger();
  /** Promoted strategies' real money, kept apart from the paper record. */
  readonly liveLedger = new Ledger();
  readonly orders = new OrderManager();
  readonly books = new Map<string, OrderBook>();
  readonly instruments = new Map<string, Instrument>();
  readonly venues = new Map<string, ExecutionVenue>();
  readonly strategies: StrategyRuntime[];
  readonly signals = new Map<string, BasisSignal>();
  readonly signalHub: SignalHub | undefined;
  readonly alerts: AlertRow[] = [];
  /**
   * Sampled equity, oldest first: a new array at each sample, the same one between samples, so a transport can
   * tell that the curve did not change and leave it out.
   */
  curve: readonly number[] = Object.freeze([]);
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
  /** What differs between the live journal and ledger and the live venues at startup: while not empty, nothing goes live. */
  liveReconciliation: Difference[] = [];
  /** Live venues not reconciled yet (not asked, or no answer), with why: while not empty, nothing goes live. */
  readonly liveUnreconciled = new Map<string, string>();
  /** Live venues asked at least once without an answer: the first silence is critical, a late answer is said so. */
  private readonly liveUnanswered = new Set<string>();
  readonly staleAfterMs: number;
  /** Critical integrity findings raised so far: any one keeps the break-even gate shut. */
  criticalFindings = 0;
  readonly killSwitch: KillSwitch;
  private readonly journal: Journal;
  private readonly risk: RiskLimits;
  private readonly riskView: RiskView;
  private readonly triggers: SafetyTriggers;
  private readonly promotion: BreakEvenGateRules;
  private readonly liveRisk: RiskView;
  /** Open orders sent to live gateways: their updates and cancels go there, their lines to the live journal. */
  private readonly liveOrderIds = new Set<string>();
  /** Live orders an earlier run left resting at a venue (by id, with the venue): cancelled on accept or kill. */
  private readonly leftLive = new Map<string, string>();
  /** The live journal as it was at start: its open orders and the ids it placed (which orders at a venue are ours). */
  private liveLinesAtStart: JournalLine[] = [];
  /** Live orders open at start that reconciliation found finished at the venue (and journaled so). */
  private readonly liveClosedSinceStart = new Set<string>();
  /** The live fills on record (journal, then each booked): a fill the venue reports again is never booked twice. */
  private liveFills = new BookedFills();
  /** Whether the live orders no gateway reaches were named already (reconciliation runs again on a late answer). */
  private unreachableNamed = false;
  /** Every execution venue, paper and live, and the ones behind each venue name. */
  private readonly allVenues: ExecutionVenue[] = [];
  private readonly venuesNamed = new Map<string, ExecutionVenue[]>();
  /** Engine times of the orders sent in the last second, oldest first (the order-rate limit). */
  private readonly orderTimes: number[] = [];
  private readonly curveEveryMs: number;

  /** Live orders the engine still routes (open ones only; the memory test keeps it bounded). */
  get liveOrdersTracked(): number {
    return this.liveOrderIds.size;
  }

  private readonly leadVenue: string;
  private nextCurveTs = 0;
  /** The earliest settlement among the funding clocks: before it, no clock needs looking at. */
  private nextFundingDue = Number.POSITIVE_INFINITY;
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
  /** Per instrument: the same asset's book on another venue and the signal they feed (found once, not per message). */
  private readonly signalPairs = new Map<string, { peer: string; leads: boolean; signal: BasisSignal }>();
  /** Each book's last mark and the mid it came from: the exact conversion is made only when the mid moves. */
  private readonly marks = new Map<string, { mid: number; mark: Fixed }>();
  /** Each instrument's key by venue and symbol, made once: a market message must not build and hash a new string. */
  private readonly keys = new Map<string, Map<string, string>>();
  /** Each position account's book and instrument, found once: risk walks the accounts on every order's way out. */
  private readonly accountLegs = new WeakMap<PositionAccount, { book?: OrderBook; inst?: Instrument }>();

  constructor(private readonly options: EngineOptions) {
    this.clock = options.clock;
    this.mode = options.mode;
    this.liveAllowed = options.liveAllowed;
    this.journal = options.journal;
    this.risk = { ...defaultRiskLimits, ...options.risk };
    const safety = { ...defaultSafety, ...options.safety };
    this.promotion = options.promotion ?? defaultPromotionGate;
    this.triggers = new SafetyTriggers(safety);
    this.killSwitch = new KillSwitch(
      {
        openOrders: () => this.orders.openOrders(),
        cancel: (venue, id) => this.cancelOrder(venue, id),
        positions: () =>
          this.strategies.flatMap((rt) =>
            this.ledgerOf(rt.mode)
              .accountsList()
              .filter((a) => a.strategy === rt.strategy.name && a.qty !== ZERO)
              .map((a) => ({ strategy: a.strategy, venue: a.venue, symbol: a.symbol, qty: a.qty })),
          ),
        book: (venue, symbol) => this.books.get(key(venue, symbol)),
        instrument: (venue, symbol) => this.instruments.get(key(venue, symbol)),
        placeExit: (strategy, intent) => {
          const rt = this.runtime(strategy);
          if (rt) this.place(rt, intent, 'reduce-only');
        },
        hasOpenOrder: (strategy, venue, symbol) =>
          this.orders.openOrders(strategy).some((o) => o.venue === venue && o.symbol === symbol),
        alert: (severity, message) => this.alert(severity, 'kill switch', message),
      },
      safety,
    );
    this.riskView = this.riskViewOf(this.ledger);
    this.liveRisk = this.riskViewOf(this.liveLedger);
    this.staleAfterMs = options.staleAfterMs ?? 5_000;
    this.curveEveryMs = options.curveEveryMs ?? 5_000;
    this.leadVenue = options.leadVenue ?? 'binance';
    this.signalHub = options.signalHub;
    this.integrityEveryMs = options.integrity?.everyMs ?? 1_000;
    this.haltOnCritical = options.integrity?.haltOnCritical ?? options.mode === 'live';
    for (const inst of options.instruments) {
      const k = key(inst.venue, inst.symbol);
      let bySymbol = this.keys.get(inst.venue);
      if (!bySymbol) this.keys.set(inst.venue, (bySymbol = new Map()));
      bySymbol.set(inst.symbol, k);
      this.instruments.set(k, inst);
      this.books.set(k, new OrderBook(inst.venue, inst.symbol));
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
      venue.setListener({
        onFill: (f) => this.onFill(f, this.mode),
        onOrderUpdate: (u) => this.onOrderUpdate(u),
      });
    }
    for (const venue of options.liveVenues?.values() ?? [])
      venue.setListener({
        onFill: (f) => this.onFill(f, 'live'),
        onOrderUpdate: (u) => this.onOrderUpdate(u),
      });
    // Paper and live venues of one name see the same market data: found once here, not per message.
    for (const venue of [...options.venues, ...(options.liveVenues?.values() ?? [])]) {
      this.allVenues.push(venue);
      const named = this.venuesNamed.get(venue.name) ?? [];
      named.push(venue);
      this.venuesNamed.set(venue.name, named);
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
  restore(lines: JournalLine[], liveLines: JournalLine[] = []): void {
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
    } else this.rebook(lines, this.mode);
    // The live ledger starts at zero cash: it carries the real money's PnL, not the venue's balance.
    if (this.mode !== 'live') this.rebook(liveLines, 'live');
    this.liveLinesAtStart = liveLines;
    this.liveFills = BookedFills.of(liveLines);
    for (const venue of this.options.liveVenues?.values() ?? [])
      if (venue.accountState) this.liveUnreconciled.set(venue.name, `${venue.name} not asked yet`);
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
    const differences = reconcile(openOrdersInJournal(lines), positionsByInstrument(this.ledger), [
      ...this.venues.values(),
    ]);
    // Paper orders live in this process: a crash ended them, no venue holds them, so close them and say so.
    const lost = this.mode === 'paper' ? differences.filter((d) => d.kind === 'order-not-at-venue') : [];
    if (lost.length > 0) {
      this.alert(
        'warning',
        'reconcile',
        `paper orders lost with the last process, closed: ${lost.map((d) => d.orderId).join(', ')}`,
      );
      this.reconciliation = lost;
      this.acceptPaperState();
    }
    this.reconciliation = differences.filter((d) => !lost.includes(d));
    if (this.reconciliation.length === 0) return;
    this.alert(
      'critical',
      'reconcile',
      `trading held: local state differs from the venues: ${this.reconciliation.map((d) => d.message).join('; ')}; accept the venues' state to trade (A in the console, or ctl accept)`,
    );
  }

  /** Client order id → strategy of every order the live journal placed on a venue: what `accountState` asks about. */
  liveOrdersPlacedOn(venue: string): Map<string, string> {
    return ordersPlacedOn(this.liveLinesAtStart, venue);
  }

  /** The live journal's open orders on `venue` as they were at start: the venue is asked how each ended, and its fills. */
  liveOrdersToLookUp(venue: string): OrderToLookUp[] {
    return this.liveOpenOrders()
      .filter((o) => o.venue === venue)
      .map((o) => ({ orderId: o.orderId, symbol: o.symbol, ts: o.ts }));
  }

  /** The live journal's open orders: those open at start, less the ones reconciliation found finished since. */
  private liveOpenOrders(): JournaledOrder[] {
    return openOrdersInJournal(this.liveLinesAtStart).filter(
      (o) => !this.liveClosedSinceStart.has(o.orderId),
    );
  }

  /**
   * The live side after a restart, once live venues answered (`accountState`, or why they did not, and when they are
   * asked again): first the fills the venue made while the engine was down are booked (facts, not a judgement), then
   * the live journal's open orders and the live ledger's positions are compared with theirs. Any difference, or a
   * venue that did not answer, keeps every live order from going out until the operator accepts (paper goes on).
   * Called again with a venue's late answer: only that venue's differences are replaced.
   */
  reconcileLive(answers: Map<string, VenueAccountState | { error: string; retryInMs?: number }>): void {
    const states = new Map<string, VenueAccountState>();
    for (const [venue, answer] of answers) {
      if ('error' in answer) {
        const first = !this.liveUnanswered.has(venue);
        this.liveUnanswered.add(venue);
        this.liveUnreconciled.set(
          venue,
          `${venue} did not say what it holds: ${answer.error}${answer.retryInMs ? ` (asking again in ${answer.retryInMs / 1000} s)` : ''}`,
        );
        this.alert(
          first ? 'critical' : 'warning',
          'reconcile',
          `live trading held: ${venue} did not say which orders and positions it holds (${answer.error}); ${
            answer.retryInMs
              ? `asking again in ${answer.retryInMs / 1000} s, then less often (at most every 60 s) until it answers`
              : 'restart with --live to ask again'
          }`,
        );
        continue;
      }
      const late = this.liveUnanswered.delete(venue);
      this.liveUnreconciled.delete(venue);
      states.set(venue, answer);
      for (const o of answer.orders) this.leftLive.set(o.orderId, venue);
      if (answer.foreignOrders > 0)
        this.alert(
          'info',
          'reconcile',
          `${venue}: ${answer.foreignOrders} open order(s) on the account were not placed by tradedesk (client ids not in the live journal): left alone`,
        );
      this.bookWhileAway(venue, answer);
      if (late)
        this.alert('info', 'reconcile', `${venue} answered at last: its orders and positions compared`);
    }
    const open = this.liveOpenOrders();
    this.liveReconciliation = [
      ...this.liveReconciliation.filter((d) => !states.has(d.venue)),
      ...reconcileLive(open, positionsByInstrument(this.liveLedger), states),
    ];
    const unreachable = open.filter((o) => !this.options.liveVenues?.has(o.venue));
    if (unreachable.length > 0 && !this.unreachableNamed) {
      this.unreachableNamed = true;
      this.alert(
        'warning',
        'reconcile',
        `the live journal shows ${describeLiveOrders(unreachable)}, and no live gateway reaches them (no keys for the venue, or it did not connect): they cannot be reconciled`,
      );
    }
    const found = this.liveReconciliation.filter((d) => states.has(d.venue));
    if (found.length === 0) return;
    this.alert(
      'critical',
      'reconcile',
      `live trading held: the live journal differs from the venues: ${found.map((d) => d.message).join('; ')}; accept the venues' state to cancel what only rests there and promote again (A in the console, or ctl accept); paper trading goes on`,
    );
  }

  /**
   * What a venue did with our live orders while the engine was down: each fill the live journal lacks is journaled and
   * booked as a streamed one would be (its price, fee and fee currency), and orders it finished are journaled finished.
   */
  private bookWhileAway(venue: string, answer: VenueAccountState): void {
    const fresh = this.liveFills.notBooked(answer.fills ?? []);
    for (const fill of fresh) this.bookFill(fill, true, undefined, 'live');
    const open = new Set(this.liveOpenOrders().map((o) => o.orderId));
    for (const closed of answer.closedOrders ?? []) {
      if (!open.has(closed.orderId)) continue;
      this.liveClosedSinceStart.add(closed.orderId);
      this.journalOf('live').append({
        type: 'orderUpdate',
        ts: this.clock.now(),
        orderId: closed.orderId,
        status: closed.status,
        filledQty: closed.filled,
        reason: `reconciled: ${closed.status} at ${venue} while the engine was down`,
      });
    }
    if (fresh.length === 0) return;
    const byOrder = new Map<string, Fixed>();
    for (const f of fresh) byOrder.set(f.orderId, (byOrder.get(f.orderId) ?? ZERO) + f.qty);
    this.alert(
      'warning',
      'reconcile',
      `${venue}: ${fresh.length} live fill(s) made while the engine was down booked from the venue's record (its prices and fees): ${[
        ...byOrder,
      ]
        .map(([id, qty]) => `${id} (${str(qty)})`)
        .join(', ')}`,
    );
  }

  /** Why no live order may go out now, or null. */
  liveHold(): string | null {
    if (this.liveUnreconciled.size > 0)
      return `live orders and positions not reconciled: ${[...this.liveUnreconciled.values()].join('; ')}`;
    if (this.liveReconciliation.length > 0)
      return `the live journal differs from the venues (${this.liveReconciliation.length} difference(s), see alerts): accept the venues' state first (A, or ctl accept)`;
    return null;
  }

  /** Accept whatever is held: the paper side's differences, then the live side's. */
  private acceptVenueState(): CommandResult {
    if (this.reconciliation.length === 0 && this.liveReconciliation.length > 0) return this.acceptLiveState();
    const paper = this.acceptPaperState();
    if (!paper.ok || this.liveReconciliation.length === 0) return paper;
    const live = this.acceptLiveState();
    return live.ok ? { ok: true, message: `${paper.message}; ${live.message}` } : live;
  }

  /** The live venues' word, on the live journal and ledger: resting orders cancelled there, positions adopted. */
  private acceptLiveState(): CommandResult {
    const result = acceptVenueState(this.liveReconciliation, {
      now: this.clock.now(),
      journal: this.journalOf('live'),
      venues: this.options.liveVenues ?? new Map(),
      mid: (venue, symbol) => this.midOf(venue, symbol),
      owner: (venue, symbol) => this.ownerOf(venue, symbol),
      quote: (venue, symbol) => this.instruments.get(key(venue, symbol))!.quote,
      nextOrderId: () => this.orders.nextId('reconcile'),
      bookFill: (fill) => this.bookFill(fill, true, undefined, 'live'),
    });
    if (!result.ok) return result;
    this.liveReconciliation = [];
    const message = `live ${result.message}`;
    this.alert('info', 'reconcile', `${message}: strategies may be promoted again`);
    return { ok: true, message };
  }

  private ownerOf(venue: string, symbol: string): string {
    return (
      this.strategies.find((rt) => rt.strategy.legs.some((l) => l.venue === venue && l.symbol === symbol))
        ?.strategy.name ?? 'reconcile'
    );
  }

  /** The operator takes the venues' word (reconcile.ts): orphaned orders cancelled, positions adopted, hold lifted. */
  private acceptPaperState(): CommandResult {
    const result = acceptVenueState(this.reconciliation, {
      now: this.clock.now(),
      journal: this.journal,
      venues: this.venues,
      mid: (venue, symbol) => this.midOf(venue, symbol),
      owner: (venue, symbol) => this.ownerOf(venue, symbol),
      quote: (venue, symbol) => this.instruments.get(key(venue, symbol))!.quote,
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
    const k = this.keyOf(venue, symbol);
    const book = k === undefined ? undefined : this.books.get(k);
    if (!book?.ready) return null;
    return exactMid(book.mid, this.instruments.get(k!)!);
  }

  /** Book a journal's money lines again, without journaling them twice. */
  private rebook(lines: JournalLine[], mode: Mode): void {
    const audited = mode === this.mode;
    for (const { record: r } of lines) {
      const type = r.type ?? 'fill';
      if (type === 'deposit') {
        this.ledgerOf(mode).deposit(String(r.venue), String(r.currency), fx(String(r.amount)));
        if (audited) this.integrity.onDeposit(String(r.venue), String(r.currency), fx(String(r.amount)));
      } else if (type === 'order') {
        if (typeof r.decisionPrice === 'string')
          this.decisionPrices.set(String(r.orderId), fx(r.decisionPrice));
        const n = /-(\d+)$/.exec(String(r.orderId));
        if (n) this.orders.resumeAfter(Number(n[1]));
      } else if (type === 'orderUpdate') this.decisionPrices.delete(String(r.orderId));
      else if (type === 'fill')
        this.bookFill(
          journalFill(r),
          false,
          typeof r.feeQuote === 'string' ? fx(r.feeQuote) : undefined,
          mode,
        );
      else if (type === 'funding')
        this.bookFunding(
          String(r.strategy),
          String(r.venue),
          String(r.symbol),
          fx(String(r.amount)),
          r,
          false,
          0,
          mode,
        );
    }
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
    for (const v of this.allVenues) v.advance(now);
    if (now >= this.nextFundingDue) {
      this.nextFundingDue = Number.POSITIVE_INFINITY;
      for (const [k, f] of this.funding) {
        if (f.nextFundingTs <= now) {
          this.settleFunding(k, f);
          f.nextFundingTs = Number.POSITIVE_INFINITY;
        }
        this.nextFundingDue = Math.min(this.nextFundingDue, f.nextFundingTs);
      }
    }
    if (now >= this.nextStaleCheck) {
      this.checkStale(now);
      this.checkSafety(now);
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

  private legOfAccount(acc: PositionAccount): { book?: OrderBook; inst?: Instrument } {
    let leg = this.accountLegs.get(acc);
    if (!leg) {
      const k = key(acc.venue, acc.symbol);
      leg = { book: this.books.get(k), inst: this.instruments.get(k) };
      this.accountLegs.set(acc, leg);
    }
    return leg;
  }

  /** The key of an instrument the engine trades, or undefined. */
  private keyOf(venue: string, symbol: string): string | undefined {
    return this.keys.get(venue)?.get(symbol);
  }

  onMarket(ev: MarketEvent): void {
    this.advance(ev.ts);
    const k = this.keyOf(ev.venue, ev.symbol);
    if (k === undefined) return;
    const book = this.books.get(k)!;
    // The book's own venue string, not the message's: its hash is worked out once, not per message.
    this.lastData.set(book.venue, ev.ts);
    this.lastData.set(k, ev.ts);
    if (ev.kind === 'book') {
      if (ev.snapshot) book.applySnapshot(ev.bids, ev.asks, ev.seq, ev.ts);
      else book.applyDiff(ev.bids, ev.asks, ev.seq, ev.ts);
      this.integrity.onMarket(ev, book, this.reportFinding);
      for (const v of this.venuesNamed.get(ev.venue) ?? NO_VENUES) v.onBook(book, ev);
      this.updateSignal(k, book);
    } else {
      this.integrity.onMarket(ev, book, this.reportFinding);
      if (ev.kind === 'trade') for (const v of this.venuesNamed.get(ev.venue) ?? NO_VENUES) v.onTrade(ev);
      else this.onFundingRate(k, ev);
    }
    // Features and forecasts first, so a strategy decides on the forecast that includes this event.
    this.signalHub?.onMarket(ev, book);
    if (ev.kind === 'book') this.decideFor(k);
    // The tick's orders are out: hash the journals' last lines now, not on the next order's way out.
    this.journal.settle();
    this.options.liveJournal?.settle();
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

  /** The kill switch's own work (retries, flatten) and its automatic triggers. */
  private checkSafety(now: number): void {
    this.killSwitch.tick(now);
    if (this.state === 'HALTED' || this.fills === 0) return;
    this.refreshMarks();
    const dataAgeMs = new Map<string, number>();
    for (const venue of this.venues.keys()) {
      const t = this.lastData.get(venue);
      if (t !== undefined) dataAgeMs.set(venue, now - t);
    }
    const hedgeGaps = new Map<string, number>();
    for (const rt of this.strategies) {
      if (!rt.strategy.hedged) continue;
      let gap = 0;
      for (const leg of rt.strategy.legs) {
        const acc = this.ledger.account(
          rt.strategy.name,
          leg.venue,
          leg.symbol,
          this.instruments.get(key(leg.venue, leg.symbol))!.quote,
        );
        gap += toNumber(mul(acc.qty, acc.mark));
      }
      hedgeGaps.set(rt.strategy.name, gap);
    }
    const reason = this.triggers.check({ now, equity: toNumber(this.ledger.equity()), dataAgeMs, hedgeGaps });
    if (reason) this.kill(reason);
  }

  /** Risk's view of one ledger's positions and balances (paper and live are checked against their own). */
  private riskViewOf(ledger: Ledger): RiskView {
    // Instruments the engine trades are found by venue then symbol, with no key string built on an order's way out.
    const keyOf = (venue: string, symbol: string) => this.keyOf(venue, symbol) ?? key(venue, symbol);
    const mid = (venue: string, symbol: string) => {
      const book = this.books.get(keyOf(venue, symbol));
      return book?.ready ? book.mid : undefined;
    };
    return {
      position: (venue, symbol) => {
        let total = ZERO;
        for (const acc of ledger.accountsList())
          if (acc.venue === venue && acc.symbol === symbol) total += acc.qty;
        return toNumber(total);
      },
      mid,
      instrument: (venue, symbol) => this.instruments.get(keyOf(venue, symbol)),
      exposure: (asset) => this.exposure(ledger, asset),
      venueMargin: (venue) =>
        this.venueMargin(
          ledger,
          venue,
          ledger === this.liveLedger ? this.options.liveVenues?.get(venue)?.balances : undefined,
        ),
      ordersLastSecond: () => {
        const since = this.clock.now() - 1_000;
        while (this.orderTimes.length > 0 && this.orderTimes[0] <= since) this.orderTimes.shift();
        return this.orderTimes.length;
      },
    };
  }

  private ledgerOf(mode: Mode): Ledger {
    return mode === this.mode ? this.ledger : this.liveLedger;
  }

  private journalOf(mode: Mode): Journal {
    if (mode === this.mode) return this.journal;
    if (!this.options.liveJournal) throw new Error('no live journal: live trading is not set up');
    return this.options.liveJournal;
  }

  private cancelOrder(venue: string, clientOrderId: string): void {
    const gateway = this.liveOrderIds.has(clientOrderId)
      ? this.options.liveVenues?.get(venue)
      : this.venues.get(venue);
    gateway?.cancel(clientOrderId, this.clock.now());
  }

  private exposure(ledger: Ledger, asset: string): { net: number; gross: number } {
    let net = 0;
    let gross = 0;
    for (const acc of ledger.accountsList()) {
      if (acc.qty === ZERO || this.legOfAccount(acc).inst?.base !== asset) continue;
      const mid = this.midOr(acc);
      const q = toNumber(acc.qty);
      net += q * mid;
      gross += Math.abs(q) * mid;
    }
    return { net, gross };
  }

  private midOr(acc: PositionAccount): number {
    const book = this.legOfAccount(acc).book;
    return book?.ready ? book.mid : toNumber(acc.mark);
  }

  /** Equity for margin: the venue's reported balances where it gives them (live), else the ledger's cash. */
  private venueMargin(
    ledger: Ledger,
    venue: string,
    reported?: ReadonlyMap<string, number>,
  ): { equity: number; grossNotional: number } {
    let equity = 0;
    if (reported) {
      const quotes = new Set(
        [...this.instruments.values()].filter((i) => i.venue === venue).map((i) => i.quote),
      );
      for (const [currency, amount] of reported) if (quotes.has(currency)) equity += amount;
    } else {
      const prefix = `${venue}:`;
      for (const [k, v] of ledger.cashBalances()) if (k.startsWith(prefix)) equity += toNumber(v);
    }
    let grossNotional = 0;
    for (const acc of ledger.accountsList()) {
      if (acc.venue !== venue || acc.qty === ZERO) continue;
      const mid = this.midOr(acc);
      const q = toNumber(acc.qty);
      equity += q * mid;
      grossNotional += Math.abs(q) * mid;
    }
    return { equity, grossNotional };
  }

  private updateSignal(instrumentKey: string, book: OrderBook): void {
    const pair = this.signalPairs.get(instrumentKey);
    if (!pair || !book.ready) return;
    const other = this.books.get(pair.peer)!;
    if (!other.ready) return;
    if (pair.leads) pair.signal.update(book.mid, other.mid, book.ts);
    else pair.signal.update(other.mid, book.mid, book.ts);
  }

  private decideFor(instrumentKey: string): void {
    const runtimes = this.byInstrument.get(instrumentKey);
    if (!runtimes || this.reconciliation.length > 0) return;
    // HALTED: strategies stop deciding; only the kill switch's verified reduce-only exits go out.
    if (this.state === 'HALTED') return;
    for (const rt of runtimes) {
      if (rt.state === 'PAUSED' || rt.state === 'HALTED') continue;
      const deciding: DecidingState =
        rt.state === 'REDUCING' || this.state === 'REDUCING' ? 'REDUCING' : 'RUNNING';
      rt.deciding = deciding;
      const intents = rt.strategy.decide(rt.context);
      for (const intent of intents) this.place(rt, intent, deciding === 'REDUCING' ? 'reducing' : 'any');
    }
  }

  private contextFor(rt: StrategyRuntime): StrategyContext {
    const name = rt.strategy.name;
    const clock = this.clock;
    // Strategies ask for the same few legs on every tick: each leg's book, instrument and account are found
    // once and kept (books, instruments and accounts live as long as the engine), not looked up by key again.
    const legs = new Map<string, Map<string, LegLookup>>();
    const legOf = (venue: string, symbol: string): LegLookup => {
      let bySymbol = legs.get(venue);
      if (!bySymbol) legs.set(venue, (bySymbol = new Map()));
      let leg = bySymbol.get(symbol);
      if (!leg) {
        const k = this.keyOf(venue, symbol) ?? key(venue, symbol);
        leg = { key: k, book: this.books.get(k), inst: this.instruments.get(k) };
        bySymbol.set(symbol, leg);
      }
      return leg;
    };
    return {
      get now() {
        return clock.now();
      },
      get state() {
        return rt.deciding;
      },
      staleAfterMs: this.staleAfterMs,
      book: (venue, symbol) => legOf(venue, symbol).book,
      instrument: (venue, symbol) => legOf(venue, symbol).inst!,
      position: (venue, symbol) => {
        const leg = legOf(venue, symbol);
        // A promoted or demoted strategy books on the other ledger: its account there is found once too.
        const ledger = this.ledgerOf(rt.mode);
        if (leg.ledger !== ledger) {
          leg.ledger = ledger;
          leg.account = ledger.account(name, venue, symbol, leg.inst!.quote);
        }
        return toNumber(leg.account!.qty);
      },
      openOrders: () => this.orders.openOrders(name),
      dataAgeMs: (venue, symbol) => {
        const t = this.lastData.get(legOf(venue, symbol).key);
        return t === undefined ? Number.POSITIVE_INFINITY : clock.now() - t;
      },
    };
  }

  private place(rt: StrategyRuntime, intent: OrderIntent, gate: RiskGate): void {
    const live = rt.mode !== this.mode;
    const denial = checkOrder(intent, this.risk, live ? this.liveRisk : this.riskView, gate);
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
    // Belt and braces: promotion is refused while the live side is held, but no live order slips out either way.
    const held = live ? this.liveHold() : null;
    if (held) {
      rt.denial = held;
      return;
    }
    rt.denial = null;
    const venue = live ? this.options.liveVenues?.get(intent.venue) : this.venues.get(intent.venue);
    if (!venue) return;
    const now = this.clock.now();
    const req = orderRequest(intent, this.orders.nextId(rt.strategy.name), rt.strategy.name);
    // Journal first: an order the venue may have seen is never unknown after a crash.
    this.journalOf(rt.mode).append({
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
    if (live) this.liveOrderIds.add(req.clientOrderId);
    this.orderTimes.push(now);
    this.decisionPrices.set(req.clientOrderId, fx(req.decisionPrice));
    venue.submit(req, now);
  }

  private onFill(fill: Fill, mode: Mode): void {
    this.bookFill(fill, true, undefined, mode);
    this.orders.recordFill(fill.orderId, toNumber(fill.qty), toNumber(fill.price));
  }

  private bookFill(fill: Fill, journal: boolean, recordedFeeQuote?: Fixed, mode: Mode = this.mode): void {
    const ledger = this.ledgerOf(mode);
    // The paper ledger's identities are checked against tallies kept apart; the live ledger is the venue's to check.
    const audited = ledger === this.ledger;
    const k = key(fill.venue, fill.symbol);
    const quote = this.instruments.get(k)?.quote ?? fill.feeCurrency;
    // A restart books the fee at the rate recorded on the fill's line, never at today's price.
    const { feeQuote, rate } =
      recordedFeeQuote !== undefined
        ? { feeQuote: recordedFeeQuote, rate: null }
        : feeInQuote(fill, this.instruments.get(k)?.base ?? '', quote, (c) =>
            this.rateIn(fill.venue, c, quote),
          );
    const decisionPrice = this.decisionPrices.get(fill.orderId);
    if (!journal) {
      ledger.applyFill(fill, quote, feeQuote, decisionPrice);
      if (audited) this.integrity.onFill(fill, quote, feeQuote);
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
      ...(fill.tradeId === undefined ? {} : { tradeId: fill.tradeId }),
    };
    // A fee not in the quote carries the rate it was converted at and the result, so any reader books the same.
    const conversion =
      fill.feeCurrency === quote
        ? {}
        : { feeRate: rate === null ? null : str(rate), feeQuote: feeQuote === null ? null : str(feeQuote) };
    // Journal first: a fill on disk is never lost, even if the process dies before the ledger moves.
    this.journalOf(mode).append({ type: 'fill', ...line, ...conversion, mode });
    if (mode === 'live') this.liveFills.add(fill);
    ledger.applyFill(fill, quote, feeQuote, decisionPrice);
    if (audited) this.integrity.onFill(fill, quote, feeQuote);
    this.fills += 1;
    this.emit({ type: 'fill', ...line, mode });
    // Refused loudly, at once: a fee we could not price is never guessed.
    if (feeQuote === null) {
      const k = `${fill.venue}:${fill.feeCurrency}`;
      const finding = this.integrity.raise(unconvertedFee(k, ledger.unconvertedFees().get(k)!));
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
    if (!order) return this.onLeftLiveUpdate(update);
    if (isTerminal(update.status)) this.decisionPrices.delete(update.clientOrderId);
    if (update.status === 'rejected' || update.status === 'cancelled' || update.status === 'filled') {
      this.journalOf(this.liveOrderIds.has(update.clientOrderId) ? 'live' : this.mode).append({
        type: 'orderUpdate',
        ts: update.ts,
        orderId: update.clientOrderId,
        status: update.status,
        filledQty: String(update.filledQty),
        reason: update.reason ?? null,
      });
    }
    // A finished live order needs no more routing: forget it, or the set grows with every order ever sent.
    if (!this.orders.get(update.clientOrderId)) this.liveOrderIds.delete(update.clientOrderId);
    if (update.status === 'rejected')
      this.alert(
        'warning',
        order.venue,
        `order ${order.clientOrderId} rejected: ${update.reason ?? 'no reason given'}`,
      );
  }

  /** An order an earlier run left resting at a live venue finished (cancelled on accept, or filled): journal it live. */
  private onLeftLiveUpdate(update: OrderUpdate): void {
    if (!this.leftLive.has(update.clientOrderId) || !isTerminal(update.status)) return;
    this.leftLive.delete(update.clientOrderId);
    this.journalOf('live').append({
      type: 'orderUpdate',
      ts: update.ts,
      orderId: update.clientOrderId,
      status: update.status,
      filledQty: String(update.filledQty),
      reason: update.reason ?? 'reconciled: left resting at the venue by the last run',
    });
  }

  private onFundingRate(k: string, ev: FundingRateEvent): void {
    this.funding.set(k, { rate: ev.rate, nextFundingTs: ev.nextFundingTs, markPrice: ev.markPrice });
    this.nextFundingDue = Math.min(this.nextFundingDue, ev.nextFundingTs);
  }

  private settleFunding(k: string, f: FundingClock): void {
    const inst = this.instruments.get(k)!;
    const rate = fx(f.rate);
    const mark = fx(String(f.markPrice));
    for (const mode of this.options.liveJournal ? [this.mode, 'live' as const] : [this.mode]) {
      for (const acc of this.ledgerOf(mode).accountsList()) {
        if (acc.venue !== inst.venue || acc.symbol !== inst.symbol || acc.qty === ZERO) continue;
        // Positive rate: longs pay shorts.
        const amount = roundTo(-mul(mul(acc.qty, mark), rate), 8);
        const record = { rate: f.rate, qty: str(acc.qty), markPrice: str(mark) };
        this.bookFunding(acc.strategy, acc.venue, acc.symbol, amount, record, true, f.nextFundingTs, mode);
      }
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
    mode: Mode = this.mode,
  ): void {
    const quote = this.instruments.get(key(venue, symbol))?.quote ?? 'USD';
    const rate = fx(String(r.rate ?? '0'));
    if (mode === this.mode) this.integrity.onFunding(venue, quote, amount);
    this.ledgerOf(mode).applyFunding(
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
    this.journalOf(mode).append({
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
      mode,
    });
    this.emit({ type: 'funding', ts, venue, symbol, amount: str(amount), rate: String(r.rate) });
  }

  /** Bring every position's mark to its book's mid (lazily: only when someone looks). */
  refreshMarks(): void {
    for (const [k, book] of this.books) {
      if (!book.ready) continue;
      const inst = this.instruments.get(k)!;
      const mid = book.mid;
      let cached = this.marks.get(k);
      if (cached?.mid !== mid) {
        const mark = exactMid(mid, inst);
        this.marks.set(k, (cached = { mid, mark }));
      }
      const mark = cached.mark;
      this.ledger.mark(inst.venue, inst.symbol, mark);
      this.liveLedger.mark(inst.venue, inst.symbol, mark);
    }
  }

  private sampleCurve(): void {
    this.refreshMarks();
    const equity = this.ledger.equity();
    this.performance.sample(this.ledger, this.clock.now());
    this.curve = Object.freeze([...this.curve.slice(1 - MAX_CURVE), toNumber(equity)]);
  }

  alert(severity: Severity, source: string, message: string): void {
    if (severity === 'critical' && source === 'integrity') this.criticalFindings += 1;
    message = redact(message);
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
    const open = this.orders.openOrders(strategy);
    for (const o of open) this.cancelOrder(o.venue, o.clientOrderId);
    // Every order means the live ones the last run left resting too: K and q cancel them, accepted or not.
    return open.length + (strategy === undefined ? this.cancelLeftLive() : 0);
  }

  /** Live orders the last run left resting at a venue, not yet cancelled or finished: open orders of ours too. */
  get ordersLeftAtVenues(): number {
    return this.leftLive.size;
  }

  private cancelLeftLive(): number {
    for (const [id, venue] of this.leftLive)
      this.options.liveVenues?.get(venue)?.cancel(id, this.clock.now());
    return this.leftLive.size;
  }

  /** KILL: cancel everything (retrying), halt every strategy, persist HALTED; flatten when configured. */
  kill(reason: string): CommandResult {
    for (const rt of this.strategies) this.setStrategyState(rt, 'HALTED', reason);
    this.setState('HALTED', reason);
    this.options.onKillStateChange?.(true);
    // Live orders the last run left resting are open orders on a venue too: the kill cancels them.
    const cancelled = this.killSwitch.engage(this.clock.now()) + this.cancelLeftLive();
    this.alert(
      'critical',
      'engine',
      `KILL SWITCH: ${reason}; ${cancelled} open order${cancelled === 1 ? '' : 's'} cancelled, all strategies HALTED`,
    );
    return { ok: true, message: `HALTED: ${cancelled} order(s) cancelled` };
  }

  /** The break-even gate on a strategy's paper record. */
  gate(rt: StrategyRuntime): ReturnType<typeof judgeBreakEven> {
    const t = this.ledger.totals((a) => a.strategy === rt.strategy.name);
    return judgeBreakEven(
      {
        trades: t.trades,
        netPnl: toNumber(t.net),
        maxDrawdown: toNumber(rt.stats.maxDrawdown),
        criticalFindings: this.criticalFindings,
      },
      this.promotion,
    );
  }

  /** Paper → live: only with --live and a live gateway, through the gate, with the strategy's name typed back. */
  private promote(name: string, confirm: string | undefined): CommandResult {
    const rt = this.runtime(name);
    if (!rt) return { ok: false, message: `no strategy named ${name}` };
    if (rt.mode === 'live') return { ok: false, message: `${name} is already LIVE` };
    const verdict = this.gate(rt);
    if (!this.liveAllowed)
      return { ok: false, message: `promotion needs --live: ${name} stays PAPER. ${verdict.message}` };
    const live = this.options.liveVenues;
    const missing = rt.strategy.legs.filter((l) => !live?.has(l.venue)).map((l) => l.venue);
    if (missing.length > 0)
      return {
        ok: false,
        message: `no live credentials for ${missing.join(', ')}: ${name} stays PAPER. ${verdict.message}`,
      };
    const held = this.liveHold();
    if (held) return { ok: false, message: `${name} stays PAPER: ${held}` };
    if (!verdict.ok) return { ok: false, message: `${name} stays PAPER: ${verdict.message}` };
    if (confirm === undefined)
      return { ok: true, message: `${verdict.message}. Type ${name} to trade it with real money.` };
    if (confirm !== name)
      return {
        ok: false,
        message: `confirmation "${confirm}" is not the strategy's name: ${name} stays PAPER`,
      };
    this.cancelAll(name);
    rt.mode = 'live';
    this.journal.append({
      type: 'mode',
      ts: this.clock.now(),
      strategy: name,
      from: 'paper',
      to: 'live',
      gate: verdict.message,
    });
    this.alert('warning', 'engine', `${name} promoted to LIVE: ${verdict.message}`);
    return { ok: true, message: `${name} is LIVE` };
  }

  private runtime(name: string): StrategyRuntime | undefined {
    return this.strategies.find((s) => s.strategy.name === name);
  }

  command(cmd: Command): CommandResult {
    switch (cmd.type) {
      case 'kill':
        return this.kill('kill switch');
      case 'rearm': {
        if (this.state === 'ACTIVE') return { ok: false, message: 'not halted: trading is ACTIVE' };
        this.killSwitch.disengage();
        this.refreshMarks();
        this.triggers.reset(toNumber(this.ledger.equity()));
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
      case 'reduce': {
        if (this.state === 'HALTED') return { ok: false, message: 'HALTED: re-arm first' };
        if (cmd.strategy === undefined) {
          this.setState('REDUCING', 'reducing by operator');
          return { ok: true, message: 'REDUCING: only exposure-reducing orders' };
        }
        const rt = this.runtime(cmd.strategy);
        if (!rt) return { ok: false, message: `no strategy named ${cmd.strategy}` };
        if (rt.state === 'HALTED')
          return { ok: false, message: `${rt.strategy.name} is HALTED: re-arm first` };
        this.setStrategyState(rt, 'REDUCING', 'reducing by operator');
        return { ok: true, message: `${rt.strategy.name} REDUCING` };
      }
      case 'promote':
        return this.promote(cmd.strategy, cmd.confirm);
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

/** What a strategy's context keeps about one leg it asks for. */
interface LegLookup {
  key: string;
  book: OrderBook | undefined;
  inst: Instrument | undefined;
  ledger?: Ledger;
  account?: PositionAccount;
}

/** A mid as an exact price, one decimal finer than the venue's tick (at most 12). */
function exactMid(mid: number, inst: Instrument): Fixed {
  return fixedOf(mid, Math.min(inst.priceDecimals + 1, 12));
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
    ...(r.tradeId === undefined ? {} : { tradeId: String(r.tradeId) }),
  };
}

/** Live orders the journal holds open, named for an alert: "2 open live order(s) on binance: arb-btc-7 (…), …". */
export function describeLiveOrders(orders: JournaledOrder[]): string {
  const venues = [...new Set(orders.map((o) => o.venue))];
  return `${orders.length} open live order(s) on ${venues.join(', ')}: ${orders
    .map((o) => `${o.orderId} (${o.strategy}: ${o.side} ${o.qty} ${o.symbol} on ${o.venue})`)
    .join(', ')}`;
}

/** Net position per instrument key across a ledger's strategies: what reconciliation compares with a venue's. */
function positionsByInstrument(ledger: Ledger): Map<string, Fixed> {
  const positions = new Map<string, Fixed>();
  for (const acc of ledger.accountsList()) {
    const k = key(acc.venue, acc.symbol);
    positions.set(k, (positions.get(k) ?? ZERO) + acc.qty);
  }
  return positions;
}
