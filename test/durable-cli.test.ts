// Durable state through the real binary: migrate, refused stores, recording and replaying a recording.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RecordingIndex } from '../gateways/replay/recording.ts';
import { reportFromJournal } from '../source/engine/journal-report.ts';
import { readJournal } from '../state/journal.ts';
import { runCli } from './run-cli.ts';

const temp = () => mkdtempSync(join(tmpdir(), 'td-durable-'));
const fixture = (name: string) => fileURLToPath(new URL(`../state/fixtures/${name}`, import.meta.url));

function storeWith(dir: string, mode: string, text: string): string {
  mkdirSync(join(dir, mode), { recursive: true });
  const file = join(dir, mode, 'state.json');
  writeFileSync(file, text);
  return file;
}

describe('tradedesk migrate', () => {
  it('--dry-run prints the plan and writes nothing; then it backs up and migrates; then it is up to date', async () => {
    const dir = temp();
    const paper = storeWith(dir, 'paper', readFileSync(fixture('state.v1.json'), 'utf8'));
    const live = storeWith(dir, 'live', readFileSync(fixture('state.v1-halted.json'), 'utf8'));
    const before = [readFileSync(paper, 'utf8'), readFileSync(live, 'utf8')];

    const dry = await runCli(['migrate', '--dry-run', '--data-dir', dir]);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`${paper}: schema v1 → v2`);
    expect(dry.stdout).toContain(`${live}: schema v1 → v2`);
    expect(dry.stdout).toMatch(/added kill; .*removed halted/);
    expect(dry.stdout).toContain('dry run: nothing written');
    expect([readFileSync(paper, 'utf8'), readFileSync(live, 'utf8')]).toEqual(before);
    expect(readdirSync(join(dir, 'paper'))).toEqual(['state.json']);

    const real = await runCli(['migrate', '--data-dir', dir]);
    expect(real.code).toBe(0);
    for (const [i, file] of [paper, live].entries()) {
      const backups = readdirSync(join(file, '..')).filter((f) => f.endsWith('.bak'));
      expect(backups).toHaveLength(1);
      expect(backups[0]).toMatch(/^state\.json\.v1-\d{8}T\d{6}Z\.bak$/);
      expect(readFileSync(join(file, '..', backups[0]), 'utf8')).toBe(before[i]);
      expect(real.stdout).toContain(`backup: ${join(file, '..', backups[0])}`);
      expect(JSON.parse(readFileSync(file, 'utf8')).schemaVersion).toBe(2);
    }
    expect(JSON.parse(readFileSync(live, 'utf8')).kill.halted).toBe(true);

    const again = await runCli(['migrate', '--data-dir', dir]);
    expect(again.stdout).toContain(`${paper}: schema v2, up to date`);
  });

  it.each([
    [
      'a newer schema',
      JSON.stringify({ schemaVersion: 7, kill: {} }),
      /schemaVersion 7 is newer than this tradedesk understands \(2\); left untouched/,
    ],
    ['a corrupt file', '{"schemaVersion": 2, "kill"', /not valid JSON; left untouched/],
  ])(
    'refuses %s with exit 2, from migrate and from the engine, and leaves its bytes alone',
    async (_what, text, message) => {
      const dir = temp();
      const file = storeWith(dir, 'paper', text);
      for (const args of [
        ['migrate'],
        ['migrate', '--dry-run'],
        ['--headless', '--config', 'sim', '--duration', '0.5'],
      ]) {
        const r = await runCli([...args, '--data-dir', dir]);
        expect(r.code).toBe(2);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr).toContain(`tradedesk: state ${file}: `);
        expect(r.stderr).toMatch(message);
        expect(readFileSync(file, 'utf8')).toBe(text);
        expect(readdirSync(join(dir, 'paper'))).toEqual(['state.json']);
      }
    },
  );

  it('the engine migrates an older store on open, after a backup, and keeps its HALTED', async () => {
    const dir = temp();
    const file = join(dir, 'paper', 'state.json');
    mkdirSync(join(dir, 'paper'));
    copyFileSync(fixture('state.v1-halted.json'), file);
    const r = await runCli([
      '--headless',
      '--json',
      '--config',
      'sim',
      '--duration',
      '0.5',
      '--status-every',
      '60',
      '--data-dir',
      dir,
    ]);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.some((l) => l.type === 'alert' && /state store migrated to schema v2/.test(l.message))).toBe(
      true,
    );
    expect(lines.find((l) => l.type === 'status').state).toBe('HALTED');
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    expect(stored.schemaVersion).toBe(2);
    expect(stored.kill.halted).toBe(true);
    expect(Object.keys(stored.strategies).sort()).toEqual(['arb-btc', 'arb-eth', 'arb-sol']);
    expect(stored.limits).toMatchObject({ maxOrderNotional: 10_000, maxPositionNotional: 25_000 });
    expect(stored.startBalances).toHaveLength(2);
    expect(readdirSync(join(dir, 'paper')).filter((f) => f.endsWith('.bak'))).toHaveLength(1);
  });
});

