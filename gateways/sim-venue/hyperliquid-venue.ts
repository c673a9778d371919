// Hyperliquid's side of the loopback: its perp universe, price and size rules, order answers, and the account
// views (clearinghouse state, fills, orders) it builds over the SimExchange, in Hyperliquid's own shapes.
import { amountText, type Instrument } from '../../source/core/instrument.ts';
import type { TradeEvent } from '../../source/core/market-events.ts';
import { ZERO, abs, div, fx, mul, roundTo, str, type Fixed } from '../../source/core/money.ts';
import type { Fill } from '../../source/core/trading.ts';
import { Ledger } from '../../source/engine/ledger.ts';
import { HYPERLIQUID_INTEREST_PER_HOUR, simAssetSpec } from '../sim/instruments.ts';
import { OrderRejected, type SimExchange, type VenueFill, type VenueOrder } from './sim-exchange.ts';

export const VENUE = 'hyperliquid';
const QUOTE = 'USDC';
const MAX_DECIMALS = 6;
const SIG_FIGS = 5;
const MIN_ORDER_VALUE = 10;
const DEFAULT_LEVERAGE = 20;
const BOOK_LEVELS = 20;
const DAY_MS = 86_400_000;
/** Hyperliquid's max leverage for the simulated coins; others get a conservative 10. */
const MAX_LEVERAGE: Readonly<Record<string, number>> = { BTC: 40, ETH: 25, SOL: 20 };
/** Public trade ids live above every account fill id, so the two never collide. */
const PUBLIC_TID_BASE = 1_000_000_000_000;
const CLOID_RE = /^0x[0-9a-fA-F]{32}$/;
const ZERO_USER = '0x0000000000000000000000000000000000000000';

export interface HlCoin {
  name: string;
  /** Perp asset index: the coin's position in meta.universe. */
  asset: number;
  inst: Instrument;
  szDecimals: number;
  maxLeverage: number;
  /** Synthetic: the size of one resting order, to tell how many orders (n) make a level. */
  orderSize: number;
  /** Synthetic open interest of the rest of the market, in coins (about $2 bn at the start price). */
  baseOpenInterest: number;
}

export interface WireOrder {
  a: number;
  b: boolean;
  p: string;
  s: string;
  r: boolean;
  t: { limit?: { tif?: string }; trigger?: unknown };
  c?: string;
}

export type OrderStatusWire =
  | { resting: { oid: number; cloid?: string } }
  | { filled: { totalSz: string; avgPx: string; oid: number; cloid?: string } }
  | { error: string };

export interface HlFill {
  coin: string;
  px: string;
  sz: string;
  side: 'B' | 'A';
  time: number;
  startPosition: string;
  dir: string;
  closedPnl: string;
  hash: string;
  oid: number;
  crossed: boolean;
  fee: string;
  tid: number;
  cloid: string | null;
  feeToken: string;
  builderFee?: string;
}

export interface HlTrade {
  coin: string;
  side: 'B' | 'A';
  px: string;
  sz: string;
  time: number;
  hash: string;
  tid: number;
  users: [string, string];
}

export interface HlOrderUpdate {
  order: Record<string, unknown>;
  status: string;
  statusTimestamp: number;
}

/** What the transport pushes: account changes per user, public trades per coin. */
export interface VenueListener {
  onUserFill(user: string, fill: HlFill): void;
  onOrderUpdate(user: string, update: HlOrderUpdate): void;
  onTrade(coin: string, trade: HlTrade): void;
}

export interface FeeRates {
  /** The account's maker (add) rate, decimal string. */
  maker: string;
  /** The account's taker (cross) rate, decimal string. */
  taker: string;
}

class Account {
  readonly ledger = new Ledger();
  /** Oldest first. */
  readonly fills: HlFill[] = [];
  readonly orderIds: number[] = [];
  private readonly knownOrders = new Set<number>();
  lastTradeId = 0;
  readonly leverage = new Map<string, number>();
  /** Builder address → approved max fee, tenths of a basis point. */
  readonly builderApprovals = new Map<string, number>();
  referrer: string | null = null;

  constructor(readonly user: string) {}

  rememberOrder(oid: number): void {
    if (this.knownOrders.has(oid)) return;
    this.knownOrders.add(oid);
    this.orderIds.push(oid);
  }
}

