// The private side of the loopback OKX: orders (batch place, cancel, batch cancel, pending, one order), fills,
// balance, positions and fee rates over REST, and the `orders`, `positions` and `account` channels — sizes in
// contracts on the wire, base units in the SimExchange underneath.
import { fx, mul, str, ZERO, type Fixed } from '../../source/core/money.ts';
import type { Faults } from './faults.ts';
import { OrderRejected, type VenueFill, type VenueOrder } from './sim-exchange.ts';
import { OKX_VENUE, okxPrice, type OkxMarket, type OkxSymbol } from './okx-market.ts';
import { OkxError, type OkxSocket } from './okx-wire.ts';

/** The account's own fee tier, what /account/trade-fee reports (and what fills are charged at). */
export const OKX_ACCOUNT_FEE_RATES = { maker: '0.00015', taker: '0.0004' } as const;
/** OKX client order ids: letters and digits, 1 to 32 of them. */
const CLIENT_ID = /^[A-Za-z0-9]{1,32}$/;
const PRIVATE_CHANNELS = new Set(['orders', 'positions', 'account']);

type Json = Record<string, unknown>;

const STATE: Record<string, string> = {
  pending: 'live',
  open: 'live',
  partially_filled: 'partially_filled',
  filled: 'filled',
  cancelled: 'canceled',
  rejected: 'canceled',
};

/** One order's running totals as OKX reports them (accumulated fill size, fees, and the last state pushed). */
interface OrderTotals {
  accFill: Fixed;
  fee: Fixed;
  lastPushed: string;
}

export class OkxAccounts {
  private readonly sessions = new Map<OkxSocket, { account: string; channels: Set<string> }>();
  private readonly totals = new Map<number, OrderTotals>();
  private readonly offAccount: () => void;

  constructor(
    private readonly market: OkxMarket,
    private readonly faults: Faults,
  ) {
    market.exchange.setAccountFees(OKX_VENUE, OKX_ACCOUNT_FEE_RATES);
    this.offAccount = market.exchange.onAccount((venue, account, ev) => {
      if (venue !== OKX_VENUE) return;
      if (ev.type === 'fill') this.onFill(account, ev.fill);
      else this.onOrder(account, ev.order);
    });
  }

  close(): void {
    this.offAccount();
    this.sessions.clear();
  }

  // ——— websocket sessions ———

  login(sock: OkxSocket, account: string): void {
    this.sessions.set(sock, { account, channels: new Set() });
  }

  drop(sock: OkxSocket): void {
    this.sessions.delete(sock);
  }

  /** Subscribe a logged-in socket to a private channel; the positions and account channels start with a snapshot. */
  subscribe(sock: OkxSocket, arg: Json): void {
    const session = this.sessions.get(sock);
    const channel = String(arg.channel);
    if (!session) throw new OkxError(200, '60011', 'Please log in');
    if (!PRIVATE_CHANNELS.has(channel))
      throw new OkxError(200, '60018', `Wrong URL or channel:${channel}, instId or instType not exist.`);
    session.channels.add(channel);
    if (channel === 'positions') this.pushPositions(session.account, undefined, [sock]);
    if (channel === 'account') this.pushAccount(session.account, [sock]);
  }

  private listeners(account: string, channel: string): OkxSocket[] {
    const out: OkxSocket[] = [];
    for (const [sock, s] of this.sessions)
      if (s.account === account && s.channels.has(channel)) out.push(sock);
    return out;
  }

  private push(socks: OkxSocket[], arg: Json, data: unknown[]): void {
    if (socks.length === 0) return;
    const text = JSON.stringify({ arg, data });
    for (const s of socks) s.send(text);
  }

  private totalsOf(orderId: number): OrderTotals {
    let t = this.totals.get(orderId);
    if (!t) this.totals.set(orderId, (t = { accFill: ZERO, fee: ZERO, lastPushed: '' }));
    return t;
  }

