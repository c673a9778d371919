// Crash safety: SIGKILL the headless engine at random moments while it fills fast, restart it, and the journal
// still verifies and holds every fill the engine had acknowledged (printed) before it died.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { auditJournal } from '../source/engine/journal-audit.ts';
import { readJournalText } from '../state/journal.ts';
import { BIN, runCli } from './run-cli.ts';
import { sleep, until } from './wait.ts';

const PROFILE = fileURLToPath(new URL('./fixtures/busy-sim.json', import.meta.url));
const KILLS = 20;

const fillKey = (f: Record<string, unknown>) =>
  JSON.stringify([f.ts, f.venue, f.symbol, f.side, f.qty, f.price, f.fee, f.strategy]);

/** Start the engine, let it fill for a random while, SIGKILL it; returns the fills it printed (acknowledged). */
async function runAndKill(
  dataDir: string,
  seed: number,
  random: () => number,
): Promise<{ fills: string[]; setAsideAlerts: number }> {
  const child = spawn(
    process.execPath,
    [BIN, '--headless', '--json', '--config', PROFILE, '--seed', String(seed), '--data-dir', dataDir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)));
  try {
    await until(`a fill (stderr: ${stderr})`, () => stdout.includes('"type":"fill"'), 30_000);
    // A random moment: 0 to 800 ms after the first fill, while fills arrive tens per second.
    await sleep(Math.floor(random() * 800));
  } finally {
    child.kill('SIGKILL');
  }
  expect(await exited).toBe('SIGKILL');
  // A line cut off by the kill was never acknowledged: only whole lines count.
  const lines = stdout
    .split('\n')
    .slice(0, -1)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    fills: lines.filter((l) => l.type === 'fill').map(fillKey),
    setAsideAlerts: lines.filter((l) => l.type === 'alert' && /set aside/.test(String(l.message))).length,
  };
}

/** Deterministic randomness for the kill moments, so a failure can be repeated. */
function mulberry(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('crash safety', () => {
  it(`loses no acknowledged fill across ${KILLS} SIGKILLs; each restart comes up and check is clean`, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'td-crash-'));
    const journal = join(dataDir, 'paper', 'journal.ndjson');
    const random = mulberry(Number(process.env.CRASH_SEED ?? 20261124));
    const acknowledged: string[] = [];
    let tornSoFar = 0;
    for (let i = 0; i < KILLS; i++) {
      // Each run after the first is the restart after a SIGKILL: it must open the crashed journal and trade on.
      const run = await runAndKill(dataDir, 100 + i, random);
      acknowledged.push(...run.fills);
      expect(run.fills.length).toBeGreaterThan(0);
      expect(run.setAsideAlerts).toBe(tornSoFar);
      // The journal as the kill left it: `tradedesk check`'s audit finds nothing but, at most, a torn last line,
      // which the next start must set aside (and say so).
      const audit = auditJournal(journal);
      const torn = audit.findings.filter((f) => /torn last line/.test(f.message));
      expect(audit.findings.filter((f) => !torn.includes(f))).toEqual([]);
      tornSoFar = torn.length;
      const journaled = fillsIn(journal);
      expect(acknowledged.filter((k) => !journaled.has(k))).toEqual([]);
      expect([...journaled.values()].every((n) => n === 1)).toBe(true);
    }
    // The last restart, a clean stop, and the real `tradedesk check`.
    const restart = await runCli(
      [
        '--headless',
        '--json',
        '--config',
        PROFILE,
        '--duration',
        '0.5',
        '--status-every',
        '60',
        '--data-dir',
        dataDir,
      ],
      { timeoutMs: 60_000 },
    );
    expect(restart.stderr).toBe('');
    expect(restart.code).toBe(0);
    const check = await runCli(['check', '--data-dir', dataDir], { timeoutMs: 60_000 });
    expect(check.stdout).toMatch(/^ok .*journal\.ndjson/);
    expect(check.code).toBe(0);
    const journaled = fillsIn(journal);
    expect(acknowledged.filter((k) => !journaled.has(k))).toEqual([]);
    expect(acknowledged.length).toBeGreaterThanOrEqual(KILLS);
  }, 300_000);
});

/** Fill keys in the journal, with how often each occurs; only whole lines (a torn tail is not a fill). */
function fillsIn(journal: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of readJournalText(journal).split('\n').slice(0, -1)) {
    const r = JSON.parse(line) as Record<string, unknown>;
    if (r.type === 'fill') out.set(fillKey(r), (out.get(fillKey(r)) ?? 0) + 1);
  }
  return out;
}
