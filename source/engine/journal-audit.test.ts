import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { str } from '../core/money.ts';
import { Journal } from '../../state/journal.ts';
import { auditJournal } from './journal-audit.ts';

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
