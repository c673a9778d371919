// tradedesk replay: the simulated market at full speed through the real engine; prints the report.
import { runReplay } from '../engine/replay.ts';
import type { Report } from '../engine/report.ts';
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
