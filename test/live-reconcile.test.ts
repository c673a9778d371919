// End to end: live orders left resting at a venue across a kill -9 are found on the restart with --live, hold live
// trading (paper goes on), and are cancelled at the venue when the operator accepts — the live journal says so.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVenueExecution, createVenueFeed } from '../gateways/venues.ts';
import { createCcxtClient } from '../gateways/ccxt/client.ts';
import { createHyperliquidClient } from '../gateways/hyperliquid/client.ts';
import { addressOf } from '../gateways/sim-venue/hyperliquid-signing.ts';
import { startLoopback, type Loopback } from '../gateways/sim-venue/loopback.ts';
import type { LoopbackVenue } from '../gateways/sim-venue/faults.ts';
import { demoProfile } from '../source/engine/config.ts';
import { Journal, readJournal } from '../state/journal.ts';
import { BTC_ON, restingBuy } from './loopback-market.ts';
import { BIN, runCli } from './run-cli.ts';
import { sleep, until } from './wait.ts';

interface Engine {
  output: () => string;
  /** SIGKILL (a crash) or SIGTERM (a clean stop); resolves with the exit code or signal. */
  stop: (signal: NodeJS.Signals) => Promise<number | string | null>;
}

let loopback: Loopback;
const dir = mkdtempSync(join(tmpdir(), 'td-live-reconcile-'));
const dataDir = join(dir, 'data');
const keysFile = join(dir, 'keys.json');
const profileFile = join(dir, 'profile.json');
const privateKey = `0x${randomBytes(32).toString('hex')}`;
const keys: Record<string, Record<string, string>> = {
  binance: { apiKey: `k-${randomBytes(8).toString('hex')}`, secret: `s-${randomBytes(12).toString('hex')}` },
  hyperliquid: { walletAddress: addressOf(privateKey), privateKey },
};

beforeAll(async () => {
  // The venues outlive the engine: they run here, and the engine reaches them as it would the real ones.
  loopback = await startLoopback({
    seed: 21,
    speed: 1,
    updatesPerSecond: 50,
    assets: ['BTC'],
    accounts: (venue) => keys[venue],
  });
  writeFileSync(keysFile, JSON.stringify(keys), { mode: 0o600 });
  const demo = demoProfile();
  const venues = Object.fromEntries(
    loopback.venues.map((v) => [
      v.name,
      { latencyMs: 25, ccxt: v.ccxt, urls: v.config.urls, options: v.config.options },
    ]),
  );
  writeFileSync(
    profileFile,
    JSON.stringify({
      ...demo,
      market: { kind: 'venues' },
      venues,
      strategies: demo.strategies.filter((s) => s.name === 'arb-btc'),
      promotion: { minTrades: 0, minNetPnl: -1_000_000, maxDrawdown: 1_000_000 },
    }),
  );
});

afterAll(async () => {
  await loopback?.close();
});

function venue(name: string): LoopbackVenue {
  return loopback.venues.find((v) => v.name === name)!;
}

