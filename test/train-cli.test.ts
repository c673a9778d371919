import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

const temp = () => mkdtempSync(join(tmpdir(), 'td-train-'));

describe('tradedesk train', () => {
  it('prints the contract JSON and registers a versioned artifact, copying it to --out', async () => {
    const dir = temp();
    const out = join(dir, 'copy.json');
    const args = [
      'train',
      '--seed',
      '1',
      '--events',
      '40000',
      '--horizon',
      '5s',
      '--model',
      'logistic',
      '--json',
    ];
    const r = await runCli([...args, '--data-dir', dir, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.model).toBe('logistic');
    expect(j.version).toBe('v1');
    for (const k of ['auc', 'accuracy', 'ic', 'netPnl']) expect(j.oos).toHaveProperty(k);
    expect(typeof j.oos.netPnl).toBe('string');
    // Whether it finds the edge is source/signals/training.test.ts's job; here: a real out-of-sample score.
    expect(j.oos.auc).toBeGreaterThan(0);
    expect(j.oos.auc).toBeLessThan(1);
    expect(j.oos.samples).toBeGreaterThan(1_000);
    const file = join(dir, 'models', 'logistic-v1.json');
    expect(j.file).toBe(file);
    const artifact = JSON.parse(readFileSync(file, 'utf8'));
    expect(artifact).toMatchObject({ model: 'logistic', version: 'v1', horizonMs: 5_000 });
    expect(artifact.window.source).toEqual({ kind: 'sim', seed: 1, events: 40_000 });
    expect(artifact.featureHash).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(file, 'utf8'));
    // Training again is a new version; an existing --out is refused before any work, and nothing changes.
    const again = await runCli([...args, '--data-dir', dir]);
    expect(JSON.parse(again.stdout).version).toBe('v2');
    writeFileSync(join(dir, 'taken.json'), 'mine');
    const refused = await runCli([...args, '--data-dir', dir, '--out', join(dir, 'taken.json')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^tradedesk: --out .*taken\.json: the file exists/);
    expect(readFileSync(join(dir, 'taken.json'), 'utf8')).toBe('mine');
    expect(existsSync(join(dir, 'models', 'logistic-v3.json'))).toBe(false);
  });

  it('answers bad flags with one line and exit 2', async () => {
    const dir = temp();
    for (const [flags, message] of [
      [['--model', 'svm'], /--model expects one of logistic, gbdt, not "svm"/],
      [['--horizon', 'soon'], /--horizon expects a duration like 5s/],
      [['--data', dir], /recording .*: no meta\.json/],
      [['--data', dir, '--seed', '1'], /choose one/],
    ] as const) {
      const r = await runCli(['train', ...flags, '--data-dir', dir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('trains on a recording of what the engine consumed (--data)', async () => {
    const dir = temp();
    const recording = join(dir, 'rec');
    const rec = await runCli(
      [
        '--headless',
        '--config',
        'sim',
        '--record',
        recording,
        '--duration',
        '10',
        '--status-every',
        '100',
        '--data-dir',
        dir,
      ],
      { timeoutMs: 60_000 },
    );
    expect(rec.code).toBe(0);
    const r = await runCli(['train', '--data', recording, '--horizon', '2s', '--json', '--data-dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ model: 'logistic', version: 'v1' });
    expect(out.oos.samples).toBeGreaterThan(100);
    const artifact = JSON.parse(readFileSync(out.file, 'utf8'));
    expect(artifact.window.source).toEqual({ kind: 'data', dir: recording });
  }, 90_000);
});
