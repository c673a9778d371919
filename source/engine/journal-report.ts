// The performance report from a journal alone: positions marked at their last fill, equity sampled per minute.
import { toNumber } from '../core/money.ts';
import { auditJournal, markAtLastFills, type Finding } from './journal-audit.ts';
import { EquityStats } from './performance.ts';
import { reportOf, type Report } from './report.ts';

const SAMPLE_MS = 60_000;

export function reportFromJournal(file: string): { report: Report; findings: Finding[] } {
  const total = new EquityStats(SAMPLE_MS, 0);
  const perStrategy = new Map<string, EquityStats>();
  let nextSample = Number.NEGATIVE_INFINITY;
  const audit = auditJournal(file, (a, ts) => {
    if (!(ts >= nextSample)) return;
    nextSample = ts + SAMPLE_MS;
    markAtLastFills(a.ledger, a.lastPrice);
    const start = toNumber(a.ledger.startEquity());
    total.sample(a.ledger.equity());
    for (const acc of a.ledger.accountsList()) {
      if (!perStrategy.has(acc.strategy)) perStrategy.set(acc.strategy, new EquityStats(SAMPLE_MS, start));
    }
    for (const [name, stats] of perStrategy) stats.sample(a.ledger.totals((x) => x.strategy === name).net);
  });
  markAtLastFills(audit.ledger, audit.lastPrice);
  return { report: reportOf(audit.ledger, total, perStrategy), findings: audit.findings };
}