  /** Every fill is one `orders` push carrying the fill (tradeId, fillSz, fillPx, fillFee), then positions and balance. */
  private onFill(account: string, f: VenueFill): void {
    const s = this.market.bySimSymbol(f.symbol);
    const order = this.market.exchange.order(OKX_VENUE, account, { orderId: f.orderId });
    if (!s || !order) return;
    const t = this.totalsOf(order.orderId);
    t.accFill += fx(f.qty);
    t.fee += fx(f.fee);
    const done = t.accFill >= fx(String(order.qty));
    t.lastPushed = done ? 'filled' : 'partially_filled';
    const wire = this.orderJson(s, order, t.lastPushed);
    Object.assign(wire, {
      tradeId: String(f.tradeId),
      fillSz: this.market.contracts(s, f.qty),
      fillPx: okxPrice(s.inst, Number(f.price)),
      fillTime: String(f.ts),
      fillFee: negate(f.fee),
      fillFeeCcy: f.feeCurrency,
      fillNotionalUsd: str(mul(fx(f.qty), fx(f.price))),
      execType: f.liquidity === 'maker' ? 'M' : 'T',
    });
    this.push(this.listeners(account, 'orders'), { channel: 'orders', instType: 'ANY', uid: account }, [
      wire,
    ]);
    this.pushPositions(account, s);
    this.pushAccount(account);
  }

  /** State changes (live, canceled, and a fill state the fill pushes have not yet told) as `orders` pushes. */
  private onOrder(account: string, o: VenueOrder): void {
    const s = this.market.bySimSymbol(o.symbol);
    const state = STATE[o.status];
    if (!s || !state || o.status === 'rejected') return;
    const t = this.totalsOf(o.orderId);
    if (t.lastPushed === state || (state === 'live' && t.lastPushed !== '')) return;
    t.lastPushed = state;
    this.push(this.listeners(account, 'orders'), { channel: 'orders', instType: 'ANY', uid: account }, [
      this.orderJson(s, o, state),
    ]);
  }

  private pushPositions(account: string, only?: OkxSymbol, socks?: OkxSocket[]): void {
    const to = socks ?? this.listeners(account, 'positions');
    if (to.length === 0) return;
    const list = only ? [this.positionJson(account, only)] : this.positions(account);
    this.push(to, { channel: 'positions', instType: 'ANY', uid: account }, list);
  }

  private pushAccount(account: string, socks?: OkxSocket[]): void {
    this.push(socks ?? this.listeners(account, 'account'), { channel: 'account', uid: account }, [
      this.balanceJson(account),
    ]);
  }

  // ——— REST ———

  /** POST /api/v5/trade/batch-orders (an array) or /trade/order (one): each order's own sCode. */
  placeOrders(
    account: string,
    body: unknown,
    batch: boolean,
  ): { code: string; msg: string; data: unknown[] } {
    const list = batch ? body : [body];
    if (!Array.isArray(list) || list.length === 0 || list.some((o) => typeof o !== 'object' || o === null))
      throw new OkxError(400, '50002', 'JSON syntax error');
    if (list.length > 20) throw new OkxError(400, '51000', 'Parameter orders error');
    const data = (list as Json[]).map((o) => this.placeOne(account, o));
    const failed = data.filter((d) => d.sCode !== '0').length;
    const code = failed === 0 ? '0' : failed === data.length ? '1' : '2';
    return { code, msg: code === '0' ? '' : 'All operations failed', data };
  }

