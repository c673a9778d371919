// The engine ⇄ console protocol: snapshots flow out, commands flow in. The only thing the UI knows of the engine.

/**
 * Snapshots the engine publishes a second: as many as the console paints (it paints at most this many frames),
 * so none is built on the engine's thread only to be dropped.
 */
export const SNAPSHOTS_PER_SECOND = 12;

export type Mode = 'paper' | 'live';
export type TradingState = 'ACTIVE' | 'REDUCING' | 'HALTED';
export type StrategyState = 'RUNNING' | 'PAUSED' | 'REDUCING' | 'HALTED';
export type Severity = 'info' | 'warning' | 'critical';

export interface VenueHealth {
  name: string;
  connected: boolean;
  /** Age of the newest market data from this venue, ms. */
  dataAgeMs: number;
}

export interface StrategyRow {
  name: string;
  venues: string[];
  symbol: string;
  mode: Mode;
  state: StrategyState;
  /** Decimal string, quote currency. */
  netPnl: string;
  trades: number;
  /** Why it is not trading right now, e.g. "edge 1.2 bp < 19.0 bp needed"; null when acting. */
  idleReason: string | null;
}

export interface PositionRow {
  venue: string;
  symbol: string;
  /** Signed size, decimal string. */
  qty: string;
  entry: string;
  mark: string;
  unrealized: string;
  realized: string;
  fees: string;
  funding: string;
}

export interface ExposureRow {
  asset: string;
  /** Net signed size across venues. */
  net: string;
  /** Sum of absolute sizes. */
  gross: string;
  /** Net notional in quote. */
  netNotional: string;
}

export interface VenueQuote {
  venue: string;
  bid: number;
  ask: number;
  ageMs: number;
  /** "default" fee rates from the market, or the "account"'s real ones. */
  feeSource: 'default' | 'account';
}

export interface SpreadRow {
  /** Base asset, e.g. "BTC". */
  asset: string;
  quotes: VenueQuote[];
  /** Best cross-venue gross spread in bps (rich bid over cheap ask); negative when none. */
  grossBps: number;
  /** Gross minus the round trip's fees in bps. */
  netBps: number;
  /** e.g. "buy hyperliquid / sell binance". */
  direction: string;
}

export interface SignalRow {
  model: string;
  symbol: string;
  /** Predicted move in bps over the model's horizon. */
  prediction: number;
  /** 0..1 */
  confidence: number;
  version: string;
  ageMs: number;
  drift: boolean;
}

export interface PnlView {
  start: string;
  equity: string;
  realized: string;
  unrealized: string;
  fees: string;
  funding: string;
  net: string;
  drawdown: string;
  maxDrawdown: string;
  /**
   * Equity samples, oldest first, for the chart (floats: display only); `equity` above is the live figure.
   * The same array until the next sample (every few seconds), which the worker transport sends only when new.
   */
  curve: readonly number[];
  /** The break-even line: start equity. */
  breakEven: number;
}

export interface AlertRow {
  id: number;
  ts: number;
  severity: Severity;
  /** What raised it: a venue, a strategy, "risk", "integrity". */
  source: string;
  message: string;
}

export interface Snapshot {
  seq: number;
  ts: number;
  mode: Mode;
  state: TradingState;
  /** Live orders are allowed at all (--live). */
  liveAllowed: boolean;
  openOrders: number;
  fills: number;
  venues: VenueHealth[];
  strategies: StrategyRow[];
  positions: PositionRow[];
  exposure: ExposureRow[];
  spreads: SpreadRow[];
  signals: SignalRow[];
  pnl: PnlView;
  /** Newest first. */
  alerts: AlertRow[];
  /** While not empty, trading is held: what differs from the venues (A in the console or ctl accept takes the venues' word). */
  reconciliation?: string[];
  /** While set, no live order may go out (paper trading goes on): why, e.g. the live journal differs from the venues. */
  liveHold?: string | null;
  /** What differs between the live journal and ledger and the live venues (A or ctl accept takes the venues' word). */
  liveReconciliation?: string[];
}

export type Command =
  | { type: 'pause'; strategy: string }
  | { type: 'resume'; strategy: string }
  | { type: 'promote'; strategy: string; confirm?: string }
  | { type: 'demote'; strategy: string }
  /** Only exposure-reducing orders: one strategy, or the whole engine without a name. */
  | { type: 'reduce'; strategy?: string }
  | { type: 'kill' }
  | { type: 'rearm' }
  /** After a startup reconciliation hold: take the venues' open orders and positions as the truth. */
  | { type: 'acceptVenueState' }
  | { type: 'status' }
  | { type: 'quit' };

export interface CommandResult {
  ok: boolean;
  message: string;
  /** The answer to `status` over the control socket: the shape of `tradedesk ctl status --json`. */
  status?: DeskStatus;
}

/** `tradedesk ctl status --json` (PRODUCT.md): stable keys, add more, never rename. */
export interface DeskStatus {
  state: TradingState;
  mode: Mode;
  openOrders: number;
  strategies: { name: string; mode: Mode; state: StrategyState; netPnl: string }[];
  venues: { name: string; connected: boolean; dataAgeMs: number }[];
  /** Present while something is held after a restart: paper trading (`paper`), live orders (`live`), with why. */
  held?: { paper: string[]; live: string[] };
}

/** One line per thing that happened, for headless output and logs. */
export type EngineEvent =
  | {
      type: 'fill';
      ts: number;
      venue: string;
      symbol: string;
      side: 'buy' | 'sell';
      qty: string;
      price: string;
      fee: string;
      liquidity: 'maker' | 'taker';
      strategy: string;
      /** Paper or live money. */
      mode?: Mode;
    }
  | { type: 'funding'; ts: number; venue: string; symbol: string; amount: string; rate: string }
  | { type: 'alert'; ts: number; severity: Severity; source: string; message: string }
  | { type: 'state'; ts: number; scope: string; from: string; to: string; reason: string };
