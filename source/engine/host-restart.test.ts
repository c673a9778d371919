// A restart keeps what the operator set: a paused strategy stays paused, a live one comes back on paper.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simProfile } from './config.ts';
import { EngineHost } from './host.ts';

describe('restart', () => {
  it('keeps a PAUSED strategy paused and brings a LIVE one back on PAPER with a warning', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'td-restart-'));
    const options = { profile: simProfile(), dataDir, mode: 'paper' as const, liveAllowed: false };
    const first = await EngineHost.create(options);
    expect(first.command({ type: 'pause', strategy: 'arb-eth' }).ok).toBe(true);
    await first.stop();
    // As a run that had promoted arb-btc would have left the store.
    const file = join(dataDir, 'paper', 'state.json');
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    expect(stored.strategies['arb-eth']).toEqual({ mode: 'paper', state: 'PAUSED' });
    stored.strategies['arb-btc'].mode = 'live';
    writeFileSync(file, JSON.stringify(stored));

    const again = await EngineHost.create(options);
    const state = Object.fromEntries(
      again.engine.strategies.map((rt) => [rt.strategy.name, [rt.mode, rt.state]]),
    );
    expect(state).toEqual({
      'arb-btc': ['paper', 'RUNNING'],
      'arb-eth': ['paper', 'PAUSED'],
      'arb-sol': ['paper', 'RUNNING'],
    });
    expect(again.engine.alerts.map((a) => a.message)).toContain(
      'arb-btc was LIVE before the restart: it runs on PAPER until promoted again',
    );
    await again.stop();
  });
});
