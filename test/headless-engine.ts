// A headless engine as a child process for end-to-end tests of ctl and attach, on a market that keeps orders open.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, runCli } from './run-cli.ts';
import { until } from './wait.ts';

/**
 * The in-process simulated market at 2× speed, no required margin, and 10 s of paper latency on both venues:
 * the strategies trade often and each order sits in flight (open) for about 5 wall-clock seconds.
 */
export function writeSlowVenueProfile(dir: string): string {
  const file = join(dir, 'slow-venues.json');
  const arb = (asset: string) => ({
    kind: 'cross-venue-arb',
    name: `arb-${asset.toLowerCase()}`,
    asset,
    marginBps: 0,
    legs: [
      { venue: 'binance', symbol: `${asset}/USDT:USDT` },
      { venue: 'hyperliquid', symbol: `${asset}/USDC:USDC` },
    ],
  });
  const profile = {
    profile: 'slow-venues',
    market: { kind: 'sim', seed: 3, speed: 2, updatesPerSecond: 100, assets: ['BTC', 'ETH'] },
    venues: { binance: { latencyMs: 10_000 }, hyperliquid: { latencyMs: 10_000 } },
    startBalances: [
      { venue: 'binance', currency: 'USDT', amount: '50000' },
      { venue: 'hyperliquid', currency: 'USDC', amount: '50000' },
    ],
    strategies: [arb('BTC'), arb('ETH')],
  };
  writeFileSync(file, JSON.stringify(profile));
  return file;
}

export interface HeadlessEngine {
  child: ChildProcessWithoutNullStreams;
  /** Everything it printed so far (NDJSON). */
  output: () => string;
  /** SIGTERM, then its exit code. */
  stop: () => Promise<number | null>;
}

export async function startHeadless(dataDir: string, profileFile: string): Promise<HeadlessEngine> {
  const child = spawn(
    process.execPath,
    [BIN, '--headless', '--json', '--status-every', '1', '--config', profileFile, '--data-dir', dataDir],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  await until(
    'the engine to open its control socket',
    () => gone || existsSync(join(dataDir, 'paper', 'control.sock')),
    30_000,
  );
  if (gone) throw new Error(`the headless engine exited at start:\n${output}`);
  return {
    child,
    output: () => output,
    stop: () => {
      if (!gone) child.kill('SIGTERM');
      return exited;
    },
  };
}

export interface DeskStatusJson {
  state: string;
  mode: string;
  openOrders: number;
  strategies: { name: string; mode: string; state: string; netPnl: string }[];
  venues: { name: string; connected: boolean; dataAgeMs: number }[];
}

/** `tradedesk ctl status --json`, which must succeed. */
export async function ctlStatus(dataDir: string): Promise<DeskStatusJson> {
  const r = await runCli(['ctl', 'status', '--json', '--data-dir', dataDir]);
  if (r.code !== 0) throw new Error(`ctl status exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as DeskStatusJson;
}