function startEngine(): Engine {
  const child = spawn(
    process.execPath,
    [
      BIN,
      '--headless',
      '--json',
      '--live',
      '--keys',
      keysFile,
      '--config',
      profileFile,
      '--data-dir',
      dataDir,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | string | null>((r) =>
    child.once('exit', (code, sig) => r(code ?? sig)),
  );
  return {
    output: () => output,
    stop: (signal) => {
      child.kill(signal);
      return exited;
    },
  };
}

/** Poll the venue (an answer takes a round trip) until `done`, or fail saying what never happened. */
async function untilVenue(what: string, done: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await done()) return;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const ctl = (...args: string[]) => runCli(['ctl', ...args, '--data-dir', dataDir], { timeoutMs: 30_000 });

/** A plain ccxt client on the operator's account at a loopback venue: the venue's own word, not the engine's. */
async function plainClient(name: string) {
  const v = venue(name);
  const config = { ccxt: v.ccxt, urls: v.config.urls, options: v.config.options, credentials: keys[name] };
  const client =
    name === 'hyperliquid' ? await createHyperliquidClient(config) : await createCcxtClient(config);
  await client.loadMarkets();
  return client as unknown as {
    fetchOpenOrders(symbol: string): Promise<{ id: string; clientOrderId?: string }[]>;
    createOrder(
      symbol: string,
      type: string,
      side: string,
      amount: number,
      price: number,
      params: Record<string, unknown>,
    ): Promise<{ id: string }>;
    close?: () => Promise<void>;
  };
}

/**
 * What a crash leaves when a live order rests: its line in the live journal (journal first), the order at the venue.
 * The arbitrage sends only IOC orders, so the resting one is placed here the engine's way: the live journal's next
 * line, then our gateway on the operator's keys, which goes away without cancelling it.
 */
async function leaveRestingOrder(name: string, orderId: string): Promise<void> {
  const v = venue(name);
  const endpoint = { venue: name, ccxt: v.ccxt, urls: v.config.urls, options: v.config.options };
  const feed = await createVenueFeed(endpoint, [BTC_ON[name]]);
  let bid = 0;
  await feed.start({
    onMarket: (e) => {
      if (e.kind === 'book' && e.bids.length > 0) bid = e.bids[0][0];
    },
    onHealth: () => undefined,
  });
  await until(`a ${name} bid`, () => bid > 0, 20_000);
  await feed.stop();
  const [inst] = feed.instruments;
  const order = restingBuy(inst, orderId, bid, 200, 'arb-btc');
  const journal = new Journal(join(dataDir, 'live', 'journal.ndjson'), { fsync: 'every-line' });
  journal.append({
    type: 'order',
    ts: Date.now(),
    orderId,
    venue: name,
    symbol: order.symbol,
    side: order.side,
    qty: String(order.qty),
    price: String(order.price),
    decisionPrice: String(order.decisionPrice),
    tif: order.tif,
    reduceOnly: false,
    tag: 'open',
    strategy: 'arb-btc',
    mode: 'live',
  });
  journal.close();
  const gateway = await createVenueExecution(
    { ...endpoint, credentials: keys[name] },
    [inst],
    () => undefined,
  );
  const updates: string[] = [];
  gateway.execution.setListener({ onOrderUpdate: (u) => updates.push(u.status), onFill: () => undefined });
  gateway.execution.submit(order, Date.now());
  await until(`${orderId} resting at ${name}`, () => updates.includes('open'), 20_000);
  await gateway.stop();
}

describe('live orders across a crash', () => {
  it('holds live trading on restart with --live until accepted, then cancels the resting orders at the venue', async () => {
    // First run: promoted live, then killed -9.
    const first = startEngine();
    try {
      await until('live gateways ready', () => first.output().includes('live gateways ready'), 40_000);
      const promoted = await ctl('promote', 'arb-btc', '--yes');
      expect(promoted.code, promoted.stdout + promoted.stderr).toBe(0);
    } finally {
      expect(await first.stop('SIGKILL')).toBe('SIGKILL');
    }
    await leaveRestingOrder('binance', 'arb-btc-900001');
    await leaveRestingOrder('hyperliquid', 'arb-btc-900002');
    // Someone else's order on the same account: not ours, never touched.
    const binance = await plainClient('binance');
    const hyperliquid = await plainClient('hyperliquid');
    const foreign = await binance.createOrder('BTC/USDT:USDT', 'limit', 'buy', 0.01, 20_000, {
      clientOrderId: 'desk-manual-1',
    });
    const openAt = async () => [
      ...(await binance.fetchOpenOrders(BTC_ON.binance)).map((o) => o.clientOrderId ?? o.id),
      ...(await hyperliquid.fetchOpenOrders(BTC_ON.hyperliquid)).map((o) => o.clientOrderId ?? o.id),
    ];
    expect(await openAt()).toHaveLength(3);

    // The restart with --live and the same keys and data dir.
    const again = startEngine();
    try {
      await until('the live hold', () => again.output().includes('live trading held'), 60_000);
      const held = again
        .output()
        .split('\n')
        .filter((l) => l.includes('"type":"alert"') && l.includes('live trading held'))
        .join('\n');
      expect(held).toMatch(/arb-btc-900001 .*still resting at binance/);
      expect(held).toMatch(/arb-btc-900002 .*still resting at hyperliquid/);
      expect(again.output()).toMatch(/1 open order\(s\) on the account were not placed by tradedesk/);
      const status = JSON.parse((await ctl('status', '--json')).stdout);
      expect(status.held.paper).toEqual([]);
      expect(status.held.live.join('\n')).toMatch(/arb-btc-900001/);
      // No live order may go out while held: promotion is refused, with the reason.
      const refused = await ctl('promote', 'arb-btc', '--yes');
      expect(refused.code).toBe(1);
      expect(refused.stdout).toMatch(/arb-btc stays PAPER: the live journal differs from the venues/);

      const accepted = await ctl('accept', '--yes');
      expect(accepted.code, accepted.stdout + accepted.stderr).toBe(0);
      expect(accepted.stdout).toMatch(/live venue state accepted/);
      // The venue's own word: ours are gone, the other order still rests.
      await untilVenue(
        'the resting orders cancelled at the venues',
        async () => (await openAt()).length === 1,
        30_000,
      );
      expect(await openAt()).toEqual(['desk-manual-1']);
      const liveFile = join(dataDir, 'live', 'journal.ndjson');
      const cancelledIn = () =>
        readFileSync(liveFile, 'utf8')
          .split('\n')
          .filter((l) => l.includes('"type":"orderUpdate"') && l.includes('"status":"cancelled"'))
          .join('\n');
      await until(
        'both cancels in the live journal',
        () => ['arb-btc-900001', 'arb-btc-900002'].every((id) => cancelledIn().includes(`"orderId":"${id}"`)),
        20_000,
      );
      const after = JSON.parse((await ctl('status', '--json')).stdout);
      expect(after.held).toBeUndefined();
    } finally {
      expect(await again.stop('SIGTERM')).toBe(0);
      await binance.close?.();
      await hyperliquid.close?.();
    }
    void foreign;
    const live = readJournal(join(dataDir, 'live', 'journal.ndjson')).map((l) => l.record);
    expect(live.find((r) => r.type === 'state' && r.scope === 'reconcile')).toMatchObject({ to: 'ACCEPTED' });
    const check = await runCli(['check', '--data-dir', dataDir]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    // The keys appear in no output and no file of the data dir.
    const text = again.output() + readFileSync(join(dataDir, 'live', 'journal.ndjson'), 'utf8');
    for (const secret of [keys.binance.apiKey, keys.binance.secret, privateKey, privateKey.slice(2)])
      expect(text.includes(secret)).toBe(false);
  }, 240_000);
});