  private placeOne(
    account: string,
    o: Json,
  ): { clOrdId: string; ordId: string; sCode: string; sMsg: string } {
    const clOrdId = typeof o.clOrdId === 'string' ? o.clOrdId : '';
    const fail = (sCode: string, sMsg: string) => ({
      clOrdId,
      ordId: '',
      tag: '',
      ts: String(Date.now()),
      sCode,
      sMsg,
    });
    const s = this.market.byInstId(typeof o.instId === 'string' ? o.instId : undefined);
    if (!s) return fail('51001', "Instrument ID doesn't exist.");
    if (clOrdId !== '' && !CLIENT_ID.test(clOrdId)) return fail('51000', 'Parameter clOrdId error');
    if (o.side !== 'buy' && o.side !== 'sell') return fail('51000', 'Parameter side error');
    if (o.tdMode !== 'cross' && o.tdMode !== 'isolated') return fail('51000', 'Parameter tdMode error');
    const sz = typeof o.sz === 'string' ? o.sz : '';
    if (!/^\d+(\.\d+)?$/.test(sz) || fx(sz) <= 0n) return fail('51000', 'Parameter sz error');
    if (!this.market.onLot(sz)) return fail('51121', 'Order quantity must be a multiple of the lot size.');
    const book = this.market.exchange.book(OKX_VENUE, s.inst.symbol);
    let price: number;
    let tif: 'GTC' | 'IOC' | 'ALO';
    if (o.ordType === 'market' || o.ordType === 'optimal_limit_ioc') {
      // A swap market order takes what the book has within OKX's 5 % price band.
      price = o.side === 'buy' ? book.bestAsk * 1.05 : book.bestBid * 0.95;
      tif = 'IOC';
    } else {
      const px = typeof o.px === 'string' ? o.px : '';
      if (!/^\d+(\.\d+)?$/.test(px) || Number(px) <= 0) return fail('51000', 'Parameter px error');
      if (fx(px) % fx(okxPrice(s.inst, s.inst.tick)) !== 0n) return fail('51000', 'Parameter px error');
      price = Number(px);
      const tifs: Record<string, 'GTC' | 'IOC' | 'ALO'> = { limit: 'GTC', ioc: 'IOC', post_only: 'ALO' };
      const t = tifs[String(o.ordType)];
      if (!t) return fail('51000', 'Parameter ordType error');
      tif = t;
    }
    if (this.faults.takeReject()) return fail('51008', 'Order failed. Insufficient USDT margin in account');
    try {
      const placed = this.market.exchange.placeOrder(OKX_VENUE, account, {
        symbol: s.inst.symbol,
        side: o.side,
        qty: this.market.baseQty(s, sz),
        price,
        tif,
        clientOrderId: clOrdId || undefined,
        reduceOnly: o.reduceOnly === true || o.reduceOnly === 'true',
      });
      return {
        clOrdId,
        ordId: String(placed.orderId),
        tag: '',
        ts: String(Date.now()),
        sCode: '0',
        sMsg: 'Order placed',
      } as ReturnType<OkxAccounts['placeOne']>;
    } catch (e) {
      if (!(e instanceof OrderRejected)) throw e;
      if (/duplicate client order id/.test(e.message)) return fail('51016', 'Duplicated clOrdId');
      return fail('51000', `Order failed: ${e.message}`);
    }
  }

  /** POST /api/v5/trade/cancel-order (one) or /cancel-batch-orders (an array), by ordId or clOrdId. */
  cancelOrders(
    account: string,
    body: unknown,
    batch: boolean,
  ): { code: string; msg: string; data: unknown[] } {
    const list = batch ? body : [body];
    if (!Array.isArray(list) || list.length === 0) throw new OkxError(400, '50002', 'JSON syntax error');
    const data = (list as Json[]).map((c) => {
      const clOrdId = typeof c.clOrdId === 'string' ? c.clOrdId : '';
      const ordId = typeof c.ordId === 'string' ? c.ordId : '';
      const answer = (sCode: string, sMsg: string, id = ordId) => ({
        clOrdId,
        ordId: id,
        ts: String(Date.now()),
        sCode,
        sMsg,
      });
      const s = this.market.byInstId(typeof c.instId === 'string' ? c.instId : undefined);
      if (!s) return answer('51001', "Instrument ID doesn't exist.");
      if (!clOrdId && !ordId) return answer('51003', 'Either client order ID or order ID is required.');
      const id = clOrdId ? { clientOrderId: clOrdId } : { orderId: Number(ordId) };
      const before = this.market.exchange.order(OKX_VENUE, account, id);
      if (!before || before.symbol !== s.inst.symbol)
        return answer(
          '51400',
          'Order cancellation failed as the order has been filled, canceled or does not exist.',
        );
      if (before.status === 'cancelled')
        return answer(
          '51401',
          'Order cancellation failed as the order is already canceled.',
          String(before.orderId),
        );
      if (before.status === 'filled')
        return answer(
          '51402',
          'Order cancellation failed as the order is already completed.',
          String(before.orderId),
        );
      this.market.exchange.cancelOrder(OKX_VENUE, account, id);
      return answer('0', '', String(before.orderId));
    });
    const failed = data.filter((d) => d.sCode !== '0').length;
    const code = failed === 0 ? '0' : failed === data.length ? '1' : '2';
    return { code, msg: '', data };
  }

