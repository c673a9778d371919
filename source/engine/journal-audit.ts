// Offline integrity of a journal: the hash chain, seq without gaps, and the ledger's identities recomputed
// independently from the fills, fees and funding alone.
import { existsSync } from 'node:fs';
import { fx, mul, str, ZERO, type Fixed } from '../core/money.ts';
import { GENESIS, hashLine, readJournalHead, readJournalText } from '../../state/journal.ts';
import { baseOf, quoteOf } from './fee-conversion.ts';
import { Ledger } from './ledger.ts';

export interface Finding {
  severity: 'critical' | 'warning';
  file: string;
  /** 1-based line of the journal, where one is to blame. */
  line?: number;
  message: string;
}

export interface JournalAudit {
  file: string;
  lines: number;
  fills: number;
  findings: Finding[];
  /** The ledger rebuilt from every line that could be read. */
  ledger: Ledger;
  /** Last fill price per "venue|symbol": the journal's own marks. */
  lastPrice: Map<string, Fixed>;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;
const NANO = fx('0.000000001');

/** What the journal says about one order: where it was placed, what the venue finally said, its fills. */
interface OrderTrail {
  line: number;
  qty: Fixed | null;
  decisionPrice: Fixed | undefined;
  /** The venue's final word: status, filled quantity (null when not given) and its line. */
  final: { status: string; filledQty: Fixed | null; line: number } | null;
  /** Fill lines and their quantities, in order. */
  fills: { line: number; qty: Fixed }[];
}

/** `onRecord` sees the ledger after each applied line (with its time and type), e.g. to sample equity. */
export function auditJournal(
  file: string,
  onRecord?: (audit: JournalAudit, ts: number, type: string) => void,
): JournalAudit {
  const findings: Finding[] = [];
  const ledger = new Ledger();
  const lastPrice = new Map<string, Fixed>();
  const audit: JournalAudit = { file, lines: 0, fills: 0, findings, ledger, lastPrice };
  if (!existsSync(file)) return audit;
  // Every segment, closed (gzipped) ones first: the chain runs across them.
  const text = readJournalText(file);
  const lines = text.split('\n');
  const torn = lines[lines.length - 1] !== '';
  if (!torn) lines.pop();
  audit.lines = lines.length;
  // Independent books: cash per venue:currency and size per venue|symbol, summed without the Ledger.
  const cash = new Map<string, Fixed>();
  const size = new Map<string, Fixed>();
  const orders = new Map<string, OrderTrail>();
  const add = (m: Map<string, Fixed>, k: string, v: Fixed) => m.set(k, (m.get(k) ?? ZERO) + v);
  let prevHash = GENESIS;
  let expectSeq = 1;
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const raw = lines[i];
    if (torn && i === lines.length - 1) {
      findings.push({
        severity: 'critical',
        file,
        line: n,
        message: 'torn last line (no newline): the process died mid-write; set it aside, it was not applied',
      });
      break;
    }
    let r: Record<string, unknown>;
    try {
      r = JSON.parse(raw);
    } catch {
      findings.push({ severity: 'critical', file, line: n, message: 'not valid JSON' });
      prevHash = hashLine(raw);
      expectSeq += 1;
      continue;
    }
    if (r.seq !== expectSeq) {
      findings.push({
        severity: 'critical',
        file,
        line: n,
        message: `seq ${String(r.seq)} where ${expectSeq} was expected: ${Number(r.seq) > expectSeq ? 'a line is missing before this one' : 'a line is repeated or out of order'}`,
      });
      expectSeq = Number(r.seq);
    }
    if (r.prev !== prevHash) {
      findings.push({
        severity: 'critical',
        file,
        line: n - 1 > 0 ? n - 1 : n,
        message: `line ${n - 1} was changed, or a line after it is missing (line ${n}'s prev is not its hash)`,
      });
    }
    prevHash = hashLine(raw);
    expectSeq += 1;
    try {
      apply(r, n);
    } catch (e) {
      findings.push({ severity: 'critical', file, line: n, message: (e as Error).message });
    }
    onRecord?.(audit, Number(r.ts), (r.type as string | undefined) ?? 'fill');
  }
  // The head the last clean close wrote: an edited last line or a cut-off tail shows against it.
  const head = readJournalHead(file);
  if (head) {
    const whole = torn ? lines.length - 1 : lines.length;
    if (head.seq > whole)
      findings.push({
        severity: 'critical',
        file,
        line: whole,
        message: `the journal ends at line ${whole}, but it was closed at seq ${head.seq}: lines after ${whole} are missing`,
      });
    else if (hashLine(lines[head.seq - 1]) !== head.hash)
      findings.push({
        severity: 'critical',
        file,
        line: head.seq,
        message: `line ${head.seq} was changed after the journal was closed (its hash is not the one recorded at close)`,
      });
  }