/** Round to 5 significant figures and at most 6 − szDecimals decimals, as Hyperliquid prints prices. */
export function wirePx(price: number, szDecimals: number): string {
  if (!Number.isFinite(price)) return '0';
  const maxDp = Math.max(0, MAX_DECIMALS - szDecimals);
  const sig = Math.abs(price) >= 10 ** SIG_FIGS ? Math.round(price) : Number(price.toPrecision(SIG_FIGS));
  return trimZeros(sig.toFixed(maxDp));
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** Hyperliquid's price rule: ≤ 5 significant figures (integers always allowed) and ≤ 6 − szDecimals decimals. */
export function validPrice(p: string, szDecimals: number): boolean {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(p);
  if (!m) return false;
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > MAX_DECIMALS - szDecimals) return false;
  if (Number(p) <= 0) return false;
  if (frac.length === 0) return true;
  return (m[1] + frac).replace(/^0+/, '').length <= SIG_FIGS;
}

function sizeDecimalsOk(s: string, szDecimals: number): boolean {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(s);
  return m !== null && (m[2] ?? '').replace(/0+$/, '').length <= szDecimals;
}

/** Decimal string of a fixed-point amount, at most `dp` decimals, never "-0". */
function dec(x: Fixed, dp = 6): string {
  const s = str(roundTo(x, dp));
  return s === '-0' ? '0' : s;
}

function fakeHash(n: number): string {
  return `0x${n.toString(16).padStart(64, '0')}`;
}

function hlStatus(o: VenueOrder): string {
  switch (o.status) {
    case 'filled':
      return 'filled';
    case 'cancelled':
      return 'canceled';
    case 'rejected':
      return 'rejected';
    default:
      return 'open';
  }
}

function tifName(tif: VenueOrder['tif']): string {
  return tif === 'GTC' ? 'Gtc' : tif === 'IOC' ? 'Ioc' : 'Alo';
}

export class HyperliquidVenue {
  readonly coins: HlCoin[];
  private readonly byName = new Map<string, HlCoin>();
  private readonly bySymbol = new Map<string, HlCoin>();
  private readonly accounts = new Map<string, Account>();
  /** Builder fee per order id, tenths of a basis point, for maker fills that come later. */
  private readonly orderBuilderFee = new Map<number, number>();
  /** The builder fee of the order being placed: its taker fills arrive before its id is returned. */
  private placingBuilderFee = 0;
  private readonly recentTrades = new Map<string, HlTrade[]>();
  private readonly fundingHistory = new Map<
    string,
    { coin: string; fundingRate: string; premium: string; time: number }[]
  >();
  /** Public traded notional per coin and minute, for the rolling 24 h volume. */
  private readonly volumeByMinute = new Map<string, Map<number, number>>();
  private readonly prevDayPx = new Map<string, number>();
  private nextPublicTid = PUBLIC_TID_BASE;
  private readonly unsubscribe: (() => void)[] = [];
  private listener: VenueListener | null = null;

  constructor(
    readonly exchange: SimExchange,
    readonly fees: FeeRates,
  ) {
    this.coins = exchange.venueInstruments(VENUE).map((inst, asset) => {
      const spec = simAssetSpec(inst.base);
      return {
        name: inst.base,
        asset,
        inst,
        szDecimals: inst.amountDecimals,
        maxLeverage: MAX_LEVERAGE[inst.base] ?? 10,
        orderSize: spec.levelSize.typical / 5,
        baseOpenInterest: Math.round(2e9 / spec.startPrice),
      };
    });
    for (const c of this.coins) {
      this.byName.set(c.name, c);
      this.bySymbol.set(c.inst.symbol, c);
    }
    this.unsubscribe.push(
      exchange.onAccount((venue, account, ev) => {
        if (venue !== VENUE) return;
        if (ev.type === 'fill') this.onFill(account, ev.fill);
        else this.onOrder(account, ev.order);
      }),
      exchange.onMarket((ev) => {
        if (ev.venue !== VENUE) return;
        if (ev.kind === 'trade') this.onPublicTrade(ev);
        else if (ev.kind === 'fundingRate') {
          const coin = this.bySymbol.get(ev.symbol);
          if (!coin) return;
          const list = this.fundingHistory.get(coin.name) ?? [];
          list.push({ coin: coin.name, fundingRate: ev.rate, premium: premiumOf(ev.rate), time: ev.ts });
          if (list.length > 500) list.shift();
          this.fundingHistory.set(coin.name, list);
        }
      }),
    );
  }

