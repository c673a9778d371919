// Continuous integrity: the ledger's identities checked against tallies kept apart from it, and market data
// sanity per venue and symbol. One finding is raised once and stays raised until it clears.
import { mul, str, ZERO, type Fixed } from '../core/money.ts';
import type { MarketEvent } from '../core/market-events.ts';
import type { OrderBook } from '../core/order-book.ts';
import type { Fill } from '../core/trading.ts';
import type { Severity } from '../control/protocol.ts';
import type { Ledger } from './ledger.ts';

export interface IntegrityFinding {
  /** What it is about, stable while the condition lasts: one alert per key until it clears. */
  key: string;
  severity: Severity;
  message: string;
}

export interface IntegrityView {
  ledger: Ledger;
  /** Newest market data per "venue|symbol" and per venue, engine time. */
  lastData: Map<string, number>;
  /** Venues whose whole feed is stale (the engine says so itself). */
  staleVenues: Set<string>;
  staleAfterMs: number;
}

function add(m: Map<string, Fixed>, k: string, v: Fixed): void {
  m.set(k, (m.get(k) ?? ZERO) + v);
}

/** Fees held in their own currency (per "venue:currency") because no rate to the quote was known. */
export function unconvertedFee(venueCurrency: string, fee: Fixed): IntegrityFinding {
  const [venue, currency] = venueCurrency.split(':');
  return {
    key: `fee|${venueCurrency}`,
    severity: 'critical',
    message: `fees of ${str(fee)} ${currency} on ${venue} could not be converted to the quote (no ${currency} book there): PnL leaves them out`,
  };
}

function where(ev: MarketEvent): string {
  return `${ev.venue} ${ev.symbol}`;
}

export class IntegrityMonitor {
  /** Cash per "venue:currency" and size per "strategy|venue|symbol", summed without the Ledger. */
  private readonly cash = new Map<string, Fixed>();
  private readonly size = new Map<string, Fixed>();
  /** Per book: the newest event time and book sequence seen. */
  private readonly feeds = new Map<OrderBook, { ts: number; seq: number | null }>();
  /** Raised findings and the check round they were last seen in. */
  private readonly active = new Map<string, { round: number; finding: IntegrityFinding }>();
  private round = 0;

  onDeposit(venue: string, currency: string, amount: Fixed): void {
    add(this.cash, `${venue}:${currency}`, amount);
  }

  onFill(fill: Fill, quote: string, feeQuote: Fixed | null): void {
    const signed = fill.side === 'buy' ? fill.qty : -fill.qty;
    add(this.cash, `${fill.venue}:${quote}`, -mul(signed, fill.price) - (feeQuote ?? ZERO));
    add(this.size, `${fill.strategy}|${fill.venue}|${fill.symbol}`, signed);
  }

  onFunding(venue: string, quote: string, amount: Fixed): void {
    add(this.cash, `${venue}:${quote}`, amount);
  }

  /** After a market event is applied to its book: time running backwards, a sequence gap, a crossed book. */
  onMarket(ev: MarketEvent, book: OrderBook, report: (f: IntegrityFinding) => void): void {
    // Keyed by the book itself: no string built per market message.
    let seen = this.feeds.get(book);
    if (!seen) {
      seen = { ts: ev.ts, seq: ev.kind === 'book' ? ev.seq - 1 : null };
      this.feeds.set(book, seen);
    }
    if (ev.ts < seen.ts)
      this.raiseTo(report, {
        key: `time-backwards|${where(ev)}`,
        severity: 'warning',
        message: `${where(ev)}: time ran backwards (${ev.kind} at ${ev.ts} after ${seen.ts})`,
      });
    else seen.ts = ev.ts;
    if (ev.kind !== 'book') return;
    if (!ev.snapshot && seen.seq !== null && ev.seq !== seen.seq + 1)
      this.raiseTo(report, {
        key: `seq-gap|${where(ev)}`,
        severity: 'warning',
        message: `${where(ev)}: book sequence gap (${ev.seq} after ${seen.seq})`,
      });
    seen.seq = ev.seq;
    if (book.crossed)
      this.raiseTo(report, {
        key: `crossed|${where(ev)}`,
        severity: 'warning',
        message: `${where(ev)}: crossed book (bid ${book.bestBid} ≥ ask ${book.bestAsk})`,
      });
  }