  function apply(r: Record<string, unknown>, n: number): void {
    const type = (r.type as string | undefined) ?? 'fill';
    if (type === 'order') {
      orders.set(String(r.orderId), {
        line: n,
        qty: typeof r.qty === 'string' && DECIMAL.test(r.qty) ? fx(r.qty) : null,
        decisionPrice:
          typeof r.decisionPrice === 'string' && DECIMAL.test(r.decisionPrice)
            ? fx(r.decisionPrice)
            : undefined,
        final: null,
        fills: [],
      });
    } else if (type === 'orderUpdate') {
      const o = orders.get(String(r.orderId));
      if (o && !o.final && (r.status === 'filled' || r.status === 'cancelled' || r.status === 'rejected'))
        o.final = {
          status: String(r.status),
          filledQty: typeof r.filledQty === 'string' && DECIMAL.test(r.filledQty) ? fx(r.filledQty) : null,
          line: n,
        };
    } else if (type === 'deposit') {
      const amount = fx(decimal(r.amount, 'amount'));
      ledger.deposit(String(r.venue), String(r.currency), amount);
      add(cash, `${r.venue}:${r.currency}`, amount);
    } else if (type === 'fill') {
      const qty = fx(decimal(r.qty, 'qty'));
      const price = fx(decimal(r.price, 'price'));
      const fee = fx(decimal(r.fee, 'fee'));
      if (r.side !== 'buy' && r.side !== 'sell')
        throw new Error(`fill side "${String(r.side)}" is neither buy nor sell`);
      if (qty <= ZERO || price <= ZERO) throw new Error('fill qty and price must be positive');
      const order = orders.get(String(r.orderId));
      if (!order) {
        findings.push({
          severity: 'critical',
          file,
          line: n,
          message: `fill for order ${String(r.orderId)} that was never placed`,
        });
      } else if (order.final?.status === 'rejected') {
        findings.push({
          severity: 'critical',
          file,
          line: n,
          message: `fill for order ${String(r.orderId)} that the venue rejected (line ${order.final.line}): it never reached the venue`,
        });
      } else order.fills.push({ line: n, qty });
      const quote = quoteOf(String(r.symbol)) || String(r.feeCurrency);
      const feeQuote = feeOf(r, fee, quote, n);
      const fill = {
        ts: Number(r.ts),
        venue: String(r.venue),
        symbol: String(r.symbol),
        side: r.side as 'buy' | 'sell',
        qty,
        price,
        fee,
        feeCurrency: quote,
        liquidity: r.liquidity === 'maker' ? ('maker' as const) : ('taker' as const),
        orderId: String(r.orderId),
        strategy: String(r.strategy),
      };
      ledger.applyFill(fill, quote, feeQuote, order?.decisionPrice);
      const signed = r.side === 'buy' ? qty : -qty;
      add(cash, `${r.venue}:${quote}`, -mul(signed, price) - (feeQuote ?? ZERO));
      add(size, `${r.venue}|${r.symbol}`, signed);
      lastPrice.set(`${r.venue}|${r.symbol}`, price);
      audit.fills += 1;
    } else if (type === 'funding') {
      const amount = fx(decimal(r.amount, 'amount'));
      const quote = String(r.currency);
      ledger.applyFunding(
        {
          ts: Number(r.ts),
          venue: String(r.venue),
          symbol: String(r.symbol),
          strategy: String(r.strategy),
          amount,
          rate: ZERO,
          qty: ZERO,
          markPrice: ZERO,
        },
        quote,
      );
      add(cash, `${r.venue}:${quote}`, amount);
    }
  }

