import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { str } from '../core/money.ts';
import { Journal } from '../../state/journal.ts';
import { auditJournal } from './journal-audit.ts';
import { reportFromJournal } from './journal-report.ts';

function journal() {
  const file = join(mkdtempSync(join(tmpdir(), 'td-audit-')), 'journal.ndjson');
  return { file, j: new Journal(file) };
}

const fill = (orderId: string, side: string, qty: string, price: string, fee: string) => ({
  type: 'fill',
  ts: 1,
  venue: 'binance',
  symbol: 'BTC/USDT:USDT',
  side,
  qty,
  price,
  fee,
  feeCurrency: 'USDT',
  liquidity: 'taker',
  orderId,
  strategy: 's',
  mode: 'paper',
});

describe('auditJournal', () => {
  it('catches an edited last line and a cut-off tail against the head a clean close recorded', () => {
    const { file, j } = journal();
    j.append({ type: 'deposit', ts: 0, venue: 'binance', currency: 'USDT', amount: '1000' });
    j.append({ type: 'order', ts: 0, orderId: 'o1' });
    j.append(fill('o1', 'buy', '0.01', '64000', '0.32'));
    j.close();
    expect(auditJournal(file).findings).toEqual([]);
    const clean = readFileSync(file, 'utf8');
    // One byte of the last line: the chain alone has no later line to notice it.
    writeFileSync(file, clean.replace('"price":"64000"', '"price":"64001"'));
    expect(auditJournal(file).findings.map((f) => [f.line, f.message])).toEqual([
      [3, 'line 3 was changed after the journal was closed (its hash is not the one recorded at close)'],
    ]);
    // The last line cut off whole: seq and chain still run 1, 2 without a gap.
    writeFileSync(file, clean.split('\n').slice(0, 2).join('\n') + '\n');
    expect(auditJournal(file).findings.map((f) => f.message)).toEqual([
      'the journal ends at line 2, but it was closed at seq 3: lines after 2 are missing',
    ]);
  });

  it('rebuilds cash, positions and PnL from a clean journal with no findings', () => {
    const { file, j } = journal();
    j.append({ type: 'deposit', ts: 0, venue: 'binance', currency: 'USDT', amount: '1000' });
    j.append({ type: 'order', ts: 0, orderId: 'o1' });
    j.append(fill('o1', 'buy', '0.01', '64000', '0.32'));
    j.append({ type: 'order', ts: 0, orderId: 'o2' });
    j.append(fill('o2', 'sell', '0.01', '64100', '-0.05'));
    j.append({
      type: 'funding',
      ts: 2,
      venue: 'binance',
      symbol: 'BTC/USDT:USDT',
      strategy: 's',
      amount: '-0.1',
      currency: 'USDT',
    });
    j.close();
    const a = auditJournal(file);
    expect(a.findings).toEqual([]);
    expect(a.fills).toBe(2);
    // 1000 - 640 - 0.32 + 641 + 0.05 - 0.1
    expect(str(a.ledger.equity())).toBe('1000.63');
    expect(str(a.ledger.totals().net)).toBe('0.63');
  });

  it('names a fill for an order that was never placed, and a malformed amount, by line', () => {
    const { file, j } = journal();
    j.append({ type: 'order', ts: 0, orderId: 'o1' });
    j.append(fill('ghost', 'buy', '0.01', '64000', '0.32'));
    j.append(fill('o1', 'buy', '0.01', '64000', 0.32 as unknown as string));
    j.close();
    const a = auditJournal(file);
    expect(a.findings.map((f) => [f.line, f.message])).toEqual([
      [2, 'fill for order ghost that was never placed'],
      [3, 'field fee: expected a decimal string, got 0.32'],
    ]);
  });
});

