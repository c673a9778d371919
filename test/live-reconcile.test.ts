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
import { hyperliquidClientId } from '../gateways/hyperliquid/client-id.ts';
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

function startEngine(dir = dataDir): Engine {
  const child = spawn(
    process.execPath,
    [BIN, '--headless', '--json', '--live', '--keys', keysFile, '--config', profileFile, '--data-dir', dir],
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

const ctl = (...args: string[]) => ctlIn(dataDir, ...args);
const ctlIn = (dir: string, ...args: string[]) =>
  runCli(['ctl', ...args, '--data-dir', dir], { timeoutMs: 30_000 });

/** A plain ccxt client on the operator's account at a loopback venue: the venue's own word, not the engine's. */
async function plainClient(name: string) {
  const v = venue(name);
  const config = { ccxt: v.ccxt, urls: v.config.urls, options: v.config.options, credentials: keys[name] };
  const client =
    name === 'hyperliquid' ? await createHyperliquidClient(config) : await createCcxtClient(config);
  await client.loadMarkets();
  return client as unknown as {
    fetchOpenOrders(symbol: string): Promise<{ id: string; clientOrderId?: string }[]>;
    fetchMyTrades(
      symbol: string,
    ): Promise<
      { id: string; order: string; amount: number; price: number; fee: { cost: number; currency: string } }[]
    >;
    fetchOrder(id: string, symbol: string, params: Record<string, unknown>): Promise<{ id: string }>;
    fetchPositions(symbols: string[]): Promise<{ symbol: string; contracts: number; side: string }[]>;
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
async function leaveRestingOrder(
  name: string,
  orderId: string,
  dir = dataDir,
  /** Under the bid by 3 % and then this share: an order below another is not filled by a trade through that one. */
  lower = 1,
): Promise<number> {
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
  const order = restingBuy(inst, orderId, bid * lower, 200, 'arb-btc');
  const journal = new Journal(join(dir, 'live', 'journal.ndjson'), { fsync: 'every-line' });
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
  return order.qty;
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

// Before the fills below: it needs the account flat at the venues, as its live ledger is.
describe('a live venue that does not answer at the restart', () => {
  it('is asked again with backoff, and its hold lifts once it answers clean', async () => {
    const quietDir = join(dir, 'quiet');
    // Binance cannot say what rests for its first two asks (the first, then 5 s later); the third, 10 s on, answers.
    venue('binance').faults.apply({ refuseOpenOrders: 2 });
    const engine = startEngine(quietDir);
    try {
      await until(
        'the retry announced',
        () => /binance did not say.*asking again in 5 s/.test(engine.output()),
        60_000,
      );
      const status = JSON.parse((await ctlIn(quietDir, 'status', '--json')).stdout);
      expect(status.held.live.join('\n')).toMatch(/binance did not say what it holds/);
      await until('binance answered', () => engine.output().includes('binance answered at last'), 40_000);
      expect(engine.output()).toMatch(/binance did not say.*asking again in 10 s/);
      expect(venue('binance').faults.refuseOpenOrders).toBe(0);
      const after = JSON.parse((await ctlIn(quietDir, 'status', '--json')).stdout);
      expect(after.held).toBeUndefined();
    } finally {
      venue('binance').faults.apply({ refuseOpenOrders: 0 });
      expect(await engine.stop('SIGTERM')).toBe(0);
    }
  }, 180_000);
});

describe('live fills made at the venue while the engine was down', () => {
  const fillsDir = join(dir, 'fills');
  const liveFile = join(fillsDir, 'live', 'journal.ndjson');
  const records = () => readJournal(liveFile).map((l) => l.record);
  const fillsOf = (id: string) => records().filter((r) => (r.type ?? 'fill') === 'fill' && r.orderId === id);
  const alerts = (e: Engine) =>
    e
      .output()
      .split('\n')
      .filter((l) => l.includes('"type":"alert"'))
      .join('\n');

  it('are journaled and booked from the venue record on the restart with --live, once, and positions agree', async () => {
    const first = startEngine(fillsDir);
    try {
      await until('live gateways ready', () => first.output().includes('live gateways ready'), 40_000);
    } finally {
      expect(await first.stop('SIGKILL')).toBe('SIGKILL');
    }
    const whole = 'arb-btc-910001';
    const part = 'arb-btc-910002';
    const untouched = 'arb-btc-910003';
    await leaveRestingOrder('binance', whole, fillsDir);
    const partQty = await leaveRestingOrder('hyperliquid', part, fillsDir);
    // Well below the one filled whole, so the trade through that one's price does not reach it.
    await leaveRestingOrder('binance', untouched, fillsDir, 0.98);
    // Other traders meet them while nobody listens: one filled whole, one in part.
    loopback.exchange.tradeAgainst('binance', whole);
    const partCloid = hyperliquidClientId(part);
    loopback.exchange.tradeAgainst('hyperliquid', partCloid, Number((partQty / 2).toFixed(5)));

    // The venue's own record of those fills (its trade ids, prices, fees).
    const binance = await plainClient('binance');
    const hyperliquid = await plainClient('hyperliquid');
    const tradesOf = async (name: 'binance' | 'hyperliquid', clientOrderId: string) => {
      const client = name === 'binance' ? binance : hyperliquid;
      const order = await client.fetchOrder('', BTC_ON[name], { clientOrderId });
      return (await client.fetchMyTrades(BTC_ON[name])).filter((t) => t.order === order.id);
    };
    const wholeTrades = await tradesOf('binance', whole);
    const partTrades = await tradesOf('hyperliquid', partCloid);
    expect(wholeTrades.length).toBeGreaterThan(0);
    expect(partTrades.length).toBeGreaterThan(0);
    const filledPart = partTrades.reduce((sum, t) => sum + t.amount, 0);
    expect(filledPart).toBeLessThan(partQty);

    const again = startEngine(fillsDir);
    try {
      await until(
        'the fills recovered',
        () => /while the engine was down booked/.test(alerts(again)),
        60_000,
      );
      await until('the live hold', () => alerts(again).includes('live trading held'), 30_000);
      const said = alerts(again);
      expect(said).toMatch(
        /binance: 1 live fill\(s\) made while the engine was down booked .*arb-btc-910001/,
      );
      expect(said).toMatch(
        /hyperliquid: \d+ live fill\(s\) made while the engine was down booked .*arb-btc-910002/,
      );
      // The live ledger now holds what the venues hold: no position difference, only the orders still resting.
      expect(said).not.toMatch(/live position/);
      expect(said).toMatch(/arb-btc-910002 .*still resting at hyperliquid/);
      expect(said).toMatch(/arb-btc-910003 .*still resting at binance/);
      expect(said).not.toMatch(/arb-btc-910001 .*(still resting|not at binance)/);
      const status = JSON.parse((await ctlIn(fillsDir, 'status', '--json')).stdout);
      expect(status.held.live.join('\n')).not.toMatch(/live position/);
    } finally {
      // A crash again: a clean stop would cancel the orders still resting, and the third start must find them.
      expect(await again.stop('SIGKILL')).toBe('SIGKILL');
    }
    // Journaled with the venue's trade id, price and fee; the filled order journaled filled.
    const asJournaled = (id: string) =>
      fillsOf(id).map((r) => [r.tradeId, Number(r.price), Number(r.fee), r.feeCurrency, r.mode, r.strategy]);
    const asAtVenue = (ts: typeof wholeTrades) =>
      ts.map((t) => [String(t.id), t.price, t.fee.cost, t.fee.currency, 'live', 'arb-btc']);
    expect(asJournaled(whole)).toEqual(asAtVenue(wholeTrades));
    expect(asJournaled(part)).toEqual(asAtVenue(partTrades));
    expect(fillsOf(untouched)).toEqual([]);
    expect(
      records().find((r) => r.type === 'orderUpdate' && r.orderId === whole && r.status === 'filled'),
    ).toBeDefined();
    // The venue's positions are the live ledger's: the sum of the fills booked.
    const positions = [
      ...(await binance.fetchPositions([BTC_ON.binance])),
      ...(await hyperliquid.fetchPositions([BTC_ON.hyperliquid])),
    ].filter((p) => p.contracts !== 0);
    const booked = (id: string) => fillsOf(id).reduce((sum, r) => sum + Number(r.qty), 0);
    expect(positions.map((p) => [p.symbol, p.side, p.contracts])).toEqual([
      [BTC_ON.binance, 'long', booked(whole)],
      [BTC_ON.hyperliquid, 'long', booked(part)],
    ]);
    expect(booked(part)).toBeCloseTo(filledPart, 9);

    const report = await runCli(['report', '--json', '--live', '--data-dir', fillsDir]);
    expect(report.code, report.stdout + report.stderr).toBe(0);
    expect(JSON.parse(report.stdout).total.trades).toBeGreaterThanOrEqual(1);
    const reportedFills = JSON.parse(report.stdout).total;
    const check = await runCli(['check', '--data-dir', fillsDir]);
    expect(check.code, check.stdout + check.stderr).toBe(0);

    // Another restart asks again about the orders still open: nothing is booked twice.
    const before = records().filter((r) => (r.type ?? 'fill') === 'fill').length;
    const third = startEngine(fillsDir);
    try {
      await until('the live hold', () => alerts(third).includes('live trading held'), 60_000);
      expect(alerts(third)).not.toMatch(/while the engine was down booked/);
      expect(alerts(third)).not.toMatch(/live position/);
    } finally {
      expect(await third.stop('SIGTERM')).toBe(0);
      await binance.close?.();
      await hyperliquid.close?.();
    }
    expect(records().filter((r) => (r.type ?? 'fill') === 'fill').length).toBe(before);
    const reportAgain = await runCli(['report', '--json', '--live', '--data-dir', fillsDir]);
    // The same money; only when the drawdown was last at its depth may move, as the clean stop's cancels add lines.
    const withoutWhen = (t: Record<string, unknown>) => ({ ...t, maxDrawdownAt: undefined });
    expect(withoutWhen(JSON.parse(reportAgain.stdout).total)).toEqual(withoutWhen(reportedFills));
  }, 300_000);
});

describe('quitting with live orders the last run left resting', () => {
  it('a clean stop cancels them at the venue, as q cancels every open order, held or not', async () => {
    const quitDir = join(dir, 'quit');
    const binance = await plainClient('binance');
    const openIds = async () =>
      (await binance.fetchOpenOrders(BTC_ON.binance)).map((o) => o.clientOrderId ?? o.id);
    try {
      const before = new Set(await openIds());
      await leaveRestingOrder('binance', 'arb-btc-930001', quitDir, 0.9);
      const ours = (await openIds()).filter((id) => !before.has(id));
      expect(ours).toHaveLength(1);
      const engine = startEngine(quitDir);
      let code: number | string | null = null;
      try {
        await until('the live hold', () => engine.output().includes('live trading held'), 60_000);
        // Not accepted, and still an open order of ours: the status counts it.
        const status = JSON.parse((await ctlIn(quitDir, 'status', '--json')).stdout);
        expect(status.openOrders).toBeGreaterThanOrEqual(1);
      } finally {
        code = await engine.stop('SIGTERM');
      }
      expect(code).toBe(0);
      await untilVenue(
        'the order left resting cancelled at binance',
        async () => !(await openIds()).includes(ours[0]),
        20_000,
      );
      const live = readJournal(join(quitDir, 'live', 'journal.ndjson')).map((l) => l.record);
      expect(live.find((r) => r.type === 'orderUpdate' && r.orderId === 'arb-btc-930001')).toMatchObject({
        status: 'cancelled',
      });
    } finally {
      await binance.close?.();
    }
  }, 120_000);
});