describe('paper/replay parity', () => {
  it('a demo run recorded through ccxt replays to the same journal, fills and PnL, twice over', async () => {
    const dir = temp();
    const rec = join(dir, 'rec');
    const live = await runCli(
      [
        '--headless',
        '--json',
        '--duration',
        '12',
        '--status-every',
        '60',
        '--data-dir',
        dir,
        '--record',
        rec,
      ],
      { timeoutMs: 60_000 },
    );
    expect(live.stderr).toBe('');
    expect(live.code).toBe(0);
    const printed = live.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((l) => l.type === 'fill');
    expect(printed.length).toBeGreaterThan(0);
    const index = JSON.parse(readFileSync(join(rec, 'index.json'), 'utf8')) as RecordingIndex;
    expect(index.segments.length).toBeGreaterThan(0);
    expect(readdirSync(rec).filter((f) => f.endsWith('.ndjson.gz'))).toHaveLength(index.segments.length);

    const [a, b] = [temp(), temp()];
    const [ra, rb] = await Promise.all(
      [a, b].map((d) => runCli(['replay', '--data', rec, '--json', '--data-dir', d], { timeoutMs: 60_000 })),
    );
    expect(ra.code).toBe(0);
    // Deterministic: the same recording gives a byte-identical journal and report.
    expect(ra.stdout).toBe(rb.stdout);
    const replayJournal = readFileSync(join(a, 'replay', 'journal.ndjson'), 'utf8');
    expect(readFileSync(join(b, 'replay', 'journal.ndjson'), 'utf8')).toBe(replayJournal);
    // Parity: the replay's journal is the live run's, byte for byte: every order, fill, fee and state change.
    expect(replayJournal).toBe(readFileSync(join(dir, 'paper', 'journal.ndjson'), 'utf8'));
    const fills = readJournal(join(a, 'replay', 'journal.ndjson')).filter((l) => l.record.type === 'fill');
    expect(fills.map((l) => [l.record.qty, l.record.price, l.record.fee])).toEqual(
      printed.map((f) => [f.qty, f.price, f.fee]),
    );
    const replayed = JSON.parse(ra.stdout);
    expect(replayed.total.trades).toBe(printed.length);
    expect(reportFromJournal(join(a, 'replay', 'journal.ndjson')).report.total).toEqual(
      reportFromJournal(join(dir, 'paper', 'journal.ndjson')).report.total,
    );
  }, 120_000);
});

describe('tradedesk record', () => {
  it('records the loopback venues through ccxt into indexed segments that replay deterministically', async () => {
    const dir = temp();
    const out = join(dir, 'btc');
    const r = await runCli(
      [
        'record',
        '--venues',
        'binance,hyperliquid',
        '--symbols',
        'BTC/USDT:USDT,BTC/USDC:USDC',
        '--out',
        out,
        '--duration',
        '5',
        '--retain-mb',
        '64',
      ],
      { timeoutMs: 60_000 },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('recording binance BTC/USDT:USDT; hyperliquid BTC/USDC:USDC');
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as RecordingIndex;
    expect(index.segments.reduce((n, s) => n + s.lines, 0)).toBeGreaterThan(100);
    expect(existsSync(join(out, 'inputs.ndjson'))).toBe(false);
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'));
    expect(meta.instruments.map((i: { symbol: string }) => i.symbol).sort()).toEqual([
      'BTC/USDC:USDC',
      'BTC/USDT:USDT',
    ]);

    const [a, b] = [temp(), temp()];
    const [ra, rb] = await Promise.all(
      [a, b].map((d) => runCli(['replay', '--data', out, '--json', '--data-dir', d])),
    );
    expect(ra.code).toBe(0);
    expect(ra.stdout).toBe(rb.stdout);
    expect(Object.keys(JSON.parse(ra.stdout).strategies)).toEqual(['arb-btc']);
    expect(readFileSync(join(a, 'replay', 'journal.ndjson'), 'utf8')).toBe(
      readFileSync(join(b, 'replay', 'journal.ndjson'), 'utf8'),
    );

    // The same folder again is refused, not overwritten.
    const again = await runCli(['record', '--out', out, '--duration', '1']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds a recording/);
  }, 120_000);

  it('bad flags exit 2 with one message', async () => {
    const used = temp();
    writeFileSync(join(used, 'meta.json'), '{}');
    for (const [args, message] of [
      [['--headless', '--config', 'sim', '--record', used], /already holds a recording/],
      [['--record', temp()], /--record DIR goes with --headless/],
      [['record', '--duration', '1'], /record needs --out DIR/],
      [['replay', '--speed', 'fast'], /--speed expects max, 1x, 10x/],
      [['replay', '--data', temp()], /no meta.json/],
    ] as const) {
      const r = await runCli([...args, '--data-dir', temp()]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});

describe('a torn journal tail after a crash', () => {
  it('is set aside on restart with an alert, and check names the side file and stays clean', async () => {
    const dir = temp();
    const args = ['--headless', '--json', '--config', 'sim', '--status-every', '60', '--data-dir', dir];
    expect((await runCli([...args, '--duration', '0.5'])).code).toBe(0);
    const file = join(dir, 'paper', 'journal.ndjson');
    const good = readFileSync(file, 'utf8');
    const lines = good.trimEnd().split('\n').length;
    const tail = `{"seq":${lines + 1},"type":"fill","ts":1,"venue":"binance","qty":"0.0`;
    writeFileSync(file, good + tail);
    const r = await runCli([...args, '--duration', '0.5']);
    expect(r.code).toBe(0);
    const alert = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .find((l) => l.type === 'alert' && l.source === 'journal');
    expect(alert.severity).toBe('critical');
    expect(alert.message).toContain(`torn last line ${lines + 1} of ${file}`);
    const side = readdirSync(join(dir, 'paper')).filter((f) => /^journal\.torn-.*\.ndjson$/.test(f));
    expect(side).toHaveLength(1);
    expect(readFileSync(join(dir, 'paper', side[0]), 'utf8')).toBe(tail);
    expect(readFileSync(file, 'utf8').startsWith(good)).toBe(true);
    const check = await runCli(['check', '--json', '--data-dir', dir]);
    expect(check.code).toBe(0);
    expect(JSON.parse(check.stdout).stores[0].setAside).toEqual([join(dir, 'paper', side[0])]);
  });
});
