// End to end: --live with the operator's keys, a strategy promoted through the gate by ctl, real money on its own
// ledger — and the planted secrets appear in no output, log line, journal, state file or snapshot.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addressOf } from '../gateways/sim-venue/hyperliquid-signing.ts';
import { demoProfile } from '../source/engine/config.ts';
import { readJournal } from '../state/journal.ts';
import { BIN, runCli } from './run-cli.ts';
import { until } from './wait.ts';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const st = statSync(path);
    return st.isDirectory() ? filesUnder(path) : st.isFile() ? [path] : [];
  });
}

describe('live trading after promotion', () => {
  it('promotes through the gate with ctl, trades on the live ledger, and never shows a secret', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'td-live-'));
    const dataDir = join(dir, 'data');
    const secrets = {
      apiKey: `planted-key-${randomBytes(8).toString('hex')}`,
      secret: `planted-secret-${randomBytes(12).toString('hex')}`,
      privateKey: `0x${randomBytes(32).toString('hex')}`,
    };
    const keys = join(dir, 'keys.json');
    writeFileSync(
      keys,
      JSON.stringify({
        binance: { apiKey: secrets.apiKey, secret: secrets.secret },
        hyperliquid: { walletAddress: addressOf(secrets.privateKey), privateKey: secrets.privateKey },
      }),
      { mode: 0o600 },
    );
    // The demo on loopback venues, whose accounts are the operator's keys; a gate any record passes.
    const profile = join(dir, 'profile.json');
    writeFileSync(
      profile,
      JSON.stringify({
        ...demoProfile(),
        promotion: { minTrades: 0, minNetPnl: -1_000_000, maxDrawdown: 1_000_000 },
      }),
    );

    const child = spawn(
      process.execPath,
      [BIN, '--headless', '--json', '--live', '--keys', keys, '--config', profile, '--data-dir', dataDir],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    const ctl = (...args: string[]) => runCli(['ctl', ...args, '--data-dir', dataDir], { timeoutMs: 30_000 });
    try {
      await until(
        'live gateways ready',
        () => out.includes('live gateways ready on binance, hyperliquid'),
        40_000,
      );
      const promoted: string[] = [];
      for (const name of ['arb-btc', 'arb-eth', 'arb-sol']) {
        const r = await ctl('promote', name, '--yes');
        promoted.push(r.stdout + r.stderr);
        expect(r.code, r.stdout + r.stderr).toBe(0);
      }
      expect(promoted.join('\n')).toMatch(/arb-btc is LIVE/);
      const status = JSON.parse((await ctl('status', '--json')).stdout);
      expect(status.strategies.map((s: { mode: string }) => s.mode)).toEqual(['live', 'live', 'live']);
      const liveJournal = join(dataDir, 'live', 'journal.ndjson');
      await until(
        'a live fill',
        () => existsSync(liveJournal) && readFileSync(liveJournal, 'utf8').includes('"type":"fill"'),
        60_000,
      );
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);

    // Real money stays on its own ledger: live fills only in live/, marked live; paper/ has no live line.
    const live = readJournal(join(dataDir, 'live', 'journal.ndjson')).map((l) => l.record);
    const fills = live.filter((r) => r.type === 'fill');
    expect(fills.length).toBeGreaterThan(0);
    expect(fills.every((r) => r.mode === 'live')).toBe(true);
    const paper = readJournal(join(dataDir, 'paper', 'journal.ndjson')).map((l) => l.record);
    expect(paper.some((r) => r.mode === 'live')).toBe(false);
    expect(paper.filter((r) => r.type === 'mode').map((r) => r.to)).toEqual(['live', 'live', 'live']);
    expect((await runCli(['check', '--data-dir', dataDir])).code).toBe(0);

    // Every output channel, searched for every planted secret.
    const channels: [string, string][] = [
      ['engine stdout and stderr', out],
      ['ctl status', (await runCli(['ctl', 'status', '--json', '--data-dir', dataDir])).stdout],
      ...filesUnder(dataDir).map((f): [string, string] => [f, readFileSync(f, 'latin1')]),
    ];
    for (const [where, text] of channels)
      for (const [name, value] of Object.entries(secrets))
        expect(text.includes(value) || text.includes(value.slice(2)), `${name} found in ${where}`).toBe(
          false,
        );
  }, 180_000);
});