  setListener(listener: VenueListener | null): void {
    this.listener = listener;
  }

  close(): void {
    for (const u of this.unsubscribe) u();
    this.unsubscribe.length = 0;
  }

  coin(name: string): HlCoin | undefined {
    return this.byName.get(name);
  }

  coinOfSymbol(symbol: string): HlCoin | undefined {
    return this.bySymbol.get(symbol);
  }

  /** The account of a user address (lowercase); `create` opens it on the SimExchange when new. */
  account(user: string, create = true): Account | undefined {
    const key = user.toLowerCase();
    let acc = this.accounts.get(key);
    if (acc || !create) return acc;
    acc = new Account(key);
    // Rebuild the account from the SimExchange: start cash is its cash with every fill it booked undone,
    // then the fills are booked again at this account's fee rates.
    const simFills = this.exchange.fills(VENUE, key);
    let start = this.exchange.balances(VENUE, key).get(QUOTE) ?? ZERO;
    for (const f of simFills) {
      const signed = f.side === 'buy' ? fx(f.qty) : -fx(f.qty);
      start += mul(signed, fx(f.price)) + fx(f.fee);
    }
    acc.ledger.deposit(VENUE, QUOTE, start);
    this.accounts.set(key, acc);
    for (const f of simFills) this.bookFill(acc, f, 0);
    for (const o of this.exchange.openOrders(VENUE, key)) acc.rememberOrder(o.orderId);
    return acc;
  }

  // ---- market views -------------------------------------------------------------------------------------

  mid(coin: HlCoin): number {
    return this.exchange.book(VENUE, coin.inst.symbol).mid;
  }

  markPx(coin: HlCoin): string {
    return wirePx(this.mid(coin), coin.szDecimals);
  }

  midPx(coin: HlCoin): string {
    const mid = this.mid(coin);
    return Number.isFinite(mid) ? trimZeros(mid.toFixed(MAX_DECIMALS - coin.szDecimals + 1)) : '0';
  }

  meta(): { universe: { szDecimals: number; name: string; maxLeverage: number }[] } {
    return {
      universe: this.coins.map((c) => ({
        szDecimals: c.szDecimals,
        name: c.name,
        maxLeverage: c.maxLeverage,
      })),
    };
  }

  assetCtx(coin: HlCoin): Record<string, unknown> {
    const book = this.exchange.book(VENUE, coin.inst.symbol);
    const funding = this.exchange.fundingOf(VENUE, coin.inst.symbol)?.rate ?? '0';
    const mid = book.mid;
    if (!this.prevDayPx.has(coin.name) && Number.isFinite(mid)) this.prevDayPx.set(coin.name, mid);
    let ownOi = ZERO;
    for (const acc of this.accounts.values())
      for (const p of acc.ledger.accountsList()) if (p.symbol === coin.inst.symbol) ownOi += abs(p.qty);
    let oracle = mid;
    try {
      oracle = this.exchange.market.fairPrice(coin.name);
    } catch {
      // an asset without a fair price is quoted at its own mid
    }
    return {
      funding,
      openInterest: amountText(coin.inst, coin.baseOpenInterest + Number(str(ownOi))),
      prevDayPx: wirePx(this.prevDayPx.get(coin.name) ?? mid, coin.szDecimals),
      dayNtlVlm: this.dayVolume(coin.name).toFixed(2),
      premium: premiumOf(funding),
      oraclePx: wirePx(oracle, coin.szDecimals),
      markPx: wirePx(mid, coin.szDecimals),
      midPx: this.midPx(coin),
      impactPxs: [String(book.bestBid), String(book.bestAsk)],
    };
  }

  metaAndAssetCtxs(): [ReturnType<HyperliquidVenue['meta']>, Record<string, unknown>[]] {
    return [this.meta(), this.coins.map((c) => this.assetCtx(c))];
  }

