// tradedesk replay: a recording (--data DIR) or the simulated market through the real engine; prints the report.
import { runReplay, runReplayPaced, type ReplayResult } from '../engine/replay.ts';
import type { Report } from '../engine/report.ts';
import type { CommonOptions } from './main.ts';
import { UsageError } from './main.ts';

/** --speed max (default), 1x, 10x, … : simulated seconds per wall second. */
function parseSpeed(speed: string | undefined): number | undefined {
  if (speed === undefined || speed === 'max') return undefined;
  const m = /^(\d+(?:\.\d+)?)x$/.exec(speed);
  if (!m || Number(m[1]) <= 0) throw new UsageError(`--speed expects max, 1x, 10x, … (got "${speed}")`);
  return Number(m[1]);
}

export async function runReplayCommand({ profile, dataDir, flags }: CommonOptions): Promise<number> {
  const seed = flags.seed ?? (profile.market.kind === 'venues' ? 1 : profile.market.seed);
  const speed = parseSpeed(flags.speed);
  if (flags.data !== undefined && flags.seed !== undefined)
    throw new UsageError(
      '--data replays a recording; --seed/--events replay the simulated market: choose one',
    );
  const options = { profile, seed, events: Math.floor(flags.events), dataDir, recording: flags.data, speed };
  // A recording brings its own profile unless --config names one.
  const profileGiven = flags.config !== undefined;
  const result: ReplayResult =
    speed === undefined ? runReplay(options, profileGiven) : await runReplayPaced(options, profileGiven);
  if (flags.json) {
    process.stdout.write(JSON.stringify(result.report) + '\n');
    return 0;
  }
  const source = flags.data ? `recording ${flags.data}` : `seed ${seed}`;
  printReport(result.report, [
    `replay: ${source}, ${result.events} events, ${(result.simulatedMs / 1000).toFixed(1)} s simulated`,
    `journal: ${result.journalFile}`,
  ]);
  return 0;
}

export function printReport(report: Report, heading: string[]): void {
  const t = report.total;
  const lines = [
    ...heading,
    `net PnL ${t.netPnl}  gross ${t.grossPnl}  fees ${t.fees}  funding ${t.funding}`,
    `trades ${t.trades}  volume ${t.volume}  max drawdown ${t.maxDrawdown}  sharpe ${t.sharpe}  break-even fee ${t.breakEvenFeeBps} bp`,
    ...Object.entries(report.strategies).map(
      ([name, s]) =>
        `  ${name.padEnd(12)} net ${s.netPnl.padStart(10)}  trades ${String(s.trades).padStart(5)}  fees ${s.fees}`,
    ),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