  private raiseTo(report: (f: IntegrityFinding) => void, f: IntegrityFinding): void {
    const n = this.raise(f);
    if (n) report(n);
  }

  /** Raise a finding; returns it when it is new (not already raised and not yet cleared). */
  raise(f: IntegrityFinding): IntegrityFinding | null {
    const known = this.active.get(f.key);
    this.active.set(f.key, { round: this.round, finding: f });
    return known ? null : f;
  }

  /**
   * One round of the ledger identities and feed freshness, with the ledger marked as it stands. Returns the new
   * findings, and the ones that cleared (not seen since the last round) as info.
   */
  check(now: number, v: IntegrityView): IntegrityFinding[] {
    const fresh: IntegrityFinding[] = [];
    const raise = (f: IntegrityFinding) => {
      const n = this.raise(f);
      if (n) fresh.push(n);
    };
    const ledger = v.ledger;
    // Positions equal the sum of fills.
    const ledgerSize = new Map<string, Fixed>();
    let marked = ZERO;
    for (const acc of ledger.accountsList()) {
      const k = `${acc.strategy}|${acc.venue}|${acc.symbol}`;
      ledgerSize.set(k, acc.qty);
      marked += mul(this.size.get(k) ?? ZERO, acc.mark);
    }
    for (const k of new Set([...ledgerSize.keys(), ...this.size.keys()])) {
      const l = ledgerSize.get(k) ?? ZERO;
      const f = this.size.get(k) ?? ZERO;
      if (l !== f)
        raise({
          key: `position|${k}`,
          severity: 'critical',
          message: `position ${k.replace(/\|/g, ' ')}: ledger ${str(l)} but fills sum to ${str(f)}`,
        });
    }
    // Cash equals the start plus fills, fees and funding.
    const ledgerCash = ledger.cashBalances();
    let cash = ZERO;
    for (const k of new Set([...ledgerCash.keys(), ...this.cash.keys()])) {
      const l = ledgerCash.get(k) ?? ZERO;
      const f = this.cash.get(k) ?? ZERO;
      cash += f;
      if (l !== f)
        raise({
          key: `cash|${k}`,
          severity: 'critical',
          message: `cash ${k}: ledger ${str(l)} but start, fills, fees and funding sum to ${str(f)}`,
        });
    }
    // Equity equals cash plus marked positions; net PnL equals the equity's change.
    const equity = ledger.equity();
    if (equity !== cash + marked)
      raise({
        key: 'equity',
        severity: 'critical',
        message: `equity ${str(equity)} is not cash plus marked positions ${str(cash + marked)}`,
      });
    const net = ledger.totals().net;
    if (net !== equity - ledger.startEquity())
      raise({
        key: 'net',
        severity: 'critical',
        message: `net PnL ${str(net)} is not the equity's change ${str(equity - ledger.startEquity())}`,
      });
    for (const [k, fee] of ledger.unconvertedFees()) raise(unconvertedFee(k, fee));
    // A feed that stopped on one symbol while its venue still sends others.
    for (const [k, t] of v.lastData) {
      const [venue, symbol] = k.split('|');
      if (symbol === undefined || v.staleVenues.has(venue) || now - t <= v.staleAfterMs) continue;
      raise({
        key: `stale|${k}`,
        severity: 'warning',
        message: `${venue} ${symbol}: no market data for ${((now - t) / 1000).toFixed(1)} s while ${venue} is live`,
      });
    }
    for (const [k, a] of this.active) {
      if (a.round >= this.round) continue;
      this.active.delete(k);
      fresh.push({ key: k, severity: 'info', message: `cleared: ${a.finding.message}` });
    }
    this.round += 1;
    return fresh;
  }

  /** Findings raised and not cleared. */
  get raised(): IntegrityFinding[] {
    return [...this.active.values()].map((a) => a.finding);
  }
}