  /** GET /api/v5/trade/orders-pending. */
  pending(account: string, params: URLSearchParams): unknown[] {
    const s = this.market.byInstId(params.get('instId'));
    if (params.get('instId') && !s) throw new OkxError(200, '51001', "Instrument ID doesn't exist.");
    return this.market.exchange
      .openOrders(OKX_VENUE, account, s?.inst.symbol)
      .sort((a, b) => b.orderId - a.orderId)
      .map((o) => this.orderJson(this.market.bySimSymbol(o.symbol)!, o, STATE[o.status] ?? 'live'));
  }

  /** GET /api/v5/trade/order. */
  order(account: string, params: URLSearchParams): unknown[] {
    const s = this.market.byInstId(params.get('instId'));
    if (!s) throw new OkxError(200, '51001', "Instrument ID doesn't exist.");
    const clOrdId = params.get('clOrdId');
    const ordId = params.get('ordId');
    const o = this.market.exchange.order(
      OKX_VENUE,
      account,
      clOrdId ? { clientOrderId: clOrdId } : { orderId: Number(ordId) },
    );
    if (!o || o.symbol !== s.inst.symbol) throw new OkxError(200, '51603', 'Order does not exist');
    return [this.orderJson(s, o, STATE[o.status] ?? 'live')];
  }

  /** GET /api/v5/trade/fills and /fills-history: own fills, newest first, fees negative when paid. */
  fills(account: string, params: URLSearchParams): unknown[] {
    const s = this.market.byInstId(params.get('instId'));
    const limit = Math.min(100, Math.max(1, Number(params.get('limit') ?? 100) || 100));
    return this.market.exchange
      .fills(OKX_VENUE, account)
      .filter((f) => !s || f.symbol === s.inst.symbol)
      .reverse()
      .slice(0, limit)
      .map((f) => {
        const sym = this.market.bySimSymbol(f.symbol)!;
        return {
          instType: 'SWAP',
          instId: sym.instId,
          tradeId: String(f.tradeId),
          ordId: String(f.orderId),
          clOrdId: f.clientOrderId.startsWith('sim-') ? '' : f.clientOrderId,
          billId: String(f.tradeId),
          tag: '',
          fillPx: okxPrice(sym.inst, Number(f.price)),
          fillSz: this.market.contracts(sym, f.qty),
          side: f.side,
          posSide: 'net',
          execType: f.liquidity === 'maker' ? 'M' : 'T',
          feeCcy: f.feeCurrency,
          fee: negate(f.fee),
          ts: String(f.ts),
          fillTime: String(f.ts),
        };
      });
  }

  /** GET /api/v5/account/balance. */
  balance(account: string): unknown[] {
    return [this.balanceJson(account)];
  }

  /** GET /api/v5/account/positions: open positions only, as OKX lists them. */
  positions(account: string, params?: URLSearchParams): unknown[] {
    const s = this.market.byInstId(params?.get('instId'));
    return this.market.symbols
      .filter((x) => !s || x === s)
      .map((x) => this.positionJson(account, x))
      .filter((p) => (p as { pos: string }).pos !== '0');
  }

  /** GET /api/v5/account/trade-fee: negative rates are fees paid, as OKX writes them. */
  tradeFee(params: URLSearchParams): unknown[] {
    if (params.get('instType') !== 'SWAP') throw new OkxError(200, '51000', 'Parameter instType error');
    const maker = negate(OKX_ACCOUNT_FEE_RATES.maker);
    const taker = negate(OKX_ACCOUNT_FEE_RATES.taker);
    return [
      {
        category: '1',
        delivery: '',
        exercise: '',
        instType: 'SWAP',
        level: 'Lv1',
        maker,
        makerU: maker,
        makerUSDC: maker,
        taker,
        takerU: taker,
        takerUSDC: taker,
        ruleType: 'normal',
        ts: String(Date.now()),
        fiat: [],
      },
    ];
  }

