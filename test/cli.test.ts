import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal } from '../state/journal.ts';
import { runCli } from './run-cli.ts';

const temp = () => mkdtempSync(join(tmpdir(), 'td-cli-'));
// PRODUCT.md's keys and the ones added since (README: "Report keys").
const REPORT_KEYS = [
  'netPnl',
  'grossPnl',
  'realizedPnl',
  'unrealizedPnl',
  'fees',
  'funding',
  'trades',
  'roundTrips',
  'volume',
  'winRate',
  'profitFactor',
  'expectancy',
  'avgEdgeBps',
  'maxDrawdown',
  'maxDrawdownPct',
  'maxDrawdownAt',
  'sharpe',
  'sortino',
  'breakEvenFeeBps',
  'slippageBps',
];

describe('tradedesk replay', () => {
  it('is deterministic: the same seed gives byte-identical journals and reports', async () => {
    const [a, b] = [temp(), temp()];
    const args = ['replay', '--seed', '7', '--events', '50000', '--json'];
    const [ra, rb] = await Promise.all([
      runCli([...args, '--data-dir', a]),
      runCli([...args, '--data-dir', b]),
    ]);
    expect(ra.code).toBe(0);
    expect(rb.code).toBe(0);
    expect(ra.stdout).toBe(rb.stdout);
    const ja = readFileSync(join(a, 'replay', 'journal.ndjson'), 'utf8');
    expect(ja).toBe(readFileSync(join(b, 'replay', 'journal.ndjson'), 'utf8'));
    const report = JSON.parse(ra.stdout);
    expect(Object.keys(report.total).sort()).toEqual(
      [...REPORT_KEYS, 'startEquity', 'equity', 'drawdown'].sort(),
    );
    expect(Object.keys(report.strategies['arb-btc']).sort()).toEqual([...REPORT_KEYS].sort());
    expect(Object.keys(report.strategies).sort()).toEqual(['arb-btc', 'arb-eth', 'arb-sol']);
    expect(report.total.trades).toBeGreaterThan(0);
    // The journal is a valid chain and its fills add up to the report's count.
    const lines = readJournal(join(a, 'replay', 'journal.ndjson'));
    expect(lines.filter((l) => l.record.type === 'fill')).toHaveLength(report.total.trades);
    // A different seed is a different market.
    const rc = await runCli(['replay', '--seed', '8', '--events', '50000', '--json', '--data-dir', temp()]);
    expect(rc.stdout).not.toBe(ra.stdout);
  });
});

describe('tradedesk --headless', () => {
  it('prints NDJSON status and fill lines and stops cleanly after --duration', async () => {
    const dir = temp();
    const r = await runCli(
      ['--headless', '--json', '--duration', '10', '--status-every', '1', '--data-dir', dir],
      { timeoutMs: 40_000 },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.type === 'status').length).toBeGreaterThanOrEqual(5);
    const fills = lines.filter((l) => l.type === 'fill');
    expect(fills.length).toBeGreaterThan(0);
    expect(lines.at(-1)).toEqual({ type: 'stopped', reason: 'duration' });
    const last = lines.filter((l) => l.type === 'status').at(-1);
    expect(last.openOrders).toBe(0);
    // Every fill it printed is in the journal, which verifies.
    const journal = readJournal(join(dir, 'paper', 'journal.ndjson'));
    expect(journal.filter((l) => l.record.type === 'fill')).toHaveLength(fills.length);
  });
});

describe('the live-paper profile', () => {
  it('without a network says which venue it cannot reach and exits 1, never hangs', async () => {
    // The runner's own timeout is the "never hangs": connection attempts give up within 10 s.
    const r = await runCli(
      ['--headless', '--config', 'live-paper', '--duration', '5', '--data-dir', temp()],
      { timeoutMs: 40_000 },
    );
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(
      /^tradedesk: cannot reach (binance|hyperliquid) \((binanceusdm|hyperliquid)\): /,
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('bad input', () => {
  it('an unknown flag exits 2 with a message, no stack trace', async () => {
    const r = await runCli(['--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/frobnicate/);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('a bad config file exits 2 naming the file and the field, and is left untouched', async () => {
    const dir = temp();
    const file = join(dir, 'bad.json');
    const text = JSON.stringify({
      profile: 'x',
      market: { kind: 'sim', seed: 1 },
      venues: { binance: { latencyMs: 'fast' } },
      startBalances: [{ venue: 'binance', currency: 'USDT', amount: '1' }],
      strategies: [],
    });
    writeFileSync(file, text);
    const r = await runCli(['replay', '--config', file, '--events', '10', '--data-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `tradedesk: config ${file}: field venues.binance.latencyMs: Expected number, received string`,
    );
    expect(readFileSync(file, 'utf8')).toBe(text);
    writeFileSync(file, '{ not json');
    const r2 = await runCli(['replay', '--config', file, '--events', '10', '--data-dir', dir]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(new RegExp(`config ${file}: not valid JSON`));
  });

  it('a corrupt state file exits 2 and is not overwritten', async () => {
    const dir = temp();
    const r0 = await runCli(['--headless', '--duration', '0.5', '--data-dir', dir]);
    expect(r0.code).toBe(0);
    const state = join(dir, 'paper', 'state.json');
    writeFileSync(state, '{"schemaVersion": 1, "halted": tru');
    const r = await runCli(['--headless', '--duration', '0.5', '--data-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/state .*state.json: not valid JSON; left untouched/);
    expect(readFileSync(state, 'utf8')).toBe('{"schemaVersion": 1, "halted": tru');
  });

  it('the console without a terminal says to use --headless, exit 2', async () => {
    const r = await runCli(['--data-dir', temp()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs a terminal; run with --headless/);
  });
});

describe('tradedesk check', () => {
  it('is clean after a replay, and names the line when one byte of the journal is edited', async () => {
    const dir = temp();
    expect(
      (await runCli(['replay', '--seed', '1', '--events', '30000', '--json', '--data-dir', dir])).code,
    ).toBe(0);
    const ok = await runCli(['check', '--json', '--data-dir', dir]);
    expect(ok.code).toBe(0);
    const report = JSON.parse(ok.stdout);
    expect(report.clean).toBe(true);
    expect(report.stores[0].fills).toBeGreaterThan(0);

    const file = join(dir, 'replay', 'journal.ndjson');
    const lines = readFileSync(file, 'utf8').split('\n');
    const target = lines.findIndex((l, i) => i > 2 && l.includes('"type":"fill"'));
    lines[target] = lines[target].replace(/"qty":"(\d)/, (_m, d) => `"qty":"${(Number(d) + 1) % 10}`);
    writeFileSync(file, lines.join('\n'));
    const bad = await runCli(['check', '--data-dir', dir]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`CRITICAL ${file}:${target + 1}: line ${target + 1} was changed`);
  });

  it('names a missing line by its seq', async () => {
    const dir = temp();
    expect((await runCli(['replay', '--seed', '2', '--events', '20000', '--data-dir', dir])).code).toBe(0);
    const file = join(dir, 'replay', 'journal.ndjson');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.splice(4, 1);
    writeFileSync(file, lines.join('\n'));
    const bad = await runCli(['check', '--data-dir', dir]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/:5: seq 6 where 5 was expected: a line is missing before this one/);
  });

  it('an empty data dir is a usage error', async () => {
    const r = await runCli(['check', '--data-dir', temp()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no journal in/);
  });
});
