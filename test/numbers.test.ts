// Numbers you can trust, end to end: a long replay checks clean, its journal reports the same trade figures,
// and one edited byte in the middle of the journal is caught and named by line.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

// Figures that come from fills, fees and funding alone, so the replay and the journal must agree on them;
// PnL marks and Sharpe differ by design (mid vs last fill, 5 s vs 1 min samples).
const FROM_FILLS = [
  'realizedPnl',
  'fees',
  'funding',
  'trades',
  'roundTrips',
  'volume',
  'winRate',
  'profitFactor',
  'expectancy',
  'avgEdgeBps',
  'slippageBps',
] as const;

describe('replay → check → report, 200 000 events', () => {
  it('checks clean, reports the same trade figures from the journal, and names an edited middle line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'td-numbers-'));
    const replay = await runCli(
      ['replay', '--seed', '1', '--events', '200000', '--json', '--data-dir', dir],
      {
        timeoutMs: 120_000,
      },
    );
    expect(replay.stderr).toBe('');
    expect(replay.code).toBe(0);
    const fromReplay = JSON.parse(replay.stdout);
    expect(fromReplay.total.trades).toBeGreaterThan(20);
    expect(fromReplay.total.roundTrips).toBeGreaterThan(5);
    expect(Object.keys(fromReplay.venues).sort()).toEqual(['binance', 'hyperliquid']);
    expect(Object.keys(fromReplay.symbols)).toHaveLength(6);

    const check = await runCli(['check', '--json', '--data-dir', dir]);
    expect(check.code).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({
      clean: true,
      stores: [{ store: 'replay', findings: [] }],
    });

    const report = await runCli(['report', '--json', '--data-dir', dir]);
    expect(report.code).toBe(0);
    const fromJournal = JSON.parse(report.stdout);
    for (const group of ['total', 'strategies', 'venues', 'symbols'] as const) {
      const pick = (figures: Record<string, unknown>) =>
        Object.fromEntries(FROM_FILLS.map((k) => [k, figures[k]]));
      const names = group === 'total' ? [null] : Object.keys(fromReplay[group]);
      for (const name of names) {
        const a = name === null ? fromReplay.total : fromReplay[group][name];
        const b = name === null ? fromJournal.total : fromJournal[group][name];
        expect(pick(b), `${group} ${name ?? ''}`).toEqual(pick(a));
      }
    }

    // One byte of the middle line: a digit of its timestamp.
    const file = join(dir, 'replay', 'journal.ndjson');
    const lines = readFileSync(file, 'utf8').split('\n');
    const middle = Math.floor((lines.length - 1) / 2);
    lines[middle] = lines[middle].replace(
      /"ts":(\d+)(\d)/,
      (_m, head, d) => `"ts":${head}${(Number(d) + 1) % 10}`,
    );
    writeFileSync(file, lines.join('\n'));
    const bad = await runCli(['check', '--data-dir', dir]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`CRITICAL ${file}:${middle + 1}: line ${middle + 1} was changed`);
  }, 180_000);
});
