// What trading a signal would have earned: enter at the touch when the forecast beats round-trip fees, exit at the horizon.
import { div, fmt, fx, mul, roundTo, ZERO, type Fixed } from '../core/money.ts';
import type { Sample } from './dataset.ts';

export interface SignalTrades {
  net: Fixed;
  gross: Fixed;
  fees: Fixed;
  trades: number;
  wins: number;
}

export interface SignalTradeOptions {
  horizonMs: number;
  /** Per asset: the target venue's taker fee rate (decimal string, "0.00045"). */
  takerFee: (asset: string) => string;
  marginBps: number;
  minConfidence: number;
  /** Quote notional per trade. */
  notional: number;
}

/** Round-trip taker cost plus the margin, bp: the forecast needed to trade. */
export function neededBps(takerFee: string, marginBps: number): number {
  return 2 * Number(takerFee) * 1e4 + marginBps;
}

/**
 * Samples in time order with their forecasts. One position per asset at a time (as the strategy holds it):
 * buy at the ask / sell at the bid, close one horizon later at the other side, taker fees both ways.
 */
export function tradeSignal(
  samples: Sample[],
  forecasts: { bps: number; confidence: number }[],
  o: SignalTradeOptions,
): SignalTrades {
  const busyUntil = new Map<string, number>();
  const out: SignalTrades = { net: ZERO, gross: ZERO, fees: ZERO, trades: 0, wins: 0 };
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    const f = forecasts[i];
    if (s.ts < (busyUntil.get(s.asset) ?? Number.NEGATIVE_INFINITY)) continue;
    const fee = o.takerFee(s.asset);
    if (Math.abs(f.bps) < neededBps(fee, o.marginBps) || f.confidence < o.minConfidence) continue;
    busyUntil.set(s.asset, s.ts + o.horizonMs);
    const long = f.bps > 0;
    const entry = fx(long ? s.entryAsk : s.entryBid);
    const exit = fx(long ? s.exitBid : s.exitAsk);
    const qty = roundTo(div(fx(o.notional), entry), 8);
    const gross = mul(long ? exit - entry : entry - exit, qty);
    const fees = mul(mul(entry + exit, qty), fx(fee));
    out.gross += gross;
    out.fees += fees;
    out.net += gross - fees;
    out.trades++;
    if (gross - fees > ZERO) out.wins++;
  }
  return out;
}

export function money(x: Fixed): string {
  return fmt(x, 2);
}
