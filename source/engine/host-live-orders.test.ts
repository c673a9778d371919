// A restart that cannot reach the live venues still says which live orders the live journal left open, and where.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../state/journal.ts';
import { simProfile } from './config.ts';
import { EngineHost } from './host.ts';

/** A data dir whose live journal holds one open live order and one finished one, as a kill -9 leaves it. */
function dataDirWithOpenLiveOrder(): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'td-live-left-'));
  mkdirSync(join(dataDir, 'live'));
  const journal = new Journal(join(dataDir, 'live', 'journal.ndjson'));
  const order = (orderId: string) =>
    journal.append({
      type: 'order',
      ts: 1,
      orderId,
      venue: 'binance',
      symbol: 'BTC/USDT:USDT',
      side: 'buy',
      qty: '0.01',
      price: '60000',
      strategy: 'arb-btc',
      mode: 'live',
    });
  order('arb-btc-7');
  order('arb-btc-8');
  journal.append({ type: 'orderUpdate', ts: 2, orderId: 'arb-btc-8', status: 'filled', filledQty: '0.01' });
  journal.close();
  return dataDir;
}

describe('live orders left open, at a start that cannot reach the venue', () => {
  it('without --live: one warning names the orders and venues and says to start with --live', async () => {
    const host = await EngineHost.create({
      profile: simProfile(),
      dataDir: dataDirWithOpenLiveOrder(),
      mode: 'paper',
      liveAllowed: false,
    });
    host.start();
    try {
      const warnings = host.engine.alerts.filter((a) => /live journal/.test(a.message));
      expect(warnings.map((a) => [a.severity, a.message])).toEqual([
        [
          'warning',
          'the live journal still shows 1 open live order(s) on binance: arb-btc-7 (arb-btc: buy 0.01 BTC/USDT:USDT on binance): they may be resting at the venue unmanaged; start with --live and the keys to reconcile them (without keys the engine cannot reach the venues)',
        ],
      ]);
      // Paper trading is not held by it.
      expect(host.engine.reconciliation).toEqual([]);
    } finally {
      await host.stop();
    }
  });

  it('with --live but no keys for the venue: the orders are named, and nothing can go live', async () => {
    const host = await EngineHost.create({
      profile: simProfile(),
      dataDir: dataDirWithOpenLiveOrder(),
      mode: 'paper',
      liveAllowed: true,
    });
    try {
      expect(host.engine.alerts.map((a) => a.message)).toContainEqual(
        expect.stringMatching(
          /^the live journal shows 1 open live order\(s\) on binance: arb-btc-7 .*cannot be reconciled$/,
        ),
      );
      expect(host.engine.command({ type: 'promote', strategy: 'arb-btc', confirm: 'arb-btc' })).toMatchObject(
        {
          ok: false,
          message: expect.stringMatching(/^no live credentials for binance/),
        },
      );
    } finally {
      await host.stop();
    }
  });

  it('says nothing when the live journal has no open order', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'td-live-none-'));
    const host = await EngineHost.create({
      profile: simProfile(),
      dataDir,
      mode: 'paper',
      liveAllowed: false,
    });
    host.start();
    try {
      expect(host.engine.alerts.filter((a) => /live journal/.test(a.message))).toEqual([]);
    } finally {
      await host.stop();
    }
  });
});
