// End to end: tradedesk ctl against a real headless engine, through the real binary, across a restart.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ctlStatus,
  startHeadless,
  writeSlowVenueProfile,
  type DeskStatusJson,
  type HeadlessEngine,
} from './headless-engine.ts';
import { runCli } from './run-cli.ts';
import { sleep } from './wait.ts';

const temp = () => mkdtempSync(join(tmpdir(), 'td-ctl-'));
const engines: HeadlessEngine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.stop();
});

async function start(dir: string, profile: string): Promise<HeadlessEngine> {
  const engine = await startHeadless(dir, profile);
  engines.push(engine);
  return engine;
}

/** Ask ctl status until it shows what we wait for. */
async function statusUntil(
  what: string,
  dir: string,
  test: (s: DeskStatusJson) => boolean,
  timeoutMs = 45_000,
): Promise<DeskStatusJson> {
  const deadline = Date.now() + timeoutMs;
  let last: DeskStatusJson | undefined;
  while (Date.now() < deadline) {
    last = await ctlStatus(dir);
    if (test(last)) return last;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}; last status: ${JSON.stringify(last)}`);
}

describe('tradedesk ctl', () => {
  it('kill halts a headless engine holding open orders; HALTED survives a restart; rearm --yes makes it ACTIVE', async () => {
    const dir = temp();
    const profile = writeSlowVenueProfile(dir);
    const engine = await start(dir, profile);

    const busy = await statusUntil('open paper orders', dir, (s) => s.openOrders > 0);
    expect(busy).toMatchObject({ state: 'ACTIVE', mode: 'paper' });
    expect(Object.keys(busy).sort()).toEqual(['mode', 'openOrders', 'state', 'strategies', 'venues']);
    expect(busy.strategies.map((s) => [s.name, s.mode, s.state])).toEqual([
      ['arb-btc', 'paper', 'RUNNING'],
      ['arb-eth', 'paper', 'RUNNING'],
    ]);
    expect(busy.venues.map((v) => v.name)).toEqual(['binance', 'hyperliquid']);

    // Orders sit in flight for ~5 s, so the kill finds them open and cancels them.
    const kill = await runCli(['ctl', 'kill', '--data-dir', dir]);
    expect(kill.code).toBe(0);
    expect(kill.stdout).toMatch(/^HALTED: [1-9]\d* order\(s\) cancelled\n$/);

    const halted = await statusUntil('HALTED with no open orders', dir, (s) => s.openOrders === 0);
    expect(halted.state).toBe('HALTED');
    expect(halted.strategies.every((s) => s.state === 'HALTED')).toBe(true);
    // The headless engine's own output tells the same story.
    expect(engine.output()).toMatch(/"type":"state","ts":\d+,"scope":"engine","from":"ACTIVE","to":"HALTED"/);

    // A HALTED strategy refuses to resume: refused is exit 1, with the engine's reason.
    const resume = await runCli(['ctl', 'resume', 'arb-btc', '--json', '--data-dir', dir]);
    expect(resume.code).toBe(1);
    expect(JSON.parse(resume.stdout)).toEqual({ ok: false, message: 'arb-btc is HALTED: re-arm first' });

    expect(await engine.stop()).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'paper', 'state.json'), 'utf8')).kill.halted).toBe(true);

    await start(dir, profile);
    const restarted = await ctlStatus(dir);
    expect(restarted.state).toBe('HALTED');
    expect(restarted.strategies.every((s) => s.state === 'HALTED')).toBe(true);

    // rearm needs a confirmation a script gives with --yes.
    const unconfirmed = await runCli(['ctl', 'rearm', '--data-dir', dir]);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toBe(
      'tradedesk: ctl rearm needs confirmation: pass --yes (stdin is not a terminal to ask on)\n',
    );
    expect((await ctlStatus(dir)).state).toBe('HALTED');

    const rearm = await runCli(['ctl', 'rearm', '--yes', '--data-dir', dir]);
    expect(rearm.code).toBe(0);
    expect(rearm.stdout).toBe('re-armed: ACTIVE\n');
    const active = await ctlStatus(dir);
    expect(active.state).toBe('ACTIVE');
    expect(active.strategies.every((s) => s.state === 'RUNNING')).toBe(true);

    // REDUCING, for one strategy and for the whole engine; rearm brings the engine back to ACTIVE.
    expect((await runCli(['ctl', 'reduce', 'arb-btc', '--data-dir', dir])).stdout).toBe('arb-btc REDUCING\n');
    expect((await ctlStatus(dir)).strategies.find((s) => s.name === 'arb-btc')?.state).toBe('REDUCING');
    expect((await runCli(['ctl', 'resume', 'arb-btc', '--data-dir', dir])).code).toBe(0);
    expect((await runCli(['ctl', 'reduce', '--data-dir', dir])).code).toBe(0);
    expect((await ctlStatus(dir)).state).toBe('REDUCING');
    expect((await runCli(['ctl', 'rearm', '--yes', '--data-dir', dir])).code).toBe(0);
    expect((await ctlStatus(dir)).state).toBe('ACTIVE');
    // Nothing to accept on a clean start: the engine says so and ctl exits 1.
    expect((await runCli(['ctl', 'accept', '--yes', '--data-dir', dir])).code).toBe(1);

    // A second engine on the same data dir is refused, and the first one keeps answering.
    const second = await runCli(['--headless', '--config', profile, '--data-dir', dir, '--duration', '1']);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/another engine is running on this data dir/);
    expect((await ctlStatus(dir)).state).toBe('ACTIVE');

    // Without --json, one line for a person.
    const text = await runCli(['ctl', 'status', '--data-dir', dir]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^ACTIVE paper, \d+ open orders? \| arb-btc PAPER RUNNING -?\d+\.\d+, arb-eth .*\| binance /,
    );
  });

  it('says so when no engine runs, and refuses bad verbs and missing names with exit 2', async () => {
    const dir = temp();
    const none = await runCli(['ctl', 'status', '--data-dir', dir]);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      `tradedesk: no engine is running in ${dir} (no control socket at ${join(dir, 'paper', 'control.sock')})\n`,
    );
    const live = await runCli(['ctl', 'kill', '--live', '--data-dir', dir]);
    expect(live.code).toBe(2);
    expect(live.stderr).toContain(join(dir, 'live', 'control.sock'));

    const cases: [string[], string][] = [
      [
        ['ctl'],
        'tradedesk: ctl needs a verb: status, pause, resume, promote, demote, kill, rearm, reduce, accept\n',
      ],
      [
        ['ctl', 'launch'],
        'tradedesk: unknown ctl verb "launch" (expected status, pause, resume, promote, demote, kill, rearm, reduce, accept)\n',
      ],
      [['ctl', 'pause'], 'tradedesk: ctl pause needs a strategy name\n'],
      [['ctl', 'kill', 'arb-btc'], 'tradedesk: unexpected argument "arb-btc"\n'],
      [
        ['ctl', 'promote', 'arb-btc'],
        'tradedesk: ctl promote needs confirmation: pass --yes (stdin is not a terminal to ask on)\n',
      ],
      [['attach'], 'tradedesk: attach needs a terminal; use tradedesk ctl status for a line\n'],
      [
        ['--headless', '--listen', 'nowhere'],
        'tradedesk: --listen expects HOST:PORT such as 127.0.0.1:7070, got "nowhere"\n',
      ],
    ];
    for (const [args, message] of cases) {
      const r = await runCli([...args, '--data-dir', dir]);
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 2, stderr: message });
    }
  });
});