  private balanceJson(account: string): Json {
    const cash = this.market.exchange.balances(OKX_VENUE, account);
    const upl = this.market.exchange
      .positions(OKX_VENUE, account)
      .reduce((sum, p) => sum + p.unrealized, ZERO);
    const now = String(Date.now());
    const details = [...cash].map(([ccy, bal]) => {
      const eq = str(bal + upl);
      return {
        ccy,
        eq,
        cashBal: str(bal),
        availBal: str(bal),
        availEq: eq,
        frozenBal: '0',
        ordFrozen: '0',
        upl: str(upl),
        eqUsd: eq,
        uTime: now,
      };
    });
    return { uTime: now, totalEq: details[0]?.eq ?? '0', adjEq: details[0]?.eq ?? '0', details };
  }

  private positionJson(account: string, s: OkxSymbol): Json {
    const p = this.market.exchange.positions(OKX_VENUE, account).find((x) => x.symbol === s.inst.symbol);
    const qty = p?.qty ?? ZERO;
    const mark = p?.mark ?? this.market.exchange.book(OKX_VENUE, s.inst.symbol).mid;
    const now = String(Date.now());
    const notional = Math.abs(Number(str(qty)) * mark);
    return {
      instType: 'SWAP',
      instId: s.instId,
      posId: `${account.length}${s.instId.length}${s.inst.base.charCodeAt(0)}`,
      posSide: 'net',
      pos: this.market.contracts(s, str(qty)),
      availPos: '',
      avgPx: p ? okxPrice(s.inst, Number(str(p.entry))) : '',
      upl: p ? str(p.unrealized) : '0',
      lever: '10',
      liqPx: '',
      markPx: Number.isFinite(mark) ? okxPrice(s.inst, mark) : '',
      imr: String(notional / 10),
      mmr: String(notional / 200),
      margin: '',
      mgnMode: 'cross',
      notionalUsd: String(notional),
      ccy: s.inst.quote,
      posCcy: '',
      cTime: now,
      uTime: now,
    };
  }

  private orderJson(s: OkxSymbol, o: VenueOrder, state: string): Json {
    const t = this.totals.get(o.orderId);
    const acc = t?.accFill ?? fx(String(o.filledQty));
    const avg = o.filledQty > 0 ? okxPrice(s.inst, o.filledNotional / o.filledQty) : '';
    const ordType = o.tif === 'IOC' ? 'ioc' : o.tif === 'ALO' ? 'post_only' : 'limit';
    return {
      instType: 'SWAP',
      instId: s.instId,
      ccy: '',
      ordId: String(o.orderId),
      clOrdId: o.clientOrderId.startsWith('sim-') ? '' : o.clientOrderId,
      tag: '',
      px: okxPrice(s.inst, o.price),
      sz: this.market.contracts(s, o.qty),
      notionalUsd: String(o.qty * o.price),
      ordType,
      side: o.side,
      posSide: 'net',
      tdMode: 'cross',
      tgtCcy: '',
      fillSz: '0',
      fillPx: '',
      tradeId: '',
      accFillSz: this.market.contracts(s, str(acc)),
      fillNotionalUsd: '',
      fillTime: '',
      fillFee: '0',
      fillFeeCcy: '',
      execType: '',
      state,
      avgPx: avg,
      lever: '10',
      fee: t ? negate(str(t.fee)) : '0',
      feeCcy: s.inst.quote,
      rebate: '0',
      rebateCcy: s.inst.quote,
      pnl: '0',
      source: '',
      category: 'normal',
      reduceOnly: String(o.reduceOnly),
      cancelSource: state === 'canceled' ? '1' : '',
      code: '0',
      msg: '',
      reqId: '',
      amendResult: '',
      uTime: String(o.updatedAt),
      cTime: String(o.createdAt),
    };
  }
}

/** OKX writes a fee paid as a negative number (and a rebate as a positive one). */
function negate(decimal: string): string {
  return str(-fx(decimal));
}