describe('auditJournal detection, each named by line', () => {
  /** deposit, then three orders each filled and finished: 10 lines. */
  function clean() {
    const { file, j } = journal();
    j.append({ type: 'deposit', ts: 0, venue: 'binance', currency: 'USDT', amount: '100000' });
    for (const [i, side] of (['buy', 'sell', 'buy'] as const).entries()) {
      const id = `o${i + 1}`;
      j.append({ type: 'order', ts: i, orderId: id, qty: '0.01', decisionPrice: '64000' });
      j.append(fill(id, side, '0.01', '64000.5', '0.32'));
      j.append({ type: 'orderUpdate', ts: i, orderId: id, status: 'filled', filledQty: '0.01' });
    }
    j.close();
    return file;
  }
  const lines = (file: string) => readFileSync(file, 'utf8').split('\n');

  it('a clean journal has no findings, and its report counts slippage against the decision prices', () => {
    const file = clean();
    expect(auditJournal(file).findings).toEqual([]);
    // 0.5 worse on each buy, 0.5 better on the sell, over 3 × 640 of decision notional: 0.005 / 1920 → 0.026 bp
    expect(reportFromJournal(file).report.total.slippageBps).toBe(0.026);
  });

  it('one byte edited in a middle line names that line', () => {
    const file = clean();
    const text = lines(file);
    text[5] = text[5].replace('"qty":"0.01"', '"qty":"0.02"');
    writeFileSync(file, text.join('\n'));
    const findings = auditJournal(file).findings;
    expect(findings[0]).toMatchObject({ line: 6, severity: 'critical' });
    expect(findings[0].message).toMatch(/^line 6 was changed/);
  });

  it('a missing line is named where it should have been', () => {
    const file = clean();
    const text = lines(file);
    text.splice(4, 1);
    writeFileSync(file, text.join('\n'));
    const findings = auditJournal(file).findings;
    expect(findings.map((f) => [f.line, f.message])).toContainEqual([
      5,
      'seq 6 where 5 was expected: a line is missing before this one',
    ]);
  });

  it('a fill the venue never reported: beyond its final fill, for a rejected order, for an order never placed', () => {
    const { file, j } = journal();
    j.append({ type: 'deposit', ts: 0, venue: 'binance', currency: 'USDT', amount: '100000' });
    j.append({ type: 'order', ts: 0, orderId: 'o1', qty: '0.02' });
    j.append(fill('o1', 'buy', '0.01', '64000', '0.32'));
    j.append({ type: 'orderUpdate', ts: 1, orderId: 'o1', status: 'cancelled', filledQty: '0.01' });
    j.append(fill('o1', 'buy', '0.01', '64000', '0.32'));
    j.append({ type: 'order', ts: 2, orderId: 'o2', qty: '0.01' });
    j.append({ type: 'orderUpdate', ts: 2, orderId: 'o2', status: 'rejected', filledQty: '0' });
    j.append(fill('o2', 'sell', '0.01', '64000', '0.32'));
    j.append(fill('o3', 'sell', '0.01', '64000', '0.32'));
    j.close();
    expect(auditJournal(file).findings.map((f) => [f.line, f.message])).toEqual([
      [8, 'fill for order o2 that the venue rejected (line 7): it never reached the venue'],
      [9, 'fill for order o3 that was never placed'],
      [
        5,
        "fill for order o1 that the venue never reported: its fills reach 0.02 but the venue's final update (line 4) says 0.01 filled",
      ],
    ]);
  });

  it('a fee in another currency books at its recorded rate, and a rate that does not multiply out is named', () => {
    const { file, j } = journal();
    j.append({ type: 'deposit', ts: 0, venue: 'binance', currency: 'USDT', amount: '1000' });
    j.append({ type: 'order', ts: 0, orderId: 'o1', qty: '0.01' });
    j.append({
      ...fill('o1', 'buy', '0.01', '64000', '0.0002'),
      feeCurrency: 'BNB',
      feeRate: '600.5',
      feeQuote: '0.1201',
    });
    j.append({ type: 'order', ts: 0, orderId: 'o2', qty: '0.01' });
    j.append({
      ...fill('o2', 'sell', '0.01', '64000', '0.000001'),
      feeCurrency: 'BTC',
      feeRate: '64000',
      feeQuote: '0.1',
    });
    // A base fee from a journal that did not record the rate: converted at the fill price, 0.000001 × 64000.
    j.append({ type: 'order', ts: 0, orderId: 'o3', qty: '0.01' });
    j.append({ ...fill('o3', 'sell', '0.01', '64000', '0.000001'), feeCurrency: 'BTC' });
    j.close();
    const a = auditJournal(file);
    expect(a.findings.map((f) => [f.line, f.message])).toEqual([
      [5, 'feeQuote 0.1 is not fee 0.000001 × feeRate 64000'],
    ]);
    // the bad line is not booked; the others are: 1000 − 640 − 0.1201 + 640 − 0.064
    expect(str(a.ledger.equity())).toBe('999.8159');
  });
});
