// tradedesk replay: the simulated market at full speed through the real engine; prints the report.
import { runReplay } from '../engine/replay.ts';
import type { Report, ReportFigures } from '../engine/report.ts';
import type { CommonOptions } from './main.ts';

export function runReplayCommand({ profile, dataDir, flags }: CommonOptions): number {
  const seed = flags.seed ?? (profile.market.kind === 'venues' ? 1 : profile.market.seed);
  const result = runReplay({ profile, seed, events: Math.floor(flags.events), dataDir });
  if (flags.json) {
    process.stdout.write(JSON.stringify(result.report) + '\n');
    return 0;
  }
  printReport(result.report, [
    `replay: seed ${seed}, ${result.events} events, ${(result.simulatedMs / 1000).toFixed(1)} s simulated`,
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