  allMids(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const c of this.coins) out[c.name] = this.midPx(c);
    return out;
  }

  /** Whole snapshot of up to 20 levels a side: Hyperliquid's l2Book shape. */
  l2Book(coin: HlCoin): { coin: string; time: number; levels: [unknown[], unknown[]] } {
    const book = this.exchange.book(VENUE, coin.inst.symbol);
    const side = (prices: number[], sizes: number[]) => {
      const n = Math.min(BOOK_LEVELS, prices.length);
      const out = new Array(n);
      for (let i = 0; i < n; i++)
        out[i] = {
          px: String(prices[i]),
          sz: amountText(coin.inst, sizes[i]),
          n: Math.max(1, Math.round(sizes[i] / coin.orderSize)),
        };
      return out;
    };
    return {
      coin: coin.name,
      time: book.ts,
      levels: [side(book.bids.prices, book.bids.sizes), side(book.asks.prices, book.asks.sizes)],
    };
  }

  recentPublicTrades(coin: string): HlTrade[] {
    return [...(this.recentTrades.get(coin) ?? [])];
  }

  fundingHistoryOf(coin: string, startTime: number, endTime?: number): unknown[] {
    return (this.fundingHistory.get(coin) ?? []).filter(
      (f) => f.time >= startTime && (endTime === undefined || f.time <= endTime),
    );
  }

  private dayVolume(coin: string): number {
    const byMinute = this.volumeByMinute.get(coin);
    if (!byMinute) return 0;
    const oldest = Math.floor((Date.now() - DAY_MS) / 60_000);
    let total = 0;
    for (const [minute, notional] of byMinute) {
      if (minute < oldest) byMinute.delete(minute);
      else total += notional;
    }
    return total;
  }

  private countVolume(coin: string, notional: number, ts: number): void {
    let byMinute = this.volumeByMinute.get(coin);
    if (!byMinute) this.volumeByMinute.set(coin, (byMinute = new Map()));
    const minute = Math.floor(ts / 60_000);
    byMinute.set(minute, (byMinute.get(minute) ?? 0) + notional);
  }

  private publishTrade(
    coin: HlCoin,
    side: 'B' | 'A',
    price: number,
    size: number,
    ts: number,
    users?: [string, string],
  ): void {
    const tid = this.nextPublicTid++;
    const trade: HlTrade = {
      coin: coin.name,
      side,
      px: String(price),
      sz: amountText(coin.inst, size),
      time: ts,
      hash: fakeHash(tid),
      tid,
      users: users ?? [ZERO_USER, ZERO_USER],
    };
    const list = this.recentTrades.get(coin.name) ?? [];
    list.push(trade);
    if (list.length > 50) list.shift();
    this.recentTrades.set(coin.name, list);
    this.countVolume(coin.name, price * size, ts);
    this.listener?.onTrade(coin.name, trade);
  }

  private onPublicTrade(ev: TradeEvent): void {
    const coin = this.bySymbol.get(ev.symbol);
    if (coin) this.publishTrade(coin, ev.side === 'buy' ? 'B' : 'A', ev.price, ev.size, ev.ts);
  }

  // ---- account views ------------------------------------------------------------------------------------

  leverageOf(acc: Account, coin: HlCoin): number {
    return acc.leverage.get(coin.name) ?? Math.min(DEFAULT_LEVERAGE, coin.maxLeverage);
  }

  clearinghouseState(user: string): Record<string, unknown> {
    const acc = this.account(user, false);
    const now = Date.now();
    const empty = { accountValue: '0.0', totalNtlPos: '0.0', totalRawUsd: '0.0', totalMarginUsed: '0.0' };
    if (!acc)
      return {
        marginSummary: empty,
        crossMarginSummary: empty,
        crossMaintenanceMarginUsed: '0.0',
        withdrawable: '0.0',
        assetPositions: [],
        time: now,
      };
    const s = this.summary(acc);
    const summary = {
      accountValue: dec(s.accountValue),
      totalNtlPos: dec(s.ntl),
      totalRawUsd: dec(s.cash),
      totalMarginUsed: dec(s.marginUsed),
    };
    return {
      marginSummary: summary,
      crossMarginSummary: summary,
      crossMaintenanceMarginUsed: dec(s.maintenance),
      withdrawable: dec(s.withdrawable),
      assetPositions: s.positions.map((p) => ({
        type: 'oneWay',
        position: {
          coin: p.coin.name,
          szi: dec(p.qty, p.coin.szDecimals),
          leverage: { type: 'cross', value: p.leverage },
          entryPx: dec(p.entry, MAX_DECIMALS),
          positionValue: dec(p.value),
          unrealizedPnl: dec(p.upnl),
          returnOnEquity: p.margin === ZERO ? '0' : dec(div(p.upnl, div(abs(p.cost), fx(p.leverage))), 8),
          liquidationPx: null,
          marginUsed: dec(p.margin),
          maxLeverage: p.coin.maxLeverage,
          cumFunding: { allTime: '0.0', sinceOpen: '0.0', sinceChange: '0.0' },
        },
      })),
      time: now,
    };
  }

  private summary(acc: Account) {
    const cash = acc.ledger.cashBalances().get(`${VENUE}:${QUOTE}`) ?? ZERO;
    let ntl = ZERO;
    let upnlTotal = ZERO;
    let marginUsed = ZERO;
    let maintenance = ZERO;
    let signedNtl = ZERO;
    const positions = [];
    for (const p of acc.ledger.accountsList()) {
      if (p.qty === ZERO) continue;
      const coin = this.bySymbol.get(p.symbol);
      if (!coin) continue;
      const mark = fx(this.markPx(coin));
      const leverage = this.leverageOf(acc, coin);
      const value = abs(mul(p.qty, mark));
      const upnl = mul(p.qty, mark) - p.cost;
      const margin = div(value, fx(leverage));
      ntl += value;
      signedNtl += mul(p.qty, mark);
      upnlTotal += upnl;
      marginUsed += margin;
      maintenance += div(value, fx(2 * coin.maxLeverage));
      positions.push({
        coin,
        qty: p.qty,
        cost: p.cost,
        entry: div(p.cost, p.qty),
        value,
        upnl,
        margin,
        leverage,
      });
    }
    const accountValue = cash + signedNtl;
    const withdrawable = accountValue - marginUsed > ZERO ? accountValue - marginUsed : ZERO;
    return { cash, accountValue, ntl, upnl: upnlTotal, marginUsed, maintenance, withdrawable, positions };
  }

  private positionQty(acc: Account, coin: HlCoin): Fixed {
    return acc.ledger.accountsList().find((p) => p.symbol === coin.inst.symbol)?.qty ?? ZERO;
  }

  userFills(user: string, startTime?: number, endTime?: number): HlFill[] {
    const acc = this.account(user, false);
    if (!acc) return [];
    const fills =
      startTime === undefined
        ? acc.fills
        : acc.fills.filter((f) => f.time >= startTime && (endTime === undefined || f.time <= endTime));
    return fills.slice(-2000).reverse();
  }

  private frontendOrder(o: VenueOrder): Record<string, unknown> {
    const coin = this.bySymbol.get(o.symbol)!;
    return {
      coin: coin.name,
      side: o.side === 'buy' ? 'B' : 'A',
      limitPx: String(o.price),
      sz: amountText(coin.inst, Math.max(0, o.qty - o.filledQty)),
      oid: o.orderId,
      timestamp: o.createdAt,
      triggerCondition: 'N/A',
      isTrigger: false,
      triggerPx: '0.0',
      children: [],
      isPositionTpsl: false,
      reduceOnly: o.reduceOnly,
      orderType: 'Limit',
      origSz: amountText(coin.inst, o.qty),
      tif: tifName(o.tif),
      cloid: cloidOf(o.clientOrderId),
    };
  }

  private orderWithStatus(o: VenueOrder): HlOrderUpdate {
    return { order: this.frontendOrder(o), status: hlStatus(o), statusTimestamp: o.updatedAt };
  }

  openOrders(user: string, frontend: boolean): Record<string, unknown>[] {
    const orders = this.exchange
      .openOrders(VENUE, user.toLowerCase())
      .sort((a, b) => b.createdAt - a.createdAt);
    return orders.map((o) => {
      const f = this.frontendOrder(o);
      if (frontend) return f;
      const { coin, side, limitPx, sz, oid, timestamp, origSz, cloid } = f;
      return { coin, side, limitPx, sz, oid, timestamp, origSz, ...(cloid ? { cloid } : {}) };
    });
  }

  orderStatus(user: string, oid: number | string): Record<string, unknown> {
    const id =
      typeof oid === 'string' && CLOID_RE.test(oid)
        ? { clientOrderId: oid.toLowerCase() }
        : { orderId: Number(oid) };
    const o = this.exchange.order(VENUE, user.toLowerCase(), id);
    if (!o) return { status: 'unknownOid' };
    return { status: 'order', order: this.orderWithStatus(o) };
  }

  historicalOrders(user: string): HlOrderUpdate[] {
    const acc = this.account(user, false);
    if (!acc) return [];
    const out: HlOrderUpdate[] = [];
    for (const oid of acc.orderIds.slice(-2000).reverse()) {
      const o = this.exchange.order(VENUE, acc.user, { orderId: oid });
      if (o) out.push(this.orderWithStatus(o));
    }
    return out;
  }

  userFees(user: string): Record<string, unknown> {
    const acc = this.account(user, false);
    const today = new Date().toISOString().slice(0, 10);
    let cross = 0;
    let add = 0;
    for (const f of acc?.fills ?? []) {
      if (new Date(f.time).toISOString().slice(0, 10) !== today) continue;
      if (f.crossed) cross += Number(f.px) * Number(f.sz);
      else add += Number(f.px) * Number(f.sz);
    }
    return {
      dailyUserVlm: [{ date: today, userCross: cross.toFixed(2), userAdd: add.toFixed(2), exchange: '0.0' }],
      feeSchedule: {
        cross: this.exchangeTakerFee(),
        add: this.exchangeMakerFee(),
        spotCross: '0.0007',
        spotAdd: '0.0004',
        tiers: { vip: [], mm: [] },
        referralDiscount: '0.04',
      },
      userCrossRate: this.fees.taker,
      userAddRate: this.fees.maker,
      userSpotCrossRate: '0.0007',
      userSpotAddRate: '0.0004',
      activeReferralDiscount: '0.0',
    };
  }

  private exchangeTakerFee(): string {
    return this.coins[0]?.inst.takerFee ?? '0.00045';
  }

  private exchangeMakerFee(): string {
    return this.coins[0]?.inst.makerFee ?? '0.00015';
  }

  maxBuilderFee(user: string, builder: string): number {
    return this.account(user, false)?.builderApprovals.get(builder.toLowerCase()) ?? 0;
  }

  // ---- actions -----------------------------------------------------------------------------------------

  approveBuilderFee(user: string, builder: string, maxFeeRate: string): string | null {
    const m = /^(\d+(?:\.\d+)?)%$/.exec(maxFeeRate.trim());
    if (!m) return `Invalid max fee rate: ${maxFeeRate}`;
    // "0.01%" = 1 bp = 10 tenths of a basis point, the unit orders name builder fees in
    const tenthsBp = Math.round(Number(m[1]) * 1000);
    if (tenthsBp > 100) return 'Builder fee rate too high: max is 0.1%';
    this.account(user)!.builderApprovals.set(builder.toLowerCase(), tenthsBp);
    return null;
  }

  setReferrer(user: string, code: string): void {
    this.account(user)!.referrer = code;
  }

  updateLeverage(user: string, asset: number, leverage: number): string | null {
    const coin = this.coins[asset];
    if (!coin) return `Invalid asset ${asset}`;
    if (!Number.isInteger(leverage) || leverage < 1 || leverage > coin.maxLeverage)
      return `Invalid leverage value`;
    this.account(user)!.leverage.set(coin.name, leverage);
    return null;
  }

  /** Whether a builder fee attached to an order is within what the user approved for that builder. */
  builderAllowed(user: string, builder: { b: string; f: number }): boolean {
    return builder.f <= this.maxBuilderFee(user, builder.b);
  }

  placeOrder(user: string, w: WireOrder, builderFee = 0): OrderStatusWire {
    const coin = this.coins[w.a];
    if (!coin) return { error: `Invalid asset ${w.a}` };
    const a = w.a;
    if (w.t?.trigger !== undefined || w.t?.limit === undefined)
      return { error: 'Trigger orders are not supported by this simulated venue.' };
    const tifWire = w.t.limit.tif ?? 'Gtc';
    const tif =
      tifWire === 'Gtc'
        ? 'GTC'
        : tifWire === 'Ioc' || tifWire === 'FrontendMarket'
          ? 'IOC'
          : tifWire === 'Alo'
            ? 'ALO'
            : null;
    if (!tif) return { error: `Invalid TIF: ${tifWire}` };
    if (w.c !== undefined && w.c !== null && !CLOID_RE.test(w.c)) return { error: `Invalid cloid: ${w.c}` };
    const cloid = w.c ? w.c.toLowerCase() : undefined;
    const p = String(w.p);
    const s = String(w.s);
    if (!validPrice(p, coin.szDecimals)) return { error: `Price must be divisible by tick size. asset=${a}` };
    if (!sizeDecimalsOk(s, coin.szDecimals)) return { error: 'Order has invalid size.' };
    let qty = Number(s);
    const price = Number(p);
    if (!(qty > 0)) return { error: 'Order has zero size.' };
    const book = this.exchange.book(VENUE, coin.inst.symbol);
    if (!book.ready) return { error: `No liquidity available for market order. asset=${a}` };
    const acc = this.account(user)!;
    const side = w.b ? 'buy' : 'sell';
    const pos = this.positionQty(acc, coin);
    if (w.r) {
      const reduces = w.b ? pos < ZERO : pos > ZERO;
      if (!reduces) return { error: `Reduce only order would increase position. asset=${a}` };
      // a reduce-only order never flips the position: it is cut to the size that closes it
      qty = Math.min(qty, Number(str(abs(pos))));
    }
    if (!w.r && price * qty < MIN_ORDER_VALUE)
      return { error: `Order must have minimum value of $10. asset=${a}` };
    const mid = book.mid;
    if (Math.abs(price / mid - 1) > 0.8)
      return { error: `Order price cannot be more than 80% away from the reference price. asset=${a}` };
    if (tif === 'ALO' && (w.b ? price >= book.bestAsk : price <= book.bestBid))
      return {
        error: `Post only order would have immediately matched, bbo was ${book.bestBid}@${book.bestAsk}. asset=${a}`,
      };
    if (!w.r) {
      const required = (price * qty) / this.leverageOf(acc, coin);
      if (required > Number(str(this.summary(acc).withdrawable)))
        return { error: `Insufficient margin to place order. asset=${a}` };
    }
    let order: VenueOrder;
    this.placingBuilderFee = builderFee;
    try {
      order = this.exchange.placeOrder(VENUE, acc.user, {
        symbol: coin.inst.symbol,
        side,
        qty,
        price,
        tif,
        clientOrderId: cloid,
        reduceOnly: w.r,
      });
    } catch (e) {
      if (e instanceof OrderRejected) return { error: this.venueReason(e.message, a) };
      throw e;
    } finally {
      this.placingBuilderFee = 0;
    }
    if (builderFee > 0) this.orderBuilderFee.set(order.orderId, builderFee);
    acc.rememberOrder(order.orderId);
    const withCloid = cloid ? { cloid } : {};
    if (order.status === 'filled' || (order.status === 'cancelled' && order.filledQty > 0)) {
      return {
        filled: {
          totalSz: amountText(coin.inst, order.filledQty),
          avgPx: this.averagePrice(acc, order.orderId),
          oid: order.orderId,
          ...withCloid,
        },
      };
    }
    if (order.status === 'cancelled')
      return { error: `Order could not immediately match against any resting orders. asset=${a}` };
    return { resting: { oid: order.orderId, ...withCloid } };
  }

  private venueReason(simReason: string, asset: number): string {
    if (/post-only/i.test(simReason)) return `Post only order would have immediately matched. asset=${asset}`;
    if (/notional/i.test(simReason)) return `Order must have minimum value of $10. asset=${asset}`;
    if (/not on step/i.test(simReason)) return 'Order has invalid size.';
    if (/no book/i.test(simReason)) return `No liquidity available for market order. asset=${asset}`;
    if (/duplicate client order id/i.test(simReason)) return `Duplicate cloid. asset=${asset}`;
    return `${simReason}. asset=${asset}`;
  }

  private averagePrice(acc: Account, oid: number): string {
    let qty = ZERO;
    let notional = ZERO;
    for (let i = acc.fills.length - 1; i >= 0 && i >= acc.fills.length - 500; i--) {
      const f = acc.fills[i];
      if (f.oid !== oid) continue;
      qty += fx(f.sz);
      notional += mul(fx(f.sz), fx(f.px));
    }
    return qty === ZERO ? '0' : dec(div(notional, qty), 8);
  }

  /** "success", or Hyperliquid's error for an order that is not open. */
  cancel(
    user: string,
    asset: number,
    id: { orderId?: number; clientOrderId?: string },
  ): string | { error: string } {
    const coin = this.coins[asset];
    const notOpen = { error: `Order was never placed, already canceled, or filled. asset=${asset}` };
    if (!coin) return notOpen;
    const key = id.clientOrderId !== undefined ? { clientOrderId: id.clientOrderId.toLowerCase() } : id;
    const o = this.exchange.order(VENUE, user.toLowerCase(), key);
    if (!o || o.symbol !== coin.inst.symbol) return notOpen;
    if (o.status !== 'open' && o.status !== 'partially_filled' && o.status !== 'pending') return notOpen;
    const after = this.exchange.cancelOrder(VENUE, user.toLowerCase(), key);
    return after && after.status === 'cancelled' ? 'success' : notOpen;
  }

  // ---- SimExchange events -------------------------------------------------------------------------------

  private onFill(user: string, vf: VenueFill): void {
    // an account seen here first is rebuilt from the SimExchange's fills, this one included: bookFill skips it
    const acc = this.account(user)!;
    const builderFee = this.orderBuilderFee.get(vf.orderId) ?? this.placingBuilderFee;
    const fill = this.bookFill(acc, vf, builderFee);
    if (!fill) return;
    this.listener?.onUserFill(acc.user, fill);
    if (vf.liquidity === 'taker') {
      const coin = this.bySymbol.get(vf.symbol)!;
      const users: [string, string] = vf.side === 'buy' ? [acc.user, ZERO_USER] : [ZERO_USER, acc.user];
      this.publishTrade(coin, fill.side, Number(vf.price), Number(vf.qty), vf.ts, users);
    }
  }

  /** Book one SimExchange fill on the account at the account's own rates, in Hyperliquid's fill shape. */
  private bookFill(acc: Account, vf: VenueFill, builderFee: number): HlFill | null {
    if (vf.tradeId <= acc.lastTradeId) return null;
    acc.lastTradeId = vf.tradeId;
    const coin = this.bySymbol.get(vf.symbol);
    if (!coin) return null;
    const qty = fx(vf.qty);
    const px = fx(vf.price);
    const notional = mul(qty, px);
    const fee = roundTo(mul(notional, fx(vf.liquidity === 'maker' ? this.fees.maker : this.fees.taker)), 6);
    const builder = builderFee > 0 ? roundTo(mul(notional, fx(builderFee / 100_000)), 6) : ZERO;
    const pa = acc.ledger.account(acc.user, VENUE, vf.symbol, QUOTE);
    const start = pa.qty;
    const realizedBefore = pa.realized;
    const fill: Fill = {
      ts: vf.ts,
      venue: VENUE,
      symbol: vf.symbol,
      side: vf.side,
      qty,
      price: px,
      fee: fee + builder,
      feeCurrency: QUOTE,
      liquidity: vf.liquidity,
      orderId: String(vf.orderId),
      strategy: acc.user,
    };
    acc.ledger.applyFill(fill, QUOTE, fee + builder);
    acc.rememberOrder(vf.orderId);
    const hl: HlFill = {
      coin: coin.name,
      px: vf.price,
      sz: vf.qty,
      side: vf.side === 'buy' ? 'B' : 'A',
      time: vf.ts,
      startPosition: dec(start, coin.szDecimals),
      dir: direction(start, vf.side, qty),
      closedPnl: dec(pa.realized - realizedBefore),
      hash: fakeHash(vf.tradeId),
      oid: vf.orderId,
      crossed: vf.liquidity === 'taker',
      fee: dec(fee),
      tid: vf.tradeId,
      cloid: cloidOf(vf.clientOrderId),
      feeToken: QUOTE,
      ...(builderFee > 0 ? { builderFee: dec(builder) } : {}),
    };
    acc.fills.push(hl);
    if (acc.fills.length > 10_000) acc.fills.shift();
    return hl;
  }

  private onOrder(user: string, o: VenueOrder): void {
    const acc = this.account(user)!;
    acc.rememberOrder(o.orderId);
    this.listener?.onOrderUpdate(acc.user, this.orderWithStatus(o));
  }
}

function cloidOf(clientOrderId: string): string | null {
  return CLOID_RE.test(clientOrderId) ? clientOrderId.toLowerCase() : null;
}

/** The sim's hourly rate is premium plus interest; the premium is what is left without the interest. */
function premiumOf(rate: string): string {
  const p = Number(rate) - HYPERLIQUID_INTEREST_PER_HOUR;
  return trimZeros(p.toFixed(8)).replace(/^-0$/, '0');
}

function direction(start: Fixed, side: 'buy' | 'sell', qty: Fixed): string {
  if (side === 'buy') {
    if (start >= ZERO) return 'Open Long';
    return qty <= -start ? 'Close Short' : 'Short > Long';
  }
  if (start <= ZERO) return 'Open Short';
  return qty <= start ? 'Close Long' : 'Long > Short';
}
