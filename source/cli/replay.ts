// tradedesk replay: a recording (--data DIR) or the simulated market through the real engine; prints the report.
import { runReplay, runReplayPaced, type ReplayResult } from '../engine/replay.ts';
import type { Report, ReportFigures } from '../engine/report.ts';
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
  const pf = (f: ReportFigures) => (f.profitFactor === null ? '-' : String(f.profitFactor));
  const row = (name: string, f: ReportFigures) =>
    `  ${name.padEnd(16)} net ${f.netPnl.padStart(10)}  fees ${f.fees.padStart(9)}  fills ${String(f.trades).padStart(5)}  trips ${String(f.roundTrips).padStart(4)}  win ${(f.winRate * 100).toFixed(0).padStart(3)}%  edge ${f.avgEdgeBps} bp  break-even ${f.breakEvenFeeBps} bp`;
  const lines = [
    ...heading,
    `net PnL ${t.netPnl}  gross ${t.grossPnl} (realized ${t.realizedPnl}, unrealized ${t.unrealizedPnl})  fees ${t.fees}  funding ${t.funding}`,
    `fills ${t.trades}  round trips ${t.roundTrips}  volume ${t.volume}  win rate ${(t.winRate * 100).toFixed(1)}%  profit factor ${pf(t)}  expectancy ${t.expectancy}  edge ${t.avgEdgeBps} bp`,
    `max drawdown ${t.maxDrawdown} (${t.maxDrawdownPct}%${t.maxDrawdownAt === null ? '' : ` at ${new Date(t.maxDrawdownAt).toISOString()}`})  sharpe ${t.sharpe}  sortino ${t.sortino}`,
    `break-even fee ${t.breakEvenFeeBps} bp  slippage ${t.slippageBps} bp vs decision prices`,
    'by strategy',
    ...Object.entries(report.strategies).map(([name, s]) => row(name, s)),
    'by venue',
    ...Object.entries(report.venues).map(([name, s]) => row(name, s)),
    'by symbol',
    ...Object.entries(report.symbols).map(([name, s]) => row(name, s)),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