  /** The fee in the quote: as is, or at the rate the line recorded (which must multiply out); null: not converted. */
  function feeOf(r: Record<string, unknown>, fee: Fixed, quote: string, n: number): Fixed | null {
    if (r.feeCurrency === quote || fee === ZERO) return fee;
    // A base fee converts at the fill price whether or not the line recorded it (older journals did not).
    if (r.feeQuote === undefined && r.feeCurrency === baseOf(String(r.symbol)))
      return mul(fee, fx(decimal(r.price, 'price')));
    if (r.feeQuote === undefined || r.feeQuote === null) {
      findings.push({
        severity: 'warning',
        file,
        line: n,
        message: `fee ${str(fee)} ${String(r.feeCurrency)} was not converted to ${quote} (no rate recorded): left out of PnL`,
      });
      return null;
    }
    const feeQuote = fx(decimal(r.feeQuote, 'feeQuote'));
    const rate = fx(decimal(r.feeRate, 'feeRate'));
    if (r.feeCurrency === baseOf(String(r.symbol)) && rate !== fx(decimal(r.price, 'price')))
      throw new Error(
        `feeRate ${str(rate)}: a fee in the base converts at the fill price ${String(r.price)}`,
      );
    if (mul(fee, rate) !== feeQuote)
      throw new Error(`feeQuote ${str(feeQuote)} is not fee ${str(fee)} × feeRate ${str(rate)}`);
    return feeQuote;
  }

  // Fills the venue never reported: beyond the quantity its final update says filled, or beyond the order.
  for (const [id, o] of orders) {
    const limit = o.final?.filledQty ?? (o.final ? null : o.qty);
    if (limit === null) continue;
    let sum = ZERO;
    for (const f of o.fills) {
      sum += f.qty;
      // Venues report filled quantities as floats: a nano of slack, far below any venue's amount step.
      if (sum <= limit + NANO) continue;
      findings.push({
        severity: 'critical',
        file,
        line: f.line,
        message: o.final
          ? `fill for order ${id} that the venue never reported: its fills reach ${str(sum)} but the venue's final update (line ${o.final.line}) says ${str(limit)} filled`
          : `fill for order ${id} beyond its quantity: fills reach ${str(sum)} of ${str(limit)} ordered (line ${o.line})`,
      });
      break;
    }
  }

  // Identities: the ledger's cash and positions equal the independent sums.
  for (const [k, v] of ledger.cashBalances()) {
    if ((cash.get(k) ?? ZERO) !== v)
      findings.push({
        severity: 'critical',
        file,
        message: `cash ${k}: ledger ${str(v)} but fills, fees and funding sum to ${str(cash.get(k) ?? ZERO)}`,
      });
  }
  const ledgerSize = new Map<string, Fixed>();
  for (const acc of ledger.accountsList()) add(ledgerSize, `${acc.venue}|${acc.symbol}`, acc.qty);
  for (const [k, v] of size) {
    if ((ledgerSize.get(k) ?? ZERO) !== v)
      findings.push({
        severity: 'critical',
        file,
        message: `position ${k}: ledger ${str(ledgerSize.get(k) ?? ZERO)} but fills sum to ${str(v)}`,
      });
  }
  markAtLastFills(ledger, lastPrice);
  return audit;
}

function decimal(v: unknown, field: string): string {
  if (typeof v !== 'string' || !DECIMAL.test(v))
    throw new Error(`field ${field}: expected a decimal string, got ${JSON.stringify(v)}`);
  return v;
}

/** The journal's own marks: each position at its last fill price. */
export function markAtLastFills(ledger: Ledger, lastPrice: Map<string, Fixed>): void {
  for (const [k, price] of lastPrice) {
    const [venue, symbol] = k.split('|');
    ledger.mark(venue, symbol, price);
  }
}
